"""Statistics of n L_n over tempered runs, and the mixing checks λ̂ depends on.

λ̂ depends on the draws only through :math:`n L_n(w)`, so mixing is judged on that scalar (r̂,
bulk ESS; Vehtari et al. 2021, doi:10.1214/20-BA1221), not on every parameter: the
non-identified parameters of a singular model never mix, and flagging them would warn on every
singular model even when the energy is well estimated.
"""

from __future__ import annotations

import warnings

import arviz_stats as azs
import numpy as np
import xarray as xr

from pymc_slt.base.energy import energy_mean
from pymc_slt.base.loglik import energy
from pymc_slt.sampling.diagnostics import (
    ESS_PER_CHAIN_MIN,
    MULTIMODAL_SAMPLER,
    RHAT_MAX,
    PoorMixingWarning,
    warn_poor_mixing,
)

__all__ = ["DEFAULT_NUTS", "energy_stats", "quiet_sampling", "sampling_diagnostics", "warn_mixing"]

#: NUTS settings of every λ estimator unless the sampler value sets ``target_accept``: a higher
#: target acceptance than nutpie's 0.8 cuts the divergences near singularities, where the
#: curvature changes fast (measured on ``y = a·b²·x``: docs/benchmarks.md, ``lambda_settings.py``).
DEFAULT_NUTS = {"target_accept": 0.9}


def energy_stats(children: list[xr.DataTree]) -> dict[str, np.ndarray]:
    """Mean, Monte-Carlo se, r̂ and bulk ESS of :math:`n L_n` for each tempered run."""
    means, ses, rhats, esss = [], [], [], []
    for child in children:
        e = energy(child)
        mean, se, _ = energy_mean(e.values)
        means.append(mean)
        ses.append(se)
        rhats.append(float(azs.rhat(e)) if e.sizes["chain"] > 1 else np.nan)
        esss.append(float(azs.ess(e, method="bulk")))
    return {
        k: np.array(v)
        for k, v in zip(("mean", "se", "rhat", "ess"), (means, ses, rhats, esss), strict=True)
    }


def sampling_diagnostics(children: list[xr.DataTree], stats: dict, sampler: str) -> dict:
    """The diagnostics dict of a result: energy statistics plus the samplers' own checks."""
    chains = children[0]["posterior"].sizes["chain"]
    return {
        "energy_se": stats["se"],
        "energy_rhat": stats["rhat"],
        "energy_ess": stats["ess"],
        "n_divergences": int(sum(c.attrs.get("n_divergences", 0) for c in children)),
        "max_rhat": float(np.nanmax([c.attrs.get("max_rhat", np.nan) for c in children])),
        "min_ess_bulk": float(np.nanmin([c.attrs.get("min_ess_bulk", np.nan) for c in children])),
        "chains": chains,
        "sampler": sampler,
    }


def warn_mixing(betas: np.ndarray, diag: dict, stacklevel: int) -> None:
    """One PoorMixingWarning if the energies mixed poorly (what λ̂ depends on), with the remedy."""
    chains = diag["chains"]
    problems = []
    for b, r, k in zip(betas, diag["energy_rhat"], diag["energy_ess"], strict=True):
        if (np.isfinite(r) and r > RHAT_MAX) or k < ESS_PER_CHAIN_MIN * chains:
            problems.append(f"of n L_n at beta={b:.4g}: r_hat={r:.3f}, ESS={k:.0f}")
    if diag["n_divergences"]:
        problems.append(f"{diag['n_divergences']} divergent transition(s)")
    warn_poor_mixing(
        problems,
        "increase tune/draws, raise target_accept (e.g. sampler=slt.NUTS(target_accept=0.99)) "
        f"or use {MULTIMODAL_SAMPLER} for a multimodal posterior",
        what="The estimate and its diagnostics",
        stacklevel=stacklevel,
    )


def quiet_sampling(fn, *args, **kwargs):
    """Run a sampling function with its parameter-level mixing warning silenced.

    Singular models have non-identified parameters whose r̂ is poor even when :math:`n L_n`
    mixes well; :func:`warn_mixing` checks the energy instead.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PoorMixingWarning)
        return fn(*args, **kwargs)
