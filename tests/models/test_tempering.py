"""temper(): a copy of any model whose likelihood is raised to the power β."""

import numpy as np
import pymc as pm
import pytest
from scipy import stats

import pymc_slt as slt
from pymc_slt.models.tempering import TEMPERING_POTENTIAL, tempered


def _logp_at(model, point):
    return float(model.compile_logp()(point))


def test_tempered_logp_is_prior_plus_beta_loglik(conjugate):
    model = conjugate.model()
    hot = slt.temper(model, beta=0.3)
    point = {"w": np.array([0.4, -0.2])}
    prior = stats.norm(0, conjugate.prior_sd).logpdf(point["w"]).sum()
    loglik = -conjugate.energy(point["w"])
    assert _logp_at(hot, point) == pytest.approx(prior + 0.3 * loglik, rel=1e-10)
    pm.set_data({"beta": 2.0}, model=hot)
    assert _logp_at(hot, point) == pytest.approx(prior + 2.0 * loglik, rel=1e-10)


def test_original_model_untouched(conjugate):
    model = conjugate.model()
    names = set(model.named_vars)
    point = {"w": np.array([0.4, -0.2])}
    before = _logp_at(model, point)
    slt.temper(model, beta=0.3)
    assert set(model.named_vars) == names
    assert _logp_at(model, point) == pytest.approx(before, rel=1e-12)


def test_many_likelihoods_transforms_and_deterministics():
    rng = np.random.default_rng(1)
    x = rng.normal(size=30)
    with pm.Model() as model:
        a = pm.Normal("a", 0, 1)
        sigma = pm.HalfNormal("sigma", 1)  # log-transformed
        nu = pm.Gamma("nu", 2, 0.1)
        mu = pm.Deterministic("mu", a * x)
        pm.StudentT("y_t", nu=nu, mu=mu, sigma=sigma, observed=x + rng.normal(size=30))
        pm.Bernoulli("y_b", logit_p=mu, observed=(x > 0).astype(int))
        pm.Poisson("y_p", mu=pm.math.exp(mu / 5), observed=rng.poisson(1.0, size=30))
    hot = slt.temper(model, beta=0.5)
    ip = hot.initial_point()
    full = hot.compile_logp()(ip)
    free = hot.compile_logp(vars=hot.free_RVs)(ip)
    obs = hot.compile_logp(vars=hot.observed_RVs)(ip)
    assert full == pytest.approx(free + 0.5 * obs, rel=1e-10)
    assert "mu" in hot.named_vars


def test_beta_name_falls_back_when_model_uses_beta():
    with pm.Model() as model:
        beta = pm.Normal("beta", 0, 1)
        pm.Normal("y", beta, 1, observed=np.zeros(3))
    tm = tempered(model, 0.5)
    assert tm.beta_name == "slt_beta"
    assert float(tm.model["slt_beta"].get_value()) == 0.5


def test_already_tempered_model_rejected(conjugate):
    hot = slt.temper(conjugate.model(), 0.5)
    assert TEMPERING_POTENTIAL in hot.named_vars
    with pytest.raises(ValueError, match="already tempered"):
        slt.temper(hot, 0.5)


@pytest.mark.parametrize("beta", [0.0, -1.0, np.nan, np.inf])
def test_bad_beta_value(conjugate, beta):
    with pytest.raises(ValueError, match="beta must be finite and > 0"):
        slt.temper(conjugate.model(), beta)


@pytest.mark.parametrize("beta", ["1", None, [1.0], True])
def test_bad_beta_type(conjugate, beta):
    with pytest.raises(TypeError, match="beta must be a real number"):
        slt.temper(conjugate.model(), beta)


def test_model_without_observed_rejected():
    with pm.Model() as model:
        pm.Normal("w", 0, 1)
    with pytest.raises(ValueError, match="no observed variable"):
        slt.temper(model)


def test_not_a_model_rejected():
    with pytest.raises(TypeError, match=r"model must be a pymc\.Model"):
        slt.temper("model")


@pytest.mark.filterwarnings("ignore:Data in y contains missing values")
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_observed_nonfinite_rejected(bad):
    y = np.array([0.1, bad, 0.3])
    with pm.Model() as model:
        w = pm.Normal("w", 0, 1)
        pm.Normal("y", w, 1, observed=y)
    with pytest.raises(ValueError, match=r"NaN/inf|imputes missing"):
        slt.temper(model)


def test_observed_nonfinite_in_data_container_rejected():
    with pm.Model() as model:
        y = pm.Data("y_data", np.array([0.1, np.inf, 0.3]))
        w = pm.Normal("w", 0, 1)
        pm.Normal("y", w, 1, observed=y)
    with pytest.raises(ValueError, match=r"'y'.*NaN/inf"):
        slt.temper(model)
