"""The array mathematics of the ladder methods: the β schedule, stepping-stone sums and the
corrected trapezoid rule of thermodynamic integration (NumPy, SciPy and arviz-stats only).

:mod:`pymc_slt.evidence.path` samples the rungs and calls these; the formulas are in
:func:`pymc_slt.log_marginal_likelihood`, Notes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import arviz_stats as azs
import numpy as np
from scipy.special import logsumexp

__all__ = [
    "kish_share",
    "logmeanexp",
    "prior_step",
    "stepping_stone",
    "thermodynamic",
    "thermodynamic_length",
    "thermodynamic_schedule",
]

#: The corrected trapezoid rule errs by O(h⁴): halving the rungs multiplies the error by 2⁴.
_RICHARDSON = 2**4 - 1


def thermodynamic_length(dim: int, prior_var: float) -> float:
    """Approximate thermodynamic length :math:`Λ = \\int_0^1 \\sqrt{\\operatorname{Var}_β[nL_n]}dβ`.

    With :math:`\\sqrt{V_β} ≈ 1/(1/\\sqrt{V_0} + β\\sqrt{2/d})` (the prior's spread at small β, the
    regular-model :math:`V_β ≈ d/(2β^2)` at large β), :math:`Λ ≈ \\sqrt{d/2}\\,\\log(1 + 1/β_c)`
    with :math:`β_c = \\sqrt{d/(2V_0)}`.
    """
    beta_c = _crossover(dim, prior_var)
    if not np.isfinite(beta_c):
        return float(np.sqrt(prior_var))
    return float(np.sqrt(dim / 2) * np.log1p(1 / beta_c))


def _crossover(dim: int, prior_var: float) -> float:
    """β_c where the prior's spread of n L_n meets the posterior's d/(2β²)."""
    if not np.isfinite(prior_var) or prior_var <= 0:
        return np.inf
    return float(np.sqrt(dim / (2 * prior_var)))


def thermodynamic_schedule(
    n_betas: int, dim: int, prior_var: float, start: float | None = None
) -> np.ndarray:
    """β_1 < … < β_K = 1 in equal steps of the approximate thermodynamic length.

    .. math::

        β_k = β_c\\left[(1 + 1/β_c)^{u_k} - 1\\right],\\qquad β_c = \\sqrt{d / (2 V_0)},

    with :math:`u_k = k/K`: linear in k below the crossover β_c (the posterior still looks like
    the prior, whose energy variance is :math:`V_0`) and geometric above it (where
    :math:`\\operatorname{Var}_β[nL_n] ≈ d/(2β^2)` for a regular model; a singular one has
    λ < d/2 and a smaller variance). With ``start``, the K rungs run from β_1 = ``start`` to 1
    in equal steps of u (the part of the path below ``start`` is left to the prior draws).
    """
    beta_c = _crossover(dim, prior_var)
    if start is None:
        t = np.arange(1, n_betas + 1) / n_betas
    else:
        u0 = start if not np.isfinite(beta_c) else np.log1p(start / beta_c) / np.log1p(1 / beta_c)
        t = u0 + (1 - u0) * np.arange(n_betas) / max(n_betas - 1, 1)
    if not np.isfinite(beta_c):
        return t
    betas = beta_c * np.expm1(t * np.log1p(1 / beta_c))
    betas[-1] = 1.0
    return betas


def _log_mean_exp_step(
    energies: np.ndarray, step: float, log_weights: np.ndarray | None = None
) -> tuple[float, float]:
    """:math:`\\log E[c\\,\\exp(-Δβ\\, nL_n)]` from draws (chain, draw), and its Monte-Carlo
    variance; :math:`\\log c` is ``log_weights`` (0 if ``None``).

    The variance is the delta-method :math:`\\operatorname{Var}(\\hat r)/r^2` with the ESS of the
    weights (Xie et al. 2011 with autocorrelated draws).
    """
    log_w = -step * energies if log_weights is None else log_weights - step * energies
    shift = float(np.max(log_w))
    log_r = float(logsumexp(log_w - shift) - np.log(log_w.size) + shift)
    w = np.exp(log_w - shift)
    mean_w = float(np.mean(w))
    ess = _ess(w)
    return log_r, float(np.var(w, ddof=1) / (ess * mean_w**2))


def _ess(draws: np.ndarray) -> float:
    """ESS for the mean of ``draws`` (chain, draw), at most their number."""
    ess = float(azs.ess(draws, method="mean", chain_axis=0, draw_axis=1))
    return min(ess, float(draws.size)) if np.isfinite(ess) else float(draws.size)


def stepping_stone(
    betas: Sequence[float],
    energies: Sequence[np.ndarray],
    prior_log_weights: np.ndarray | None = None,
) -> tuple[float, float, dict[str, Any]]:
    """Stepping-stone log Z over rungs ``betas`` (β_0 = 0 first, β_K = 1 last).

    ``prior_log_weights`` (:math:`\\log c`, see :func:`prior_energy`) weight the β = 0 draws when
    they come from ``pm.draw``'s forward prior rather than the model's; the first factor is then
    :math:`E_q[c\\, e^{-β_1 nL_n}]`, which also counts the prior mass the model leaves out.

    .. math::

        \\log Z = \\sum_{k=0}^{K-1} \\log E_{β_k}\\!\\left[e^{-(β_{k+1}-β_k)\\, nL_n(w)}\\right]
    """
    betas = np.asarray(betas, dtype=float)
    steps = [
        _log_mean_exp_step(e, float(db), prior_log_weights if k == 0 else None)
        for k, (e, db) in enumerate(zip(energies[:-1], np.diff(betas), strict=True))
    ]
    log_r = np.array([s[0] for s in steps])
    var = np.array([s[1] for s in steps])
    diagnostics = {"log_ratios": log_r, "se_steps": np.sqrt(var)}
    return float(np.sum(log_r)), float(np.sqrt(np.sum(var))), diagnostics


def _ti_rule(
    betas: np.ndarray, means: np.ndarray, variances: np.ndarray
) -> tuple[float, float, np.ndarray]:
    """Trapezoid and variance-corrected trapezoid of :math:`-E_β[nL_n]` over ``betas``.

    Returns ``(corrected, trapezoid, weights)``, ``weights`` being those of ``means`` in the
    trapezoid sum.
    """
    h = np.diff(betas)
    trapezoid = float(-np.sum(h * (means[1:] + means[:-1])) / 2)
    correction = float(-np.sum(h**2 * np.diff(variances)) / 12)
    weights = np.zeros_like(means)
    weights[1:] += h / 2
    weights[:-1] += h / 2
    return trapezoid + correction, trapezoid, weights


def thermodynamic(
    betas: Sequence[float],
    energies: Sequence[np.ndarray],
    prior_log_weights: np.ndarray | None = None,
) -> tuple[float, float, dict[str, Any]]:
    """Thermodynamic-integration log Z over rungs ``betas`` (β_0 = 0 first, β_K = 1 last).

    The segment [0, β_1] is the stepping stone from the prior draws; [β_1, 1] uses the
    variance-corrected trapezoid rule of Friel et al. (2014); ``prior_log_weights`` weight the
    prior draws as in :func:`stepping_stone`. The error combines the Monte-Carlo
    variance of every rung mean and the discretisation error, estimated by Richardson
    extrapolation against the rule on every other rung.
    """
    betas = np.asarray(betas, dtype=float)
    prior, rungs = energies[0], list(energies[1:])
    means = np.array([float(np.mean(e)) for e in rungs])
    variances = np.array([float(np.var(e, ddof=1)) for e in rungs])
    mc_var = np.array([v / _ess(e) for v, e in zip(variances, rungs, strict=True)])

    def estimate(idx: np.ndarray) -> tuple[float, float, float, float]:
        head, head_var = _log_mean_exp_step(prior, float(betas[1:][idx[0]]), prior_log_weights)
        corrected, trapezoid, weights = _ti_rule(betas[1:][idx], means[idx], variances[idx])
        var = head_var + float(np.sum(weights**2 * mc_var[idx]))
        return head + corrected, head + trapezoid, var, head

    fine = np.arange(len(rungs))
    log_z, trapezoid, var, head = estimate(fine)
    coarse = fine[::-1][::2][::-1]
    discretisation = abs(log_z - estimate(coarse)[0]) / _RICHARDSON if len(coarse) > 1 else np.nan
    se = float(np.sqrt(var + np.nan_to_num(discretisation) ** 2))
    diagnostics = {
        "trapezoid": trapezoid,
        "prior_segment": head,
        "se_monte_carlo": float(np.sqrt(var)),
        "se_discretisation": discretisation,
        "mean_energy": means,
        "var_energy": variances,
    }
    return log_z, se, diagnostics


def prior_step(energies: np.ndarray, log_weights: np.ndarray | None, efficiency: float) -> float:
    """The largest β at which importance weights :math:`c\\,e^{-β\\, nL_n}` of the prior draws
    keep ``efficiency`` of them (Kish's ESS / N); 1.0 if they do all the way.

    Found by bisection on log β (the efficiency falls as β grows). Draws of zero likelihood
    (``nL_n = +∞``) have weight 0 at every β > 0.
    """
    base = np.zeros_like(energies) if log_weights is None else log_weights

    def kept(beta: float) -> float:
        return kish_share(base - beta * energies)

    if kept(1.0) >= efficiency:
        return 1.0
    low, high = -30.0, 0.0  # log β
    for _ in range(60):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if kept(float(np.exp(mid))) >= efficiency else (low, mid)
    return float(np.exp(low))


def kish_share(log_w: np.ndarray) -> float:
    """Kish's effective sample size of weights :math:`e^{\\log w}` as a share of their number,
    :math:`(\\sum w)^2 / (N \\sum w^2)`."""
    return float(np.exp(2 * logmeanexp(log_w) - logmeanexp(2 * log_w)))


def logmeanexp(x: np.ndarray) -> float:
    return float(logsumexp(x) - np.log(x.size))
