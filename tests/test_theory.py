"""Tests for pymc_slt.theory: exact learning coefficients from the literature."""

from __future__ import annotations

import doctest
import itertools
from fractions import Fraction

import numpy as np
import pytest

from pymc_slt import theory
from pymc_slt.theory import (
    RLCT,
    rlct_deep_linear,
    rlct_normal_crossing,
    rlct_reduced_rank,
    rlct_regular,
    rlct_tanh_network,
    singular_fluctuation_regular,
)


def test_docstring_examples_run():
    result = doctest.testmod(theory, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0


# --------------------------------------------------------------------------------------------
# regular
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [rlct_regular, singular_fluctuation_regular])
@pytest.mark.parametrize("d", [0, 1, 2, 3, 7, 100])
def test_regular_is_half_the_dimension(fn, d):
    assert fn(d) == d / 2
    assert isinstance(fn(d), float)


@pytest.mark.parametrize("fn", [rlct_regular, singular_fluctuation_regular])
def test_regular_accepts_numpy_integers(fn):
    assert fn(np.int64(5)) == 2.5


@pytest.mark.parametrize("fn", [rlct_regular, singular_fluctuation_regular])
@pytest.mark.parametrize("bad", [True, 3.0, "3", None, [3]])
def test_regular_rejects_non_integers(fn, bad):
    with pytest.raises(TypeError, match="d must be an integer"):
        fn(bad)


@pytest.mark.parametrize("fn", [rlct_regular, singular_fluctuation_regular])
def test_regular_rejects_negative(fn):
    with pytest.raises(ValueError, match=r"d must be >= 0, got -1"):
        fn(-1)


# --------------------------------------------------------------------------------------------
# normal crossing
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("powers", "lam", "m"),
    [
        ((1, 1), Fraction(1, 2), 2),  # a·b·x (docs/theory.md)
        ((1, 2), Fraction(1, 4), 1),  # a·b²·x (docs/theory.md)
        ((1,), Fraction(1, 2), 1),  # y = a·x: regular, d/2
        ((3,), Fraction(1, 6), 1),
        ((2, 2, 1), Fraction(1, 4), 2),
        ((1, 1, 1), Fraction(1, 2), 3),
        ((2, 3, 3, 1), Fraction(1, 6), 2),
    ],
)
def test_normal_crossing_values(powers, lam, m):
    result = rlct_normal_crossing(powers)
    assert isinstance(result, RLCT)
    assert result == RLCT(float(lam), m)
    assert result.lam == float(lam)
    assert result.multiplicity == m


def test_normal_crossing_is_order_invariant_and_accepts_arrays():
    assert rlct_normal_crossing([2, 1, 2]) == rlct_normal_crossing((1, 2, 2))
    assert rlct_normal_crossing(np.array([1, 2, 2])) == RLCT(0.25, 2)


def test_normal_crossing_never_exceeds_regular_value():
    for powers in itertools.product(range(1, 4), repeat=3):
        assert rlct_normal_crossing(powers).lam <= rlct_regular(len(powers))


def test_normal_crossing_rejects_empty():
    with pytest.raises(ValueError, match="powers is empty"):
        rlct_normal_crossing(())


@pytest.mark.parametrize("bad", [(1, 0), (2, -1), np.array([0, 1])])
def test_normal_crossing_rejects_non_positive_powers(bad):
    with pytest.raises(ValueError, match=r"powers\[\d\] must be >= 1"):
        rlct_normal_crossing(bad)


@pytest.mark.parametrize(
    ("bad", "match"),
    [
        (2, "powers must be a 1-D sequence"),
        ("12", "powers must be a 1-D sequence"),
        ([[1, 2]], "powers must be a 1-D sequence"),
        ([1, [2, 3]], "powers must be a 1-D sequence"),
        ((1, True), r"powers\[1\] must be an integer"),
        ((1, 2.0), r"powers\[1\] must be an integer"),
        (np.array([True, False]), r"powers\[0\] must be an integer"),
    ],
)
def test_normal_crossing_rejects_bad_types(bad, match):
    with pytest.raises(TypeError, match=match):
        rlct_normal_crossing(bad)


# --------------------------------------------------------------------------------------------
# reduced-rank regression (Aoyagi & Watanabe 2005)
# --------------------------------------------------------------------------------------------

# Published checks listed in docs/theory.md.
PUBLISHED = [
    ((4, 3, 2, 1), 4.0),
    ((6, 6, 3, 3), 13.5),
    ((6, 6, 4, 3), 15.0),
    ((6, 6, 5, 3), 16.0),
    ((6, 6, 6, 3), 17.0),
    ((15, 10, 5, 5), 50.0),
    ((15, 10, 6, 5), 52.5),
    ((15, 10, 7, 5), 55.0),
    ((15, 10, 8, 5), 57.5),
    ((15, 10, 9, 5), 60.0),
    ((15, 10, 10, 5), 62.5),
]


@pytest.mark.parametrize(("args", "lam"), PUBLISHED)
def test_reduced_rank_published_checks(args, lam):
    assert rlct_reduced_rank(*args) == lam


# Drton & Plummer (2017), Table 1: N = 5 responses, M = 3 covariates, model rank H, true rank
# r. Multiplicity 1 except (H, r) = (3, 0). Values as reproduced in the sBIC package's
# learnCoef (Lucaweihs/sBIC, R/ReducedRankRegressions.R) and in a third-party check script; we
# could not read the paper's table itself.
DRTON_PLUMMER = {
    (1, 0): Fraction(3, 2),
    (1, 1): Fraction(7, 2),
    (2, 0): Fraction(3),
    (2, 1): Fraction(9, 2),
    (2, 2): Fraction(6),
    (3, 0): Fraction(9, 2),
    (3, 1): Fraction(11, 2),
    (3, 2): Fraction(13, 2),
    (3, 3): Fraction(15, 2),
}


@pytest.mark.parametrize(("Hr", "lam"), DRTON_PLUMMER.items())
def test_reduced_rank_drton_plummer_table(Hr, lam):
    H, r = Hr
    expected_m = 2 if Hr == (3, 0) else 1
    assert rlct_reduced_rank(3, 5, H, r, with_multiplicity=True) == RLCT(float(lam), expected_m)


def _branch(M, N, H, r):
    if N + r <= M + H and M + r <= N + H and H + r <= M + N:
        return "case1-odd" if (M + H + N + r) % 2 else "case1-even"
    if M + H < N + r:
        return "case2"
    if N + H < M + r:
        return "case3"
    return "case4"


@pytest.mark.parametrize(
    ("branch", "args", "lam", "m"),
    [
        # [2·3·7 − 1 − 9]/8
        ("case1-even", (4, 3, 2, 1), Fraction(32, 8), 1),
        # [2·7·12 − 0 − 49]/8 + 1/8
        ("case1-odd", (6, 6, 4, 3), Fraction(120, 8), 2),
        # r = 0 (truth y = noise): [2·2·6 − 0 − 4]/8
        ("case1-even", (3, 3, 2, 0), Fraction(20, 8), 1),
        # r = 0, H = 1: K ∝ |a|²|b|² with a, b ∈ R³: two poles at −3/2, so λ = 3/2, m = 2
        ("case1-odd", (3, 3, 1, 0), Fraction(12, 8), 2),
        # M + H < N + r: (HM − Hr + Nr)/2 = (4 − 2 + 6)/2
        ("case2", (2, 6, 2, 1), Fraction(8, 2), 1),
        # N + H < M + r: (HN − Hr + Mr)/2 = (50 − 25 + 75)/2
        ("case3", (15, 10, 5, 5), Fraction(100, 2), 1),
        # M + N < H + r: MN/2
        ("case4", (2, 3, 6, 1), Fraction(6, 2), 1),
    ],
)
def test_reduced_rank_each_branch_by_hand(branch, args, lam, m):
    assert _branch(*args) == branch
    assert rlct_reduced_rank(*args) == float(lam)
    assert rlct_reduced_rank(*args, with_multiplicity=True) == RLCT(float(lam), m)


def test_reduced_rank_odd_parity_adds_one_eighth():
    # M = N = 6, r = 3, H = 4 and 6 are odd-parity case-1 points: the +1/8 is what makes the
    # published 15 and 17 (the raw quadratic gives 14.875 and 16.875).
    for H, published in [(4, 15.0), (6, 17.0)]:
        raw = Fraction(2 * (H + 3) * 12 - (H + 3) ** 2, 8)
        assert float(raw + Fraction(1, 8)) == published
        assert rlct_reduced_rank(6, 6, H, 3, with_multiplicity=True) == RLCT(published, 2)


@pytest.mark.parametrize(
    ("M", "N", "H", "r"),
    [(5, 3, 1, 2), (5, 3, 2, 3), (6, 6, 2, 5), (4, 7, 3, 4), (10, 10, 1, 10)],
)
def test_reduced_rank_unrealizable_is_regular_in_own_rank(M, N, H, r):
    assert r > H
    expected = RLCT(H * (M + N - H) / 2, 1)
    assert rlct_reduced_rank(M, N, H, r, with_multiplicity=True) == expected
    # and it coincides with the realizable formula evaluated at r = H
    assert rlct_reduced_rank(M, N, H, r) == rlct_reduced_rank(M, N, H, H)


def test_reduced_rank_regular_limit_h_equals_r():
    # At H = r every branch reduces to H (M + N − H)/2 with m = 1 (regular in its own rank).
    for M, N in itertools.product(range(1, 9), repeat=2):
        for H in range(1, min(M, N) + 1):
            assert rlct_reduced_rank(M, N, H, H, with_multiplicity=True) == RLCT(
                H * (M + N - H) / 2, 1
            )


def test_reduced_rank_full_rank_truth_is_regular_linear_regression():
    # r = min(M, N) and H >= r: the model covers every N×M matrix and λ = MN/2, m = 1.
    for M, N in itertools.product(range(1, 8), repeat=2):
        r = min(M, N)
        for H in range(r, r + 4):
            assert rlct_reduced_rank(M, N, H, r, with_multiplicity=True) == RLCT(M * N / 2, 1)


def test_reduced_rank_is_symmetric_in_inputs_and_outputs():
    for M, N in itertools.product(range(1, 8), repeat=2):
        for H in range(1, 9):
            for r in range(0, min(M, N) + 1):
                assert rlct_reduced_rank(M, N, H, r, with_multiplicity=True) == rlct_reduced_rank(
                    N, M, H, r, with_multiplicity=True
                )


def test_reduced_rank_bounds():
    # 0 < λ <= d/2 = H (M + N)/2, and λ does not decrease as hidden units are added.
    for M, N in itertools.product(range(1, 7), repeat=2):
        for r in range(0, min(M, N) + 1):
            previous = 0.0
            for H in range(1, 9):
                lam = rlct_reduced_rank(M, N, H, r)
                assert 0 < lam <= H * (M + N) / 2
                assert lam >= previous
                previous = lam


def test_reduced_rank_multiplicity_two_only_in_odd_case_one():
    for M, N, H in itertools.product(range(1, 7), repeat=3):
        for r in range(0, min(M, N, H) + 1):
            m = rlct_reduced_rank(M, N, H, r, with_multiplicity=True).multiplicity
            assert m == (2 if _branch(M, N, H, r) == "case1-odd" else 1)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"M": 0}, ValueError, "M must be >= 1, got 0"),
        ({"N": -2}, ValueError, "N must be >= 1, got -2"),
        ({"H": 0}, ValueError, "H must be >= 1, got 0"),
        ({"r": -1}, ValueError, "r must be >= 0, got -1"),
        ({"r": 4}, ValueError, r"r must be <= min\(M, N\) = 3"),
        ({"M": 4.0}, TypeError, "M must be an integer"),
        ({"N": True}, TypeError, "N must be an integer"),
        ({"H": "2"}, TypeError, "H must be an integer"),
        ({"r": 1.5}, TypeError, "r must be an integer"),
        ({"with_multiplicity": 1}, TypeError, "with_multiplicity must be True or False"),
    ],
)
def test_reduced_rank_validation(kwargs, exc, match):
    args = {"M": 4, "N": 3, "H": 2, "r": 1} | kwargs
    with pytest.raises(exc, match=match):
        rlct_reduced_rank(**args)


def test_reduced_rank_accepts_numpy_integers():
    assert rlct_reduced_rank(np.int64(4), np.int32(3), np.uint8(2), np.int16(1)) == 4.0


# --------------------------------------------------------------------------------------------
# deep linear network (Aoyagi 2024)
# --------------------------------------------------------------------------------------------


def _deep_linear_brute_force(layer_widths, r):
    """Aoyagi (2024) Theorem 1 by exhaustive search over layer subsets (all that qualify)."""
    reduced = [h - r for h in layer_widths]
    found = set()
    for size in range(2, len(reduced) + 1):
        for idx in itertools.combinations(range(len(reduced)), size):
            sub = [reduced[i] for i in idx]
            comp = [reduced[i] for i in range(len(reduced)) if i not in idx]
            ell, total = size - 1, sum(sub)
            if comp and not max(sub) < min(comp):
                continue
            if total < ell * max(sub) or (comp and total >= ell * min(comp)):
                continue
            a = total - (-(-total // ell) - 1) * ell
            pairs = sum(x * y for x, y in itertools.combinations(sub, 2))
            lam = (
                Fraction(-(r**2) + r * (layer_widths[0] + layer_widths[-1]), 2)
                + Fraction(a * (ell - a), 4 * ell)
                - Fraction(ell * (ell - 1), 4) * Fraction(total, ell) ** 2
                + Fraction(pairs, 2)
            )
            found.add(RLCT(float(lam), a * (ell - a) + 1))
    return found


def test_deep_linear_one_hidden_layer_is_aoyagi_watanabe():
    # Aoyagi (2024) contains Aoyagi & Watanabe (2005): value and multiplicity, every branch.
    for M, N in itertools.product(range(1, 8), repeat=2):
        for H in range(1, 10):
            for r in range(0, min(M, N, H) + 1):
                assert rlct_deep_linear(M, N, (H,), r, with_multiplicity=True) == (
                    rlct_reduced_rank(M, N, H, r, with_multiplicity=True)
                )


@pytest.mark.parametrize(("args", "lam"), [(a, lam) for a, lam in PUBLISHED if a[2] >= a[3]])
def test_deep_linear_reproduces_published_reduced_rank_values(args, lam):
    M, N, H, r = args
    assert rlct_deep_linear(M, N, (H,), r) == lam


def test_deep_linear_without_hidden_layer_is_regular():
    for M, N in itertools.product(range(1, 6), repeat=2):
        for r in range(0, min(M, N) + 1):
            assert rlct_deep_linear(M, N, (), r, with_multiplicity=True) == RLCT(M * N / 2, 1)


@pytest.mark.parametrize(
    ("M", "N", "widths", "r", "lam", "m"),
    [
        # reduced (2, 3, 3, 2): S = all, ℓ = 3, Σ = 10, a = 1:
        # 5/2 + 2/12 − (6/4)(10/3)² + 37/2 = 9/2; d/2 = 20
        (3, 3, (4, 4), 1, Fraction(9, 2), 3),
        # reduced (2, 2, 2, 2): ℓ = 3, Σ = 8, a = 2: 2/12 − (6/4)(8/3)² + 24/2 = 3/2; d/2 = 6
        (2, 2, (2, 2), 0, Fraction(3, 2), 3),
        # the wide layer is not in S: reduced (2, 100, 2): S = {2, 2}, λ = 4/2 (= MN/2)
        (2, 2, (100,), 0, Fraction(2), 1),
    ],
)
def test_deep_linear_by_hand(M, N, widths, r, lam, m):
    assert rlct_deep_linear(M, N, widths, r, with_multiplicity=True) == RLCT(float(lam), m)


def test_deep_linear_subset_search_matches_exhaustive_search():
    # The admissible subset is unique and is a block of smallest reduced widths.
    for layer_widths in itertools.product(range(1, 5), repeat=4):
        M, *hidden, N = layer_widths
        for r in range(0, min(layer_widths) + 1):
            found = _deep_linear_brute_force(layer_widths, r)
            assert found == {rlct_deep_linear(M, N, hidden, r, with_multiplicity=True)}


def test_deep_linear_bounds():
    for layer_widths in itertools.product(range(1, 5), repeat=4):
        M, *hidden, N = layer_widths
        d = sum(a * b for a, b in itertools.pairwise(layer_widths))
        for r in range(0, min(layer_widths) + 1):
            assert 0 < rlct_deep_linear(M, N, hidden, r) <= d / 2


def test_deep_linear_scalar_chain_is_normal_crossing():
    # M = N = 1 and unit widths: y = w_L ⋯ w_1 x. At the zero truth that is the normal crossing
    # with L unit powers (λ = 1/2, m = L); at a non-zero truth the zero set is a smooth
    # hypersurface (λ = 1/2, m = 1).
    for hidden in range(0, 12):
        n_weights = hidden + 1
        widths = (1,) * hidden
        assert rlct_deep_linear(1, 1, widths, 0, with_multiplicity=True) == (
            rlct_normal_crossing((1,) * n_weights)
        )
        assert rlct_deep_linear(1, 1, widths, 1, with_multiplicity=True) == RLCT(0.5, 1)


def test_deep_linear_bounded_in_depth():
    # Aoyagi (2024): λ stays bounded as layers are added, although d/2 grows linearly.
    for r in (0, 1, 2):
        values = [rlct_deep_linear(3, 3, (3,) * k, r) for k in range(1, 40)]
        assert all(b <= a for a, b in itertools.pairwise(values))
        assert values[-1] > 0


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"M": 0}, ValueError, "M must be >= 1, got 0"),
        ({"N": 0}, ValueError, "N must be >= 1, got 0"),
        ({"widths": (2, 0)}, ValueError, r"widths\[1\] must be >= 1, got 0"),
        ({"widths": 3}, TypeError, "widths must be a 1-D sequence"),
        ({"widths": (2, True)}, TypeError, r"widths\[1\] must be an integer"),
        ({"widths": (2, 2.0)}, TypeError, r"widths\[1\] must be an integer"),
        ({"r": -1}, ValueError, "r must be >= 0, got -1"),
        ({"r": 3, "widths": (2, 5)}, ValueError, "r must be <= the narrowest layer"),
        ({"r": 1.0}, TypeError, "r must be an integer"),
        ({"M": False}, TypeError, "M must be an integer"),
        ({"with_multiplicity": "yes"}, TypeError, "with_multiplicity must be True or False"),
    ],
)
def test_deep_linear_validation(kwargs, exc, match):
    args = {"M": 4, "N": 3, "widths": (2, 2), "r": 1} | kwargs
    with pytest.raises(exc, match=match):
        rlct_deep_linear(**args)


# --------------------------------------------------------------------------------------------
# tanh network
# --------------------------------------------------------------------------------------------

# (H + i² + i)/(4i + 2), i = ⌊√H⌋, by hand.
TANH = {
    1: Fraction(3, 6),  # i = 1
    2: Fraction(4, 6),
    3: Fraction(5, 6),
    4: Fraction(10, 10),  # i = 2
    5: Fraction(11, 10),
    6: Fraction(12, 10),
    7: Fraction(13, 10),
    8: Fraction(14, 10),
    9: Fraction(21, 14),  # i = 3
}


@pytest.mark.parametrize(("H", "lam"), TANH.items())
def test_tanh_values_by_hand(H, lam):
    assert rlct_tanh_network(H) == float(lam)
    assert rlct_tanh_network(H) < rlct_regular(2 * H)


def test_tanh_one_unit_is_normal_crossing():
    # b·tanh(a x) = a b x + O(x³): same λ as y = a·b·x.
    assert rlct_tanh_network(1) == rlct_normal_crossing((1, 1)).lam


def test_tanh_perfect_squares_give_half_root():
    for i in range(1, 15):
        assert rlct_tanh_network(i * i) == i / 2


def test_tanh_is_increasing():
    values = [rlct_tanh_network(H) for H in range(1, 200)]
    assert all(b > a for a, b in itertools.pairwise(values))


@pytest.mark.parametrize(
    ("bad", "exc", "match"),
    [
        (0, ValueError, "H must be >= 1, got 0"),
        (-3, ValueError, "H must be >= 1, got -3"),
        (2.0, TypeError, "H must be an integer"),
        (True, TypeError, "H must be an integer"),
        (None, TypeError, "H must be an integer"),
    ],
)
def test_tanh_validation(bad, exc, match):
    with pytest.raises(exc, match=match):
        rlct_tanh_network(bad)
