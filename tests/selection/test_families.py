"""The model families of sBIC: maximum likelihood against closed forms, λ tables against the
paper's / R package's values."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special, stats
from scipy.optimize import minimize

from pymc_slt.selection import (
    fit_binomial_mixture,
    fit_factor_analysis,
    fit_gaussian_mixture,
    ledermann_bound,
    reduced_rank_loglik,
    sbic_binomial_mixture,
    sbic_factor_analysis,
    sbic_gaussian_mixture,
    sbic_reduced_rank,
)
from pymc_slt.theory import (
    binomial_mixture_lambdas,
    factor_analysis_lambdas,
    gaussian_mixture_lambdas,
    reduced_rank_lambdas,
    rlct_reduced_rank,
)

# --------------------------------------------------------------------------------------------
# reduced-rank regression
# --------------------------------------------------------------------------------------------


def _rrr_data(n=200, m=4, k=3, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, m))
    c = np.outer([1.0, -0.5, 0.8], [0.6, 1.0, 0.0, -0.4])[:k, :m]
    return x, x @ c.T + rng.normal(size=(n, k))


@pytest.mark.parametrize("rank", [0, 1, 2, 3])
def test_rrr_svd_maximum_matches_numerical_optimisation(rank):
    x, y = _rrr_data()
    n, m = x.shape
    k = y.shape[1]
    ll = reduced_rank_loglik(x, y, noise_sd=1.0)
    if rank == 0:
        direct = float(np.sum(y**2))
    else:

        def rss(theta):
            b = theta[: k * rank].reshape(k, rank)
            a = theta[k * rank :].reshape(rank, m)
            return float(np.sum((y - x @ (b @ a).T) ** 2))

        rng = np.random.default_rng(1)
        direct = min(
            minimize(rss, rng.normal(size=rank * (k + m)), method="BFGS", tol=1e-12).fun
            for _ in range(3)
        )
    expected = -0.5 * n * k * math.log(2 * math.pi) - direct / 2
    assert ll[rank] == pytest.approx(expected, abs=1e-5)


def test_rrr_full_rank_is_least_squares_and_unknown_noise_profile():
    x, y = _rrr_data()
    n, k = y.shape
    coef, *_ = np.linalg.lstsq(x, y, rcond=None)
    rss = float(np.sum((y - x @ coef) ** 2))
    assert reduced_rank_loglik(x, y, noise_sd=2.0)[-1] == pytest.approx(
        -0.5 * n * k * math.log(2 * math.pi * 4.0) - rss / 8.0
    )
    sigma2 = rss / (n * k)
    assert reduced_rank_loglik(x, y, noise_sd=None)[-1] == pytest.approx(
        -0.5 * n * k * (math.log(2 * math.pi * sigma2) + 1)
    )


def test_sbic_reduced_rank_frame_and_selection():
    x, y = _rrr_data(n=400)
    df = sbic_reduced_rank(x, y)
    assert df["rank"].tolist() == [0, 1, 2, 3]
    assert df.attrs["selected"] == 1  # the truth is the rank-1 outer product
    np.testing.assert_allclose(df["dim"], [2 * rlct_reduced_rank(4, 3, h, h) if h else 0
                                           for h in range(4)])  # fmt: skip
    df_sigma = sbic_reduced_rank(x, y, noise_sd=None)
    assert df_sigma["dim"].tolist() == (df["dim"] + 1).tolist()


def test_rrr_input_errors():
    x, y = _rrr_data()
    with pytest.raises(ValueError, match="one row per observation"):
        sbic_reduced_rank(x, y[:-1])
    with pytest.raises(ValueError, match=r"max_rank must be <= min\(M, N\) = 3"):
        sbic_reduced_rank(x, y, 4)
    with pytest.raises(ValueError, match="more observations than covariates"):
        sbic_reduced_rank(x[:3], y[:3])


def test_rrr_lambda_table():
    t = reduced_rank_lambdas(15, 10, 10)  # Drton & Plummer (2017), Section 5.1 dimensions
    assert t.lam[0, 0] == 0.0 and t.multiplicity[0, 0] == 1
    for i in range(1, 11):
        assert t.lam[i, i] == i * (25 - i) / 2  # d_i/2, the rank-i matrices
        for j in range(i + 1):
            assert (t.lam[i, j], t.multiplicity[i, j]) == tuple(
                rlct_reduced_rank(15, 10, i, j, with_multiplicity=True)
            )
    assert np.isnan(t.lam[0, 1]) and t.multiplicity[0, 1] == 0


def test_rrr_lambda_table_r_package_indexing():
    """sBIC 0.2.0's learnCoef(i, j) on 1-based model indices, computed from its source:
    M = 15, N = 10, learnCoef(6, 6) (the rank-5 model of sBIC()): case 3, N + H < M + r is
    16 < 21, λ = (HN − Hr + Mr)/2 = (60 − 36 + 90)/2 = 57; learnCoef(11, 11) (rank 10):
    case 3 again, (110 − 121 + 165)/2 = 77."""
    t = reduced_rank_lambdas(15, 10, 10, r_package_indexing=True)
    assert t.lam[5, 5] == 57.0
    assert t.lam[10, 10] == 77.0
    correct = reduced_rank_lambdas(15, 10, 10)
    np.testing.assert_array_equal(t.lam[4, :5], correct.lam[5, 1:6])


# --------------------------------------------------------------------------------------------
# factor analysis
# --------------------------------------------------------------------------------------------


def test_factor_analysis_lambda_table_from_the_r_package_test():
    # sBIC 0.2.0, tests/testthat/test_FactorAnalyses.R: FactorAnalyses(6, 3) (= Drton &
    # Plummer 2017, Table 2), rows i = 0..3 factors, all multiplicities 1.
    expected = [
        [3, np.nan, np.nan, np.nan],
        [9 / 2, 6, np.nan, np.nan],
        [6, 29 / 4, 17 / 2, np.nan],
        [15 / 2, 17 / 2, 19 / 2, 21 / 2],
    ]
    t = factor_analysis_lambdas(6, 3)
    np.testing.assert_array_equal(t.lam, expected)
    assert (t.multiplicity == np.tril(np.ones((4, 4), dtype=int))).all()
    assert ledermann_bound(6) == 3


def _fa_data(n=400, seed=0):
    rng = np.random.default_rng(seed)
    loadings = np.array([[0.9, 0.8, 0.7, 0.1, 0.0, 0.2], [0.0, 0.2, 0.1, 0.8, 0.9, 0.7]]).T
    z = rng.normal(size=(n, 2))
    return z @ loadings.T + rng.normal(size=(n, 6)) * 0.5


def test_factor_analysis_zero_factors_is_the_diagonal_closed_form():
    y = _fa_data()
    n, p = y.shape
    var = y.var(axis=0)
    fit = fit_factor_analysis(y, 0)
    assert fit.loglik == pytest.approx(
        -0.5 * n * (p * math.log(2 * math.pi) + np.log(var).sum() + p)
    )


def test_one_factor_on_three_variables_is_saturated():
    # d = 3·2 − 0 = 6 = p(p + 1)/2: the MLE reproduces S, the unrestricted Gaussian maximum
    rng = np.random.default_rng(3)
    z = rng.normal(size=(500, 1))
    y = z @ np.array([[0.9, 0.7, 0.6]]) + rng.normal(size=(500, 3)) * 0.6
    s = np.cov(y, rowvar=False, bias=True)
    n, p = y.shape
    saturated = -0.5 * n * (p * math.log(2 * math.pi) + np.linalg.slogdet(s)[1] + p)
    fit = fit_factor_analysis(y, 1)
    assert fit.loglik == pytest.approx(saturated, abs=1e-6)
    np.testing.assert_allclose(fit.loadings @ fit.loadings.T + np.diag(fit.uniquenesses), s,
                               atol=1e-5)  # fmt: skip


def test_factor_analysis_em_is_stationary_and_selects_two():
    y = _fa_data()
    s = np.cov(y, rowvar=False, bias=True)
    fit = fit_factor_analysis(y, 2)
    sigma = fit.loadings @ fit.loadings.T + np.diag(fit.uniquenesses)
    # the MLE of a free diagonal has tr(Σ^{-1} S) = p and diag(Σ) = diag(S)
    assert np.trace(np.linalg.solve(sigma, s)) == pytest.approx(6, abs=1e-5)
    np.testing.assert_allclose(np.diag(sigma), np.diag(s), rtol=1e-5)
    df = sbic_factor_analysis(y)
    assert df["factors"].tolist() == [0, 1, 2, 3]
    assert df.attrs["selected"] == 2
    with pytest.raises(ValueError, match="Ledermann"):
        sbic_factor_analysis(y, 4)


# --------------------------------------------------------------------------------------------
# Gaussian mixtures
# --------------------------------------------------------------------------------------------


def test_gaussian_mixture_lambda_table_from_the_r_formula():
    # learnCoef.MixtureModels (sBIC 0.2.0, R/MixtureModels.R), 1-D: r = 2, phi default 3/2;
    # λ_ij = ½ min(j r + j − 1 + φ(i − j), r i + j − 1)
    t = gaussian_mixture_lambdas(4)
    assert t.lam[3, 0] == 0.5 * min(2 + 0 + 1.5 * 3, 8 + 0)  # 4 components at 1: 3.25
    assert t.lam[3, 1] == 0.5 * min(4 + 1 + 1.5 * 2, 8 + 1)  # 4.0
    assert np.diag(t.lam).tolist() == [1.0, 2.5, 4.0, 5.5]  # d_i/2 = (3 i − 1)/2
    t2 = gaussian_mixture_lambdas(3, dim=2, phi=1.0)  # r = 2 + 3 = 5
    assert t2.lam[2, 0] == 0.5 * min(5 + 0 + 2, 15 + 0)
    assert np.diag(t2.lam).tolist() == [2.5, 5.5, 8.5]
    with pytest.raises(ValueError, match="phi must be finite and > 0"):
        gaussian_mixture_lambdas(3, phi=0.0)


def test_em_reaches_the_known_maximum_on_separated_components():
    # components 20 sd apart: the MLE is the per-cluster sample moments and proportions
    rng = np.random.default_rng(2)
    a, b = rng.normal(-20, 1.0, 120), rng.normal(20, 2.0, 80)
    y = np.concatenate([a, b])
    closed = sum(
        len(g) * math.log(len(g) / len(y)) - 0.5 * len(g) * (math.log(2 * math.pi * g.var()) + 1)
        for g in (a, b)
    )
    fit = fit_gaussian_mixture(y, 2, restarts=4, random_seed=0)
    assert fit.loglik == pytest.approx(closed, abs=1e-6)
    np.testing.assert_allclose(np.sort(fit.means[:, 0]), [a.mean(), b.mean()], atol=1e-8)


def test_sbic_gaussian_mixture_2d():
    rng = np.random.default_rng(5)
    y = np.concatenate([rng.normal(0, 1, (100, 2)), rng.normal(6, 1, (100, 2)) * [1, -1]])
    df = sbic_gaussian_mixture(y, 3, restarts=4)
    assert df["components"].tolist() == [1, 2, 3]
    assert df.attrs["selected"] == 1
    assert df["dim"].tolist() == [5.0, 11.0, 17.0]


def test_mixture_input_errors():
    with pytest.raises(ValueError, match=r"min_points must be >= d \+ 1 = 2"):
        fit_gaussian_mixture(np.arange(10.0), 2, min_points=1)
    with pytest.raises(ValueError, match="y must be finite"):
        sbic_gaussian_mixture([1.0, np.nan, 2.0], 2)
    with pytest.raises(ValueError, match="EM degenerated in all 2 restarts"):
        sbic_gaussian_mixture(np.arange(20.0), 3, restarts=2, min_points=8)


# --------------------------------------------------------------------------------------------
# binomial mixtures
# --------------------------------------------------------------------------------------------


def test_binomial_mixture_lambda_tables():
    # phi = 1: Drton & Plummer (2017, eq. (6.7)), λ_ij = (i + j − 1)/2
    t = binomial_mixture_lambdas(5)
    for a in range(5):
        for b in range(a + 1):
            assert t.lam[a, b] == (a + 1 + b + 1 - 1) / 2
    assert np.all(t.multiplicity[np.tril_indices(5)] == 1)
    assert np.isnan(t.lam[0, 1])
    # phi = 0.5: learnCoef.MixtureModels with r = 1, ½ min(2j − 1 + φ(i − j), i + j − 1)
    h = binomial_mixture_lambdas(7, phi=0.5)
    assert h.lam[6, 3] == 0.5 * min(2 * 4 - 1 + 0.5 * 3, 7 + 4 - 1)  # 4.25
    assert np.diag(h.lam).tolist() == [(2 * i - 1) / 2 for i in range(1, 8)]  # d_i/2
    with pytest.raises(ValueError, match="phi must be finite and > 0"):
        binomial_mixture_lambdas(3, phi=-1.0)


def _binomial_data(seed=0, n=300):
    rng = np.random.default_rng(seed)
    trials = rng.integers(10, 30, size=n)
    probs = np.where(rng.uniform(size=n) < 0.3, 0.25, 0.7)
    return rng.binomial(trials, probs), trials


def test_one_binomial_component_is_the_pooled_proportion():
    y, t = _binomial_data(1)
    fit = fit_binomial_mixture(y, t, 1)
    theta = y.sum() / t.sum()
    assert fit.probs[0] == pytest.approx(theta, rel=1e-12)
    assert fit.loglik == pytest.approx(stats.binom.logpmf(y, t, theta).sum(), rel=1e-12)


def test_binomial_em_reaches_the_numerical_maximum():
    y, t = _binomial_data(2)

    def negative_loglik(z):  # z = (logit w, logit θ1, logit θ2)
        w, p = special.expit(z[0]), special.expit(z[1:])
        comp = stats.binom.logpmf(y[:, None], t[:, None], p) + np.log([w, 1 - w])
        return -special.logsumexp(comp, axis=1).sum()

    starts = [(0.0, -1.0, 1.0), (1.0, -2.0, 0.5), (-1.0, 0.0, 2.0)]
    best = min(
        (minimize(negative_loglik, s, method="Nelder-Mead", options={"xatol": 1e-10,
         "fatol": 1e-12, "maxiter": 20000}) for s in starts),
        key=lambda r: r.fun,
    )  # fmt: skip
    fit = fit_binomial_mixture(y, t, 2, restarts=5)
    assert fit.loglik == pytest.approx(-best.fun, abs=1e-6)
    assert fit.loglik >= -best.fun - 1e-8
    np.testing.assert_allclose(fit.probs, [0.25, 0.7], atol=0.04)
    assert fit.weights.sum() == pytest.approx(1.0)


def test_sbic_binomial_mixture_selects_two_and_counts_dimensions():
    y, t = _binomial_data(3, n=400)
    df = sbic_binomial_mixture(y, t, 4)
    assert df["components"].tolist() == [1, 2, 3, 4]
    assert df["dim"].tolist() == [1.0, 3.0, 5.0, 7.0]
    assert df.attrs["selected"] == 1
    # the λ bounds sit below d/2 off the diagonal: sBIC penalises surplus components less
    assert np.all(df["sbic"].to_numpy()[2:] < df["bic"].to_numpy()[2:])


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (([3, 12], 10, 2), "successes must not exceed trials"),
        (([3, -1], 10, 2), "successes must be non-negative whole numbers"),
        (([3.5, 2], 10, 2), "successes must be non-negative whole numbers"),
        (([3, 2, 1], [10, 10], 2), "trials must be one integer or one per observation"),
        (([3, 2, 1], 4, 3), "max_components=3 is not identifiable with at most 4 trials"),
        (([3], 10, 2), "successes must be a 1-D array"),
    ],
)
def test_binomial_mixture_input_errors(args, match):
    with pytest.raises(ValueError, match=match):
        sbic_binomial_mixture(*args)
