"""Choosing the number of Gaussian mixture components by the singular BIC; EM with restarts."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from pymc_slt._validate import validate_positive_int, validate_random_seed
from pymc_slt.selection.sbic import sbic
from pymc_slt.theory import gaussian_mixture_lambdas

__all__ = ["GaussianMixtureFit", "fit_gaussian_mixture", "sbic_gaussian_mixture"]


class GaussianMixtureFit(NamedTuple):
    """A maximum-likelihood Gaussian mixture with unequal (full) covariances.

    Attributes
    ----------
    weights : numpy.ndarray
        Shape ``(k,)``.
    means : numpy.ndarray
        Shape ``(k, d)``.
    covariances : numpy.ndarray
        Shape ``(k, d, d)``.
    loglik : float
        The largest log-likelihood over the restarts (``-inf`` if every run degenerated).
    n_converged : int
        Restarts that converged without a degenerate component.
    """

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    loglik: float
    n_converged: int


def _log_densities(y: np.ndarray, means: np.ndarray, covs: np.ndarray) -> np.ndarray:
    """``log N(y_t | μ_c, Σ_c)``, shape ``(n, k)``."""
    d = y.shape[1]
    chol = np.linalg.cholesky(covs)  # (k, d, d)
    diff = y[None, :, :] - means[:, None, :]  # (k, n, d)
    z = np.linalg.solve(chol, diff.transpose(0, 2, 1))  # (k, d, n)
    maha = np.sum(z**2, axis=1)  # (k, n)
    logdet = 2 * np.sum(np.log(np.diagonal(chol, axis1=1, axis2=2)), axis=1)
    return (-0.5 * (d * np.log(2 * np.pi) + logdet[:, None] + maha)).T


def _loglik_and_resp(y, weights, means, covs) -> tuple[float, np.ndarray]:
    logp = _log_densities(y, means, covs) + np.log(weights)
    top = logp.max(axis=1, keepdims=True)
    norm = top[:, 0] + np.log(np.sum(np.exp(logp - top), axis=1))
    return float(norm.sum()), np.exp(logp - norm[:, None])


def _m_step(y: np.ndarray, resp: np.ndarray):
    counts = resp.sum(axis=0)
    weights = counts / counts.sum()
    means = (resp.T @ y) / counts[:, None]
    diff = y[None, :, :] - means[:, None, :]
    covs = np.einsum("kn,kni,knj->kij", resp.T, diff, diff) / counts[:, None, None]
    return weights, means, covs, counts


def _run(y, resp, max_iter, tol, min_var, min_points):
    """EM from responsibilities; None if a component collapses (the likelihood is unbounded)."""
    ll_prev = -np.inf
    for _ in range(max_iter):
        weights, means, covs, counts = _m_step(y, resp)
        if np.any(counts < min_points) or np.any(np.linalg.eigvalsh(covs)[:, 0] < min_var):
            return None
        ll, resp = _loglik_and_resp(y, weights, means, covs)
        if ll - ll_prev <= tol * (1 + abs(ll)):
            break
        ll_prev = ll
    return weights, means, covs, ll


def fit_gaussian_mixture(
    y: Any,
    n_components: int,
    *,
    restarts: int = 20,
    max_iter: int = 1000,
    tol: float = 1e-10,
    min_points: float | None = None,
    random_seed: Any = 0,
) -> GaussianMixtureFit:
    """Maximum-likelihood Gaussian mixture with ``n_components`` components, by EM.

    Each restart starts EM from random responsibilities (half of them: normalised
    exponential draws, as the sBIC R package does; the other half: hard assignment to
    ``n_components`` data points drawn at random) and the best finite maximum is kept. A run
    in which a component's covariance has an eigenvalue below ``10^{-8}`` times the data's
    variance, or holds fewer than ``min_points`` points (expected count), is discarded: the
    likelihood of unequal variances is unbounded there, and such a run has no local maximum
    to report. Spurious maxima (a component on a handful of nearly collinear points) remain
    possible above that size and raise the likelihood of the larger models; a larger
    ``min_points`` rules them out.

    Parameters
    ----------
    y : array_like, shape (n,) or (n, d)
        Observations.
    n_components : int
        Number of components, >= 1.
    restarts : int, default 20
        EM runs (one suffices for ``n_components = 1``).
    max_iter : int, default 1000
        EM iterations per run.
    tol : float, default 1e-10
        Relative increase of the log-likelihood that stops a run.
    min_points : float, optional
        Smallest expected count of a component, default ``d + 1`` (the fewest points whose
        covariance can be non-singular).
    random_seed : int, Generator or None, default 0
        Seed of the starts.

    Returns
    -------
    GaussianMixtureFit
    """
    data = _data(y)
    n, d = data.shape
    k = validate_positive_int(n_components, "n_components")
    restarts = validate_positive_int(restarts, "restarts")
    max_iter = validate_positive_int(max_iter, "max_iter")
    rng = np.random.default_rng(validate_random_seed(random_seed))
    min_var = 1e-8 * float(np.min(np.var(data, axis=0)))
    min_points = float(d + 1) if min_points is None else float(min_points)
    if not min_points >= d + 1:
        raise ValueError(f"min_points must be >= d + 1 = {d + 1}, got {min_points}.")
    best, converged = None, 0
    for run in range(1 if k == 1 else restarts):
        if k == 1:
            resp = np.ones((n, 1))
        elif run % 2 == 0:
            resp = rng.exponential(size=(n, k))
            resp /= resp.sum(axis=1, keepdims=True)
        else:
            centres = data[rng.choice(n, size=k, replace=False)]
            dist = np.sum((data[:, None, :] - centres[None]) ** 2, axis=2)
            resp = np.eye(k)[np.argmin(dist, axis=1)] * 0.9 + 0.1 / k
        out = _run(data, resp, max_iter, tol, min_var, min_points)
        if out is None:
            continue
        converged += 1
        if best is None or out[3] > best[3]:
            best = out
    if best is None:
        nan = np.full(k, np.nan)
        means, covs = np.full((k, d), np.nan), np.full((k, d, d), np.nan)
        return GaussianMixtureFit(nan, means, covs, -np.inf, 0)
    weights, means, covs, ll = best
    return GaussianMixtureFit(weights, means, covs, float(ll), converged)


def _data(y: Any) -> np.ndarray:
    data = np.asarray(y, dtype=float)
    if data.ndim == 1:
        data = data[:, None]
    if data.ndim != 2 or data.shape[0] < 2:
        raise ValueError(
            f"y must be 1-D (n,) or 2-D (n, d) with one row per observation, got shape "
            f"{np.shape(y)}."
        )
    if not np.all(np.isfinite(data)):
        raise ValueError("y must be finite; drop or impute the NaN/inf observations.")
    return data


def sbic_gaussian_mixture(
    y: Any,
    max_components: int,
    *,
    phi: float | None = None,
    prior: Any = None,
    restarts: int = 20,
    min_points: float | None = None,
    random_seed: Any = 0,
) -> pd.DataFrame:
    """Singular BIC of Gaussian mixtures with ``1, …, max_components`` components.

    Fits each model by :func:`fit_gaussian_mixture` (unequal covariances) and takes the
    bounds ``λ_ij = ½ min{j r + j − 1 + φ (i − j), r i + j − 1}`` of
    :func:`pymc_slt.theory.gaussian_mixture_lambdas` (``r`` parameters per component; these
    are **upper bounds** off the diagonal, Drton & Plummer 2017, eq. (6.11)), then
    :func:`pymc_slt.selection.sbic`.

    Parameters
    ----------
    y : array_like, shape (n,) or (n, d)
        Observations.
    max_components : int
        Largest number of components, >= 1.
    phi : float, optional
        Penalty per surplus component in the bound; default ``(r + 1)/2`` (the R package's
        default); the paper's galaxies analysis uses ``phi=1``.
    prior : array_like, optional
        Prior weights of the models, default uniform.
    restarts : int, default 20
        EM restarts per model (the R package: 50 by default, the paper 5000 for galaxies).
    min_points : float, optional
        Smallest expected component count of an accepted EM run, default ``d + 1``; see
        :func:`fit_gaussian_mixture`. With unequal covariances, spurious maxima on a few points
        make the larger models look better and sBIC (whose surplus-component penalty is
        smaller than BIC's) more so.
    random_seed : int, Generator or None, default 0
        Seed of the restarts.

    Returns
    -------
    pandas.DataFrame
        The frame of :func:`pymc_slt.selection.sbic` with a leading ``components`` column.

    Raises
    ------
    ValueError
        If EM degenerated in every restart of some model (its likelihood is then unbounded):
        lower ``max_components`` or raise ``restarts``.

    Notes
    -----
    The sBIC R package's ``GaussianMixtures`` takes the sample size as ``length(X)``, which for
    ``d``-dimensional data is ``n d``, not ``n``; here ``n`` is the number of observations.

    References
    ----------
    Drton, M., & Plummer, M. (2017). A Bayesian information criterion for singular models.
    Journal of the Royal Statistical Society B 79(2), 323–380, Section 6.2.
    https://doi.org/10.1111/rssb.12187

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> y = np.concatenate([rng.normal(-4, 1, 150), rng.normal(4, 1, 150)])
    >>> df = sbic_gaussian_mixture(y, 3, restarts=4)
    >>> int(df.attrs["selected"]) + 1  # components
    2
    """
    data = _data(y)
    kmax = validate_positive_int(max_components, "max_components")
    seeds = np.random.SeedSequence(validate_random_seed(random_seed)).spawn(kmax)
    ll = []
    for k, seed in zip(range(1, kmax + 1), seeds, strict=True):
        rng = np.random.default_rng(seed)
        fit = fit_gaussian_mixture(
            data, k, restarts=restarts, min_points=min_points, random_seed=rng
        )
        if not np.isfinite(fit.loglik):
            raise ValueError(
                f"EM degenerated in all {restarts} restarts of the {k}-component mixture "
                f"(a component collapsed onto a few points); lower max_components below {k} "
                "or raise restarts."
            )
        ll.append(fit.loglik)
    table = gaussian_mixture_lambdas(kmax, data.shape[1], phi)
    df = sbic(ll, table.lam, table.multiplicity, data.shape[0], prior=prior)
    df.insert(0, "components", np.arange(1, kmax + 1))
    return df
