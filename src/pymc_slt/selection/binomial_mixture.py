"""Choosing the number of binomial mixture components by the singular BIC; EM with restarts."""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from scipy import special

from pymc_slt._validate import validate_positive_int, validate_random_seed
from pymc_slt.selection.sbic import sbic
from pymc_slt.theory import binomial_mixture_lambdas

__all__ = ["BinomialMixtureFit", "fit_binomial_mixture", "sbic_binomial_mixture"]

#: success probabilities are kept in [EPS, 1 − EPS] so that log θ stays finite
EPS = 1e-12


class BinomialMixtureFit(NamedTuple):
    """A maximum-likelihood mixture of binomial distributions.

    Attributes
    ----------
    weights : numpy.ndarray
        Shape ``(k,)``, summing to 1.
    probs : numpy.ndarray
        Success probability of each component, shape ``(k,)``, increasing.
    loglik : float
        The largest log-likelihood over the restarts, binomial coefficients included.
    """

    weights: np.ndarray
    probs: np.ndarray
    loglik: float


def _data(successes: Any, trials: Any) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(successes)
    if y.ndim != 1 or y.size < 2:
        raise ValueError(
            f"successes must be a 1-D array of counts, one per observation, got shape {y.shape}."
        )
    t = np.broadcast_to(np.asarray(trials), y.shape) if np.ndim(trials) == 0 else trials
    t = np.asarray(t)
    if t.shape != y.shape:
        raise ValueError(
            f"trials must be one integer or one per observation ({y.shape}), got shape {t.shape}."
        )
    for name, a in (("successes", y), ("trials", t)):
        if not np.all(np.isfinite(a)) or np.any(a != np.round(a)) or np.any(a < 0):
            raise ValueError(f"{name} must be non-negative whole numbers (counts).")
    y, t = y.astype(float), t.astype(float)
    if np.any(y > t):
        raise ValueError("successes must not exceed trials in any observation.")
    return y, t


def _log_binom(y: np.ndarray, t: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """``log Binomial(y_s | t_s, θ_rc)`` without the coefficient, shape ``(R, n, k)``."""
    return y[:, None] * np.log(probs[:, None, :]) + (t - y)[:, None] * np.log1p(-probs[:, None, :])


def _loglik_and_resp(y, t, count, weights, probs) -> tuple[np.ndarray, np.ndarray]:
    logp = _log_binom(y, t, probs) + np.log(weights[:, None, :])
    top = logp.max(axis=2, keepdims=True)
    norm = top + np.log(np.exp(logp - top).sum(axis=2, keepdims=True))
    return (norm[:, :, 0] @ count), np.exp(logp - norm)


def _run(y, t, count, weights, probs, max_iter, tol):
    """EM for ``R`` starts at once, on distinct ``(y, t)`` pairs each seen ``count`` times.

    Stops when no start's log-likelihood rises by more than ``tol · (1 + |ℓ|)``.
    """
    ll_prev = np.full(weights.shape[0], -np.inf)
    for _ in range(max_iter):
        ll, resp = _loglik_and_resp(y, t, count, weights, probs)
        resp = resp * count[:, None]
        weights = np.maximum(resp.sum(axis=1) / count.sum(), EPS)
        weights /= weights.sum(axis=1, keepdims=True)
        probs = np.clip((y @ resp) / np.maximum(t @ resp, EPS), EPS, 1 - EPS)
        if np.all(ll - ll_prev <= tol * (1 + np.abs(ll))):
            break
        ll_prev = ll
    return weights, probs, _loglik_and_resp(y, t, count, weights, probs)[0]


def fit_binomial_mixture(
    successes: Any,
    trials: Any,
    n_components: int,
    *,
    restarts: int = 10,
    max_iter: int = 2000,
    tol: float = 1e-10,
    random_seed: Any = 0,
) -> BinomialMixtureFit:
    """Maximum-likelihood mixture of ``n_components`` binomials, by EM with restarts.

    Observation ``s`` has ``successes[s]`` successes in ``trials[s]`` trials; its likelihood
    is ``Σ_c w_c C(t_s, y_s) θ_c^{y_s} (1 − θ_c)^{t_s − y_s}``. EM (Dempster, Laird & Rubin
    1977) updates ``w_c = mean_s r_sc`` and ``θ_c = Σ_s r_sc y_s / Σ_s r_sc t_s`` from the
    responsibilities ``r_sc``. Each restart starts at weights from a flat Dirichlet and sorted
    uniform probabilities; the best maximum is kept. The likelihood is bounded, so no run is
    discarded. EM runs on the distinct ``(successes, trials)`` pairs weighted by their counts
    (at most ``T + 1`` of them for a common ``T``), so its cost does not grow with ``n``.

    Parameters
    ----------
    successes : array_like of int, shape (n,)
        Successes per observation.
    trials : int or array_like of int, shape (n,)
        Trials per observation (one number when common to all).
    n_components : int
        Number of components, >= 1.
    restarts : int, default 10
        EM runs (the sBIC R package's ``flexmix`` call uses ``nrep = 10``); one suffices for
        ``n_components = 1``, whose maximum is ``θ = Σ y / Σ t``.
    max_iter : int, default 2000
        EM iterations per run.
    tol : float, default 1e-10
        Relative increase of the log-likelihood that stops a run.
    random_seed : int, Generator or None, default 0
        Seed of the starts.

    Returns
    -------
    BinomialMixtureFit

    Raises
    ------
    ValueError
        If the counts are not whole numbers with ``0 <= successes <= trials``.

    Examples
    --------
    >>> fit = fit_binomial_mixture([3, 4, 5, 16, 17, 18], 20, 2)
    >>> np.round(fit.probs, 2).tolist(), np.round(fit.weights, 2).tolist()
    ([0.2, 0.85], [0.5, 0.5])
    """
    y, t = _data(successes, trials)
    k = validate_positive_int(n_components, "n_components")
    restarts = validate_positive_int(restarts, "restarts")
    max_iter = validate_positive_int(max_iter, "max_iter")
    rng = np.random.default_rng(validate_random_seed(random_seed))
    pairs, count = np.unique(np.stack([y, t], axis=1), axis=0, return_counts=True)
    count = count.astype(float)
    const = float(
        np.sum(special.gammaln(t + 1) - special.gammaln(y + 1) - special.gammaln(t - y + 1))
    )
    starts = 1 if k == 1 else restarts
    weights = rng.dirichlet(np.ones(k), size=starts)
    probs = np.sort(rng.uniform(0.02, 0.98, size=(starts, k)), axis=1) if k > 1 else [[0.5]]
    weights, probs, ll = _run(
        pairs[:, 0], pairs[:, 1], count, weights, np.asarray(probs), max_iter, tol
    )
    best = int(np.argmax(ll))
    weights, probs, ll = weights[best], probs[best], float(ll[best])
    order = np.argsort(probs)
    return BinomialMixtureFit(weights[order], probs[order], ll + const)


def sbic_binomial_mixture(
    successes: Any,
    trials: Any,
    max_components: int,
    *,
    phi: float = 1.0,
    prior: Any = None,
    restarts: int = 10,
    random_seed: Any = 0,
) -> pd.DataFrame:
    """Singular BIC of binomial mixtures with ``1, …, max_components`` components.

    Fits each model by :func:`fit_binomial_mixture` and takes the bounds
    ``λ_ij = ½ min{2 j − 1 + φ (i − j), i + j − 1}`` of
    :func:`pymc_slt.theory.binomial_mixture_lambdas` (**upper bounds** off the diagonal;
    ``(i + j − 1)/2`` at ``φ = 1``, Drton & Plummer 2017, eq. (6.7)), then
    :func:`pymc_slt.selection.sbic`.

    Parameters
    ----------
    successes : array_like of int, shape (n,)
        Successes per observation.
    trials : int or array_like of int, shape (n,)
        Trials per observation.
    max_components : int
        Largest number of components, >= 1. A mixture of ``k`` binomials with ``T`` trials is
        identifiable only when ``2 k − 1 <= T`` (Teicher 1963), so ``max_components`` must not
        exceed ``(max(trials) + 1) // 2``.
    phi : float, default 1.0
        Penalty per surplus component in the bound: 1.0 (the R package's default and the
        paper's ``\\overline{sBIC}_1``) or 0.5 (``\\overline{sBIC}_{0.5}``, for a uniform
        Dirichlet prior on the weights).
    prior : array_like, optional
        Prior weights of the models, default uniform.
    restarts : int, default 10
        EM restarts per model.
    random_seed : int, Generator or None, default 0
        Seed of the restarts.

    Returns
    -------
    pandas.DataFrame
        The frame of :func:`pymc_slt.selection.sbic` with a leading ``components`` column.

    Raises
    ------
    ValueError
        If the counts are invalid or ``max_components`` exceeds the identifiable number.

    References
    ----------
    Drton, M., & Plummer, M. (2017). A Bayesian information criterion for singular models.
    Journal of the Royal Statistical Society B 79(2), 323–380, Section 6.1.
    https://doi.org/10.1111/rssb.12187

    Teicher, H. (1963). Identifiability of finite mixtures. The Annals of Mathematical
    Statistics 34(4), 1265–1269. https://doi.org/10.1214/aoms/1177703862

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> y = rng.binomial(30, np.repeat([0.2, 0.8], 100))
    >>> df = sbic_binomial_mixture(y, 30, 4)
    >>> int(df["components"][df.attrs["selected"]])
    2
    """
    y, t = _data(successes, trials)
    kmax = validate_positive_int(max_components, "max_components")
    identifiable = int(t.max() + 1) // 2
    if kmax > identifiable:
        raise ValueError(
            f"max_components={kmax} is not identifiable with at most {int(t.max())} trials "
            f"(a k-binomial mixture needs 2k − 1 <= trials); use max_components <= "
            f"{max(identifiable, 1)}."
        )
    seeds = np.random.SeedSequence(validate_random_seed(random_seed)).spawn(kmax)
    ll = [
        fit_binomial_mixture(
            y, t, k, restarts=restarts, random_seed=np.random.default_rng(s)
        ).loglik
        for k, s in zip(range(1, kmax + 1), seeds, strict=True)
    ]
    table = binomial_mixture_lambdas(kmax, phi)
    df = sbic(ll, table.lam, table.multiplicity, y.size, prior=prior)
    df.insert(0, "components", np.arange(1, kmax + 1))
    return df
