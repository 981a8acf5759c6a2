"""The sBIC recursion (Drton & Plummer 2017) against hand computations, BIC and bad input."""

from __future__ import annotations

import math

import numpy as np
import pytest

from pymc_slt.selection import chain_order, sbic


def _positive_root(a: float, b: float, c: float) -> float:
    """The positive root of a x² + b x + c = 0 (c < 0), by the textbook formula."""
    return (-b + math.sqrt(b * b - 4 * a * c)) / (2 * a)


def test_three_model_chain_by_hand():
    n = 50.0
    loglik = [-60.0, -57.0, -56.5]
    lam = np.array([[1.0, np.nan, np.nan], [1.25, 2.0, np.nan], [1.5, 2.5, 3.0]])
    mult = np.array([[1, 0, 0], [2, 1, 0], [1, 2, 1]])
    prior = [0.5, 0.3, 0.2]
    ln, lln = math.log(n), math.log(math.log(n))

    def lp(i, j):  # L'_ij with plain floats (the likelihoods are e^-60: no overflow here)
        return math.exp(loglik[i] - lam[i, j] * ln + (mult[i, j] - 1) * lln)

    p = prior
    l0 = lp(0, 0)
    l1 = _positive_root(p[1], l0 * p[0] - lp(1, 1) * p[1], -lp(1, 0) * l0 * p[0])
    l2 = _positive_root(
        p[2],
        l0 * p[0] + l1 * p[1] - lp(2, 2) * p[2],
        -(lp(2, 0) * l0 * p[0] + lp(2, 1) * l1 * p[1]),
    )
    df = sbic(loglik, lam, mult, n, prior=prior)
    np.testing.assert_allclose(
        df["sbic"], [-math.log(l0), -math.log(l1), -math.log(l2)], rtol=1e-12
    )
    np.testing.assert_allclose(df["bic"], [60 + 1 * ln, 57 + 2 * ln, 56.5 + 3 * ln])
    post = np.array(prior) * [l0, l1, l2]
    np.testing.assert_allclose(df["posterior"], post / post.sum(), rtol=1e-10)
    assert df.attrs["selected"] == int(np.argmax(post))
    assert df["selected"].sum() == 1 and df["selected"].iloc[df.attrs["selected"]]
    assert list(df.columns) == [
        "loglik", "lambda", "m", "dim", "bic", "sbic", "posterior", "selected"
    ]  # fmt: skip
    assert df["m"].tolist() == [1, 1, 1]


@pytest.mark.parametrize("prior", [None, [0.1, 0.2, 0.3, 0.4], [5.0, 1.0, 1.0, 0.01]])
def test_row_constant_lambdas_give_bic_exactly(prior):
    """λ_ij = λ_ii = d_i/2, m_ij = 1 ⇒ (L − L'_ii)(p_i L + Σ L_j p_j) = 0 ⇒ sbic = bic."""
    dims = np.array([2.0, 5.0, 7.0, 12.0])
    lam = np.tril(np.repeat(dims[:, None] / 2, 4, axis=1))
    mult = np.tril(np.ones((4, 4), dtype=int))
    loglik = [-1000.0, -990.0, -985.0, -984.0]
    df = sbic(loglik, lam, mult, 300, prior=prior)
    np.testing.assert_allclose(df["sbic"], df["bic"], rtol=0, atol=1e-9)


def test_singular_submodel_penalty_is_below_bic():
    lam = np.array([[1.0, np.nan], [1.5, 2.5]])
    df = sbic([-10.0, -10.0], lam, np.tril(np.ones((2, 2))), 1000)
    # identical fits: the larger model inherits the smaller penalty λ_10 = 1.5 < λ_11 = 2.5
    assert df["sbic"][1] < df["bic"][1]
    assert df["sbic"][0] == pytest.approx(df["bic"][0])


def test_large_n_and_logliks_do_not_overflow():
    n = 1e5
    loglik = np.array([-2.0e6, -1.2e6, -1.19999e6, -1.19998e6])
    lam = np.tril(np.array([[1, 0, 0, 0], [3, 6, 0, 0], [4, 7, 9, 0], [5, 8, 10, 12.0]]))
    df = sbic(loglik, lam, np.tril(np.ones((4, 4), dtype=int)), n)
    assert np.all(np.isfinite(df["sbic"])) and np.all(np.isfinite(df["posterior"]))
    # the hopeless model 0 keeps its own value (no underflow to -inf)
    assert df["sbic"][0] == pytest.approx(2.0e6 + math.log(n))
    # a much better model 1 dominates its submodel: sBIC ≈ −log L'_11
    assert df["sbic"][1] == pytest.approx(1.2e6 + 6 * math.log(n), abs=1e-6)


def test_quadratic_near_cancellation_is_stable():
    # L'_11 ≈ 0 and c = L'_10 L_0 ≪ b² = L_0²: the textbook (−b + √(b² + 4c))/2 cancels to 0,
    # the true root is c/b (1 + O(c/b²)) = L'_10, i.e. sbic = 10 + 50 log 10.
    df = sbic([-10.0, -10.0], [[0.0, np.nan], [50.0, 400.0]], [[1, 0], [1, 1]], 10.0)
    assert df["sbic"][1] == pytest.approx(10.0 + 50 * math.log(10.0), rel=1e-14)
    assert df["sbic"][0] == pytest.approx(10.0)


def test_poset_diamond_and_permutation_invariance():
    # 0 ⪯ 1, 0 ⪯ 2, 1 ⪯ 3, 2 ⪯ 3 (and 0 ⪯ 3)
    order = np.eye(4, dtype=bool)
    for i, j in [(1, 0), (2, 0), (3, 1), (3, 2), (3, 0)]:
        order[i, j] = True
    lam = np.where(order, 1.0, np.nan) + np.arange(4)[:, None] * 0.5
    lam[3, 0], lam[3, 1] = 1.2, 1.9
    mult = order.astype(int)
    loglik = np.array([-50.0, -47.0, -48.0, -46.0])
    df = sbic(loglik, lam, mult, 80, order=order)
    perm = np.array([3, 1, 0, 2])  # model perm[a] becomes model a
    df_p = sbic(
        loglik[perm], lam[np.ix_(perm, perm)], mult[np.ix_(perm, perm)], 80,
        order=order[np.ix_(perm, perm)],
    )  # fmt: skip
    np.testing.assert_allclose(df_p["sbic"].to_numpy(), df["sbic"].to_numpy()[perm], rtol=1e-12)
    # model 1 and 2 each have only the submodel 0: a two-model computation by hand
    ln = math.log(80)
    l0 = math.exp(-50 - 1.0 * ln)
    l1 = _positive_root(1, l0 - math.exp(-47 - 1.5 * ln), -math.exp(-47 - 1.5 * ln) * l0)
    assert df["sbic"][1] == pytest.approx(-math.log(l1), rel=1e-12)


def test_chain_order_is_the_default():
    lam = np.tril(np.ones((3, 3)))
    mult = np.tril(np.ones((3, 3)))
    a = sbic([-1.0, -2.0, -3.0], lam, mult, 10)
    b = sbic([-1.0, -2.0, -3.0], lam, mult, 10, order=chain_order(3))
    np.testing.assert_array_equal(a["sbic"], b["sbic"])


def test_dims_override_bic():
    df = sbic([-5.0, -4.0], [[0.5, np.nan], [0.5, 1.0]], [[1, 0], [1, 1]], 20, dims=[1, 4])
    assert df["dim"].tolist() == [1.0, 4.0]
    assert df["bic"][1] == pytest.approx(4 + 2 * math.log(20))


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------

LAM = np.array([[0.5, np.nan], [0.75, 1.0]])
MULT = np.array([[1, 0], [1, 1]])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"loglik": [-1.0, np.inf]}, ValueError, r"loglik\[1\] = inf is not finite"),
        ({"loglik": [[-1.0, -2.0]]}, ValueError, "loglik must be a non-empty 1-D array"),
        ({"loglik": "abc"}, TypeError, "loglik must be a 1-D array"),
        ({"lambdas": np.ones((3, 3))}, ValueError, r"lambdas must have shape \(K, K\) = \(2, 2\)"),
        (
            {"lambdas": [[0.5, 0], [-1.0, 1.0]]},
            ValueError,
            r"lambdas\[1, 0\] = -1.0 must be finite",
        ),
        (
            {"lambdas": [[np.nan, 0], [1.0, 1.0]]},
            ValueError,
            r"lambdas\[0, 0\] = nan must be finite",
        ),
        (
            {"multiplicities": [[1, 0], [1.5, 1]]},
            ValueError,
            r"multiplicities\[1, 0\] = 1.5 must be an integer >= 1",
        ),
        (
            {"multiplicities": [[0, 0], [1, 1]]},
            ValueError,
            r"multiplicities\[0, 0\] = 0.0 must be an integer",
        ),
        ({"n": 1}, ValueError, "n must be finite and > 1"),
        ({"n": True}, TypeError, "n must be the sample size"),
        ({"n": "100"}, TypeError, "n must be the sample size"),
        ({"prior": [1.0, 0.0]}, ValueError, r"prior\[1\] = 0.0 must be finite and > 0"),
        ({"prior": [1.0, 1.0, 1.0]}, ValueError, r"prior must have shape \(2,\)"),
        ({"order": np.ones((2, 2))}, TypeError, "order must be a boolean"),
        ({"order": np.ones((3, 3), dtype=bool)}, ValueError, r"order must have shape \(K, K\)"),
        ({"order": np.array([[False, False], [True, True]])}, ValueError, "not reflexive"),
        ({"order": np.ones((2, 2), dtype=bool)}, ValueError, "not antisymmetric"),
        ({"dims": [1.0]}, ValueError, r"dims must have shape \(2,\)"),
    ],
)
def test_validation_messages(kwargs, error, match):
    args = {"loglik": [-1.0, -0.5], "lambdas": LAM, "multiplicities": MULT, "n": 10}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        sbic(args.pop("loglik"), args.pop("lambdas"), args.pop("multiplicities"), **args)


def test_order_must_be_transitive():
    order = np.eye(3, dtype=bool)
    order[1, 0] = order[2, 1] = True  # 0 ⪯ 1 ⪯ 2 but not 0 ⪯ 2
    lam = np.tril(np.ones((3, 3)))
    with pytest.raises(ValueError, match=r"not transitive: model 0 .* order\[2, 0\] is False"):
        sbic([-1.0, -1.0, -1.0], lam, lam, 10, order=order)


def test_entries_outside_the_order_are_ignored():
    lam = np.array([[0.5, -7.0], [0.75, 1.0]])  # [0, 1] is not used: 1 is not below 0
    mult = np.array([[1, 99.5], [1, 1]])
    df = sbic([-1.0, -0.5], lam, mult, 10)
    assert np.all(np.isfinite(df["sbic"]))
