"""Noisy gradient descent (unadjusted Langevin) samples the tempered posterior, up to O(η)."""

from __future__ import annotations

import arviz_stats as azs
import numpy as np
import pymc as pm
import pytest
from scipy import stats

import pymc_slt as slt
from pymc_slt.models import normal_crossing, simulate_normal_crossing
from pymc_slt.sampling.langevin import Langevin, noisy_gradient_descent
from tests.conftest import make_conjugate

#: Two-sided KS critical constant at α = 0.001: D_crit = c·√((m + n)/(m n)).
KS_C = 1.949


def _ks_agrees(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """KS statistic of two (chain, draw) samples and its critical value from their ESS."""
    ess_x = float(azs.ess(x, method="bulk"))
    ess_y = float(azs.ess(y, method="bulk"))
    d = stats.ks_2samp(x.ravel(), y.ravel()).statistic
    return float(d), KS_C * np.sqrt((ess_x + ess_y) / (ess_x * ess_y))


def test_conjugate_regression_matches_exact_gaussian():
    exact = make_conjugate(n=50, d=2, seed=0)
    beta, eta = 0.5, 2e-3
    dt = noisy_gradient_descent(
        exact.model(),
        beta,
        sampler=Langevin(step_size=eta, n_steps=100_000, thin=10, burn_in=2_000, chains=2),
        random_seed=3,
    )
    w = dt["posterior"]["w"].transpose("chain", "draw", "w_dim_0").values
    mean, cov = exact.posterior(beta)
    precision = np.linalg.inv(cov)
    # the exact stationary law of the discretised iteration: N(mean, [P (I − ηP/2)]^{-1})
    cov_ula = np.linalg.inv(precision @ (np.eye(2) - eta * precision / 2))
    for j in range(2):
        ess = float(azs.ess(w[..., j], method="bulk"))
        se_mean = np.sqrt(cov[j, j] / ess)
        se_var = cov[j, j] * np.sqrt(2 / ess)
        var = w[..., j].var()
        assert abs(w[..., j].mean() - mean[j]) < 4 * se_mean
        assert abs(var - cov_ula[j, j]) < 4 * se_var
        # against the exact posterior: the O(η) bias ηλ_max/2 plus Monte-Carlo error
        bias = eta * np.linalg.eigvalsh(precision).max() / 2
        assert abs(var / cov[j, j] - 1) < bias + 4 * se_var / cov[j, j]


def test_singular_product_matches_nuts():
    """y = a·b·x at the singular truth 0: the cross-shaped posterior, Langevin vs NUTS."""
    data = simulate_normal_crossing(20, (1, 1), random_seed=3)
    model = normal_crossing(data.x, data.y, (1, 1))
    lang = noisy_gradient_descent(
        model,
        sampler=Langevin(step_size=2e-3, n_steps=300_000, thin=50, burn_in=5_000, chains=2),
        random_seed=1,
    )
    nuts = slt.sample_tempered(
        model,
        sampler=slt.NUTS(draws=1000, tune=1000, chains=4, target_accept=0.95),
        random_seed=1,
        progressbar=False,
    )
    wl = lang["posterior"]["w"].values
    wn = nuts["posterior"]["w"].values
    for f in (lambda w: np.abs(w[..., 0] * w[..., 1]), lambda w: np.abs(w[..., 0])):
        d, crit = _ks_agrees(f(wl), f(wn))
        assert d < crit


def test_output_like_a_sampler_and_reproducible():
    rng = np.random.default_rng(0)
    with pm.Model() as model:
        s = pm.HalfNormal("s", 1.0)
        mu = pm.Normal("mu", 0.0, 1.0)
        pm.Deterministic("s2", s**2)
        pm.Normal("y", mu, s, observed=rng.normal(size=30))
    kwargs = {"sampler": Langevin(step_size=1e-3, n_steps=2_000, thin=20), "init": {"s": 0.8}}
    dt = noisy_gradient_descent(model, 0.7, random_seed=5, **kwargs)
    again = noisy_gradient_descent(model, 0.7, random_seed=5, **kwargs)
    post = dt["posterior"]
    assert set(dt.children) >= {"posterior", "log_likelihood", "observed_data"}
    assert post["s"].shape == (1, 100)
    assert np.all(post["s"].values > 0)
    np.testing.assert_allclose(post["s2"], post["s"] ** 2)
    np.testing.assert_array_equal(post["mu"], again["posterior"]["mu"])
    assert dt.attrs["beta"] == 0.7 and dt.attrs["n"] == 30 and dt.attrs["sampler"] == "langevin"
    assert slt.energy(dt).shape == (1, 100)


@pytest.fixture(scope="module")
def small_model():
    with pm.Model() as model:
        w = pm.Normal("w", 0.0, 1.0)
        pm.Normal("y", w, 1.0, observed=np.array([0.1, -0.3, 0.2]))
    return model


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"step_size": 0.0}, ValueError, "step_size"),
        ({"step_size": np.inf}, ValueError, "step_size"),
        ({"step_size": "0.1"}, TypeError, "step_size"),
        ({"n_steps": 0}, ValueError, "n_steps"),
        ({"n_steps": 5, "thin": 10}, ValueError, "n_steps"),
        ({"thin": 0}, ValueError, "thin"),
        ({"burn_in": -1}, ValueError, "burn_in"),
        ({"chains": 0}, ValueError, "chains"),
        ({"init": {"v": 1.0}}, ValueError, "init"),
        ({"init": [1.0]}, TypeError, "init"),
        ({"beta": -1.0}, ValueError, "beta"),
    ],
)
def test_bad_input(small_model, kwargs, error, match):
    """Bad settings are refused when the Langevin value is built, the rest by the function."""
    args = {"step_size": 0.01, "n_steps": 100, **kwargs}
    beta = args.pop("beta", 1.0)
    init = args.pop("init", None)
    with pytest.raises(error, match=match):
        noisy_gradient_descent(small_model, beta, sampler=Langevin(**args), init=init)
    with pytest.raises(TypeError, match=r"slt\.Langevin"):
        noisy_gradient_descent(small_model, sampler=slt.NUTS())


def test_discrete_parameters_and_divergence(small_model):
    with pm.Model() as discrete:
        k = pm.Poisson("k", 3.0)
        pm.Normal("y", k, 1.0, observed=np.zeros(3))
    with pytest.raises(ValueError, match="continuous"):
        noisy_gradient_descent(discrete, sampler=Langevin(step_size=0.01, n_steps=10))
    with pytest.raises(FloatingPointError, match="step_size"):
        big = Langevin(step_size=10.0, n_steps=1_000)
        noisy_gradient_descent(small_model, 1e3, sampler=big, init={"w": 5.0})
