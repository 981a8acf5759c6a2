"""Tempering: raise a PyMC model's likelihood to the power β.

The tempered (Gibbs) posterior of a model with prior :math:`φ(w)` and observations
:math:`D_n = \\{(x_i, y_i)\\}_{i=1}^n` is

.. math::

    p_β(w \\mid D_n) ∝ φ(w) \\prod_{i=1}^n p(y_i \\mid x_i, w)^β = φ(w) \\exp(-β\\, n L_n(w)),

with :math:`n L_n(w) = -\\sum_i \\log p(y_i \\mid x_i, w)` and inverse temperature :math:`β = 1/T`.
β = 1 is the ordinary Bayesian posterior; β → 0 is the prior.

:func:`temper` builds this as a PyMC model without touching the user's model: it clones the model,
adds ``β`` as ``pm.Data`` and adds a ``pm.Potential`` equal to ``(β − 1) · Σ_obs log p(y|x, w)``, so
that prior + observed log-likelihood + potential = log φ + β · log-likelihood. Because β is a shared
variable, a compiled sampler (nutpie ``with_data`` or ``pm.set_data``) moves to another β without
recompiling.

References
----------
Watanabe, S. (2013). A widely applicable Bayesian information criterion. JMLR 14, 867–897.
https://jmlr.org/papers/v14/watanabe13a.html
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pymc as pm
from pymc.model.fgraph import clone_model

from pymc_slt._validate import validate_beta, validate_model

__all__ = [
    "TEMPERING_POTENTIAL",
    "TemperedModel",
    "clone_keeping_initvals",
    "initvals_set_aside",
    "prior_potentials",
    "temper",
    "tempered",
]

#: Name of the Potential that carries the extra (β − 1)·log-likelihood term.
TEMPERING_POTENTIAL = "slt_tempering"

_BETA_NAMES = ("beta", "slt_beta")


@dataclass(frozen=True, slots=True)
class TemperedModel:
    """A tempered copy of a model and the name of its inverse-temperature data variable.

    Attributes
    ----------
    model : pymc.Model
        The tempered copy.
    beta_name : str
        Name of the ``pm.Data`` holding β: ``"beta"``, or ``"slt_beta"`` if the original model
        already uses the name ``"beta"`` (a common name for regression coefficients).
    """

    model: pm.Model
    beta_name: str


@contextmanager
def initvals_set_aside(model: pm.Model) -> Iterator[dict[str, Any]]:
    """Within the block, ``model`` has no user initial values; they are restored after it.

    PyMC's graph rewrites (``clone_model``, and ``pm.compute_log_likelihood`` through
    ``remove_value_transforms``) refuse a model with ``initval=`` ("Cannot convert models with
    non-default initial_values"); the values play no part in those computations. Yields the
    values by variable name. The model is restored exactly, even on error.
    """
    saved = dict(model.rvs_to_initial_values)
    try:
        for rv in model.rvs_to_initial_values:
            model.rvs_to_initial_values[rv] = None
        yield {rv.name: v for rv, v in saved.items() if v is not None}
    finally:
        model.rvs_to_initial_values.clear()
        model.rvs_to_initial_values.update(saved)


def clone_keeping_initvals(model: pm.Model) -> pm.Model:
    """``pymc.model.fgraph.clone_model`` that also works with ``initval=`` and keeps them.

    ``initval`` is the usual way to start an ordered mixture inside its support; the values are
    set aside while cloning (:func:`initvals_set_aside`) and set again on the clone by name.
    """
    with initvals_set_aside(model) as initvals:
        clone = clone_model(model)
    for name, value in initvals.items():
        clone.set_initval(clone[name], value)
    return clone


def prior_potentials(model: pm.Model) -> list:
    """The model's ``pm.Potential`` terms that belong to the prior: all but the tempering one.

    pymc-slt counts a user's potentials (and a localization) with the prior, untempered; the
    tempering potential :data:`TEMPERING_POTENTIAL` is the likelihood's (β − 1) share.
    """
    return [p for p in model.potentials if p.name != TEMPERING_POTENTIAL]


def tempered(model: pm.Model, beta: float = 1.0) -> TemperedModel:
    """Like :func:`temper`, but also return the name of the β data variable.

    The sampling functions use this to move β with ``with_data``/``pm.set_data``.
    """
    model = validate_model(model)
    beta = validate_beta(beta)
    if TEMPERING_POTENTIAL in model.named_vars:
        raise ValueError(
            "model is already tempered (it holds the potential "
            f"{TEMPERING_POTENTIAL!r}); pass the original, untempered model."
        )
    beta_name = next(name for name in _BETA_NAMES if name not in model.named_vars)
    clone = clone_keeping_initvals(model)
    with clone:
        beta_var = pm.Data(beta_name, beta)
        log_lik = clone.logp(vars=clone.observed_RVs, sum=True)
        pm.Potential(TEMPERING_POTENTIAL, (beta_var - 1.0) * log_lik)
    return TemperedModel(clone, beta_name)


def temper(model: pm.Model, beta: float = 1.0) -> pm.Model:
    """Return a copy of ``model`` whose likelihood is raised to the power ``beta``.

    Parameters
    ----------
    model : pymc.Model or bambi.Model
        Any PyMC model with at least one observed variable (several are fine, with any
        likelihood: Normal, StudentT, Bernoulli, Poisson, …; deterministics and transformed
        variables are kept). It is not modified.
    beta : float, default 1.0
        Inverse temperature β > 0. Stored as ``pm.Data`` so it can be changed later with
        ``pm.set_data({"beta": ...}, model=tempered)`` without rebuilding the model.

    Returns
    -------
    pymc.Model
        A new model with log density :math:`\\log φ(w) + β \\sum_i \\log p(y_i \\mid x_i, w)`.
        The data variable is named ``"beta"`` (``"slt_beta"`` if the model already uses
        ``"beta"``), and the extra term is the potential ``"slt_tempering"``. Observed variables
        keep their untempered log-probability, so ``pm.compute_log_likelihood`` on draws of the
        tempered model gives the untempered pointwise log-likelihood that WAIC needs.

    Raises
    ------
    TypeError
        If ``model`` is not a ``pm.Model`` or ``beta`` is not a number.
    ValueError
        If ``beta`` is not finite and > 0, the model has no observed variable, its observed data
        holds NaN/inf, or it is already tempered.

    Notes
    -----
    .. math::

        p_β(w \\mid D_n) ∝ φ(w) \\exp(-β\\, n L_n(w)),
        \\qquad n L_n(w) = -\\sum_{i=1}^n \\log p(y_i \\mid x_i, w).

    Potentials the user wrote are left untempered (they count as part of the prior).

    Examples
    --------
    >>> import numpy as np, pymc as pm, pymc_slt as slt
    >>> with pm.Model() as model:
    ...     w = pm.Normal("w", 0, 1)
    ...     _ = pm.Normal("y", w, 1, observed=np.array([0.1, -0.3, 0.2]))
    >>> hot = slt.temper(model, beta=0.5)
    >>> float(hot["beta"].get_value())
    0.5
    """
    return tempered(model, beta).model
