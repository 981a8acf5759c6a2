"""Array-level mathematics shared by the estimators (NumPy, SciPy and xarray; no PyMC).

Every function here works on arrays of draws laid out ``(chain, draw, ...)`` (or on DataTrees
that hold them) and knows nothing of models or samplers, after the ``base`` layer of
arviz-stats. The public functions of the higher folders validate their input, sample, and then
call these.

* :mod:`~pymc_slt.base.bridge`: bridge sampling's iteration, its error, halves and chains, and
  the typed doubts (:class:`~pymc_slt.base.bridge.Doubt`).
* :mod:`~pymc_slt.base.loglik`: the pointwise log-likelihood ``log p(y_i | x_i, w)``, n and
  :math:`n L_n(w)` from a DataTree (the observation convention).
* :mod:`~pymc_slt.base.draws`: draws given as ``data=`` (a DataTree, a ``pm.sample`` result or
  an ArviZ InferenceData), checked for the groups a quantity needs, and their β.
* :mod:`~pymc_slt.base.energy`: the mean of :math:`n L_n` over draws with its Monte-Carlo error.
* :mod:`~pymc_slt.base.fit`: weighted straight-line fits, and the default β of each λ estimator.
* :mod:`~pymc_slt.base.ladder`: the β schedule, stepping-stone sums and the corrected trapezoid
  rule of the ladder methods of log Z.
* :mod:`~pymc_slt.base.rank`: numerical rank from eigenvalues.
* :mod:`~pymc_slt.base.columns`: the table columns each quantity yields, defined once.
* :mod:`~pymc_slt.base.result`: every result's ``to_dataset``.
* :mod:`~pymc_slt.base.threads`: the threading environment, recorded and pinned for NUTS.
* :mod:`~pymc_slt.base.spec`: what every settings value (sampler, method, estimator) shares.
* :mod:`~pymc_slt.base.smc`: log Z per SMC chain and their combination.
"""

from pymc_slt.base.energy import EnergyMean, energy_mean
from pymc_slt.base.fit import LineFit, default_betas, weighted_slope
from pymc_slt.base.loglik import (
    OBS_DIM,
    count_observations,
    energy,
    log_likelihood_group,
    pointwise_log_likelihood,
)
from pymc_slt.base.smc import combine_chains, final_log_marginal_likelihood

__all__ = [
    "OBS_DIM",
    "EnergyMean",
    "LineFit",
    "combine_chains",
    "count_observations",
    "default_betas",
    "energy",
    "energy_mean",
    "final_log_marginal_likelihood",
    "log_likelihood_group",
    "pointwise_log_likelihood",
    "weighted_slope",
]
