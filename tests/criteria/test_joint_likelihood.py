"""A likelihood that is one joint term over correlated values (issue 26, item 3).

``pm.AR`` (and ``pm.GaussianRandomWalk``, ``pm.gp.Marginal``, an MvNormal over all the data) has
no term per observation. Pointwise quantities must refuse it with a clear error that states n and
says what stays valid, never report se 0 from one "observation"; WBIC and log Z stay available.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytest

import pymc_slt as slt
from pymc_slt.base.loglik import joint_terms
from pymc_slt.criteria.loo import loo_elpd

pytestmark = pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
RUN = {"draws": 150, "tune": 150, "chains": 2, "random_seed": 1, "progressbar": False}


def _ar() -> pm.Model:
    y = np.cumsum(np.random.default_rng(0).normal(size=40)) * 0.3
    with pm.Model() as model:
        rho = pm.Normal("rho", 0.0, 1.0, shape=1)
        sigma = pm.HalfNormal("sigma", 1.0)
        pm.AR("y", rho, sigma=sigma, observed=y, init_dist=pm.Normal.dist(0.0, 1.0))
    return model


def _mvn() -> pm.Model:
    y = np.random.default_rng(1).normal(size=30)
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 1.0)
        pm.MvNormal("y", mu * np.ones(30), np.eye(30) + 0.5, observed=y)
    return model


@pytest.fixture(scope="module", params=[_ar, _mvn], ids=["AR", "MvNormal"])
def joint(request):
    model = request.param()
    return model, slt.sample_tempered(model, 1.0, **RUN)


def test_pointwise_quantities_refuse_a_joint_likelihood(joint):
    model, draws = joint
    n = slt.sampling.n_observations(model)
    assert joint_terms(draws) == {"y": n}
    for fn, what in ((slt.waic, "WAIC"), (loo_elpd, "PSIS-LOO")):
        with pytest.raises(ValueError, match=rf"{what} needs one log-likelihood term.*its {n}"):
            fn(draws)
    with pytest.raises(ValueError, match="one joint term"):
        slt.fisher_information(model, draws, kind="score")


def test_wbic_and_compare_keep_what_is_valid(joint):
    model, _ = joint
    n = slt.sampling.n_observations(model)
    assert slt.wbic(model, **RUN).n == n
    with pytest.warns(UserWarning, match="had problems"):
        row = slt.compare({"m": model}, **RUN).iloc[0]
    assert np.isfinite(row["log_z"]) and np.isfinite(row["wbic"])
    assert np.isnan(row["elpd_waic"]) and np.isnan(row["elpd_waic_se"])  # never se 0
    assert np.isnan(row["elpd_loo"]) and np.isnan(row["nu_hat"])
    assert "one joint term" in row["problems"]


def test_independent_observations_are_no_joint_term():
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 1.0)
        pm.MvNormal("y", mu * np.ones(2), np.eye(2), observed=np.zeros((20, 2)))
    assert joint_terms(slt.sample_tempered(model, 1.0, **RUN)) == {}


def test_fisher_score_of_a_censored_likelihood_is_an_error_not_zero():
    """The score form used to give an all-zero matrix (rank 0) for pm.Censored."""
    x = np.random.default_rng(0).normal(size=30)
    with pm.Model() as model:
        a = pm.Normal("a", 0.0, 5.0)
        b = pm.Normal("b", 0.0, 5.0)
        y = np.clip(1 + 2 * x, None, 2.0)
        pm.Censored("y", pm.Normal.dist(a + b * x, 1.0), lower=None, upper=2.0, observed=y)
    with pytest.raises(ValueError, match=r"could not be derived.*\(Censored\)"):
        slt.fisher_information(model, {"a": 1.0, "b": 2.0}, kind="score")
