"""Shared fixtures: small conjugate regressions with exact answers; JAX's compilation cache."""

from __future__ import annotations

import importlib.util
import tempfile

import numpy as np
import pymc as pm
import pytest
from scipy import integrate
from scipy.stats import norm

from pymc_slt.exact import ConjugateLinearRegression


def pytest_configure(config):
    """JAX's persistent compilation cache, in a fresh folder per test process: the SGLD and
    HMC-SMC tests compile the same small programs many times (each call jits its own closures),
    and a hit skips XLA's compilation (about 0.5 s each, most of a small SGLD test's time)."""
    if importlib.util.find_spec("jax") is None:
        return
    import jax

    jax.config.update("jax_compilation_cache_dir", tempfile.mkdtemp(prefix="pymc-slt-jax-"))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)


def make_conjugate(n: int = 50, d: int = 2, *, seed: int = 0, prior_sd: float = 1.0):
    """A conjugate linear regression with exact answers (X ~ N(0, 1), unit noise)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    w_true = rng.normal(size=d)
    y = X @ w_true + rng.normal(size=n)
    return ConjugateLinearRegression(X, y, noise_sd=1.0, prior_sd=prior_sd)


@pytest.fixture
def conjugate() -> ConjugateLinearRegression:
    """n = 50, d = 2 conjugate linear regression."""
    return make_conjugate()


def product_model() -> tuple[pm.Model, float]:
    """y = a·b·x + N(0, 1), a, b ~ N(0, 1), n = 60: two modes (a, b) and (−a, −b) that NUTS
    chains do not cross, and its exact log Z.

    b is integrated in closed form: with c = ab, the likelihood is K·exp(−S (c − ĉ)²/2) and
    E_b[exp(−S (ab − ĉ)²/2)] = (1 + S a²)^(−1/2) exp(−S ĉ² / (2 (1 + S a²))); a by quadrature.
    """
    rng = np.random.default_rng(1)
    x = rng.normal(size=60)
    y = 1.2 * x + rng.normal(size=60)
    with pm.Model() as model:
        a = pm.Normal("a", 0.0, 1.0)
        b = pm.Normal("b", 0.0, 1.0)
        pm.Normal("y", a * b * x, 1.0, observed=y)
    sxx, sxy, syy = x @ x, x @ y, y @ y
    c_hat = sxy / sxx
    log_k = -0.5 * x.size * np.log(2 * np.pi) - 0.5 * (syy - sxy**2 / sxx)

    def integrand(a_):
        s = 1 + sxx * a_**2
        return norm.pdf(a_) * np.exp(-0.5 * sxx * c_hat**2 / s) / np.sqrt(s)

    value, _ = integrate.quad(integrand, -np.inf, np.inf, epsabs=0, epsrel=1e-12, limit=200)
    return model, float(log_k + np.log(value))
