"""The local learning coefficient by minibatch SGLD (pymc_slt.learning_coefficient.sgld).

Checked against the exact finite-n estimand on a two-parameter model (grid quadrature), against
the NUTS local estimate on a small reduced-rank network, for determinism, for its automatic
choice, its warnings and its errors. Tolerances: 3 standard errors of the estimates.
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pymc as pm
import pytest

import pymc_slt as slt

pytest.importorskip("jax")
pytest.importorskip("blackjax")

from pymc_slt.learning_coefficient.choice import SGLD_SIZE, choose_local_sampler
from pymc_slt.models import reduced_rank_regression
from pymc_slt.models import simulate as sim
from pymc_slt.sampling.sgld import NOISE_RATIO_CHECKED, default_batch, noise_ratio

#: A small SGLD run for the fast tests: a larger step than the default mixes faster (the
#: extrapolation to ε = 0 removes its bias), more chains and draws narrow the se.
QUICK = slt.SGLD(chains=16, step_fraction=0.03, first_round=4000, max_steps=32_000, draws=250)
N, GAMMA = 500, 4.0


@pytest.fixture(scope="module")
def product():
    """y = a·b·x + ε, N(0, 1) priors and noise: its minimum set is the hyperbola ab = ĉ."""
    rng = np.random.default_rng(11)
    x = rng.normal(size=N)
    y = 0.8 * x + rng.normal(size=N)
    with pm.Model() as model:
        a = pm.Normal("a", 0, 1)
        b = pm.Normal("b", 0, 1)
        pm.Normal("y", a * b * x, 1.0, observed=y)
    c_hat = float(x @ y / (x @ x))
    point = {"a": np.sqrt(c_hat), "b": np.sqrt(c_hat)}
    return model, x, y, point


def _exact_local(x, y, point, beta: float, gamma: float) -> float:
    """β (E_{β,γ}[n L_n] − n L_n(w*)) by quadrature on a 1201² grid over [−4, 4]²."""
    grid = np.linspace(-4, 4, 1201)
    a, b = np.meshgrid(grid, grid, indexing="ij")
    c = a * b
    sxx, sxy, syy = x @ x, x @ y, y @ y
    energy = 0.5 * (syy - 2 * c * sxy + c**2 * sxx) + 0.5 * len(x) * np.log(2 * np.pi)
    star = point["a"] * point["b"]
    e_star = 0.5 * (syy - 2 * star * sxy + star**2 * sxx) + 0.5 * len(x) * np.log(2 * np.pi)
    local = (a - point["a"]) ** 2 + (b - point["b"]) ** 2
    log_w = -0.5 * (a**2 + b**2) - beta * energy - 0.5 * gamma * local
    w = np.exp(log_w - log_w.max())
    return float(beta * ((w * energy).sum() / w.sum() - e_star))


def test_sgld_matches_the_exact_local_estimand(product):
    model, x, y, point = product
    beta = 1 / np.log(N)
    exact = _exact_local(x, y, point, beta, GAMMA)
    res = slt.learning_coefficient(
        model, method=slt.LocalLambda(point=point, gamma=GAMMA), sampler=QUICK, random_seed=3,
        progressbar=False,
    )  # fmt: skip
    assert res.diagnostics["sampler"] == "sgld" and res.diagnostics["settled"]
    assert 0 < res.se < 0.25 * exact
    assert abs(res.estimate - exact) < 3 * res.se, (res.estimate, res.se, exact)
    # the se holds the last two windows' change of λ̂ in quadrature with the chains' se
    drift = res.diagnostics["drift"]
    assert drift == res.diagnostics["rounds"][-1]["change"] and res.se > abs(drift) > 0


def test_same_seed_same_estimate(product):
    model, _, _, point = product
    method = slt.LocalLambda(point=point, gamma=GAMMA)
    spec = slt.SGLD(first_round=400, max_steps=800, draws=20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", slt.PoorMixingWarning)
        a, b = (
            slt.learning_coefficient(
                model, method=method, sampler=spec, random_seed=5, progressbar=False
            )
            for _ in range(2)
        )
    assert a.estimate == b.estimate and a.se == b.se
    assert [r["energy"] for r in a.diagnostics["rounds"]] == [
        r["energy"] for r in b.diagnostics["rounds"]
    ]


@pytest.fixture(scope="module")
def small_network():
    """Reduced rank 3→2→3, rank-1 truth, n = 1000 (d = 12), and its least-squares point."""
    B, A = sim.reduced_rank_truth(3, 3, 1, random_seed=0)
    data = sim.simulate_reduced_rank(1000, B, A, random_seed=1)
    W = np.linalg.lstsq(data.x, data.y, rcond=None)[0].T
    U, S, Vt = np.linalg.svd(W)
    point = {"A": np.sqrt(S[:2])[:, None] * Vt[:2], "B": U[:, :2] * np.sqrt(S[:2])[None]}
    return reduced_rank_regression(data.x, data.y, 2), point


def test_sgld_agrees_with_nuts_on_a_small_network(small_network):
    model, point = small_network
    method = slt.LocalLambda(point=point, gamma=1.0)
    sgld = slt.learning_coefficient(model, method=method, sampler=QUICK, random_seed=1,
                                    progressbar=False)  # fmt: skip
    nuts = slt.learning_coefficient(
        model, method=method, sampler=slt.NUTS(draws=600, tune=600, chains=4),
        random_seed=1, progressbar=False,
    )  # fmt: skip
    both = np.hypot(sgld.se, nuts.se)
    assert abs(sgld.estimate - nuts.estimate) < 3 * both, (sgld, nuts)
    assert sgld.se < 0.25 * nuts.estimate


def test_default_finds_its_own_point(small_network):
    model, _ = small_network
    spec = slt.SGLD(first_round=1000, max_steps=4000, draws=50)
    with warnings.catch_warnings():  # a short run: it may say it had not settled
        warnings.simplefilter("ignore", slt.PoorMixingWarning)
        res = slt.learning_coefficient(model, sampler=spec, random_seed=2, progressbar=False)
    diag = res.diagnostics
    assert diag["optimizer_steps"] > 0 and diag["gradient_drop"] < 1e-3
    assert set(diag["point"]) == {"A", "B"} and diag["point"]["A"].shape == (2, 3)
    assert diag["sampler_choice"] == "sgld: sampler given"
    # the reduced-rank λ of (M, N, H, r) = (3, 3, 2, 1) is 4.5 (d/2 = 6)
    assert 3 < res.estimate < 6


def test_the_default_sampler_follows_n_times_d_and_the_size_of_the_batch(small_network):
    model, _ = small_network  # d = 12
    nuts = slt.NUTS()
    spec, why = choose_local_sampler(model, 1000, 1 / np.log(1000), nuts)
    assert spec is nuts and why.startswith("nuts: n·d = 12,000")
    n = 20_000  # pretend n is larger: n·d = 240,000, and SGLD's batch would grow to 476 rows
    spec, why = choose_local_sampler(model, n, 1 / np.log(n), nuts)
    assert spec is nuts and "d = 12 <= 20" in why and "476 rows" in why
    spec, why = choose_local_sampler(model, n, 0.05, nuts)  # nβ/256 = 3.9: the batch stays
    assert isinstance(spec, slt.SGLD) and why == "sgld: n·d = 240,000 > 200,000, batch 256"
    B, A = sim.reduced_rank_truth(5, 5, 1, random_seed=0)
    data = sim.simulate_reduced_rank(50, B, A, random_seed=1)
    larger = reduced_rank_regression(data.x, data.y, 3)  # d = 30
    spec, why = choose_local_sampler(larger, n, 1 / np.log(n), nuts)  # n·d = 600,000
    assert spec is nuts and "n·d <= 2,000,000" in why and "476 rows" in why
    n = 100_000  # n·d = 3,000,000: NUTS is dear, SGLD runs with a grown batch
    spec, why = choose_local_sampler(larger, n, 1 / np.log(n), nuts)
    assert isinstance(spec, slt.SGLD) and why.endswith("batch 2,044")


def test_the_default_batch_holds_the_noise_ratio():
    assert default_batch(1000, 1 / np.log(1000)) == 256
    assert default_batch(100, 1.0) == 100  # at most n
    n = 100_000
    batch = default_batch(n, 1 / np.log(n))
    assert batch == 2044 and noise_ratio(n, 1 / np.log(n), batch) <= NOISE_RATIO_CHECKED


def test_sgld_warns_beyond_the_checked_noise_ratio(product):
    model, _, _, point = product
    spec = slt.SGLD(batch_size=10, first_round=400, max_steps=800, draws=20)  # nβ/|B| = 8.0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", slt.PoorMixingWarning)
        with pytest.warns(UserWarning, match=r"noise ratio nβ/\|B\| = 8.05 is above 4.25"):
            res = slt.learning_coefficient(
                model, method=slt.LocalLambda(point=point, gamma=GAMMA), sampler=spec,
                random_seed=0, progressbar=False,
            )  # fmt: skip
    assert res.diagnostics["noise_ratio"] == pytest.approx(N / np.log(N) / 10)


def test_the_default_keeps_nuts_where_sgld_cannot_run():
    rng = np.random.default_rng(0)
    with pm.Model() as joint:  # one joint term over the data: no minibatches
        w = pm.Normal("w", 0, 1, shape=20)
        pm.MvNormal("y", w.sum() * np.ones(50), np.eye(50), observed=rng.normal(size=50))
    with pytest.warns(UserWarning, match="SGLD, the faster choice at this size, cannot run"):
        spec, why = choose_local_sampler(joint, SGLD_SIZE, 0.005, slt.NUTS())  # pretend n large
    assert isinstance(spec, slt.NUTS) and "cannot run" in why


def test_wbic_by_sgld_matches_nuts(product):
    model, *_ = product
    by_sgld = slt.wbic(model, sampler=QUICK, random_seed=4, progressbar=False)
    with warnings.catch_warnings():  # both branches ab = ĉ: r̂ of the parameters is poor, but
        warnings.simplefilter("ignore", slt.PoorMixingWarning)  # n L_n is the same on both
        by_nuts = slt.wbic(model, sampler=slt.NUTS(draws=1000, chains=4), random_seed=4,
                           progressbar=False)  # fmt: skip
    assert by_sgld.diagnostics["sampler"] == "sgld" and by_sgld.beta == by_nuts.beta
    assert abs(by_sgld.wbic - by_nuts.wbic) < 3 * np.hypot(by_sgld.se, by_nuts.se)


def test_unsettled_run_and_a_point_off_the_minimum_warn(product):
    model, _, _, point = product
    off = {"a": point["a"] + 0.5, "b": point["b"]}
    with pytest.warns(slt.PoorMixingWarning) as record:
        res = slt.learning_coefficient(
            model, method=slt.LocalLambda(point=off, gamma=GAMMA),
            sampler=slt.SGLD(first_round=400, max_steps=400, draws=20), random_seed=0,
            progressbar=False,
        )  # fmt: skip
    text = " ".join(str(w.message) for w in record)
    assert "had not settled after 400 steps" in text and "not a minimum" in text
    assert res.diagnostics["settled"] is False


def test_a_step_far_too_large_gives_nan_and_a_warning(product):
    model, _, _, point = product
    with pytest.warns(UserWarning, match="the chains diverged"):
        res = slt.learning_coefficient(
            model, method=slt.LocalLambda(point=point, gamma=GAMMA),
            sampler=slt.SGLD(step_size=10.0, first_round=400, max_steps=400, draws=20),
            random_seed=0, progressbar=False,
        )  # fmt: skip
    assert np.isnan(res.estimate)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"chains": 1}, ValueError, r"SGLD\(chains=…\) must be >= 2"),
        ({"chains": 4.0}, TypeError, r"SGLD\(chains=…\) must be an integer"),
        ({"step_fraction": 1.5}, ValueError, "must be below 1"),
        ({"precondition": 1}, TypeError, r"SGLD\(precondition=…\) must be True or False"),
        ({"step_size": -1e-3}, ValueError, r"SGLD\(step_size=…\) must be finite and > 0"),
        ({"max_steps": 1000, "first_round": 2000}, ValueError, "at least first_round"),
        ({"draws": 600, "first_round": 1000}, ValueError, "at most first_round / 2"),
    ],
)
def test_bad_settings_are_refused_when_built(kwargs, error, match):
    with pytest.raises(error, match=match):
        slt.SGLD(**kwargs)


def test_bad_combinations_are_refused_before_sampling(product):
    model, *_ = product
    with pytest.raises(ValueError, match="serves method='local' only"):
        slt.learning_coefficient(model, method="ladder", sampler="sgld")
    with pytest.raises(ValueError, match=r"batch_size=…\) must be at most n = 500"):
        slt.learning_coefficient(model, sampler=slt.SGLD(batch_size=501), progressbar=False)
    with pytest.raises(ValueError, match=r"set the run's length in slt.SGLD"):
        slt.learning_coefficient(model, sampler="sgld", draws=100)
    with pytest.raises(ValueError, match=r"set the run's length in slt.SGLD"):
        slt.wbic(model, sampler="sgld", draws=100)


@pytest.mark.slow
def test_default_path_on_a_deep_linear_network_of_512_weights():
    """DLN 8→16→16→8, rank-2 truth, n = 10⁴ (d = 512, λ = 32, Aoyagi 2024): the default picks
    SGLD, and λ̂ lands within 15 % of λ (docs/benchmarks.md, ``networks.py``: −8 % measured;
    the finite-n estimand itself is a few per cent below λ)."""
    from pymc_slt.models import deep_linear_network

    B, A = sim.reduced_rank_truth(8, 8, 2, random_seed=0)
    data = sim.simulate_reduced_rank(10_000, B, A, random_seed=0)
    model = deep_linear_network(data.x, data.y, (16, 16))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", slt.PoorMixingWarning)
        res = slt.learning_coefficient(model, random_seed=0, progressbar=False)
    lam = slt.theory.rlct_deep_linear(8, 8, (16, 16), 2)
    assert lam == 32 and res.diagnostics["sampler_choice"].startswith("sgld")
    assert abs(res.estimate / lam - 1) < 0.15 and 0 < res.se < 0.1 * lam, res


def _exact_linear_local(X, y, beta: float, gamma: float) -> tuple[float, dict]:
    """The exact local estimand of y ~ N(Xw, 1), w ~ N(0, I), around least squares w*: the
    localized tempered posterior is N(μ, Σ) with Σ⁻¹ = βXᵀX + (1 + γ)I, μ = Σ(βXᵀXw* + γw*),
    and β(E[n L_n] − n L_n(w*)) = (β/2)(tr(XᵀXΣ) + (μ − w*)ᵀXᵀX(μ − w*))."""
    gram = X.T @ X
    w_star = np.linalg.solve(gram, X.T @ y)
    cov = np.linalg.inv(beta * gram + (1 + gamma) * np.eye(len(gram)))
    shift = cov @ (beta * gram @ w_star + gamma * w_star) - w_star
    return 0.5 * beta * (np.trace(gram @ cov) + shift @ gram @ shift), {"w": w_star}


def test_step_bias_accounts_for_a_small_batch_on_a_regular_model():
    """At noise ratio nβ/|B| ≈ 33 SGLD's λ̂ is biased up; its first-order estimate
    ε tr(H + C)/4 (exact to first order for a Gaussian posterior) accounts for the bias, and
    the run warns with the remedy of a larger batch."""
    rng = np.random.default_rng(3)
    n, gamma = 2000, 1.0
    X = rng.normal(size=(n, 3))
    y = X @ np.array([1.0, -0.5, 0.25]) + rng.normal(size=n)
    with pm.Model() as model:
        w = pm.Normal("w", 0, 1, shape=3)
        pm.Normal("y", X @ w, 1.0, observed=y)
    beta = 1 / np.log(n)
    exact, point = _exact_linear_local(X, y, beta, gamma)
    spec = slt.SGLD(batch_size=8, chains=16, first_round=2000, max_steps=16_000, draws=200)
    with pytest.warns(UserWarning) as caught:
        res = slt.learning_coefficient(
            model, method=slt.LocalLambda(point=point, gamma=gamma), sampler=spec,
            random_seed=0, progressbar=False,
        )  # fmt: skip
    said = " ".join(str(w.message) for w in caught)
    assert re.search(r"bias λ̂ = .* up by as much as .*batch_size=32", said)
    assert "exceeds d/2 = 1.5" in said and "SGLD's step and minibatch noise bias it up" in said
    bias = res.diagnostics["step_bias"]["bias"]
    assert res.estimate - exact > 3 * res.se  # the bias is real ...
    assert abs(res.estimate - bias - exact) < 3 * res.se, (res.estimate, bias, exact, res.se)
