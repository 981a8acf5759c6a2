"""The default path never trades a right log Z for a worse one (issue 26).

* the chain tests behind bridge sampling's doubts have the false-alarm rate they state, and
  fire on chains that really disagree;
* :func:`~pymc_slt.evidence.fallback.settle` keeps bridge sampling unless a healthy replacement
  disagrees with it, and names every candidate when no method is healthy;
* a collapsed HMC-SMC run is never pooled, and tempering no longer jumps to β = 1 when many
  prior particles have zero likelihood;
* a probit likelihood stays finite where Φ underflows; stepping stone's rungs are then free of
  the divergences those walls caused;
* the trial's real-data models: the default path answers within 0.05 nat of warp-III.
"""

from __future__ import annotations

import warnings

import numpy as np
import pymc as pm
import pytest
import xarray as xr
from scipy import special, stats

import pymc_slt as slt
from pymc_slt.base.chains import chain_agreement, rhat_excess
from pymc_slt.evidence.fallback import settle
from pymc_slt.evidence.result import EvidenceJob, EvidenceResult
from tests.gallery.real_data import turtles_probit, turtles_probit_log_z

RUN = {"progressbar": False}


# --- the chain tests --------------------------------------------------------------------------


def test_chain_agreement_is_cochrans_q():
    x, s = np.array([1.0, 1.2, 0.9, 1.1]), np.array([0.1, 0.1, 0.2, 0.1])
    w = 1 / s**2
    q = np.sum(w * (x - np.sum(w * x) / np.sum(w)) ** 2)
    assert chain_agreement(x, s) == pytest.approx(stats.chi2.sf(q, 3))
    assert chain_agreement(np.array([0.0, 5.0]), np.array([0.1, 0.1])) < 1e-10
    assert np.isnan(chain_agreement(np.array([1.0]), np.array([0.1])))


def test_rhat_bound_has_its_stated_false_alarm_rate_and_catches_shifted_chains():
    """Healthy chains (iid, AR(1)) exceed the bound in about alpha of the runs; a chain offset by
    half a posterior sd exceeds it every time. With few draws the bound is above 1.01."""
    rng = np.random.default_rng(0)
    alpha, runs = 0.05, 200
    fired = 0
    for _ in range(runs):
        noise = rng.normal(size=(4, 300, 3))
        ar = np.zeros_like(noise)
        for t in range(1, 300):  # AR(1), phi = 0.7: ESS about a fifth of the draws
            ar[:, t] = 0.7 * ar[:, t - 1] + noise[:, t]
        rhat, bound = rhat_excess(ar, alpha)
        fired += bool(np.any(rhat > bound))
    assert fired / runs < 3 * alpha, fired
    assert np.all(bound > 1.01)
    shifted = rng.normal(size=(4, 1000, 2))
    shifted[0, :, 0] += 0.5
    rhat, bound = rhat_excess(shifted, 1e-3)
    assert rhat[0] > bound[0] and rhat[1] < bound[1]


# --- settle: which answer stands --------------------------------------------------------------


def _result(log_z, se, method, problems=()):
    return EvidenceResult(log_z, se, method, {"problems": tuple(problems)})


def test_a_healthy_replacement_that_agrees_keeps_the_more_precise_quietly():
    bridge = _result(-10.0, 0.01, "bridge")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        result, message = settle(bridge, "why", "stepping_stone", lambda: _result(-10.1, 0.05, "x"))
    assert message is None and result.method == "bridge" and result.log_z == -10.0
    assert result.diagnostics["candidates"]["stepping_stone"]["log_z"] == -10.1
    wide = _result(-10.0, 0.2, "bridge")  # the check agrees and is the more precise: it answers
    result, message = settle(wide, "why", "stepping_stone", lambda: _result(-10.3, 0.05, "ss"))
    assert message is None and result.method == "ss"
    assert result.diagnostics["candidates"]["bridge"]["se"] == 0.2


def test_a_healthy_replacement_that_disagrees_answers():
    bridge = _result(-10.0, 0.01, "bridge")
    result, message = settle(
        bridge, "bridge sampling warned (x)", "stepping_stone", lambda: _result(-10.7, 0.05, "ss")
    )
    assert result.method == "ss" and result.log_z == -10.7
    assert "passed its own checks" in message and "bridge -10.000 ± 0.010" in message
    assert result.diagnostics["fallback_from"] == "bridge sampling warned (x)"


def test_no_healthy_method_keeps_bridge_and_names_every_candidate():
    bridge = _result(-10.0, 0.01, "bridge")
    sick = _result(-14.1, 1.09, "stepping_stone", ["300 divergent transitions"])
    result, message = settle(bridge, "bridge sampling warned (r̂)", "stepping_stone", lambda: sick)
    assert result.method == "bridge" and result.log_z == -10.0
    assert "no method is healthy" in message
    assert "bridge -10.000 ± 0.010" in message and "stepping_stone -14.100 ± 1.090" in message
    assert "300 divergent transitions" in message
    assert result.diagnostics["candidates"]["stepping_stone"]["problems"]


def test_failed_bridge_takes_the_replacement_or_raises_with_both_reasons():
    result, message = settle(None, "bridge sampling failed (x)", "hmc_smc",
                             lambda: _result(-3.0, 0.1, "hmc_smc"))  # fmt: skip
    assert result.log_z == -3.0 and "passed its own checks" in message

    def broken():
        raise RuntimeError("every particle has zero likelihood")

    with pytest.raises(RuntimeError, match=r"bridge sampling failed.*zero likelihood"):
        settle(None, "bridge sampling failed (x)", "hmc_smc", broken)


# --- HMC-SMC ----------------------------------------------------------------------------------


def test_collapsed_runs_are_never_pooled():
    from pymc_slt.evidence.smc import _pooled

    stats_ = xr.Dataset(
        {
            "log_marginal_likelihood": ("chain", [-157.0, -267.0, -157.2, -271.0]),
            "mean_acceptance": ("chain", [0.65, 0.004, 0.62, 0.002]),
        }
    )
    data = xr.DataTree.from_dict({"sample_stats": stats_})
    with pytest.warns(slt.EvidenceWarning, match=r"chain\(s\) \[1, 3\] collapsed"):
        result = _pooled(data, "hmc_smc", {"mean_acceptance": stats_["mean_acceptance"].values},
                         [1, 3])  # fmt: skip
    expected = special.logsumexp([-157.0, -157.2]) - np.log(2)
    assert result.log_z == pytest.approx(expected)
    assert result.diagnostics["collapsed_chains"] == (1, 3)


def test_ess_gap_counts_only_particles_that_can_carry_weight():
    pytest.importorskip("blackjax")
    import jax.numpy as jnp

    from pymc_slt.sampling.hmc_smc import _finite_ess_gap, require_jax

    require_jax()
    rng = np.random.default_rng(0)
    log_lik = np.r_[rng.normal(-100.0, 10.0, 600), np.full(400, -np.inf)]  # 40 % zero
    gap = [float(_finite_ess_gap(d, jnp.asarray(log_lik), 0.5)) for d in (0.0, 1e-3, 1.0)]
    assert gap[0] == pytest.approx(-np.log(0.5))  # positive at 0: a root exists above it
    w = np.exp(1e-3 * (log_lik[:600] - log_lik[:600].max()))
    assert gap[1] == pytest.approx(np.log(w.sum() ** 2 / (w**2).sum()) - np.log(300))
    assert gap[2] < 0


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_hmc_smc_tempers_in_stages_when_many_prior_draws_have_zero_likelihood():
    """A likelihood that is exactly zero over 40 % of the prior (|θ| > 0.84 under N(0, 1)), and
    sharp inside (50 observations): tempering used to jump to β = 1 in one stage. log Z by
    quadrature over the region the likelihood allows."""
    pytest.importorskip("blackjax")
    y = np.random.default_rng(3).normal(0.1, 1.0, 50)
    edge = stats.norm.ppf(0.8)
    with pm.Model() as model:
        theta = pm.Normal("theta", 0.0, 1.0)
        inside = pm.math.abs(theta) < edge
        pm.Normal("y", pm.math.switch(inside, theta, np.nan), 1.0, observed=y)
    result = slt.log_marginal_likelihood(model, method="hmc_smc",
                                         sampler=slt.HMCSMC(draws=400, chains=4), random_seed=1,
                                         **RUN)  # fmt: skip
    grid = np.linspace(-edge, edge, 20001)
    log_dens = stats.norm.logpdf(grid) + stats.norm.logpdf(y[:, None], grid, 1.0).sum(0)
    exact = special.logsumexp(log_dens) + np.log(grid[1] - grid[0])
    d = result.diagnostics
    assert np.all(d["n_stages"] > 1) and not d["collapsed_chains"], d
    assert np.all(d["n_zero_likelihood"] > 0.3 * 400)
    assert abs(result.log_z - exact) < 4 * result.se + 0.05, (result.log_z, result.se, exact)


def test_collapse_is_judged_by_weights_and_moves():
    from pymc_slt.evidence.smc import run_hmc_smc_evidence

    stats_ = xr.Dataset(
        {
            "log_marginal_likelihood": ("chain", [-10.0, -10.1, -60.0, -10.2]),
            "mean_acceptance": ("chain", [0.04, 0.6, 0.002, 0.7]),  # 0.04: walls, still moving
            "min_ess_share": ("chain", [0.45, 0.5, 0.001, 0.01]),
            "n_stages": ("chain", [1, 5, 1, 5]),
        }
    )
    data = xr.DataTree.from_dict({"sample_stats": stats_})
    with pytest.warns(slt.EvidenceWarning, match=r"chain\(s\) \[2, 3\] collapsed"):
        result = run_hmc_smc_evidence(EvidenceJob(None, "hmc_smc", data, slt.HMCSMC(), (0,)))
    assert result.diagnostics["collapsed_chains"] == (2, 3)


# --- probit likelihoods -----------------------------------------------------------------------


def test_probit_log_likelihood_stays_finite_where_phi_underflows():
    model = turtles_probit()
    loglik = model.compile_logp(vars=model.observed_RVs)
    dlogp = model.compile_dlogp()
    from pymc_slt.datasets import load_turtles

    t = load_turtles()
    for a0, a1 in ((-50.0, 0.0), (40.0, 3.0), (-0.5, 0.2)):
        eta = a0 + a1 * t["birthweight"].to_numpy()
        y = t["survived"].to_numpy()
        exact = np.sum(np.where(y == 1, special.log_ndtr(eta), special.log_ndtr(-eta)))
        value = loglik({"alpha0": a0, "alpha1": a1})
        assert np.isfinite(value) and value == pytest.approx(exact, rel=1e-6)
        assert np.all(np.isfinite(dlogp({"alpha0": a0, "alpha1": a1})))


def test_zero_inflated_poisson_is_no_label_switching_mixture():
    from pymc_slt.evidence.bridge import _unordered_mixture
    from tests.gallery.models import mixture_unordered

    with pm.Model() as zip_model:
        psi = pm.Beta("psi", 2, 2)
        mu = pm.Exponential("mu", 1.0)
        pm.ZeroInflatedPoisson("y", psi, mu, observed=[0, 1, 2, 0, 0, 3])
    assert not _unordered_mixture(zip_model)
    assert _unordered_mixture(mixture_unordered())


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_default_path_on_the_turtles_probit_regression():
    """The trial's first model: the default path answers within 0.05 nat of the quadrature value,
    and with no doubt raised bridge sampling answers (the former r̂ > 1.01 rule replaced it by a
    stepping stone 2.8 se off)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", slt.EvidenceWarning)
        result = slt.log_marginal_likelihood(turtles_probit(), random_seed=11, **RUN)
    assert result.method == "bridge"
    assert abs(result.log_z - turtles_probit_log_z()) < 0.05


# --- the ladder's own health, and its first rung ----------------------------------------------


def test_prior_step_is_where_the_prior_weights_keep_the_asked_share():
    from pymc_slt.evidence.path import prior_step

    energies = np.random.default_rng(0).normal(100.0, 10.0, (1, 4000))
    beta = prior_step(energies, None, 0.3)
    # Gaussian energies: Kish's share of e^{-β E} is exp(-β² σ²) in expectation
    assert np.exp(-(beta**2) * 100.0) == pytest.approx(0.3, rel=0.1)
    assert prior_step(np.zeros((1, 10)), None, 0.3) == 1.0  # a flat likelihood: all the way


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_a_ladder_with_divergent_rungs_names_them_as_its_problem():
    from pymc_slt.exact import ConjugateLinearRegression

    rng = np.random.default_rng(2)
    x = rng.normal(size=(30, 1))
    exact = ConjugateLinearRegression(x, x[:, 0] + rng.normal(size=30), 1.0, 1.0)
    ladder = slt.sample_ladder(exact.model(), [0.3, 1.0],
                               sampler=slt.NUTS(draws=200, tune=200, chains=2), random_seed=1,
                               progressbar=False)  # fmt: skip
    first = next(iter(ladder.children.values()))
    first.attrs["n_divergences"] = 40  # 10 % of its 400 draws
    with pytest.warns(slt.EvidenceWarning, match="40 divergent transitions at the rungs"):
        result = slt.log_marginal_likelihood(exact.model(), method="stepping_stone", data=ladder,
                                             random_seed=1)  # fmt: skip
    assert "divergent" in result.diagnostics["problems"][-1]
    assert list(result.diagnostics["divergences"]) == [40, 0]


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_a_ladder_whose_chains_sit_in_different_modes_names_it_as_its_problem():
    """Chains of one rung that disagree on its mean energy (modes of different mass, which the
    ladder does not weigh: the one-factor model of exchange rates) make the ladder unhealthy;
    the same rungs unshifted do not."""
    from pymc_slt.exact import ConjugateLinearRegression

    rng = np.random.default_rng(2)
    x = rng.normal(size=(30, 1))
    exact = ConjugateLinearRegression(x, x[:, 0] + rng.normal(size=30), 1.0, 1.0)
    ladder = slt.sample_ladder(exact.model(), [0.3, 1.0],
                               sampler=slt.NUTS(draws=200, tune=200, chains=3), random_seed=1,
                               progressbar=False)  # fmt: skip
    run = {"method": "stepping_stone", "data": ladder, "random_seed": 1}
    healthy = slt.log_marginal_likelihood(exact.model(), **run)
    assert not healthy.diagnostics["problems"]
    assert np.all(healthy.diagnostics["rung_chains_p"] > 1e-3)
    top = ladder["rung_1"]
    loglik = top["log_likelihood"].to_dataset()
    shifted = loglik["y"].where(loglik["chain"] != 0, loglik["y"] - 0.2)  # one chain 6 nat worse
    top["log_likelihood"] = xr.DataTree(loglik.assign(y=shifted))
    with pytest.warns(slt.EvidenceWarning, match=r"chains of 1 rung\(s\) \(beta 1 to 1\) disagree"):
        result = slt.log_marginal_likelihood(exact.model(), **run)
    assert "different mass" in result.diagnostics["problems"][-1]


def _collinear():
    from pymc_slt.exact import ConjugateLinearRegression

    rng = np.random.default_rng(5)
    x = rng.normal(size=60)
    X = np.column_stack([x, x + 0.01 * rng.normal(size=60)])  # correlation 0.99995
    exact = ConjugateLinearRegression(X, X @ [1.0, 1.0] + rng.normal(size=60), 1.0, 1.0)
    return exact.model(), exact.log_evidence()


def _truncated():
    rng = np.random.default_rng(6)
    x = rng.normal(size=80)
    y = 0.5 + x + rng.normal(size=80)
    x, y = x[y > 0], y[y > 0]
    with pm.Model() as model:
        a = pm.Normal("a", 0.0, 2.0)
        b = pm.Normal("b", 0.0, 2.0)
        pm.Truncated("y", pm.Normal.dist(a + b * x, 1.0), lower=0.0, observed=y)
    grid = np.linspace(-3.0, 4.0, 561)
    A, B = np.meshgrid(grid, grid, indexing="ij")
    mu = A[..., None] + B[..., None] * x
    log_post = (stats.truncnorm.logpdf(y, -mu, np.inf, loc=mu).sum(-1)
                + stats.norm.logpdf(A, 0, 2) + stats.norm.logpdf(B, 0, 2))  # fmt: skip
    return model, float(special.logsumexp(log_post) + 2 * np.log(grid[1] - grid[0]))


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
@pytest.mark.parametrize("build", [_collinear, _truncated], ids=["collinear", "truncated"])
def test_unimodal_models_of_the_trial_keep_bridge_sampling_quietly(build):
    """The trial's collinear design (r̂ 1.01x sent it to a 2-10x noisier stepping stone) and
    truncated-normal likelihood: no doubt, bridge sampling answers, within its se of the exact or
    quadrature log Z."""
    model, reference = build()
    with warnings.catch_warnings():
        warnings.simplefilter("error", slt.EvidenceWarning)
        result = slt.log_marginal_likelihood(model, random_seed=1, **RUN)
    assert result.method == "bridge" and not result.diagnostics["doubt_kinds"]
    assert abs(result.log_z - reference) < 4 * result.se + 0.01, (result, reference)


# --- a prior that PyMC leaves unnormalized ----------------------------------------------------


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_ordered_prior_mass_is_stated_with_the_normalized_log_z():
    """Three exchangeable ordered cutpoints keep 1/3! of their prior: log Z is log 6 below the
    normalized prior's, which an unordered copy of the model gives (the likelihood is symmetric
    in the three)."""
    y = np.random.default_rng(0).normal(size=40)
    run = {"sampler": slt.NUTS(draws=500, tune=500, chains=4), "random_seed": 3, **RUN}
    with pm.Model() as ordered:
        c = pm.Normal("c", 0.0, 1.0, shape=3, transform=pm.distributions.transforms.ordered,
                      initval=np.array([-0.5, 0.0, 0.5]))  # fmt: skip
        pm.Normal("y", c.mean(), 1.0, observed=y)
    with pm.Model() as plain:
        c = pm.Normal("c", 0.0, 1.0, shape=3)
        pm.Normal("y", c.mean(), 1.0, observed=y)
    with pytest.warns(slt.EvidenceWarning, match=r"prior has mass 0.16"):
        result = slt.log_marginal_likelihood(ordered, **run)
    d = result.diagnostics
    assert abs(d["transform_log_mass"] - np.log(1 / 6)) < 4 * d["transform_log_mass_se"]
    normal = slt.log_marginal_likelihood(plain, **run)
    gap = d["log_z_normalized"] - normal.log_z
    assert abs(gap) < 4 * np.hypot(np.hypot(result.se, normal.se), d["transform_log_mass_se"])


# --- real data, slow ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
@pytest.mark.parametrize("name", ["turtles_probit", "turtles_glmm", "cars_nig"])
@pytest.mark.parametrize("seed", [11, 12])
def test_default_path_on_real_data(name, seed):
    """The default path on three real-data models with a log Z known without pymc-slt (a
    quadrature, a published Bayes factor, an exact formula): within 0.05 nat of warp-III alone on
    the same draws and within its se (plus the reference's rounding) of the reference."""
    from tests.gallery.real_data import REAL_DATA

    build, reference = REAL_DATA[name]
    result = slt.log_marginal_likelihood(build(), random_seed=seed, **RUN)
    alone = slt.log_marginal_likelihood(build(), random_seed=seed, fallback=False, **RUN)
    assert abs(result.log_z - alone.log_z) < 0.05, (result, alone)
    assert abs(result.log_z - reference()) < 4 * result.se + 0.01, (result, reference())


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
@pytest.mark.parametrize("seed", [11, 12])
def test_default_path_on_a_real_posterior_with_modes_of_different_mass(seed):
    """Lopes & West's one-factor model of exchange rates: NUTS chains stay in modes of different
    mass, so bridge sampling is doubted; the stepping stone that checks it has chains in
    different modes too (or TI disagreeing), so no method is healthy: bridge sampling's number
    stands, within its se of the published −1014.271, and the warning says so (the former rule
    answered with a stepping stone 4.1 nat off)."""
    from tests.gallery.real_data import REAL_DATA

    build, reference = REAL_DATA["ier_factor"]
    with pytest.warns(slt.EvidenceWarning, match="no method is healthy"):
        result = slt.log_marginal_likelihood(build(), random_seed=seed, **RUN)
    assert result.method == "bridge"
    assert result.diagnostics["candidates"]["stepping_stone"]["problems"]
    assert abs(result.log_z - reference()) < 4 * result.se + 0.01, result
