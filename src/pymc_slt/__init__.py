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
    SGLD,
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

#: The BLAS routines (single and double precision) PyTensor's C code may call, renamed to the
#: ``scipy_``-prefixed symbols that the scipy-openblas32 wheel exports.
_BLAS_ROUTINES = (
    "rotg rotmg rot rotm swap scal copy axpy dot nrm2 asum "  # level 1
    "gemv gbmv symv sbmv spmv trmv tbmv tpmv trsv tbsv tpsv ger syr spr syr2 spr2 "  # level 2
    "gemm symm syrk syr2k trmm trsm"  # level 3
).split()


def _link_blas() -> None:
    """Point PyTensor's C backend at the OpenBLAS of the ``scipy-openblas32`` wheel (issue 28).

    PyTensor looks for a BLAS (``default_blas_ldflags``) only in the compiler's and the base
    Python's library folders, never in a virtualenv, so a pip install finds none and its C backend
    (``mode="CVM"``, ``"C"``) computes matrix products without one. The default backend, Numba,
    calls SciPy's BLAS and is not affected. Linux only, outside conda (which ships a BLAS
    PyTensor finds), and only when nobody set ``blas__ldflags``: in ``PYTENSOR_FLAGS``, in
    ``.pytensorrc`` or in code before this import. The wheel's symbols carry a ``scipy_`` prefix
    (``scipy_dgemm_``), so the flags rename PyTensor's calls with ``-D`` macros.
    """
    import os
    import shlex
    import sys

    if sys.platform != "linux" or os.path.isdir(os.path.join(sys.prefix, "conda-meta")):
        return
    import pytensor

    config = pytensor.config
    try:
        config.fetch_val_for_key("blas__ldflags")  # PYTENSOR_FLAGS or .pytensorrc
        return
    except KeyError:
        pass
    param = getattr(config, "_config_var_dict", {}).get("blas__ldflags")
    if param is None or hasattr(param, "val"):  # set in code, or already searched for
        return
    try:
        import scipy_openblas32
    except ImportError:
        return
    lib = scipy_openblas32.get_lib_dir()
    renames = [f"-D{p}{r}_=scipy_{p}{r}_" for p in "sd" for r in _BLAS_ROUTINES]
    flags = [f"-L{lib}", f"-l{scipy_openblas32.get_library()}", f"-Wl,-rpath,{lib}", *renames]
    config.blas__ldflags = shlex.join(flags)


_link_blas()

__all__ = [
    "HMCSMC",
    "NUTS",
    "SGLD",
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
