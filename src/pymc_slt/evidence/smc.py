"""log Z by sequential Monte Carlo: independent SMC runs, each an unbiased estimate of Z.

``method="smc"`` runs ``pm.sample_smc``; ``method="hmc_smc"`` the HMC-move tempered SMC of
:mod:`pymc_slt.sampling.hmc_smc`, whose ``sample_stats`` hold each run's log Z the same way.

The per-chain values are read and pooled by :mod:`pymc_slt.base.smc`; the method is described in
:func:`pymc_slt.log_marginal_likelihood` (Notes, **SMC**).
"""

from __future__ import annotations

import numpy as np

from pymc_slt.base.smc import combine_chains, final_log_marginal_likelihood, infinite_chains
from pymc_slt.evidence.result import EvidenceResult, warn_problems
from pymc_slt.sampling.pymc_smc import run_smc
from pymc_slt.sampling.tempered import sample_tempered

__all__ = ["SPREAD_MAX", "run_hmc_smc_evidence", "run_smc_evidence"]

#: Independent runs whose log Z spread more than this (sd, nat) have degenerate weights.
SPREAD_MAX = 0.5


def run_smc_evidence(model, data, seed, sampler_kwargs, *, draws, tune, chains, progressbar):
    """:class:`EvidenceResult` of ``method="smc"``: run (or reuse ``data``) and pool the chains."""
    del tune  # SMC has no tuning phase
    if data is None:
        data = run_smc(
            model, draws=draws, chains=chains, seed=seed, progressbar=progressbar,
            sampler_kwargs=sampler_kwargs,
        )  # fmt: skip
    return _pooled(data, "smc")


def run_hmc_smc_evidence(model, data, seed, sampler_kwargs, *, draws, tune, chains, progressbar):
    """:class:`EvidenceResult` of ``method="hmc_smc"``: run to β = 1 (or reuse ``data``) and
    pool the runs."""
    del tune  # SMC has no tuning phase
    if data is None:
        data = sample_tempered(
            model, 1.0, draws=draws, chains=chains, sampler="hmc_smc", random_seed=seed,
            progressbar=progressbar, sampler_kwargs=sampler_kwargs,
        )  # fmt: skip
    stats = data["sample_stats"]
    extra = {name: stats[name].values for name in ("n_stages", "mean_acceptance") if name in stats}
    return _pooled(data, "hmc_smc", extra)


def _pooled(data, method: str, extra: dict | None = None) -> EvidenceResult:
    per_chain = final_log_marginal_likelihood(data["sample_stats"])
    if per_chain.size < 2:
        raise ValueError(
            "the SMC run has one chain, so there is no standard error; run chains >= 2."
        )
    log_z, se = combine_chains(per_chain)
    problems = []
    infinite = infinite_chains(data["sample_stats"])
    if infinite:
        problems.append(
            f"the SMC weights of chain(s) {infinite} became infinite or zero at some stage, so "
            "their log Z is not an estimate"
        )
    spread = float(np.std(per_chain, ddof=1))
    if spread > SPREAD_MAX:
        problems.append(
            f"the {per_chain.size} runs' log Z differ by sd {spread:.2f} nat (> {SPREAD_MAX}): "
            "the particles' weights degenerate at some stage, and the pooled estimate is "
            "biased low by about sd²/2"
        )
    warn_problems(
        problems, "raise draws (particles) or, for method='smc' at d ≳ 5, use method='hmc_smc'"
    )
    diagnostics = {"log_z_chains": per_chain, "se_dof": per_chain.size - 1, **(extra or {})}
    return EvidenceResult(log_z, se, method, diagnostics)
