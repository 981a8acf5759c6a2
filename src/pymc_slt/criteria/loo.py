"""PSIS-LOO (arviz-stats) on the package's pointwise log-likelihood, one term per observation."""

from __future__ import annotations

import warnings

import arviz_stats as azs
import numpy as np
import xarray as xr

from pymc_slt.base.draws import as_draws, draws_beta
from pymc_slt.base.loglik import pointwise_log_likelihood, require_pointwise
from pymc_slt.criteria.waic import TemperedDrawsWarning

__all__ = ["loo_elpd"]


def loo_elpd(data: xr.DataTree) -> azs.ELPDData:
    """PSIS-LOO on the combined pointwise log-likelihood (one term per observation).

    Warns (:class:`~pymc_slt.criteria.waic.TemperedDrawsWarning`) if the draws are at β ≠ 1:
    LOO's importance weights assume the ordinary posterior.
    """
    data = as_draws(data, "PSIS-LOO", ("posterior", "log_likelihood"))
    require_pointwise(data, "PSIS-LOO")
    beta = draws_beta(data)
    if not np.isclose(beta, 1.0):
        warnings.warn(
            f"data holds draws at beta={beta:.4g}, not 1, but PSIS-LOO assumes draws from the "
            "ordinary posterior; sample at beta=1.0.",
            TemperedDrawsWarning,
            stacklevel=2,
        )
    combined = xr.DataTree.from_dict(
        {
            "posterior": data["posterior"].to_dataset(),
            "log_likelihood": xr.Dataset({"obs": pointwise_log_likelihood(data)}),
        }
    )
    return azs.loo(combined, var_name="obs")
