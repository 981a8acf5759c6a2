"""Mixing diagnostics for a tempered run: divergences, r̂ and bulk ESS (via arviz-stats).

Thresholds follow Vehtari et al. (2021), "Rank-normalization, folding, and localization: an
improved R̂ for assessing convergence of MCMC", Bayesian Analysis 16(2), doi:10.1214/20-BA1221:
r̂ ≤ 1.01 and a bulk ESS of at least 100 per chain.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import arviz_stats as azs
import numpy as np
import xarray as xr

__all__ = ["MixingReport", "check_mixing"]

RHAT_MAX = 1.01
ESS_PER_CHAIN_MIN = 100


@dataclass(frozen=True, slots=True)
class MixingReport:
    """Diagnostics of one run.

    Attributes
    ----------
    n_divergences : int
        Divergent transitions (NUTS only; 0 for SMC).
    max_rhat : float
        Largest rank-normalized split r̂ over all posterior scalars (NaN with one chain).
    min_ess_bulk : float
        Smallest bulk ESS over all posterior scalars.
    problems : tuple of str
        Human-readable list of what is wrong; empty if the run looks healthy.
    """

    n_divergences: int
    max_rhat: float
    min_ess_bulk: float
    problems: tuple[str, ...] = field(default=())

    def as_attrs(self) -> dict[str, float | int]:
        """The numbers, for a DataTree's attrs."""
        return {
            "n_divergences": self.n_divergences,
            "max_rhat": self.max_rhat,
            "min_ess_bulk": self.min_ess_bulk,
        }


def _extreme(ds: xr.Dataset, how) -> float:
    values = [np.asarray(v) for v in ds.data_vars.values()]
    flat = np.concatenate([v.ravel() for v in values]) if values else np.array([np.nan])
    flat = flat[np.isfinite(flat)]
    return float(how(flat)) if flat.size else float("nan")


def check_mixing(data: xr.DataTree, *, sampler: str = "nuts") -> MixingReport:
    """Divergences, worst r̂ and worst bulk ESS of ``data``'s posterior, with the problems named."""
    post = data["posterior"]
    n_chains = post.sizes["chain"]
    stats = data["sample_stats"].to_dataset() if "sample_stats" in data.children else xr.Dataset()
    n_div = int(stats["diverging"].sum()) if "diverging" in stats else 0
    max_rhat = _extreme(azs.rhat(data).to_dataset(), np.max) if n_chains > 1 else float("nan")
    min_ess = _extreme(azs.ess(data, method="bulk").to_dataset(), np.min)
    problems = []
    if n_div:
        problems.append(f"{n_div} divergent transition(s)")
    if np.isfinite(max_rhat) and max_rhat > RHAT_MAX:
        problems.append(f"max r_hat {max_rhat:.3f} > {RHAT_MAX}")
    if sampler == "nuts" and np.isfinite(min_ess) and min_ess < ESS_PER_CHAIN_MIN * n_chains:
        problems.append(
            f"min bulk ESS {min_ess:.0f} < {ESS_PER_CHAIN_MIN * n_chains} "
            f"({ESS_PER_CHAIN_MIN} per chain)"
        )
    return MixingReport(n_div, max_rhat, min_ess, tuple(problems))
