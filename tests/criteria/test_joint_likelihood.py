"""A likelihood that is one joint term over correlated values (issue 26, item 3).

``pm.AR`` (and ``pm.GaussianRandomWalk``, ``pm.gp.Marginal``, an MvNormal over all the data) has
no term per observation. Pointwise quantities must refuse it with a clear error that states n and
says what stays valid, never report se 0 from one "observation"; WBIC and log Z stay available.
"""

from __future__ import annotations

import warnings

import numpy as np
import pymc as pm
import pytest
from scipy import special, stats

import pymc_slt as slt
from pymc_slt.base.loglik import joint_terms
from pymc_slt.criteria.loo import loo_elpd

pytestmark = pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
RUN = {"sampler": slt.NUTS(draws=150, tune=150, chains=2), "random_seed": 1, "progressbar": False}


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


def _grw() -> pm.Model:
    y = np.cumsum(np.random.default_rng(2).normal(size=30)) * 0.3
    with pm.Model() as model:
        sigma = pm.HalfNormal("sigma", 1.0)
        pm.GaussianRandomWalk("y", sigma=sigma, init_dist=pm.Normal.dist(0, 1), observed=y)
    return model


def _gp() -> pm.Model:
    x = np.linspace(0.0, 1.0, 15)[:, None]
    y = np.sin(4 * x[:, 0]) + 0.1 * np.random.default_rng(3).normal(size=15)
    with pm.Model() as model:
        ell = pm.Gamma("ell", 2.0, 4.0)
        eta = pm.HalfNormal("eta", 1.0)
        gp = pm.gp.Marginal(cov_func=eta**2 * pm.gp.cov.ExpQuad(1, ell))
        gp.marginal_likelihood("y", X=x, y=y, sigma=pm.HalfNormal("noise", 0.5))
    return model


@pytest.fixture(
    scope="module", params=[_ar, _mvn, _grw, _gp], ids=["AR", "MvNormal", "GRW", "gp.Marginal"]
)
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


def _censored(x, y):
    y = np.clip(y, None, 2.0)
    with pm.Model() as model:
        a = pm.Normal("a", 0.0, 5.0)
        b = pm.Normal("b", 0.0, 5.0)
        pm.Censored("y", pm.Normal.dist(a + b * x, 1.0), lower=None, upper=2.0, observed=y)

    def loglik(mu):
        return np.where(y >= 2.0, stats.norm.logsf(2.0, mu), stats.norm.logpdf(y, mu))

    return model, loglik, x


def _truncated(x, y):
    x, y = x[y > 0], y[y > 0]
    with pm.Model() as model:
        a = pm.Normal("a", 0.0, 5.0)
        b = pm.Normal("b", 0.0, 5.0)
        pm.Truncated("y", pm.Normal.dist(a + b * x, 1.0), lower=0.0, observed=y)

    def loglik(mu):
        return stats.truncnorm.logpdf(y, -mu, np.inf, loc=mu)

    return model, loglik, x


@pytest.mark.parametrize("build", [_censored, _truncated], ids=["Censored", "Truncated"])
def test_fisher_score_of_censored_and_truncated_likelihoods(build):
    """The score form was all zero for pm.Censored (rank 0) and all NaN for pm.Truncated
    (pm.logp's gradient at the infinite bound); it must equal (1/n) Σ s_i s_iᵀ with s_i by
    central differences of scipy's censored / truncated normal log density."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=40)
    model, loglik, x = build(x, 1 + 2 * x + rng.normal(size=40))
    w, h = np.array([1.0, 2.0]), 1e-5
    got = slt.fisher_information(model, {"a": w[0], "b": w[1]}, kind="score")
    scores = np.stack(
        [
            (loglik((w + e)[0] + (w + e)[1] * x) - loglik((w - e)[0] + (w - e)[1] * x)) / (2 * h)
            for e in h * np.eye(2)
        ],
        axis=1,
    )
    np.testing.assert_allclose(got, scores.T @ scores / x.size, rtol=1e-6)
    assert slt.fisher_rank(model, {"a": w[0], "b": w[1]}, kind="score") == 2


def _gp_log_z(k: int = 40) -> float:
    """log Z of :func:`_gp` by the midpoint rule on a k³ grid of log(ℓ, η, σ) (k = 90 agrees to
    6e-8)."""
    x = np.linspace(0.0, 1.0, 15)
    y = np.sin(4 * x) + 0.1 * np.random.default_rng(3).normal(size=15)
    bounds = ((0.02, 5.0), (0.05, 6.0), (5e-3, 1.5))  # ℓ, η, σ: the posterior lies well inside
    axes = [np.linspace(np.log(lo), np.log(hi), k) for lo, hi in bounds]
    ell, eta, noise = (np.exp(g).ravel() for g in np.meshgrid(*axes, indexing="ij"))
    cov = eta[:, None, None] ** 2 * np.exp(-((x[:, None] - x) ** 2) / (2 * ell[:, None, None] ** 2))
    chol = np.linalg.cholesky(cov + noise[:, None, None] ** 2 * np.eye(15))
    z = np.linalg.solve(chol, np.broadcast_to(y, (ell.size, 15))[..., None])[..., 0]
    loglik = -0.5 * (z**2).sum(-1) - np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(-1)
    log_prior = (stats.gamma.logpdf(ell, 2, scale=0.25) + stats.halfnorm.logpdf(eta)
                 + stats.halfnorm.logpdf(noise, scale=0.5) + np.log(ell * eta * noise))  # fmt: skip
    cell = np.prod([g[1] - g[0] for g in axes])
    return float(special.logsumexp(loglik + log_prior) + np.log(cell) - 7.5 * np.log(2 * np.pi))


def test_default_log_z_of_a_gaussian_process_is_quick_and_right():
    """The trial's GP ran the old fallback for over 10 minutes; now bridge sampling has no doubt
    and answers in seconds, within its se of a quadrature."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", slt.EvidenceWarning)
        result = slt.log_marginal_likelihood(_gp(), random_seed=1, progressbar=False)
    assert result.method == "bridge" and not result.diagnostics["doubt_kinds"]
    assert abs(result.log_z - _gp_log_z()) < 4 * result.se + 0.005
