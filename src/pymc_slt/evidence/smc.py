"""log Z by sequential Monte Carlo: ``pm.sample_smc`` chains, each an unbiased estimate of Z.

The per-chain values are read and pooled by :mod:`pymc_slt.base.smc`; the method is described in
:func:`pymc_slt.log_marginal_likelihood` (Notes, **SMC**).
"""

from __future__ import annotations

from pymc_slt.base.smc import combine_chains, final_log_marginal_likelihood
from pymc_slt.evidence.result import EvidenceResult
from pymc_slt.sampling.tempered import run_smc

__all__ = ["run_smc_evidence"]


def run_smc_evidence(model, data, seed, sampler_kwargs, *, draws, tune, chains, progressbar):
    """:class:`EvidenceResult` of ``method="smc"``: run (or reuse ``data``) and pool the chains."""
    del tune  # SMC has no tuning phase
    if data is None:
        data = run_smc(
            model, draws=draws, chains=chains, seed=seed, progressbar=progressbar,
            sampler_kwargs=sampler_kwargs,
        )  # fmt: skip
    per_chain = final_log_marginal_likelihood(data["sample_stats"])
    if per_chain.size < 2:
        raise ValueError(
            "the SMC run has one chain, so there is no standard error; run chains >= 2."
        )
    log_z, se = combine_chains(per_chain)
    diagnostics = {"log_z_chains": per_chain, "se_dof": per_chain.size - 1}
    return EvidenceResult(log_z, se, "smc", diagnostics)
