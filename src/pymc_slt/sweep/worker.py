"""The sweep worker: :func:`run_task` turns a :class:`SweepTask` into a :class:`TaskOutcome`.

The worker simulates the data from the task's seed, builds the model and computes each quantity,
catching every exception so one failing quantity fails neither its task nor the sweep. Warnings
raised meanwhile are collected per task (into the manifest, since a cluster worker's stderr is
rarely read) and PyMC's, PyTensor's and nutpie's informational logs are silenced. Both work with
several tasks on threads of one process: the process-wide warning and logging settings are changed
when the first running task starts and restored when the last one ends, and each warning goes to
the list of the thread that raised it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import threading
import time
import traceback
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import numpy as np
import xarray as xr

from pymc_slt.quantities import QUANTITIES, RunContext
from pymc_slt.sampling.samplers import SamplerSpec, as_sampler
from pymc_slt.sweep.tasks import SweepTask

__all__ = ["TaskOutcome", "run_task", "task_sampler"]

_QUIET_LOGGERS = ("pymc", "pytensor", "nutpie")


@dataclass(frozen=True, slots=True)
class TaskOutcome:
    """What a worker sends back for one task.

    Attributes
    ----------
    task_id : str
        :attr:`SweepTask.task_id`.
    status : str
        ``"ok"`` if every quantity succeeded, else ``"failed"``.
    values : dict of str to number
        The numbers of the quantities that succeeded.
    tree : xarray.DataTree
        The result file's content: root variables = ``values``, root attrs = ``task_id``,
        ``status`` and the task as JSON (``task``), one child per stored tree (e.g. ``draws``).
    errors : list of dict
        ``where`` (quantity name, or ``"setup"`` for simulating and building), ``type``,
        ``message``, ``traceback``.
    warnings : list of str
        Distinct warning messages raised while computing (e.g. poor mixing).
    started : str
        ISO time the task started (UTC).
    seconds : float
        Wall time of the task on the worker.
    host : str
        Where it ran: ``hostname:pid``.
    """

    task_id: str
    status: str
    values: dict[str, float]
    tree: xr.DataTree
    errors: list[dict[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    started: str = ""
    seconds: float = 0.0
    host: str = ""


def error_record(where: str, err: BaseException) -> dict[str, str]:
    """``{where, type, message, traceback}`` of an exception, as stored in the manifest."""
    return {
        "where": where,
        "type": type(err).__name__,
        "message": str(err),
        "traceback": "".join(traceback.format_exception(err)),
    }


class _TaskContext:
    """Reference-counted process-wide settings, with a per-thread warning list."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._active = 0
        self._local = threading.local()
        self._guard: warnings.catch_warnings | None = None
        self._levels: dict[str, int] = {}
        self._show = warnings.showwarning

    def _showwarning(self, message, category, filename, lineno, file=None, line=None) -> None:
        sink = getattr(self._local, "sink", None)
        if sink is None:  # a thread that is not running a task
            self._show(message, category, filename, lineno, file, line)
        else:
            sink.append(str(message))

    @contextlib.contextmanager
    def __call__(self) -> Iterator[list[str]]:
        with self._lock:
            if self._active == 0:
                self._guard = warnings.catch_warnings()
                self._guard.__enter__()
                self._show = warnings.showwarning
                warnings.simplefilter("always")
                warnings.showwarning = self._showwarning
                for name in _QUIET_LOGGERS:
                    self._levels[name] = logging.getLogger(name).level
                    logging.getLogger(name).setLevel(logging.WARNING)
            self._active += 1
        self._local.sink = sink = []
        try:
            yield sink
        finally:
            self._local.sink = None
            with self._lock:
                self._active -= 1
                if self._active == 0:
                    self._guard.__exit__(None, None, None)
                    for name, level in self._levels.items():
                        logging.getLogger(name).setLevel(level)


_task_context = _TaskContext()


def task_sampler(task: SweepTask, cores: int | None) -> SamplerSpec:
    """The sampler value of ``task`` (its JSON form ``task.sampler``: ``draws``, ``tune``,
    ``chains``, ``sampler``, ``sampler_kwargs``), NUTS limited to ``cores`` threads."""
    settings = dict(task.sampler)
    name = settings.pop("sampler", None)
    if cores is not None and (name or "nuts") == "nuts":
        settings["sampler_kwargs"] = {"cores": cores, **(settings.get("sampler_kwargs") or {})}
    return as_sampler(name, **settings)


def run_task(task: SweepTask, *, cores: int | None = 1) -> TaskOutcome:
    """Simulate the data of ``task``, build its model and compute its quantities.

    This is what runs on a worker; call it directly to debug one task. It never raises for a
    failing quantity: errors are returned in :attr:`TaskOutcome.errors`.

    Parameters
    ----------
    task : SweepTask
        The task.
    cores : int or None, default 1
        Threads nutpie may use for the task's chains (``None``: nutpie's default, all cores).

    Returns
    -------
    TaskOutcome
    """
    started = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    values: dict[str, float] = {}
    children: dict[str, xr.DataTree] = {}
    errors: list[dict[str, str]] = []
    with _task_context() as caught:
        try:
            model = task.build(task.simulate())
        except Exception as err:
            errors.append(error_record("setup", err))
        else:
            ctx = RunContext(
                model, task_sampler(task, cores), task.seed_for, task.options, task.beta
            )
            for name in task.quantities:  # the registry shared with compare and the study
                try:
                    result = QUANTITIES[name].compute(ctx)
                except Exception as err:
                    errors.append(error_record(name, err))
                    continue
                values.update(result.values)
                caught += [f"{name}: {problem}" for problem in result.problems]
                if result.tree is not None:
                    children[name] = result.tree
    status = "failed" if errors else "ok"
    root = xr.Dataset({k: np.asarray(v) for k, v in values.items()})
    task_json = json.dumps(task.to_dict(), sort_keys=True)
    root.attrs.update({"task_id": task.task_id, "status": status, "task": task_json})
    return TaskOutcome(
        task_id=task.task_id,
        status=status,
        values=values,
        tree=xr.DataTree(root, children=children),
        errors=errors,
        warnings=list(dict.fromkeys(caught)),
        started=started,
        seconds=time.perf_counter() - t0,
        host=f"{os.uname().nodename}:{os.getpid()}",
    )
