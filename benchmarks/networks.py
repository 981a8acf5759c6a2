"""Networks at scale: the default local λ̂ of deep linear networks against theory and devinterp.

Cases (n = 10⁴, x ~ N(0, I), noise N(0, 1), W ~ N(0, 1) priors, a product of rank r as truth,
``reduced_rank_truth(M, N, r, random_seed=0)``, ``simulate_reduced_rank(n, B, A, random_seed=0)``;
λ from ``slt.theory.rlct_deep_linear``, Aoyagi 2024): reduced rank 5→5→5 (d = 50, λ = 10.5),
DLN 8→16→16→8 (d = 512, λ = 32), DLN 40⁴ (d = 4,800, λ = 584), DLN 130⁴ (d = 50,700, λ = 5,804).
Each row is ``slt.learning_coefficient(model, random_seed=0)``, the default path (it picks SGLD
above n·d = 200,000: all four cases), in a fresh Python, with its seconds (compilation, the
search for w* and the energies included) and peak resident memory; the devinterp columns come
from ``benchmarks/results/networks_devinterp.json`` (``_networks_devinterp.py``, devinterp 1.3.2
in its own Python 3.11 venv, its usual recipe: Adam to a minimum, then SGLD lr 1e-3, γ = 100,
nβ = n/log n, batch 64). The table goes to ``benchmarks/results/networks.json``.

Usage::

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/networks.py [--only LABEL] [--n N] [--quick]

``--n`` runs the cases at another number of observations (a row per case and n; devinterp's
columns are filled at n = 10⁴ only).

``--quick`` runs the d = 50 case at n = 2,000 with a short SGLD run (about a minute) and
asserts that λ̂ is within 25 % of λ and that the run reports its choices.

``--nuts`` instead checks ``slt.SGLD()`` against NUTS on the same localized posterior (the
SGLD run's w*, γ = 0.01, β = 1/log n; ``slt.NUTS(draws=500, tune=500)``) where NUTS finishes
in minutes: the first two cases at n = 1,000. The table goes to
``benchmarks/results/networks_nuts.json``.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

from _store import RESULTS, command_line, fmt, load_json, markdown_table, update_result

#: (label, M, N, hidden widths, r)
CASES = [
    ("RRR 5→5→5 r=1", 5, 5, (5,), 1),
    ("DLN 8→16→16→8 r=2", 8, 8, (16, 16), 2),
    ("DLN 40⁴ r=4", 40, 40, (40, 40), 4),
    ("DLN 130⁴ r=4", 130, 130, (130, 130), 4),
]
N_OBS = 10_000


def _model(label: str, n: int):
    """The case's model on its simulated data, and its λ."""
    import pymc_slt as slt
    from pymc_slt.models import deep_linear_network
    from pymc_slt.models.simulate import reduced_rank_truth, simulate_reduced_rank

    _, M, N, widths, r = next(c for c in CASES if c[0] == label)
    B, A = reduced_rank_truth(M, N, r, random_seed=0)
    data = simulate_reduced_rank(n, B, A, random_seed=0)
    return deep_linear_network(data.x, data.y, widths), slt.theory.rlct_deep_linear(M, N, widths, r)


def run_case(label: str, n: int, quick: bool) -> dict:
    """One default ``learning_coefficient`` call, in this process."""
    import pymc_slt as slt
    from pymc_slt.sampling.tempered import n_parameters

    model, lam = _model(label, n)
    kwargs = {"sampler": slt.SGLD(first_round=2000, max_steps=8000)} if quick else {}
    start = time.perf_counter()
    res = slt.learning_coefficient(model, random_seed=0, progressbar=False, **kwargs)
    diag = res.diagnostics
    return {
        "case": label,
        "n": n,
        "d": n_parameters(model),
        "lambda": lam,
        "estimate": res.estimate,
        "se": res.se,
        "seconds": time.perf_counter() - start,
        "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "choice": diag.get("sampler_choice", ""),
        "steps": diag.get("num_steps"),
        "settled": bool(diag.get("settled", True)),
        "step_size": diag.get("step_size"),
        "preconditioned": bool(diag.get("preconditioned", False)),
        "batch": diag.get("batch_size"),
        "step_bias": diag.get("step_bias", {}).get("bias"),
        "drift": diag.get("drift"),
    }


def run_against_nuts(label: str, n: int) -> dict:
    """λ̂ by ``slt.SGLD()`` (its defaults) and by NUTS on the same localized posterior, in this
    process."""
    import warnings

    import pymc_slt as slt

    model, lam = _model(label, n)
    start = time.perf_counter()
    sgld = slt.learning_coefficient(model, sampler=slt.SGLD(), random_seed=0, progressbar=False)
    middle = time.perf_counter()
    with warnings.catch_warnings():  # the parameters' r̂ of a singular model: not the energy's
        warnings.simplefilter("ignore", slt.PoorMixingWarning)
        nuts = slt.learning_coefficient(
            model,
            method=slt.LocalLambda(point=sgld.diagnostics["point"]),
            sampler=slt.NUTS(draws=500, tune=500),
            random_seed=0,
            progressbar=False,
        )
    return {
        "case": label,
        "n": n,
        "lambda": lam,
        "sgld": [sgld.estimate, sgld.se, middle - start],
        "nuts": [nuts.estimate, nuts.se, time.perf_counter() - middle],
        "nuts_energy_rhat": float(nuts.diagnostics["energy_rhat"][0]),
        "nuts_divergences": int(nuts.diagnostics["n_divergences"]),
    }


def in_subprocess(label: str, n: int, quick: bool, nuts: bool = False) -> dict:
    """:func:`run_case` (or :func:`run_against_nuts`) in a fresh Python, so each peak memory
    is the case's own."""
    args = ["--case", label, "--n", str(n), *(["--quick"] if quick else [])]
    args += ["--nuts"] if nuts else []
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _devinterp(label: str) -> tuple[dict, dict]:
    """devinterp's runs for ``label``: at its default lr 1e-3 (4 × 1000 draws), and at 4 × 2000
    draws with the largest lr whose λ̂ is finite and at most d/2 (a rule that does not know
    λ; ``_networks_devinterp.py``)."""
    rows = [r for r in load_json(RESULTS / "networks_devinterp.json").get("rows", [])
            if r["case"] == label]  # fmt: skip
    default = next((r for r in rows if r["settings"]["lr"] == 1e-3), {})
    chosen = next((r for r in rows if r["settings"]["num_draws"] == 2000), {})
    return default, chosen


def _peer_cells(row: dict, lam: float) -> list[str]:
    llc = row.get("llc")
    if not row:
        return ["–", "–"]
    if llc is None:
        return [f"diverged (lr {row['settings']['lr']:g})", "–"]
    return [f"{llc:.1f} (lr {row['settings']['lr']:g})", f"{llc / lam - 1:+.0%}"]


def markdown(rows: list[dict]) -> str:
    header = ["case", "d", "n", "λ", "pymc-slt λ̂ ± se", "error", "s", "peak GB", "steps"]
    header += ["batch", "step bias", "drift", "settled"]
    header += ["devinterp, lr 1e-3", "error", "devinterp, lr by λ̂ ≤ d/2", "error", "s"]
    body = []
    for r in sorted(rows, key=lambda r: (r["d"], r["n"])):
        default, chosen = _devinterp(r["case"]) if r["n"] == N_OBS else ({}, {})
        body.append(
            [
                r["case"],
                r["d"],
                f"{r['n']:,}",
                f"{r['lambda']:g}",
                f"{r['estimate']:.1f} ± {r['se']:.1f}",
                f"{r['estimate'] / r['lambda'] - 1:+.0%}",
                f"{r['seconds']:.0f}",
                f"{r['peak_gb']:.2f}",
                r["steps"],
                fmt(r.get("batch"), ",d"),
                fmt(r.get("step_bias"), ".2f"),
                fmt(r.get("drift"), "+.2f"),
                "yes" if r["settled"] else "no",
                *_peer_cells(default, r["lambda"]),
                *_peer_cells(chosen, r["lambda"]),
                fmt(chosen.get("seconds"), ".0f"),
            ]
        )
    notes = (
        "pymc-slt: slt.learning_coefficient(model, random_seed=0), one "
        "subprocess per row, seconds include compilation, the search for w* and the energies; "
        "steps = SGLD steps per chain (8 chains, preconditioned); batch = rows per step (256, "
        "or nβ/4.25 where larger); step bias = the first-order bias ε(tr H + tr C)/4 of the "
        "step and the minibatch noise (diagnostics['step_bias'], reported, not subtracted); "
        "drift = λ̂'s change between the last two windows (diagnostics['drift']), in the se. "
        f"devinterp (at n = {N_OBS:,} only) 1.3.2 "
        "(benchmarks/results/networks_devinterp.json has every run): γ = 100, nβ = n/log n, "
        "batch 64, 4 chains, after 3000 full-batch Adam steps (most of its seconds)"
    )
    return f"{markdown_table(header, body)}\n\n{notes}"


def nuts_markdown(rows: list[dict]) -> str:
    header = ["case", "n", "λ", "slt.SGLD() λ̂ ± se", "s", "NUTS λ̂ ± se", "s", "NUTS r̂"]
    header += ["difference / combined se"]
    body = []
    for r in rows:
        (a, sa, ta), (b, sb, tb) = r["sgld"], r["nuts"]
        body.append(
            [r["case"], r["n"], f"{r['lambda']:g}", f"{a:.2f} ± {sa:.2f}", f"{ta:.0f}",
             f"{b:.2f} ± {sb:.2f}", f"{tb:.0f}", f"{r['nuts_energy_rhat']:.3f}",
             f"{(a - b) / (sa**2 + sb**2) ** 0.5:+.1f}"]
        )  # fmt: skip
    notes = (
        "the same localized posterior: the SGLD run's w*, γ = 0.01, β = 1/log n; NUTS: "
        "slt.NUTS(draws=500, tune=500), 4 chains; one subprocess per row"
    )
    return f"{markdown_table(header, body)}\n\n{notes}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="d = 50 at n = 2,000; checks itself")
    parser.add_argument("--only", help="run the cases whose label contains this")
    parser.add_argument("--nuts", action="store_true", help="against NUTS at n = 1,000")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # one case (subprocess)
    parser.add_argument("--n", type=int, default=N_OBS, help="observations (default 10,000)")
    args = parser.parse_args()
    if args.case:
        row = (
            run_against_nuts(args.case, args.n)
            if args.nuts
            else run_case(args.case, args.n, args.quick)
        )
        print(json.dumps(row))
        return
    if args.nuts:
        rows = []
        for label, *_ in CASES[:2]:
            row = in_subprocess(label, 1000, quick=False, nuts=True)
            row["command"] = command_line()
            print(json.dumps(row), flush=True)
            rows.append(row)
        update_result("networks_nuts", rows, key=lambda r: r["case"], table=nuts_markdown)
        return
    if args.quick:
        row = in_subprocess(CASES[0][0], 2000, quick=True)
        print(json.dumps(row))
        assert abs(row["estimate"] / row["lambda"] - 1) < 0.25, row
        assert row["choice"] == "sgld: sampler given" and row["steps"] >= 2000, row
        return
    rows = []
    for label, *_ in CASES:
        if args.only and args.only not in label:
            continue
        row = in_subprocess(label, args.n, quick=False)
        row["command"] = command_line()
        print(json.dumps(row), flush=True)
        rows.append(row)
    update_result("networks", rows, key=lambda r: (r["case"], r["n"]), table=markdown)


if __name__ == "__main__":
    main()
