"""The default ``log_marginal_likelihood`` on users' models: which method answered, and how well.

For each named model, runs ``slt.log_marginal_likelihood(model, random_seed=seed)`` at its
defaults (bridge sampling, checked or replaced by stepping stone or HMC-SMC when it doubts
itself: :mod:`pymc_slt.evidence.fallback`) and, on the same seed, bridge sampling alone
(``fallback=False``, warp-III). Prints the method that answered, log Z ± se, the seconds, the
reason for a check or a replacement with every candidate's number, warp-III's number, and the
reference where the model has one (exact, quadrature or published). With ``--check``, also
``method="hmc_smc"`` at 4 × 1000 particles (needs JAX), an independent estimate.

Models: the gallery's (``tests/gallery/models.py``), the real-data models of
``tests/gallery/real_data.py`` (the turtles probit regression and probit random-intercept model
of Sinharay & Stern 2005, Lopes & West's one-factor model of exchange rates, and the cars
normal-inverse-gamma regression), and the tanh network with
H = 2. Rows go to ``benchmarks/results/default_path.json`` with the package version, the machine
and the command (a rerun replaces the rows of the same model and seed).

Run (from the repository root, one core)::

    OMP_NUM_THREADS=1 PYTHONPATH=. .venv/bin/python benchmarks/default_path.py \
        --models turtles_probit turtles_glmm cars_nig ier_factor --seeds 11 12 13

``--quick`` runs the turtles probit regression at one seed and asserts that the default path
answers within 4 se + 0.01 nat of the quadrature value; it writes no rows.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pymc as pm
from _store import result_meta

import pymc_slt as slt
from tests.gallery.models import GALLERY, bnn_one_layer
from tests.gallery.real_data import REAL_DATA, reference_log_z

MODELS: dict[str, Callable[[], pm.Model]] = {
    **GALLERY,
    **{name: build for name, (build, _) in REAL_DATA.items()},
    "bnn_one_layer_h2": lambda: bnn_one_layer(hidden=2),
}
OUT = Path(__file__).parent / "results" / "default_path.json"


def _timed(fn: Callable[[], slt.EvidenceResult]) -> tuple[slt.EvidenceResult, float, list[str]]:
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    notes = [str(w.message) for w in caught if issubclass(w.category, slt.EvidenceWarning)]
    return result, time.perf_counter() - start, notes


def run(name: str, seed: int, check: bool) -> dict | None:
    """One model and seed: the default path and warp-III alone, as a row."""
    model = MODELS[name]()
    try:
        result, seconds, notes = _timed(
            lambda: slt.log_marginal_likelihood(model, random_seed=seed, progressbar=False)
        )
    except (ValueError, TypeError) as err:  # refused before sampling, as it should be
        print(f"{name}: refused: {err}")
        return None
    bridge, bridge_seconds, _ = _timed(
        lambda: slt.log_marginal_likelihood(
            model, random_seed=seed, progressbar=False, fallback=False
        )
    )
    ref = reference_log_z(name)
    d = result.diagnostics
    row = {
        "model": name,
        "seed": seed,
        "method": result.method,
        "log_z": result.log_z,
        "se": result.se,
        "seconds": seconds,
        "warp3": bridge.log_z,
        "warp3_se": bridge.se,
        "warp3_seconds": bridge_seconds,
        "reference": ref,
        "why": d.get("fallback_from"),
        "candidates": d.get("candidates"),
        "warnings": notes,
        "command": " ".join(["OMP_NUM_THREADS=1 benchmarks/default_path.py", *sys.argv[1:]]),
    }
    line = f"{name} seed {seed}: {result.method} {result.log_z:.3f} ± {result.se:.3f} "
    line += f"({seconds:.0f} s); warp-III {bridge.log_z:.3f} ± {bridge.se:.3f}"
    line += "" if ref is None else f"; reference {ref:.3f}"
    print(line)
    if row["why"]:
        candidates = "; ".join(
            f"{m} {c['log_z']:.3f} ± {c['se']:.3f}" + (f" ({c['problems'][:90]})" if c["problems"]
                                                      else "")
            for m, c in row["candidates"].items()
        )  # fmt: skip
        print(f"    because {row['why'][:150]}\n    candidates: {candidates}")
    if check:
        other, seconds, _ = _timed(
            lambda: slt.log_marginal_likelihood(
                model, method="hmc_smc", sampler=slt.HMCSMC(draws=1000, chains=4),
                random_seed=seed, progressbar=False,
            )
        )  # fmt: skip
        row["hmc_smc_check"] = (other.log_z, other.se, seconds)
        print(f"    hmc_smc 4 × 1000: {other.log_z:.3f} ± {other.se:.3f} ({seconds:.0f} s)")
    return row


def _save(rows: list[dict]) -> None:
    old = json.loads(OUT.read_text())["rows"] if OUT.exists() else []
    keys = {(r["model"], r["seed"]) for r in rows}
    kept = [r for r in old if (r["model"], r["seed"]) not in keys]
    meta = result_meta("; ".join(dict.fromkeys(r["command"] for r in kept + rows)))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    rows = sorted(kept + rows, key=lambda r: (r["model"], r["seed"]))
    table = _table(rows)
    OUT.write_text(json.dumps({**meta, "rows": rows, "table": table}, indent=1, default=float))


def _table(rows: list[dict]) -> str:
    """Markdown: per model and seed, what answered, warp-III alone, and the reference."""
    lines = [
        "| model | seed | answered | log Z ± se | s | warned | warp-III alone | reference "
        "| error |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        ref = r["reference"]
        checked = r["method"] == "bridge" and r["why"]
        answered = r["method"] + (" (checked by " + ", ".join(
            m for m in r["candidates"] if m != "bridge") + ")" if checked else "")  # fmt: skip
        lines.append(
            f"| {r['model']} | {r['seed']} | {answered} | {r['log_z']:.3f} ± {r['se']:.3f} | "
            f"{r['seconds']:.0f} | {_warned(r)} | {r['warp3']:.3f} ± {r['warp3_se']:.3f} | "
            + ("– | – |" if ref is None else f"{ref:.3f} | {r['log_z'] - ref:+.3f} |")
        )
    return "\n".join(lines)


def _warned(row: dict) -> str:
    """What the user was told: no method healthy, the answer replaced, or nothing."""
    notes = " ".join(row["warnings"])
    if "no method is healthy" in notes:
        return "no method healthy"
    if "instead (" in notes:
        return "replaced"
    return "–"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=sorted(MODELS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[3])
    parser.add_argument("--check", action="store_true", help="also HMC-SMC at 4 × 1000")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        row = run("turtles_probit", 11, check=False)
        error, bound = row["log_z"] - row["reference"], 4 * row["se"] + 0.01
        print(f"|error| {abs(error):.4f} (bound 4 se + 0.01 = {bound:.4f})")
        assert abs(error) < bound, row
        return
    if not args.models:
        parser.error("--models is required (or --quick)")
    rows = [run(name, seed, args.check) for name in args.models for seed in args.seeds]
    _save([r for r in rows if r is not None])
    errors = [abs(r["log_z"] - r["warp3"]) for r in rows if r and r["reference"] is not None]
    if errors:
        print(f"largest |default − warp-III| where a reference exists: {np.max(errors):.3f}")


if __name__ == "__main__":
    main()
