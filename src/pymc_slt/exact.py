"""Exact answers for conjugate linear regression: the reference every estimator is tested against.

Model: :math:`y = X w + ε`, :math:`ε \\sim N(0, σ^2 I_n)` with σ known, prior
:math:`w \\sim N(0, τ^2 I_d)`. Then, for any inverse temperature β > 0,

* the tempered posterior is Gaussian, :math:`N(m_β, S_β)` with
  :math:`S_β = (β X^T X / σ^2 + I/τ^2)^{-1}` and :math:`m_β = S_β β X^T y / σ^2`;
* :math:`\\log Z_n(β) = -\\tfrac{nβ}{2}\\log(2πσ^2) + \\tfrac{n}{2}\\log(2πσ^2/β)
  + \\log N(y; 0, (σ^2/β) I + τ^2 X X^T)`; at β = 1 this is the familiar
  :math:`\\log N(y; 0, σ^2 I + τ^2 X X^T)`;
* :math:`E_β[n L_n(w)] = \\tfrac{n}{2}\\log(2πσ^2) + (\\lVert y - X m_β \\rVert^2 +
  \\operatorname{tr}(X^T X S_β)) / (2σ^2)` and, since :math:`n L_n` is a quadratic form in a
  Gaussian, :math:`\\operatorname{Var}_β[n L_n] = (4 r^T X S_β X^T r + 2 \\operatorname{tr}((S_β X^T
  X)^2)) / (4σ^4)` with :math:`r = y - X m_β`.

These give exact tempered posteriors, log Z, free energy, thermodynamic-integration integrands and
WBIC (β* = 1/log n), so tests compare against them within Monte-Carlo error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pymc as pm
from scipy import stats

__all__ = ["ConjugateLinearRegression"]


@dataclass(frozen=True)
class ConjugateLinearRegression:
    """Linear regression with known noise and a Gaussian prior, solved exactly.

    Parameters
    ----------
    X : ndarray, shape (n, d)
        Design matrix.
    y : ndarray, shape (n,)
        Responses.
    noise_sd : float
        Known noise standard deviation σ.
    prior_sd : float
        Prior standard deviation τ of each coefficient.

    Examples
    --------
    >>> import numpy as np
    >>> from pymc_slt.exact import ConjugateLinearRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(20, 2)); y = X @ [1.0, -1.0] + rng.normal(size=20)
    >>> exact = ConjugateLinearRegression(X, y, noise_sd=1.0, prior_sd=1.0)
    >>> bool(np.isclose(exact.free_energy(), -exact.log_evidence()))
    True
    """

    X: np.ndarray
    y: np.ndarray
    noise_sd: float = 1.0
    prior_sd: float = 1.0

    def __post_init__(self) -> None:
        X = np.asarray(self.X, dtype=float)
        y = np.asarray(self.y, dtype=float)
        if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0]:
            raise ValueError(f"X must be (n, d) and y (n,), got X {X.shape} and y {y.shape}.")
        if not (self.noise_sd > 0 and self.prior_sd > 0):
            raise ValueError("noise_sd and prior_sd must be > 0.")
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)

    @property
    def n(self) -> int:
        """Number of observations."""
        return self.X.shape[0]

    @property
    def d(self) -> int:
        """Number of coefficients."""
        return self.X.shape[1]

    def model(self) -> pm.Model:
        """The same model written in plain PyMC (coefficients ``w``, observed ``y``)."""
        with pm.Model() as model:
            w = pm.Normal("w", 0.0, self.prior_sd, shape=self.d)
            pm.Normal("y", self.X @ w, self.noise_sd, observed=self.y)
        return model

    def posterior(self, beta: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
        """Mean and covariance of the tempered posterior at ``beta``."""
        s2 = self.noise_sd**2
        precision = beta * self.X.T @ self.X / s2 + np.eye(self.d) / self.prior_sd**2
        cov = np.linalg.inv(precision)
        mean = cov @ (beta * self.X.T @ self.y / s2)
        return mean, cov

    def energy(self, w: np.ndarray) -> np.ndarray:
        """:math:`n L_n(w)` for one coefficient vector or a stack of them (last axis d)."""
        resid = self.y - np.asarray(w) @ self.X.T
        s2 = self.noise_sd**2
        return 0.5 * self.n * np.log(2 * np.pi * s2) + 0.5 * np.sum(resid**2, axis=-1) / s2

    def log_evidence(self, beta: float = 1.0) -> float:
        """:math:`\\log Z_n(β) = \\log \\int φ(w) \\exp(-β n L_n(w)) dw`."""
        s2 = self.noise_sd**2
        cov = (s2 / beta) * np.eye(self.n) + self.prior_sd**2 * self.X @ self.X.T
        log_gauss = stats.multivariate_normal(np.zeros(self.n), cov).logpdf(self.y)
        n = self.n
        return float(
            -0.5 * n * beta * np.log(2 * np.pi * s2)
            + 0.5 * n * np.log(2 * np.pi * s2 / beta)
            + log_gauss
        )

    def free_energy(self) -> float:
        """:math:`F_n = -\\log Z_n(1)`."""
        return -self.log_evidence(1.0)

    def expected_energy(self, beta: float = 1.0) -> float:
        """:math:`E_β[n L_n(w)]` under the tempered posterior."""
        mean, cov = self.posterior(beta)
        s2 = self.noise_sd**2
        resid = self.y - self.X @ mean
        quad = resid @ resid + np.trace(self.X.T @ self.X @ cov)
        return float(0.5 * self.n * np.log(2 * np.pi * s2) + 0.5 * quad / s2)

    def energy_variance(self, beta: float = 1.0) -> float:
        """:math:`\\operatorname{Var}_β[n L_n(w)]` under the tempered posterior."""
        mean, cov = self.posterior(beta)
        s2 = self.noise_sd**2
        resid = self.y - self.X @ mean
        xr_ = self.X.T @ resid
        m = cov @ self.X.T @ self.X
        return float((4 * xr_ @ cov @ xr_ + 2 * np.trace(m @ m)) / (4 * s2**2))

    def wbic(self) -> float:
        """Exact WBIC, :math:`E_{β^*}[n L_n]` with :math:`β^* = 1/\\log n` (Watanabe 2013)."""
        return self.expected_energy(1.0 / np.log(self.n))
