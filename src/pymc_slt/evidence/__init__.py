"""The marginal likelihood :math:`Z_n` and free energy :math:`F_n = -\\log Z_n`, with an se.

* :mod:`~pymc_slt.evidence.marginal_likelihood`: :func:`log_marginal_likelihood`, the entry
  point, and :class:`EvidenceResult`.
* :mod:`~pymc_slt.evidence.bridge`: bridge sampling from posterior draws.
* :mod:`~pymc_slt.evidence.path`: stepping stone and thermodynamic integration over a β ladder.
"""

from pymc_slt.evidence.marginal_likelihood import METHODS, EvidenceResult, log_marginal_likelihood
from pymc_slt.evidence.result import EvidenceWarning

__all__ = ["METHODS", "EvidenceResult", "EvidenceWarning", "log_marginal_likelihood"]
