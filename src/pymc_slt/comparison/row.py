"""One model's row of :func:`pymc_slt.compare`: every quantity, and what went wrong with any.

A quantity that raises becomes NaN in its columns, and its reason goes to the row's
``problems`` (``"<quantity>: <error type>: <message>"``); the others are still computed. The
quantities that need the β = 1 draws (WAIC, LOO, BIC, the Fisher point, the default bridge
sampling and the local λ's point) are NaN with the reason "needs the β = 1 draws" if sampling
them failed. Default bridge sampling that raises or warns (:class:`pymc_slt.EvidenceWarning`:
separated modes, halves that disagree, a poor proposal) is replaced by a method that moves
between modes (:func:`fallback`); the row says so in ``problems`` and ``log_z_method``.
"""

from __future__ import annotations

import warnings
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
from pymc_slt.evidence.marginal_likelihood import log_marginal_likelihood
from pymc_slt.evidence.result import EvidenceResult, EvidenceWarning
from pymc_slt.fisher import fisher_rank, has_location
from pymc_slt.learning_coefficient.estimate import learning_coefficient
from pymc_slt.sampling.hmc_smc import jax_installed
from pymc_slt.sampling.points import best_draw
from pymc_slt.sampling.tempered import n_observations, n_parameters, sample_tempered

__all__ = [
    "FALLBACK_HMC_SMC_DRAWS",
    "FALLBACK_HMC_SMC_MIN_DIM",
    "fallback",
    "model_row",
]

#: From this many free parameters on, bridge sampling falls back to HMC-SMC (with JAX).
FALLBACK_HMC_SMC_MIN_DIM = 17
#: Particles per chain of that HMC-SMC fallback.
FALLBACK_HMC_SMC_DRAWS = 250

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
            self.fail(quantity, f"{type(err).__name__}: {_first_line(err)}")
            return False

    def fail(self, quantity: str, reason: str) -> None:
        self.values.update(dict.fromkeys(_COLUMNS[quantity], np.nan))
        self.problems.append(f"{quantity}: {reason}")


def _first_line(err: BaseException) -> str:
    text = str(err).strip() or repr(err)
    return text.splitlines()[0]


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
            row.problems.append(f"best draw: {type(err).__name__}: {_first_line(err)}")
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
    row.attempt(
        "lambda",
        lambda: lambda_columns(
            learning_coefficient(model, random_seed=seeds["lambda"], **{**run, **lam_opts})
        ),
    )
    return _finish(row)


def _finish(row: _Row) -> tuple[dict[str, Any], dict[str, azs.ELPDData]]:
    return {**row.values, "problems": "; ".join(row.problems)}, row.elpds


def _posterior(model: pm.Model, seed: int, run: dict, row: _Row) -> xr.DataTree | None:
    try:
        return sample_tempered(model, 1.0, random_seed=seed, **run)
    except Exception as err:
        row.problems.append(f"posterior (β = 1): {type(err).__name__}: {_first_line(err)}")
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
    if method != "smc" and "data" not in options:
        options = {"sampler": run["sampler"], "sampler_kwargs": run["sampler_kwargs"], **options}
    common = {"random_seed": seed, "progressbar": False}
    if method != "bridge" or "data" in options:
        row.attempt("log_z", lambda: _log_z(log_marginal_likelihood(model, **common, **options)))
        return
    why = None
    if post is None:
        why = "bridge sampling needs the β = 1 draws, which failed"
    else:
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = log_marginal_likelihood(model, data=post, **common, **options)
            doubts = [w for w in caught if issubclass(w.category, EvidenceWarning)]
            for w in caught:
                if w not in doubts:  # pass the other warnings (e.g. poor mixing) on
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
            if not doubts:
                row.values.update(_log_z(result))
                return
            why = f"bridge sampling warned ({_first_line(doubts[0].message)})"
        except Exception as err:
            why = f"bridge sampling failed ({type(err).__name__}: {_first_line(err)})"
    method, kwargs, note = fallback(row.values["d"], run, options)
    ok = row.attempt(
        "log_z", lambda: _log_z(log_marginal_likelihood(model, method=method, **common, **kwargs))
    )
    if ok:
        row.problems.append(f"log_z: {why}; log Z is from method={method!r}{note}")


def fallback(d: int, run: dict[str, Any], options: dict[str, Any]) -> tuple[str, dict, str]:
    """The method, its keyword arguments and a note for log Z when bridge sampling fails.

    A tanh network's posterior has many separated modes; both fallbacks move between them
    (bridge sampling cannot), and how well was measured on tanh networks against agreed
    references (``benchmarks/neural_evidence.py``, docs/evidence.md):

    * ``d ≥`` :data:`FALLBACK_HMC_SMC_MIN_DIM` (17) with JAX and BlackJAX installed:
      ``"hmc_smc"`` with :data:`FALLBACK_HMC_SMC_DRAWS` (250) particles in each of
      ``chains`` runs. On networks with d = 17, 32 and 34 it was within 0.15 nat of the
      agreed references over 3 seeds each, in 135–179 s, a third or less of the default
      stepping stone's time, whose ladder grows with d.
    * otherwise ``"stepping_stone"`` on the run's ``draws``, ``tune`` and ``chains`` (and the
      user's ladder options, and the run's NUTS settings), its NUTS rungs at the ladder's
      ``target_accept`` 0.95 (:data:`pymc_slt.evidence.path.LADDER_NUTS`) unless one is set.
      At d = 8 (a network with H = 2, reference −84.367) stepping stone at NUTS's default 0.8
      erred by +0.16, −0.54, +0.005, −0.49, +0.29, −0.73 over 6 seeds (41–73 s), at 0.95 by
      +0.18, −0.02, −0.13, +0.08, −0.03, +0.22, each within 2 se (60–77 s): divergences at
      small β bias the ladder. HMC-SMC with 4 × 250 particles was 0.11–0.32 nat low there.

    Parameters
    ----------
    d : int
        Free parameters of the model.
    run : dict
        The row's sampling settings (``draws``, ``tune``, ``chains``, ``sampler``,
        ``sampler_kwargs``).
    options : dict
        The user's ``evidence_options`` (bridge sampling's own, ``bridge_proposal``, is dropped).

    Returns
    -------
    tuple of (str, dict, str)
        The method, the keyword arguments of :func:`pymc_slt.log_marginal_likelihood` besides
        ``method``, ``random_seed`` and ``progressbar``, and a note for ``problems``.
    """
    options = {k: v for k, v in options.items() if k not in ("method", "bridge_proposal")}
    if d >= FALLBACK_HMC_SMC_MIN_DIM and jax_installed():
        chains = options.get("chains", run["chains"])
        kwargs = {"draws": FALLBACK_HMC_SMC_DRAWS, "chains": chains}
        if run["sampler"] == "hmc_smc" and run["sampler_kwargs"]:
            kwargs["sampler_kwargs"] = run["sampler_kwargs"]  # the user's HMC-SMC settings
        return "hmc_smc", kwargs, f" ({chains} × {FALLBACK_HMC_SMC_DRAWS} particles)"
    kwargs = {**options, **{k: run[k] for k in ("draws", "tune", "chains") if k not in options}}
    nuts = run["sampler"] == "nuts" and kwargs.get("sampler", "nuts") == "nuts"
    if nuts and run["sampler_kwargs"] and "sampler_kwargs" not in options:
        kwargs["sampler_kwargs"] = run["sampler_kwargs"]  # the user's NUTS settings
    note = ""
    if d >= FALLBACK_HMC_SMC_MIN_DIM:
        note = " (pip install 'pymc-slt[jax]' for the faster method='hmc_smc')"
    return "stepping_stone", kwargs, note


def _log_z(result: EvidenceResult) -> dict[str, Any]:
    return {**evidence_columns(result), "log_z_method": result.method}
