"""Single points of the parameter space: the best draw of a run, n L_n at a point, and where a
point sits in the prior."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pymc as pm
import pytensor
import xarray as xr
from pymc.model.transform.conditioning import remove_value_transforms

from pymc_slt.base.loglik import energy
from pymc_slt.models.prior_draws import draw_prior
from pymc_slt.models.tempering import initvals_set_aside
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
    """:math:`n L_n(w^*)` of ``model`` at ``point`` (same convention as :func:`energy`).

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
    with initvals_set_aside(model):
        plain = remove_value_transforms(model)
    rvs = [plain[rv.name] for rv in model.free_RVs]
    inputs = [plain.rvs_to_values[rv] for rv in rvs]
    log_prior = pytensor.function(inputs, plain.logp(vars=rvs), on_unused_input="ignore")
    dtypes = [value.dtype for value in inputs]
    prior = draw_prior(model, draws, random_seed)
    arrays = [prior[rv.name].values[0] for rv in model.free_RVs]
    at_draws = np.array(
        [log_prior(*(np.asarray(a[s], dtype=t) for a, t in zip(arrays, dtypes, strict=True)))
         for s in range(draws)]
    )  # fmt: skip
    at_point = log_prior(
        *(np.asarray(point[rv.name], dtype=t) for rv, t in zip(model.free_RVs, dtypes, strict=True))
    )
    return float(np.mean(at_draws < at_point))
