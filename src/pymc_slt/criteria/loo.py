"""PSIS-LOO (arviz-stats) on the package's pointwise log-likelihood, one term per observation."""

from __future__ import annotations

import arviz_stats as azs
import xarray as xr

from pymc_slt.base.loglik import pointwise_log_likelihood

__all__ = ["loo_elpd"]


def loo_elpd(data: xr.DataTree) -> azs.ELPDData:
    """PSIS-LOO on the combined pointwise log-likelihood (one term per observation)."""
    combined = xr.DataTree.from_dict(
        {
            "posterior": data["posterior"].to_dataset(),
            "log_likelihood": xr.Dataset({"obs": pointwise_log_likelihood(data)}),
        }
    )
    return azs.loo(combined, var_name="obs")
