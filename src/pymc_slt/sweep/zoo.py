"""The model builders and data simulators a sweep task may name, by name."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pymc_slt import models as zoo

__all__ = ["BUILDERS", "DEFAULT_SIMULATOR", "SIMULATORS"]


def _simulate_reduced_rank(
    n: int,
    M: int,
    N: int,
    r: int,
    *,
    singular_values: Sequence[float] | None = None,
    truth_seed: int = 0,
    noise_sd: float = 1.0,
    random_seed: Any = None,
) -> zoo.SimulatedData:
    """Reduced-rank data from a random rank-``r`` truth (seeded by ``truth_seed``, not the task)."""
    B, A = zoo.reduced_rank_truth(M, N, r, singular_values, random_seed=truth_seed)
    return zoo.simulate_reduced_rank(n, B, A, noise_sd=noise_sd, random_seed=random_seed)


#: Model builders a task may name; each is called as ``builder(x, y, **builder_kwargs)``.
BUILDERS: Mapping[str, Callable[..., Any]] = {
    "linear_regression": zoo.linear_regression,
    "polynomial_regression": zoo.polynomial_regression,
    "logistic_regression": zoo.logistic_regression,
    "reduced_rank_regression": zoo.reduced_rank_regression,
    "tanh_network": zoo.tanh_network,
    "deep_linear_network": zoo.deep_linear_network,
    "normal_crossing": zoo.normal_crossing,
}

#: Simulators a task may name; each is called as ``simulator(n, **kwargs, random_seed=...)``.
#: ``"reduced_rank"`` draws its truth with :func:`pymc_slt.models.reduced_rank_truth` from
#: ``M, N, r, singular_values, truth_seed`` (the truth stays fixed across the task seeds).
SIMULATORS: Mapping[str, Callable[..., Any]] = {
    "linear": zoo.simulate_linear,
    "polynomial": zoo.simulate_polynomial,
    "logistic": zoo.simulate_logistic,
    "reduced_rank": _simulate_reduced_rank,
    "tanh_network": zoo.simulate_tanh_network,
    "normal_crossing": zoo.simulate_normal_crossing,
}

#: The simulator used when a task names none: the one whose truth lives in the builder's family.
DEFAULT_SIMULATOR = {
    "linear_regression": "linear",
    "polynomial_regression": "polynomial",
    "logistic_regression": "logistic",
    "reduced_rank_regression": "reduced_rank",
    "tanh_network": "tanh_network",
    "deep_linear_network": "reduced_rank",
    "normal_crossing": "normal_crossing",
}
