"""Stepping stone's NUTS ``target_accept`` on users' models: 0.8 (nutpie's default) against 0.95.

For each gallery model with an exact or quadrature reference (``tests/gallery/references.json``)
and each seed, ``slt.log_marginal_likelihood(model, method="stepping_stone")`` runs at its
defaults, once with ``sampler=slt.NUTS(target_accept=t)`` for each ``t``; the table prints the
error against the reference, the reported se, the error in se and the seconds. This is the
measurement behind the stepping-stone default (see ``docs/evidence.md``). The runs go to
``benchmarks/results/stepping_stone_target_accept.json`` with the package version, the machine
and the commands, merged with the runs of other seeds stored there (a run of the same model,
target_accept and seed is replaced), under a table per model and target_accept: the largest
|error| and |error|/se over the seeds, and the mean seconds.

Run (from the repository root, one core)::

    OMP_NUM_THREADS=1 PYTHONPATH=. .venv/bin/python benchmarks/stepping_stone_target_accept.py \
        --seeds 1 2 --models eight_schools_centered logistic_glm

``--quick`` runs the logistic GLM at seed 1 with both target_accepts and asserts |error| <
4 se + 0.01 nat (the reference's se is 0.001) for each; it writes no results file.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _store import command_line, markdown_table, update_result

import pymc_slt as slt
from tests.gallery.matrix import REFERENCES
from tests.gallery.models import GALLERY

MODELS = sorted(name for name in REFERENCES if name != "discrete_latent")


def run(name: str, target_accept: float, seed: int) -> tuple[float, float, float, int]:
    """Error, se, seconds and the number of package warnings of one stepping-stone estimate."""
    model = GALLERY[name]()
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = slt.log_marginal_likelihood(
            model,
            method="stepping_stone",
            sampler=slt.NUTS(target_accept=target_accept),
            random_seed=seed,
            progressbar=False,
        )
    seconds = time.perf_counter() - start
    ours = [
        w for w in caught if issubclass(w.category, slt.PoorMixingWarning | slt.EvidenceWarning)
    ]
    return result.estimate - REFERENCES[name]["log_z"], result.se, seconds, len(ours)


def markdown(rows: list[dict]) -> str:
    """Per model and target_accept: max |error|, max |error|/se and mean seconds over the seeds;
    then per target_accept the runs beyond 2 se, the rms of error/se and the total seconds."""
    accepts = sorted({r["target_accept"] for r in rows})
    header = ["model"] + [f"{c} (ta {t:g})" for t in accepts for c in ("max|err|",
              "max|err|/se", "mean s")]  # fmt: skip
    cells = []
    for model in sorted({r["model"] for r in rows}):
        line = [model]
        for t in accepts:
            mine = [r for r in rows if (r["model"], r["target_accept"]) == (model, t)]
            if not mine:
                line += ["–"] * 3
                continue
            line += [f"{max(abs(r['error']) for r in mine):.3f}",
                     f"{max(abs(r['error']) / r['se'] for r in mine):.2f}",
                     f"{np.mean([r['seconds'] for r in mine]):.1f}"]  # fmt: skip
        cells.append(line)
    by_ta = {t: [r for r in rows if r["target_accept"] == t] for t in accepts}
    beyond = [sum(abs(r["error"]) > 2 * r["se"] for r in by_ta[t]) for t in accepts]
    rms = [np.sqrt(np.mean([(r["error"] / r["se"]) ** 2 for r in by_ta[t]])) for t in accepts]
    total = [sum(r["seconds"] for r in by_ta[t]) for t in accepts]
    for label, values in (
        (
            "runs beyond 2 se",
            [f"{b} of {len(by_ta[t])}" for b, t in zip(beyond, accepts, strict=True)],
        ),
        ("rms of error/se", [f"{v:.2f}" for v in rms]),
        (
            "total seconds",
            [f"{total[0]:.0f}"] + [f"{v:.0f} ({v / total[0]:.2f}×)" for v in total[1:]],
        ),
    ):
        cells.append([label] + [c for v in values for c in (v, "", "")])
    return markdown_table(header, cells)


def _key(row: dict) -> tuple:
    return row["model"], row["target_accept"], row["seed"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=MODELS, default=MODELS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--target-accepts", nargs="+", type=float, default=[0.8, 0.95])
    parser.add_argument("--quick", action="store_true", help="one model and seed, checked")
    args = parser.parse_args()
    if args.quick:
        args.models, args.seeds = ["logistic_glm"], [1]
    print(f"{'model':28s} {'ta':>5s} {'seed':>4s} {'error':>8s} {'se':>6s} {'err/se':>7s} "
          f"{'s':>6s} {'warn':>4s}")  # fmt: skip
    rows = []
    for name in args.models:
        for target_accept in args.target_accepts:
            for seed in args.seeds:
                error, se, seconds, n_warn = run(name, target_accept, seed)
                rows.append(
                    {"model": name, "target_accept": target_accept, "seed": seed, "error": error,
                     "se": se, "seconds": seconds, "warnings": n_warn, "command": command_line()}
                )  # fmt: skip
                print(
                    f"{name:28s} {target_accept:5.2f} {seed:4d} {error:+8.3f} {se:6.3f} "
                    f"{error / se:+7.2f} {seconds:6.1f} {n_warn:4d}",
                    flush=True,
                )
                if args.quick:
                    print(f"|error| {abs(error):.3f} (bound 4 se + 0.01 = {4 * se + 0.01:.3f})")
                    assert abs(error) < 4 * se + 0.01, (name, target_accept, error, se)
    if not args.quick:
        update_result("stepping_stone_target_accept", rows, _key, markdown)


if __name__ == "__main__":
    main()
