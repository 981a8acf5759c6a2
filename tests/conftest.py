"""Shared fixtures: small conjugate regressions with exact answers."""

from __future__ import annotations

import numpy as np
import pytest

from pymc_slt.exact import ConjugateLinearRegression


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
