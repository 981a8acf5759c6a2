"""SGLD on the localized tempered posterior (pymc_slt.sampling.sgmcmc) against exact answers.

On a conjugate linear regression the target is Gaussian with precision P = βXᵀX + I/s² + γI,
and full-batch SGLD with step ε (θ ← θ + ε ∇log p + √(2ε) ξ, BlackJAX's convention) is a linear
recursion whose stationary law is exactly Gaussian with the target's mean and covariance
(P (I − εP/2))⁻¹:
the tests compare with that, within 4 Monte-Carlo standard errors (from batch means).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import make_conjugate

pytest.importorskip("jax")
pytest.importorskip("blackjax")

from pymc_slt.sampling.minibatch import minibatch_log_density
from pymc_slt.sampling.sgmcmc import run_sgld

BETA, EPS = 0.2, 5e-3


@pytest.fixture(scope="module")
def conjugate():
    c = make_conjugate(n=200, d=2, seed=3)
    return c, minibatch_log_density(c.model())


def _target(c, gamma: float, center: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and stationary covariance of full-batch SGLD (module docstring)."""
    mean, cov = c.posterior(BETA)
    precision = np.linalg.inv(cov) + gamma * np.eye(c.d)
    local_mean = np.linalg.solve(precision, np.linalg.solve(cov, mean) + gamma * center)
    discretized = np.linalg.inv(precision @ (np.eye(c.d) - EPS * precision / 2))
    return local_mean, discretized


def _batch_se(x: np.ndarray, batches: int = 20) -> np.ndarray:
    """Monte-Carlo se of the mean of each column of x (chains, draws, k), by batch means."""
    chains, draws = x.shape[:2]
    means = x[:, : draws - draws % batches].reshape(chains, batches, -1, x.shape[-1]).mean(2)
    return means.reshape(-1, x.shape[-1]).std(0, ddof=1) / np.sqrt(chains * batches)


@pytest.mark.parametrize("gamma", [0.0, 50.0])
def test_full_batch_sgld_has_the_exact_stationary_law(conjugate, gamma):
    c, density = conjugate
    center = np.array([0.3, -0.2])
    run = run_sgld(density, center, beta=BETA, gamma=gamma, step_size=EPS, num_steps=6000,
                   batch_size=c.n, seed=1, chains=4, burn_in=1000)  # fmt: skip
    mean, cov = _target(c, gamma, center)
    x = run.draws
    se = _batch_se(x)
    assert np.all(np.abs(x.mean((0, 1)) - mean) < 4 * se), (x.mean((0, 1)), mean, se)
    centred = x - mean
    second = centred[..., :, None] * centred[..., None, :]
    second = second.reshape(*x.shape[:2], -1)
    se2 = _batch_se(second)
    assert np.all(np.abs(second.mean((0, 1)) - cov.ravel()) < 4 * se2 + 1e-12)


def test_minibatch_sgld_keeps_the_mean(conjugate):
    c, density = conjugate
    run = run_sgld(density, np.zeros(2), beta=BETA, gamma=0.0, step_size=EPS, num_steps=6000,
                   batch_size=20, seed=2, chains=4, burn_in=1000)  # fmt: skip
    mean, _ = _target(c, 0.0, np.zeros(2))
    x = run.draws
    assert np.all(np.abs(x.mean((0, 1)) - mean) < 4 * _batch_se(x))
    # the batch log-likelihood is n/|B| times a batch sum: near the full one on average
    full = np.array([float(density.loglik(t, np.arange(c.n))) for t in x[0, ::500]])
    assert abs(run.batch_loglik[0, ::500].mean() - full.mean()) < 0.2 * abs(full.mean())


def test_same_seed_same_draws(conjugate):
    _, density = conjugate
    kwargs = {"beta": BETA, "gamma": 1.0, "step_size": EPS, "num_steps": 200, "batch_size": 20,
              "chains": 2, "thin": 10}  # fmt: skip
    a = run_sgld(density, np.zeros(2), seed=7, **kwargs)
    b = run_sgld(density, np.zeros(2), seed=7, **kwargs)
    other = run_sgld(density, np.zeros(2), seed=8, **kwargs)
    np.testing.assert_array_equal(a.draws, b.draws)
    assert a.draws.shape == (2, 20, 2) and a.batch_loglik.shape == (2, 20)
    assert not np.array_equal(a.draws, other.draws)


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"beta": 0.0}, ValueError, "beta must be finite and > 0"),
        ({"gamma": -1.0}, ValueError, "gamma must be a finite number >= 0"),
        ({"gamma": float("inf")}, ValueError, "gamma must be a finite number >= 0"),
        ({"step_size": float("nan")}, ValueError, "step_size must be finite and > 0"),
        ({"batch_size": 1000}, ValueError, "batch_size must be at most n = 200"),
        ({"burn_in": 200}, ValueError, r"burn_in \(200\) must be less than num_steps \(200\)"),
        ({"chains": 0}, ValueError, "chains must be >= 1"),
        ({"thin": 1.5}, TypeError, "thin must be an integer >= 1"),
    ],
)
def test_bad_settings_are_refused(conjugate, change, error, match):
    _, density = conjugate
    kwargs = {"beta": BETA, "gamma": 0.0, "step_size": EPS, "num_steps": 200, "batch_size": 20,
              "seed": 0, "chains": 1} | change  # fmt: skip
    with pytest.raises(error, match=match):
        run_sgld(density, np.zeros(2), **kwargs)


def test_center_of_the_wrong_shape_is_refused(conjugate):
    _, density = conjugate
    with pytest.raises(ValueError, match="center must be a finite vector of length d = 2"):
        run_sgld(density, np.zeros(3), beta=BETA, gamma=0.0, step_size=EPS, num_steps=10,
                 batch_size=5, seed=0, chains=1)  # fmt: skip
