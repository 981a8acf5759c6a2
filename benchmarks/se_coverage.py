"""Does the reported se cover the error? Stepping stone and HMC-SMC on models with a known log Z.

For each model with an exact, quadrature or published log Z (the gallery's
``tests/gallery/references.json`` and ``tests/gallery/real_data.py``) and each seed, runs
``slt.log_marginal_likelihood(model, method=…)`` at the settings the default path's check uses
(stepping stone at its defaults; HMC-SMC with 250 particles in each of 4 runs) and records the
error, the se and the seconds. Goal (issue 26): |error| ≤ 2 se in at least 90 % of the runs.

Rows go to ``benchmarks/results/se_coverage/<method>-<model>-<seed>.json`` as they end (an
interrupted sweep resumes); ``--report`` writes ``benchmarks/results/se_coverage.json`` with the
table. Run on one core per process::

    OMP_NUM_THREADS=1 PYTHONPATH=. .venv/bin/python benchmarks/se_coverage.py \
        --method hmc_smc --seeds 1 2 3
    PYTHONPATH=. .venv/bin/python benchmarks/se_coverage.py --report

``--quick`` runs stepping stone on two models (logistic and Poisson GLMs) at one seed and asserts
|error| ≤ 3 se for each (references by importance sampling, se 0.001); it writes no rows.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from _store import result_meta

import pymc_slt as slt
from tests.gallery.matrix import REFERENCES
from tests.gallery.models import GALLERY
from tests.gallery.real_data import REAL_DATA, reference_log_z

OUT = Path(__file__).parent / "results"
MODELS = {
    **{n: GALLERY[n] for n in REFERENCES if n != "discrete_latent"},
    **{n: build for n, (build, _) in REAL_DATA.items()},
}
SETTINGS = {"stepping_stone": {}, "hmc_smc": {"draws": 250, "chains": 4}}
QUICK_MODELS = ("logistic_glm", "poisson_glm")


def run_one(method: str, name: str, seed: int, folder: Path) -> dict:
    path = folder / f"{method}-{name}-{seed}.json"
    if path.exists():
        return json.loads(path.read_text())
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = slt.log_marginal_likelihood(
            MODELS[name](), method=method, random_seed=seed, progressbar=False,
            **SETTINGS[method],
        )  # fmt: skip
    error = result.log_z - reference_log_z(name)
    row = {
        "method": method, "model": name, "seed": seed, "error": error, "se": result.se,
        "seconds": time.perf_counter() - start,
        "problems": list(result.diagnostics.get("problems", ())),
    }  # fmt: skip
    path.write_text(json.dumps(row, indent=1))
    return row


def report(rows: list[dict]) -> str:
    lines = [
        "| method | model | runs | errors (nat) | within 2 se | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for method in sorted({r["method"] for r in rows}):
        for name in sorted({r["model"] for r in rows if r["method"] == method}):
            mine = [r for r in rows if r["method"] == method and r["model"] == name]
            errors = ", ".join(f"{r['error']:+.3f}" for r in mine)
            inside = sum(abs(r["error"]) <= 2 * r["se"] for r in mine)
            seconds = f"{min(r['seconds'] for r in mine):.0f}–{max(r['seconds'] for r in mine):.0f}"
            lines.append(f"| {method} | {name} | {len(mine)} | {errors} | {inside} | {seconds} |")
    lines.append("")
    for method in sorted({r["method"] for r in rows}):
        mine = [r for r in rows if r["method"] == method]
        inside = sum(abs(r["error"]) <= 2 * r["se"] for r in mine)
        lines.append(f"* {method}: |error| ≤ 2 se in {inside} of {len(mine)} runs "
                     f"({inside / len(mine):.0%}).")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--method", choices=sorted(SETTINGS), default="stepping_stone")
    parser.add_argument("--models", nargs="+", choices=sorted(MODELS), default=sorted(MODELS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2, 3])
    parser.add_argument("--report", action="store_true")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    folder = OUT / "se_coverage"
    if args.quick:
        with tempfile.TemporaryDirectory() as tmp:
            rows = [run_one("stepping_stone", n, 1, Path(tmp)) for n in QUICK_MODELS]
        print(report(rows))
        for r in rows:
            print(f"{r['model']}: |error| {abs(r['error']):.3f} (bound 3 se = {3 * r['se']:.3f})")
        assert all(abs(r["error"]) <= 3 * r["se"] for r in rows), rows
        return
    folder.mkdir(parents=True, exist_ok=True)
    if not args.report:
        for name in args.models:
            for seed in args.seeds:
                row = run_one(args.method, name, seed, folder)
                print(f"{args.method} {name} seed {seed}: error {row['error']:+.3f} ± "
                      f"{row['se']:.3f}, {row['seconds']:.0f} s", flush=True)  # fmt: skip
        return
    rows = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    table = report(rows)
    print(table)
    seeds = sorted({r["seed"] for r in rows})
    meta = result_meta(
        f"OMP_NUM_THREADS=1 benchmarks/se_coverage.py --method "
        f"{' / '.join(sorted({r['method'] for r in rows}))} --seeds "
        f"{' '.join(map(str, seeds))}; benchmarks/se_coverage.py --report"
    )
    (OUT / "se_coverage.json").write_text(json.dumps({**meta, "rows": rows, "table": table},
                                                     indent=1, default=float))  # fmt: skip
    assert np.all(np.isfinite([r["error"] for r in rows]))


if __name__ == "__main__":
    main()
