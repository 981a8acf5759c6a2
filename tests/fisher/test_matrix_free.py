"""The matrix-free Fisher spectrum and rank (products I v, randomized Nyström) against the dense
path: same rank, leading eigenvalues equal to 1e-10 of the largest (the stated tolerance of
these tests; both paths round at about 1e-13 of it)."""

from __future__ import annotations

import itertools

import numpy as np
import pymc as pm
import pytest
import xarray as xr

from pymc_slt.base.rank import OVERSAMPLE, leading_eigenvalues, numerical_rank
from pymc_slt.fisher import fisher_rank, fisher_spectrum
from pymc_slt.fisher import spectrum as spectrum_module
from pymc_slt.models import deep_linear_network
from tests.fisher.test_fisher import generic_point, reduced_rank_model

#: Leading eigenvalues of the two paths agree to this, relative to the largest.
EIGEN_RTOL = 1e-10


def deep_linear(widths=(6, 8, 8, 6), r=2, n=200, seed=0):
    """f(x) = x W1ᵀ W2ᵀ W3ᵀ + N(0, 1) (:func:`pymc_slt.models.deep_linear_network`) and a point
    where every layer is a generic rank-r matrix, so the end-to-end matrix has rank r and the
    Fisher rank is r(M + N − r) (the tangent space of the M × N matrices of rank r)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, widths[0]))
    model = deep_linear_network(x, rng.normal(size=(n, widths[-1])), widths[1:-1])
    point = {
        f"W{k}": rng.normal(size=(fan_out, r)) @ rng.normal(size=(r, fan_in)) / np.sqrt(r)
        for k, (fan_in, fan_out) in enumerate(itertools.pairwise(widths), start=1)
    }
    return model, point, r * (widths[0] + widths[-1] - r)


def tanh_network(n=150, hidden=8, seed=3):
    """y = tanh(x W + b) v + c + N(0, 1), d = 41, at a point where unit 0 has v_0 = 0: its
    3 weights and bias are flat, rank 37."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 3))
    with pm.Model() as model:
        w = pm.Normal("w", 0, 1, shape=(3, hidden))
        b = pm.Normal("b", 0, 1, shape=hidden)
        v = pm.Normal("v", 0, 1, shape=hidden)
        c = pm.Normal("c", 0, 1)
        pm.Normal("y", pm.math.tanh(x @ w + b) @ v + c, 1.0, observed=rng.normal(size=n))
    point = {
        "w": rng.normal(size=(3, hidden)),
        "b": rng.normal(size=hidden),
        "v": np.r_[0.0, rng.normal(size=hidden - 1)],
        "c": np.array(0.3),
    }
    return model, point


def assert_paths_agree(model, point, kind="output"):
    dense = fisher_rank(model, point, kind=kind, method="dense")
    free = fisher_rank(model, point, kind=kind, method="matrix_free")
    assert (dense.method, free.method) == ("dense", "matrix_free")
    assert (int(free), free.d, free.rtol) == (int(dense), dense.d, dense.rtol)
    assert int(free) + OVERSAMPLE <= len(free.eigenvalues) or len(free.eigenvalues) == free.d
    k = int(dense)
    np.testing.assert_allclose(
        free.eigenvalues[:k], dense.eigenvalues[:k], rtol=0, atol=EIGEN_RTOL * dense.eigenvalues[0]
    )
    assert np.all(free.eigenvalues[k:] <= free.tol)
    return dense, free


def test_reduced_rank_regression_both_paths():
    """d = 36 > the first block of 32, rank 32: the block grows, reaches d and is completed."""
    model = reduced_rank_model(10, 8, 2)
    dense, free = assert_paths_agree(model, generic_point(model))
    assert int(dense) == 2 * (10 + 8 - 2)
    assert len(free.eigenvalues) == free.d == 36


def test_tanh_network_both_paths():
    model, point = tanh_network()
    dense, _ = assert_paths_agree(model, point)
    assert (int(dense), dense.d) == (37, 41)


@pytest.mark.parametrize("kind", ["output", "score"])
def test_deep_linear_network_rank_is_the_tangent_dimension(kind):
    model, point, expected = deep_linear()
    dense, free = assert_paths_agree(model, point, kind)
    assert int(dense) == int(free) == expected == 20
    assert len(free.eigenvalues) == 32 < free.d == 160  # the Nyström path, one block


def test_posterior_draws_and_spectrum():
    model, point, expected = deep_linear(n=60)
    rng = np.random.default_rng(4)
    draws = {
        name: (("chain", "draw", f"{name}_0", f"{name}_1"), np.stack([[value, value]] * 2))
        for name, value in point.items()
    }
    for name, value in point.items():  # one generic draw: a full-rank end-to-end matrix
        draws[name][1][1, 1] = rng.normal(size=value.shape)
    tree = xr.DataTree.from_dict({"posterior": xr.Dataset(draws)})
    rank = fisher_rank(model, tree, method="matrix_free")
    assert rank.dims == ("chain", "draw") and rank.attrs["method"] == "matrix_free"
    assert rank.values[0, 0] == rank.values[1, 0] == expected
    assert rank.values[1, 1] == 6 * 6  # every M × N matrix is reachable
    spectrum = fisher_spectrum(model, tree, method="matrix_free")
    assert spectrum.dims == ("chain", "draw", "eigen") and spectrum.attrs["d"] == 160
    assert np.isnan(spectrum.values[0, 0, -1]) and not np.isnan(spectrum.values[1, 1, -1])


def test_simplex_counts_free_directions():
    rng = np.random.default_rng(0)
    with pm.Model() as model:
        w = pm.Dirichlet("w", np.ones(3))
        pm.Categorical("y", p=w, observed=rng.integers(0, 3, size=60))
    point = {"w": np.array([0.2, 0.3, 0.5])}
    dense = fisher_rank(model, point, kind="score", method="dense")
    free = fisher_rank(model, point, kind="score", method="matrix_free")
    assert (int(free), free.d) == (int(dense), dense.d) == (2, 2)
    np.testing.assert_allclose(free.eigenvalues, dense.eigenvalues, rtol=1e-10)


def test_auto_rule_and_bad_method(monkeypatch):
    x = np.linspace(-1, 1, 50)
    with pm.Model() as product_model:
        pm.Normal("y", pm.Normal("a") * pm.Normal("b") * x, 1.0, observed=x)
    point = {"a": 0.7, "b": -1.3}
    assert fisher_rank(product_model, point).method == "dense"  # 8·max(K, d)·d = 800 bytes
    monkeypatch.setattr(spectrum_module, "DENSE_BYTES", 799)
    rank = fisher_rank(product_model, point)
    assert (int(rank), rank.method) == (1, "matrix_free")
    for function in (fisher_rank, fisher_spectrum):
        with pytest.raises(ValueError, match=r"method must be one of \['auto', 'dense', 'matrix"):
            function(product_model, point, method="lanczos")


def test_leading_eigenvalues_grows_its_block():
    """Rank 50 of d = 300: blocks 32, 48, 72 (50 + 10 ≤ 72), 72 products, the exact spectrum."""
    rng = np.random.default_rng(1)
    g = rng.normal(size=(300, 50)) * np.geomspace(1, 1e-4, 50)
    exact = np.linalg.eigvalsh(g @ g.T)[::-1]
    eigenvalues, products = leading_eigenvalues(lambda v: g @ (g.T @ v), 300, 1e-12)
    assert products == len(eigenvalues) == 72
    assert int(numerical_rank(eigenvalues, 1e-12)[0]) == 50
    np.testing.assert_allclose(eigenvalues[:50], exact[:50], rtol=0, atol=1e-12 * exact[0])
    zero, products = leading_eigenvalues(lambda v: 0 * v, 300, 1e-12)
    assert products == 32 and not zero.any()
