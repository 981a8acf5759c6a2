"""``pymc-slt compare FILE.py [--out DIR]``: compare the models a Python file defines.

The file defines either a dict ``models`` of name → ``pm.Model`` (or ``bambi.Model``), or
functions without required arguments that return one (each becomes a model named after the
function). The table of :func:`pymc_slt.compare` is printed; with ``--out`` it is also written
to ``DIR/compare.csv`` together with a figure of the free-energy-scale criteria,
``DIR/criteria.png``.
"""

from __future__ import annotations

import argparse
import inspect
import runpy
import sys
import traceback
import warnings
from pathlib import Path
from typing import Any

import pandas as pd
import pymc as pm

from pymc_slt._validate import as_pymc_model
from pymc_slt.commands._out import check_out
from pymc_slt.commands._text import plain_text
from pymc_slt.sampling.samplers import NUTS

__all__ = ["add_parser", "load_models", "run"]


def _as_model(obj: object) -> pm.Model | None:
    """The PyMC model of ``obj`` (a ``pm.Model`` or a ``bambi.Model``), else None."""
    try:
        return as_pymc_model(obj)
    except TypeError:
        return None


def load_models(path: Path) -> dict[str, pm.Model]:
    """The models defined by the Python file ``path`` (see the module docstring)."""
    if not path.is_file():
        raise FileNotFoundError(f"FILE {str(path)!r} does not exist; pass a Python file path.")
    try:
        namespace = runpy.run_path(str(path), run_name="pymc_slt_models")
    except Exception as err:
        raise ValueError(f"running {path} raised {_where(err, path)}") from err
    if "models" in namespace:
        models = namespace["models"]
        pymc_models = (
            {name: _as_model(m) for name, m in models.items()} if isinstance(models, dict) else {}
        )
        if not pymc_models or any(m is None for m in pymc_models.values()):
            raise ValueError(
                f"{path}: `models` must be a dict of name -> pm.Model (or bambi.Model)."
            )
        return pymc_models
    found = {}
    for name, obj in namespace.items():
        if name.startswith("_") or not inspect.isfunction(obj):
            continue
        if obj.__module__ != "pymc_slt_models":
            continue  # imported helpers, not the user's builders
        params = inspect.signature(obj).parameters.values()
        if any(
            p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            for p in params
        ):
            continue
        try:
            model = obj()
        except Exception as err:
            raise ValueError(f"{path}: {name}() raised {_where(err, path)}") from err
        if (pymc_model := _as_model(model)) is not None:
            found[name] = pymc_model
    if not found:
        raise ValueError(
            f"{path} defines no models: add a dict `models = {{'name': model, ...}}` or functions "
            "without required arguments that return a pm.Model."
        )
    return found


def _where(err: BaseException, path: Path) -> str:
    """``"TypeError: message (line 12)"``: the error and the line of ``path`` it came from."""
    lines = [f.lineno for f in traceback.extract_tb(err.__traceback__) if f.filename == str(path)]
    message = (str(err).strip() or repr(err)).splitlines()[0]
    return f"{type(err).__name__}: {message}" + (f" (line {lines[-1]})" if lines else "")


def print_table(table: pd.DataFrame) -> None:
    """The table without its ``problems`` column, then each model's problems on its own line."""
    shown = table.drop(columns=["problems"])
    print(shown.to_string(float_format=lambda v: f"{v:.3f}"))
    troubled = table[table["problems"] != ""]
    if len(troubled):
        print("\nproblems:")
        for name, problems in troubled["problems"].items():
            for problem in problems.split("; "):
                print(f"  {name}: {problem}")


def run(args: argparse.Namespace) -> int:
    """Run the subcommand; returns the exit code."""
    from pymc_slt.comparison import compare
    from pymc_slt.plots import plot_criteria

    try:
        check_out(args.out, args.force)
        models = load_models(args.file)
    except (FileNotFoundError, FileExistsError, ValueError) as err:
        print(f"pymc-slt compare: {err}", file=sys.stderr)
        return 2
    try:
        settings = {"draws": args.draws, "tune": args.tune, "chains": args.chains}
        sampler = NUTS(**{key: value for key, value in settings.items() if value is not None})
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="compare: ", category=UserWarning)
            table = compare(
                models,
                sampler=sampler,
                random_seed=args.seed,
                progressbar=not args.no_progress,
            )
    except (TypeError, ValueError) as err:
        print(f"pymc-slt compare: {err}", file=sys.stderr)
        return 2
    print_table(table)
    if args.out is not None:
        args.out.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out / "compare.csv")
        plot_criteria(table).savefig(args.out / "criteria.png", dpi=120, bbox_inches="tight")
        print(f"wrote {args.out / 'compare.csv'} and {args.out / 'criteria.png'}")
    return 0


def add_parser(subparsers: Any) -> None:
    """Register ``compare`` on the ``pymc-slt`` parser."""
    parser = subparsers.add_parser(
        "compare",
        help="compare the PyMC models a Python file defines",
        description=plain_text(__doc__.split("\n\n", 1)[1]),
    )
    parser.add_argument("file", type=Path, metavar="FILE.py", help="file defining the models")
    parser.add_argument("--out", type=Path, default=None, help="folder for compare.csv/figure")
    parser.add_argument("--force", action="store_true", help="allow a non-empty --out folder")
    nuts = NUTS()  # the defaults are NUTS's own, stated once
    parser.add_argument("--draws", type=int, help=f"draws per chain (default {nuts.draws})")
    parser.add_argument("--tune", type=int, help=f"tuning steps (default {nuts.tune})")
    parser.add_argument("--chains", type=int, help=f"chains (default {nuts.chains})")
    parser.add_argument("--seed", type=int, default=None, help="random seed")
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")
    parser.set_defaults(func=run)
