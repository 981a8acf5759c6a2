"""sample_tempered / sample_ladder against the exact tempered posterior of conjugate regression."""

import arviz_stats as azs
import numpy as np
import pymc as pm
import pytest
from scipy import stats

import pymc_slt as slt
import pymc_slt.sampling.tempered as sampling
from pymc_slt.base.loglik import energy, pointwise_log_likelihood
from tests.conftest import make_conjugate

BETAS = [0.1, 0.5, 1.0, 2.0]


@pytest.fixture(scope="module")
def exact():
    return make_conjugate(n=40, d=2, seed=3, prior_sd=2.0)


@pytest.fixture(scope="module")
def ladder(exact):
    nuts = slt.NUTS(draws=1000, tune=500, chains=2)
    return slt.sample_ladder(exact.model(), BETAS, sampler=nuts, random_seed=11, progressbar=False)


def test_ladder_matches_exact_tempered_posterior(exact, ladder):
    assert list(ladder.children) == [f"rung_{k}" for k in range(len(BETAS))]
    for child, beta in zip(ladder.children.values(), BETAS, strict=True):
        assert child.attrs["beta"] == beta
        mean, cov = exact.posterior(beta)
        w = child["posterior"]["w"]
        mcse = azs.mcse(child, var_names=["w"])["w"].values
        est = w.mean(("chain", "draw")).values
        assert np.all(np.abs(est - mean) < 4 * mcse), (beta, est, mean, mcse)
        # relative sd of a variance estimate is about sqrt(2 / ESS); allow 4 of them (<= 15%)
        ess = azs.ess(child, var_names=["w"], method="bulk")["w"].values
        rtol = 4 * np.sqrt(2 / ess)
        assert np.all(rtol <= 0.15)
        var = w.var(("chain", "draw")).values
        assert np.all(np.abs(var / np.diag(cov) - 1) < rtol), (beta, var, np.diag(cov), rtol)


def test_log_likelihood_is_untempered_normal_density(exact, ladder):
    for child in ladder.children.values():
        w = child["posterior"]["w"].values  # (chain, draw, d)
        expected = stats.norm(w @ exact.X.T, 1.0).logpdf(exact.y)
        got = child["log_likelihood"]["y"].transpose("chain", "draw", ...).values
        np.testing.assert_allclose(got, expected, atol=1e-6)
        assert child.attrs["n"] == exact.n
        np.testing.assert_array_equal(child["observed_data"]["y"].values, exact.y)


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_ladder_compiles_once(monkeypatch, exact):
    calls = {"nutpie": 0, "loglik": 0}
    compile_model = sampling.nutpie.compile_pymc_model
    compute_loglik = sampling.pm.compute_log_likelihood

    def counting_compile(*args, **kwargs):
        calls["nutpie"] += 1
        return compile_model(*args, **kwargs)

    def counting_loglik(*args, **kwargs):
        calls["loglik"] += 1
        return compute_loglik(*args, **kwargs)

    monkeypatch.setattr(sampling.nutpie, "compile_pymc_model", counting_compile)
    monkeypatch.setattr(sampling.pm, "compute_log_likelihood", counting_loglik)
    betas = np.geomspace(0.05, 1.0, 8)
    dt = slt.sample_ladder(
        exact.model(),
        betas,
        sampler=slt.NUTS(draws=50, tune=50, chains=1),
        progressbar=False,
        random_seed=0,
    )
    assert len(dt.children) == 8
    assert calls == {"nutpie": 1, "loglik": 1}


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_same_seed_same_draws(exact):
    model, run = exact.model(), {"sampler": slt.NUTS(draws=100, tune=100, chains=2)}
    a = slt.sample_tempered(model, 0.5, random_seed=5, progressbar=False, **run)
    b = slt.sample_tempered(model, 0.5, random_seed=5, progressbar=False, **run)
    c = slt.sample_tempered(model, 0.5, random_seed=6, progressbar=False, **run)
    np.testing.assert_array_equal(a["posterior"]["w"].values, b["posterior"]["w"].values)
    assert not np.array_equal(a["posterior"]["w"].values, c["posterior"]["w"].values)


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_generator_seed_is_accepted(exact):
    dt = slt.sample_tempered(
        exact.model(),
        1.0,
        random_seed=np.random.default_rng(0),
        sampler=slt.NUTS(draws=50, tune=50, chains=1),
        progressbar=False,
    )
    assert dt["posterior"].sizes["draw"] == 50


def test_smc_sampler_matches_exact(exact):
    beta = 0.5
    dt = slt.sample_tempered(
        exact.model(),
        beta,
        sampler=slt.SMC(draws=1000, chains=2),
        random_seed=2,
        progressbar=False,
    )
    mean, cov = exact.posterior(beta)
    w = dt["posterior"]["w"]
    n_draws = w.sizes["chain"] * w.sizes["draw"]
    se = np.sqrt(np.diag(cov) / n_draws) * 2  # SMC particles are correlated: allow ESS = N/4
    np.testing.assert_array_less(np.abs(w.mean(("chain", "draw")).values - mean), 4 * se)
    assert dt.attrs["sampler"] == "smc"
    assert "log_likelihood" in dt.children


def test_summed_log_likelihood_equals_the_sum_of_the_pointwise_terms():
    """Two observed variables, one through a transformed parameter: the summed group gives the
    same n L_n as the pointwise one, keeps chains × draws values, and the pointwise functions
    refuse it with the remedy."""
    rng = np.random.default_rng(2)
    with pm.Model() as model:
        mu = pm.Normal("mu", 0, 1)
        sigma = pm.HalfNormal("sigma", 1)
        pm.Normal("y", mu, sigma, observed=rng.normal(size=30))
        pm.Poisson("k", pm.math.exp(mu), observed=rng.poisson(2.0, size=12))
    compiled = sampling.CompiledTempered(model, "nuts")
    raw = compiled.run(0.5, slt.NUTS(draws=50, tune=50, chains=2), seed=0, progressbar=False)
    (full,), _ = compiled.assemble([0.5], [raw])
    (summed,), _ = compiled.assemble([0.5], [raw], pointwise=False)
    assert "log_likelihood" not in summed.children
    assert dict(summed["log_likelihood_sum"]["y"].sizes) == {"chain": 2, "draw": 50}
    np.testing.assert_allclose(energy(summed).values, energy(full).values, rtol=1e-12)
    np.testing.assert_allclose(energy(summed, ["k"]).values, energy(full, ["k"]).values, rtol=1e-12)
    with pytest.raises(ValueError, match=r"summed log-likelihood.*sample_tempered"):
        pointwise_log_likelihood(summed)


def test_multi_output_counts_rows_as_observations():
    rng = np.random.default_rng(0)
    Y = rng.normal(size=(25, 3))
    with pm.Model() as model:
        mu = pm.Normal("mu", 0, 1, shape=3)
        pm.Normal("y", mu, 1, observed=Y)
    assert slt.n_observations(model) == 25


def test_poor_mixing_warns_with_remedy():
    with pm.Model() as funnel:
        v = pm.Normal("v", 0, 3)
        x = pm.Normal("x", 0, pm.math.exp(v / 2), shape=5)
        pm.Normal("y", x.sum(), 10.0, observed=np.array([0.0]))
    with pytest.warns(UserWarning, match="Remedy"):
        dt = slt.sample_tempered(
            funnel,
            1.0,
            sampler=slt.NUTS(draws=100, tune=30, chains=2),
            random_seed=1,
            progressbar=False,
        )
    assert "max_rhat" in dt.attrs


@pytest.mark.parametrize(
    ("betas", "error", "match"),
    [
        ([0.5, 0.0], ValueError, r"betas\[1\]"),
        ([0.5, np.nan], ValueError, "finite values > 0"),
        ([np.inf], ValueError, "finite values > 0"),
        ([-1.0, 1.0], ValueError, "finite values > 0"),
        (0.5, TypeError, "1-D sequence"),
        ("0.5", TypeError, "1-D sequence"),
        ([[0.5, 1.0]], ValueError, "1-D"),
        ([], ValueError, "empty"),
        ([0.5, 0.5], ValueError, "repeated"),
        (["a", "b"], TypeError, "real numbers"),
    ],
)
def test_bad_betas(exact, betas, error, match):
    with pytest.raises(error, match=match):
        slt.sample_ladder(exact.model(), betas, progressbar=False)


@pytest.mark.parametrize("beta", [0, -0.5, np.nan, np.inf])
def test_bad_beta(exact, beta):
    with pytest.raises(ValueError, match="beta must be finite and > 0"):
        slt.sample_tempered(exact.model(), beta, progressbar=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sampler": "hmc"}, ValueError, "sampler must be one of"),
        ({"random_seed": "x"}, TypeError, "random_seed"),
    ],
)
def test_bad_options(exact, kwargs, error, match):
    with pytest.raises(error, match=match):
        slt.sample_tempered(exact.model(), 1.0, progressbar=False, **kwargs)


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (lambda: slt.NUTS(draws=0), ValueError, r"NUTS\(draws=…\)"),
        (lambda: slt.NUTS(chains=1.5), TypeError, r"NUTS\(chains=…\)"),
    ],
)
def test_bad_sampler_settings_fail_when_the_value_is_built(build, error, match):
    with pytest.raises(error, match=match):
        build()


def test_sample_ladder_still_takes_the_deprecated_loose_settings():
    """draws=, tune=, chains= (until 0.3.0) warn, then the ladder runs as before; here it stops
    at the model's own check, before any sampling."""
    with pm.Model() as model:
        w = pm.Normal("w", 0, 1)
        pm.Normal("y", w, 1, observed=np.array([0.0, np.inf]))
    with pytest.warns(DeprecationWarning, match="draws"), pytest.raises(ValueError, match="NaN"):
        slt.sample_ladder(model, [0.5, 1.0], draws=50, tune=50, chains=1, progressbar=False)


def test_model_without_observed_rejected():
    with pm.Model() as model:
        pm.Normal("w", 0, 1)
    with pytest.raises(ValueError, match="no observed variable"):
        slt.sample_tempered(model, progressbar=False)


def test_observed_inf_rejected():
    with pm.Model() as model:
        w = pm.Normal("w", 0, 1)
        pm.Normal("y", w, 1, observed=np.array([0.0, np.inf]))
    with pytest.raises(ValueError, match="NaN/inf"):
        slt.sample_ladder(model, [0.5, 1.0], progressbar=False)


def test_a_run_records_its_threading_environment(monkeypatch):
    """NUTS trajectories are chaotic, so the thread count of a library can change the draws;
    every run keeps it in attrs, every result in diagnostics (see the README)."""
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 1.0)
        pm.Normal("y", mu, 1.0, observed=np.zeros(5))
    run = {"sampler": slt.NUTS(draws=50, tune=50, chains=1), "random_seed": 1}
    dt = slt.sample_tempered(model, progressbar=False, **run)
    assert dt.attrs["threads"].startswith("OMP_NUM_THREADS=3; BLAS threads: ")
    result = slt.wbic(model, progressbar=False, **run)
    assert result.diagnostics["threads"] == dt.attrs["threads"]
    assert result.to_dataset().attrs["threads"] == dt.attrs["threads"]


def test_nuts_chains_run_with_one_blas_thread(monkeypatch):
    """nutpie's chains are threads that call BLAS at once; a multithreaded OpenBLAS then rounds
    by timing, and the same seed gave other draws under load. Every BLAS is on one thread while
    nutpie samples (pymc_slt.base.threads.one_blas_thread)."""
    from threadpoolctl import threadpool_info

    seen = []
    real = sampling.nutpie.sample

    def spy(*args, **kwargs):
        seen.extend(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")
        return real(*args, **kwargs)

    monkeypatch.setattr(sampling.nutpie, "sample", spy)
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 1.0)
        pm.Normal("y", mu, 1.0, observed=np.zeros(5))
    slt.sample_tempered(model, sampler=slt.NUTS(draws=20, tune=20, chains=1), progressbar=False)
    assert seen and set(seen) == {1}


def test_same_seed_same_draws_for_a_matrix_model():
    """Two chains of a model whose log density multiplies matrices (BLAS), sampled twice with one
    seed: the draws are equal to the last bit."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 6))
    with pm.Model() as model:
        a = pm.Normal("a", 0, 1, shape=(6, 2))
        b = pm.Normal("b", 0, 1, shape=(2, 6))
        pm.Normal("y", x @ a @ b, 1.0, observed=x + rng.normal(size=(400, 6)))
    run = {"sampler": slt.NUTS(draws=100, tune=100, chains=2), "random_seed": 5}
    first = slt.sample_tempered(model, 0.5, progressbar=False, **run)["posterior"]["a"].values
    second = slt.sample_tempered(model, 0.5, progressbar=False, **run)["posterior"]["a"].values
    np.testing.assert_array_equal(first, second)
