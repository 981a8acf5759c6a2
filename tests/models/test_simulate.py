"""Tests for the seeded simulators of pymc_slt.models.simulate."""

from __future__ import annotations

import numpy as np
import pytest

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

B1, A1 = reduced_rank_truth(3, 2, 1, random_seed=5)

SIMULATORS = {
    "linear": lambda seed: simulate_linear(40, [1.0, -2.0], random_seed=seed),
    "polynomial": lambda seed: simulate_polynomial(40, [0.5, 0.0, 1.0], random_seed=seed),
    "logistic": lambda seed: simulate_logistic(40, [1.0, -1.0], random_seed=seed),
    "reduced_rank": lambda seed: simulate_reduced_rank(40, B1, A1, random_seed=seed),
    "tanh_zero": lambda seed: simulate_tanh_network(40, 2, random_seed=seed),
    "tanh": lambda seed: simulate_tanh_network(
        40, a=[[1.0], [-2.0]], b=[0.5, 1.0], random_seed=seed
    ),
    "normal_crossing": lambda seed: simulate_normal_crossing(40, (1, 2), random_seed=seed),
}


@pytest.mark.parametrize("kind", list(SIMULATORS))
def test_same_seed_same_data(kind):
    make = SIMULATORS[kind]
    d1, d2, d3 = make(123), make(123), make(124)
    assert isinstance(d1, SimulatedData)
    np.testing.assert_array_equal(d1.x, d2.x)
    np.testing.assert_array_equal(d1.y, d2.y)
    assert not np.array_equal(d1.x, d3.x)
    for key in d1.truth:
        np.testing.assert_array_equal(d1.truth[key], d2.truth[key])
    # a Generator seed works, and the arrays are frozen
    d4 = make(np.random.default_rng(0))
    assert d4.n == 40
    with pytest.raises(ValueError, match="read-only"):
        d1.x[0] = 1.0
    assert "SimulatedData(n=40" in repr(d1)


def test_shapes_and_truth():
    d = simulate_linear(30, [1.0, 0.0, -2.0], random_seed=0)
    assert d.x.shape == (30, 3) and d.y.shape == (30,)
    np.testing.assert_array_equal(d.truth["w"], [1.0, 0.0, -2.0])
    assert d.noise_sd == 1.0

    d = simulate_polynomial(30, [1.0, 2.0], x_range=(2.0, 3.0), random_seed=0)
    assert d.x.shape == (30,) and np.all((d.x >= 2.0) & (d.x <= 3.0))

    d = simulate_logistic(30, [1.0], random_seed=0)
    assert d.y.dtype.kind == "i" and set(np.unique(d.y)) <= {0, 1}
    assert d.noise_sd is None

    d = simulate_reduced_rank(30, B1, A1, noise_sd=0.5, random_seed=0)
    assert d.x.shape == (30, 3) and d.y.shape == (30, 2)
    assert set(d.truth) == {"A", "B"} and d.noise_sd == 0.5

    d = simulate_tanh_network(30, 3, random_seed=0)
    assert d.x.shape == (30, 3) and d.truth["a"].shape == (0, 3) and d.truth["b"].shape == (0,)

    d = simulate_normal_crossing(30, [1, 1, 3], random_seed=0)
    np.testing.assert_array_equal(d.truth["w"], np.zeros(3))


def _residual_sd_close(resid, sd, n):
    # sample sd of n Gaussian draws has relative se ≈ 1/sqrt(2n); allow 5 se
    assert abs(np.std(resid) / sd - 1.0) < 5.0 / np.sqrt(2 * n)


def test_simulators_use_the_stated_regression_function():
    n = 2000
    d = simulate_linear(n, [1.0, -2.0], noise_sd=0.3, random_seed=1)
    _residual_sd_close(d.y - d.x @ np.array([1.0, -2.0]), 0.3, n)

    d = simulate_polynomial(n, [0.5, -1.0, 2.0], noise_sd=0.3, random_seed=1)
    _residual_sd_close(d.y - (0.5 - d.x + 2.0 * d.x**2), 0.3, n)

    d = simulate_reduced_rank(n, B1, A1, noise_sd=0.3, random_seed=1)
    _residual_sd_close((d.y - d.x @ (B1 @ A1).T).ravel(), 0.3, 2 * n)

    a, b = np.array([[1.0], [-2.0]]), np.array([0.5, 1.0])
    d = simulate_tanh_network(n, a=a, b=b, noise_sd=0.3, random_seed=1)
    _residual_sd_close(d.y - np.tanh(d.x @ a.T) @ b, 0.3, n)

    d = simulate_normal_crossing(n, (1, 2), w=[2.0, 0.5], noise_sd=0.3, random_seed=1)
    _residual_sd_close(d.y - 0.5 * d.x, 0.3, n)

    d = simulate_logistic(n, [3.0], random_seed=1)
    # labels agree with the sign of x far more often than chance
    assert np.mean(d.y == (d.x[:, 0] > 0)) > 0.7


def test_reduced_rank_truth():
    B, A = reduced_rank_truth(4, 4, 2, singular_values=[1.0, 0.15], random_seed=0)
    assert B.shape == (4, 2) and A.shape == (2, 4)
    np.testing.assert_allclose(
        np.linalg.svd(B @ A, compute_uv=False), [1.0, 0.15, 0, 0], atol=1e-12
    )
    B2, A2 = reduced_rank_truth(4, 4, 2, singular_values=[1.0, 0.15], random_seed=0)
    np.testing.assert_array_equal(B, B2)
    np.testing.assert_array_equal(A, A2)
    B0, A0 = reduced_rank_truth(3, 2, 0)
    assert B0.shape == (2, 0) and A0.shape == (0, 3)
    d = simulate_reduced_rank(10, B0, A0, random_seed=0)
    assert d.y.shape == (10, 2)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: simulate_linear(0, [1.0]), ValueError, "n must be >= 1"),
        (lambda: simulate_linear(1.5, [1.0]), TypeError, "n must be an integer"),
        (lambda: simulate_linear(10, [1.0, np.nan]), ValueError, "coefs holds 1 NaN"),
        (lambda: simulate_linear(10, [[1.0]]), ValueError, "coefs must be 1-D"),
        (lambda: simulate_linear(10, "ab"), TypeError, "coefs must be an array"),
        (lambda: simulate_linear(10, [1.0], noise_sd=0.0), ValueError, "noise_sd must be finite"),
        (lambda: simulate_linear(10, [1.0], random_seed="x"), TypeError, "random_seed"),
        (lambda: simulate_polynomial(10, [1.0], x_range=(1, 0)), ValueError, "x_range"),
        (lambda: simulate_logistic(10, [np.inf]), ValueError, "coefs holds"),
        (lambda: reduced_rank_truth(3, 2, 3), ValueError, r"r must be <= min\(M, N\)"),
        (lambda: reduced_rank_truth(3, 2, 1, [1.0, 2.0]), ValueError, "singular_values must have"),
        (lambda: reduced_rank_truth(3, 2, 1, [-1.0]), ValueError, "singular_values must all"),
        (lambda: reduced_rank_truth(0, 2, 0), ValueError, "M must be >= 1"),
        (lambda: simulate_reduced_rank(10, B1, A1.T), ValueError, "must share r"),
        (lambda: simulate_reduced_rank(10, B1[:, 0], A1), ValueError, "must be 2-D"),
        (lambda: simulate_tanh_network(10, a=[[1.0]]), ValueError, "a and b must be given"),
        (lambda: simulate_tanh_network(10, a=[[1.0]], b=[1, 2]), ValueError, "hidden units"),
        (lambda: simulate_tanh_network(10, 2, a=[[1.0]], b=[1]), ValueError, r"a must have shape"),
        (lambda: simulate_normal_crossing(10, (1, 0)), ValueError, "powers must hold positive"),
        (lambda: simulate_normal_crossing(10, (1, 1.5)), TypeError, "powers must hold positive"),
        (lambda: simulate_normal_crossing(10, ()), ValueError, "powers is empty"),
        (lambda: simulate_normal_crossing(10, 2), TypeError, "powers must be a non-empty"),
        (lambda: simulate_normal_crossing(10, (1, 1), w=[1.0]), ValueError, "w must have one"),
    ],
)
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()
