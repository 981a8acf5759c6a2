"""The full-data loss in JAX (pymc_slt.sampling.landscape) against exact answers.

On a conjugate linear regression with unit noise, n L_n(w) = ½‖y − Xw‖² + (n/2) log 2π: its
minimum is the least-squares fit, its Hessian is XᵀX, its gradient X ᵀ(Xw − y).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import make_conjugate

pytest.importorskip("jax")

from pymc_slt.sampling.landscape import (
    Curvature,
    energy_function,
    find_minimum,
    gradient_norm,
)
from pymc_slt.sampling.minibatch import minibatch_log_density


@pytest.fixture(scope="module")
def regression():
    c = make_conjugate(n=300, d=3, seed=5)
    return c, minibatch_log_density(c.model())


def _energy(c, w):
    return 0.5 * np.sum((c.y - c.X @ w) ** 2) + 0.5 * c.n * np.log(2 * np.pi)


def test_energies_in_chunks_equal_the_formula(regression, monkeypatch):
    c, density = regression
    thetas = np.random.default_rng(0).normal(size=(7, c.d))
    monkeypatch.setattr("pymc_slt.sampling.landscape.ROWS_PER_CHUNK", 2 * c.n)  # 2 θ a chunk
    got = energy_function(density)(thetas)  # 7 θ: three full chunks and a padded one
    np.testing.assert_allclose(got, [_energy(c, w) for w in thetas], rtol=1e-12)


def test_find_minimum_reaches_least_squares(regression):
    c, density = regression
    found = find_minimum(density, steps=2000, batch_size=64, seed=1)
    lstsq = np.linalg.lstsq(c.X, c.y, rcond=None)[0]
    np.testing.assert_allclose(found.theta, lstsq, atol=1e-5)
    assert found.energy == pytest.approx(_energy(c, lstsq), rel=1e-10)
    assert found.steps == 2000 + 500


def test_curvature_and_gradient_are_exact(regression):
    c, density = regression
    beta, w = 0.3, np.array([0.2, -0.1, 0.4])
    top = Curvature(density, beta).top
    hessian = beta * c.X.T @ c.X
    assert top(w, iterations=200) == pytest.approx(np.linalg.eigvalsh(hessian)[-1], rel=1e-8)
    g = np.array([2.0, 0.5, 1.0])
    scaled = np.sqrt(g)[:, None] * hessian * np.sqrt(g)[None]
    assert top(w, preconditioner=g, iterations=200) == pytest.approx(
        np.linalg.eigvalsh(scaled)[-1], rel=1e-8
    )
    exact = np.linalg.norm(beta * c.X.T @ (c.X @ w - c.y))
    assert gradient_norm(density, w, beta) == pytest.approx(exact, rel=1e-10)


def test_hutchinson_trace_is_unbiased(regression):
    """The mean of z^T A z over Rademacher z against the exact trace of A = √g H √g, within
    4 Monte-Carlo errors (the variance of one product is 2 Σ_{i≠j} A_ij²)."""
    c, density = regression
    beta, w, g = 0.3, np.array([0.2, -0.1, 0.4]), np.array([2.0, 0.5, 1.0])
    scaled = np.sqrt(g)[:, None] * (beta * c.X.T @ c.X) * np.sqrt(g)[None]
    probes = 2000
    error = np.sqrt(2 * (np.sum(scaled**2) - np.sum(np.diag(scaled) ** 2)) / probes)
    estimate = Curvature(density, beta).trace(w, preconditioner=g, probes=probes, seed=3)
    assert abs(estimate - np.trace(scaled)) < 4 * error, (estimate, np.trace(scaled), error)
