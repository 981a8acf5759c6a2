"""``pymc-slt study [--quick] --out DIR [--seed S]``: the SLT study of the model zoo, as a report.

Runs a regular polynomial regression, y = a·b·x, a reduced-rank regression and a tanh network at
several n (log Z, WBIC, WAIC, LOO, BIC, λ̂, ν̂, Fisher rank and spectrum, a λ ladder), a phase
transition of reduced-rank regression and noisy gradient descent against NUTS, and writes into DIR
an offline ``index.html`` with figures, tables and a plain-words reading, ``summary.csv`` and
``results.nc`` (an xarray DataTree with the draws and numbers behind every figure). ``--quick``
takes about 3 minutes on 2 cores, the full study about 66 minutes (measured before NUTS ran
with one BLAS thread, which halved the quick study's time; likely less now). DIR must be new
or empty; ``--force`` writes into a non-empty DIR and resumes an interrupted study there
(finished sweep tasks in DIR/sweep are kept).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from pymc_slt.commands._out import check_out
from pymc_slt.commands._text import plain_text

__all__ = ["add_parser", "run"]


def run(args: argparse.Namespace) -> int:
    """Run the subcommand; returns the exit code."""
    from pymc_slt.study.plan import plan
    from pymc_slt.study.report import write_report
    from pymc_slt.study.run import run_study

    try:
        check_out(args.out, args.force)
    except FileExistsError as err:
        print(f"pymc-slt study: {err}", file=sys.stderr)
        return 2
    if args.workers is not None and args.workers < 1:
        print(f"pymc-slt study: --workers must be >= 1, got {args.workers}.", file=sys.stderr)
        return 2
    study = plan(quick=args.quick, seed=args.seed)
    kind = "quick" if args.quick else "full"
    print(
        f"pymc-slt study ({kind}, seed {args.seed}): about {study.expected_minutes} min on 2 cores"
    )
    start = time.perf_counter()
    args.out.mkdir(parents=True, exist_ok=True)
    results = run_study(study, args.out, max_workers=args.workers, progressbar=not args.no_progress)
    index = write_report(results, args.out)
    minutes = (time.perf_counter() - start) / 60
    print(f"report written in {minutes:.1f} min: {index.resolve()}")
    return 0


def add_parser(subparsers: Any) -> None:
    """Register ``study`` on the ``pymc-slt`` parser."""
    parser = subparsers.add_parser(
        "study",
        help="run the SLT study of the model zoo and write an HTML report",
        description=plain_text(__doc__.split("\n\n", 1)[1]),
    )
    parser.add_argument("--out", type=Path, required=True, help="report folder (new or empty)")
    parser.add_argument("--quick", action="store_true", help="the ~7-minute version")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--force", action="store_true", help="write into a non-empty folder")
    parser.add_argument(
        "--workers", type=int, default=None, help="sweep processes (default: cores)"
    )
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    parser.set_defaults(func=run)
