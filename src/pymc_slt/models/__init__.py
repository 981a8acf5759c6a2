"""Building and transforming PyMC models: tempering, the model zoo and data simulators.

Regular models (one-to-one, λ = d/2): :func:`linear_regression`, :func:`polynomial_regression`,
:func:`logistic_regression`. Singular models (λ < d/2): :func:`reduced_rank_regression`,
:func:`tanh_network`, :func:`deep_linear_network`, :func:`normal_crossing`. Each ``simulate_*``
function draws data from a known true parameter with a seed. :func:`localize` adds the
Gaussian localization around a point w* that the local learning coefficient samples.
Importing it registers :mod:`~pymc_slt.models.stable`, a PyTensor rewrite that keeps a probit
likelihood finite where Φ underflows.
"""

from pymc_slt.models import stable  # noqa: F401 - registers the rewrite with PyTensor
from pymc_slt.models.localization import localize
from pymc_slt.models.neural import deep_linear_network, reduced_rank_regression, tanh_network
from pymc_slt.models.regular import linear_regression, logistic_regression, polynomial_regression
from pymc_slt.models.simulate import (
    SimulatedData,
    reduced_rank_truth,
    simulate_linear,
    simulate_logistic,
    simulate_normal_crossing,
    simulate_polynomial,
    simulate_reduced_rank,
    simulate_tanh_network,
)
from pymc_slt.models.singular import normal_crossing
from pymc_slt.models.tempering import temper

__all__ = [
    "SimulatedData",
    "deep_linear_network",
    "linear_regression",
    "localize",
    "logistic_regression",
    "normal_crossing",
    "polynomial_regression",
    "reduced_rank_regression",
    "reduced_rank_truth",
    "simulate_linear",
    "simulate_logistic",
    "simulate_normal_crossing",
    "simulate_polynomial",
    "simulate_reduced_rank",
    "simulate_tanh_network",
    "tanh_network",
    "temper",
]
