"""Independent draws from a model's prior, and how far ``pm.draw``'s prior is from the model's.

``pm.draw`` samples each free variable forward from its distribution. The prior the model's log
density describes can differ in two ways:

* a ``pm.Potential`` adds :math:`\\log c_{\\mathrm{pot}}(w)` to the log density (PyMC counts it
  with the likelihood; pymc-slt counts it with the prior, untempered), and ``pm.draw`` ignores it;
* a transform whose image is smaller than the distribution's support, such as ``ordered`` on a
  ``Normal`` vector, restricts the density to that image **without renormalizing it** (PyMC's
  ordered prior on K exchangeable components has mass 1/K!), while ``pm.draw`` samples the whole
  support.

So the model's prior is :math:`φ(w) = c(w)\\, q(w)` with :math:`q` the forward (``pm.draw``) prior
and

.. math::

    c(w) = \\mathbb{1}\\{w \\in \\text{every transform's image}\\}\\,
           \\exp\\Big(\\sum_{\\text{potentials}} \\log c_{\\mathrm{pot}}(w)\\Big),

and any prior expectation the model means is a weighted one over ``pm.draw`` draws:
:math:`\\int φ f = E_q[c f]`. :func:`prior_log_weights` returns :math:`\\log c` at the draws (or
``None`` when :math:`c ≡ 1`), which the ladder estimators of log Z use at their β = 0 rung
(importance sampling of :math:`φ` by :math:`q`; Owen 2013, ch. 9).

References
----------
Owen, A. B. (2013). Monte Carlo theory, methods and examples, ch. 9 (importance sampling).
https://artowen.su.domains/mc/
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt
import xarray as xr
from pymc.distributions.transforms import _default_transform
from pymc.model.transform.conditioning import remove_value_transforms

from pymc_slt.models.tempering import initvals_set_aside, prior_potentials
from pymc_slt.models.transforms import comes_back, round_trip_fn

__all__ = ["draw_prior", "inside_transforms", "prior_log_weights", "restricting_transforms"]


def restricting_transforms(model: pm.Model) -> list[str]:
    """Free variables whose transform is not their distribution's default one.

    The default transform maps onto the distribution's whole support (log for a scale, simplex
    for a Dirichlet); another one (``ordered``, a user's ``Interval``) may reach only part of it,
    which ``pm.draw`` does not know about.
    """
    names = []
    for rv in model.free_RVs:
        transform = model.rvs_to_transforms.get(rv)
        if type(transform) is not type(_default_transform(rv.owner.op, rv)):
            names.append(rv.name)
    return names


def draw_prior(model: pm.Model, draws: int, random_seed: int | None) -> xr.Dataset:
    """``draws`` independent forward draws of the free variables, as a (1, draws) posterior-like
    dataset (dims ``chain``, ``draw``, ``<name>_dim_<i>``)."""
    free = model.free_RVs
    values = pm.draw(free, draws=draws, random_seed=random_seed)
    return xr.Dataset(
        {
            rv.name: (
                ("chain", "draw", *(f"{rv.name}_dim_{i}" for i in range(v.ndim - 1))),
                v[None],
            )
            for rv, v in zip(free, values, strict=True)
        }
    )


def prior_log_weights(model: pm.Model, prior: xr.Dataset) -> np.ndarray | None:
    """:math:`\\log c(w)` at forward prior draws (chain, draw), or ``None`` if :math:`c ≡ 1`.

    :math:`-∞` where a draw is outside a transform's image; the sum of the ``pm.Potential`` terms
    elsewhere (see the module docstring).
    """
    restricted = restricting_transforms(model)
    potentials = prior_potentials(model)
    if not restricted and not potentials:
        return None
    n_chain, n_draw = prior.sizes["chain"], prior.sizes["draw"]
    arrays = [
        np.asarray(prior[rv.name].values, dtype=model.rvs_to_values[rv].dtype)
        for rv in model.free_RVs
    ]
    log_c = np.zeros((n_chain, n_draw))
    if potentials:
        log_c += _potential_sum(model, arrays)
    if restricted:
        log_c[~_inside(model, restricted, arrays)] = -np.inf
    return log_c


def inside_transforms(model: pm.Model, prior: xr.Dataset) -> np.ndarray:
    """Whether each forward prior draw (chain, draw) lies in every transform's image (all True
    for a model without a restricting transform)."""
    arrays = [
        np.asarray(prior[rv.name].values, dtype=model.rvs_to_values[rv].dtype)
        for rv in model.free_RVs
    ]
    restricted = restricting_transforms(model)
    if not restricted:
        return np.ones((prior.sizes["chain"], prior.sizes["draw"]), bool)
    return _inside(model, restricted, arrays)


def _inside(model: pm.Model, restricted: list[str], arrays: list[np.ndarray]) -> np.ndarray:
    """Round trip of the ``restricted`` variables through their transforms, draw by draw."""
    back = round_trip_fn(model, restricted)
    index = [next(i for i, rv in enumerate(model.free_RVs) if rv.name == n) for n in restricted]
    n_chain, n_draw = arrays[0].shape[:2]
    inside = np.ones((n_chain, n_draw), bool)
    for c in range(n_chain):
        for s in range(n_draw):
            with np.errstate(all="ignore"):
                values = back(*(a[c, s] for a in arrays))
            inside[c, s] = comes_back(values, [arrays[i][c, s] for i in index])
    return inside


def _potential_sum(model: pm.Model, arrays: list[np.ndarray]) -> np.ndarray:
    """Σ of the model's potentials at constrained draws (chain, draw), −∞ where not finite."""

    def total(plain: pm.Model) -> pt.TensorVariable:
        return pt.add(*(pt.sum(p) for p in plain.replace_rvs_by_values(prior_potentials(plain))))

    out = at_constrained_draws(model, total, arrays)
    out[~np.isfinite(out)] = -np.inf
    return out


def at_constrained_draws(
    model: pm.Model, scalar: Callable[[pm.Model], pt.TensorVariable], arrays: list[np.ndarray]
) -> np.ndarray:
    """A scalar of the free variables' constrained values at each (chain, draw) of ``arrays``.

    ``scalar`` builds the expression from ``model`` with its value transforms removed (so its
    value variables are the constrained values, in ``model.free_RVs`` order); ``arrays`` hold
    those values with leading (chain, draw) axes, in the same order.
    """
    with initvals_set_aside(model):
        plain = remove_value_transforms(model)
    inputs = [plain.rvs_to_values[plain[rv.name]] for rv in model.free_RVs]
    fn = pytensor.function(inputs, scalar(plain), on_unused_input="ignore")
    n_chain, n_draw = arrays[0].shape[:2]
    out = np.empty((n_chain, n_draw))
    for c in range(n_chain):
        for s in range(n_draw):
            out[c, s] = fn(*(a[c, s] for a in arrays))
    return out
