"""Tests for the learning-coefficient estimators (pymc_slt.learning_coefficient.estimate).

Reference values:

* Regular model: conjugate linear regression, where ``ConjugateLinearRegression`` gives the exact
  finite-n :math:`E_β[n L_n]`, hence the exact value of each estimand at the β used; the
  estimates must match it within 4 reported standard errors, and d/2 loosely.
* ``y = a·b·x`` (λ = 1/2, m = 2), N(0, 1) priors: the estimands carry the finite-n bias derived
  in ``learning_coefficient``'s Notes, :math:`λ - 1/Λ` (local) and :math:`λ - 1/Λ - 1/Λ^2`
  (slopes) with :math:`Λ = \\log(nβ s/2) + 4\\log 2 - γ_E`. The tolerance is 4 reported se plus
  0.06, the data-driven spread we measured over seeds (sd ≈ 0.02–0.03 of λ̂ from the
  :math:`O_p(\\sqrt{λ/β})` term) plus the O(1/Λ²) terms the formula leaves out.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytest

import pymc_slt as slt
from pymc_slt.base.energy import energy_mean
from pymc_slt.base.fit import default_betas, weighted_slope
from pymc_slt.exact import ConjugateLinearRegression
from pymc_slt.learning_coefficient import LearningCoefficientResult, learning_coefficient
from pymc_slt.learning_coefficient import local as rlct
from pymc_slt.learning_coefficient.local import pilot_length
from pymc_slt.models.localization import (
    LOCALIZATION_POTENTIAL,
    localization_data,
    localize,
    validate_point,
)
from pymc_slt.sampling import tempered as sampling

FAST = {"sampler": slt.NUTS(draws=1000, tune=500, chains=2), "progressbar": False}
SMALL = slt.NUTS(draws=200, tune=200, chains=2)


@pytest.fixture(scope="module")
def regular() -> ConjugateLinearRegression:
    rng = np.random.default_rng(11)
    X = rng.normal(size=(500, 2))
    y = X @ np.array([1.0, -0.5]) + rng.normal(size=500)
    return ConjugateLinearRegression(X, y, noise_sd=1.0, prior_sd=10.0)


def crossing_model(n: int = 1000, seed: int = 3) -> tuple[pm.Model, float]:
    """``y = a·b·x + ε`` with a zero truth, a, b ~ N(0, 1); returns the model and mean x²."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = rng.normal(size=n)
    with pm.Model() as model:
        a = pm.Normal("a", 0.0, 1.0)
        b = pm.Normal("b", 0.0, 1.0)
        pm.Normal("y", a * b * x, 1.0, observed=y)
    return model, float(np.mean(x**2))


def crossing_bias_lambda(n: int, beta: float, s: float, *, slope: bool) -> float:
    """Finite-n value of the a·b·x estimands from log Z = −½ log u + log(log u + 4 log 2 − γ_E)."""
    big_lambda = np.log(n * beta * s / 2) + 4 * np.log(2) - np.euler_gamma
    return 0.5 - 1 / big_lambda - (1 / big_lambda**2 if slope else 0.0)


def tiny_model() -> pm.Model:
    rng = np.random.default_rng(0)
    with pm.Model() as model:
        w = pm.Normal("w", 0.0, 1.0, shape=2)
        sigma = pm.HalfNormal("sigma", 1.0)
        pm.Normal("y", w[0] + w[1] * np.arange(30) / 30, sigma, observed=rng.normal(size=30))
    return model


# ------------------------------------------------------------------------------------------
# array arithmetic
# ------------------------------------------------------------------------------------------


def test_weighted_slope_two_points_is_finite_difference():
    fit = weighted_slope(np.array([2.0, 1.0]), np.array([5.0, 3.0]), np.array([0.3, 0.4]))
    assert fit.slope == pytest.approx(2.0)
    assert fit.se == pytest.approx(0.5)  # sqrt(0.3² + 0.4²) / |2 − 1|
    assert fit.chi2 == pytest.approx(0.0, abs=1e-12)


def test_weighted_slope_inflates_se_when_points_scatter():
    x = np.arange(5.0)
    exact = weighted_slope(x, 1.0 + 2.0 * x, np.full(5, 0.1))
    assert exact.slope == pytest.approx(2.0)
    assert exact.se == pytest.approx(0.1 / np.sqrt(10.0))
    noisy = weighted_slope(x, 1.0 + 2.0 * x + np.array([0, 1, -1, 1, 0]), np.full(5, 0.1))
    assert noisy.chi2 > 3
    assert noisy.se == pytest.approx(exact.se * np.sqrt(noisy.chi2 / 3))  # Birge ratio


def test_energy_mean_se_matches_iid_error():
    draws = np.random.default_rng(1).normal(3.0, 2.0, size=(4, 2000))
    mean, se, _ = energy_mean(draws)
    assert mean == pytest.approx(draws.mean())
    assert se == pytest.approx(2.0 / np.sqrt(8000), rel=0.1)


def test_default_betas_follow_watanabe():
    n = 1000
    lo, hi = default_betas(n, "two_temperature")
    log_n = np.log(n)
    assert lo == pytest.approx((1 - 1 / np.sqrt(2 * log_n)) / log_n)
    assert hi == pytest.approx((1 + 1 / np.sqrt(2 * log_n)) / log_n)
    assert default_betas(n, "local") == pytest.approx([1 / log_n])
    ladder = default_betas(n, "ladder")
    assert ladder[0] == pytest.approx(1 / log_n) and ladder[-1] == pytest.approx(4 / log_n)


# ------------------------------------------------------------------------------------------
# input validation (no sampling)
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "error", "match"),
    [
        ("wbic", ValueError, "method must be one of"),
        (slt.LocalLambda(point={"w": np.zeros(2)}), ValueError, r"missing \['sigma'\]"),
        (slt.LocalLambda(point={"w": np.zeros(3), "sigma": 1.0}), ValueError, "shape"),
        (slt.LocalLambda(point={"w": [0, np.nan], "sigma": 1.0}), ValueError, "NaN"),
        (slt.LocalLambda(point={"w": [0, 0], "sigma": -1.0}), ValueError, "support"),
    ],
)
def test_bad_arguments_name_the_argument(method, error, match):
    with pytest.raises(error, match=match):
        learning_coefficient(tiny_model(), method=method, progressbar=False)


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (
            lambda: slt.LadderSlope(betas=[0.1]),
            ValueError,
            r"LadderSlope\(betas=…\) must hold at least 2",
        ),
        (
            lambda: slt.TwoTemperature(betas=[0.1, 0.2, 0.3]),
            ValueError,
            "must hold exactly 2 values",
        ),
        (lambda: slt.TwoTemperature(betas=[0.1]), ValueError, "must hold exactly 2 values"),
        (
            lambda: slt.LocalLambda(beta=[0.1, 0.2]),
            TypeError,
            "LocalLambda: beta must be a real",
        ),
        (lambda: slt.LadderSlope(betas=[0.1, -0.2]), ValueError, "LadderSlope: betas must hold"),
        (lambda: slt.LadderSlope(betas="0.1"), TypeError, "LadderSlope: betas must be"),
        (
            lambda: slt.LocalLambda(gamma=0.0),
            ValueError,
            r"LocalLambda\(gamma=…\) must be finite and > 0",
        ),
        (
            lambda: slt.LocalLambda(gamma=-1),
            ValueError,
            r"LocalLambda\(gamma=…\) must be finite and > 0",
        ),
        (lambda: slt.LocalLambda(gamma="big"), TypeError, r"LocalLambda\(gamma=…\)"),
        (
            lambda: slt.LocalLambda(point=[0.0, 0.0]),
            TypeError,
            r"LocalLambda\(point=…\) must be a dict",
        ),
    ],
)
def test_bad_estimator_value_names_the_option(build, error, match):
    """A bad option fails when the estimator value is built, before any model."""
    with pytest.raises(error, match=match):
        build()


def test_deprecated_arguments_still_work_and_warn(monkeypatch):
    """The loose sampler settings and estimator options (until 0.3.0) become the same values,
    with one DeprecationWarning; an option the estimator does not take is still refused."""
    from pymc_slt.learning_coefficient.methods import ESTIMATORS, LambdaEstimator

    seen = []

    def record(job):
        seen.append(job)
        raise InterruptedError  # stop before sampling

    monkeypatch.setitem(ESTIMATORS, "local", LambdaEstimator(record, slt.LocalLambda))
    point = {"w": np.array([0.5, -0.5]), "sigma": np.array(1.0)}
    with pytest.warns(DeprecationWarning, match="draws"), pytest.raises(InterruptedError):
        learning_coefficient(
            tiny_model(), method="local", betas=0.2, point=point, gamma=2.0, draws=200, tune=200,
            chains=2, sampler_kwargs={"target_accept": 0.85}, progressbar=False,
        )  # fmt: skip
    (job,) = seen
    assert job.sampler == slt.NUTS(draws=200, tune=200, chains=2, target_accept=0.85)
    assert job.betas.tolist() == [0.2] and job.gamma == 2.0
    assert job.point["w"].tolist() == [0.5, -0.5]
    for old, match in (
        ({"method": "local", "betas": [0.1, 0.2]}, "exactly 1"),
        ({"method": "ladder", "point": {"w": [0, 0], "sigma": 1.0}}, "only used"),
    ):
        with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match=match):
            learning_coefficient(tiny_model(), progressbar=False, **old)


def test_bad_model_and_tiny_n():
    with pytest.raises(TypeError, match=r"model must be a pymc\.Model"):
        learning_coefficient("model")
    with pm.Model() as two:
        w = pm.Normal("w")
        pm.Normal("y", w, 1.0, observed=np.array([0.1, 0.2]))
    with pytest.raises(ValueError, match="n >= 3"):
        learning_coefficient(two)


def test_localize_adds_potential_and_leaves_model_alone():
    model = tiny_model()
    point = validate_point(model, {"w": [0.5, -0.5], "sigma": 1.0})
    local = localize(model, point, gamma=2.0)
    assert LOCALIZATION_POTENTIAL in local.named_vars
    assert LOCALIZATION_POTENTIAL not in model.named_vars
    logp_local = local.compile_logp()
    logp = model.compile_logp()
    ip = model.initial_point()
    ip["w"] = np.array([1.5, -0.5])  # ‖w − w*‖² = 1, σ = exp(0) = 1 = σ*
    assert logp_local(ip) - logp(ip) == pytest.approx(-0.5 * 2.0 * 1.0)
    with pytest.raises(ValueError, match="already holds"):
        localize(local, point, 1.0)


def test_localization_is_data_so_gamma_zero_is_the_model():
    model = tiny_model()
    point = validate_point(model, {"w": [0.5, -0.5], "sigma": 1.0})
    local = localize(model, point, gamma=2.0)
    ip = model.initial_point()
    ip["w"] = np.array([1.5, -0.5])
    pm.set_data(localization_data({"w": np.array([1.5, -0.5])}, 3.0), model=local)
    assert local.compile_logp()(ip) == pytest.approx(model.compile_logp()(ip))  # centre at ip
    pm.set_data(localization_data(point, 0.0), model=local)
    assert local.compile_logp()(ip) == pytest.approx(model.compile_logp()(ip))  # γ = 0


def test_localize_refuses_a_taken_data_name():
    with pm.Model() as model:
        pm.Data("slt_gamma", 1.0)
        w = pm.Normal("w", 0.0, 1.0)
        pm.Normal("y", w, 1.0, observed=np.zeros(5))
    with pytest.raises(ValueError, match="slt_gamma"):
        localize(model, {"w": np.array(0.0)}, 1.0)


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_local_compiles_once_for_pilot_and_run_and_keeps_only_sums(monkeypatch):
    calls, pointwise = [], []
    compile_model = sampling.nutpie.compile_pymc_model
    stacked = sampling.stacked_log_likelihood

    def counting_compile(*args, **kwargs):
        calls.append(1)
        return compile_model(*args, **kwargs)

    def recording_stacked(*args, **kwargs):
        pointwise.append(kwargs.get("pointwise", True))
        return stacked(*args, **kwargs)

    monkeypatch.setattr(sampling.nutpie, "compile_pymc_model", counting_compile)
    monkeypatch.setattr(sampling, "stacked_log_likelihood", recording_stacked)
    res = learning_coefficient(tiny_model(), sampler=SMALL, progressbar=False, random_seed=0)
    assert len(calls) == 1
    assert pointwise == [False, False]  # pilot and localized run: never chains × draws × n
    assert np.isfinite(res.estimate)
    assert pilot_length(1000, 1000) == {"draws": 250, "tune": 500}
    assert pilot_length(50, 0) == {"draws": 50, "tune": 0}


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_local_retries_divergent_run_unless_target_accept_given(monkeypatch):
    monkeypatch.setattr(rlct, "RETRY_DIVERGENT_FRACTION", -1.0)  # every run counts as divergent
    kwargs = {"progressbar": False, "random_seed": 0}
    res = learning_coefficient(tiny_model(), sampler=SMALL, **kwargs)
    assert res.diagnostics["retried"] is True
    assert res.diagnostics["target_accept"] == rlct.RETRY_TARGET_ACCEPT
    careful = slt.NUTS(draws=200, tune=200, chains=2, target_accept=0.85)
    mine = learning_coefficient(tiny_model(), sampler=careful, **kwargs)
    assert mine.diagnostics["retried"] is False
    assert mine.diagnostics["target_accept"] == 0.85


# ------------------------------------------------------------------------------------------
# regular model: exact finite-n reference
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["ladder", "two_temperature"])
def test_slope_estimators_match_exact_energies(regular, method):
    res = learning_coefficient(regular.model(), method=method, random_seed=5, **FAST)
    exact_e = np.array([regular.expected_energy(b) for b in res.betas])
    exact = weighted_slope(1 / res.betas, exact_e, res.diagnostics["energy_se"]).slope
    assert abs(res.estimate - exact) < 4 * res.se
    assert abs(res.estimate - regular.d / 2) < 4 * res.se + 0.05
    assert np.all(np.abs(res.energies - exact_e) < 4 * res.diagnostics["energy_se"] + 1e-9)


def test_local_matches_exact_localized_posterior(regular):
    res = learning_coefficient(regular.model(), method="local", random_seed=6, **FAST)
    beta, gamma = res.betas[0], res.diagnostics["gamma"]
    w_star = res.diagnostics["point"]["w"]
    # localized tempered posterior of the conjugate model: Gaussian, precision P, mean m
    X, y = regular.X, regular.y
    P = beta * X.T @ X + (1 / regular.prior_sd**2 + gamma) * np.eye(regular.d)
    cov = np.linalg.inv(P)
    m = cov @ (beta * X.T @ y + gamma * w_star)
    e_exact = 0.5 * regular.n * np.log(2 * np.pi) + 0.5 * (
        np.sum((y - X @ m) ** 2) + np.trace(X.T @ X @ cov)
    )
    assert res.diagnostics["point_energy"] == pytest.approx(regular.energy(w_star))
    exact = beta * (e_exact - regular.energy(w_star))
    assert abs(res.estimate - exact) < 4 * res.se
    assert abs(res.estimate - regular.d / 2) < 4 * res.se + 0.05
    assert isinstance(res, LearningCoefficientResult)
    assert "λ̂" in repr(res) and "local" in repr(res)


# ------------------------------------------------------------------------------------------
# singular model y = a·b·x: known finite-n bias
# ------------------------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
@pytest.mark.parametrize("method", ["local", "ladder", "two_temperature"])
def test_crossing_matches_finite_n_prediction(method):
    model, s = crossing_model()
    res = learning_coefficient(
        model,
        method=method,
        random_seed=7,
        sampler=slt.NUTS(draws=1000, tune=500, chains=2, target_accept=0.9),
        progressbar=False,
    )
    beta_mid = float(np.exp(np.mean(np.log(res.betas))))
    expected = crossing_bias_lambda(1000, beta_mid, s, slope=method != "local")
    assert abs(res.estimate - expected) < 4 * res.se + 0.06
    assert res.estimate < 0.5 + 4 * res.se  # below λ = 1/2, never above it


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_same_seed_same_numbers():
    kwargs = {"sampler": SMALL, "progressbar": False, "random_seed": 3}
    first = learning_coefficient(tiny_model(), method="two_temperature", **kwargs)
    second = learning_coefficient(tiny_model(), method="two_temperature", **kwargs)
    assert first.estimate == second.estimate
    assert np.array_equal(first.energies, second.energies)


# ------------------------------------------------------------------------------------------
# the accuracy table (benchmarks/rlct.py prints it with devinterp next to it)
# ------------------------------------------------------------------------------------------


def _zoo_case(label: str, seed: int) -> pm.Model:
    from pymc_slt.models import simulate as sim
    from pymc_slt.models.neural import reduced_rank_regression, tanh_network
    from pymc_slt.models.regular import linear_regression
    from pymc_slt.models.singular import normal_crossing

    if label == "linear":
        d = sim.simulate_linear(1000, [1.0, -0.5, 0.3], random_seed=seed)
        return linear_regression(d.x, d.y)
    if label in ("ab", "ab2"):
        powers = [1, 1] if label == "ab" else [1, 2]
        d = sim.simulate_normal_crossing(1000, powers, random_seed=seed)
        return normal_crossing(d.x, d.y, powers)
    if label == "rrr":
        B, A = sim.reduced_rank_truth(4, 3, 1, random_seed=seed)
        d = sim.simulate_reduced_rank(1000, B, A, random_seed=seed)
        return reduced_rank_regression(d.x, d.y, 2)
    d = sim.simulate_tanh_network(1000, 1, random_seed=seed)
    return tanh_network(d.x, d.y, 2)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
@pytest.mark.parametrize(
    ("label", "lam"),
    [("linear", 1.5), ("ab", 0.5), ("ab2", 0.25), ("rrr", 4.0), ("tanh", 2 / 3)],
)
def test_default_method_accuracy_table(label, lam):
    """Mean of 3 seeds at n = 1000 within 10 % of λ; for a·b·x (m = 2) of its finite-n value."""
    estimates = [
        learning_coefficient(_zoo_case(label, seed), random_seed=seed, progressbar=False).estimate
        for seed in (1, 2, 3)
    ]
    mean = float(np.mean(estimates))
    if label == "ab":
        # 0.5 − 1/Λ ≈ 0.35 (Notes of learning_coefficient); 0.06 = spread + O(1/Λ²) terms
        # s = E[x²] = 1 for the zoo's x ~ N(0, 1)
        assert abs(mean - crossing_bias_lambda(1000, 1 / np.log(1000), 1.0, slope=False)) < 0.06
    else:
        assert abs(mean / lam - 1) < 0.10


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_reused_ladder_gives_the_numbers_of_sampling_it_here():
    model, settings = tiny_model(), {"progressbar": False}
    betas = [0.2, 0.5, 1.0]
    mine = learning_coefficient(
        model,
        method=slt.LadderSlope(betas=betas),
        random_seed=4,
        sampler=slt.NUTS(draws=300, tune=300, chains=2),
        **settings,
    )
    ladder = slt.sample_ladder(
        model,
        betas,
        random_seed=4,
        sampler=slt.NUTS(draws=300, tune=300, chains=2, target_accept=0.9),
        **settings,
    )
    reused = learning_coefficient(model, method="ladder", data=ladder)
    assert reused.estimate == mine.estimate and reused.se == mine.se
    np.testing.assert_array_equal(reused.betas, mine.betas)
    with pytest.raises(ValueError, match="exactly 2"):
        learning_coefficient(model, method="two_temperature", data=ladder)
    with pytest.raises(ValueError, match="drop betas"):
        learning_coefficient(model, method=slt.LadderSlope(betas=betas), data=ladder)


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_local_from_given_draws_uses_their_best_draw():
    settings = {"sampler": slt.NUTS(draws=300, tune=300, chains=2), "progressbar": False}
    model = tiny_model()
    post = slt.sample_tempered(model, 1.0, random_seed=1, **settings)
    reused = learning_coefficient(model, data=post, random_seed=2, **settings)
    point = slt.sampling.best_draw(post, model)[0]
    given = learning_coefficient(
        model, method=slt.LocalLambda(point=point), random_seed=2, **settings
    )
    assert reused.estimate == given.estimate
    with pytest.raises(ValueError, match="not both"):
        learning_coefficient(model, data=post, method=slt.LocalLambda(point=point))
    hot = slt.sample_tempered(model, 0.5, random_seed=1, **settings)
    with pytest.raises(ValueError, match=r"beta=1\.0"):
        learning_coefficient(model, data=hot)
    result = reused.to_dataset()
    assert float(result["estimate"]) == reused.estimate and result["betas"].dims == ("rung",)
    assert reused.lam == reused.estimate


def test_bound_warning_names_a_best_fit_in_the_priors_far_tail():
    # y ~ N(μ, 1) around 10, μ ~ N(0, 1), n = 100: the fit sits 10 prior sd out. At β = 1/log n
    # the tempered mean is pulled 0.44 back toward 0, so E_β[n L_n] − n L_n(w*) ≈ 50 (0.44² +
    # 1/22.7) ≈ 12 and λ̂ ≈ 2.6 > d/2 = 0.5: the prior, not the model, makes λ̂ large here.
    y = 10.0 + np.random.default_rng(0).normal(size=100)
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 1.0)
        pm.Normal("y", mu, 1.0, observed=y)
    with pytest.warns(UserWarning, match="exceeds d/2") as caught:
        res = learning_coefficient(model, random_seed=1, **FAST)
    assert 2.0 < res.estimate < 3.2, res.estimate
    assert res.diagnostics["prior_tail"] == 0.0
    assert any("prior's far tail" in str(w.message) for w in caught)
    assert slt.sampling.prior_tail(model, {"mu": np.array(0.0)}) > 0.9
