"""What a sweep task can compute: a registry name → function(model, data, task).

Each function returns ``(values, tree)``: a dict of named numbers (columns of the sweep table)
and an optional ``xarray.DataTree`` stored with the task's result (the draws, for ``"draws"``).
The analysis functions are imported inside each function, so a module that is missing or broken
fails only the quantities that need it. Seeds come from :meth:`SweepTask.seed_for` with the
quantity's name (``"energy"``, ``"draws"`` and ``"waic"`` share one run of the sampler at the
task's β, seeded by ``"tempered"``).

======================== ======================================================== =============
name                     values                                                   uses β
======================== ======================================================== =============
``energy``               ``energy`` = E_β[n L_n], ``energy_se``, ``divergences``,  yes
                         ``max_rhat``
``draws``                none; stores the tempered draws (DataTree) as a group    yes
``waic``                 ``elpd_waic``, ``elpd_waic_se``, ``p_waic``, ``nu_hat``  yes
``wbic``                 ``wbic``, ``wbic_se``, ``wbic_beta``                     no (β* = 1/log n)
``learning_coefficient`` ``lambda_hat``, ``lambda_se``; stores E_β[n L_n] per β   no (own ladder)
``log_z``                ``log_z``, ``log_z_se``                                  no
``fisher_rank``          ``fisher_rank``, ``n_params`` (at a prior draw)          no
======================== ======================================================== =============
"""

from __future__ import annotations

import contextvars
import threading
import warnings
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

import numpy as np
import pymc as pm
import xarray as xr

from pymc_slt.base.columns import (
    evidence_columns,
    fisher_columns,
    lambda_columns,
    waic_columns,
    wbic_columns,
)
from pymc_slt.base.energy import energy_mean
from pymc_slt.base.loglik import energy as _energy
from pymc_slt.sampling.tempered import sample_tempered

if TYPE_CHECKING:
    from pymc_slt.models.simulate import SimulatedData

__all__ = ["BETA_QUANTITIES", "QUANTITIES", "TASK_CORES", "QuantityResult", "TaskLike"]


class TaskLike(Protocol):
    """What a quantity reads of its task (:class:`pymc_slt.sweep.tasks.SweepTask` has it).

    A protocol rather than the class itself, so that ``tasks`` (which validates quantity names
    against :data:`QUANTITIES`) and this module do not import each other.
    """

    beta: float | None
    sampler: Mapping[str, Any]
    options: Mapping[str, Mapping[str, Any]]

    def seed_for(self, purpose: str) -> int:
        """An int seed for ``purpose`` (a quantity's name, or ``"tempered"``)."""
        ...


#: ``(values, tree)`` returned by every quantity function.
type QuantityResult = tuple[dict[str, float], xr.DataTree | None]

#: Threads one task may use (nutpie's ``cores``); set by the worker around each task.
TASK_CORES: contextvars.ContextVar[int | None] = contextvars.ContextVar("TASK_CORES", default=None)


def _sampler_kwargs(task: TaskLike) -> dict[str, Any]:
    """draws/tune/chains/sampler/sampler_kwargs of ``task`` for the sampling functions."""
    opts = dict(task.sampler)
    cores = TASK_CORES.get()
    if cores is not None and opts.get("sampler", "nuts") == "nuts":
        opts["sampler_kwargs"] = {"cores": cores, **(opts.get("sampler_kwargs") or {})}
    return opts


_cache = threading.local()


def _tempered(model: pm.Model, task: TaskLike) -> xr.DataTree:
    """The tempered draws at the task's β, shared by ``energy``, ``draws`` and ``waic``.

    Cached per thread for the model being worked on (a task builds its own model).
    """
    cached = getattr(_cache, "tempered", None)
    if cached is None or cached[0] is not model:
        draws = sample_tempered(
            model,
            task.beta,
            random_seed=task.seed_for("tempered"),
            progressbar=False,
            **_sampler_kwargs(task),
        )
        _cache.tempered = cached = (model, draws)
    return cached[1]


def _energy_values(model: pm.Model, data: SimulatedData, task: TaskLike) -> QuantityResult:
    dt = _tempered(model, task)
    stats = energy_mean(_energy(dt).values)
    values = {
        "energy": stats.mean,
        "energy_se": stats.se,
        "divergences": int(dt.attrs["n_divergences"]),
        "max_rhat": float(dt.attrs["max_rhat"]),
    }
    return values, None


def _draws(model: pm.Model, data: SimulatedData, task: TaskLike) -> QuantityResult:
    return {}, _tempered(model, task)


def _waic(model: pm.Model, data: SimulatedData, task: TaskLike) -> QuantityResult:
    from pymc_slt.criteria.waic import TemperedDrawsWarning, waic

    with warnings.catch_warnings():  # the sweep's waic is at the task's β on purpose
        warnings.simplefilter("ignore", TemperedDrawsWarning)
        result = waic(_tempered(model, task), pointwise=False, **task.options.get("waic", {}))
    return waic_columns(result), None


def _wbic(model: pm.Model, data: SimulatedData, task: TaskLike) -> QuantityResult:
    from pymc_slt.criteria.wbic import wbic

    kwargs = {**_sampler_kwargs(task), **task.options.get("wbic", {})}
    result = wbic(model, random_seed=task.seed_for("wbic"), progressbar=False, **kwargs)
    return wbic_columns(result), None


def _learning_coefficient(model: pm.Model, data: SimulatedData, task: TaskLike) -> QuantityResult:
    from pymc_slt.learning_coefficient.estimate import ladder_dataset, learning_coefficient

    kwargs = {**_sampler_kwargs(task), **task.options.get("learning_coefficient", {})}
    result = learning_coefficient(
        model, random_seed=task.seed_for("learning_coefficient"), progressbar=False, **kwargs
    )
    return lambda_columns(result), xr.DataTree(ladder_dataset(result))


def _log_z(model: pm.Model, data: SimulatedData, task: TaskLike) -> QuantityResult:
    from pymc_slt.evidence.marginal_likelihood import log_marginal_likelihood

    opts = _sampler_kwargs(task)
    options = task.options.get("log_z", {})
    engine = "smc" if options.get("method") == "smc" else "nuts"
    kwargs = {
        "draws": opts["draws"],
        "tune": opts["tune"],
        "chains": opts["chains"],
        # the task's sampler options are for its own sampler, not for the other engine
        "sampler_kwargs": opts.get("sampler_kwargs") if engine == opts["sampler"] else None,
        **options,
    }
    result = log_marginal_likelihood(
        model, random_seed=task.seed_for("log_z"), progressbar=False, **kwargs
    )
    return evidence_columns(result), None


def _fisher_rank(model: pm.Model, data: SimulatedData, task: TaskLike) -> QuantityResult:
    from pymc_slt.fisher import fisher_rank

    draws = pm.draw(model.free_RVs, random_seed=task.seed_for("fisher_rank"))
    point = {rv.name: np.asarray(value) for rv, value in zip(model.free_RVs, draws, strict=True)}
    rank = fisher_rank(model, point, **task.options.get("fisher_rank", {}))
    return {**fisher_columns(rank), "n_params": sum(v.size for v in point.values())}, None


#: Quantity name → function(model, data, task) → (values, tree); see the module table.
QUANTITIES: Mapping[str, Callable[..., QuantityResult]] = {
    "energy": _energy_values,
    "draws": _draws,
    "waic": _waic,
    "wbic": _wbic,
    "learning_coefficient": _learning_coefficient,
    "log_z": _log_z,
    "fisher_rank": _fisher_rank,
}

#: Quantities computed at the task's β (the others choose their own temperatures).
BETA_QUANTITIES = frozenset({"energy", "draws", "waic"})


def clear_cache() -> None:
    """Drop this thread's cached tempered draws (called by the worker after each task)."""
    _cache.tempered = None
