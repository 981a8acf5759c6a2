"""Choosing the number of factors by the singular BIC; maximum likelihood by EM."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from pymc_slt._validate import validate_positive_int, validate_random_seed
from pymc_slt.selection.sbic import sbic
from pymc_slt.theory import factor_analysis_lambdas

__all__ = ["FactorAnalysisFit", "fit_factor_analysis", "ledermann_bound", "sbic_factor_analysis"]


class FactorAnalysisFit(NamedTuple):
    """A maximum-likelihood factor analysis ``Σ = Λ Λ^T + diag(ψ)``.

    Attributes
    ----------
    loadings : numpy.ndarray
        ``Λ``, shape ``(p, k)``.
    uniquenesses : numpy.ndarray
        ``ψ``, shape ``(p,)``.
    loglik : float
        Maximum log-likelihood (the mean at the sample mean).
    n_iter : int
        EM iterations of the best start (before the quasi-Newton polish).
    """

    loadings: np.ndarray
    uniquenesses: np.ndarray
    loglik: float
    n_iter: int


def ledermann_bound(p: int) -> int:
    """Largest ``k`` with ``(p − k)^2 >= p + k``: more factors are not identifiable.

    Examples
    --------
    >>> ledermann_bound(6)
    3
    """
    p = validate_positive_int(p, "p")
    return max(k for k in range(p + 1) if (p - k) ** 2 >= p + k)


def _gaussian_loglik(cov: np.ndarray, s: np.ndarray, n: int) -> float:
    p = s.shape[0]
    sign, logdet = np.linalg.slogdet(cov)
    if sign <= 0:
        return -np.inf
    return -0.5 * n * (p * np.log(2 * np.pi) + logdet + np.trace(np.linalg.solve(cov, s)))


def _em(s: np.ndarray, lam: np.ndarray, psi: np.ndarray, n: int, max_iter: int, tol: float):
    """EM for factor analysis (Rubin & Thayer 1982) from ``(Λ, ψ)``, on the covariance ``S``."""
    k = lam.shape[1]
    floor = 1e-6 * np.diag(s)
    prev = -np.inf
    it = 0
    for it in range(1, max_iter + 1):
        # E-step through the k x k system (Woodbury): β = Λ^T Σ^{-1}
        lt_psi = lam.T / psi
        inner = np.linalg.inv(np.eye(k) + lt_psi @ lam)
        beta = inner @ lt_psi
        ezz = np.eye(k) - beta @ lam + beta @ s @ beta.T
        sb = s @ beta.T
        lam = np.linalg.solve(ezz.T, sb.T).T
        psi = np.maximum(np.diag(s) - np.einsum("ij,ji->i", lam, beta @ s), floor)
        if it % 10 == 0 or it == max_iter:
            ll = _gaussian_loglik(lam @ lam.T + np.diag(psi), s, n)
            if abs(ll - prev) <= tol * (1 + abs(ll)):
                break
            prev = ll
    return lam, psi, it


def _polish(s: np.ndarray, lam: np.ndarray, psi: np.ndarray, n: int, tol: float):
    """Quasi-Newton (L-BFGS-B, ``ψ`` bounded below) from the EM point: EM crawls along the
    flat directions of an over-fitted model, where the likelihood is singular."""
    p, k = lam.shape
    floor = 1e-6 * np.diag(s)

    def objective(theta):
        lam_t = theta[: p * k].reshape(p, k)
        cov = lam_t @ lam_t.T + np.diag(theta[p * k :])
        try:
            chol = np.linalg.cholesky(cov)
        except np.linalg.LinAlgError:
            return np.inf, np.zeros_like(theta)
        inv = np.linalg.inv(cov)
        logdet = 2 * np.sum(np.log(np.diag(chol)))
        value = 0.5 * n * (logdet + np.sum(inv * s))
        grad_cov = 0.5 * n * (inv - inv @ s @ inv)
        return value, np.concatenate([(2 * grad_cov @ lam_t).ravel(), np.diag(grad_cov)])

    theta0 = np.concatenate([lam.ravel(), psi])
    bounds = [(None, None)] * (p * k) + [(f, None) for f in floor]
    res = minimize(
        objective, theta0, jac=True, method="L-BFGS-B", bounds=bounds,
        options={"maxiter": 5000, "ftol": tol, "gtol": 1e-9},
    )  # fmt: skip
    if not np.isfinite(res.fun) or res.fun > objective(theta0)[0]:
        return lam, psi
    return res.x[: p * k].reshape(p, k), res.x[p * k :]


def fit_factor_analysis(
    Y: Any,
    n_factors: int,
    *,
    n_starts: int = 3,
    max_iter: int = 500,
    tol: float = 1e-12,
    random_seed: Any = 0,
) -> FactorAnalysisFit:
    """Maximum-likelihood factor analysis with ``n_factors`` factors, by EM.

    The log-likelihood is ``−n/2 (p log 2π + log det Σ + tr(Σ^{-1} S))`` with ``S`` the sample
    covariance (divisor ``n``) and the mean at the sample mean. The first start is principal
    components of ``S``; the others perturb its loadings at random. Each start runs EM
    (Rubin & Thayer 1982) and then L-BFGS-B on ``(Λ, ψ)`` with the analytic gradient (EM alone
    crawls along the flat directions of an over-fitted model); the best start is kept.
    Uniquenesses are bounded below by ``10^{-6} S_jj`` (a Heywood case stops there).

    Parameters
    ----------
    Y : array_like, shape (n, p)
        Observations, one row each.
    n_factors : int
        Number of factors ``k >= 0`` (``k = 0``: independent variables, ``Σ = diag(S)``).
    n_starts : int, default 3
        EM starts.
    max_iter : int, default 500
        EM iterations per start before the quasi-Newton polish.
    tol : float, default 1e-12
        Relative change of the log-likelihood that stops EM (checked every 10 iterations) and
        L-BFGS-B (its ``ftol``).
    random_seed : int, Generator or None, default 0
        Seed of the perturbed starts.

    Returns
    -------
    FactorAnalysisFit
    """
    y = _data(Y)
    n, p = y.shape
    k = validate_positive_int(n_factors, "n_factors", minimum=0)
    n_starts = validate_positive_int(n_starts, "n_starts")
    max_iter = validate_positive_int(max_iter, "max_iter")
    s = np.cov(y, rowvar=False, bias=True).reshape(p, p)
    if k == 0:
        psi = np.diag(s).copy()
        return FactorAnalysisFit(np.zeros((p, 0)), psi, _gaussian_loglik(np.diag(psi), s, n), 0)
    rng = np.random.default_rng(validate_random_seed(random_seed))
    values, vectors = np.linalg.eigh(s)
    top = np.argsort(values)[::-1][:k]
    lam0 = vectors[:, top] * np.sqrt(np.maximum(values[top], 1e-12))
    best = None
    for start in range(n_starts):
        lam = lam0 if start == 0 else lam0 * rng.uniform(0.5, 1.5, size=lam0.shape)
        psi = np.maximum(np.diag(s) - np.sum(lam**2, axis=1), 0.1 * np.diag(s))
        lam, psi, it = _em(s, lam, psi, n, max_iter, tol)
        lam, psi = _polish(s, lam, psi, n, tol)
        ll = _gaussian_loglik(lam @ lam.T + np.diag(psi), s, n)
        if best is None or ll > best.loglik:
            best = FactorAnalysisFit(lam, psi, float(ll), it)
    return best


def _data(Y: Any) -> np.ndarray:
    y = np.asarray(Y, dtype=float)
    if y.ndim != 2 or y.shape[0] < 2:
        raise ValueError(
            f"Y must be 2-D with one row per observation and one column per variable, got "
            f"shape {y.shape}."
        )
    if not np.all(np.isfinite(y)):
        raise ValueError("Y must be finite; drop or impute the rows with NaN/inf.")
    return y


def sbic_factor_analysis(
    Y: Any,
    max_factors: int | None = None,
    *,
    prior: Any = None,
    n_starts: int = 3,
    random_seed: Any = 0,
) -> pd.DataFrame:
    """Singular BIC of factor-analysis models with ``0, 1, …, max_factors`` factors.

    Fits each model by :func:`fit_factor_analysis` and takes ``λ_kl`` from
    :func:`pymc_slt.theory.factor_analysis_lambdas` (Drton & Plummer 2017, Table 2; exact on
    the diagonal, **upper bounds** off it), then :func:`pymc_slt.selection.sbic`.

    Parameters
    ----------
    Y : array_like, shape (n, p)
        Observations (the paper standardises each column; the likelihood here is for the
        data as given).
    max_factors : int, optional
        Default and largest allowed: :func:`ledermann_bound` ``(p)``.
    prior : array_like, optional
        Prior weights of the models, default uniform.
    n_starts : int, default 3
        EM starts per model.
    random_seed : int, Generator or None, default 0
        Seed of the EM starts.

    Returns
    -------
    pandas.DataFrame
        The frame of :func:`pymc_slt.selection.sbic` with a leading ``factors`` column.

    Notes
    -----
    The sBIC R package fits by ``stats::factanal`` (correlation scale, uniquenesses >= 0.005)
    and uses ``S`` with divisor ``n − 1``; EM on ``S`` with divisor ``n`` reaches the same
    maximum up to those conventions.

    References
    ----------
    Drton, M., & Plummer, M. (2017). A Bayesian information criterion for singular models.
    Journal of the Royal Statistical Society B 79(2), 323–380, Section 5.2.
    https://doi.org/10.1111/rssb.12187

    Rubin, D. B., & Thayer, D. T. (1982). EM algorithms for ML factor analysis. Psychometrika
    47(1), 69–76. https://doi.org/10.1007/BF02293851
    """
    y = _data(Y)
    p = y.shape[1]
    top = ledermann_bound(p)
    if max_factors is None:
        kmax = top
    else:
        kmax = validate_positive_int(max_factors, "max_factors", minimum=0)
        if kmax > top:
            raise ValueError(
                f"max_factors must be <= {top} for p = {p} variables (Ledermann's bound "
                f"(p − k)² >= p + k; more factors are not identifiable), got {kmax}."
            )
    seeds = np.random.SeedSequence(validate_random_seed(random_seed)).spawn(kmax + 1)
    ll = [
        fit_factor_analysis(y, k, n_starts=n_starts, random_seed=np.random.default_rng(seed)).loglik
        for k, seed in enumerate(seeds)
    ]
    table = factor_analysis_lambdas(p, kmax)
    df = sbic(ll, table.lam, table.multiplicity, y.shape[0], prior=prior)
    df.insert(0, "factors", np.arange(kmax + 1))
    return df
