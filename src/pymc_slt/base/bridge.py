"""Bridge sampling's array mathematics (Meng & Wong 1996; warp-III of Meng & Schilling 2002):
the fixed-point iteration, its relative MSE (Frühwirth-Schnatter 2004), both halves of the
draws, each chain's own estimate and the typed doubts, from unconstrained draws and a vectorised
log density (NumPy, SciPy and arviz-stats only). :mod:`pymc_slt.evidence.bridge` maps a model's
posterior draws here; the formulas are in :func:`pymc_slt.log_marginal_likelihood`, Notes.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, Literal

import arviz_stats as azs
import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import logsumexp

from pymc_slt.base.chains import chain_agreement, rhat_excess, within_chain_ess

__all__ = [
    "CHAIN_TEST_ALPHA",
    "HALVES_Z_MAX",
    "KHAT_MAX",
    "MULTIMODAL_METHODS",
    "POOR_GAUSSIAN",
    "PROPOSALS",
    "RHAT_SEPARATED",
    "Doubt",
    "Proposal",
    "bridge_draws",
]


class Doubt(StrEnum):
    """What makes a bridge-sampling estimate doubtful: the kinds in
    ``diagnostics["doubt_kinds"]`` that the default path of log Z
    (:mod:`pymc_slt.evidence.fallback`) acts on, never parsed from a warning's text. A member
    equals its string (``Doubt.RHAT == "rhat"``), so saved results read back the same."""

    #: The chains' own log Z disagree beyond their standard errors.
    CHAINS = "chains"
    #: r̂ beyond the bound healthy chains of this length pass, or above 1.05.
    RHAT = "rhat"
    #: The two halves of the draws give log Z that disagree.
    HALVES = "halves"
    #: The fitted normal is a poor proposal (Pareto k̂ > 0.7); a doubt with the normal proposal
    #: only (warp-III is built for skewed posteriors).
    GAUSSIAN = "gaussian"
    #: More than 0.1 % of the posterior draws diverged.
    DIVERGENCES = "divergences"
    #: One chain: separated modes cannot be detected.
    ONE_CHAIN = "one_chain"
    #: An unordered mixture likelihood: label-switched copies of every mode.
    MIXTURE = "mixture"


Proposal = Literal["warp3", "normal"]
#: Valid values of ``bridge_proposal``, the default first.
PROPOSALS: tuple[str, ...] = ("warp3", "normal")
#: Pareto k̂ above which the Gaussian proposal misses part of the posterior (Vehtari et al. 2024).
KHAT_MAX = 0.7
#: Halves whose estimates differ by more than this many combined standard errors disagree.
HALVES_Z_MAX = 3.0
#: r̂ above which chains sit in different places whatever their length: it lies between the
#: largest r̂ of the gallery's unimodal models and the smallest of its multimodal ones whose
#: chains sat in different modes (docs/evidence.md, "When the default path doubts bridge
#: sampling: measured"; ``benchmarks/fallback_alarms.py``).
RHAT_SEPARATED = 1.05
#: Level of the two chain tests (chain-wise log Z, r̂ against its draw-aware bound): the chance
#: that each fires on healthy chains. The measured rates are in docs/evidence.md
#: (``benchmarks/fallback_alarms.py``).
CHAIN_TEST_ALPHA = 1e-3
_TOL = 1e-10
_MAXITER = 1000
#: The advice when the posterior is multimodal: the two methods that agree with the references
#: on the tanh networks (PyMC's ``method="smc"`` does not; docs/benchmarks.md,
#: "neural_evidence.py").
MULTIMODAL_METHODS = "method='hmc_smc' (pip install 'pymc-slt[jax]') or method='stepping_stone'"
#: How the Pareto-k̂ problem begins. With warp-III it is no doubt about the estimate (see
#: :func:`pymc_slt.evidence.bridge.run_bridge`).
POOR_GAUSSIAN = "a Gaussian fits the posterior poorly"


def _gaussian(fit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and lower Cholesky factor of the (positive-definite) covariance of ``fit`` (S, D)."""
    mean = fit.mean(axis=0)
    cov = np.atleast_2d(np.cov(fit, rowvar=False))
    eigval, eigvec = np.linalg.eigh(cov)
    floor = max(float(eigval.max()), 1e-300) * 1e-10
    cov = (eigvec * np.maximum(eigval, floor)) @ eigvec.T
    return mean, np.linalg.cholesky(cov)


def _gaussian_logpdf(x: np.ndarray, mean: np.ndarray, chol: np.ndarray) -> np.ndarray:
    z = np.linalg.solve(chol, (x - mean).T)
    log_det = 2.0 * np.sum(np.log(np.diag(chol)))
    return -0.5 * (np.sum(z**2, axis=0) + mean.size * np.log(2 * np.pi) + log_det)


def _bridge_log_ratio(l1: np.ndarray, l2: np.ndarray, log_s1: float, log_s2: float) -> float:
    """Fixed point log r of the Meng–Wong iteration, for log-ratios l = log q − log g.

    ``l1`` at posterior draws, ``l2`` at proposal draws; ``r`` estimates Z (times exp(-shift)).
    """
    log_r = 0.0
    for _ in range(_MAXITER):
        num = logsumexp(l2 - np.logaddexp(log_s1 + l2, log_s2 + log_r)) - np.log(l2.size)
        den = logsumexp(-np.logaddexp(log_s1 + l1, log_s2 + log_r)) - np.log(l1.size)
        new = float(num - den)
        if abs(new - log_r) < _TOL:
            return new
        log_r = new
    raise RuntimeError(
        "the bridge-sampling iteration did not converge in "
        f"{_MAXITER} steps; the proposal and the posterior barely overlap: use "
        f"{MULTIMODAL_METHODS}."
    )


def _relative_mse(l1, l2, log_r, log_s1, log_s2, n_eff) -> float:
    """Frühwirth-Schnatter (2004) relative MSE of the bridge estimate of Z.

    .. math::

        \\mathrm{RE}^2 = \\frac{1}{N_2}\\frac{V_g(f_1)}{E_g(f_1)^2}
                       + \\frac{1}{N_{\\mathrm{eff}}}\\frac{V_p(f_2)}{E_p(f_2)^2},\\quad
        f_1 = \\frac{p}{s_1 p + s_2 g},\\quad f_2 = \\frac{g}{s_1 p + s_2 g},

    with ``p = q/Ẑ``; the autocorrelation of the posterior draws enters through ``N_eff``.
    """
    f1 = np.exp(l2 - log_r - np.logaddexp(log_s1 + l2 - log_r, log_s2))
    f2 = np.exp(-np.logaddexp(log_s1 + l1 - log_r, log_s2))
    term1 = np.var(f1, ddof=1) / (f1.size * np.mean(f1) ** 2)
    term2 = np.var(f2, ddof=1) / (n_eff * np.mean(f2) ** 2)
    return float(term1 + term2)


def _std_normal_logpdf(z: np.ndarray) -> np.ndarray:
    return -0.5 * (np.sum(z**2, axis=1) + z.shape[1] * np.log(2 * np.pi))


def _log_ratios(
    post: np.ndarray,
    mean: np.ndarray,
    chol: np.ndarray,
    log_density: Callable[[np.ndarray], np.ndarray],
    rng: np.random.Generator,
    proposal: str,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``l = log q − log g`` at the posterior draws ``post`` (l1) and at as many proposal draws
    (l2), for the normal proposal or for warp-III; one batched call of ``log_density``.

    The third array is ``log q − log N(m, LLᵀ)`` at the draws ``m + Lz`` of that normal, whose
    Pareto k̂ says how well a Gaussian fits the posterior, for either proposal. (The k̂ of the
    warp-III ratios themselves is no such measure: symmetrizing puts the heavier tail of a skewed
    posterior on both sides, so it jumps around 0.7 while the bridge is more accurate.)

    Warp-III (Meng & Schilling 2002, as in ``bridgesampling``'s ``warp3``): with
    :math:`z = L^{-1}(θ - m)`, the warped posterior :math:`\\tilde q(z) = |L|\\,[q(m + Lz) +
    q(m - Lz)]/2` is bridged to :math:`g = N(0, I)`; both are symmetric in z, so the unflipped
    :math:`L^{-1}(θ_i - m)` of posterior draws serve as draws of :math:`\\tilde q`.
    """
    n, dim = post.shape
    z = rng.standard_normal((n, dim))
    if proposal == "normal":
        prop = mean + z @ chol.T
        q = log_density(np.concatenate([post, prop]))
        l1 = q[:n] - _gaussian_logpdf(post, mean, chol)
        l2 = q[n:] - _gaussian_logpdf(prop, mean, chol)
        return l1, l2, l2
    step = z @ chol.T
    q = log_density(np.concatenate([post, 2 * mean - post, mean + step, mean - step]))
    warped = solve_triangular(chol, (post - mean).T, lower=True, check_finite=False).T
    log_det = float(np.sum(np.log(np.diag(chol))))  # log|L|, the Jacobian of z ↦ m + Lz
    log_phi = _std_normal_logpdf(z)
    l1 = log_det - np.log(2.0) + np.logaddexp(q[:n], q[n : 2 * n]) - _std_normal_logpdf(warped)
    l2 = log_det - np.log(2.0) + np.logaddexp(q[2 * n : 3 * n], q[3 * n :]) - log_phi
    return l1, l2, q[2 * n : 3 * n] + log_det - log_phi


def _one_direction(
    fit: np.ndarray,
    iterate: np.ndarray,
    log_density: Callable[[np.ndarray], np.ndarray],
    rng: np.random.Generator,
    proposal: str,
) -> dict[str, float]:
    """Bridge estimate, proposal fitted to ``fit`` (chain, draw, D), iteration on ``iterate``."""
    n_chain, n_draw, dim = iterate.shape
    mean, chol = _gaussian(fit.reshape(-1, dim))
    post = iterate.reshape(-1, dim)
    l1, l2, l_gauss = _log_ratios(post, mean, chol, log_density, rng, proposal)
    if not np.all(np.isfinite(l1)):
        raise ValueError(
            "the model's log density is -inf or NaN at some posterior draws; the draws do not "
            "come from this model's posterior."
        )
    # ESS of l1 = ESS of f2 (rank-based bulk ESS is invariant to the monotone map l1 ↦ f2).
    n_eff = float(min(azs.ess(l1.reshape(n_chain, n_draw), method="bulk"), l1.size))
    log_s1 = np.log(n_eff / (n_eff + l2.size))
    log_s2 = np.log(l2.size / (n_eff + l2.size))
    shift = float(np.median(l1))
    log_r = _bridge_log_ratio(l1 - shift, l2 - shift, log_s1, log_s2)
    re2 = _relative_mse(l1 - shift, l2 - shift, log_r, log_s1, log_s2, n_eff)
    chain_z, chain_se = _chain_log_z(l1 - shift - log_r, log_s1, log_s2, n_chain)
    finite = l_gauss[np.isfinite(l_gauss)]
    khat = azs.base.array_stats.pareto_khat(
        finite, chain_axis=None, draw_axis=-1, r_eff=1.0, tail="right", log_weights=True
    )
    return {
        "log_z": log_r + shift,
        "se": float(np.sqrt(re2)),
        "n_eff": n_eff,
        "pareto_khat": float(khat),
        "log_z_chains": log_r + shift + chain_z,
        "se_chains": chain_se,
    }


def _chain_log_z(
    l1: np.ndarray, log_s1: float, log_s2: float, n_chain: int
) -> tuple[np.ndarray, np.ndarray]:
    r"""Each chain's log Z relative to the pooled one, and its se (posterior side only).

    The bridge's denominator is the mean of :math:`f_2 = g/(s_1 p + s_2 g)` over the posterior
    draws (``l1`` = log p − log g at the pooled Ẑ); chain c alone would put its own mean
    :math:`\bar f_{2,c}` there, so to first order :math:`\log\hat Z_c = \log\hat Z -
    \log(\bar f_{2,c}/\bar f_2)`. Its se is :math:`\mathrm{sd}(f_{2,c})/(\sqrt{E_c}\,\bar
    f_{2,c})` with :math:`E_c` the chain's own ESS; the proposal side is shared by every chain and
    left out, since it cannot make them differ. :math:`f_2 ≤ 1/s_2` is bounded, so its chain
    means are normal for moderate ESS.
    """
    f2 = np.exp(-np.logaddexp(log_s1 + l1, log_s2)).reshape(n_chain, -1)
    means = f2.mean(axis=1)
    ess = np.clip(within_chain_ess(f2, method="mean"), 1.0, f2.shape[1])
    se = f2.std(axis=1, ddof=1) / (np.sqrt(ess) * means)
    return -np.log(means / f2.mean()), se


def bridge_draws(
    theta: np.ndarray,
    log_density: Callable[[np.ndarray], np.ndarray],
    rng: np.random.Generator,
    proposal: str = PROPOSALS[0],
) -> tuple[float, float, dict[str, Any], list[str]]:
    """Bridge-sampling log Z from unconstrained draws ``theta`` (chain, draw, D), both ways round.

    Returns ``(log_z, se, diagnostics, problems)``; ``problems`` maps each kind of doubt
    (:class:`~pymc_slt.evidence.result.Doubt`: ``CHAINS``, ``RHAT``, ``HALVES``, ``GAUSSIAN``)
    to its message, and is empty if nothing looks wrong.
    The draws are split along ``draw`` into halves A and B: the estimate with the proposal fitted
    to A and the iteration on B, and the one with the roles swapped, are averaged. Their standard
    errors are averaged too, which bounds the se of the mean whatever the correlation of the two.
    ``log_density`` maps rows (S, D) to the unnormalized log posterior (S,), e.g.
    :func:`~pymc_slt.evidence.unconstrained.log_density_fn`.
    """
    if proposal not in PROPOSALS:
        raise ValueError(f"proposal must be one of {list(PROPOSALS)}, got {proposal!r}.")
    n_chain, n_draw, _ = theta.shape
    if n_draw < 20:
        raise ValueError(
            f"bridge sampling needs at least 20 draws per chain, got {n_draw}; draws=1000 is "
            "a good start."
        )
    half = n_draw // 2
    first, second = theta[:, :half], theta[:, half : 2 * half]
    forward = _one_direction(first, second, log_density, rng, proposal)
    backward = _one_direction(second, first, log_density, rng, proposal)
    log_z = 0.5 * (forward["log_z"] + backward["log_z"])
    se = 0.5 * (forward["se"] + backward["se"])
    gap = abs(forward["log_z"] - backward["log_z"])
    gap_z = gap / np.hypot(forward["se"], backward["se"])
    rhat, bound = rhat_excess(theta, CHAIN_TEST_ALPHA)
    worst = int(np.nanargmax(rhat - bound)) if n_chain > 1 else 0
    # each chain's log Z from the half it iterated on in each direction (independent halves)
    chain_z = 0.5 * (forward["log_z_chains"] + backward["log_z_chains"])
    chain_se = 0.5 * np.hypot(forward["se_chains"], backward["se_chains"])
    chain_p = chain_agreement(chain_z, chain_se)
    khat = max(forward["pareto_khat"], backward["pareto_khat"])
    problems: dict[Doubt, str] = {}
    if np.isfinite(chain_p) and chain_p < CHAIN_TEST_ALPHA:
        problems[Doubt.CHAINS] = (
            "the chains' own log Z disagree beyond their standard errors ("
            + ", ".join(f"{z:.2f} ± {e:.2f}" for z, e in zip(chain_z, chain_se, strict=True))
            + f"; p = {chain_p:.1e}): the chains weigh different parts of the posterior"
        )
    if n_chain > 1 and (rhat[worst] > bound[worst] or np.nanmax(rhat) > RHAT_SEPARATED):
        j = worst if rhat[worst] > bound[worst] else int(np.nanargmax(rhat))
        limit = min(bound[j], RHAT_SEPARATED) if rhat[j] > RHAT_SEPARATED else bound[j]
        problems[Doubt.RHAT] = (
            f"chains disagree (r_hat {rhat[j]:.3f} of parameter {j} exceeds {limit:.3f}: "
            f"{RHAT_SEPARATED}, or the bound healthy chains of this length pass with "
            f"probability {1 - CHAIN_TEST_ALPHA}): the posterior may be multimodal and the "
            "draws may not weigh its modes correctly"
        )
    if gap_z > HALVES_Z_MAX:
        problems[Doubt.HALVES] = (
            f"the two halves of the draws give log Z differing by {gap:.3g} "
            f"({gap_z:.1f} standard errors)"
        )
    if khat > KHAT_MAX:
        problems[Doubt.GAUSSIAN] = (
            f"{POOR_GAUSSIAN} (Pareto k-hat {khat:.2f} > "
            f"{KHAT_MAX}), as for curved, heavy-tailed or multimodal posteriors"
        )
    diagnostics = {
        "proposal": proposal,
        "log_z_halves": (forward["log_z"], backward["log_z"]),
        "se_halves": (forward["se"], backward["se"]),
        "n_eff": (forward["n_eff"], backward["n_eff"]),
        "pareto_khat": khat,
        "max_rhat": float(np.nanmax(rhat)) if n_chain > 1 else np.nan,
        "rhat_bound": float(bound[worst]),
        "log_z_chains": chain_z,
        "se_chains": chain_se,
        "chains_p": chain_p,
        "n_draws": n_chain * n_draw,
        "dim": theta.shape[-1],
    }
    return log_z, se, diagnostics, problems
