"""pymc-slt: Singular Learning Theory for PyMC models.

Tempered (Gibbs) posteriors of any PyMC model, and from them the numbers singular learning theory
asks for. See the README for a tour and ``DESIGN.md`` for the definitions.
"""

from pymc_slt import models
from pymc_slt._version import __version__
from pymc_slt.inference.sampling import n_observations, sample_ladder, sample_tempered
from pymc_slt.models.tempering import temper

__all__ = [
    "__version__",
    "models",
    "n_observations",
    "sample_ladder",
    "sample_tempered",
    "temper",
]
