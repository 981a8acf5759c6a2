"""devinterp's LLC on deep linear networks at n = 10,000, against Aoyagi's λ.

For each case (reduced-rank regression 5→5→5 and deep linear networks up to d = 50,700
parameters, a rank-r truth from ``reduced_rank_truth(M, N, r, random_seed=0)``, data from
``simulate_reduced_rank(10_000, B, A, random_seed=0)``) this saves the data as an npz (kind
``"dln"``, seed 0, the SGLD settings) and runs ``_devinterp_llc.py`` on it in the devinterp
virtualenv (``benchmarks/.venv-devinterp``, Python 3.11, torch 2.13.0 CPU, devinterp 1.3.2;
created on first use), one thread. Each network is first trained by 3000 full-batch Adam steps,
then sampled with devinterp's recipe: SGLD lr 1e-3, localization 100, nβ = n/log n, 4 chains ×
1000 draws, batch 64; and again at lr 1e-4 and 1e-5 (lr 1e-3 diverges or overshoots at
n = 10,000). Then it runs 4 chains × 2000 draws once at the largest lr whose λ̂ was plausible
(finite and at most d/2, the largest λ possible; no use of the theory value).
Theory λ is :func:`pymc_slt.theory.rlct_deep_linear`.

Run from the repository root (the largest case takes several minutes)::

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/_networks_devinterp.py [--only SUBSTRING]

``--only`` runs the cases whose label contains SUBSTRING and replaces their rows in
``benchmarks/results/networks_devinterp.json`` (a list of dicts: case, d, n, theory λ, settings,
llc, llc_std, per-chain LLCs, seconds, peak MB, ...), keeping the other rows. ``--quick`` runs
only the first case with 200 draws (about a minute, a smoke test), asserts that devinterp
returned a finite LLC and writes no results file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _store import command_line, load_json, markdown_table, write_result
from rlct import devinterp_python

from pymc_slt.models.simulate import reduced_rank_truth, simulate_reduced_rank
from pymc_slt.theory import rlct_deep_linear

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "_devinterp_llc.py"
RESULTS = HERE / "results" / "networks_devinterp.json"  # written by _store.write_result
N_OBS = 10_000
SEED = 0
LRS = (1e-3, 1e-4, 1e-5)
ONE_THREAD = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Case:
    """One network: ``M`` inputs, ``N`` outputs, hidden ``widths``, true rank ``r``."""

    label: str
    M: int
    N: int
    widths: tuple[int, ...]
    r: int

    @property
    def d(self) -> int:
        sizes = (self.M, *self.widths, self.N)
        return sum(a * b for a, b in itertools.pairwise(sizes))

    @property
    def lam(self) -> float:
        return float(rlct_deep_linear(self.M, self.N, self.widths, self.r))


CASES = (
    Case("RRR 5→5→5 r=1", 5, 5, (5,), 1),
    Case("DLN 8→16→16→8 r=2", 8, 8, (16, 16), 2),
    Case("DLN 40⁴ r=4", 40, 40, (40, 40), 4),
    Case("DLN 130⁴ r=4", 130, 130, (130, 130), 4),
)


def run_case(python: Path, case: Case, tmp: Path, lr: float, num_draws: int) -> dict:
    """devinterp's LLC for ``case`` at SGLD step ``lr`` and ``num_draws`` draws per chain."""
    B, A = reduced_rank_truth(case.M, case.N, case.r, random_seed=SEED)
    data = simulate_reduced_rank(N_OBS, B, A, random_seed=SEED)
    path = tmp / "data.npz"
    np.savez(
        path,
        kind="dln",
        x=data.x,
        y=data.y,
        widths=np.array(case.widths, dtype=np.int64),
        seed=SEED,
        lr=lr,
        localization=100.0,
        nbeta=N_OBS / math.log(N_OBS),
        num_chains=4,
        num_draws=num_draws,
        batch_size=64,
        train_steps=3000,
    )
    print(f"{case.label}: lr {lr:g}, {num_draws} draws ...", flush=True)
    proc = subprocess.run(
        [str(python), str(SCRIPT), str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, **ONE_THREAD},
    )
    if proc.returncode != 0:
        raise RuntimeError(f"devinterp failed on {case.label}: {proc.stderr.strip()[-2000:]}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    settings = out.pop("settings")
    llc = out.pop("llc")
    row = {
        "case": case.label,
        "M": case.M,
        "N": case.N,
        "widths": list(case.widths),
        "r": case.r,
        "d": case.d,
        "n": N_OBS,
        "theory_lambda": case.lam,
        "settings": settings,
        "llc": llc,
        "llc_std": out.pop("llc_std"),
        "rel_error": (llc - case.lam) / case.lam,
        "seconds": out.pop("seconds"),
        "peak_mb": out.pop("peak_mb"),
        **out,
    }
    print(
        f"  λ̂ = {llc:.2f} ± {row['llc_std']:.2f} (λ = {case.lam:g}, "
        f"rel. error {row['rel_error']:+.3f}), {row['seconds']:.0f}s "
        f"(training {row['train_seconds']:.0f}s), {row['peak_mb']:.0f} MB; per chain "
        + ", ".join(f"{v:.2f}" for v in row["per_chain"] or []),
        flush=True,
    )
    return row


def plausible(row: dict) -> bool:
    """Finite and at most d/2 (λ <= d/2 for every model)."""
    return math.isfinite(row["llc"]) and row["llc"] <= row["d"] / 2


def run_all(python: Path, case: Case, tmp: Path) -> list[dict]:
    """devinterp's recipe at each lr of ``LRS``, then 2000 draws at the best-looking lr."""
    rows = [run_case(python, case, tmp, lr, 1000) for lr in LRS]
    ok = [r["settings"]["lr"] for r in rows if plausible(r)]
    rows.append(run_case(python, case, tmp, max(ok) if ok else LRS[-1], 2000))
    return rows


def finite_or_none(value):
    """``value`` with NaN/inf floats (nested too) as None, so the file is strict JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list):
        return [finite_or_none(v) for v in value]
    return value


def key(row: dict) -> tuple:
    return row["case"], row["settings"]["lr"], row["settings"]["num_draws"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="run only the cases whose label contains this")
    parser.add_argument("--quick", action="store_true", help="first case, 200 draws, no file")
    args = parser.parse_args()
    for case in CASES:
        print(f"{case.label}: d = {case.d}, λ = {case.lam:g}", flush=True)
    python = devinterp_python()  # the venv rlct.py uses, created on first use
    if python is None:
        sys.exit("devinterp could not be set up; see the NOTE above.")
    with tempfile.TemporaryDirectory() as tmp:
        if args.quick:
            row = run_case(python, CASES[0], Path(tmp), LRS[0], 200)
            assert math.isfinite(row["llc"]), row
            return
        cases = [c for c in CASES if args.only is None or args.only in c.label]
        if not cases:
            sys.exit(f"no case label contains {args.only!r}")
        rows = [row for case in cases for row in run_all(python, case, Path(tmp))]
    for row in rows:
        row["command"] = command_line()
    store(rows)


def table(rows: list[dict]) -> str:
    """The devinterp runs as a markdown table."""
    header = ["case", "d", "λ", "lr", "draws", "λ̂ ± std over chains", "error", "s", "peak GB"]
    body = [
        [
            r["case"],
            r["d"],
            f"{r['theory_lambda']:g}",
            f"{r['settings']['lr']:g}",
            r["settings"]["num_draws"],
            "diverged" if r["llc"] is None else f"{r['llc']:.1f} ± {r['llc_std']:.1f}",
            "–" if r["llc"] is None else f"{r['llc'] / r['theory_lambda'] - 1:+.0%}",
            f"{r['seconds']:.0f}",
            f"{r['peak_mb'] / 1024:.2f}",
        ]
        for r in rows
    ]
    return markdown_table(header, body)


def store(rows: list[dict]) -> None:
    """Merge ``rows`` into ``benchmarks/results/networks_devinterp.json`` (same case, lr and
    draws replaced) and write it with its table."""
    new = {key(r) for r in rows}
    old = load_json(RESULTS).get("rows", []) if RESULTS.exists() else []
    merged = [r for r in old if key(r) not in new] + finite_or_none(rows)
    order = {c.label: i for i, c in enumerate(CASES)}
    merged.sort(key=lambda r: (order.get(r["case"], len(order)), -r["settings"]["lr"]))
    command = "; ".join(dict.fromkeys(r["command"] for r in merged))
    write_result("networks_devinterp", command, table(merged), rows=merged)


if __name__ == "__main__":
    main()
