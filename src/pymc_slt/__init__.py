"""pymc-slt: Singular Learning Theory for PyMC models.

Tempered (Gibbs) posteriors of any PyMC model, and from them the numbers singular learning theory
asks for. Every public name of the concept folders (:mod:`pymc_slt.sampling`,
:mod:`pymc_slt.evidence`, :mod:`pymc_slt.criteria`, ...) is re-exported here; see the README for
a tour, the docs for the theory, and the docstrings for the definitions and references.
"""

from pymc_slt import models, theory
from pymc_slt._version import __version__
from pymc_slt.base import energy, pointwise_log_likelihood
from pymc_slt.comparison import compare
from pymc_slt.criteria import ELPDDataWAIC, WBICResult, waic, wbic
from pymc_slt.evidence import (
    Bridge,
    EvidenceResult,
    EvidenceWarning,
    SteppingStone,
    Thermodynamic,
    log_marginal_likelihood,
)
from pymc_slt.fisher import (
    FisherRank,
    fisher_information,
    fisher_parameter_names,
    fisher_rank,
    fisher_spectrum,
)
from pymc_slt.learning_coefficient import (
    LadderSlope,
    LearningCoefficientResult,
    LocalLambda,
    TwoTemperature,
    learning_coefficient,
)
from pymc_slt.models import temper
from pymc_slt.phases import (
    PhasePrediction,
    PhaseTransition,
    phase_sweep,
    phase_transition,
    predicted_transition_n,
    rrr_phase,
    rrr_singular_values,
)
from pymc_slt.sampling import (
    HMCSMC,
    NUTS,
    SMC,
    Langevin,
    PoorMixingWarning,
    n_observations,
    noisy_gradient_descent,
    sample_ladder,
    sample_tempered,
)
from pymc_slt.selection import (
    sbic,
    sbic_binomial_mixture,
    sbic_factor_analysis,
    sbic_gaussian_mixture,
    sbic_reduced_rank,
)
from pymc_slt.sweep import SweepTask, grid, run_sweep

__all__ = [
    "HMCSMC",
    "NUTS",
    "SMC",
    "Bridge",
    "ELPDDataWAIC",
    "EvidenceResult",
    "EvidenceWarning",
    "FisherRank",
    "LadderSlope",
    "Langevin",
    "LearningCoefficientResult",
    "LocalLambda",
    "PhasePrediction",
    "PhaseTransition",
    "PoorMixingWarning",
    "SteppingStone",
    "SweepTask",
    "Thermodynamic",
    "TwoTemperature",
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
    "sbic",
    "sbic_binomial_mixture",
    "sbic_factor_analysis",
    "sbic_gaussian_mixture",
    "sbic_reduced_rank",
    "temper",
    "theory",
    "waic",
    "wbic",
]
