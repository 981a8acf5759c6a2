"""The ``pymc-slt`` command line.

Each subcommand lives in its own module under :mod:`pymc_slt.commands` and exposes
``add_parser(subparsers)`` (which registers its arguments and sets ``func``) and the function it
runs. This module only assembles them.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Sequence

from pymc_slt._version import __version__

__all__ = ["build_parser", "main"]

#: Modules under ``pymc_slt.commands`` that provide subcommands, in the order ``--help`` lists them.
COMMANDS: tuple[str, ...] = ("study", "compare", "sweep")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``pymc-slt`` with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="pymc-slt",
        description=(
            "Singular learning theory for PyMC models: tempered posteriors, free energy, "
            "WAIC/WBIC, learning coefficients and Fisher rank."
        ),
    )
    parser.add_argument("--version", action="version", version=f"pymc-slt {__version__}")
    subparsers = parser.add_subparsers(dest="command", title="commands")
    for name in COMMANDS:
        importlib.import_module(f"pymc_slt.commands.{name}").add_parser(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pymc-slt`` console script; returns the exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
