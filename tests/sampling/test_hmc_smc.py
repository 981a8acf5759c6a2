"""sampler="hmc_smc" / method="hmc_smc": BlackJAX tempered SMC with HMC moves.

Against exact answers: the conjugate Gaussian regression (exact tempered evidence Z(β) and
posterior at every rung) and the two-mode a·b·x model (log Z by quadrature, b in closed form;
NUTS chains each stay on one branch of the hyperbola ab = const, the particles must split
between both).
Tolerances are 4 reported se plus 0.02 nat; the se is the spread of 4 independent runs.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytest

import pymc_slt as slt
from pymc_slt.exact import ConjugateLinearRegression
from tests.conftest import product_model

RUNS = {"random_seed": 3, "progressbar": False}
SHORT = {"num_mcmc_steps": 10, "num_integration_steps": 8}  # the defaults before 2026-12-03


@pytest.fixture(scope="module")
def conjugate():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3))
    y = X @ np.array([1.0, -1.0, 0.5]) + rng.normal(size=40)
    exact = ConjugateLinearRegression(X, y, noise_sd=1.0, prior_sd=1.0)
    ladder = slt.sample_ladder(
        exact.model(), [0.25, 1.0], sampler=slt.HMCSMC(draws=600, chains=4), **RUNS
    )
    return exact, ladder


def test_every_rung_matches_the_exact_tempered_evidence(conjugate):
    exact, ladder = conjugate
    for child in ladder.children.values():
        beta = child.attrs["beta"]
        per_run = child["sample_stats"]["log_marginal_likelihood"].values
        log_z, se = slt.base.smc.combine_chains(per_run)
        assert abs(log_z - exact.log_evidence(beta)) < 4 * se + 0.02, (beta, log_z, se)
        mean, cov = exact.posterior(beta)
        w = child["posterior"]["w"].values.reshape(-1, 3)
        assert np.all(np.abs(w.mean(0) - mean) < 5 * np.sqrt(np.diag(cov) / w.shape[0]) * 2)


def test_method_reuses_the_draws_at_beta_one(conjugate):
    exact, ladder = conjugate
    top = ladder["rung_1"]
    result = slt.log_marginal_likelihood(exact.model(), method="hmc_smc", data=top)
    assert result.method == "hmc_smc" and result.diagnostics["se_dof"] == 3
    assert abs(result.estimate - exact.log_evidence()) < 4 * result.se + 0.02


def test_nuts_moves_match_the_exact_evidence(conjugate):
    exact, _ = conjugate
    result = slt.log_marginal_likelihood(
        exact.model(),
        method="hmc_smc",
        sampler=slt.HMCSMC(draws=400, chains=4, kernel="nuts"),
        **RUNS,
    )
    assert abs(result.estimate - exact.log_evidence()) < 4 * result.se + 0.02, result


def test_two_mode_product_matches_quadrature_and_weighs_both_modes():
    model, log_z = product_model()
    kwargs = {"method": "hmc_smc", "sampler": slt.HMCSMC(draws=500, chains=4), **RUNS}
    result = slt.log_marginal_likelihood(model, **kwargs)
    assert abs(result.estimate - log_z) < 4 * result.se + 0.02, (result, log_z)
    # short trajectories suffice for the draws' checks here (and keep the test fast)
    short = {"sampler": slt.HMCSMC(draws=500, chains=4, **SHORT), **RUNS}
    post = slt.sample_tempered(model, 1.0, **short)
    again = slt.sample_tempered(model, 1.0, **short)
    assert np.array_equal(post["posterior"]["a"], again["posterior"]["a"])  # same seed
    share = float((post["posterior"]["a"] > 0).mean())
    assert abs(share - 0.5) < 4 * np.sqrt(0.25 / 2000) * 3  # resampling correlates particles


def test_bad_settings_and_discrete_models_are_refused_before_sampling():
    model, _ = product_model()
    with pytest.raises(TypeError, match="step"):
        slt.HMCSMC(step=1)
    with pytest.raises(ValueError, match=r"HMCSMC\(target_ess=…\) must be a number in \(0, 1\)"):
        slt.HMCSMC(target_ess=1.5)
    with pytest.raises(
        ValueError, match=r"HMCSMC\(kernel=…\) must be one of \['hmc', 'nuts'\], got 'mala'"
    ):
        slt.HMCSMC(kernel="mala")
    with pytest.raises(ValueError, match="drop sampler='nuts'"):
        slt.log_marginal_likelihood(model, method="hmc_smc", sampler="nuts")
    with pm.Model() as discrete:
        k = pm.Bernoulli("k", 0.5)
        pm.Normal("y", k, 1.0, observed=np.zeros(3))
    with pytest.raises(ValueError, match=r"discrete free variable\(s\) \['k'\]"):
        slt.sample_tempered(discrete, sampler="hmc_smc")
