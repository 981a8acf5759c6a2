"""The per-model quantities: one registry shared by :func:`pymc_slt.compare`, the sweep
(:mod:`pymc_slt.sweep`) and the study, so that each quantity is computed the same way from the
same sampler wherever it appears.

Each entry's ``compute(ctx)`` takes a :class:`~pymc_slt.quantities.context.RunContext` and
returns a :class:`QuantityResult`: named numbers (the table's columns,
:mod:`pymc_slt.base.columns`), optionally a DataTree to store, the pointwise ELPD (for
``compare``'s paired differences), and problems to report (a replaced or doubted log Z).

========================  ===============================================  =====================
name                      values                                           draws
========================  ===============================================  =====================
``energy``                ``energy`` = E_β[n L_n], ``energy_se``,          the run's β
                          ``divergences``, ``max_rhat``
``draws``                 none; stores the run's draws                     the run's β
``waic``                  ``elpd_waic``, ``elpd_waic_se``, ``p_waic``,     the run's β
                          ``nu_hat``
``loo``                   ``elpd_loo``, ``elpd_loo_se``                    β = 1
``bic``                   ``min_energy``, ``bic``                          β = 1 (best draw)
``wbic``                  ``wbic``, ``wbic_se``, ``wbic_beta``             its own, β* = 1/log n
``learning_coefficient``  ``lambda_hat``, ``lambda_se``; stores            its own; w* of
                          E_β[n L_n] per β                                 ``local`` below
``log_z``                 ``log_z``, ``log_z_se``, ``free_energy``,        β = 1 for bridge
                          ``log_z_method``                                 sampling, else its own
``fisher_rank``           ``fisher_rank``, ``fisher_kind``, ``n_params``   below
========================  ===============================================  =====================

The rules, stated once:

* **Sampler**: a quantity's options may name a sampler of their own; otherwise it runs the run's
  sampler where that family can draw for its method, else its method's default
  (:func:`~pymc_slt.sampling.samplers.with_run_sampler`).
* **The posterior's draws**: at a run at β = 1 (``compare``, a sweep task with ``beta=1``) LOO,
  BIC, bridge sampling, the local λ's point w* and the Fisher rank's point reuse the run's own
  draws; at other runs LOO, BIC and bridge sampling sample β = 1 once (seed ``"posterior"``),
  the local λ finds w* by its own pilot, and the Fisher rank is taken at a prior draw (seed
  ``"fisher_rank"``: the rank of a generic point).
* **log Z**: the default bridge sampling is checked, and replaced where the check says so, by
  the rule of :mod:`pymc_slt.evidence.fallback` (:func:`~.fallback.checked_bridge`); what it
  says is a problem of the result.
* **Fisher form**: ``kind="auto"`` (the default) takes the output form where every likelihood
  has a location parameter and the score form otherwise.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pymc as pm
import xarray as xr

from pymc_slt.base.columns import (
    bic_columns,
    evidence_columns,
    fisher_columns,
    lambda_columns,
    loo_columns,
    waic_columns,
    wbic_columns,
)
from pymc_slt.base.energy import energy_mean
from pymc_slt.base.loglik import energy
from pymc_slt.criteria.bic import max_log_likelihood
from pymc_slt.criteria.loo import loo_elpd
from pymc_slt.criteria.waic import TemperedDrawsWarning, waic
from pymc_slt.criteria.wbic import wbic
from pymc_slt.evidence.fallback import checked_bridge, first_line
from pymc_slt.evidence.marginal_likelihood import log_marginal_likelihood
from pymc_slt.evidence.methods import method_entry
from pymc_slt.fisher import fisher_rank, has_location
from pymc_slt.learning_coefficient.estimate import learning_coefficient
from pymc_slt.learning_coefficient.local import LocalLambda
from pymc_slt.learning_coefficient.methods import estimator_entry
from pymc_slt.learning_coefficient.result import ladder_dataset
from pymc_slt.quantities.context import RunContext
from pymc_slt.sampling.samplers import SAMPLERS, as_sampler, with_run_sampler
from pymc_slt.sampling.tempered import n_observations, n_parameters

__all__ = ["BETA_QUANTITIES", "QUANTITIES", "Quantity", "QuantityResult"]


@dataclass(frozen=True)
class QuantityResult:
    """What a quantity gives: ``values`` (its columns), and optionally ``tree`` (a DataTree to
    store), ``elpd`` (a pointwise ELPD result) and ``problems`` (messages to report)."""

    values: dict[str, Any]
    tree: xr.DataTree | None = None
    elpd: Any = None
    problems: tuple[str, ...] = ()


@dataclass(frozen=True)
class Quantity:
    """One per-model quantity: ``compute(ctx)`` and the ``columns`` it fills (NaN if it fails)."""

    compute: Callable[[RunContext], QuantityResult]
    columns: tuple[str, ...]


def _energy(ctx: RunContext) -> QuantityResult:
    dt = ctx.draws()
    stats = energy_mean(energy(dt).values)
    return QuantityResult(
        {
            "energy": stats.mean,
            "energy_se": stats.se,
            "divergences": int(dt.attrs["n_divergences"]),
            "max_rhat": float(dt.attrs["max_rhat"]),
        }
    )


def _draws(ctx: RunContext) -> QuantityResult:
    return QuantityResult({}, tree=ctx.draws())


def _waic(ctx: RunContext) -> QuantityResult:
    with warnings.catch_warnings():  # at a run's own β on purpose
        warnings.simplefilter("ignore", TemperedDrawsWarning)
        result = waic(ctx.draws(), **ctx.options_for("waic"))
    return QuantityResult(waic_columns(result), elpd=result)


def _loo(ctx: RunContext) -> QuantityResult:
    result = loo_elpd(ctx.posterior())
    return QuantityResult(loo_columns(result), elpd=result)


def _bic(ctx: RunContext) -> QuantityResult:
    model = ctx.model
    fit = max_log_likelihood(model, ctx.best())
    return QuantityResult(bic_columns(fit.value, n_parameters(model), n_observations(model)))


def _wbic(ctx: RunContext) -> QuantityResult:
    kwargs = with_run_sampler(
        ctx.options_for("wbic"), ctx.sampler, tuple(SAMPLERS), ctx.sampler, ctx.caller
    )
    result = wbic(ctx.model, random_seed=ctx.seed("wbic"), progressbar=False, **kwargs)
    return QuantityResult(wbic_columns(result))


def _learning_coefficient(ctx: RunContext) -> QuantityResult:
    kwargs = with_run_sampler(
        ctx.options_for("learning_coefficient"),
        ctx.sampler,
        tuple(SAMPLERS),
        ctx.sampler,
        ctx.caller,
    )
    _, estimator = estimator_entry(kwargs.get("method", "local"))
    own_point = "data" in kwargs or "point" in kwargs
    if isinstance(estimator, LocalLambda) and estimator.point is None and not own_point:
        if ctx.at_posterior:  # w* = the best β = 1 draw of the run, no pilot
            if set(kwargs) & {"betas", "gamma"}:  # deprecated options: they stay loose
                kwargs["point"] = ctx.best()
            else:
                kwargs["method"] = replace(estimator, point=ctx.best())
    result = learning_coefficient(
        ctx.model, random_seed=ctx.seed("learning_coefficient"), progressbar=False, **kwargs
    )
    return QuantityResult(lambda_columns(result), tree=xr.DataTree(ladder_dataset(result)))


def _log_z(ctx: RunContext) -> QuantityResult:
    model, seed = ctx.model, ctx.seed("log_z")
    kwargs = ctx.options_for("log_z")
    entry, method = method_entry(kwargs.get("method", "bridge"))
    kwargs = with_run_sampler(
        kwargs, ctx.sampler, entry.samplers, entry.default_sampler, ctx.caller
    )
    common = {"random_seed": seed, "progressbar": False}
    if method.name != "bridge" or "data" in kwargs or kwargs.get("fallback") is False:
        return QuantityResult(_log_z_columns(log_marginal_likelihood(model, **common, **kwargs)))
    kwargs.pop("fallback", None)
    check = as_sampler(kwargs.pop("sampler"))
    try:
        post = ctx.posterior()
        bridge: Any = lambda: log_marginal_likelihood(  # noqa: E731
            model, data=post, fallback=False, **common, **kwargs
        )
    except Exception as err:
        bridge = f"bridge sampling needs the β = 1 draws, which failed ({first_line(err)})"
    result, message = checked_bridge(
        bridge,
        n_parameters(model),
        check,
        lambda name, sampler: log_marginal_likelihood(
            model, method=name, sampler=sampler, **common
        ),
        catch=(Exception,),
    )
    return QuantityResult(_log_z_columns(result), problems=(message,) if message else ())


def _log_z_columns(result: Any) -> dict[str, Any]:
    return {**evidence_columns(result), "log_z_method": result.method}


def _fisher_rank(ctx: RunContext) -> QuantityResult:
    model = ctx.model
    kwargs = ctx.options_for("fisher_rank")
    kind = kwargs.pop("kind", "auto")
    if kind == "auto":
        kind = "output" if has_location(model) else "score"
    if ctx.at_posterior:
        point = ctx.best()
    else:  # a generic point: a prior draw
        draws = pm.draw(model.free_RVs, random_seed=ctx.seed("fisher_rank"))
        point = {rv.name: np.asarray(v) for rv, v in zip(model.free_RVs, draws, strict=True)}
    rank = fisher_rank(model, point, kind=kind, **kwargs)
    return QuantityResult(
        {**fisher_columns(rank), "fisher_kind": kind, "n_params": n_parameters(model)}
    )


#: Quantity name → :class:`Quantity`; see the module table.
QUANTITIES: dict[str, Quantity] = {
    "energy": Quantity(_energy, ("energy", "energy_se", "divergences", "max_rhat")),
    "draws": Quantity(_draws, ()),
    "waic": Quantity(_waic, ("elpd_waic", "elpd_waic_se", "p_waic", "nu_hat")),
    "loo": Quantity(_loo, ("elpd_loo", "elpd_loo_se")),
    "bic": Quantity(_bic, ("min_energy", "bic")),
    "wbic": Quantity(_wbic, ("wbic", "wbic_se", "wbic_beta")),
    "learning_coefficient": Quantity(_learning_coefficient, ("lambda_hat", "lambda_se")),
    "log_z": Quantity(_log_z, ("log_z", "log_z_se", "free_energy", "log_z_method")),
    "fisher_rank": Quantity(_fisher_rank, ("fisher_rank", "fisher_kind", "n_params")),
}

#: Quantities computed from the draws at the run's β (the others choose their own temperatures).
BETA_QUANTITIES = frozenset({"energy", "draws", "waic"})
