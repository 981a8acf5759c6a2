"""Getting draws and evidence from PyMC models."""

from pymc_slt.inference.evidence import EvidenceResult, log_marginal_likelihood
from pymc_slt.inference.sampling import n_observations, sample_ladder, sample_tempered
from pymc_slt.inference.sweep import SweepTask, grid, run_sweep

__all__ = [
    "EvidenceResult",
    "SweepTask",
    "grid",
    "log_marginal_likelihood",
    "n_observations",
    "run_sweep",
    "sample_ladder",
    "sample_tempered",
]
