"""Fisher information, spectrum and rank on users' own PyMC models (Normal noise, sigma = 1)."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt
import pytest
import xarray as xr

from pymc_slt.fisher import (
    FisherRank,
    fisher_information,
    fisher_parameter_names,
    fisher_rank,
    fisher_spectrum,
)

KINDS = ("output", "score")


def reduced_rank_model(m: int, n_out: int, h: int, n: int = 100, seed: int = 0) -> pm.Model:
    """Y = B A X + N(0, 1): x (n, M), A (H, M), B (N, H), observed (n, N)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, m))
    y = x @ rng.normal(size=(h, m)).T @ rng.normal(size=(n_out, h)).T + rng.normal(size=(n, n_out))
    with pm.Model() as model:
        a = pm.Normal("A", 0, 1, shape=(h, m))
        b = pm.Normal("B", 0, 1, shape=(n_out, h))
        pm.Normal("y", (x @ a.T) @ b.T, 1.0, observed=y)
    return model


def generic_point(model: pm.Model, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {rv.name: rng.normal(size=model[rv.name].type.shape) for rv in model.free_RVs}


@pytest.fixture(scope="module")
def rrr() -> pm.Model:
    return reduced_rank_model(4, 3, 2)


@pytest.fixture(scope="module")
def product_model() -> pm.Model:
    """y = a·b·x + N(0, 1)."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=50)
    with pm.Model() as model:
        a = pm.Normal("a")
        b = pm.Normal("b")
        pm.Normal("y", a * b * x, 1.0, observed=0.3 * x + rng.normal(size=50))
    return model


def linear_model(n: int, seed: int = 3) -> tuple[pm.Model, np.ndarray, dict[str, np.ndarray]]:
    """y = c + x·w + N(0, 1) with x as pm.Data; returns the model, Z = [1, x] and the truth."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    truth = {"c": np.array(0.5), "w": np.array([1.0, -2.0])}
    y = truth["c"] + x @ truth["w"] + rng.normal(size=n)
    with pm.Model() as model:
        xd = pm.Data("x", x)
        c = pm.Normal("c", 0, 10)
        w = pm.Normal("w", 0, 10, shape=2)
        pm.Normal("y", c + xd @ w, 1.0, observed=y)
    return model, np.column_stack([np.ones(n), x]), truth


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("m", "n_out", "h"), [(4, 3, 2), (5, 4, 3)])
def test_reduced_rank_generic_rank(m, n_out, h, kind):
    model = reduced_rank_model(m, n_out, h)
    rank = fisher_rank(model, generic_point(model), kind=kind)
    d = h * (m + n_out)
    assert (int(rank), rank.d) == (h * (m + n_out - h), d)
    # a clear gap: the flat directions are rounding noise, the others far above tol
    assert np.all(np.abs(rank.eigenvalues[rank:]) <= rank.tol)
    assert rank.eigenvalues[rank - 1] > 1e6 * rank.tol


def test_symmetric_positive_semidefinite(rrr):
    info = fisher_information(rrr, generic_point(rrr))
    assert info.shape == (14, 14)
    np.testing.assert_array_equal(info, info.T)
    eigenvalues = np.linalg.eigvalsh(info)
    assert eigenvalues.min() >= -1e-12 * eigenvalues.max()


@pytest.mark.parametrize("kind", KINDS)
def test_product_rank_one_generic_zero_at_origin(product_model, kind):
    assert fisher_rank(product_model, {"a": 0.7, "b": -1.3}, kind=kind) == 1
    at_origin = fisher_rank(product_model, {"a": 0.0, "b": 0.0}, kind=kind)
    assert at_origin == 0
    np.testing.assert_array_equal(at_origin.eigenvalues, 0.0)


def test_linear_regression_output_form_is_xtx_over_n():
    model, z, truth = linear_model(200)
    info = fisher_information(model, truth)
    np.testing.assert_allclose(info, z.T @ z / 200, rtol=1e-12)
    assert fisher_rank(model, truth) == 3
    assert fisher_rank(model, truth, kind="score") == 3


@pytest.mark.parametrize("kind", KINDS)
def test_logistic_regression_full_rank(kind):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(300, 2))
    with pm.Model() as model:
        c = pm.Normal("c")
        w = pm.Normal("w", shape=2)
        pm.Bernoulli("y", logit_p=c + x @ w, observed=rng.integers(0, 2, size=300))
    assert fisher_rank(model, {"c": 0.2, "w": np.array([0.8, -0.5])}, kind=kind) == 3


def test_score_form_approaches_output_form_at_truth():
    # At the truth s_i = z_i ε_i, so score − output = (1/n) Σ (ε_i² − 1) z_i z_iᵀ: mean zero,
    # E‖·‖_F² = 2 Σ‖z_i‖⁴ / n² (Var ε² = 2), i.e. a relative error of order n^{-1/2}.
    errors, predicted = [], []
    for n in (100, 10_000):
        model, z, truth = linear_model(n, seed=5)
        output = fisher_information(model, truth, kind="output")
        score = fisher_information(model, truth, kind="score")
        errors.append(np.linalg.norm(score - output) / np.linalg.norm(output))
        predicted.append(
            np.sqrt(2 * np.sum(np.sum(z**2, axis=1) ** 2)) / n / np.linalg.norm(output)
        )
    # squared error / its mean is a weighted χ²: P(> 16) < 1e-4 even with one degree of freedom
    assert errors[0] < 4 * predicted[0]
    assert errors[1] < 4 * predicted[1]
    assert predicted[1] < predicted[0] / 8  # the n^{-1/2} rate: 100× the data, ~10× smaller
    assert errors[1] < errors[0]


def test_derivatives_on_constrained_scale():
    # y = s·x with s ~ HalfNormal (sampled on log s): I = mean(x²), not s²·mean(x²)
    x = np.linspace(-1, 1, 40)
    with pm.Model() as model:
        s = pm.HalfNormal("s")
        pm.Normal("y", s * x, 1.0, observed=x)
    np.testing.assert_allclose(fisher_information(model, {"s": 2.0}), [[np.mean(x**2)]])


def test_several_observed_variables_and_unused_parameter():
    x1, x2 = np.linspace(-1, 1, 30), np.linspace(0, 2, 20)
    with pm.Model() as model:
        a = pm.Normal("a")
        b = pm.Normal("b")
        pm.Normal("unused")
        pm.Normal("y1", a * x1, 1.0, observed=x1)
        pm.Normal("y2", b * x2, 1.0, observed=x2)
    info = fisher_information(model, {"a": 1.0, "b": 1.0, "unused": 0.3})
    # different lengths: separate data sets, n = 30 + 20 (package convention)
    expected = np.diag([np.sum(x1**2), np.sum(x2**2), 0.0]) / 50
    np.testing.assert_allclose(info, expected, rtol=1e-12, atol=1e-15)
    rank = fisher_rank(model, {"a": 1.0, "b": 1.0, "unused": 0.3})
    assert (int(rank), rank.n_flat) == (2, 1)


def test_parameter_names(rrr, product_model):
    names = fisher_parameter_names(rrr)
    assert len(names) == 14
    assert names[:2] == ["A[0,0]", "A[0,1]"]
    assert names[-1] == "B[2,1]"
    assert fisher_parameter_names(product_model) == ["a", "b"]


def test_posterior_input_matches_point_calls(rrr):
    rng = np.random.default_rng(6)
    post = xr.Dataset(
        {
            "A": (("chain", "draw", "A_dim_0", "A_dim_1"), rng.normal(size=(2, 3, 2, 4))),
            "B": (("chain", "draw", "B_dim_0", "B_dim_1"), rng.normal(size=(2, 3, 3, 2))),
            "BA": (("chain", "draw", "u", "v"), np.zeros((2, 3, 3, 4))),  # ignored
        },
        coords={"chain": [0, 1], "draw": [10, 11, 12]},
    )
    tree = xr.DataTree.from_dict({"posterior": post})
    info = fisher_information(rrr, tree)
    assert info.dims == ("chain", "draw", "param", "param2")
    assert info.shape == (2, 3, 14, 14)
    assert list(info["param"].values) == fisher_parameter_names(rrr)
    assert list(info["draw"].values) == [10, 11, 12]
    for c, k in [(0, 0), (1, 2)]:
        point = {v: post[v].values[c, k] for v in ("A", "B")}
        np.testing.assert_allclose(info.values[c, k], fisher_information(rrr, point), rtol=1e-12)

    spectrum = fisher_spectrum(rrr, post)
    assert spectrum.dims == ("chain", "draw", "eigen")
    np.testing.assert_allclose(spectrum.values, np.linalg.eigvalsh(info.values)[..., ::-1])
    assert np.all(np.diff(spectrum.values, axis=-1) <= 0)

    rank = fisher_rank(rrr, tree, kind="score")
    assert rank.dims == ("chain", "draw")
    assert rank.dtype == np.int64
    assert np.all(rank.values == 10)
    assert rank["tol"].shape == (2, 3)
    assert rank.attrs["d"] == 14


def test_fisher_rank_is_an_int(product_model):
    rank = fisher_rank(product_model, {"a": 0.7, "b": -1.3}, rtol=1e-10)
    assert isinstance(rank, int)
    assert isinstance(rank, FisherRank)
    assert rank + 1 == 2
    assert f"{rank}" == "1"
    assert "d=2" in repr(rank)
    assert rank.rtol == 1e-10
    assert rank.tol == pytest.approx(1e-10 * rank.eigenvalues[0])
    assert pd.DataFrame({"rank": [rank, rank]})["rank"].dtype == np.int64
    again = pickle.loads(pickle.dumps(rank))
    assert (int(again), again.d, again.tol) == (1, 2, rank.tol)


def test_default_rtol_is_max_d_k_eps(rrr):
    rank = fisher_rank(rrr, generic_point(rrr))
    assert rank.rtol == pytest.approx(100 * 3 * np.finfo(float).eps)  # K = n·N = 300 > d
    assert fisher_rank(rrr, generic_point(rrr), kind="score").rtol == pytest.approx(
        100 * np.finfo(float).eps
    )


def test_output_kind_needs_a_location_but_score_works():
    y = np.linspace(-1, 1, 10)
    with pm.Model() as custom:
        mu = pm.Normal("mu")
        pm.CustomDist("y", mu, logp=lambda value, m: -((value - m) ** 2), observed=y)
    with pytest.raises(ValueError, match=r"kind='score'"):
        fisher_information(custom, {"mu": 0.1})
    np.testing.assert_allclose(
        fisher_information(custom, {"mu": 0.1}, kind="score"),
        [[np.mean((2 * (y - 0.1)) ** 2)]],
        rtol=1e-12,
    )
    with pm.Model() as multivariate:
        mu = pm.Normal("mu", shape=2)
        pm.MvNormal("y", mu, np.eye(2), observed=np.random.default_rng(7).normal(size=(5, 2)))
    with pytest.raises(ValueError, match=r"multivariate_normal.*kind='score'"):
        fisher_rank(multivariate, {"mu": np.zeros(2)})
    assert fisher_rank(multivariate, {"mu": np.zeros(2)}, kind="score") == 2


def test_bad_points(product_model):
    with pytest.raises(ValueError, match=r"point_or_data has no value for \['b'\]"):
        fisher_information(product_model, {"a": 1.0})
    with pytest.raises(ValueError, match=r"point_or_data\['a'\] has shape \(2,\), expected \(\)"):
        fisher_information(product_model, {"a": [1.0, 2.0], "b": 1.0})
    with pytest.raises(ValueError, match=r"point_or_data\['b'\] holds NaN"):
        fisher_information(product_model, {"a": 1.0, "b": np.nan})
    with pytest.raises(TypeError, match=r"point_or_data\['a'\] must be numeric"):
        fisher_information(product_model, {"a": "one", "b": 1.0})
    with pytest.raises(TypeError, match="point_or_data must be a dict"):
        fisher_information(product_model, [1.0, 2.0])
    with pytest.raises(ValueError, match="kind must be one of"):
        fisher_information(product_model, {"a": 1.0, "b": 1.0}, kind="hessian")
    with pytest.raises(TypeError, match=r"model must be a pymc\.Model"):
        fisher_information("model", {"a": 1.0, "b": 1.0})
    with pytest.raises(ValueError, match="rtol must be"):
        fisher_rank(product_model, {"a": 1.0, "b": 1.0}, rtol=-1.0)


def test_bad_posteriors(product_model):
    with pytest.raises(ValueError, match="point_or_data has no posterior group, which the Fisher"):
        fisher_information(product_model, xr.DataTree())
    no_chain = xr.Dataset({"a": ("draw", [1.0]), "b": ("draw", [1.0])})
    with pytest.raises(ValueError, match=r"no \['chain'\] dimension"):
        fisher_information(product_model, no_chain)
    nan_draw = xr.Dataset(
        {"a": (("chain", "draw"), [[1.0, np.nan]]), "b": (("chain", "draw"), [[1.0, 1.0]])}
    )
    with pytest.raises(ValueError, match=r"point_or_data\['a'\] holds NaN"):
        fisher_spectrum(product_model, nan_draw)


def test_unconstrained_names_get_a_hint():
    with pm.Model() as model:
        s = pm.HalfNormal("s")
        pm.Normal("y", s, 1.0, observed=np.zeros(3))
    with pytest.raises(ValueError, match=r"'s_log__' \(unconstrained\) is given: pass 's'"):
        fisher_information(model, model.initial_point())


def test_discrete_parameter_rejected():
    with pm.Model() as model:
        k = pm.Poisson("k", 3)
        pm.Normal("y", pt.cast(k, "float64"), 1.0, observed=np.zeros(3))
    with pytest.raises(ValueError, match="'k' of model is discrete"):
        fisher_information(model, {"k": 2})


def test_points_off_the_support_or_with_unknown_names_are_refused():
    from tests.gallery.models import linear_sigma_halfnormal, mixture_ordered

    model = linear_sigma_halfnormal()
    good = {"intercept": 0.1, "slope": 1.0, "sigma": 0.8}
    assert int(fisher_rank(model, good)) == 2  # σ does not move the regression function
    with pytest.raises(ValueError, match=r"outside the support of the prior of \['sigma'\]"):
        fisher_rank(model, {**good, "sigma": -1.0})
    with pytest.raises(ValueError, match=r"unknown name\(s\) \['sgima'\]"):
        fisher_rank(model, {**good, "sgima": 1.0})
    mixture = mixture_ordered()
    with pytest.raises(ValueError, match=r"\['w'\]"):  # weights off the simplex
        fisher_rank(mixture, {"w": [0.7, 0.7], "mu": [-2.0, 2.0]}, kind="score")
    with pytest.raises(ValueError, match=r"\['mu'\]"):  # means out of their order
        fisher_rank(mixture, {"w": [0.5, 0.5], "mu": [2.0, -2.0]}, kind="score")
    assert int(fisher_rank(mixture, {"w": [0.5, 0.5], "mu": [-2.0, 2.0]}, kind="score")) > 0


def test_d_is_counted_as_everywhere_else():
    """A K-simplex has K − 1 free parameters: FisherRank.d and n_parameters (compare's d)
    agree, and the rank is counted within the simplex (over the 3 weights it would be 3)."""
    import pymc_slt as slt

    rng = np.random.default_rng(0)
    with pm.Model() as model:
        w = pm.Dirichlet("w", np.ones(3))
        pm.Categorical("y", p=w, observed=rng.integers(0, 3, size=60))
    rank = fisher_rank(model, {"w": np.array([0.2, 0.3, 0.5])}, kind="score")
    assert rank.d == slt.sampling.n_parameters(model) == 2
    assert int(rank) == 2 and rank.n_flat == 0 and rank.eigenvalues.shape == (2,)
    assert fisher_information(model, {"w": np.array([0.2, 0.3, 0.5])}, kind="score").shape == (
        3,
        3,
    )  # the matrix itself stays over the constrained coordinates
