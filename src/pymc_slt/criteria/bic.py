"""Maximum of the log-likelihood Σ_i log p(y_i | x_i, w), for BIC.

The search runs on the model's unconstrained space (where NUTS works), starting from a given point
on the constrained scale (typically the highest-likelihood posterior draw), with L-BFGS and a
PyTensor gradient. Only the observed log-likelihood is maximized: no prior, no Jacobian.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt
from pymc.blocking import DictToArrayBijection, RaveledVars
from scipy import optimize

from pymc_slt.models.transforms import to_unconstrained

__all__ = ["MaxLogLikelihood", "max_log_likelihood"]


class MaxLogLikelihood(NamedTuple):
    """Result of :func:`max_log_likelihood`.

    Attributes
    ----------
    value : float
        :math:`\\max_w \\sum_i \\log p(y_i \\mid x_i, w)` (the larger of the start value and the
        optimum found).
    point : dict of str to ndarray
        The maximizing parameters on the unconstrained scale (value-variable names).
    converged : bool
        Whether L-BFGS reported convergence.
    """

    value: float
    point: dict[str, np.ndarray]
    converged: bool


def max_log_likelihood(model: pm.Model, start: Mapping[str, np.ndarray]) -> MaxLogLikelihood:
    """Maximize the observed log-likelihood of ``model`` from ``start`` (constrained scale)."""
    start_u = to_unconstrained(model, start)
    value_vars = model.value_vars
    log_lik = pt.sum([pt.sum(t) for t in model.logp(vars=model.observed_RVs, sum=False)])
    # parameters that enter only the prior (a hierarchical model's mu, tau) get zero gradient
    grads = pytensor.grad(log_lik, value_vars, disconnected_inputs="ignore")
    fn = model.compile_fn([log_lik, *grads], inputs=value_vars, point_fn=False)
    x0 = DictToArrayBijection.map(start_u)

    def objective(x: np.ndarray) -> tuple[float, np.ndarray]:
        point = DictToArrayBijection.rmap(RaveledVars(x, x0.point_map_info))
        out = fn(*[point[v.name] for v in value_vars])
        grad = np.concatenate([np.ravel(g) for g in out[1:]])
        return -float(out[0]), -grad

    start_value = -objective(x0.data)[0]
    res = optimize.minimize(objective, x0.data, jac=True, method="L-BFGS-B")
    if not np.isfinite(res.fun) or -res.fun < start_value:
        return MaxLogLikelihood(start_value, start_u, False)
    best = DictToArrayBijection.rmap(RaveledVars(res.x, x0.point_map_info))
    return MaxLogLikelihood(float(-res.fun), dict(best), bool(res.success))
