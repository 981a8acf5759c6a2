"""pymc-slt: Singular Learning Theory for PyMC models.

Tempered (Gibbs) posteriors of any PyMC model, and from them the numbers singular learning theory
asks for. See the README for a tour and the docstrings for the definitions and references.
"""

from pymc_slt import models
from pymc_slt._loglik import energy, pointwise_log_likelihood
from pymc_slt._version import __version__
from pymc_slt.analysis import theory
from pymc_slt.analysis.fisher import (
    FisherRank,
    fisher_information,
    fisher_parameter_names,
    fisher_rank,
    fisher_spectrum,
)
from pymc_slt.analysis.waic import ELPDDataWAIC, waic
from pymc_slt.analysis.wbic import WBICResult, wbic
from pymc_slt.inference.sampling import n_observations, sample_ladder, sample_tempered
from pymc_slt.models.tempering import temper

__all__ = [
    "ELPDDataWAIC",
    "FisherRank",
    "WBICResult",
    "__version__",
    "energy",
    "fisher_information",
    "fisher_parameter_names",
    "fisher_rank",
    "fisher_spectrum",
    "models",
    "n_observations",
    "pointwise_log_likelihood",
    "sample_ladder",
    "sample_tempered",
    "temper",
    "theory",
    "waic",
    "wbic",
]
