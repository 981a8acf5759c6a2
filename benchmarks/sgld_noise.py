"""SGLD's bias from its step and its minibatch noise, against its first-order estimate.

In a quadratic basin of Hessian H, SGLD with step ε and minibatch gradient noise of covariance C
samples a covariance wider than the target's; to first order its mean energy, and with it λ̂,
exceeds the exact value by ε(tr H + tr C)/4 (``diagnostics["step_bias"]``,
:func:`pymc_slt.sampling.sgld_rounds.step_bias`). This benchmark changes the noise alone (the
batch size; the step is set by the curvature either way) on one posterior per model and prints
λ̂, the estimate of its bias and λ̂ minus it: where the estimate is right, the last column does
not move with the batch while λ̂ does.

Models (``slt.learning_coefficient(model, sampler=slt.SGLD(batch_size=B), random_seed=0)``,
w* found by the run, γ = 0.01, β = 1/log n):

* a logistic regression with intercept, d = 5, n = 5·10⁴, λ = 2.5 (NUTS on the same call,
  ``sampler=slt.NUTS()``: 2.47 ± 0.04 in 124 s);
* reduced rank 5→5→5 (rank 1, d = 50, λ = 10.5) and the deep linear network 8→16→16→8 (rank 2,
  d = 512, λ = 32) of ``networks.py``, at n = 10⁴.

Rows go to ``benchmarks/results/sgld_noise.json``. Usage (one core, about 10 minutes)::

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/sgld_noise.py [--only LABEL]

``--choice default``, ``--choice nuts`` and ``--choice sgld`` run
``slt.learning_coefficient(model, random_seed=0)`` with the default sampler, ``slt.NUTS()`` and
``slt.SGLD()`` on a logistic regression of ``--d`` parameters (default 30, λ = d/2) at ``--n``
observations (default 2·10⁴), where SGLD's batch would have to grow: the cases on either side
of the default's n·d bound (:data:`pymc_slt.learning_coefficient.choice.NUTS_NOISE_SIZE`).
Rows go to ``benchmarks/results/sgld_choice.json``.

``--quick`` runs the logistic regression at n = 5,000 with batches of 8 and 256 (about a
minute) and asserts that λ̂ minus the estimate moves less between them than λ̂ does.
"""

from __future__ import annotations

import argparse
import json
import time
import warnings

from _store import command_line, markdown_table, update_result
from networks import _model

#: (label, n, batch sizes)
CASES = [
    ("logistic d=5", 50_000, (256, 1083)),
    ("RRR 5→5→5 r=1", 10_000, (32, 64, 256, 1024)),
    ("DLN 8→16→16→8 r=2", 10_000, (32, 64, 256, 1024)),
]


def _logistic(n: int, p: int = 4):
    """Logistic regression with intercept on x ~ N(0, I_p); λ = (p + 1)/2. For p = 4,
    w = (1, −0.5, 0.25, 0.8); otherwise w ~ N(0, 0.5²) (seed 0)."""
    import numpy as np

    from pymc_slt.models.regular import logistic_regression
    from pymc_slt.models.simulate import simulate_logistic

    w = [1.0, -0.5, 0.25, 0.8] if p == 4 else np.random.default_rng(0).normal(0, 0.5, p)
    data = simulate_logistic(n, list(w), random_seed=0)
    return logistic_regression(data.x, data.y, intercept=True), (p + 1) / 2


def run_choice(sampler: str, n: int = 20_000, d: int = 30) -> dict:
    """The default λ̂ (or NUTS's, or SGLD's) of a logistic regression of ``d`` parameters."""
    import pymc_slt as slt

    model, lam = _logistic(n, d - 1)
    start = time.perf_counter()
    with warnings.catch_warnings():  # a warning of the default is part of what is measured
        warnings.simplefilter("ignore", UserWarning)
        res = slt.learning_coefficient(
            model, sampler={"nuts": slt.NUTS(), "sgld": slt.SGLD()}.get(sampler),
            random_seed=0, progressbar=False,
        )  # fmt: skip
    return {
        "sampler": sampler,
        "n": n,
        "d": d,
        "lambda": lam,
        "estimate": res.estimate,
        "se": res.se,
        "choice": res.diagnostics.get("sampler_choice", "sampler given"),
        "seconds": time.perf_counter() - start,
    }


def choice_markdown(rows: list[dict]) -> str:
    header = ["d", "n", "n·d", "call", "λ", "λ̂ ± se", "error", "s", "what ran"]
    body = [
        [
            r["d"],
            f"{r['n']:,}",
            f"{r['n'] * r['d']:.1e}",
            {"nuts": "slt.NUTS()", "sgld": "slt.SGLD()"}.get(r["sampler"], "default"),
            f"{r['lambda']:g}",
            f"{r['estimate']:.2f} ± {r['se']:.2f}",
            f"{r['estimate'] / r['lambda'] - 1:+.1%}",
            f"{r['seconds']:.0f}",
            r["choice"],
        ]
        for r in sorted(rows, key=_choice_key)
    ]
    return markdown_table(header, body) + "\n\nlogistic regression with intercept, x ~ N(0, I)"


def _choice_key(row: dict) -> tuple:
    return row["n"] * row["d"], row["d"], row["sampler"]


def run(label: str, n: int, batch: int, **spec) -> dict:
    """One SGLD estimate at ``batch`` rows a step, with its step-bias estimate."""
    import pymc_slt as slt

    model, lam = _logistic(n) if label.startswith("logistic") else _model(label, n)
    start = time.perf_counter()
    with warnings.catch_warnings():  # the noise-ratio and step-bias warnings: measured here
        warnings.simplefilter("ignore", UserWarning)
        res = slt.learning_coefficient(
            model, sampler=slt.SGLD(batch_size=batch, **spec), random_seed=0, progressbar=False
        )
    diag = res.diagnostics
    return {
        "case": label,
        "n": n,
        "lambda": lam,
        "batch": batch,
        "noise_ratio": diag["noise_ratio"],
        "estimate": res.estimate,
        "se": res.se,
        "step_bias": diag["step_bias"]["bias"],
        "settled": bool(diag["settled"]),
        "seconds": time.perf_counter() - start,
    }


def markdown(rows: list[dict]) -> str:
    header = ["case", "n", "λ", "batch", "nβ/|B|", "λ̂ ± se", "step bias", "λ̂ − step bias"]
    header += ["settled", "s"]
    body = [
        [
            r["case"],
            f"{r['n']:,}",
            f"{r['lambda']:g}",
            r["batch"],
            f"{r['noise_ratio']:.3g}",
            f"{r['estimate']:.2f} ± {r['se']:.2f}",
            f"{r['step_bias']:.2f}",
            f"{r['estimate'] - r['step_bias']:.2f}",
            "yes" if r["settled"] else "no",
            f"{r['seconds']:.0f}",
        ]
        for r in sorted(rows, key=lambda r: ([c[0] for c in CASES].index(r["case"]), -r["batch"]))
    ]
    notes = (
        "slt.learning_coefficient(model, sampler=slt.SGLD(batch_size=batch), random_seed=0): "
        "the default SGLD but for the batch; step bias = ε(tr H + tr C)/4 where the chains end "
        "(diagnostics['step_bias']); NUTS on the logistic regression: 2.47 ± 0.04"
    )
    return f"{markdown_table(header, body)}\n\n{notes}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="logistic, n = 5,000; checks itself")
    parser.add_argument("--only", help="run the cases whose label contains this")
    parser.add_argument("--choice", choices=["default", "nuts", "sgld"], help="one row of --choice")
    parser.add_argument("--n", type=int, default=20_000, help="--choice: observations")
    parser.add_argument("--d", type=int, default=30, help="--choice: parameters")
    args = parser.parse_args()
    if args.choice:
        row = {**run_choice(args.choice, args.n, args.d), "command": command_line()}
        print(json.dumps(row), flush=True)
        update_result("sgld_choice", [row], key=_choice_key, table=choice_markdown)
        return
    if args.quick:
        spec = {"first_round": 2000, "max_steps": 8000}
        small, large = (run("logistic d=5", 5000, b, **spec) for b in (8, 256))
        print(json.dumps([small, large]))
        moved = small["estimate"] - large["estimate"]
        corrected = moved - (small["step_bias"] - large["step_bias"])
        assert moved > 0 and abs(corrected) < moved, (small, large)
        return
    for label, n, batches in CASES:
        if args.only and args.only not in label:
            continue
        for batch in batches:
            row = {**run(label, n, batch), "command": command_line()}
            print(json.dumps(row), flush=True)
            update_result(
                "sgld_noise", [row], key=lambda r: (r["case"], r["batch"]), table=markdown
            )


if __name__ == "__main__":
    main()
