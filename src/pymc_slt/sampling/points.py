"""Single points of the parameter space: the best draw of a run, n L_n at a point, and where a
point sits in the prior."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pymc as pm
import xarray as xr

from pymc_slt.base.loglik import energy
from pymc_slt.models.prior_draws import at_constrained_draws, draw_prior
from pymc_slt.sampling.loglik import log_likelihood

__all__ = ["best_draw", "point_energy", "prior_tail"]


def _as_posterior(point: Mapping[str, np.ndarray]) -> xr.Dataset:
    """A one-draw ``posterior`` Dataset (chain = draw = 1) holding ``point``."""
    data = {
        name: (("chain", "draw", *(f"{name}_dim_{i}" for i in range(np.ndim(v)))), v[None, None])
        for name, v in point.items()
    }
    return xr.Dataset(data, coords={"chain": [0], "draw": [0]})


def point_energy(model: pm.Model, point: Mapping[str, np.ndarray]) -> float:
    """:math:`n L_n(w^*)` of ``model`` at ``point`` (the convention of
    :func:`~pymc_slt.base.loglik.energy`).

    Raises
    ------
    ValueError
        If the log-likelihood is not finite there (the point is outside the support).
    """
    value = float(energy(log_likelihood(model, _as_posterior(point))).values.ravel()[0])
    if not np.isfinite(value):
        raise ValueError(
            f"n L_n(point) = {value}: the log-likelihood is not finite at point (outside the "
            "support of a parameter?); give a point inside it."
        )
    return value


def best_draw(data: xr.DataTree, model: pm.Model) -> tuple[dict[str, np.ndarray], float]:
    """The draw of ``data``'s posterior with the lowest :math:`n L_n` and that :math:`n L_n`.

    The draw is keyed by free-variable name (constrained scale, float arrays): the start of the
    maximum-likelihood search behind BIC, the default centre w* of the local λ and the point of
    :func:`pymc_slt.compare`'s Fisher rank.
    """
    e = energy(data)
    chain, draw = np.unravel_index(int(np.argmin(e.values)), e.shape)
    post = data["posterior"].to_dataset()
    point = {
        rv.name: np.asarray(post[rv.name].isel(chain=chain, draw=draw).values, dtype=float)
        for rv in model.free_RVs
    }
    return point, float(e.values[chain, draw])


def prior_tail(
    model: pm.Model, point: Mapping[str, np.ndarray], draws: int = 1000, random_seed: int = 0
) -> float:
    r"""The share of prior draws whose prior density is below the prior density at ``point``.

    :math:`\hat q = \frac1S \#\{s : \log\varphi(w_s) < \log\varphi(w^*)\}` over ``draws``
    forward draws :math:`w_s \sim \varphi` (``pm.draw``), with :math:`\log\varphi` the sum of
    the free variables' log densities on their constrained scale (``pm.Potential`` terms left
    out). A small :math:`\hat q` says ``point`` lies in the prior's far tail: where a best fit
    sits there, the prior still shapes the posterior, and asymptotic statements such as
    :math:`\lambda \le d/2` (Watanabe 2009, Thm 7.1) need a larger n to show.
    """
    prior = draw_prior(model, draws, random_seed)
    arrays = [  # the prior draws, then the point as one more draw
        np.concatenate(
            [prior[rv.name].values, np.asarray(point[rv.name])[None, None]], axis=1
        ).astype(model.rvs_to_values[rv].dtype)
        for rv in model.free_RVs
    ]
    log_prior = at_constrained_draws(model, lambda plain: plain.logp(vars=plain.free_RVs), arrays)
    at_draws, at_point = log_prior[0, :-1], log_prior[0, -1]
    return float(np.mean(at_draws < at_point))
