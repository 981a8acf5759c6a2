"""Tests for the model zoo builders (regular, neural, singular)."""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytest

import pymc_slt as slt
from pymc_slt.models.neural import deep_linear_network, reduced_rank_regression, tanh_network
from pymc_slt.models.regular import linear_regression, logistic_regression, polynomial_regression
from pymc_slt.models.simulate import (
    reduced_rank_truth,
    simulate_linear,
    simulate_logistic,
    simulate_normal_crossing,
    simulate_polynomial,
    simulate_reduced_rank,
    simulate_tanh_network,
)
from pymc_slt.models.singular import normal_crossing

N_OBS = 25


def _norm_logpdf(v, mu, sd):
    v, mu = np.asarray(v, dtype=float), np.asarray(mu, dtype=float)
    return np.sum(-0.5 * np.log(2 * np.pi * sd**2) - (v - mu) ** 2 / (2 * sd**2))


def _free(model):
    return {v.name: tuple(v.type.shape) for v in model.free_RVs}


def _d(model):
    return int(sum(np.prod(shape) for shape in _free(model).values()))


def _check_structure(model, expected_free):
    assert _free(model) == expected_free
    assert [v.name for v in model.observed_RVs] == ["y"]
    assert [v.name for v in model.data_vars] == ["x"]
    assert model.deterministics == []


# --------------------------------------------------------------------------- regular


def test_linear_regression_structure_and_logp():
    d = simulate_linear(N_OBS, [1.0, -0.5, 2.0], random_seed=0)
    model = linear_regression(d.x, d.y, prior_sd=3.0)
    _check_structure(model, {"w": (3,)})
    assert _d(model) == 3
    w = np.array([0.3, -0.2, 1.1])
    expected = _norm_logpdf(d.y, d.x @ w, 1.0) + _norm_logpdf(w, 0.0, 3.0)
    assert model.compile_logp()({"w": w}) == pytest.approx(expected, abs=1e-8)


def test_linear_regression_intercept_and_unknown_sigma():
    d = simulate_linear(N_OBS, [1.0], noise_sd=0.7, random_seed=1)
    model = linear_regression(d.x[:, 0], d.y, intercept=True, noise_sd=None)
    _check_structure(model, {"w": (1,), "intercept": (), "sigma": ()})
    assert _d(model) == 3
    w, c, s = np.array([0.8]), 0.1, 0.6
    expected = (
        _norm_logpdf(d.y, d.x @ w + c, s)
        + _norm_logpdf(w, 0.0, 10.0)
        + _norm_logpdf(c, 0.0, 10.0)
        + np.log(2.0)
        + _norm_logpdf(s, 0.0, 1.0)  # HalfNormal(1)
    )
    point = {"w": w, "intercept": c, "sigma_log__": np.log(s)}
    assert model.compile_logp(jacobian=False)(point) == pytest.approx(expected, abs=1e-8)


def test_polynomial_regression_structure_and_logp():
    d = simulate_polynomial(N_OBS, [0.5, 0.0, 1.0, -1.0], random_seed=0)
    model = polynomial_regression(d.x, d.y, degree=3, noise_sd=0.5)
    _check_structure(model, {"w": (4,)})
    assert _d(model) == 4
    w = d.truth["w"]
    mu = np.polynomial.polynomial.polyval(d.x, w)
    expected = _norm_logpdf(d.y, mu, 0.5) + _norm_logpdf(w, 0.0, 10.0)
    assert model.compile_logp()(d.truth) == pytest.approx(expected, abs=1e-8)
    assert _free(polynomial_regression(d.x, d.y, degree=0)) == {"w": (1,)}


def test_logistic_regression_structure_and_logp():
    d = simulate_logistic(N_OBS, [2.0, -1.0], random_seed=0)
    model = logistic_regression(d.x, d.y.astype(bool), intercept=True)
    _check_structure(model, {"w": (2,), "intercept": ()})
    w, c = d.truth["w"], 0.3
    eta = d.x @ w + c
    loglik = np.sum(d.y * eta - np.logaddexp(0.0, eta))
    expected = loglik + _norm_logpdf(w, 0.0, 2.5) + _norm_logpdf(c, 0.0, 2.5)
    assert model.compile_logp()({"w": w, "intercept": c}) == pytest.approx(expected, abs=1e-8)


# --------------------------------------------------------------------------- neural


def test_reduced_rank_regression_structure_and_logp():
    B, A = reduced_rank_truth(4, 3, 2, singular_values=[1.0, 0.5], random_seed=0)
    d = simulate_reduced_rank(N_OBS, B, A, random_seed=0)
    model = reduced_rank_regression(d.x, d.y, H=2)
    _check_structure(model, {"A": (2, 4), "B": (3, 2)})
    assert _d(model) == 2 * (4 + 3)
    assert model["y"].type.shape == (N_OBS, 3)
    expected = (
        _norm_logpdf(d.y, d.x @ (B @ A).T, 1.0) + _norm_logpdf(A, 0.0, 1.0) + _norm_logpdf(B, 0, 1)
    )
    assert model.compile_logp()(d.truth) == pytest.approx(expected, abs=1e-8)

    # the same at the truth padded to H = 3 hidden units (zeros add nothing to mu)
    big = reduced_rank_regression(d.x, d.y, H=3, prior_sd=2.0)
    A3, B3 = np.vstack([A, np.zeros((1, 4))]), np.hstack([B, np.zeros((3, 1))])
    expected3 = (
        _norm_logpdf(d.y, d.x @ (B @ A).T, 1.0)
        + _norm_logpdf(A3, 0.0, 2.0)
        + _norm_logpdf(B3, 0.0, 2.0)
    )
    assert big.compile_logp()({"A": A3, "B": B3}) == pytest.approx(expected3, abs=1e-8)


def test_deep_linear_network_matches_reduced_rank():
    B, A = reduced_rank_truth(3, 2, 1, random_seed=0)
    d = simulate_reduced_rank(N_OBS, B, A, random_seed=0)
    deep = deep_linear_network(d.x, d.y, widths=(1,))
    _check_structure(deep, {"W1": (1, 3), "W2": (2, 1)})
    rrr = reduced_rank_regression(d.x, d.y, H=1)
    assert deep.compile_logp()({"W1": A, "W2": B}) == pytest.approx(
        rrr.compile_logp()({"A": A, "B": B}), abs=1e-10
    )

    deep3 = deep_linear_network(d.x, d.y[:, 0], widths=(4, 2), noise_sd=0.5)
    _check_structure(deep3, {"W1": (4, 3), "W2": (2, 4), "W3": (1, 2)})
    assert _d(deep3) == 4 * 3 + 2 * 4 + 1 * 2
    rng = np.random.default_rng(0)
    W = {f"W{k}": rng.standard_normal(s) for k, s in enumerate([(4, 3), (2, 4), (1, 2)], 1)}
    mu = d.x @ W["W1"].T @ W["W2"].T @ W["W3"].T
    expected = _norm_logpdf(d.y[:, :1], mu, 0.5) + sum(_norm_logpdf(v, 0, 1) for v in W.values())
    assert deep3.compile_logp()(W) == pytest.approx(expected, abs=1e-8)


@pytest.mark.parametrize("bias", [False, True])
def test_tanh_network_structure_and_logp(bias):
    a, b = np.array([[1.0, 0.5], [-2.0, 0.0]]), np.array([0.5, 1.0])
    d = simulate_tanh_network(N_OBS, 2, a=a, b=b, random_seed=0)
    model = tanh_network(d.x, d.y, H=2, bias=bias, prior_sd=1.5)
    expected_free = {"a": (2, 2), "b": (2,)} | ({"c": (2,)} if bias else {})
    _check_structure(model, expected_free)
    assert _d(model) == 2 * (2 + 1) + (2 if bias else 0)
    point = dict(d.truth)
    pre = d.x @ a.T
    prior = _norm_logpdf(a, 0, 1.5) + _norm_logpdf(b, 0, 1.5)
    if bias:
        point["c"] = np.array([0.2, -0.1])
        pre = pre + point["c"]
        prior += _norm_logpdf(point["c"], 0, 1.5)
    expected = _norm_logpdf(d.y, np.tanh(pre) @ b, 1.0) + prior
    assert model.compile_logp()(point) == pytest.approx(expected, abs=1e-8)


# --------------------------------------------------------------------------- singular


@pytest.mark.parametrize("powers", [(1, 1), (1, 2), (2, 3, 1)])
def test_normal_crossing_structure_and_logp(powers):
    w = np.linspace(0.5, 1.5, len(powers)) * np.array([1, -1, 1][: len(powers)])
    d = simulate_normal_crossing(N_OBS, powers, w=w, random_seed=0)
    model = normal_crossing(d.x, d.y, powers)
    _check_structure(model, {"w": (len(powers),)})
    assert _d(model) == len(powers)
    coef = np.prod(w ** np.array(powers))
    expected = _norm_logpdf(d.y, coef * d.x, 1.0) + _norm_logpdf(w, 0.0, 1.0)
    assert model.compile_logp()(d.truth) == pytest.approx(expected, abs=1e-8)


def test_normal_crossing_gradient_exact_at_zero():
    d = simulate_normal_crossing(N_OBS, (1, 1), random_seed=0)
    model = normal_crossing(d.x, d.y, (1, 1))
    grad = model.compile_dlogp()({"w": np.zeros(2)})
    assert np.all(np.isfinite(grad))
    np.testing.assert_allclose(grad, 0.0, atol=1e-12)


def test_named_model_prefixes_variables():
    d = simulate_linear(N_OBS, [1.0], random_seed=0)
    model = linear_regression(d.x, d.y, name="lin")
    assert model.name == "lin"
    assert _free(model) == {"lin::w": (1,)}


# --------------------------------------------------------------------------- sampling


# Singular posteriors (sign-flip modes of RRR, the cross of a·b = 0) mix poorly in 200 draws;
# this test only checks that the builders run through the sampler and shapes come out right.
@pytest.mark.slow  # ~30 s; the gallery samples every model family in the default run
@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_builders_sample():
    d = simulate_normal_crossing(60, (1, 1), random_seed=3)
    dt = slt.sample_tempered(
        normal_crossing(d.x, d.y, (1, 1)),
        sampler=slt.NUTS(draws=200, tune=200, chains=2),
        progressbar=False,
        random_seed=1,
    )
    assert dt["posterior"]["w"].shape == (2, 200, 2)
    assert dt["log_likelihood"]["y"].shape == (2, 200, 60)
    assert dt.attrs["n"] == 60

    B, A = reduced_rank_truth(3, 2, 1, random_seed=0)
    d = simulate_reduced_rank(60, B, A, random_seed=3)
    dt = slt.sample_tempered(
        reduced_rank_regression(d.x, d.y, H=1),
        beta=0.5,
        sampler=slt.NUTS(draws=200, tune=200, chains=2),
        progressbar=False,
        random_seed=1,
    )
    assert dt["posterior"]["A"].shape == (2, 200, 1, 3)
    assert dt.attrs["n"] == 60


# --------------------------------------------------------------------------- bad input

X2 = np.random.default_rng(0).standard_normal((10, 2))
Y1 = np.random.default_rng(1).standard_normal(10)
X1 = X2[:, 0]
X_NAN = np.where(np.arange(10) == 3, np.nan, X1)


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: linear_regression(X2, Y1[:9]), ValueError, r"len\(x\) = 10 and len\(y\) = 9"),
        (lambda: linear_regression(X_NAN, Y1), ValueError, "x holds 1 NaN/inf"),
        (lambda: linear_regression(X2, Y1 * np.inf), ValueError, "y holds 10 NaN/inf"),
        (lambda: linear_regression(X2[None], Y1), ValueError, "x must be 1-D"),
        (lambda: linear_regression(X2, X2), ValueError, "y must be 1-D"),
        (lambda: linear_regression("abc", Y1), TypeError, "x must be an array"),
        (lambda: linear_regression(X2, Y1, prior_sd=-1), ValueError, "prior_sd must be"),
        (lambda: linear_regression(X2, Y1, noise_sd=0), ValueError, "noise_sd must be"),
        (lambda: linear_regression(X2, Y1, noise_sd="1"), TypeError, "noise_sd must be"),
        (lambda: linear_regression(X2, Y1, intercept=1), TypeError, "intercept must be"),
        (lambda: linear_regression(X2, Y1, name=3), TypeError, "name must be"),
        (lambda: linear_regression(np.empty((0, 2)), Y1[:0]), ValueError, "x is empty"),
        (lambda: polynomial_regression(X1, Y1, -1), ValueError, "degree must be >= 0"),
        (lambda: polynomial_regression(X1, Y1, 2.0), TypeError, "degree must be an integer"),
        (lambda: polynomial_regression(X2, Y1, 2), ValueError, "x must be 1-D"),
        (lambda: logistic_regression(X2, Y1), ValueError, "y must hold binary labels"),
        (lambda: logistic_regression(X2, np.ones(11)), ValueError, r"len\(x\)"),
        (lambda: reduced_rank_regression(X2, X2, 0), ValueError, "H must be >= 1"),
        (lambda: reduced_rank_regression(X2, X2, 1.5), TypeError, "H must be an integer"),
        (lambda: reduced_rank_regression(X2, X2[:5], 1), ValueError, r"len\(x\)"),
        (lambda: reduced_rank_regression(X2, X2[..., None], 1), ValueError, "y must be 1-D"),
        (lambda: tanh_network(X2, Y1, 0), ValueError, "H must be >= 1"),
        (lambda: tanh_network(X2, X2, 2), ValueError, "y must be 1-D"),
        (lambda: tanh_network(X2, Y1, 2, bias="no"), TypeError, "bias must be"),
        (lambda: deep_linear_network(X2, Y1, ()), ValueError, "widths is empty"),
        (lambda: deep_linear_network(X2, Y1, (2, 0)), ValueError, "widths must hold widths"),
        (lambda: deep_linear_network(X2, Y1, 2), TypeError, "widths must be a sequence"),
        (lambda: normal_crossing(X1, Y1, (1, 0)), ValueError, "powers must hold positive"),
        (lambda: normal_crossing(X1, Y1, (1, 2.0)), TypeError, "powers must hold positive"),
        (lambda: normal_crossing(X1, Y1, ()), ValueError, "powers is empty"),
        (lambda: normal_crossing(X2, Y1, (1, 1)), ValueError, "x must be 1-D"),
        (lambda: normal_crossing(X_NAN, Y1, (1, 1)), ValueError, "x holds 1 NaN"),
    ],
)
def test_bad_inputs(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_builders_return_plain_models():
    d = simulate_linear(N_OBS, [1.0], random_seed=0)
    assert isinstance(linear_regression(d.x, d.y), pm.Model)
