"""Learning-coefficient benchmark: our three estimators and devinterp's LLC against theory.

Run ``python benchmarks/rlct.py`` (``--help`` for options). For each model of the zoo it
simulates n = 1000 observations per seed, estimates λ with ``method="local"``, ``"ladder"`` and
``"two_temperature"`` (default settings: 1000 draws, 1000 tuning steps, 4 chains), and runs
devinterp's ``estimate_learning_coeff_with_summary`` on the same data in its own Python 3.11
virtualenv (``benchmarks/.venv-devinterp``, created on first use; see ``_devinterp_llc.py``).
It prints one table: theory λ, then mean ± standard deviation over seeds and seconds per
estimate, for each method. ``--large`` adds zero-truth reduced-rank regressions with d = 36 and
56 parameters (one seed, ``local`` and devinterp only). The table goes to
``benchmarks/results/rlct.json`` with the package version, the machine and the commands (a model
run again, e.g. with ``--only``, replaces its row; the others stay). Timings
are wall-clock on whatever else the machine is running; they are indicative only.

``--quick`` runs the three estimators on ``linear d=3`` (regular: λ = 3/2 exactly) at one seed,
2 chains × 500 draws after 500 tuning steps, and asserts |λ̂ − 3/2| < 4 se + 0.05 for each;
devinterp runs beside them only if its virtualenv already exists; it writes no results file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _store import command_line, markdown_table, update_result

from pymc_slt import NUTS, theory
from pymc_slt.learning_coefficient.estimate import learning_coefficient
from pymc_slt.learning_coefficient.result import LearningCoefficientResult
from pymc_slt.models import simulate as sim
from pymc_slt.models.neural import reduced_rank_regression, tanh_network
from pymc_slt.models.regular import linear_regression
from pymc_slt.models.singular import normal_crossing

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-devinterp"
VENV_PY = VENV / "bin" / "python"
N = 1000
METHODS = ("local", "ladder", "two_temperature")
QUICK_SAMPLER = NUTS(draws=500, tune=500, chains=2)


@dataclass(frozen=True)
class Case:
    """One benchmark model: a label, theory λ, and a builder from a seed."""

    label: str
    lam: float
    build: Callable[[int], tuple[object, dict]]
    seeds: tuple[int, ...]
    methods: tuple[str, ...]


def _linear(seed):
    d = sim.simulate_linear(N, [1.0, -0.5, 0.3], random_seed=seed)
    return linear_regression(d.x, d.y), {"kind": "linear", "x": d.x, "y": d.y}


def _crossing(powers):
    def build(seed):
        d = sim.simulate_normal_crossing(N, powers, random_seed=seed)
        npz = {"kind": "crossing", "x": d.x.reshape(-1, 1), "y": d.y, "powers": powers}
        return normal_crossing(d.x, d.y, powers), npz

    return build


def _rrr(M, N_out, H, r):
    def build(seed):
        B, A = sim.reduced_rank_truth(M, N_out, r, random_seed=seed)
        d = sim.simulate_reduced_rank(N, B, A, random_seed=seed)
        return reduced_rank_regression(d.x, d.y, H), {"kind": "rrr", "x": d.x, "y": d.y, "H": H}

    return build


def _tanh(H):
    def build(seed):
        d = sim.simulate_tanh_network(N, 1, random_seed=seed)
        return tanh_network(d.x, d.y, H), {"kind": "tanh", "x": d.x, "y": d.y, "H": H}

    return build


def cases(seeds: tuple[int, ...], large: bool) -> list[Case]:
    out = [
        Case("linear d=3", theory.rlct_regular(3), _linear, seeds, METHODS),
        Case("a·b·x", theory.rlct_normal_crossing([1, 1]).lam, _crossing([1, 1]), seeds, METHODS),
        Case("a·b²·x", theory.rlct_normal_crossing([1, 2]).lam, _crossing([1, 2]), seeds, METHODS),
        Case(
            "RRR (4,3,2,1)", theory.rlct_reduced_rank(4, 3, 2, 1), _rrr(4, 3, 2, 1), seeds, METHODS
        ),
        Case("tanh H=2", theory.rlct_tanh_network(2), _tanh(2), seeds, METHODS),
    ]
    if large:
        for M, N_out, H in ((6, 6, 3), (8, 6, 4)):
            out.append(
                Case(
                    f"RRR ({M},{N_out},{H},0) d={H * (M + N_out)}",
                    theory.rlct_reduced_rank(M, N_out, H, 0),
                    _rrr(M, N_out, H, 0),
                    seeds[:1],
                    ("local",),
                )
            )
    return out


def devinterp_python() -> Path | None:
    """The devinterp virtualenv's interpreter, creating the venv if needed; None on failure."""
    if VENV_PY.exists():
        return VENV_PY
    print(f"creating {VENV} (python3.11, torch 2.13.0 CPU, devinterp 1.3.2) ...", flush=True)
    steps = (
        ["python3.11", "-m", "venv", str(VENV)],
        [str(VENV_PY), "-m", "pip", "install", "-q", "torch==2.13.0", "devinterp==1.3.2"],
    )
    for step in steps:
        try:
            subprocess.run(step, check=True, capture_output=True, text=True)
        except (OSError, subprocess.CalledProcessError) as err:
            detail = getattr(err, "stderr", "") or str(err)
            print(f"NOTE: could not set up devinterp ({' '.join(step[:3])}): {detail[-300:]}")
            print("NOTE: printing the pymc-slt table without the devinterp column.")
            return None
    return VENV_PY


def run_devinterp(python: Path, npz: dict, seed: int, tmp: Path) -> tuple[float, float]:
    """devinterp's LLC on the same data; (λ̂, seconds), NaN on failure."""
    path = tmp / f"data_{seed}.npz"
    np.savez(path, **{"seed": seed, "powers": [0], "H": 0, **npz})
    start = time.perf_counter()
    proc = subprocess.run(
        [str(python), str(HERE / "_devinterp_llc.py"), str(path)], capture_output=True, text=True
    )
    if proc.returncode != 0:
        print(f"NOTE: devinterp failed: {proc.stderr.strip()[-300:]}", flush=True)
        return float("nan"), float("nan")
    return json.loads(proc.stdout.strip().splitlines()[-1])["llc"], time.perf_counter() - start


def estimate(model, method, seed: int, sampler=None) -> LearningCoefficientResult:
    """One pymc-slt estimate (``method`` a name or a method value; ``sampler`` None for the
    default), its warnings silenced: the tables judge it against theory."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return learning_coefficient(
            model, method=method, sampler=sampler, random_seed=seed, progressbar=False
        )


def run_ours(model, method: str, seed: int, sampler=None) -> tuple[float, float, float]:
    """(λ̂, se, seconds) of one pymc-slt estimate."""
    start = time.perf_counter()
    res = estimate(model, method, seed, sampler)
    return res.estimate, res.se, time.perf_counter() - start


def cell(values: list[float], seconds: list[float]) -> str:
    v = np.asarray(values, dtype=float)
    if v.size == 0 or np.all(np.isnan(v)):
        return "—"
    spread = f" ± {np.nanstd(v):.2f}" if v.size > 1 else ""
    return f"{np.nanmean(v):.3f}{spread} ({np.nanmean(seconds):.0f}s)"


def markdown(rows: list[dict], columns: list[str]) -> str:
    """The results table: theory λ, seeds, then mean ± sd over seeds (seconds) per method."""
    header = ["model", "λ", "seeds", *columns]
    cells = [[r["model"], f"{r['lambda']:.3f}", r["seeds"], *(r["cells"][c] for c in columns)]
             for r in rows]  # fmt: skip
    title = f"Learning coefficient, n = {N}: mean ± sd over seeds (seconds per estimate)"
    return f"{title}\n\n{markdown_table(header, cells)}"


def quick() -> None:
    """Our three estimators on linear d=3 at one seed, checked; devinterp if already set up."""
    case = cases((1,), large=False)[0]
    model, npz = case.build(1)
    checked = []
    for method in METHODS:
        est, se, sec = run_ours(model, method, 1, QUICK_SAMPLER)
        checked.append((method, est, 4 * se + 0.05))
        print(f"{case.label} {method}: {est:.3f} ± {se:.3f} ({sec:.0f}s); |λ̂ − λ| "
              f"{abs(est - case.lam):.3f} (bound 4 se + 0.05 = {4 * se + 0.05:.3f})")  # fmt: skip
    if VENV_PY.exists():
        with tempfile.TemporaryDirectory() as tmpdir:
            est, sec = run_devinterp(VENV_PY, npz, 1, Path(tmpdir))
        print(f"{case.label} devinterp: {est:.3f} ({sec:.0f}s)")
    else:
        print("peer devinterp skipped: run `python benchmarks/rlct.py --only 'linear d=3' "
              "--seeds 1` once to create benchmarks/.venv-devinterp (python3.11 -m venv, then "
              "pip install torch==2.13.0 devinterp==1.3.2)")  # fmt: skip
    assert all(abs(est - case.lam) < bound for _, est, bound in checked), checked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="seeds per model (default 3)")
    parser.add_argument("--large", action="store_true", help="add RRR with d = 36 and 56")
    parser.add_argument("--no-devinterp", action="store_true", help="skip devinterp")
    parser.add_argument("--only", default=None, help="comma-separated labels to run")
    parser.add_argument("--quick", action="store_true", help="linear d=3, one seed, checked")
    args = parser.parse_args()
    if args.quick:
        quick()
        return
    seeds = tuple(range(1, args.seeds + 1))
    python = None if args.no_devinterp else devinterp_python()
    columns = [*METHODS, "devinterp"]
    rows = []
    with tempfile.TemporaryDirectory() as tmpdir:
        for case in cases(seeds, args.large):
            if args.only and case.label not in args.only.split(","):
                continue
            results = {c: ([], []) for c in columns}
            for seed in case.seeds:
                model, npz = case.build(seed)
                for method in case.methods:
                    est, se, sec = run_ours(model, method, seed)
                    results[method][0].append(est)
                    results[method][1].append(sec)
                    print(f"{case.label} seed {seed} {method}: {est:.3f} ± {se:.3f} ({sec:.0f}s)")
                if python is not None:
                    est, sec = run_devinterp(python, npz, seed, Path(tmpdir))
                    results["devinterp"][0].append(est)
                    results["devinterp"][1].append(sec)
                    print(f"{case.label} seed {seed} devinterp: {est:.3f} ({sec:.0f}s)")
                sys.stdout.flush()
            rows.append((case.label, case.lam, len(case.seeds), results))
    header = f"{'model':<24}{'λ':>7}{'seeds':>6}  " + "".join(f"{c:<26}" for c in columns)
    print()
    print(f"Learning coefficient, n = {N}: mean ± sd over seeds (seconds per estimate)")
    print(header)
    print("-" * len(header))
    for label, lam, k, results in rows:
        cells = "".join(f"{cell(*results[c]):<26}" for c in columns)
        print(f"{label:<24}{lam:>7.3f}{k:>6}  {cells}")
    stored = [
        {"model": label, "lambda": lam, "seeds": k,
         "cells": {c: cell(*results[c]) for c in columns}, "estimates": results,
         "command": command_line()}
        for label, lam, k, results in rows
    ]  # fmt: skip
    update_result("rlct", stored, lambda r: r["model"], lambda rows: markdown(rows, columns))


if __name__ == "__main__":
    main()
