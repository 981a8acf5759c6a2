"""Information criteria: WAIC (with the singular fluctuation), WBIC and BIC.

* :mod:`~pymc_slt.criteria.waic`: :func:`waic`, an ArviZ ``ELPDData`` that also carries
  :math:`V_n` and :math:`\\hat ν`.
* :mod:`~pymc_slt.criteria.wbic`: :func:`wbic`, :math:`E_{β^*}[n L_n]` at :math:`β^* = 1/\\log n`.
* :mod:`~pymc_slt.criteria.bic`: the maximum log-likelihood behind BIC.
"""

from pymc_slt.criteria.bic import MaxLogLikelihood, max_log_likelihood
from pymc_slt.criteria.loo import loo_elpd
from pymc_slt.criteria.waic import ELPDDataWAIC, TemperedDrawsWarning, waic
from pymc_slt.criteria.wbic import WBICResult, wbic

__all__ = [
    "ELPDDataWAIC",
    "MaxLogLikelihood",
    "TemperedDrawsWarning",
    "WBICResult",
    "loo_elpd",
    "max_log_likelihood",
    "waic",
    "wbic",
]
