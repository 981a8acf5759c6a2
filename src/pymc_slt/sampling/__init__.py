"""Draws from tempered posteriors :math:`p_β(w) ∝ φ(w) \\exp(-β n L_n(w))`.

* :mod:`~pymc_slt.sampling.samplers`: the sampler values :class:`NUTS`, :class:`SMC` and
  :class:`HMCSMC`, each family's settings and defaults, and :func:`as_sampler`.
* :mod:`~pymc_slt.sampling.tempered`: :func:`sample_tempered`, :func:`sample_ladder` and
  :class:`CompiledTempered` (one nutpie compilation, any β).
* :mod:`~pymc_slt.sampling.diagnostics`: divergences, r̂ and bulk ESS of a run, and the one
  :class:`PoorMixingWarning`.
* :mod:`~pymc_slt.sampling.loglik`: the untempered log-likelihood at given draws.
* :mod:`~pymc_slt.sampling.points`: the best draw of a run, :math:`n L_n` at a point and
  where a point sits in the prior.
* :mod:`~pymc_slt.sampling.langevin`: noisy gradient descent on PyTensor gradients.
* :mod:`~pymc_slt.sampling.minibatch`: :func:`minibatch_log_density`, the log-likelihood of a
  batch of observations and the log prior as JAX functions, for stochastic-gradient samplers.
* :mod:`~pymc_slt.sampling.sgld`: ``slt.SGLD``, minibatch SGLD that chooses and checks its own
  step size, length and point (local λ̂ and WBIC of networks); :mod:`~pymc_slt.sampling.landscape`:
  the full-data loss in JAX (energies in chunks, a minimum, the top curvature).
* :mod:`~pymc_slt.sampling.sgmcmc`: :func:`run_sgld`, BlackJAX's SGLD on the localized tempered
  posterior of such a density.
"""

from pymc_slt.sampling.diagnostics import (
    MixingReport,
    PoorMixingWarning,
    check_mixing,
    warn_poor_mixing,
)
from pymc_slt.sampling.langevin import Langevin, noisy_gradient_descent
from pymc_slt.sampling.loglik import log_likelihood
from pymc_slt.sampling.minibatch import MinibatchDensity, minibatch_log_density
from pymc_slt.sampling.points import best_draw, point_energy, prior_tail
from pymc_slt.sampling.samplers import HMCSMC, NUTS, SMC, as_sampler
from pymc_slt.sampling.sgld import SGLD
from pymc_slt.sampling.sgmcmc import SGLDRun, run_sgld
from pymc_slt.sampling.tempered import (
    CompiledTempered,
    n_observations,
    n_parameters,
    sample_ladder,
    sample_tempered,
)

__all__ = [
    "HMCSMC",
    "NUTS",
    "SGLD",
    "SMC",
    "CompiledTempered",
    "Langevin",
    "MinibatchDensity",
    "MixingReport",
    "PoorMixingWarning",
    "SGLDRun",
    "as_sampler",
    "best_draw",
    "check_mixing",
    "log_likelihood",
    "minibatch_log_density",
    "n_observations",
    "n_parameters",
    "noisy_gradient_descent",
    "point_energy",
    "prior_tail",
    "run_sgld",
    "sample_ladder",
    "sample_tempered",
    "warn_poor_mixing",
]
