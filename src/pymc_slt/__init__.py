"""pymc-slt: Singular Learning Theory for PyMC models.

Tempered (Gibbs) posteriors of any PyMC model, and from them the numbers singular learning theory
asks for. See the README for a tour and the docstrings for the definitions and references.
"""

from pymc_slt import models
from pymc_slt._loglik import energy, pointwise_log_likelihood
from pymc_slt._version import __version__
from pymc_slt.analysis import theory
from pymc_slt.analysis.compare import compare
from pymc_slt.analysis.fisher import (
    FisherRank,
    fisher_information,
    fisher_parameter_names,
    fisher_rank,
    fisher_spectrum,
)
from pymc_slt.analysis.langevin import noisy_gradient_descent
from pymc_slt.analysis.phases import (
    PhasePrediction,
    PhaseTransition,
    phase_sweep,
    phase_transition,
    predicted_transition_n,
    rrr_phase,
    rrr_singular_values,
)
from pymc_slt.analysis.rlct import LearningCoefficientResult, learning_coefficient
from pymc_slt.analysis.waic import ELPDDataWAIC, waic
from pymc_slt.analysis.wbic import WBICResult, wbic
from pymc_slt.inference.evidence import EvidenceResult, log_marginal_likelihood
from pymc_slt.inference.sampling import n_observations, sample_ladder, sample_tempered
from pymc_slt.inference.sweep import SweepTask, grid, run_sweep
from pymc_slt.models.tempering import temper

__all__ = [
    "ELPDDataWAIC",
    "EvidenceResult",
    "FisherRank",
    "LearningCoefficientResult",
    "PhasePrediction",
    "PhaseTransition",
    "SweepTask",
    "WBICResult",
    "__version__",
    "compare",
    "energy",
    "fisher_information",
    "fisher_parameter_names",
    "fisher_rank",
    "fisher_spectrum",
    "grid",
    "learning_coefficient",
    "log_marginal_likelihood",
    "models",
    "n_observations",
    "noisy_gradient_descent",
    "phase_sweep",
    "phase_transition",
    "pointwise_log_likelihood",
    "predicted_transition_n",
    "rrr_phase",
    "rrr_singular_values",
    "run_sweep",
    "sample_ladder",
    "sample_tempered",
    "temper",
    "theory",
    "waic",
    "wbic",
]
