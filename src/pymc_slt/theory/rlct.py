"""The proved learning coefficients: regular models, normal crossing, reduced-rank regression,
deep linear and tanh networks (re-exported by :mod:`pymc_slt.theory`, documented there)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, Literal, NamedTuple, overload

import numpy as np

__all__ = [
    "RLCT",
    "rlct_deep_linear",
    "rlct_normal_crossing",
    "rlct_reduced_rank",
    "rlct_regular",
    "rlct_tanh_network",
    "singular_fluctuation_regular",
]


class RLCT(NamedTuple):
    """A learning coefficient and its multiplicity.

    Attributes
    ----------
    lam : float
        The learning coefficient ``λ`` (real log canonical threshold).
    multiplicity : int
        Its multiplicity ``m >= 1`` (the order of the pole ``−λ`` of the zeta function); it
        adds ``−(m − 1) log log n`` to the free energy.
    """

    lam: float
    multiplicity: int


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------


def _int(value: Any, name: str, minimum: int, hint: str) -> int:
    """Return ``value`` as an int >= ``minimum`` (bools and floats are refused)."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer >= {minimum}, got {type(value).__name__} {value!r}; {hint}"
        )
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}; {hint}")
    return int(value)


def _bool(value: Any, name: str) -> bool:
    """Return ``value`` if it is a bool (numpy bools included), else raise ``TypeError``."""
    if not isinstance(value, bool | np.bool_):
        raise TypeError(
            f"{name} must be True or False, got {type(value).__name__} {value!r}; "
            f"{name}=True returns RLCT(lam, multiplicity), {name}=False the float lam."
        )
    return bool(value)


def _int_sequence(values: Any, name: str, minimum: int, hint: str) -> tuple[int, ...]:
    """Return ``values`` as a tuple of ints >= ``minimum`` (a 1-D sequence, possibly empty)."""
    try:
        ndim = np.ndim(values)
    except ValueError:  # ragged nesting such as [1, [2, 3]]
        ndim = -1
    if isinstance(values, str | bytes) or ndim != 1:
        raise TypeError(
            f"{name} must be a 1-D sequence of integers, got {type(values).__name__} "
            f"{values!r}; {hint}"
        )
    return tuple(_int(v, f"{name}[{j}]", minimum, hint) for j, v in enumerate(values))


# --------------------------------------------------------------------------------------------
# regular models
# --------------------------------------------------------------------------------------------


def rlct_regular(d: int) -> float:
    """Learning coefficient of a regular model with ``d`` parameters: ``λ = d/2``.

    A model is regular at the truth ``w_0`` when ``w ↦ p(y|x, w)`` is one-to-one near ``w_0``
    and the Fisher information ``I(w_0)`` is positive definite (polynomial, linear or logistic
    regression with a full-rank design). Then ``λ = d/2`` with multiplicity ``m = 1``, and the
    free-energy expansion is Schwarz's BIC.

    Parameters
    ----------
    d : int
        Number of free parameters, >= 0.

    Returns
    -------
    float
        ``d / 2``.

    Raises
    ------
    TypeError
        If ``d`` is not an integer (a bool or a float such as ``3.0`` is refused).
    ValueError
        If ``d < 0``.

    Notes
    -----
    .. math::

        λ = \\frac{d}{2}, \\qquad m = 1, \\qquad
        F_n = n L_n(w_0) + \\frac{d}{2} \\log n + O_p(1).

    References
    ----------
    Schwarz, G. (1978). Estimating the dimension of a model. The Annals of Statistics 6(2),
    461–464. https://doi.org/10.1214/aos/1176344136

    Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge
    University Press. https://doi.org/10.1017/CBO9780511800474

    Examples
    --------
    A cubic polynomial regression (four coefficients, known noise):

    >>> rlct_regular(4)
    2.0
    """
    d = _int(d, "d", 0, "pass the number of free parameters of the model, e.g. d=4.")
    return d / 2


def singular_fluctuation_regular(d: int) -> float:
    """Singular fluctuation of a regular model with ``d`` parameters: ``ν = d/2``.

    For a regular model whose true distribution is in the model, the singular fluctuation
    (``ν = E[V_n]/2`` at ``β = 1``, ``V_n`` the functional variance of WAIC) equals ``d/2``, so
    WAIC reduces to AIC. In singular models ``ν`` differs from both ``d/2`` and ``λ``.

    Parameters
    ----------
    d : int
        Number of free parameters, >= 0.

    Returns
    -------
    float
        ``d / 2``.

    Raises
    ------
    TypeError
        If ``d`` is not an integer.
    ValueError
        If ``d < 0``.

    Notes
    -----
    .. math::

        ν = \\frac{1}{2} \\lim_{n\\to\\infty} E[V_n] = \\frac{d}{2}.

    If the truth is not in the (regular) model, ``ν = tr(I J^{-1})/2`` instead, with ``I`` the
    score covariance and ``J`` the Hessian of the expected log loss at the optimum.

    References
    ----------
    Watanabe, S. (2010). Asymptotic equivalence of Bayes cross validation and widely
    applicable information criterion in singular learning theory. Journal of Machine Learning
    Research 11, 3571–3594. https://jmlr.org/papers/v11/watanabe10a.html

    Examples
    --------
    >>> singular_fluctuation_regular(3)
    1.5
    """
    d = _int(d, "d", 0, "pass the number of free parameters of the model, e.g. d=4.")
    return d / 2


# --------------------------------------------------------------------------------------------
# normal crossing
# --------------------------------------------------------------------------------------------


def rlct_normal_crossing(powers: Sequence[int]) -> RLCT:
    """Learning coefficient of the normal-crossing model ``y = x·∏_j w_j^{k_j} + ε``.

    The model ``y = x ∏_j w_j^{k_j} + ε``, ``ε ~ N(0, 1)``, with the truth ``w = 0`` (so
    ``y = ε``) and a prior positive at the origin, has

    .. math::

        K(w) = \\tfrac{1}{2} E[x^2] \\prod_j w_j^{2 k_j},

    already a monomial (normal crossing): no blow-up is needed.

    Parameters
    ----------
    powers : sequence of int
        The exponents ``(k_1, …, k_J)``, each >= 1, at least one. ``(1, 1)`` is ``a·b·x``,
        ``(1, 2)`` is ``a·b²·x``.

    Returns
    -------
    RLCT
        ``lam = min_j 1/(2 k_j)`` and ``multiplicity`` = the number of ``j`` attaining the
        minimum, i.e. how many factors carry the largest power.

    Raises
    ------
    TypeError
        If ``powers`` is not a 1-D sequence of integers.
    ValueError
        If ``powers`` is empty or holds an exponent < 1.

    Notes
    -----
    The zeta function ``ζ(z) = ∫ K(w)^z φ(w) dw`` factorises near 0 into
    ``∏_j ∫ |w_j|^{2 k_j z} dw_j``, whose poles are at ``z = −1/(2 k_j)``. The largest pole
    gives

    .. math::

        λ = \\min_j \\frac{1}{2 k_j}, \\qquad
        m = \\#\\{j : k_j = \\max_i k_i\\}.

    The origin is the deepest point of ``{K = 0}``: elsewhere on it some ``w_j ≠ 0``, the local
    coefficient is the minimum over fewer factors, so it is at least as large and, when equal,
    has no larger multiplicity. The values are therefore also the global ones.

    With ``m > 1`` the free energy
    ``F_n = n L_n(w_0) + λ \\log n − (m − 1) \\log\\log n + O_p(1)`` is smaller than ``λ log n``
    alone suggests: ``a·b·x`` has ``λ = 1/2`` and ``m = 2``, so ``F_n − n L_n(w_0) ≈
    ½ log n − log log n``. A regular fit of the same function (``y = c·x``, ``d = 1``) has
    ``λ = 1/2`` and ``m = 1``.

    References
    ----------
    Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge
    University Press. https://doi.org/10.1017/CBO9780511800474

    Examples
    --------
    >>> rlct_normal_crossing((1, 1))
    RLCT(lam=0.5, multiplicity=2)
    >>> rlct_normal_crossing((1, 2))
    RLCT(lam=0.25, multiplicity=1)
    """
    hint = "pass the exponent of each parameter, e.g. powers=(1, 2) for y = a·b²·x."
    ks = _int_sequence(powers, "powers", 1, hint)
    if not ks:
        raise ValueError(f"powers is empty; {hint}")
    k_max = max(ks)
    return RLCT(lam=1 / (2 * k_max), multiplicity=ks.count(k_max))


# --------------------------------------------------------------------------------------------
# reduced-rank regression (linear network with one hidden layer)
# --------------------------------------------------------------------------------------------


def _aoyagi_watanabe(M: int, N: int, H: int, r: int) -> tuple[Fraction, int]:
    """Aoyagi & Watanabe (2005) main theorem, for ``0 <= r <= min(M, N)`` and ``r <= H``."""
    if N + r <= M + H and M + r <= N + H and H + r <= M + N:
        numerator = 2 * (H + r) * (M + N) - (M - N) ** 2 - (H + r) ** 2
        if (M + H + N + r) % 2 == 1:
            return Fraction(numerator + 1, 8), 2
        return Fraction(numerator, 8), 1
    # The three remaining cases are mutually exclusive when r <= H and r <= min(M, N).
    if M + H < N + r:
        return Fraction(H * M - H * r + N * r, 2), 1
    if N + H < M + r:
        return Fraction(H * N - H * r + M * r, 2), 1
    return Fraction(M * N, 2), 1  # M + N < H + r


def _check_reduced_rank(M: Any, N: Any, H: Any, r: Any) -> tuple[int, int, int, int]:
    M = _int(M, "M", 1, "M is the input dimension (columns of A), e.g. M=4.")
    N = _int(N, "N", 1, "N is the output dimension (rows of B), e.g. N=3.")
    H = _int(H, "H", 1, "H is the number of hidden units (the model's rank), e.g. H=2.")
    r = _int(r, "r", 0, "r is the rank of the true N×M coefficient matrix; r=0 is y = noise.")
    if r > min(M, N):
        raise ValueError(
            f"r must be <= min(M, N) = {min(M, N)} (an N×M matrix has at most that rank), got "
            f"r={r} with M={M}, N={N}; pass the rank of the true coefficient matrix."
        )
    return M, N, H, r


@overload
def rlct_reduced_rank(
    M: int, N: int, H: int, r: int, *, with_multiplicity: Literal[False] = ...
) -> float: ...
@overload
def rlct_reduced_rank(
    M: int, N: int, H: int, r: int, *, with_multiplicity: Literal[True]
) -> RLCT: ...
def rlct_reduced_rank(
    M: int, N: int, H: int, r: int, *, with_multiplicity: bool = False
) -> float | RLCT:
    """Learning coefficient of reduced-rank regression (Aoyagi & Watanabe 2005).

    The model is ``y = B A x + ε`` with ``x ∈ R^M``, ``A`` of shape ``(H, M)``, ``B`` of shape
    ``(N, H)`` and ``ε ~ N(0, I_N)``: a linear network with one hidden layer of ``H`` units and
    ``d = H (M + N)`` parameters. The truth is ``y = C x + ε`` with ``rank C = r``.

    Parameters
    ----------
    M : int
        Input dimension, >= 1.
    N : int
        Output dimension, >= 1.
    H : int
        Number of hidden units (the largest rank the model can express), >= 1.
    r : int
        Rank of the true coefficient matrix ``C``, ``0 <= r <= min(M, N)``. ``r > H`` is
        allowed (the truth is then not in the model; see Notes).
    with_multiplicity : bool, default False
        If True, return an :class:`RLCT` ``(lam, multiplicity)`` instead of the float ``λ``.

    Returns
    -------
    float or RLCT
        ``λ``; with ``with_multiplicity=True`` the pair ``(λ, m)``, where ``m = 2`` in the
        first case below when ``M + H + N + r`` is odd and ``m = 1`` otherwise.

    Raises
    ------
    TypeError
        If any of ``M, N, H, r`` is not an integer (bools and floats are refused), or
        ``with_multiplicity`` is not a bool.
    ValueError
        If ``M, N`` or ``H`` is < 1, ``r < 0`` or ``r > min(M, N)``.

    Notes
    -----
    For ``r <= H`` (Aoyagi & Watanabe 2005, main theorem):

    1. if ``N + r <= M + H``, ``M + r <= N + H`` and ``H + r <= M + N``:

       .. math::

           λ = \\frac{2(H + r)(M + N) - (M - N)^2 - (H + r)^2}{8}
               + \\begin{cases} 1/8, & M + H + N + r \\text{ odd } (m = 2)\\\\
                                0, & \\text{even } (m = 1); \\end{cases}

    2. else if ``M + H < N + r``: ``λ = (HM − Hr + Nr)/2``, ``m = 1``;
    3. else if ``N + H < M + r``: ``λ = (HN − Hr + Mr)/2``, ``m = 1``;
    4. else (``M + N < H + r``): ``λ = MN/2``, ``m = 1``.

    At ``H = r`` every case reduces to ``λ = H (M + N − H)/2``, half the dimension of the
    manifold of rank-``H`` matrices (the generic Fisher rank of the model): the model is
    regular in its own rank. For ``H < r`` the truth is out of reach; the posterior concentrates
    on the best rank-``H`` approximation of ``C``, where (if the ``H``-th and ``(H+1)``-th
    singular values of ``C``, in the metric of the input covariance, differ) the model is again
    regular in its own rank, so ``λ = H (M + N − H)/2`` and ``m = 1``, and the free energy
    carries the extra ``n K(w_0) > 0``. This is the convention of Drton & Plummer (2017)
    and of their sBIC package.

    References
    ----------
    Aoyagi, M., & Watanabe, S. (2005). Stochastic complexities of reduced rank regression in
    Bayesian estimation. Neural Networks 18(7), 924–933.
    https://doi.org/10.1016/j.neunet.2005.03.014

    Drton, M., & Plummer, M. (2017). A Bayesian information criterion for singular models.
    Journal of the Royal Statistical Society B 79(2), 323–380. arXiv:1309.0911

    Examples
    --------
    >>> rlct_reduced_rank(4, 3, 2, 1)  # against d/2 = 7
    4.0
    >>> rlct_reduced_rank(6, 6, 4, 3, with_multiplicity=True)  # odd M + H + N + r
    RLCT(lam=15.0, multiplicity=2)
    """
    M, N, H, r = _check_reduced_rank(M, N, H, r)
    with_multiplicity = _bool(with_multiplicity, "with_multiplicity")
    lam, m = _aoyagi_watanabe(M, N, H, min(H, r))
    return RLCT(float(lam), m) if with_multiplicity else float(lam)


# --------------------------------------------------------------------------------------------
# deep linear network
# --------------------------------------------------------------------------------------------


def _aoyagi_deep_linear(layer_widths: tuple[int, ...], r: int) -> tuple[Fraction, int]:
    """Aoyagi (2024) for layer widths ``(H_1, …, H_{L+1})`` (input first), ``r``."""
    reduced = sorted(h - r for h in layer_widths)  # M_s = H_s − r >= 0
    total = len(reduced)
    for size in range(2, total + 1):  # the subset S is a block of smallest M_s, ties kept whole
        if size < total and reduced[size - 1] == reduced[size]:
            continue
        subset, ell = reduced[:size], size - 1
        s_sum = sum(subset)
        if s_sum < ell * subset[-1]:
            continue
        if size < total and s_sum >= ell * reduced[size]:
            continue
        ceil_mean = -(-s_sum // ell)
        a = s_sum - (ceil_mean - 1) * ell  # 1 <= a <= ell
        pair_sum = (s_sum**2 - sum(v * v for v in subset)) // 2
        lam = (
            Fraction(r * (layer_widths[0] + layer_widths[-1]) - r * r, 2)
            + Fraction(a * (ell - a), 4 * ell)
            - Fraction(ell * (ell - 1), 4) * Fraction(s_sum, ell) ** 2
            + Fraction(pair_sum, 2)
        )
        return lam, a * (ell - a) + 1
    raise AssertionError(  # pragma: no cover - Aoyagi (2024) proves such a subset exists
        f"no admissible layer subset for widths {layer_widths} and r={r}"
    )


@overload
def rlct_deep_linear(
    M: int, N: int, widths: Sequence[int], r: int, *, with_multiplicity: Literal[False] = ...
) -> float: ...
@overload
def rlct_deep_linear(
    M: int, N: int, widths: Sequence[int], r: int, *, with_multiplicity: Literal[True]
) -> RLCT: ...
def rlct_deep_linear(
    M: int, N: int, widths: Sequence[int], r: int, *, with_multiplicity: bool = False
) -> float | RLCT:
    """Learning coefficient of a deep linear network (Aoyagi 2024).

    The model is ``y = W_L ⋯ W_2 W_1 x + ε`` with ``x ∈ R^M``, ``y ∈ R^N``, hidden widths
    ``widths = (H_1, …, H_{L−1})`` (the convention of
    :func:`pymc_slt.models.deep_linear_network`), ``ε ~ N(0, I_N)`` and no biases. The truth is
    ``y = C x + ε`` with ``rank C = r``. With one hidden layer it is :func:`rlct_reduced_rank`.

    Parameters
    ----------
    M : int
        Input dimension, >= 1.
    N : int
        Output dimension, >= 1.
    widths : sequence of int
        Hidden-layer widths, each >= 1; ``()`` is plain linear regression (``λ = MN/2``).
    r : int
        Rank of the true coefficient matrix, ``0 <= r <= min(M, N, *widths)`` (the truth must
        be expressible by the network).
    with_multiplicity : bool, default False
        If True, return an :class:`RLCT` ``(lam, multiplicity)`` instead of the float ``λ``.

    Returns
    -------
    float or RLCT
        ``λ``; with ``with_multiplicity=True`` the pair ``(λ, m)``, ``m = a(ℓ − a) + 1``.

    Raises
    ------
    TypeError
        If ``M``, ``N`` or ``r`` is not an integer, ``widths`` is not a sequence of integers or
        ``with_multiplicity`` is not a bool.
    ValueError
        If ``M``, ``N`` or a width is < 1, ``r < 0``, or ``r`` exceeds the narrowest layer.

    Notes
    -----
    Write the layer widths as ``H^{(1)} = M, H^{(2)}, …, H^{(L)}, H^{(L+1)} = N`` and
    ``M^{(s)} = H^{(s)} − r``. Aoyagi (2024) shows that there is a unique set ``S``
    of ``ℓ + 1`` layers with

    .. math::

        \\max_{s \\in S} M^{(s)} < \\min_{k \\notin S} M^{(k)}, \\quad
        \\sum_{s \\in S} M^{(s)} \\ge ℓ \\max_{s \\in S} M^{(s)}, \\quad
        \\sum_{s \\in S} M^{(s)} < ℓ \\min_{k \\notin S} M^{(k)}

    (the conditions on the complement are void if ``S`` holds every layer), and with
    ``Σ = Σ_{s∈S} M^{(s)}``, ``a = Σ − (⌈Σ/ℓ⌉ − 1) ℓ`` (so ``1 <= a <= ℓ``):

    .. math::

        λ = \\frac{-r^2 + r (M + N)}{2} + \\frac{a (ℓ - a)}{4 ℓ}
            - \\frac{ℓ (ℓ - 1)}{4} \\Big(\\frac{Σ}{ℓ}\\Big)^2
            + \\frac{1}{2} \\sum_{\\{s < t\\} \\subset S} M^{(s)} M^{(t)},
        \\qquad m = a (ℓ - a) + 1.

    Layers outside ``S`` (the widest ones) do not enter ``λ``, and ``λ`` stays bounded as
    layers are added (Aoyagi 2024) while ``d/2`` grows linearly. For one hidden layer the
    formula reproduces Aoyagi & Watanabe (2005), value and multiplicity, in every case; with no
    hidden layer it gives the regular ``MN/2``; for scalar layers and ``r = 0`` it gives the
    normal crossing ``w_1 ⋯ w_L`` (all checked in the tests). The transcription follows the
    companion code of Furman & Lau (2024), who use it as ground truth for their LLC estimates
    on deep linear networks.

    References
    ----------
    Aoyagi, M. (2024). Consideration on the learning efficiency of multiple-layered neural
    networks with linear units. Neural Networks 172, 106132.
    https://doi.org/10.1016/j.neunet.2024.106132

    Furman, Z., & Lau, E. (2024). Estimating the local learning coefficient at scale.
    arXiv:2402.03698

    Examples
    --------
    >>> rlct_deep_linear(4, 3, (2,), 1)  # = rlct_reduced_rank(4, 3, 2, 1)
    4.0
    >>> rlct_deep_linear(3, 3, (4, 4), 1, with_multiplicity=True)  # against d/2 = 20
    RLCT(lam=4.5, multiplicity=3)
    """
    M = _int(M, "M", 1, "M is the input dimension, e.g. M=4.")
    N = _int(N, "N", 1, "N is the output dimension, e.g. N=3.")
    hidden = _int_sequence(
        widths, "widths", 1, "pass the hidden-layer widths, e.g. widths=(4, 4) for two layers."
    )
    r = _int(r, "r", 0, "r is the rank of the true N×M coefficient matrix; r=0 is y = noise.")
    with_multiplicity = _bool(with_multiplicity, "with_multiplicity")
    layer_widths = (M, *hidden, N)
    if r > min(layer_widths):
        raise ValueError(
            f"r must be <= the narrowest layer, min(M, N, *widths) = {min(layer_widths)}, got "
            f"r={r} for layer widths {layer_widths}; a rank-{r} truth is not in this network "
            "(Aoyagi's formula covers realizable truths only)."
        )
    lam, m = _aoyagi_deep_linear(layer_widths, r)
    return RLCT(float(lam), m) if with_multiplicity else float(lam)


# --------------------------------------------------------------------------------------------
# tanh network
# --------------------------------------------------------------------------------------------


def rlct_tanh_network(H: int) -> float:
    """Learning coefficient of a one-input tanh network fitted to the zero function.

    The model is ``y = Σ_{h=1}^H b_h tanh(a_h x) + ε``: one scalar input ``x``, one scalar
    output, ``H`` hidden units, no biases, ``ε ~ N(0, σ²)`` with ``σ`` known, ``d = 2H``
    parameters. The truth is ``y = ε`` (the zero function, all units switched off) and the prior
    is positive at the origin. This is :func:`pymc_slt.models.tanh_network` with ``M = 1`` and
    ``bias=False`` on data from ``simulate_tanh_network``.

    Parameters
    ----------
    H : int
        Number of hidden units, >= 1.

    Returns
    -------
    float
        ``λ = (H + i² + i)/(4i + 2)`` with ``i = ⌊√H⌋``.

    Raises
    ------
    TypeError
        If ``H`` is not an integer.
    ValueError
        If ``H < 1``.

    Notes
    -----
    Because ``tanh`` is odd with non-zero odd Taylor coefficients, near the origin ``K(w)`` is
    equivalent (same RLCT and multiplicity) to the Vandermonde-type sum of squares
    ``Σ_{j>=1} (Σ_h b_h a_h^{2j−1})²``, whose RLCT is

    .. math::

        λ = \\frac{H + i^2 + i}{4 i + 2}, \\qquad i = \\max\\{i \\in \\mathbb{N} : i^2 \\le H\\},

    giving ``1/2, 2/3, 5/6, 1, 11/10, 6/5, 13/10, 7/5, 3/2`` for ``H = 1, …, 9`` against
    ``d/2 = H``. ``λ`` grows like ``√H/2``. The multiplicity is not returned: for ``H = 1`` the
    model is the normal crossing ``a·b`` near the origin (``m = 2``); for other ``H`` we have
    not checked it against the source. The formula assumes one input; it does not hold for
    ``M > 1`` inputs or with biases.

    References
    ----------
    Aoyagi, M., & Watanabe, S. (2005). Resolution of singularities and the generalization error
    with Bayesian estimation for layered neural network. IEICE Transactions D-II (Japanese
    edition) J88-D-II(10), 2112–2124.

    Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge
    University Press. https://doi.org/10.1017/CBO9780511800474

    Examples
    --------
    >>> rlct_tanh_network(1)
    0.5
    >>> rlct_tanh_network(4)  # i = 2: (4 + 4 + 2)/10, against d/2 = 4
    1.0
    """
    H = _int(H, "H", 1, "H is the number of hidden units, e.g. H=3.")
    i = math.isqrt(H)
    return float(Fraction(H + i * i + i, 4 * i + 2))
