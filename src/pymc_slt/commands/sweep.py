"""``pymc-slt sweep CONFIG.toml --out DIR``: run (or resume) a sweep described by a TOML file."""

from __future__ import annotations

import argparse
import sys
import tomllib
from pathlib import Path
from typing import Any

from pymc_slt.sweep.run import SweepTask, run_sweep
from pymc_slt.sweep.tasks import grid_from_config

__all__ = ["add_parser", "read_config", "run"]

_EXAMPLE = """\
example CONFIG.toml (every key but models, n, seeds and quantities is optional):

  n = [50, 200]                        # observations
  seeds = [0, 1, 2]                    # one task per seed: data and samplers seeded from it
  quantities = ["energy", "wbic", "learning_coefficient"]
  betas = [0.5, 1.0]                   # for energy / draws / waic (default 1.0)

  [sampler]                            # draws, tune, chains, sampler ("nuts"/"smc"), sampler_kwargs
  draws = 500
  chains = 2

  [options.learning_coefficient]       # extra keywords of a quantity's function
  method = "two_temperature"

  [[models]]                           # one table per model
  builder = "reduced_rank_regression"  # a builder of pymc_slt.models
  builder_kwargs = { H = 2 }
  simulator = "reduced_rank"           # default: the builder's own family
  simulator_kwargs = { M = 3, N = 3, r = 1 }

quantities: energy, draws, waic (at each beta), loo, bic, wbic, learning_coefficient,
log_z, fisher_rank. Results go to DIR/tasks/<id>.nc, DIR/manifest/<id>.json and DIR/summary.csv.
Running the same command again skips finished tasks and retries failed ones.
See docs/scaling.md for clusters (Dask) and costs.
"""


def read_config(path: str | Path) -> list[SweepTask]:
    """The tasks of a sweep configuration file (TOML; format in ``pymc-slt sweep --help``).

    Parameters
    ----------
    path : str or pathlib.Path
        The TOML file.

    Returns
    -------
    list of SweepTask
        ``pymc_slt.grid(**config)`` after checking the keys.

    Raises
    ------
    OSError
        If the file cannot be read.
    tomllib.TOMLDecodeError
        If it is not valid TOML.
    ValueError, TypeError
        For unknown or missing keys, or values :func:`pymc_slt.grid` rejects.
    """
    with open(path, "rb") as fh:
        config = tomllib.load(fh)
    return grid_from_config(config, source=str(path))


def _executor(args: argparse.Namespace) -> Any:
    """A Dask client for ``--scheduler``, else None (the default local process pool)."""
    if args.scheduler is None:
        return None
    try:
        from distributed import Client
    except ImportError as err:
        raise ValueError(
            "--scheduler needs dask.distributed: pip install 'pymc-slt[dask]'."
        ) from err
    return Client(args.scheduler)


def run(args: argparse.Namespace) -> int:
    """Run the sweep of ``args.config`` into ``args.out``.

    Returns 0 if every task is ok, 1 if some failed, 2 for bad input, 130 if interrupted.
    """
    if args.scheduler is not None and args.workers is not None:
        print("pymc-slt sweep: error: give --scheduler or --workers, not both.", file=sys.stderr)
        return 2
    try:
        tasks = read_config(args.config)
        client = _executor(args)
    except (OSError, ValueError, TypeError, tomllib.TOMLDecodeError) as err:
        print(f"pymc-slt sweep: error: {err}", file=sys.stderr)
        return 2
    try:
        result = run_sweep(
            tasks,
            store=args.out,
            executor=client,
            max_workers=args.workers,
            task_cores=args.task_cores,
            retry_failed=not args.keep_failed,
            progressbar=not args.quiet,
        )
    except (ValueError, TypeError) as err:
        print(f"pymc-slt sweep: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(
            f"pymc-slt sweep: interrupted; finished tasks are in {args.out}. Run the same "
            "command again to resume.",
            file=sys.stderr,
        )
        return 130
    finally:
        if client is not None:
            client.close()
    failed = int((result["status"] != "ok").sum())
    if not args.quiet:
        shown = result.drop(columns=["task_id", "sampler", "quantities", "attempts", "error"])
        print(shown.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    print(
        f"{len(result) - failed} of {len(result)} tasks ok; table: {Path(args.out) / 'summary.csv'}"
    )
    return 1 if failed else 0


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Register ``pymc-slt sweep`` on ``subparsers``."""
    parser = subparsers.add_parser(
        "sweep",
        help="run or resume a sweep over models × n × seeds × β (local cores or a Dask cluster)",
        description=(
            "Run every task of CONFIG.toml (models × n × seeds × beta) and store each result in "
            "DIR as it finishes; rerunning resumes."
        ),
        epilog=_EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("config", metavar="CONFIG.toml", help="the sweep configuration (TOML)")
    parser.add_argument("--out", required=True, metavar="DIR", help="the results store")
    parser.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="address of a Dask scheduler (e.g. tcp://host:8786); default: local processes",
    )
    parser.add_argument(
        "--workers", type=int, metavar="N", help="local worker processes (default: all cores)"
    )
    parser.add_argument(
        "--task-cores",
        type=int,
        default=1,
        metavar="K",
        help="threads nutpie may use within one task (default 1: one task per core)",
    )
    parser.add_argument(
        "--keep-failed", action="store_true", help="do not retry tasks that failed before"
    )
    parser.add_argument("--quiet", action="store_true", help="no progress bar or table")
    parser.set_defaults(func=run)
    return parser
