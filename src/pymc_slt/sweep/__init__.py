"""Sweeps: grids of models × n × seeds × β run on any executor, into a resumable store.

* :mod:`~pymc_slt.sweep.run`: :func:`run_sweep`.
* :mod:`~pymc_slt.sweep.tasks`: :class:`SweepTask`, :func:`grid`, :func:`grid_from_config`.
* what a task can compute is the registry :data:`pymc_slt.quantities.QUANTITIES`, shared with
  :func:`pymc_slt.compare` and the study.
* :mod:`~pymc_slt.sweep.worker`: running one task in a worker process.
* :mod:`~pymc_slt.sweep.store`: the atomic, resumable on-disk store.
* :mod:`~pymc_slt.sweep.zoo`: the builders and simulators a task can name.
"""

from pymc_slt.sweep.run import run_sweep
from pymc_slt.sweep.store import SweepStore, netcdf_safe, table
from pymc_slt.sweep.tasks import SweepTask, grid, grid_from_config
from pymc_slt.sweep.worker import TaskOutcome, run_task

__all__ = [
    "SweepStore",
    "SweepTask",
    "TaskOutcome",
    "grid",
    "grid_from_config",
    "netcdf_safe",
    "run_sweep",
    "run_task",
    "table",
]
