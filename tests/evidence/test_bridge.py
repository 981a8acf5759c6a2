"""Bridge sampling's proposals (warp-III, normal) and its batched log density.

Exact posterior draws of the conjugate regression stand in for NUTS draws (no sampling), so the
accuracy tests are fast; the tolerance is |error| < 4·se + a small floor, as in test_evidence.py.
"""

import numpy as np
import pymc as pm
import pytest
import xarray as xr
from scipy import stats

import pymc_slt.evidence.unconstrained as unconstrained
from pymc_slt import Bridge
from pymc_slt.base.bridge import PROPOSALS, _log_ratios
from pymc_slt.evidence.bridge import bridge_log_evidence
from pymc_slt.evidence.marginal_likelihood import log_marginal_likelihood
from pymc_slt.evidence.unconstrained import (
    log_density_fn,
    looped_log_density_fn,
    unconstrained_draws,
)
from tests.conftest import make_conjugate
from tests.gallery import models as gallery

FLOOR = 0.005


def _exact_draws(exact, chains: int = 4, draws: int = 500, seed: int = 0) -> xr.Dataset:
    mean, cov = exact.posterior()
    w = np.random.default_rng(seed).multivariate_normal(mean, cov, size=(chains, draws))
    return xr.Dataset({"w": (("chain", "draw", "w_dim_0"), w)})


def _tree(posterior: xr.Dataset) -> xr.DataTree:
    return xr.DataTree.from_dict({"posterior": posterior})


@pytest.fixture(scope="module")
def conjugate8():
    return make_conjugate(n=200, d=8, seed=8, prior_sd=2.0)


@pytest.mark.parametrize("proposal", PROPOSALS)
@pytest.mark.parametrize("d", [8, pytest.param(2, marks=pytest.mark.slow)])
def test_proposals_match_exact_log_z(d, proposal, conjugate8):
    exact = conjugate8 if d == 8 else make_conjugate(n=200, d=d, seed=d, prior_sd=2.0)
    log_z, se, diagnostics, problems = bridge_log_evidence(
        exact.model(), _exact_draws(exact, seed=d), np.random.default_rng(1), proposal
    )
    assert diagnostics["proposal"] == proposal
    assert not problems
    assert 0 < se < 0.05
    assert abs(log_z - exact.log_evidence()) < 4 * se + FLOOR, (log_z - exact.log_evidence(), se)


@pytest.mark.parametrize("proposal", PROPOSALS)
def test_log_ratios_are_constant_for_the_fitted_gaussian_itself(proposal):
    """q = Z0·N(μ, Σ) with m = μ, L = chol Σ: q̃ = Z0·φ (warp-III) and q/g = Z0 (normal)."""
    rng = np.random.default_rng(0)
    mu = np.array([0.5, -1.0, 2.0])
    a = rng.normal(size=(3, 3))
    cov = a @ a.T + np.eye(3)
    chol = np.linalg.cholesky(cov)
    log_z0 = 3.7

    def log_q(theta):
        return log_z0 + stats.multivariate_normal(mu, cov).logpdf(theta)

    post = rng.multivariate_normal(mu, cov, size=50)
    l1, l2, l_gauss = _log_ratios(post, mu, chol, log_q, rng, proposal)
    for values in (l1, l2, l_gauss):
        np.testing.assert_allclose(values, log_z0, atol=1e-10)


def test_warp3_is_the_default_and_recorded(conjugate8):
    data = _tree(_exact_draws(conjugate8))
    default = log_marginal_likelihood(conjugate8.model(), data=data, random_seed=2)
    normal = log_marginal_likelihood(
        conjugate8.model(), data=data, method=Bridge(proposal="normal"), random_seed=2
    )
    assert PROPOSALS[0] == "warp3"
    assert default.diagnostics["proposal"] == "warp3"
    assert normal.diagnostics["proposal"] == "normal"
    assert default.log_z != normal.log_z
    for result in (default, normal):
        assert abs(result.log_z - conjugate8.log_evidence()) < 4 * result.se + FLOOR


def test_same_seed_same_number(conjugate8):
    data = _tree(_exact_draws(conjugate8))
    model = conjugate8.model()
    first = log_marginal_likelihood(model, data=data, random_seed=5)
    again = log_marginal_likelihood(model, data=data, random_seed=5)
    other = log_marginal_likelihood(model, data=data, random_seed=6)
    assert (first.log_z, first.se, first.diagnostics["proposal"]) == (
        again.log_z,
        again.se,
        "warp3",
    )
    assert first.log_z != other.log_z


@pytest.mark.parametrize(
    ("proposal", "match"),
    [
        ("warp2", r"Bridge\(proposal=…\) must be one of \['warp3', 'normal'\]"),
        (3, r"Bridge\(proposal=…\) must be one of"),
    ],
)
def test_bad_proposal(proposal, match):
    with pytest.raises(ValueError, match=match):
        Bridge(proposal=proposal)


# --- the batched log density equals the row-by-row one -----------------------------------------


def _dependent_bounds() -> pm.Model:
    with pm.Model() as model:
        lo = pm.Normal("lo", 0, 1)
        pm.Uniform("u", lo, lo + 2)
        pm.HalfNormal("s", 1, shape=2)
        pm.Normal("y", lo, 1, observed=np.zeros(2))
    return model


DENSITY_MODELS = {
    "dirichlet_and_ordered": gallery.mixture_ordered,
    "potential": gallery.deterministic_and_potential,
    "eight_schools": gallery.eight_schools_centered,
    "dependent_bounds": _dependent_bounds,
}


def _points(model: pm.Model, n: int = 40, seed: int = 0) -> np.ndarray:
    start = np.concatenate([np.ravel(v) for v in model.initial_point().values()])
    return start + 0.7 * np.random.default_rng(seed).normal(size=(n, start.size))


@pytest.fixture(scope="module")
def looped_densities():
    """The row-by-row reference of each model (compiled once for all tests here)."""
    models = {name: build() for name, build in DENSITY_MODELS.items()}
    return {name: (model, looped_log_density_fn(model)) for name, model in models.items()}


@pytest.mark.parametrize("name", DENSITY_MODELS)
def test_batched_density_equals_loop(name, looped_densities, monkeypatch):
    """Also in chunks of rows: of 3 rows here (as for a model with very many observations)."""
    model, looped = looped_densities[name]
    theta = _points(model)
    per_row = 1 + sum(int(np.size(model.rvs_to_values[rv].data)) for rv in model.observed_RVs)
    monkeypatch.setattr(unconstrained, "_CHUNK_ELEMENTS", 3 * per_row)
    assert unconstrained._rows_per_chunk(model) == 3
    batched = log_density_fn(model)(theta)
    assert batched.shape == (theta.shape[0],)
    assert np.all(np.isfinite(batched))
    np.testing.assert_allclose(batched, looped(theta), rtol=1e-12, atol=1e-10)


@pytest.mark.slow
def test_unbatchable_graph_falls_back_to_the_loop(monkeypatch, looped_densities):
    model, looped = looped_densities["dirichlet_and_ordered"]
    theta = _points(model, n=7)
    monkeypatch.setattr(unconstrained, "vectorize_graph", _raise_not_implemented)
    np.testing.assert_allclose(log_density_fn(model)(theta), looped(theta), rtol=1e-12, atol=1e-10)


@pytest.mark.parametrize("fn", [log_density_fn, looped_log_density_fn])
def test_non_finite_density_is_minus_inf(fn):
    with pm.Model() as model:
        x = pm.Normal("x", 0, 1)
        pm.Potential("log_x", pm.math.log(x))  # NaN for x < 0
        pm.Normal("y", x, 1, observed=[0.0])
    out = fn(model)(np.array([[1.0], [-1.0]]))
    assert np.isfinite(out[0]) and out[1] == -np.inf


@pytest.mark.parametrize("batched", [True, pytest.param(False, marks=pytest.mark.slow)])
def test_unconstrained_draws_invert_the_value_transforms(monkeypatch, batched):
    """Constrained values of random unconstrained points map back to those points."""
    if not batched:
        monkeypatch.setattr(unconstrained, "vectorize_graph", _raise_not_implemented)
    model = gallery.mixture_ordered()
    theta = _points(model, n=6, seed=3)
    by_name = {v.name: v for v in model.unobserved_value_vars}
    constrained = [by_name[rv.name] for rv in model.free_RVs]
    to_constrained = model.compile_fn(
        constrained,
        inputs=model.value_vars,
        point_fn=False,
    )
    layout = unconstrained._value_layout(model)
    columns = unconstrained._split(theta, layout)
    values = [to_constrained(*(c[i] for c in columns)) for i in range(theta.shape[0])]
    posterior = xr.Dataset(
        {
            rv.name: (
                ("chain", "draw", f"{rv.name}_dim"),
                np.stack([v[j] for v in values])[None],
            )
            for j, rv in enumerate(model.free_RVs)
        }
    )
    back = unconstrained_draws(model, posterior)
    np.testing.assert_allclose(back[0], theta, rtol=1e-10, atol=1e-10)


def _raise_not_implemented(*args, **kwargs):
    raise NotImplementedError
