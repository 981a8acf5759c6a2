"""loo_elpd: PSIS-LOO on the package's pointwise log-likelihood, warned at β ≠ 1."""

import numpy as np
import pytest
import xarray as xr

from pymc_slt.criteria import TemperedDrawsWarning, loo_elpd


def _tree(beta: float) -> xr.DataTree:
    rng = np.random.default_rng(0)
    w = rng.normal(0.1, 0.1, size=(2, 300))
    y = rng.normal(size=20)
    log_lik = -0.5 * (y[None, None, :] - w[..., None]) ** 2 - 0.5 * np.log(2 * np.pi)
    tree = xr.DataTree.from_dict(
        {
            "posterior": xr.Dataset({"w": (("chain", "draw"), w)}),
            "log_likelihood": xr.Dataset({"y": (("chain", "draw", "y_dim_0"), log_lik)}),
        }
    )
    tree.attrs["beta"] = beta
    return tree


def test_loo_matches_the_sum_of_pointwise_terms_and_warns_at_beta_not_one():
    res = loo_elpd(_tree(1.0))
    assert res.kind == "loo" and res.n_data_points == 20 and np.isfinite(res.elpd)
    with pytest.warns(TemperedDrawsWarning, match="beta=0.5"):
        hot = loo_elpd(_tree(0.5))
    assert hot.elpd == pytest.approx(res.elpd)  # the same numbers, only flagged
