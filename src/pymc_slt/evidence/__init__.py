"""The marginal likelihood :math:`Z_n` and free energy :math:`F_n = -\\log Z_n`, with an se.

* :mod:`~pymc_slt.evidence.marginal_likelihood`: :func:`log_marginal_likelihood`, the entry
  point, and :class:`EvidenceResult`.
* :mod:`~pymc_slt.evidence.methods`: the registry of log-Z methods, each one options type
  (:class:`Bridge`, :class:`SteppingStone`, …) and one ``run(job)``.
* :mod:`~pymc_slt.evidence.bridge`: bridge sampling from posterior draws.
* :mod:`~pymc_slt.evidence.fallback`: what replaces bridge sampling when it fails or warns.
* :mod:`~pymc_slt.evidence.path`: stepping stone and thermodynamic integration over a β ladder,
  each cross-checked by the other on the same draws.
* :mod:`~pymc_slt.evidence.smc`: log Z from SMC runs (PyMC's, or HMC-SMC's).
* :mod:`~pymc_slt.evidence.unconstrained`: posterior draws on the unconstrained scale and the
  model's log density over all of them at once (bridge sampling's inputs).
* :mod:`~pymc_slt.evidence.result`: :class:`~pymc_slt.evidence.result.EvidenceJob` (what a
  method's ``run`` gets), :class:`EvidenceResult` and :class:`EvidenceWarning`.
"""

from pymc_slt.evidence.bridge import Bridge
from pymc_slt.evidence.marginal_likelihood import METHODS, EvidenceResult, log_marginal_likelihood
from pymc_slt.evidence.path import SteppingStone, Thermodynamic
from pymc_slt.evidence.result import Doubt, EvidenceWarning
from pymc_slt.evidence.smc import HMCSMCEvidence, SMCEvidence

__all__ = [
    "METHODS",
    "Bridge",
    "Doubt",
    "EvidenceResult",
    "EvidenceWarning",
    "HMCSMCEvidence",
    "SMCEvidence",
    "SteppingStone",
    "Thermodynamic",
    "log_marginal_likelihood",
]
