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

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
import pymc as pm
import xarray as xr

from pymc_slt._validate import validate_betas, validate_positive_int
from pymc_slt.base.bridge import CHAIN_TEST_ALPHA
from pymc_slt.base.chains import chain_agreement, within_chain_ess
from pymc_slt.base.ladder import (
    kish_share,
    logmeanexp,
    prior_step,
    stepping_stone,
    thermodynamic,
    thermodynamic_length,
    thermodynamic_schedule,
)
from pymc_slt.base.loglik import energy
from pymc_slt.base.spec import Spec, named_check
from pymc_slt.evidence.result import EvidenceJob, EvidenceResult, warn_problems
from pymc_slt.models.prior_draws import draw_prior, prior_log_weights
from pymc_slt.sampling.loglik import log_likelihood
from pymc_slt.sampling.samplers import NUTS
from pymc_slt.sampling.tempered import n_parameters, sample_ladder

__all__ = [
    "SteppingStone",
    "Thermodynamic",
    "ladder_energies",
    "prior_energy",
    "run_ladder",
]


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


#: NUTS settings of the ladder's rungs unless the sampler value sets ``target_accept``.
#: nutpie's default 0.8 leaves divergences near funnels and singularities that bias the rungs'
#: mean energies; 0.95 was chosen by the error/se of stepping stone against exact and quadrature
#: log Z on the gallery models and on a tanh network, at both settings (docs/benchmarks.md,
#: "Stepping stone's target_accept on users' models"; ``benchmarks/stepping_stone_target_accept.py``
#: and ``benchmarks/neural_evidence.py h2``).
LADDER_NUTS = {"target_accept": 0.95}
#: Bounds on the default number of rungs, which is about the thermodynamic length Λ.
_N_BETAS_RANGE = (16, 64)


@dataclass(frozen=True, kw_only=True, repr=False)
class _Ladder(Spec):
    """The options both ladder methods share: the rungs, or how many."""

    betas: tuple[float, ...] | None = None
    n_betas: int | None = None

    def __post_init__(self) -> None:
        family = type(self).__name__
        if self.betas is not None and self.n_betas is not None:
            raise ValueError(f"{family}: give betas or n_betas, not both.")
        if self.n_betas is not None:
            validate_positive_int(self.n_betas, f"{family}(n_betas=…)", minimum=2)
        if self.betas is None:
            return
        arr = np.sort(named_check(family, validate_betas, self.betas))
        if arr[-1] != 1.0 or arr.size < 2:
            raise ValueError(
                f"{family}(betas=…) must rise to 1.0 (the posterior) in at least two rungs in "
                f"(0, 1], got {arr.tolist()}; β = 0 (the prior) is added from prior draws."
            )
        object.__setattr__(self, "betas", tuple(float(b) for b in arr))


@dataclass(frozen=True, kw_only=True, repr=False)
class SteppingStone(_Ladder):
    """``method=slt.SteppingStone(…)`` of :func:`pymc_slt.log_marginal_likelihood`: stepping-stone
    sampling (Xie et al. 2011) over a ladder of tempered posteriors.

    Parameters
    ----------
    betas : sequence of float, optional
        Rungs in (0, 1] ending at 1.0; β = 0 is always added from exact prior draws. Default:
        ``n_betas`` rungs equally spaced in thermodynamic length
        (:func:`~pymc_slt.base.ladder.thermodynamic_schedule`).
    n_betas : int, optional
        Rungs of the default ladder; default about the thermodynamic length Λ, within [16, 64].
    """

    name: ClassVar[str] = "stepping_stone"


@dataclass(frozen=True, kw_only=True, repr=False)
class Thermodynamic(_Ladder):
    """``method=slt.Thermodynamic(…)`` of :func:`pymc_slt.log_marginal_likelihood`: thermodynamic
    integration with the corrected trapezoid rule (Friel et al. 2014) over the same ladder as
    :class:`SteppingStone`, with the same options."""

    name: ClassVar[str] = "thermodynamic"


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
#: of bridge sampling). The bound separates a ladder biased by divergent rungs from the centred
#: eight schools' healthy one (docs/evidence.md, "Does the check's se cover its error?";
#: ``benchmarks/se_coverage.py``).
RUNG_DIVERGENCE_SHARE_MAX = 0.05


def run_ladder(job: EvidenceJob) -> EvidenceResult:
    """:class:`EvidenceResult` of a ladder method (``job.method``, ``"stepping_stone"`` or
    ``"thermodynamic"``): prior draws, the β ladder (``job.options``: ``betas`` or ``n_betas``,
    else the default schedule; or ``job.data``), the estimator and its cross-check."""
    model, method, data, seeds, spec = job.model, job.method, job.data, job.seeds, job.sampler
    betas, n_betas = job.options.betas, job.options.n_betas
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
        diagnostics["prior_log_mass"] = logmeanexp(prior_log_w)
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
    :data:`~pymc_slt.base.bridge.CHAIN_TEST_ALPHA` over the rungs). Modes of equal mass (a
    symmetry: label switching, sign flips) have equal mean energy, so chains stuck in them agree;
    chains in modes the rung weighs wrongly do not. A significant rung matters by how far it can
    move log Z: half the spread of its chains' means times its trapezoid width in β. The ladder
    is unhealthy when those add up to more than its se. Stores ``rung_chains_p`` and
    ``rung_chains_nat`` (the sum) in ``diagnostics``. Significance alone is not enough: one
    chain's underestimated ESS makes a rung of mirror modes significant while it moves log Z by
    far less than its se (docs/evidence.md, "The default path on real data").
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
        efficiency = kish_share(log_w)
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
