"""Fisher information (output and score forms), its spectrum and its numerical rank.

* :mod:`~pymc_slt.fisher.information`: :func:`fisher_information`, the matrix at a point or
  per posterior draw, and :func:`fisher_parameter_names`, the labels of its rows.
* :mod:`~pymc_slt.fisher.spectrum`: :func:`fisher_spectrum` and :func:`fisher_rank`.
"""

from pymc_slt.fisher.information import (
    EIGEN_DIM,
    PARAM_DIMS,
    fisher_information,
    fisher_parameter_names,
    has_location,
)
from pymc_slt.fisher.spectrum import FisherRank, fisher_rank, fisher_spectrum

__all__ = [
    "EIGEN_DIM",
    "PARAM_DIMS",
    "FisherRank",
    "fisher_information",
    "fisher_parameter_names",
    "fisher_rank",
    "fisher_spectrum",
    "has_location",
]
