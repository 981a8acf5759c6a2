"""Rank selection in reduced-rank regression by the singular BIC."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from pymc_slt._validate import validate_positive_int, validate_positive_real
from pymc_slt.selection.sbic import sbic
from pymc_slt.theory import reduced_rank_lambdas

__all__ = ["reduced_rank_loglik", "sbic_reduced_rank"]


def _design(X: Any, Y: Any) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(X, dtype=float)
    y = np.asarray(Y, dtype=float)
    if x.ndim == 1:
        x = x[:, None]
    if y.ndim == 1:
        y = y[:, None]
    if x.ndim != 2 or y.ndim != 2 or x.shape[0] != y.shape[0]:
        raise ValueError(
            f"X and Y must be 2-D with one row per observation, got shapes {x.shape} and "
            f"{y.shape}; pass X of shape (n, M) (covariates) and Y of shape (n, N) (responses)."
        )
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("X and Y must be finite; drop or impute the rows with NaN/inf.")
    if x.shape[0] <= x.shape[1]:
        raise ValueError(
            f"need more observations than covariates for the least-squares fit, got n = "
            f"{x.shape[0]} rows and M = {x.shape[1]} columns in X."
        )
    return x, y


def reduced_rank_loglik(
    X: Any, Y: Any, max_rank: int | None = None, *, noise_sd: float | None = 1.0
) -> np.ndarray:
    """Maximum log-likelihood of ``Y = X C^T + E`` with ``rank C <= h``, ``h = 0..max_rank``.

    The Gaussian reduced-rank MLE (Anderson 1951; Izenman 1975): with ``Ŷ = X Ĉ_OLS^T`` the
    least-squares fit and ``s_1 >= s_2 >= …`` the singular values of ``Ŷ``, the best rank-``h``
    fit is the truncated SVD of ``Ŷ`` and its residual sum of squares is

    .. math::

        RSS_h = \\lVert Y - Ŷ \\rVert_F^2 + \\sum_{k > h} s_k^2 .

    With known noise ``E_{tk} ~ N(0, σ^2)`` (the sBIC R package's likelihood, ``σ = 1``, plus the
    constant it omits) the maximum is ``−nN/2 log(2πσ²) − RSS_h/(2σ²)``; with ``noise_sd=None``
    ``σ²`` is estimated too and it is ``−nN/2 (log(2π RSS_h/(nN)) + 1)``.

    Parameters
    ----------
    X : array_like, shape (n, M)
        Covariates, one row per observation (no intercept is added: centre the data first, as
        the model ``E(Y | X) = C X`` of Drton & Plummer has none).
    Y : array_like, shape (n, N)
        Responses.
    max_rank : int, optional
        Largest rank, default ``min(M, N)``.
    noise_sd : float or None, default 1.0
        The known noise standard deviation, or None to maximise over it.

    Returns
    -------
    numpy.ndarray, shape (max_rank + 1,)
        ``loglik[h]`` for ranks ``h = 0, …, max_rank``.
    """
    x, y = _design(X, Y)
    n, m_in = x.shape
    n_out = y.shape[1]
    max_rank = _max_rank(max_rank, m_in, n_out)
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    fitted = x @ coef
    rss_full = float(np.sum((y - fitted) ** 2))
    s2 = np.linalg.svd(fitted, compute_uv=False) ** 2
    tail = np.concatenate([np.cumsum(s2[::-1])[::-1], [0.0]])  # tail[h] = Σ_{k >= h} s²
    rss = rss_full + tail[np.minimum(np.arange(max_rank + 1), s2.size)]
    total = n * n_out
    if noise_sd is None:
        return -0.5 * total * (np.log(2 * np.pi * rss / total) + 1)
    sd = validate_positive_real(
        noise_sd, "noise_sd", what="the noise standard deviation", hint="e.g. noise_sd=1.0"
    )
    return -0.5 * total * np.log(2 * np.pi * sd**2) - rss / (2 * sd**2)


def _max_rank(max_rank: Any, m_in: int, n_out: int) -> int:
    top = min(m_in, n_out)
    if max_rank is None:
        return top
    value = validate_positive_int(max_rank, "max_rank", minimum=0)
    if value > top:
        raise ValueError(f"max_rank must be <= min(M, N) = {top}, got {value}.")
    return value


def sbic_reduced_rank(
    X: Any,
    Y: Any,
    max_rank: int | None = None,
    *,
    noise_sd: float | None = 1.0,
    prior: Any = None,
) -> pd.DataFrame:
    """Singular BIC of reduced-rank regressions of rank ``0, 1, …, max_rank``.

    Fits every rank by :func:`reduced_rank_loglik` and takes ``λ_ij, m_ij`` from
    :func:`pymc_slt.theory.reduced_rank_lambdas` (Aoyagi & Watanabe 2005; exact), the rank-``i``
    model at a rank-``j`` truth; then :func:`pymc_slt.selection.sbic` on the chain of ranks.

    Parameters
    ----------
    X : array_like, shape (n, M)
        Covariates, one row per observation (centred; no intercept is fitted).
    Y : array_like, shape (n, N)
        Responses.
    max_rank : int, optional
        Largest rank, default ``min(M, N)``.
    noise_sd : float or None, default 1.0
        Known noise standard deviation (the setting of the learning coefficients and of the R
        package). None estimates ``σ`` by maximum likelihood in every model and adds ``1/2``
        (one regular parameter) to every ``λ``, which shifts all ``sbic`` and ``bic`` values
        by ``½ log n`` and selects the same rank as a known ``σ`` equal to the estimate would.
    prior : array_like, optional
        Prior weights of the ranks, default uniform.

    Returns
    -------
    pandas.DataFrame
        The frame of :func:`pymc_slt.selection.sbic` with a leading ``rank`` column.

    Notes
    -----
    **Against the sBIC R package.** Its ``learnCoef`` takes 1-based model indices as ranks,
    so it penalises the rank-``h`` model with the coefficients of rank ``h + 1``, in sBIC and
    in BIC alike (see :func:`pymc_slt.theory.reduced_rank_lambdas`). Drton & Plummer's
    definition is the one used here; ``benchmarks/sbic.py`` shows the effect on rank
    selection.

    References
    ----------
    Drton, M., & Plummer, M. (2017). A Bayesian information criterion for singular models.
    Journal of the Royal Statistical Society B 79(2), 323–380, Section 5.1.
    https://doi.org/10.1111/rssb.12187

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 4))
    >>> C = np.outer([1.0, -1.0, 0.5], [1.0, 0.0, 1.0, 0.5])  # rank 1, 3 x 4
    >>> Y = X @ C.T + rng.normal(size=(500, 3))
    >>> int(sbic_reduced_rank(X, Y).attrs["selected"])
    1
    """
    x, y = _design(X, Y)
    m_in, n_out = x.shape[1], y.shape[1]
    max_rank = _max_rank(max_rank, m_in, n_out)
    ll = reduced_rank_loglik(x, y, max_rank, noise_sd=noise_sd)
    table = reduced_rank_lambdas(m_in, n_out, max_rank)
    lam = table.lam + (0.5 if noise_sd is None else 0.0)
    df = sbic(ll, lam, table.multiplicity, x.shape[0], prior=prior)
    df.insert(0, "rank", np.arange(max_rank + 1))
    return df
