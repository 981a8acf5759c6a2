"""A user's own pm.sample result through ``data=``: reused where it can be, clear errors where not.

``pymc_slt.base.draws.as_draws`` is the one place ``data=`` enters (waic, loo, wbic,
learning_coefficient, log_marginal_likelihood, the Fisher functions, energy).
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytest
import xarray as xr

import pymc_slt as slt
from pymc_slt.base.draws import as_draws, draws_beta
from pymc_slt.criteria.loo import loo_elpd
from tests.conftest import make_conjugate

SMALL = slt.NUTS(draws=200, tune=200, chains=2)


@pytest.fixture(scope="module")
def exact():
    return make_conjugate(n=50, d=2, seed=3)


@pytest.fixture(scope="module")
def user_idata(exact):
    """What a PyMC user has: pm.sample's result, without a log_likelihood group."""
    model = exact.model()
    with model:
        idata = pm.sample(
            draws=200, tune=200, chains=2, random_seed=7, progressbar=False,
            compute_convergence_checks=False,
        )  # fmt: skip
    return model, idata


@pytest.fixture(scope="module")
def with_loglik(user_idata):
    model, idata = user_idata
    idata = idata.copy()
    pm.compute_log_likelihood(idata, model=model, progressbar=False)
    return model, idata


class InferenceData:
    """A stand-in for legacy ArviZ's InferenceData (ArviZ < 1): groups() and item access."""

    def __init__(self, tree: xr.DataTree) -> None:
        self._groups = {name: child.to_dataset() for name, child in tree.children.items()}

    def groups(self) -> list[str]:
        return list(self._groups)

    def __getitem__(self, name: str) -> xr.Dataset:
        return self._groups[name]


def test_waic_of_pm_sample_equals_waic_of_sample_tempered(exact, with_loglik):
    """Same posterior, two samplers: the elpd agrees within Monte-Carlo error (and is β = 1)."""
    model, idata = with_loglik
    mine = slt.waic(idata)
    ours = slt.waic(slt.sample_tempered(model, sampler=SMALL, random_seed=1, progressbar=False))
    assert mine.beta == 1.0 and mine.n_data_points == exact.n
    # the elpd's MC error is small (~0.1 nats at these sizes); its se (data scatter) is ~5
    assert abs(mine.elpd - ours.elpd) < 0.5
    assert abs(mine.singular_fluctuation - ours.singular_fluctuation) < 0.3


def test_loo_and_energy_of_pm_sample(with_loglik):
    _, idata = with_loglik
    assert np.isfinite(loo_elpd(idata).elpd)
    assert slt.energy(idata).dims == ("chain", "draw")


def test_inference_data_is_converted(with_loglik):
    model, idata = with_loglik
    legacy = InferenceData(idata)
    assert isinstance(as_draws(legacy, "WAIC", ("log_likelihood",)), xr.DataTree)
    assert slt.waic(legacy).elpd == pytest.approx(slt.waic(idata).elpd)
    rank = slt.fisher_rank(model, legacy)
    assert rank.shape == (2, 200)


def test_missing_log_likelihood_names_the_remedy(user_idata):
    model, idata = user_idata
    remedy = r"no log_likelihood group.*pm\.compute_log_likelihood\(idata, model=model\)"
    for call in (
        lambda: slt.waic(idata),
        lambda: loo_elpd(idata),
        lambda: slt.wbic(data=idata),
        lambda: slt.energy(idata),
        lambda: slt.learning_coefficient(model, data=idata, sampler=SMALL, progressbar=False),
    ):
        with pytest.raises(ValueError, match=remedy):
            call()


def test_wbic_of_beta_one_draws_says_what_to_do(with_loglik, exact):
    _, idata = with_loglik
    beta_star = f"{1 / np.log(exact.n):.4g}"
    with pytest.raises(ValueError, match=rf"β = 1.*β\* = 1/log n = {beta_star}.*wbic\(model\)"):
        slt.wbic(data=idata)
    with pytest.raises(ValueError, match=r"no 'beta'"):
        slt.wbic(data=idata, strict=False)


def test_ladder_methods_refuse_one_beta_and_point_to_local(with_loglik):
    model, idata = with_loglik
    with pytest.raises(ValueError, match=r"not a ladder.*method='local'"):
        slt.learning_coefficient(model, method="ladder", data=idata, progressbar=False)
    with pytest.raises(ValueError, match=r"not a ladder.*method='bridge'"):
        slt.log_marginal_likelihood(model, method="stepping_stone", data=idata, progressbar=False)


def test_log_z_by_bridge_reuses_pm_sample(exact, with_loglik):
    model, idata = with_loglik
    res = slt.log_marginal_likelihood(model, data=idata, random_seed=0, progressbar=False)
    assert abs(res.log_z - exact.log_evidence()) < 4 * res.se + 0.05


def test_local_lambda_reuses_pm_sample(with_loglik):
    """The best draw of the user's run becomes w*; λ̂ of a regular d = 2 model is near 1."""
    model, idata = with_loglik
    res = slt.learning_coefficient(
        model, data=idata, sampler=SMALL, random_seed=0, progressbar=False
    )
    assert abs(res.estimate - 1.0) < 0.5


def test_type_errors_name_what_is_accepted(with_loglik):
    model, _ = with_loglik
    for call in (
        lambda: slt.waic({"log_likelihood": 1}),
        lambda: slt.wbic(data=[1, 2]),
        lambda: slt.learning_coefficient(model, data=np.zeros(3)),
        lambda: slt.log_marginal_likelihood(model, data="idata.nc"),
    ):
        with pytest.raises(TypeError, match=r"data must be an xarray\.DataTree.*InferenceData"):
            call()


def test_draws_beta_reads_attrs_else_one(with_loglik):
    _, idata = with_loglik
    assert draws_beta(idata) == 1.0
    tempered = idata.copy()
    tempered.attrs["beta"] = 0.25
    assert draws_beta(tempered) == 0.25
    tempered.attrs["beta"] = -1.0
    with pytest.raises(ValueError, match=r"data\.attrs\['beta'\] must be finite and > 0"):
        draws_beta(tempered)
