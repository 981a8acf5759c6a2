"""log Z by sequential Monte Carlo: independent SMC runs, each an unbiased estimate of Z.

``method="smc"`` runs ``pm.sample_smc``; ``method="hmc_smc"`` the HMC-move tempered SMC of
:mod:`pymc_slt.sampling.hmc_smc`, whose ``sample_stats`` hold each run's log Z the same way.

The per-chain values are read and pooled by :mod:`pymc_slt.base.smc`; the method is described in
:func:`pymc_slt.log_marginal_likelihood` (Notes, **SMC**).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np
from scipy import stats

from pymc_slt.base.smc import combine_chains, final_log_marginal_likelihood, infinite_chains
from pymc_slt.base.spec import Spec
from pymc_slt.evidence.result import EvidenceJob, EvidenceResult, warn_problems
from pymc_slt.sampling.pymc_smc import run_smc
from pymc_slt.sampling.tempered import sample_tempered

__all__ = [
    "SPREAD_MAX",
    "HMCSMCEvidence",
    "SMCEvidence",
    "run_hmc_smc_evidence",
    "run_smc_evidence",
    "t_factor",
]


@dataclass(frozen=True, kw_only=True, repr=False)
class SMCEvidence(Spec):
    """``method="smc"`` of :func:`pymc_slt.log_marginal_likelihood`: log Z from
    ``pm.sample_smc``'s runs. It has no options of its own; its sampler (an
    :class:`~pymc_slt.SMC`) holds the particles, chains and ``pm.sample_smc`` options."""

    name: ClassVar[str] = "smc"


@dataclass(frozen=True, kw_only=True, repr=False)
class HMCSMCEvidence(Spec):
    """``method="hmc_smc"`` of :func:`pymc_slt.log_marginal_likelihood`: log Z from adaptive
    tempered SMC with HMC moves. It has no options of its own; its sampler (an
    :class:`~pymc_slt.HMCSMC`) holds them."""

    name: ClassVar[str] = "hmc_smc"


#: Independent runs whose log Z spread more than this (sd, nat) have degenerate weights.
SPREAD_MAX = 0.5
#: An HMC-SMC run has collapsed when a stage's weights kept less than this share of the
#: particles (Kish's ESS; tempering aims at ``target_ess`` = 0.5, and a stage clipped at the end
#: keeps more): its estimate rests on a handful of particles (a run that jumps to β = 1 in one
#: stage, as on a probit GLMM of real data; docs/evidence.md, "The default path on real data").
MIN_ESS_SHARE = 0.05
#: ... or when its moves were accepted less often than this (its target is 0.7): its particles
#: did not move.
MIN_ACCEPTANCE = 0.01


def t_factor(chains: int) -> float:
    """How much wider a 95 % interval from ``chains`` runs' spread is than a normal one:
    :math:`t_{C-1,\\,0.975} / z_{0.975}` (1.62 for 4 runs, 6.5 for 2).

    The se of the pooled log Z is the runs' sd over √C, itself estimated from C runs, so the
    error over it is Student-t with C − 1 degrees of freedom: with 4 runs ±2 of those se cover the
    truth about 86 % of the time, not 95 % (the measured coverage is in docs/evidence.md, "Does
    the check's se cover its error?"; ``benchmarks/se_coverage.py``). The reported se is that sd
    scaled by this
    factor, so that ±2 se is a 95 % interval as for the other methods; ``diagnostics["se_sd"]``
    keeps the unscaled one.
    """
    return float(stats.t.ppf(0.975, chains - 1) / stats.norm.ppf(0.975))


def run_smc_evidence(job: EvidenceJob) -> EvidenceResult:
    """:class:`EvidenceResult` of ``method="smc"``: run (or reuse ``job.data``) and pool the
    chains."""
    data, spec = job.data, job.sampler
    if data is None:
        data = run_smc(job.model, spec, seed=job.seeds[0], progressbar=job.progressbar)
    return _pooled(data, "smc")


def run_hmc_smc_evidence(job: EvidenceJob) -> EvidenceResult:
    """:class:`EvidenceResult` of ``method="hmc_smc"``: run to β = 1 (or reuse ``job.data``)
    and pool the runs."""
    data = job.data
    if data is None:
        data = sample_tempered(
            job.model, 1.0, sampler=job.sampler, random_seed=job.seeds[0],
            progressbar=job.progressbar,
        )  # fmt: skip
    stats = data["sample_stats"]
    names = ("n_stages", "mean_acceptance", "n_zero_likelihood", "min_ess_share")
    extra = {name: stats[name].values for name in names if name in stats}
    chains = stats.sizes["chain"]
    bad = np.zeros(chains, bool)
    if "min_ess_share" in extra:
        bad |= extra["min_ess_share"] < MIN_ESS_SHARE
    if "mean_acceptance" in extra:
        bad |= extra["mean_acceptance"] < MIN_ACCEPTANCE
    return _pooled(data, "hmc_smc", extra, [int(c) for c in np.flatnonzero(bad)])


def _pooled(
    data, method: str, extra: dict | None = None, collapsed: list[int] | None = None
) -> EvidenceResult:
    """Pool the chains' log Z, leaving out the ``collapsed`` ones (never pooled: a run whose
    particles did not move is no estimate), and name what is wrong in ``problems``."""
    all_chains = final_log_marginal_likelihood(data["sample_stats"])
    if all_chains.size < 2:
        raise ValueError(
            "the SMC run has one chain, so there is no standard error; run chains >= 2."
        )
    collapsed = collapsed or []
    kept = np.setdiff1d(np.arange(all_chains.size), collapsed)
    per_chain = all_chains[kept]
    problems = []
    if collapsed:
        rates = [
            f"{label} {', '.join(f'{(extra or {})[key][c]:.3g}' for c in collapsed)}"
            for key, label in (("min_ess_share", "smallest ESS share"), ("mean_acceptance",
                                                                          "acceptance"))
            if key in (extra or {})
        ]  # fmt: skip
        problems.append(
            f"chain(s) {collapsed} collapsed ({'; '.join(rates)}; healthy runs keep an ESS "
            f"share above {MIN_ESS_SHARE} and acceptance above {MIN_ACCEPTANCE}): their "
            "particles degenerated or did not move, so their log Z ("
            + ", ".join(f"{all_chains[c]:.2f}" for c in collapsed)
            + ") is left out of the estimate"
        )
    if per_chain.size >= 2:
        log_z, se_sd = combine_chains(per_chain)
        se = se_sd * t_factor(per_chain.size)
    else:
        log_z = float(per_chain[0]) if per_chain.size else np.nan
        se = se_sd = np.nan
        problems.append(f"fewer than two of the {all_chains.size} chains are left, so no se")
    infinite = infinite_chains(data["sample_stats"])
    if infinite:
        problems.append(
            f"the SMC weights of chain(s) {infinite} became infinite or zero at some stage, so "
            "their log Z is not an estimate"
        )
    spread = float(np.std(per_chain, ddof=1)) if per_chain.size >= 2 else np.nan
    if spread > SPREAD_MAX:
        problems.append(
            f"the {per_chain.size} runs' log Z differ by sd {spread:.2f} nat (> {SPREAD_MAX}): "
            "the particles' weights degenerate at some stage, and the pooled estimate is "
            "biased low by about sd²/2"
        )
    warn_problems(
        problems, "raise draws (particles) or, for method='smc' at d ≳ 5, use method='hmc_smc'"
    )
    diagnostics = {
        "log_z_chains": all_chains,
        "se_dof": per_chain.size - 1,
        "se_sd": se_sd,
        **(extra or {}),
        "collapsed_chains": tuple(collapsed),
        "problems": tuple(problems),
    }
    return EvidenceResult(log_z, se, method, diagnostics)
