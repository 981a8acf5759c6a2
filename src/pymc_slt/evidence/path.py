"""Thermodynamic integration and stepping-stone sampling of log Z over a ladder of β.

Both use draws of :math:`n L_n(w)` at inverse temperatures :math:`0 = β_0 < β_1 < … < β_K = 1`;
rung 0 is the prior, sampled exactly (independent prior draws), the others come from
:func:`pymc_slt.sample_ladder`. Used by :func:`pymc_slt.log_marginal_likelihood` with
``method="thermodynamic"`` or ``method="stepping_stone"``.

References
----------
Friel, N., Hurn, M. & Wyse, J. (2014). Improving power posterior estimation of statistical
evidence. Statistics and Computing 24(5), 709–723. doi:10.1007/s11222-013-9397-1

Xie, W., Lewis, P. O., Fan, Y., Kuo, L. & Chen, M.-H. (2011). Improving marginal likelihood
estimation for Bayesian phylogenetic model selection. Systematic Biology 60(2), 150–160.
doi:10.1093/sysbio/syq085

Gelman, A. & Meng, X.-L. (1998). Simulating normalizing constants: from importance sampling to
bridge sampling to path sampling. Statistical Science 13(2), 163–185. doi:10.1214/ss/1028905934
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import arviz_stats as azs
import numpy as np
import pymc as pm
import xarray as xr
from scipy.special import logsumexp

from pymc_slt.base.chains import chain_agreement, within_chain_ess
from pymc_slt.base.loglik import energy
from pymc_slt.evidence.bridge import CHAIN_TEST_ALPHA
from pymc_slt.evidence.result import EvidenceJob, EvidenceResult, warn_problems
from pymc_slt.models.prior_draws import draw_prior, prior_log_weights
from pymc_slt.sampling.loglik import log_likelihood
from pymc_slt.sampling.samplers import NUTS
from pymc_slt.sampling.tempered import n_parameters, sample_ladder

__all__ = [
    "ladder_energies",
    "prior_energy",
    "run_ladder",
    "stepping_stone",
    "thermodynamic",
    "thermodynamic_length",
    "thermodynamic_schedule",
]

#: The corrected trapezoid rule errs by O(h⁴): halving the rungs multiplies the error by 2⁴.
_RICHARDSON = 2**4 - 1


def prior_energy(
    model: pm.Model, draws: int, random_seed: int | None
) -> tuple[np.ndarray, np.ndarray | None]:
    r""":math:`n L_n(w)` at ``draws`` independent prior draws (``pm.draw``), shape ``(1, draws)``,
    and the draws' log weights :math:`\log c(w)` (``None`` when all are 0).

    Draws where the likelihood is zero or undefined get :math:`n L_n = +∞` (weight 0). The
    weights correct ``pm.draw``'s forward prior to the model's own (its ``pm.Potential`` terms,
    and transforms such as ``ordered`` that keep part of the support without renormalizing):
    see :mod:`pymc_slt.models.prior_draws`.
    """
    prior = draw_prior(model, draws, random_seed)
    values = energy(log_likelihood(model, prior)).transpose("chain", "draw").values
    return np.where(np.isnan(values), np.inf, values), prior_log_weights(model, prior)


def ladder_energies(ladder: xr.DataTree) -> tuple[np.ndarray, list[np.ndarray]]:
    """β of each rung of a :func:`pymc_slt.sample_ladder` tree and its ``n L_n`` (chain, draw)."""
    rungs = _rungs(ladder)
    betas = np.array([float(child.attrs["beta"]) for child in rungs])
    return betas, [energy(child).transpose("chain", "draw").values for child in rungs]


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


#: NUTS settings of the ladder's rungs unless the sampler value sets ``target_accept``.
#: nutpie's default 0.8 leaves divergences near funnels and singularities that bias the rungs'
#: mean energies: over the 11 continuous gallery models × 4 seeds, against their exact or
#: quadrature log Z, stepping stone at 0.8 was off by more than 2 se in 9 of 44 runs (the
#: centred eight schools by 2.0-3.1 se in 3 of 4), at 0.95 in 3 of 44; the rms of error/se fell
#: from 1.34 to 1.01 for 1.16× the time (``benchmarks/stepping_stone_target_accept.py``). On a
#: tanh network with H = 2 the errors fell from up to 0.73 nat to within 0.23
#: (``benchmarks/neural_evidence.py h2``).
LADDER_NUTS = {"target_accept": 0.95}
#: Bounds on the default number of rungs, which is about the thermodynamic length Λ.
_N_BETAS_RANGE = (16, 64)
#: Stepping stone and TI on one ladder that differ by more than this many (combined) se disagree.
_CROSS_CHECK_Z = 3.0
#: A stepping stone whose weights keep less than this fraction of their draws is too long.
_MIN_STEP_EFFICIENCY = 0.1
#: The default ladder's first NUTS rung is the largest β whose importance weights on the exact
#: prior draws keep this fraction of them: below it the prior draws themselves carry the
#: estimate, and NUTS never samples a tempered posterior that is still the prior.
PRIOR_STEP_EFFICIENCY = 0.3
#: A rung with more than this fraction of divergent transitions biases its mean energy; the
#: ladder's estimate is then not healthy (an :class:`EvidenceWarning`, and no answer as a check
#: of bridge sampling). On the probit regression of issue 26's trial, before its likelihood was
#: kept finite, the rungs near β = 0 had 44 %, 28 % and 14 % and the estimate was 2.8 se off; on
#: the centred eight schools the rung at β = 1 has about 1.5 % and stepping stone is within
#: 0.05 nat of the exact log Z (``benchmarks/se_coverage.py``).
RUNG_DIVERGENCE_SHARE_MAX = 0.05


def run_ladder(job: EvidenceJob) -> EvidenceResult:
    """:class:`EvidenceResult` of a ladder method (``job.method``, ``"stepping_stone"`` or
    ``"thermodynamic"``): prior draws, the β ladder (``job.options`` ``betas`` or ``n_betas``,
    else the default schedule; or ``job.data``), the estimator and its cross-check."""
    model, method, data, seeds, spec = job.model, job.method, job.data, job.seeds, job.sampler
    betas, n_betas = job.options.get("betas"), job.options.get("n_betas")
    prior, prior_log_w = prior_energy(model, spec.draws * spec.chains, seeds[0])
    kept = np.isfinite(prior) if prior_log_w is None else np.isfinite(prior + prior_log_w)
    finite = prior[kept]
    prior_var = float(np.var(finite)) if finite.size > 1 else 0.0
    dim = n_parameters(model)
    length = thermodynamic_length(dim, prior_var)
    if data is None:
        if betas is None:
            low, high = _N_BETAS_RANGE
            k = n_betas if n_betas is not None else int(np.clip(np.ceil(length), low, high))
            betas = thermodynamic_schedule(k, dim, prior_var)
            first = prior_step(prior, prior_log_w, PRIOR_STEP_EFFICIENCY)
            if betas[0] < first < 0.5:  # the prior draws carry the path up to `first`
                betas = thermodynamic_schedule(k, dim, prior_var, start=first)
        if isinstance(spec, NUTS) and spec.target_accept is None:
            spec = replace(spec, target_accept=LADDER_NUTS["target_accept"])
        data = sample_ladder(
            model, betas, sampler=spec, random_seed=seeds[1], progressbar=job.progressbar
        )
    rung_betas, energies = ladder_energies(data)
    if not np.isclose(rung_betas[-1], 1.0):
        raise ValueError(
            f"the ladder's top rung is beta={rung_betas[-1]:.4g}; it must be 1.0 (the posterior)."
        )
    all_betas = np.r_[0.0, rung_betas]
    all_energies = [prior, *energies]
    estimator, other = (
        (stepping_stone, thermodynamic)
        if method == "stepping_stone"
        else (thermodynamic, stepping_stone)
    )
    log_z, se, diagnostics = estimator(all_betas, all_energies, prior_log_w)
    diagnostics["cross_check"], disagreement = cross_check(
        other, all_betas, all_energies, prior_log_w, log_z, se
    )
    diagnostics = {
        "betas": all_betas,
        "thermodynamic_length": length,
        **diagnostics,
    }
    if prior_log_w is not None:
        diagnostics["prior_log_mass"] = _logmeanexp(prior_log_w)
    problems = _ladder_problems(method, all_betas, all_energies, diagnostics, prior_log_w)
    problems += [disagreement] if disagreement else []
    divergences = np.array(
        [int(child.attrs.get("n_divergences", 0)) for child in _rungs(data)], dtype=int
    )
    diagnostics["divergences"] = divergences
    share = divergences / np.array([e.size for e in energies])
    if np.any(share > RUNG_DIVERGENCE_SHARE_MAX):
        worst = int(np.argmax(share))
        problems.append(
            f"{divergences.sum()} divergent transitions at the rungs, {share[worst]:.1%} of the "
            f"draws at beta={rung_betas[worst]:.3g} (> {RUNG_DIVERGENCE_SHARE_MAX:.0%}), which "
            "biases the rungs' mean energies"
        )
    problem = _rung_chains(all_betas, energies, se, diagnostics)
    problems += [problem] if problem else []
    diagnostics["problems"] = tuple(problems)
    warn_problems(
        problems,
        "increase n_betas (or draws), or sampler=slt.NUTS(target_accept=0.99); for chains in "
        "different modes, method='hmc_smc'",
    )
    return EvidenceResult(log_z, se, method, diagnostics)


def _rung_chains(betas: np.ndarray, energies: list[np.ndarray], se: float, diagnostics) -> str:
    """A problem if the rungs' chains sit in modes of different mass enough to move log Z.

    At each rung, Cochran's Q tests whether the chains agree on the mean energy, each chain's se
    from its own ESS (:func:`pymc_slt.base.chains.chain_agreement`, level
    :data:`~pymc_slt.evidence.bridge.CHAIN_TEST_ALPHA` over the rungs). Modes of equal mass (a
    symmetry: label switching, sign flips) have equal mean energy, so chains stuck in them agree;
    chains in modes the rung weighs wrongly do not. A significant rung matters by how far it can
    move log Z: half the spread of its chains' means times its trapezoid width in β. The ladder
    is unhealthy when those add up to more than its se. Stores ``rung_chains_p`` and
    ``rung_chains_nat`` (the sum) in ``diagnostics``.

    On a·b·x (mirror modes) with 6 × 300 draws a rung at β = 1 had p = 5·10⁻⁵ from one chain's
    underestimated ESS, but a spread of 0.26 nat at width 0.05 (0.007 nat, se 0.04); on the
    one-factor model of exchange rates ten rungs had p < 10⁻⁶ and spreads of 15–33 nat.
    """
    p_values, spreads = np.full(len(energies), np.nan), np.zeros(len(energies))
    for k, e in enumerate(energies):
        if e.shape[0] >= 2 and e.shape[1] >= 4 and np.all(np.isfinite(e)):
            means = e.mean(axis=1)
            ses = e.std(axis=1, ddof=1) / np.sqrt(within_chain_ess(e, method="mean"))
            p_values[k], spreads[k] = chain_agreement(means, ses), np.ptp(means)
    # trapezoid width of rung j over the ladder 0 = β_0 < … < β_K = 1: (β_{j+1} − β_{j−1}) / 2
    widths = (np.diff(np.r_[betas, betas[-1]])[1:] + np.diff(betas)) / 2
    significant = p_values < CHAIN_TEST_ALPHA / len(energies)
    moved = float(np.sum(widths[significant] * spreads[significant] / 2))
    diagnostics["rung_chains_p"], diagnostics["rung_chains_nat"] = p_values, moved
    if moved <= se:
        return ""
    where = betas[1:][significant]
    return (
        f"the chains of {significant.sum()} rung(s) (beta {where.min():.3g} to {where.max():.3g}) "
        f"disagree on their mean energy (smallest p = {np.nanmin(p_values):.1e}) by enough to "
        f"move log Z by up to {moved:.3g} nat, more than its se: they sit in modes of different "
        "mass, which no rung weighs"
    )


def prior_step(energies: np.ndarray, log_weights: np.ndarray | None, efficiency: float) -> float:
    """The largest β at which importance weights :math:`c\\,e^{-β\\, nL_n}` of the prior draws
    keep ``efficiency`` of them (Kish's ESS / N); 1.0 if they do all the way.

    Found by bisection on log β (the efficiency falls as β grows). Draws of zero likelihood
    (``nL_n = +∞``) have weight 0 at every β > 0.
    """
    base = np.zeros_like(energies) if log_weights is None else log_weights

    def kept(beta: float) -> float:
        return _kish_share(base - beta * energies)

    if kept(1.0) >= efficiency:
        return 1.0
    low, high = -30.0, 0.0  # log β
    for _ in range(60):
        mid = 0.5 * (low + high)
        low, high = (mid, high) if kept(float(np.exp(mid))) >= efficiency else (low, mid)
    return float(np.exp(low))


def _rungs(ladder: xr.DataTree) -> list[xr.DataTree]:
    """The rungs of a :func:`pymc_slt.sample_ladder` tree in ascending β."""
    return sorted(ladder.children.values(), key=lambda child: float(child.attrs["beta"]))


def cross_check(
    other: Callable, betas, energies, prior_log_w, log_z: float, se: float
) -> tuple[tuple[str, float, float], str | None]:
    """The other ladder rule on the same draws: ``((name, log Z, se), problem or None)``.

    Stepping stone and thermodynamic integration estimate the same log Z from the same rungs
    by different rules (a product of importance ratios; a quadrature of mean energies). A gap
    beyond ``_CROSS_CHECK_Z`` combined se means one of them is biased, usually by too few rungs.
    """
    check_z, check_se, _ = other(betas, energies, prior_log_w)
    gap = abs(check_z - log_z)
    problem = None
    if gap > _CROSS_CHECK_Z * np.hypot(check_se, se):
        problem = (
            f"{other.__name__} on the same draws gives {check_z:.3f} ± {check_se:.3f}, "
            f"{gap:.3g} nat from {log_z:.3f} ± {se:.3f}"
        )
    return (other.__name__, check_z, check_se), problem


def _ladder_problems(method, betas, energies, diagnostics, prior_log_w) -> list[str]:
    """Steps too long for their weights (any method), or discretisation dominating (TI)."""
    problems = []
    for k, (e, step) in enumerate(zip(energies[:-1], np.diff(betas), strict=True)):
        log_w = -step * (e - np.min(e))
        if k == 0 and prior_log_w is not None:
            log_w = log_w + prior_log_w
        efficiency = _kish_share(log_w)
        if efficiency < _MIN_STEP_EFFICIENCY:
            problems.append(
                f"the step from beta={betas[k]:.3g} to {betas[k + 1]:.3g} is too long (its "
                f"importance weights keep {efficiency:.1%} of the draws)"
            )
            break
    if method == "thermodynamic":
        mc, disc = diagnostics["se_monte_carlo"], diagnostics["se_discretisation"]
        if np.isfinite(disc) and disc > mc:
            problems.append(
                f"the discretisation error ({disc:.3g}) exceeds the Monte-Carlo error ({mc:.3g})"
            )
    return problems


def _kish_share(log_w: np.ndarray) -> float:
    """Kish's effective sample size of weights :math:`e^{\\log w}` as a share of their number,
    :math:`(\\sum w)^2 / (N \\sum w^2)`."""
    return float(np.exp(2 * _logmeanexp(log_w) - _logmeanexp(2 * log_w)))


def _logmeanexp(x: np.ndarray) -> float:
    return float(logsumexp(x) - np.log(x.size))
