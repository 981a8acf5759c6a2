"""Models of real data sets with a log Z known without pymc-slt, for the default path's checks.

* ``turtles_probit`` — Sinharay & Stern's (2005) H0 on the turtles data shipped as
  :func:`pymc_slt.datasets.load_turtles` (n = 244): survival ~ Bernoulli(Φ(α₀ + α₁·weight)),
  α ~ N(0, 10) (variance 10, as in ``bridgesampling``'s turtles example). log Z by a trapezoid
  rule on a whitened 401² grid with the log-CDF ``scipy.special.log_ndtr``
  (:func:`turtles_probit_log_z`; the 201² grid agrees to 1e-9).
* ``turtles_glmm`` — their H1: a random intercept b_c = σ·z_c per clutch (31), z_c ~ N(0, 1),
  and p(σ²) = 1/(1 + σ²)², written as σ²/(1 + σ²) ~ Uniform(0, 1), which has that density; d = 34.
  Reference: the exact H0 minus log BF₀₁, BF₀₁ = 1.273 (Sinharay & Stern 2005, the value
  ``bridgesampling`` reproduces), i.e. −156.720 (BF rounded to 3 decimals: ±0.0004 nat).
* ``ier_factor`` — Lopes & West's (2004) one-factor model of the exchange-rate changes shipped
  as :func:`pymc_slt.datasets.load_ier` (T = 143 months × 6 currencies): y_t ~ N₆(0, ββᵀ + Σ),
  β₁ ~ N⁺(0, 1), β₂…β₆ ~ N(0, 1), σ²_i ~ InvGamma(1.1, 0.05); d = 12. Its posterior has
  separated modes of different mass (a European factor of either sign, the negative one with
  β₁ ≈ 0; a North-American factor), between which NUTS chains do not move. Reference: warp-III
  bridge sampling on 4 × 10 000 Stan draws, −1014.271 (Gronau et al. 2020, Table 2; 10
  repetitions within ±0.002; Lopes & West report −1014.5).
* ``cars_nig`` — R's ``cars`` (n = 50): stopping distance on 1, z, z² (z the standardized speed),
  normal-inverse-gamma prior β ~ N(0, 10 σ²), σ² ~ InvGamma(2, 450); exact log Z of the
  multivariate t marginal.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pymc as pm
import pytensor.tensor as pt
from scipy import optimize, special, stats

from pymc_slt.datasets import load_cars, load_ier, load_turtles

__all__ = [
    "REAL_DATA",
    "cars_nig",
    "ier_factor",
    "reference_log_z",
    "turtles_glmm",
    "turtles_probit",
]

_PRIOR_SD = np.sqrt(10.0)
#: Sinharay & Stern's (2005) Bayes factor of H0 (no random intercept) against H1.
TURTLES_BF01 = 1.273


def _turtles() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    data = load_turtles()
    return (
        data["birthweight"].to_numpy(float),
        data["survived"].to_numpy(int),
        data["clutch"].to_numpy(int) - 1,
    )


def turtles_probit() -> pm.Model:
    x, y, _ = _turtles()
    with pm.Model() as model:
        alpha0 = pm.Normal("alpha0", 0.0, _PRIOR_SD)
        alpha1 = pm.Normal("alpha1", 0.0, _PRIOR_SD)
        pm.Bernoulli("y", p=pm.math.invprobit(alpha0 + alpha1 * x), observed=y)
    return model


def turtles_glmm() -> pm.Model:
    x, y, clutch = _turtles()
    with pm.Model(coords={"clutch": np.arange(31)}) as model:
        alpha0 = pm.Normal("alpha0", 0.0, _PRIOR_SD)
        alpha1 = pm.Normal("alpha1", 0.0, _PRIOR_SD)
        share = pm.Uniform("share", 0.0, 1.0)  # σ² = share / (1 − share): p(σ²) = 1/(1 + σ²)²
        sigma = pm.Deterministic("sigma", pt.sqrt(share / (1.0 - share)))
        z = pm.Normal("z", 0.0, 1.0, dims="clutch")
        eta = alpha0 + alpha1 * x + sigma * z[clutch]
        pm.Bernoulli("y", p=pm.math.invprobit(eta), observed=y)
    return model


@cache
def turtles_probit_log_z(k: int = 401) -> float:
    """log Z of :func:`turtles_probit` by the trapezoid rule on a k × k whitened grid (±6 sd)."""
    x, y, _ = _turtles()

    def log_post(a0: np.ndarray, a1: np.ndarray) -> np.ndarray:
        eta = a0[..., None] + a1[..., None] * x
        loglik = np.sum(np.where(y == 1, special.log_ndtr(eta), special.log_ndtr(-eta)), -1)
        return loglik + stats.norm.logpdf(a0, 0, _PRIOR_SD) + stats.norm.logpdf(a1, 0, _PRIOR_SD)

    fit = optimize.minimize(lambda v: -log_post(v[0], v[1]), np.zeros(2), method="BFGS")
    chol = np.linalg.cholesky(fit.hess_inv)
    u = np.linspace(-6.0, 6.0, k)
    grid = np.stack(np.meshgrid(u, u, indexing="ij"))
    w = fit.x[:, None, None] + np.einsum("ij,jkl->ikl", chol, grid)
    log_cell = 2 * np.log(u[1] - u[0]) + np.log(np.linalg.det(chol))
    return float(special.logsumexp(log_post(w[0], w[1])) + log_cell)


def _cars_design() -> tuple[np.ndarray, np.ndarray]:
    cars = load_cars()
    speed = cars["speed"].to_numpy(float)
    z = (speed - speed.mean()) / speed.std(ddof=1)
    return np.column_stack([np.ones_like(z), z, z**2]), cars["dist"].to_numpy(float)


_NIG = {"v0": 10.0, "a0": 2.0, "b0": 450.0}


def cars_nig() -> pm.Model:
    X, y = _cars_design()
    v0, a0, b0 = _NIG.values()
    with pm.Model() as model:
        sigma2 = pm.InverseGamma("sigma2", alpha=a0, beta=b0)
        beta = pm.Normal("beta", 0.0, pt.sqrt(v0 * sigma2), shape=X.shape[1])
        pm.Normal("y", pt.dot(X, beta), pt.sqrt(sigma2), observed=y)
    return model


def cars_nig_log_z() -> float:
    """Exact log Z of :func:`cars_nig`: y ~ t_{2a₀}(0, (b₀/a₀)(I + v₀XXᵀ))."""
    X, y = _cars_design()
    v0, a0, b0 = _NIG.values()
    scale = (b0 / a0) * (np.eye(y.size) + v0 * X @ X.T)
    return float(stats.multivariate_t(np.zeros(y.size), scale, df=2 * a0).logpdf(y))


def ier_factor() -> pm.Model:
    y = load_ier().to_numpy(float)
    with pm.Model() as model:
        diagonal = pm.HalfNormal("beta_diag", 1.0)
        lower = pm.Normal("beta_lower", 0.0, 1.0, shape=y.shape[1] - 1)
        sigma2 = pm.InverseGamma("sigma2", alpha=1.1, beta=0.05, shape=y.shape[1])
        beta = pt.concatenate([diagonal[None], lower])
        cov = pt.outer(beta, beta) + pt.diag(sigma2)
        pm.MvNormal("y", mu=np.zeros(y.shape[1]), cov=cov, observed=y)
    return model


#: Gronau, Singmann & Wagenmakers (2020), J. Stat. Softw. 92(10), Table 2: one factor.
IER_FACTOR_LOG_Z = -1014.271

#: name → (model builder, reference log Z).
REAL_DATA: dict[str, tuple[Callable[[], pm.Model], Callable[[], float]]] = {
    "turtles_probit": (turtles_probit, turtles_probit_log_z),
    "turtles_glmm": (turtles_glmm, lambda: turtles_probit_log_z() - float(np.log(TURTLES_BF01))),
    "cars_nig": (cars_nig, cars_nig_log_z),
    "ier_factor": (ier_factor, lambda: IER_FACTOR_LOG_Z),
}


def reference_log_z(name: str) -> float | None:
    """The log Z known without pymc-slt for a real-data model (above) or a gallery model
    (``references.json``: quadrature or importance sampling), None if there is none."""
    if name in REAL_DATA:
        return REAL_DATA[name][1]()
    gallery = json.loads((Path(__file__).parent / "references.json").read_text())
    return gallery[name]["log_z"] if name in gallery else None
