"""Model selection by the singular BIC (sBIC) of Drton & Plummer (2017).

sBIC approximates the log marginal likelihood of each model in a finite collection ordered by
inclusion (a poset: ranks, numbers of factors or of mixture components) from the maximum
log-likelihoods alone, with the learning coefficients ``λ_ij`` of each model at the truths of
its submodels (:mod:`pymc_slt.theory`) in place of BIC's ``d/2``. No sampling: a fit per model.

* :mod:`~pymc_slt.selection.sbic`: :func:`sbic`, the recursion over any poset, given
  log-likelihoods and ``λ``/``m`` tables.
* :mod:`~pymc_slt.selection.reduced_rank`: :func:`sbic_reduced_rank` (rank of a
  reduced-rank regression; SVD fit, exact ``λ``).
* :mod:`~pymc_slt.selection.factor_analysis`: :func:`sbic_factor_analysis` (number of
  factors; EM fit, ``λ`` upper bounds off the diagonal).
* :mod:`~pymc_slt.selection.mixture`: :func:`sbic_gaussian_mixture` (number of Gaussian
  components, 1-D or d-D; EM with restarts, ``λ`` upper bounds off the diagonal).
* :mod:`~pymc_slt.selection.binomial_mixture`: :func:`sbic_binomial_mixture` (number of
  binomial components; EM with restarts, ``λ`` upper bounds off the diagonal).

Every frame has ``bic`` and ``sbic`` on the free-energy scale (≈ ``−log Z``, lower is better).
See :doc:`/sbic` for when to prefer it to log Z or WBIC.
"""

from pymc_slt.selection.binomial_mixture import (
    BinomialMixtureFit,
    fit_binomial_mixture,
    sbic_binomial_mixture,
)
from pymc_slt.selection.factor_analysis import (
    FactorAnalysisFit,
    fit_factor_analysis,
    ledermann_bound,
    sbic_factor_analysis,
)
from pymc_slt.selection.mixture import (
    GaussianMixtureFit,
    fit_gaussian_mixture,
    sbic_gaussian_mixture,
)
from pymc_slt.selection.reduced_rank import reduced_rank_loglik, sbic_reduced_rank
from pymc_slt.selection.sbic import chain_order, sbic

__all__ = [
    "BinomialMixtureFit",
    "FactorAnalysisFit",
    "GaussianMixtureFit",
    "chain_order",
    "fit_binomial_mixture",
    "fit_factor_analysis",
    "fit_gaussian_mixture",
    "ledermann_bound",
    "reduced_rank_loglik",
    "sbic",
    "sbic_binomial_mixture",
    "sbic_factor_analysis",
    "sbic_gaussian_mixture",
    "sbic_reduced_rank",
]
