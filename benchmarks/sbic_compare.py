"""sBIC beside pymc-slt's Bayesian criteria on reduced-rank regressions: who finds the true rank.

Drton & Plummer's sBIC approximates the free energy F = −log Z of each candidate from its
maximum likelihood and the learning coefficients λ_ij. This script runs ``slt.compare`` on the
same candidates as PyMC models (``pymc_slt.models.reduced_rank_regression``: A, B ~ N(0, 1)
entrywise, known noise sd 1) with the family's sBIC passed in as its ``sbic`` column, and
prints, against n:

* how often each criterion picks the true rank among the candidates: −log Z (bridge sampling,
  or stepping stone when bridge fails, as ``compare`` does), WBIC, −elpd WAIC, −elpd LOO,
  ``compare``'s BIC (penalty d/2 · log n with d the raw parameter count H(M + N)), the family's
  BIC (penalty from the identifiable dimension H(M + N − H)) and sBIC;
* how far sBIC sits from −log Z at the true rank (mean and sd over data sets), and the same for
  sBIC's *differences* between neighbouring ranks against those of −log Z (what selection uses).

Design (smaller than ``benchmarks/sbic.py``'s M = 15, N = 10, rank 5, whose ranks 4…6 alone
take about 4 min per model and data set here): M = 6 covariates, N = 4 responses, true rank 2
with singular values 0.6 and 0.4 (the two weakest directions of the paper's truth), X ~ N(0, I),
noise N(0, I), candidate ranks 1…4 (rank 0 has no free parameter for PyMC to sample; sBIC's
recursion still runs over ranks 0…4, and its pick is taken among 1…4). ``compare`` runs with
``--draws`` (500) draws after as many tuning steps on ``--chains`` (2) chains.

Every data set's table is stored in ``benchmarks/sbic_compare.json`` as soon as it is done; a
rerun skips the stored ones (an interrupted run resumes), ``--reps`` adds data sets, and nothing
stored is replaced. A full run then writes the tables of the stored data sets of its ``--ns``
(with the λ̂ of ``compare``'s local estimator beside λ) to
``benchmarks/results/sbic_compare.json`` with the package version, the machine and the command;
the documentation's sBIC page (docs/sbic.md) includes them. ``--show`` only prints them.

    .venv/bin/python benchmarks/sbic_compare.py [--ns 50 100 200 500] [--reps 3]
        [--draws 500] [--chains 2] [--show]

``--quick`` runs ``compare`` on ranks 1 and 2 only, one data set at n = 500, 2 chains × 100
draws (stepping stone for log Z at the same size), stores and writes nothing, and asserts that
−log Z, WBIC and sBIC all pick the true rank 2 and that sBIC's step from rank 1 to 2 lies within
4 se + 3 nat of −log Z's (se: of the two log Z; 3 nat for sBIC's O(1) error, the stored
gap at n = 500 is +2.0 ± 0.9; BIC with the raw d misses by about 10).
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
from _store import command_line, fmt, load_json, markdown_table, save_json, write_result

import pymc_slt as slt
from pymc_slt.models import reduced_rank_regression
from pymc_slt.theory import rlct_reduced_rank

M, N, R = 6, 4, 2
SINGULAR_VALUES = (0.6, 0.4)
RANKS = (1, 2, 3, 4)
QUICK = {"n": 500, "draws": 100, "chains": 2, "ranks": (1, 2)}
QUICK_EVIDENCE = {"method": "stepping_stone", "draws": 100, "tune": 100, "chains": 2}
STORE = Path(__file__).with_name("sbic_compare.json")
#: criterion -> (column, sign): the pick is the argmin of sign · column
CRITERIA = {
    "-log Z": ("log_z", -1.0),
    "WBIC": ("wbic", 1.0),
    "-elpd WAIC": ("elpd_waic", -1.0),
    "-elpd LOO": ("elpd_loo", -1.0),
    "BIC (compare, raw d)": ("bic", 1.0),
    "BIC (family)": ("bic_family", 1.0),
    "sBIC": ("sbic", 1.0),
}
COLUMNS = ("d", "log_z", "log_z_se", "log_z_method", "wbic", "elpd_waic", "elpd_loo", "bic",
           "sbic", "lambda_hat", "lambda_se", "fisher_rank", "problems")  # fmt: skip


def simulate(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """X (n, M) and Y (n, N) from a rank-R truth with :data:`SINGULAR_VALUES`."""
    u = np.linalg.qr(rng.normal(size=(N, N)))[0][:, :R]
    v = np.linalg.qr(rng.normal(size=(M, M)))[0][:, :R]
    b = u @ np.diag(SINGULAR_VALUES) @ v.T
    x = rng.normal(size=(n, M))
    return x, x @ b.T + rng.normal(size=(n, N))


def run_one(
    n: int,
    rep: int,
    seed: int,
    draws: int,
    chains: int,
    ranks: tuple[int, ...] = RANKS,
    evidence: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """``compare`` over ``ranks`` on one data set, with the family's sBIC and BIC;
    ``evidence``: ``compare``'s ``evidence``."""
    x, y = simulate(n, np.random.default_rng([seed, n, rep]))
    family = slt.sbic_reduced_rank(x, y, max_rank=max(ranks))
    names = {f"rank {h}": h for h in ranks}
    models = {name: reduced_rank_regression(x, y, H=h) for name, h in names.items()}
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the problems column keeps what went wrong
        table = slt.compare(
            models,
            sampler=slt.NUTS(draws=draws, tune=draws, chains=chains),
            evidence=evidence,
            sbic={name: float(family["sbic"].iloc[h]) for name, h in names.items()},
            random_seed=rep,
            progressbar=False,
        )
    seconds = time.perf_counter() - start
    rows = {}
    for name, h in names.items():
        row = {c: _plain(table.loc[name, c]) for c in COLUMNS}
        row["bic_family"] = float(family["bic"].iloc[h])
        rows[str(h)] = row
    return {"n": n, "rep": rep, "seconds": seconds, "draws": draws, "chains": chains,
            "sbic_rank_0_to_4": [float(v) for v in family["sbic"]], "ranks": rows}  # fmt: skip


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    return value


def pick(run: dict[str, Any], column: str, sign: float) -> int | None:
    """The rank minimizing ``sign · column`` (None when any candidate's value is NaN)."""
    values = {int(h): r[column] for h, r in run["ranks"].items()}
    if any(v is None or not np.isfinite(v) for v in values.values()):
        return None
    return min(values, key=lambda h: sign * values[h])


def summary(store: dict[str, Any], ns: list[int]) -> dict[str, Any]:
    """What :func:`report` prints and :func:`markdown` writes, over the stored data sets of
    ``ns``: per criterion and n the share of data sets picking the true rank and the failed
    picks; per gap (sBIC − (−log Z) at the true rank and per step) and per rank's λ̂ the mean and
    sd over data sets; the mean seconds and the log Z methods used."""
    runs = {n: [r for r in store.values() if r["n"] == n] for n in ns}
    picks = {}
    for label, (column, sign) in CRITERIA.items():
        picks[label] = []
        for n in ns:
            chosen = [pick(r, column, sign) for r in runs[n]]
            ok = [p for p in chosen if p is not None]
            share = 100 * np.mean([p == R for p in ok]) if ok else np.nan
            picks[label].append((share, len(chosen) - len(ok)))
    gaps = [(f"rank {R}", _gap_at(R))] + [(f"step {h}→{h + 1}", _gap_step(h)) for h in RANKS[:-1]]
    lambdas = [(f"rank {h}", _lambda_hat(h)) for h in RANKS]
    seconds = [r["seconds"] for n in ns for r in runs[n]]
    methods = sorted(
        {row["log_z_method"] for n in ns for r in runs[n] for row in r["ranks"].values()}
    )
    return {
        "counts": [len(runs[n]) for n in ns],
        "picks": picks,
        "gaps": {label: [_mean_sd([f(r) for r in runs[n]]) for n in ns] for label, f in gaps},
        "lambdas": {label: [_mean_sd([f(r) for r in runs[n]]) for n in ns] for label, f in lambdas},
        "seconds": (float(np.mean(seconds)), len(seconds)) if seconds else None,
        "methods": methods,
    }


def _mean_sd(values: list[float]) -> tuple[float, float] | None:
    """Mean and sd (ddof 1; 0 for one value) of the finite ``values``, or None if there are none."""
    arr = np.array(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    if not len(arr):
        return None
    return float(arr.mean()), float(arr.std(ddof=1)) if len(arr) > 1 else 0.0


def _titles() -> tuple[str, str, str]:
    picks = (f"M={M}, N={N}, true rank {R} (singular values {SINGULAR_VALUES}), "
             f"candidates {RANKS}: % of data sets where each criterion picks rank {R} "
             "(failed picks)")  # fmt: skip
    gaps = "sBIC − (−log Z), nat: at the true rank; and of the step from rank r to r + 1"
    lambdas = (f"λ̂ (compare's local estimator) per candidate rank, mean ± sd over the data sets; "
               f"λ = rlct_reduced_rank({M}, {N}, H, {R})")  # fmt: skip
    return picks, gaps, lambdas


def _notes(stats: dict[str, Any]) -> list[str]:
    notes = []
    if stats["seconds"]:
        mean, count = stats["seconds"]
        notes.append(f"compare: {mean:.0f} s per data set on average ({count} sets)")
    return [*notes, f"log Z methods used: {stats['methods']}"]


def report(store: dict[str, Any], ns: list[int]) -> None:
    stats = summary(store, ns)
    pick_title, gap_title, lambda_title = _titles()
    print(pick_title)
    header = f"{'criterion':<22}" + "".join(f"{'n=' + str(n):>12}" for n in ns)
    print(header)
    print("-" * len(header))
    print(f"{'data sets':<22}" + "".join(f"{count:>12}" for count in stats["counts"]))
    for label, cells in stats["picks"].items():
        line = "".join(
            f"{share:>8.0f}" + (f" ({failed})" if failed else "    ") for share, failed in cells
        )
        print(f"{label:<22}{line}")
    for title, rows, sign in (
        (gap_title, stats["gaps"], "+"),
        (lambda_title, stats["lambdas"], ""),
    ):
        print()
        print(title)
        header = f"{'':<22}" + "".join(f"{'n=' + str(n):>16}" for n in ns)
        print(header)
        print("-" * len(header))
        for label, cells in rows.items():
            line = "".join(
                f"{format(c[0], f'>{sign}9.1f')} ± {c[1]:<4.1f}" if c else f"{'-':>16}"
                for c in cells
            )
            print(f"{label:<22}{line}")
    print()
    print("\n".join(_notes(stats)))


def markdown(store: dict[str, Any], ns: list[int]) -> str:
    """The results file's tables: the picks, the gaps to −log Z and λ̂, then the notes."""
    stats = summary(store, ns)
    pick_title, gap_title, lambda_title = _titles()
    columns = [f"n={n}" for n in ns]
    picks = [["data sets", *stats["counts"]]] + [
        [
            label,
            *(fmt(share, ".0f") + (f" ({failed})" if failed else "") for share, failed in cells),
        ]
        for label, cells in stats["picks"].items()
    ]

    def mean_sd(cell: tuple[float, float] | None, spec: str) -> str:
        return "–" if cell is None else f"{format(cell[0], spec)} ± {cell[1]:.1f}"

    gaps = [[label, *(mean_sd(c, "+.1f") for c in cells)] for label, cells in stats["gaps"].items()]
    lambdas = [
        [label, f"{rlct_reduced_rank(M=M, N=N, H=int(label.split()[1]), r=R):g}",
         *(mean_sd(c, ".1f") for c in cells)]
        for label, cells in stats["lambdas"].items()
    ]  # fmt: skip
    return "\n\n".join([
        pick_title, markdown_table(["criterion", *columns], picks),
        gap_title, markdown_table(["", *columns], gaps),
        lambda_title, markdown_table(["candidate", "λ", *columns], lambdas),
        "; ".join(_notes(stats)),
    ])  # fmt: skip


def _gap_at(h: int):
    def gap(run: dict[str, Any]) -> float:
        row = run["ranks"][str(h)]
        return row["sbic"] + row["log_z"]

    return gap


def _gap_step(h: int):
    def gap(run: dict[str, Any]) -> float:
        lo, hi = run["ranks"][str(h)], run["ranks"][str(h + 1)]
        return (hi["sbic"] - lo["sbic"]) - (lo["log_z"] - hi["log_z"])

    return gap


def _lambda_hat(h: int):
    def value(run: dict[str, Any]) -> float:
        lam = run["ranks"][str(h)]["lambda_hat"]
        return np.nan if lam is None else lam

    return value


def quick() -> None:
    """:data:`QUICK`'s one data set, printed and checked, not stored."""
    run = run_one(QUICK["n"], 0, 0, QUICK["draws"], QUICK["chains"], QUICK["ranks"],
                  QUICK_EVIDENCE)  # fmt: skip
    lo, hi = run["ranks"]["1"], run["ranks"]["2"]
    print(f"compare on ranks {QUICK['ranks']}: {run['seconds']:.0f} s")
    for h, row in run["ranks"].items():
        print(f"rank {h}: log Z {row['log_z']:.2f} ± {row['log_z_se']:.2f}, "
              f"WBIC {row['wbic']:.2f}, sBIC {row['sbic']:.2f}, BIC {row['bic']:.2f}")  # fmt: skip
    picks = {label: pick(run, *CRITERIA[label]) for label in ("-log Z", "WBIC", "sBIC")}
    gap = _gap_step(1)(run)
    bound = 4 * np.hypot(lo["log_z_se"], hi["log_z_se"]) + 3
    print(f"picks {picks} (bound: all {R}); sBIC − (−log Z) on the step 1→2: {gap:+.2f} "
          f"(bound |gap| < 4 se + 3 = {bound:.2f})")  # fmt: skip
    assert all(p == R for p in picks.values()) and abs(gap) < bound, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ns", type=int, nargs="+", default=[50, 100, 200, 500])
    parser.add_argument("--reps", type=int, default=3, help="data sets per n (3)")
    parser.add_argument("--draws", type=int, default=500)
    parser.add_argument("--chains", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--show", action="store_true", help="print the stored runs only")
    parser.add_argument("--quick", action="store_true", help="ranks 1 and 2 at n = 500, checked")
    args = parser.parse_args()
    if args.quick:
        quick()
        return
    store = load_json(STORE)
    if not args.show:
        for n in args.ns:
            for rep in range(args.reps):
                key = f"n={n}/rep={rep}/seed={args.seed}/draws={args.draws}/chains={args.chains}"
                if key in store:
                    continue
                store[key] = run_one(n, rep, args.seed, args.draws, args.chains)
                save_json(STORE, store)
                print(f"{key}: {store[key]['seconds']:.0f} s", flush=True)
    report(store, args.ns)
    if not args.show:
        write_result("sbic_compare", command_line(), markdown(store, args.ns))


if __name__ == "__main__":
    main()
