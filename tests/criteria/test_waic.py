"""WAIC: equality with legacy ArviZ, the ELPDData contract, ν̂ for a regular model, validation."""

from __future__ import annotations

import warnings
from pathlib import Path

import arviz_stats as azs
import numpy as np
import pytest
import xarray as xr
from arviz_stats.utils import ELPDData
from scipy.special import logsumexp

from pymc_slt import NUTS
from pymc_slt.criteria.waic import ELPDDataWAIC, TemperedDrawsWarning, _waic_from_loglik, waic
from pymc_slt.sampling.tempered import sample_tempered
from tests.conftest import make_conjugate

REFERENCE = np.load(Path(__file__).parent / "fixtures" / "waic_reference.npz")
CASES = [str(c) for c in REFERENCE["cases"]]
CASES_1D = [c for c in CASES if REFERENCE[f"{c}/log_lik"].ndim == 3]


def _ref(case: str, key: str) -> np.ndarray:
    return REFERENCE[f"{case}/{key}"]


def _tree(beta: float | None = None, **log_lik: np.ndarray) -> xr.DataTree:
    """A DataTree whose log_likelihood group holds each array, dims (chain, draw, <name>_dim_0)."""
    ds = xr.Dataset(
        {k: (("chain", "draw", f"{k}_dim_0"), np.asarray(v)) for k, v in log_lik.items()}
    )
    dt = xr.DataTree.from_dict({"log_likelihood": ds})
    if beta is not None:
        dt.attrs["beta"] = beta
    return dt


def _exact_functional_variance(exact, beta: float = 1.0) -> float:
    """Exact V_n of conjugate linear regression under the Gaussian tempered posterior.

    With w ~ N(m, S), residual e_i = y_i - x_i m and h_i = x_i S x_iᵀ, log p(y_i|w) is a quadratic
    in the Gaussian u = x_i (w - m) ~ N(0, h_i), so Var_w = (e_i² h_i + h_i²/2) / σ⁴.
    """
    mean, cov = exact.posterior(beta)
    resid = exact.y - exact.X @ mean
    h = np.einsum("ij,jk,ik->i", exact.X, cov, exact.X)
    return float(np.sum(resid**2 * h + h**2 / 2) / exact.noise_sd**4)


# --- equality with legacy ArviZ (fixtures/make_waic_reference.py, arviz 0.23) -----------------


@pytest.mark.parametrize("case", CASES)
def test_array_function_matches_legacy_arviz(case):
    terms = _waic_from_loglik(_ref(case, "log_lik"), axis=(0, 1))
    np.testing.assert_allclose(terms.elpd, _ref(case, "elpd"), rtol=0, atol=1e-6)
    np.testing.assert_allclose(terms.se, _ref(case, "se"), rtol=0, atol=1e-6)
    np.testing.assert_allclose(terms.p, _ref(case, "p"), rtol=0, atol=1e-6)
    np.testing.assert_allclose(terms.elpd_i, _ref(case, "elpd_i"), rtol=0, atol=1e-6)
    assert terms.warning == bool(_ref(case, "warning"))


@pytest.mark.parametrize("case", CASES_1D)
def test_waic_matches_legacy_arviz_and_warns_like_it(case):
    dt = _tree(y=_ref(case, "log_lik"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = waic(dt)
    variance_warnings = [w for w in caught if "exceeds 0.4" in str(w.message)]
    assert bool(variance_warnings) == bool(_ref(case, "warning"))
    assert all(w.category is UserWarning for w in variance_warnings)
    assert res.warning == bool(_ref(case, "warning"))
    np.testing.assert_allclose(res.elpd, _ref(case, "elpd"), rtol=0, atol=1e-6)
    np.testing.assert_allclose(res.se, _ref(case, "se"), rtol=0, atol=1e-6)
    np.testing.assert_allclose(res.p, _ref(case, "p"), rtol=0, atol=1e-6)
    np.testing.assert_allclose(res.elpd_i.values, _ref(case, "elpd_i"), rtol=0, atol=1e-6)


def test_high_variance_raises_user_warning():
    with pytest.warns(UserWarning, match="exceeds 0.4"):
        waic(_tree(y=_ref("high_variance", "log_lik")))


# --- the ELPDData contract ---------------------------------------------------------------------


def test_result_is_arviz_elpddata_with_slt_extras():
    log_lik = _ref("small", "log_lik")
    res = waic(_tree(y=log_lik))
    assert isinstance(res, ELPDData) and isinstance(res, ELPDDataWAIC)
    assert res.kind == "waic" and res.scale == "log"
    assert res.n_samples == log_lik.shape[0] * log_lik.shape[1]
    assert res.n_data_points == log_lik.shape[2]
    assert res.elpd_i.dims == ("obs_id",) and res.p_waic_i.dims == ("obs_id",)
    v_n = np.var(log_lik, axis=(0, 1)).sum()
    assert res.beta == 1.0
    np.testing.assert_allclose(res.functional_variance, v_n, rtol=1e-12)
    np.testing.assert_allclose(res.p, v_n, rtol=1e-12)
    np.testing.assert_allclose(res.singular_fluctuation, v_n / 2, rtol=1e-12)
    np.testing.assert_allclose(res.p_waic_i.sum(), v_n, rtol=1e-12)
    text = repr(res)
    assert "elpd_waic" in text and "p_waic" in text and "ν̂" in text
    assert res["functional_variance"] == res.functional_variance  # ELPDData item access


def test_tempered_draws_scale_penalty_and_nu_by_beta():
    log_lik = _ref("small", "log_lik")
    with pytest.warns(TemperedDrawsWarning, match="beta=0.5, not 1"):
        res = waic(_tree(beta=0.5, y=log_lik))
    v_n = np.var(log_lik, axis=(0, 1)).sum()
    lppd = np.sum(logsumexp(log_lik, axis=(0, 1)) - np.log(log_lik.shape[0] * log_lik.shape[1]))
    assert res.beta == 0.5
    np.testing.assert_allclose(res.functional_variance, v_n, rtol=1e-12)
    np.testing.assert_allclose(res.p, 0.5 * v_n, rtol=1e-12)
    np.testing.assert_allclose(res.singular_fluctuation, 0.25 * v_n, rtol=1e-12)
    np.testing.assert_allclose(res.elpd, lppd - 0.5 * v_n, rtol=1e-12)


def test_pointwise_false_drops_pointwise_arrays():
    res = waic(_tree(y=_ref("small", "log_lik")), pointwise=False)
    assert res.elpd_i is None and res.p_waic_i is None
    np.testing.assert_allclose(res.elpd, _ref("small", "elpd"), atol=1e-6)


def test_arviz_compare_and_plot_compare_accept_waic():
    log_lik = _ref("small", "log_lik")
    a, b = waic(_tree(y=log_lik)), waic(_tree(y=log_lik[..., ::-1] - 0.1))
    table = azs.compare({"a": a, "b": b}, round_to="none")
    assert set(table.index) == {"a", "b"}
    np.testing.assert_allclose(table.loc["a", "elpd"], a.elpd)
    np.testing.assert_allclose(table.loc["b", "p"], b.p)
    np.testing.assert_allclose(table["weight"].sum(), 1.0, atol=1e-6)

    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    azp = pytest.importorskip("arviz_plots")
    azp.plot_compare(table, backend="matplotlib")
    matplotlib.pyplot.close("all")


def test_several_observed_variables_sum_or_select():
    rng = np.random.default_rng(0)
    y1 = rng.normal(-1.0, 0.2, size=(2, 100, 8))
    y2 = rng.normal(-0.5, 0.1, size=(2, 100, 8))
    dt = _tree(y1=y1, y2=y2)
    both, first = waic(dt), waic(dt, var_name="y1")
    np.testing.assert_allclose(both.elpd, _waic_from_loglik(y1 + y2).elpd, rtol=1e-12)
    np.testing.assert_allclose(first.elpd, _waic_from_loglik(y1).elpd, rtol=1e-12)
    np.testing.assert_allclose(waic(dt, var_name=["y1", "y2"]).elpd, both.elpd, rtol=1e-12)


# --- singular fluctuation of a regular model ---------------------------------------------------


def test_singular_fluctuation_of_regular_model_is_half_d():
    """ν̂ = V_n/2 at β = 1 for conjugate regression with d = 3, n = 300.

    Two checks, with tolerances measured once (8 sampler seeds on this data set; 20 data sets for
    the exact value):

    * against the exact ν_n(D_n) = V_n/2 of this data set under the exact Gaussian posterior:
      the Monte-Carlo sd of ν̂ over sampler seeds (2 chains x 1000 draws) was 0.05, so 4 sd = 0.2;
    * against ν = d/2: the exact ν_n also scatters over data sets (sd 0.17 measured, ≈ d/√(2n)
      from Var_w ≈ e_i² h_i with Σ h_i = d), so the tolerance is 4·√(0.05² + 0.17²) ≈ 0.71.
    """
    exact = make_conjugate(n=300, d=3, seed=1)
    dt = sample_tempered(
        exact.model(),
        beta=1.0,
        sampler=NUTS(draws=1000, tune=500, chains=2),
        random_seed=0,
        progressbar=False,
    )
    res = waic(dt)
    nu_exact = _exact_functional_variance(exact) / 2
    assert abs(res.singular_fluctuation - nu_exact) < 0.2
    assert abs(res.singular_fluctuation - exact.d / 2) < 0.71


@pytest.mark.slow
def test_singular_fluctuation_averaged_over_data_sets_is_half_d():
    """The mean of ν̂ over 8 data sets (d = 3, n = 300) is d/2 within 4 standard errors.

    Per data set ν̂ scatters with sd √(0.05² + 0.17²) ≈ 0.18 (sampler + data, measured as in the
    test above), so the mean of 8 has sd ≈ 0.063 and the tolerance is 0.25; the O(d²/n) bias
    (≈ 0.01 here) is far below it.
    """
    nus = []
    for seed in range(8):
        exact = make_conjugate(n=300, d=3, seed=100 + seed)
        dt = sample_tempered(
            exact.model(),
            sampler=NUTS(draws=1000, tune=500, chains=2),
            random_seed=seed,
            progressbar=False,
        )
        nus.append(waic(dt).singular_fluctuation)
    assert abs(np.mean(nus) - 1.5) < 0.25


# --- validation at the boundary ----------------------------------------------------------------


def test_rejects_data_without_log_likelihood_group():
    dt = xr.DataTree.from_dict(
        {"posterior": xr.Dataset({"w": (("chain", "draw"), np.zeros((1, 5)))})}
    )
    with pytest.raises(ValueError, match="log_likelihood"):
        waic(dt)


@pytest.mark.parametrize("bad", [np.zeros((2, 10, 3)), [1.0, 2.0], "trace.nc"])
def test_rejects_wrong_data_type(bad):
    with pytest.raises(TypeError, match=r"data must be an xarray\.DataTree"):
        waic(bad)


def test_rejects_unknown_var_name():
    with pytest.raises(ValueError, match=r"var_name.*'nope'.*choose from"):
        waic(_tree(y=_ref("small", "log_lik")), var_name="nope")


@pytest.mark.parametrize("bad", [3, ["y", 1], {"y": 1}])
def test_rejects_var_name_of_wrong_type(bad):
    with pytest.raises(TypeError, match="var_name"):
        waic(_tree(y=_ref("small", "log_lik")), var_name=bad)


def test_rejects_empty_var_name_and_bad_pointwise():
    dt = _tree(y=_ref("small", "log_lik"))
    with pytest.raises(ValueError, match="var_name is empty"):
        waic(dt, var_name=[])
    with pytest.raises(TypeError, match="pointwise"):
        waic(dt, pointwise="yes")


def test_rejects_non_finite_log_likelihood_and_bad_beta():
    log_lik = _ref("small", "log_lik").copy()
    log_lik[0, 3, 1] = -np.inf
    with pytest.raises(ValueError, match="non-finite"):
        waic(_tree(y=log_lik))
    with pytest.raises(ValueError, match=r"data.attrs\['beta'\] must be finite and > 0"):
        waic(_tree(beta=-1.0, y=_ref("small", "log_lik")))


def test_rejects_a_single_draw():
    with pytest.raises(ValueError, match="at least 2 draws"):
        waic(_tree(y=np.zeros((1, 1, 4))))
