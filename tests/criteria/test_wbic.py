"""WBIC: exact conjugate value within Monte-Carlo error, the β* check, validation."""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytest
import xarray as xr

from pymc_slt import NUTS
from pymc_slt.base.energy import energy_mean
from pymc_slt.criteria.wbic import WBICResult, wbic
from pymc_slt.sampling.diagnostics import PoorMixingWarning
from pymc_slt.sampling.tempered import sample_tempered
from tests.conftest import make_conjugate

DRAWS = {"sampler": NUTS(draws=1000, tune=500, chains=2), "progressbar": False}


@pytest.fixture(scope="module")
def exact():
    """Conjugate linear regression, n = 100, d = 2, with its exact WBIC."""
    return make_conjugate(n=100, d=2, seed=3)


@pytest.fixture(scope="module")
def star_run(exact):
    """Draws at β* = 1/log n."""
    return sample_tempered(exact.model(), beta=1 / np.log(exact.n), random_seed=0, **DRAWS)


def _tree(log_lik: np.ndarray, **attrs) -> xr.DataTree:
    ds = xr.Dataset({"y": (("chain", "draw", "y_dim_0"), np.asarray(log_lik))})
    dt = xr.DataTree.from_dict({"log_likelihood": ds})
    dt.attrs.update(attrs)
    return dt


def test_matches_exact_wbic_within_monte_carlo_error(exact, star_run):
    """|WBIC − exact| < 4 se, and se ≈ sd_exact/√ESS (the ESS-based, not naive, error).

    The ratio se/√(Var_β*[nL_n]/ESS) only carries the error of the sample sd, ≈ 1/√(2·ESS) ≈ 2 %
    at ESS ≈ 1000 (0.95–1.03 over 6 seeds), so [0.8, 1.25] is a loose bound.
    """
    res = wbic(data=star_run)
    beta_star = 1 / np.log(exact.n)
    assert isinstance(res, WBICResult)
    assert res.n == exact.n and res.beta == pytest.approx(beta_star, rel=1e-12)
    assert abs(res.wbic - exact.wbic()) < 4 * res.se
    ratio = res.se / np.sqrt(exact.energy_variance(beta_star) / res.ess)
    assert 0.8 < ratio < 1.25
    energy = -star_run["log_likelihood"]["y"].sum("y_dim_0")
    assert res.wbic == pytest.approx(float(energy.mean()), rel=1e-12)


def test_model_path_is_reproducible_and_equals_data_path(exact):
    model = exact.model()
    small = {"sampler": NUTS(draws=200, tune=200, chains=2), "progressbar": False}
    first = wbic(model, random_seed=5, **small)
    again = wbic(model, random_seed=5, **small)
    dt = sample_tempered(model, beta=1 / np.log(exact.n), random_seed=5, **small)
    assert first == again
    assert wbic(data=dt) == first


def test_data_path_rejects_a_run_at_beta_one(exact):
    dt = sample_tempered(
        exact.model(),
        beta=1.0,
        sampler=NUTS(draws=400, tune=200, chains=1),
        random_seed=1,
        progressbar=False,
    )
    with pytest.raises(ValueError, match=r"not at WBIC's β\* .*beta=1/np\.log\(100\)"):
        wbic(data=dt)
    loose = wbic(data=dt, strict=False)
    assert loose.beta == 1.0
    assert loose.wbic == pytest.approx(float(-dt["log_likelihood"]["y"].sum("y_dim_0").mean()))


def test_repr_is_a_table(star_run):
    text = repr(wbic(data=star_run))
    assert "Estimate" in text and "SE" in text and "wbic" in text and "n = 100" in text


def test_energy_function_uses_ess_not_naive_sd():
    """An AR(1) chain with φ = 0.9 has ESS ≈ N (1−φ)/(1+φ); se must be ≈ √((1+φ)/(1−φ)) x naive."""
    rng = np.random.default_rng(0)
    phi, x = 0.9, np.zeros((4, 5000))
    for t in range(1, x.shape[1]):
        x[:, t] = phi * x[:, t - 1] + rng.normal(size=4)
    mean, se, ess = energy_mean(x)
    naive = x.std(ddof=1) / np.sqrt(x.size)
    assert mean == pytest.approx(x.mean())
    assert se / naive == pytest.approx(np.sqrt((1 + phi) / (1 - phi)), rel=0.2)
    assert ess == pytest.approx(x.size * (1 - phi) / (1 + phi), rel=0.3)


def test_warns_on_low_ess():
    rng = np.random.default_rng(1)
    walk = np.cumsum(rng.normal(size=(1, 200, 3)), axis=1)  # a random walk: tiny ESS
    with pytest.warns(PoorMixingWarning, match="effective sample size"):
        wbic(data=_tree(walk, beta=1 / np.log(3), n=3))


# --- validation at the boundary ----------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.zeros((2, 10)), "run.nc"])
def test_rejects_wrong_type(bad):
    with pytest.raises(TypeError, match=r"model must be a pymc\.Model"):
        wbic(bad)
    with pytest.raises(TypeError, match=r"data must be an xarray\.DataTree"):
        wbic(data=bad)


def test_rejects_data_without_log_likelihood_group():
    dt = xr.DataTree.from_dict(
        {"posterior": xr.Dataset({"w": (("chain", "draw"), np.zeros((1, 5)))})}
    )
    dt.attrs.update(beta=1 / np.log(10), n=10)
    with pytest.raises(ValueError, match="log_likelihood"):
        wbic(data=dt)


def test_rejects_data_without_beta():
    with pytest.raises(ValueError, match=r"no 'beta'.*beta=1/np\.log\(n\)"):
        wbic(data=_tree(np.zeros((1, 10, 5))))


def test_rejects_n_below_two():
    with pytest.raises(ValueError, match="n >= 2"):
        wbic(data=_tree(np.zeros((1, 10, 1)), beta=1.0, n=1))
    with pm.Model() as one_point:
        w = pm.Normal("w")
        pm.Normal("y", w, 1, observed=np.array([0.3]))
    with pytest.raises(ValueError, match="n >= 2"):
        wbic(one_point)
    # the loose sampler settings (until 0.3.0) still work, with a warning, up to the same check
    with pytest.warns(DeprecationWarning, match="draws"), pytest.raises(ValueError, match="n >= 2"):
        wbic(one_point, draws=200, tune=200, chains=2, progressbar=False)


def test_n_is_counted_when_attrs_lack_it():
    log_lik = np.random.default_rng(2).normal(-1, 0.1, size=(2, 500, 20))
    res = wbic(data=_tree(log_lik, beta=1 / np.log(20)))
    assert res.n == 20


def test_rejects_draws_given_as_model_and_bad_strict():
    dt = _tree(np.zeros((1, 10, 5)), beta=1 / np.log(5), n=5)
    with pytest.raises(TypeError, match="data="):
        wbic(dt)
    with pytest.raises(TypeError, match="give model"):
        wbic()
    with pytest.raises(TypeError, match="strict"):
        wbic(data=dt, strict="no")


def test_rejects_non_finite_and_too_few_draws():
    log_lik = np.zeros((1, 10, 5))
    log_lik[0, 2, 3] = np.nan
    with pytest.raises(ValueError, match="not finite"):
        wbic(data=_tree(log_lik, beta=1 / np.log(5), n=5))
    with pytest.raises(ValueError, match="at least 4 draws"):
        wbic(data=_tree(np.zeros((2, 3, 5)), beta=1 / np.log(5), n=5))


def test_result_dataset_and_aliases():
    res = WBICResult(estimate=12.5, se=0.2, beta=0.3, n=30, ess=800.0)
    assert res.wbic == res.estimate and res.method == "wbic"
    assert res.diagnostics["n"] == 30
    ds = res.to_dataset()
    assert float(ds["estimate"]) == 12.5 and float(ds["se"]) == 0.2 and int(ds["n"]) == 30
    with pytest.raises(TypeError):
        res.diagnostics["n"] = 1
