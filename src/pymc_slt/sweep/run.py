"""Sweeps over models × n × seeds × β on any ``concurrent.futures.Executor``, resumable.

A sweep is a list of :class:`SweepTask` (usually from :func:`grid`). :func:`run_sweep` sends each
unfinished task (a few hundred bytes: no data; the worker simulates it from the seed) to an
executor — a local process pool by default, or a ``dask.distributed`` cluster through
``client.get_executor()`` — and writes each result into a store directory as it arrives
(:mod:`pymc_slt.sweep.store`: atomic writes, one manifest record per task). Running the same
sweep again skips the finished tasks, so a sweep that was interrupted (Ctrl-C, SIGKILL, a lost
node) resumes where it stopped and ends with the same table as an uninterrupted run: every number
depends only on the task's content and seed.

Decisions
---------
* **Task id**: 16 hex digits of the SHA-256 of the task's canonical JSON (builder, simulator,
  their arguments, n, seed, β, quantities, sampler options with defaults filled in, per-quantity
  options). Results are keyed by it; different sweeps share a store without clashing.
* **Only the driver writes**, so workers need no shared file system and nothing races.
* **Failures**: an exception in a quantity is recorded (type, message, traceback) with the task
  marked ``"failed"``; the other quantities and tasks go on. A worker that dies fails only its
  task. By default, running the sweep again retries failed tasks (``retry_failed=True``), since
  failures on clusters are often transient (memory, pre-emption); ``retry_failed=False`` keeps
  them. ``attempts`` in the manifest counts the runs.
* **Threads**: each task samples with nutpie ``cores=task_cores`` (default 1): a process pool of
  one worker per core, or Dask workers with one thread each, then keeps every core busy without
  oversubscription. Chains are seeded individually, so ``cores`` does not change the numbers.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
import warnings
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from pymc_slt._progress import track
from pymc_slt._validate import validate_positive_int
from pymc_slt.sweep.store import SweepStore, table
from pymc_slt.sweep.tasks import SweepTask, grid, grid_from_config
from pymc_slt.sweep.worker import TaskOutcome, error_record, run_task

__all__ = ["SweepTask", "TaskOutcome", "grid", "run_sweep", "run_task"]


def _as_tasks(tasks: Any) -> list[SweepTask]:
    """Distinct tasks, in order, from tasks, one task or a mapping of :func:`grid` arguments."""
    if isinstance(tasks, SweepTask):
        tasks = [tasks]
    elif isinstance(tasks, Mapping):
        tasks = grid_from_config(tasks, source="tasks")
    elif isinstance(tasks, str | bytes) or not isinstance(tasks, Iterable):
        raise TypeError(
            "tasks must be SweepTask objects (e.g. from pymc_slt.grid) or a mapping of grid() "
            f"arguments, got {type(tasks).__name__}."
        )
    out: dict[str, SweepTask] = {}
    for task in tasks:
        if not isinstance(task, SweepTask):
            raise TypeError(f"every task must be a SweepTask, got {type(task).__name__} {task!r}.")
        out.setdefault(task.task_id, task)
    if not out:
        raise ValueError("the sweep has no tasks; give at least one SweepTask.")
    return list(out.values())


def _record(task: SweepTask, attempts: int, outcome: TaskOutcome | None, err=None) -> dict:
    """The manifest record of a finished task (``err``: the worker itself failed)."""
    base = {
        "task_id": task.task_id,
        "task": task.to_dict(),
        "model": task.model_label,
        "data": task.data_label,
        "attempts": attempts,
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if outcome is None:
        return {
            **base,
            "status": "failed",
            "values": {},
            "errors": [error_record("worker", err)],
            "warnings": [],
            "started": None,
            "seconds": None,
            "host": None,
            "result": None,
        }
    return {
        **base,
        "status": outcome.status,
        "values": outcome.values,
        "errors": outcome.errors,
        "warnings": outcome.warnings,
        "started": outcome.started,
        "seconds": outcome.seconds,
        "host": outcome.host,
        "result": f"tasks/{task.task_id}.nc",
    }


def _user_executor(executor: Any, max_workers: int | None) -> cf.Executor | None:
    """The user's executor (a Dask ``Client`` becomes its executor), checked; None for default."""
    if max_workers is not None:
        validate_positive_int(max_workers, "max_workers")
    if executor is None:
        return None
    if max_workers is not None:
        raise ValueError("max_workers sizes the default process pool; with an executor, omit it.")
    if hasattr(executor, "get_executor"):  # a dask.distributed Client
        executor = executor.get_executor()
    if not isinstance(executor, cf.Executor):
        raise TypeError(
            "executor must be a concurrent.futures.Executor (e.g. ProcessPoolExecutor, or "
            f"client.get_executor() of a dask.distributed Client), got {type(executor).__name__}."
        )
    return executor


def _local_pool(max_workers: int | None, n_tasks: int) -> cf.ProcessPoolExecutor:
    """A process pool (``spawn``: no fork of a process running sampler threads)."""
    workers = max_workers or len(os.sched_getaffinity(0))
    return cf.ProcessPoolExecutor(
        max_workers=min(workers, n_tasks), mp_context=multiprocessing.get_context("spawn")
    )


def run_sweep(
    tasks: Iterable[SweepTask] | SweepTask | Mapping[str, Any],
    *,
    store: str | os.PathLike[str],
    executor: cf.Executor | Any | None = None,
    max_workers: int | None = None,
    task_cores: int | None = 1,
    retry_failed: bool = True,
    progressbar: bool = True,
) -> pd.DataFrame:
    """Run a sweep of tasks on an executor, writing each result to ``store``; resumable.

    Parameters
    ----------
    tasks : iterable of SweepTask, SweepTask, or mapping
        The tasks (usually :func:`grid` output), or a mapping of :func:`grid` arguments. Tasks
        with the same content run once.
    store : str or os.PathLike
        Directory of results: new, empty, or a previous sweep's store (finished tasks there are
        skipped; other sweeps' results are kept). Layout in :mod:`pymc_slt.sweep.store`.
    executor : concurrent.futures.Executor or dask.distributed.Client, optional
        Where tasks run. Default: a local process pool (``spawn``) of ``max_workers`` processes,
        shut down at the end. A Dask ``Client`` (or ``client.get_executor()``) runs them on its
        cluster; its dashboard link is printed.
    max_workers : int, optional
        Size of the default pool; default the number of usable cores (capped by the number of
        tasks). Only without ``executor``.
    task_cores : int or None, default 1
        Threads nutpie may use within one task (``None``: all cores). Keep 1 with one worker
        process (or one Dask thread) per core.
    retry_failed : bool, default True
        Rerun tasks recorded as failed by an earlier run (False: keep their records).
    progressbar : bool, default True
        Show a rich progress bar over finished tasks.

    Returns
    -------
    pandas.DataFrame
        One row per task, in the given order: ``task_id``, ``model``, ``data``, ``n``, ``seed``,
        ``beta`` (NaN for β-free tasks), ``quantities``, ``sampler``, then ``status``
        (``"ok"``/``"failed"``), ``attempts``, ``seconds``, ``error`` (the first error, short),
        then one column per number (``energy``, ``wbic``, ``lambda_hat``, …; see
        :mod:`pymc_slt.quantities`). ``<store>/summary.csv`` holds the same table for
        every task in the store.

    Raises
    ------
    TypeError, ValueError
        For bad tasks, a ``store`` that is a file or a non-empty directory that is not a store,
        or a bad executor. A task's own errors never raise: they are recorded.
    KeyboardInterrupt
        Re-raised after cancelling the pending tasks; finished results are kept.

    Warns
    -----
    UserWarning
        If some tasks failed (run again to retry them; details in the manifest).

    Notes
    -----
    Each task's result is written atomically (temporary file, then :func:`os.replace`) as soon as
    it arrives, result file first, manifest record second; a task counts as finished only once
    its record exists. So a sweep killed at any moment leaves only complete files (plus
    temporary files, removed on the next run) and resumes to the same table as an uninterrupted
    run: the data and every sampler seed derive from the task's content.

    Examples
    --------
    >>> import pymc_slt as slt
    >>> tasks = slt.grid({"builder": "normal_crossing", "builder_kwargs": {"powers": [1, 2]},
    ...                   "simulator_kwargs": {"powers": [1, 2]}},
    ...                  n=[100, 1000], seeds=range(4), quantities=["energy"], betas=[0.5, 1.0])
    >>> len(tasks)  # one task per (n, seed, β)
    16
    >>> if __name__ == "__main__":  # needed by the spawned worker processes
    ...     df = slt.run_sweep(tasks, store="sweep-out")
    """
    todo_all = _as_tasks(tasks)
    if task_cores is not None:
        validate_positive_int(task_cores, "task_cores")
    pool = _user_executor(executor, max_workers)
    sweep_store = SweepStore(store)
    todo = [t for t in todo_all if not sweep_store.is_done(t.task_id, retry_failed=retry_failed)]
    owned = pool is None and bool(todo)
    if owned:
        pool = _local_pool(max_workers, len(todo))
    link = getattr(getattr(pool, "_client", None), "dashboard_link", None)
    if link and todo and progressbar:
        print(f"Dask dashboard: {link}")
    try:
        if todo:
            _run(pool, todo, sweep_store, task_cores, progressbar, len(todo_all) - len(todo))
    finally:
        if owned:
            pool.shutdown(wait=True, cancel_futures=True)
        sweep_store.write_summary(table(sweep_store.records()))
    result = table(sweep_store.record(t.task_id) for t in todo_all)
    failed = int((result["status"] != "ok").sum())
    if failed:
        warnings.warn(
            f"{failed} of {len(result)} tasks failed (see the 'error' column, and the tracebacks "
            f"in {sweep_store.manifest_dir}); run the sweep again to retry them.",
            UserWarning,
            stacklevel=2,
        )
    return result


def _run(pool, todo, sweep_store, task_cores, progressbar, skipped) -> None:
    """Submit ``todo`` to ``pool`` and write each outcome as it completes."""
    futures = {pool.submit(run_task, task, cores=task_cores): task for task in todo}
    description = "sweep" + (f" ({skipped} tasks done before)" if skipped else "")
    try:
        for future in track(
            cf.as_completed(futures),
            total=len(futures),
            description=description,
            enabled=progressbar,
        ):
            task = futures[future]
            previous = sweep_store.record(task.task_id)
            attempts = 1 + (previous["attempts"] if previous else 0)
            try:
                outcome = future.result()
            except Exception as err:  # the worker died or could not run the task
                sweep_store.write(_record(task, attempts, None, err), None)
            else:
                sweep_store.write(_record(task, attempts, outcome), outcome.tree)
    except BaseException:
        for future in futures:
            future.cancel()
        raise
