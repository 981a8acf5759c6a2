"""minibatch_log_density: the batch log-likelihood of a PyMC model as a JAX function.

Against PyMC itself on models as users write them (NumPy covariates, multi-output y, pm.Data
covariates and observations with a group index, a positive scale, a normal mixture): the
batches of a partition of the observations add up to PyMC's full log-likelihood, each row is
PyMC's elementwise term, the prior part is PyMC's log density of the free variables with the
Jacobian, and the gradient matches a finite difference. Graphs that do not split into
observations raise before sampling.
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytest

from pymc_slt.models.transforms import to_unconstrained
from pymc_slt.sampling import n_observations

jax = pytest.importorskip("jax")
pytest.importorskip("blackjax")

from pymc_slt.sampling import minibatch  # noqa: E402
from pymc_slt.sampling.minibatch import minibatch_log_density  # noqa: E402

N = 60


def _regression():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(N, 3))
    y = x @ np.array([1.0, -1.0, 0.5]) + rng.normal(size=N)
    with pm.Model() as model:
        w = pm.Normal("w", 0.0, 1.0, shape=3)
        pm.Normal("y", x @ w, 1.0, observed=y)
    return model, {"w": np.array([0.8, -0.6, 0.2])}


def _reduced_rank():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(N, 4))
    y = x @ rng.normal(size=(4, 1)) @ rng.normal(size=(1, 3)) + 0.5 * rng.normal(size=(N, 3))
    with pm.Model() as model:
        a = pm.Normal("a", 0.0, 1.0, shape=(4, 2))
        b = pm.Normal("b", 0.0, 1.0, shape=(2, 3))
        pm.Normal("y", x @ a @ b, 0.5, observed=y)
    point = {"a": rng.normal(size=(4, 2)), "b": rng.normal(size=(2, 3))}
    return model, point


def _data_covariates():
    rng = np.random.default_rng(2)
    x = rng.normal(size=N)
    group = rng.integers(0, 3, size=N)
    y = 0.5 * x + np.array([-1.0, 0.0, 1.0])[group] + rng.normal(size=N)
    with pm.Model(coords={"obs": np.arange(N), "group": np.arange(3)}) as model:
        xd = pm.Data("x", x, dims="obs")
        gd = pm.Data("g", group, dims="obs")
        yd = pm.Data("y_obs", y, dims="obs")
        slope = pm.Normal("slope", 0.0, 1.0)
        level = pm.Normal("level", 0.0, 1.0, dims="group")
        pm.Normal("y", slope * xd + level[gd], 1.0, observed=yd, dims="obs")
    return model, {"slope": 0.3, "level": np.array([-0.5, 0.1, 0.7])}


def _positive_scale():
    rng = np.random.default_rng(3)
    x = rng.normal(size=(N, 2))
    y = x @ np.array([1.0, 2.0]) + 0.7 * rng.normal(size=N)
    with pm.Model() as model:
        w = pm.Normal("w", 0.0, 2.0, shape=2)
        sigma = pm.HalfNormal("sigma", 1.0)
        pm.Normal("y", x @ w, sigma, observed=y)
    return model, {"w": np.array([0.9, 1.8]), "sigma": 0.6}


def _mixture():
    rng = np.random.default_rng(4)
    y = np.concatenate([rng.normal(-1.0, 1.0, N // 2), rng.normal(1.5, 1.0, N // 2)])
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 2.0, shape=2)
        weights = pm.Dirichlet("weights", np.ones(2))
        pm.NormalMixture("y", w=weights, mu=mu, sigma=1.0, observed=y)
    return model, {"mu": np.array([-0.8, 1.2]), "weights": np.array([0.4, 0.6])}


MODELS = {
    "regression": _regression,
    "reduced_rank": _reduced_rank,
    "data_covariates": _data_covariates,
    "positive_scale": _positive_scale,
    "mixture": _mixture,  # a simplex transform; logsumexp and a size (n, 2) in the logp graph
}


@pytest.fixture(scope="module", params=list(MODELS))
def case(request):
    model, constrained = MODELS[request.param]()
    density = minibatch_log_density(model)
    point = to_unconstrained(model, constrained)  # the constrained point through the transforms
    return model, density, density.ravel(point), point


def test_batches_of_a_partition_add_up_to_pymcs_log_likelihood(case):
    model, density, theta, point = case
    assert density.n == N
    assert density.d == sum(np.size(v) for v in model.initial_point().values())
    full = float(model.compile_logp(vars=model.observed_RVs)(point))
    batches = np.array_split(np.random.default_rng(4).permutation(N), 3)
    parts = sum(float(density.loglik(theta, b)) for b in batches)
    assert parts == pytest.approx(full, rel=1e-8)
    # each row is PyMC's elementwise term (trailing axes summed)
    rows = model.compile_logp(vars=model.observed_RVs, sum=False)(point)[0]
    rows = rows.reshape(N, -1).sum(1)
    idx = batches[0]
    assert np.allclose(jax.jit(density.terms)(theta, idx), rows[idx], rtol=1e-10)


def test_prior_is_pymcs_log_density_of_the_free_variables_with_the_jacobian(case):
    model, density, theta, point = case
    expected = float(model.compile_logp(vars=model.free_RVs, jacobian=True)(point))
    assert float(density.logprior(theta)) == pytest.approx(expected, rel=1e-10)
    assert density.unravel(theta).keys() == point.keys()


def test_gradient_is_finite_and_matches_a_finite_difference(case):
    _, density, theta, _ = case
    idx = np.arange(0, N, 4)
    grad = np.asarray(jax.grad(density.estimate)(theta, idx))
    assert grad.shape == (density.d,) and np.all(np.isfinite(grad))
    k, h = density.d - 1, 1e-6
    step = np.zeros(density.d)
    step[k] = h
    numeric = (density.estimate(theta + step, idx) - density.estimate(theta - step, idx)) / (2 * h)
    assert float(numeric) == pytest.approx(grad[k], rel=1e-5, abs=1e-6)


def test_an_mvnormal_over_all_the_data_is_refused():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=N), rng.normal(size=N)
    with pm.Model() as model:
        w = pm.Normal("w", 0.0, 1.0)
        pm.MvNormal("y", w * x, np.eye(N), observed=y)
    with pytest.raises(ValueError, match="one joint term"):
        minibatch_log_density(model)


@pytest.mark.parametrize("full_check_rows", [10_000, 0])
def test_a_covariate_reduced_over_the_observations_is_refused(full_check_rows, monkeypatch):
    """Caught both against the full log-likelihood and, for large n where that is skipped, by
    one row whose term changes with the rest of its batch."""
    monkeypatch.setattr(minibatch, "_FULL_CHECK_ROWS", full_check_rows)
    rng = np.random.default_rng(6)
    x, y = rng.normal(size=N), rng.normal(size=N)
    with pm.Model() as model:
        xd = pm.Data("x", x)
        w = pm.Normal("w", 0.0, 1.0)
        pm.Normal("y", w * (xd - xd.mean()), 1.0, observed=y)
    with pytest.raises(ValueError, match=r"does not split into observations.*'x'"):
        minibatch_log_density(model)


def test_a_latent_variable_per_observation_is_refused():
    rng = np.random.default_rng(7)
    with pm.Model() as model:
        z = pm.Normal("z", 0.0, 1.0, shape=N)
        pm.Normal("y", z, 1.0, observed=rng.normal(size=N))
    with pytest.raises(ValueError, match="does not split into observations"):
        minibatch_log_density(model)


@pytest.mark.parametrize("lengths", [(N, N), (N, N // 2, 1)])
def test_several_observed_variables_follow_the_packages_observation_convention(lengths):
    """One length: joint measurements of n units (row i of each); else their rows are
    concatenated and n is the total (pymc_slt.base.loglik), as n_observations counts."""
    rng = np.random.default_rng(8)
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 1.0)
        sigma = pm.HalfNormal("sigma", 1.0)
        for k, length in enumerate(lengths):
            data = rng.normal(size=length) if length > 1 else np.float64(0.3)
            pm.Normal(f"y{k}", mu, sigma, observed=data)
    density = minibatch_log_density(model)
    assert density.n == n_observations(model) == (N if len(set(lengths)) == 1 else sum(lengths))
    point = to_unconstrained(model, {"mu": 0.4, "sigma": 1.3})
    theta = density.ravel(point)
    full = float(model.compile_logp(vars=model.observed_RVs)(point))
    batches = np.array_split(rng.permutation(density.n), 4)
    assert sum(float(density.loglik(theta, b)) for b in batches) == pytest.approx(full, rel=1e-8)
    grad = jax.grad(density.estimate)(theta, batches[0])
    assert np.all(np.isfinite(np.asarray(grad)))


def test_a_likelihood_written_as_a_potential_is_refused():
    y = np.random.default_rng(9).normal(size=N)
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 1.0)
        pm.Normal("y0", mu, 1.0, observed=y)
        pm.Potential("extra", pm.logp(pm.Normal.dist(mu, 1.0), y).sum())
    with pytest.raises(ValueError, match="potential 'extra' reads the observed data"):
        minibatch_log_density(model)
