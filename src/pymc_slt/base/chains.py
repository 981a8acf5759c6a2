"""Do independent chains tell the same story? Two tests with a false-alarm rate that is stated.

Both are NumPy/SciPy only and take the level ``alpha`` (the chance that the test fires on chains
that do sample one stationary distribution), so the rate at which a doubt fires on healthy
chains does not depend on how many draws were taken, as a fixed bound on r̂ does: r̂ − 1 of
healthy chains shrinks like 1/ESS, so the bound 1.01 (Vehtari et al. 2021, meant for chains long
enough for posterior summaries) fires on short healthy runs.

* :func:`chain_agreement` — Cochran's Q test that per-chain estimates of one quantity, each with
  its standard error, agree (Cochran 1954): :math:`Q = \\sum_c (x_c - \\bar x_w)^2/s_c^2` with
  :math:`\\bar x_w` the inverse-variance mean, against :math:`χ^2_{C-1}`.
* :func:`rhat_excess` — r̂ against its own sampling distribution under stationarity. For split
  chains m = 1 … M of N draws with within-chain effective sizes :math:`E_m`, the between-chain
  variance of the chain means is about :math:`σ^2/\\bar E` times :math:`χ^2_{M-1}/(M-1)`, so

  .. math::

      \\hat R^2 ≈ \\frac{N-1}{N} + \\frac{1}{\\bar E}\\,\\frac{χ^2_{M-1}}{M-1},

  and r̂ of a parameter is significant at level α when it exceeds
  :math:`\\sqrt{(N-1)/N + q/\\bar E}` with q the :math:`1 - α/(2D)` quantile of
  :math:`χ^2_{M-1}/(M-1)` (Bonferroni over D parameters and the bulk and folded r̂ of the rank
  method). This is the reading of Vats & Knudson (2021), who tie r̂ to the effective sample size.

References
----------
Cochran, W. G. (1954). The combination of estimates from different experiments. Biometrics
10(1), 101–129. doi:10.2307/3001666

Vats, D. & Knudson, C. (2021). Revisiting the Gelman–Rubin diagnostic. Statistical Science
36(4), 518–529. doi:10.1214/20-STS812

Vehtari, A. et al. (2021). Rank-normalization, folding, and localization: an improved R̂ for
assessing convergence of MCMC. Bayesian Analysis 16(2), 667–718. doi:10.1214/20-BA1221
"""

from __future__ import annotations

import arviz_stats as azs
import numpy as np
from scipy import stats

__all__ = ["chain_agreement", "rhat_excess", "within_chain_ess"]


def chain_agreement(estimates: np.ndarray, ses: np.ndarray) -> float:
    """p-value of Cochran's Q test that ``estimates`` (one per chain) with ``ses`` agree.

    NaN for fewer than two finite estimates with positive se.
    """
    x, s = np.asarray(estimates, float), np.asarray(ses, float)
    ok = np.isfinite(x) & np.isfinite(s) & (s > 0)
    if ok.sum() < 2:
        return float("nan")
    x, w = x[ok], 1.0 / s[ok] ** 2
    mean = float(np.sum(w * x) / np.sum(w))
    q = float(np.sum(w * (x - mean) ** 2))
    return float(stats.chi2.sf(q, ok.sum() - 1))


def within_chain_ess(draws: np.ndarray, method: str = "bulk") -> np.ndarray:
    """ESS of each chain on its own, ``draws`` (chain, draw, ...) → (chain, ...).

    Unlike the multi-chain ESS, it does not shrink when chains disagree, so it measures how
    much each chain alone knows.
    """
    draws = np.asarray(draws, float)
    return np.asarray(azs.ess(draws[:, None], chain_axis=1, draw_axis=2, method=method))


def rhat_excess(theta: np.ndarray, alpha: float = 0.01) -> tuple[np.ndarray, np.ndarray]:
    """Rank-normalized split r̂ of each parameter of ``theta`` (chain, draw, D), and the bound
    that healthy chains exceed with probability ``alpha`` in all (see the module docstring).

    Returns ``(rhat, bound)``, each of shape (D,). NaN for one chain.
    """
    theta = np.asarray(theta, float)
    n_chain, n_draw, dim = theta.shape
    if n_chain < 2:
        nan = np.full(dim, np.nan)
        return nan, nan
    rhat = np.asarray(azs.rhat(theta, chain_axis=0, draw_axis=1), float).reshape(dim)
    half = n_draw // 2
    split = np.concatenate([theta[:, :half], theta[:, half : 2 * half]], axis=0)  # (M, N, D)
    m = split.shape[0]
    # r̂ of the rank method is the larger of the bulk and the folded one: the smaller ESS rules,
    # and none above the draws (antithetic NUTS chains would otherwise claim more)
    ess = np.minimum(within_chain_ess(split, "bulk"), within_chain_ess(split, "folded"))
    mean_ess = np.clip(np.nanmean(ess, axis=0), 1.0, half)
    q = stats.chi2.ppf(1.0 - alpha / (2 * dim), m - 1) / (m - 1)
    bound = np.sqrt((half - 1) / half + q / mean_ess)
    return rhat, bound
