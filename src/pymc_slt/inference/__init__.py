"""Getting draws and evidence from PyMC models."""

from pymc_slt.inference.sampling import n_observations, sample_ladder, sample_tempered

__all__ = ["n_observations", "sample_ladder", "sample_tempered"]
