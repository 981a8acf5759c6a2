"""max_log_likelihood against the closed-form least-squares maximum (with a transformed sigma)."""

import numpy as np
import pymc as pm
import pytest
from scipy import stats

from pymc_slt.criteria.bic import max_log_likelihood
from pymc_slt.datasets import load_cars
from pymc_slt.models.transforms import to_unconstrained


def test_matches_ordinary_least_squares_with_unknown_sigma():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 3))
    y = X @ [1.0, -1.0, 0.5] + 0.7 * rng.normal(size=100)
    with pm.Model() as model:
        w = pm.Normal("w", 0, 1, shape=3)
        sigma = pm.HalfNormal("sigma", 1)
        pm.Normal("y", X @ w, sigma, observed=y)
    w_hat = np.linalg.lstsq(X, y, rcond=None)[0]
    sigma_hat = np.sqrt(np.mean((y - X @ w_hat) ** 2))
    expected = stats.norm(X @ w_hat, sigma_hat).logpdf(y).sum()
    result = max_log_likelihood(model, {"w": np.zeros(3), "sigma": np.array(1.0)})
    assert result.converged
    assert result.value == pytest.approx(expected, abs=1e-6)
    np.testing.assert_allclose(result.point["w"], w_hat, atol=1e-4)
    assert np.exp(result.point["sigma_log__"]) == pytest.approx(sigma_hat, rel=1e-4)


def test_to_unconstrained_applies_the_log_transform():
    with pm.Model() as model:
        pm.HalfNormal("sigma", 1)
        pm.Normal("y", 0, model["sigma"], observed=np.array([0.5, -0.2]))
    assert to_unconstrained(model, {"sigma": np.array(2.0)})["sigma_log__"] == pytest.approx(
        np.log(2.0)
    )


def test_cars_straight_line_maximum():
    cars = load_cars()
    x, y = cars["speed"].to_numpy(float), cars["dist"].to_numpy(float)
    with pm.Model() as model:
        w = pm.Normal("w", 0, 100, shape=2)
        # np.float64: PyTensor makes a Python 15.0 a float32 constant (single-precision log sigma)
        pm.Normal("y", w[0] + w[1] * x, np.float64(15.0), observed=y)
    slope, intercept = np.polyfit(x, y, 1)  # -17.579, 3.932 (R: lm(dist ~ speed, cars))
    expected = stats.norm(intercept + slope * x, 15.0).logpdf(y).sum()
    assert max_log_likelihood(model, {"w": np.zeros(2)}).value == pytest.approx(expected, abs=1e-6)
