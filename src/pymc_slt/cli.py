"""The ``pymc-slt`` command line."""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from pymc_slt._version import __version__

__all__ = ["main"]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``pymc-slt``."""
    parser = argparse.ArgumentParser(
        prog="pymc-slt",
        description=(
            "Singular learning theory for PyMC models: tempered posteriors, free energy, "
            "WAIC/WBIC, learning coefficients and Fisher rank."
        ),
    )
    parser.add_argument("--version", action="version", version=f"pymc-slt {__version__}")
    parser.add_subparsers(dest="command", title="commands")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``pymc-slt`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
