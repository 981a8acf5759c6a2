"""One model's row of :func:`pymc_slt.compare`: every quantity, and what went wrong with any.

A quantity that raises becomes NaN in its columns, and its reason goes to the row's
``problems`` (``"<quantity>: <error type>: <message>"``); the others are still computed. The
quantities that need the β = 1 draws (WAIC, LOO, BIC, the Fisher point, the default bridge
sampling and the local λ's point) are NaN with the reason "needs the β = 1 draws" if sampling
them failed. Default bridge sampling that raises or doubts its estimate is checked, and
replaced where the check says so, by a method that moves between modes, by the rule of
:mod:`pymc_slt.evidence.fallback` that :func:`pymc_slt.log_marginal_likelihood` follows too; a
replacement or a doubt left standing is said in ``problems``, and ``log_z_method`` names the
method that answered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import arviz_stats as azs
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
from pymc_slt.criteria.bic import max_log_likelihood
from pymc_slt.criteria.loo import loo_elpd
from pymc_slt.criteria.waic import waic
from pymc_slt.criteria.wbic import wbic
from pymc_slt.evidence.fallback import checked_bridge, first_line
from pymc_slt.evidence.marginal_likelihood import log_marginal_likelihood
from pymc_slt.evidence.result import EvidenceResult
from pymc_slt.fisher import fisher_rank, has_location
from pymc_slt.learning_coefficient.estimate import learning_coefficient
from pymc_slt.sampling.points import best_draw
from pymc_slt.sampling.tempered import n_observations, n_parameters, sample_tempered

__all__ = ["model_row"]

#: Columns a failed quantity leaves NaN.
_COLUMNS: dict[str, tuple[str, ...]] = {
    "waic": ("elpd_waic", "elpd_waic_se", "p_waic", "nu_hat"),
    "loo": ("elpd_loo", "elpd_loo_se"),
    "bic": ("min_energy", "bic"),
    "log_z": ("log_z", "log_z_se", "free_energy", "log_z_method"),
    "wbic": ("wbic", "wbic_se", "wbic_beta"),
    "lambda": ("lambda_hat", "lambda_se"),
    "fisher_rank": ("fisher_rank",),
}


class _Row:
    """The values and problems of one row, filled quantity by quantity."""

    def __init__(self, n: int, d: int) -> None:
        self.values: dict[str, Any] = {"n": n, "d": d}
        self.problems: list[str] = []
        self.elpds: dict[str, azs.ELPDData] = {}

    def keep(self, kind: str, elpd: azs.ELPDData) -> azs.ELPDData:
        """Remember a pointwise ELPD result for the table's paired comparison."""
        self.elpds[kind] = elpd
        return elpd

    def attempt(self, quantity: str, fn: Callable[[], dict[str, Any]]) -> bool:
        """Put ``fn()``'s columns in the row, or NaN and the reason if it raises."""
        try:
            self.values.update(fn())
            return True
        except Exception as err:
            self.fail(quantity, f"{type(err).__name__}: {first_line(err)}")
            return False

    def fail(self, quantity: str, reason: str) -> None:
        self.values.update(dict.fromkeys(_COLUMNS[quantity], np.nan))
        self.problems.append(f"{quantity}: {reason}")


def model_row(
    model: pm.Model, seeds: dict[str, int], opts: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, azs.ELPDData]]:
    """All of :func:`pymc_slt.compare`'s columns for ``model``, with ``problems``, and the
    pointwise WAIC and LOO results (``{"waic": ..., "loo": ...}``, those that succeeded) from
    which the table takes the se of each difference.

    ``opts`` holds ``draws``, ``tune``, ``chains``, ``sampler``, ``sampler_kwargs``,
    ``evidence`` (options of :func:`pymc_slt.log_marginal_likelihood`), ``lambda`` (of
    :func:`pymc_slt.learning_coefficient`) and ``fisher_kind``.
    """
    run = {k: opts[k] for k in ("draws", "tune", "chains", "sampler", "sampler_kwargs")}
    run["progressbar"] = False
    n, d = n_observations(model), n_parameters(model)
    row = _Row(n, d)
    post = _posterior(model, seeds["posterior"], run, row)
    best = None
    if post is not None:
        row.attempt("waic", lambda: waic_columns(row.keep("waic", waic(post))))
        row.attempt("loo", lambda: loo_columns(row.keep("loo", loo_elpd(post))))
        try:
            best = best_draw(post, model)[0]
        except Exception as err:
            row.problems.append(f"best draw: {type(err).__name__}: {first_line(err)}")
    if best is not None:
        row.attempt("bic", lambda: bic_columns(max_log_likelihood(model, best).value, d, n))
        kind = _fisher_kind(model, opts["fisher_kind"])
        row.values["fisher_kind"] = kind
        row.attempt("fisher_rank", lambda: fisher_columns(fisher_rank(model, best, kind=kind)))
    else:
        for quantity in ("waic", "loo", "bic", "fisher_rank")[2 if post is not None else 0 :]:
            row.fail(quantity, "needs the β = 1 draws, which failed")
        row.values["fisher_kind"] = None
    _evidence(model, post, seeds["evidence"], run, opts["evidence"], row)
    row.attempt("wbic", lambda: wbic_columns(wbic(model, random_seed=seeds["wbic"], **run)))
    lam_opts = dict(opts["lambda"])
    if lam_opts.get("method", "local") == "local" and "point" not in lam_opts:
        if best is None:
            row.fail("lambda", "the local λ needs the best β = 1 draw, which failed")
            return _finish(row)
        lam_opts["point"] = best  # w* = the best β = 1 draw, no second run
    if "sampler" in lam_opts:  # the user's sampler value holds its own settings
        lam_opts = {"progressbar": False, **lam_opts}
    else:
        lam_opts = {**run, **lam_opts}
    row.attempt(
        "lambda",
        lambda: lambda_columns(
            learning_coefficient(model, random_seed=seeds["lambda"], **lam_opts)
        ),
    )
    return _finish(row)


def _finish(row: _Row) -> tuple[dict[str, Any], dict[str, azs.ELPDData]]:
    return {**row.values, "problems": "; ".join(row.problems)}, row.elpds


def _posterior(model: pm.Model, seed: int, run: dict, row: _Row) -> xr.DataTree | None:
    try:
        return sample_tempered(model, 1.0, random_seed=seed, **run)
    except Exception as err:
        row.problems.append(f"posterior (β = 1): {type(err).__name__}: {first_line(err)}")
        return None


def _fisher_kind(model: pm.Model, kind: str) -> str:
    """``"output"`` where every likelihood has a location parameter, else ``"score"``."""
    if kind != "auto":
        return kind
    return "output" if has_location(model) else "score"


def _evidence(model, post, seed, run, options, row: _Row) -> None:
    """log Z by the user's method; the default bridge sampling falls back when it fails or warns."""
    options = dict(options)
    method = options.get("method", "bridge")
    if method not in ("smc", "hmc_smc") and "data" not in options and "sampler" not in options:
        options = {"sampler": run["sampler"], "sampler_kwargs": run["sampler_kwargs"], **options}
    common = {"random_seed": seed, "progressbar": False}
    if method != "bridge" or "data" in options or options.get("fallback") is False:
        row.attempt("log_z", lambda: _log_z(log_marginal_likelihood(model, **common, **options)))
        return
    options.pop("fallback", None)
    bridge = (
        "bridge sampling needs the β = 1 draws, which failed"
        if post is None
        else lambda: log_marginal_likelihood(model, data=post, fallback=False, **common, **options)
    )
    try:
        result, message = checked_bridge(
            bridge,
            row.values["d"],
            run,
            options,
            lambda check, kwargs: log_marginal_likelihood(model, method=check, **common, **kwargs),
            catch=(Exception,),
        )
    except RuntimeError as err:
        row.fail("log_z", first_line(err))
        return
    row.values.update(_log_z(result))
    if message:
        row.problems.append(f"log_z: {message}")


def _log_z(result: EvidenceResult) -> dict[str, Any]:
    return {**evidence_columns(result), "log_z_method": result.method}
