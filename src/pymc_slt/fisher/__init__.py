"""Fisher information (output and score forms), its spectrum and its numerical rank.

* :mod:`~pymc_slt.fisher.information`: :func:`fisher_information`, the matrix at a point or
  per posterior draw, and :func:`fisher_parameter_names`, the labels of its rows.
* :mod:`~pymc_slt.fisher.spectrum`: :func:`fisher_spectrum` and :func:`fisher_rank`, dense or
  matrix-free (``method=``, :data:`METHODS`; ``"auto"`` by :data:`DENSE_BYTES`).
* :mod:`~pymc_slt.fisher.matrix_free`: products :math:`I v = J^\\top (J v)/n` without forming
  J or I; :mod:`~pymc_slt.fisher.graph`: the outputs o(θ) both paths differentiate.
"""

from pymc_slt.fisher.information import (
    EIGEN_DIM,
    PARAM_DIMS,
    fisher_information,
    fisher_parameter_names,
    has_location,
)
from pymc_slt.fisher.spectrum import (
    DENSE_BYTES,
    METHODS,
    FisherRank,
    fisher_rank,
    fisher_spectrum,
)

__all__ = [
    "DENSE_BYTES",
    "EIGEN_DIM",
    "METHODS",
    "PARAM_DIMS",
    "FisherRank",
    "fisher_information",
    "fisher_parameter_names",
    "fisher_rank",
    "fisher_spectrum",
    "has_location",
]
