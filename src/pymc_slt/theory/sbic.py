"""Learning-coefficient tables ``λ_ij, m_ij`` for the singular BIC (Drton & Plummer 2017).

The singular BIC of a finite poset of models needs, for every pair ``j ⪯ i`` (model ``j`` a
submodel of model ``i``), the learning coefficient ``λ_ij`` and multiplicity ``m_ij`` of model
``i`` at a data-generating distribution that lies in the submodel ``j`` (in general position
there). These functions return the tables of the model families of Drton & Plummer (2017) as a
:class:`LambdaTable`, in the layout :func:`pymc_slt.selection.sbic` takes: ``(K, K)`` arrays
indexed ``[i, j]``, meaningful for ``j <= i`` (the families here are chains), ``NaN`` (``λ``) and
``0`` (``m``) above the diagonal.

References
----------
Drton, M., & Plummer, M. (2017). A Bayesian information criterion for singular models.
Journal of the Royal Statistical Society B 79(2), 323–380. https://doi.org/10.1111/rssb.12187

Weihs, L., Plummer, M., & Drton, M. sBIC: Computing the singular BIC for multiple models,
R package version 0.2.0 (GitHub Lucaweihs/sBIC).
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from pymc_slt._validate import validate_positive_real
from pymc_slt.theory.rlct import _aoyagi_watanabe, _int, rlct_reduced_rank

__all__ = [
    "LambdaTable",
    "binomial_mixture_lambdas",
    "factor_analysis_lambdas",
    "gaussian_mixture_lambdas",
    "reduced_rank_lambdas",
]


class LambdaTable(NamedTuple):
    """Learning coefficients and multiplicities of a chain of models, indexed ``[i, j]``.

    Attributes
    ----------
    lam : numpy.ndarray
        ``(K, K)`` floats: ``lam[i, j] = λ_ij`` for ``j <= i``, ``NaN`` above the diagonal.
    multiplicity : numpy.ndarray
        ``(K, K)`` ints: ``m_ij >= 1`` for ``j <= i``, ``0`` above the diagonal.
    """

    lam: np.ndarray
    multiplicity: np.ndarray


def _empty(k: int) -> tuple[np.ndarray, np.ndarray]:
    return np.full((k, k), np.nan), np.zeros((k, k), dtype=int)


def reduced_rank_lambdas(
    M: int, N: int, max_rank: int, *, r_package_indexing: bool = False
) -> LambdaTable:
    """``λ_ij, m_ij`` of reduced-rank regression of rank ``i`` at a rank-``j`` truth.

    The models are ``y = C x + ε``, ``x ∈ R^M``, ``y ∈ R^N``, ``ε ~ N(0, I_N)`` (known noise),
    ``rank C <= i`` for ``i = 0, 1, …, max_rank``. Row ``i`` of the table is the model of rank
    ``i``, column ``j`` the rank of the truth: ``λ_ij`` is :func:`rlct_reduced_rank` with
    ``H = i`` hidden units and true rank ``r = j`` (Aoyagi & Watanabe 2005, exact), and the
    rank-0 model (``y = ε``, no parameter) has ``λ_00 = 0``, ``m_00 = 1``.

    Parameters
    ----------
    M : int
        Input dimension (number of covariates), >= 1.
    N : int
        Output dimension (number of responses), >= 1.
    max_rank : int
        Largest rank, ``0 <= max_rank <= min(M, N)``; the table is ``(max_rank + 1)`` square.
    r_package_indexing : bool, default False
        If True, reproduce the sBIC R package (version 0.2.0): its ``learnCoef(i, j)`` is
        called with 1-based *model indices* (model ``i`` has rank ``i − 1``) but reads them as
        ranks, so row ``i`` holds the coefficient of rank ``i + 1`` at truth ``j + 1``
        (evaluated by the same four-case formula, also past ``min(M, N)``). Only for comparing
        with that package; see Notes.

    Returns
    -------
    LambdaTable
        ``lam[i, j]`` and ``multiplicity[i, j]`` for ``0 <= j <= i <= max_rank``.

    Raises
    ------
    TypeError
        If an argument is not an integer (``r_package_indexing`` not a bool).
    ValueError
        If ``M`` or ``N`` is < 1, or ``max_rank`` is < 0 or > ``min(M, N)``.

    Notes
    -----
    The diagonal is ``λ_ii = i (M + N − i)/2`` with ``m_ii = 1``: half the dimension of the
    manifold of rank-``i`` matrices, so the BIC of the rank-``i`` model is the one with
    ``d_i = i (M + N − i)``.

    **The R package's off-by-one.** In sBIC 0.2.0 (``R/ReducedRankRegressions.R``) the model
    with index ``i`` (1-based) has rank ``i − 1`` in ``logLikeMle`` (``H = model − 1``) and in
    the vignette (``which.max(results$sBIC) − 1``), but ``learnCoef(superModel, subModel)``
    sets ``H = superModel`` and ``r = subModel`` without subtracting 1, and ``sBIC()`` calls
    it with model indices. ``getDimension`` (used for BIC) is ``2 learnCoef(i, i)``, so BIC is
    shifted too. Drton & Plummer (2017, Section 2.2) define ``λ_ij`` as the coefficient of the
    rank-``i`` model at a rank-``j`` truth (Aoyagi & Watanabe's ``H = i``, ``r = j``), which is
    what this function returns by default: the package penalises each rank as if it were one
    larger, e.g. for ``M = 15, N = 10`` the rank-5 model gets ``λ = 57`` (``d = 114``) instead
    of ``50`` (``d = 100``), and the full-rank model ``λ = 77`` instead of ``MN/2 = 75``.

    References
    ----------
    Aoyagi, M., & Watanabe, S. (2005). Stochastic complexities of reduced rank regression in
    Bayesian estimation. Neural Networks 18(7), 924–933.
    https://doi.org/10.1016/j.neunet.2005.03.014

    Drton, M., & Plummer, M. (2017). A Bayesian information criterion for singular models.
    Journal of the Royal Statistical Society B 79(2), 323–380.
    https://doi.org/10.1111/rssb.12187

    Examples
    --------
    >>> t = reduced_rank_lambdas(4, 3, 2)
    >>> t.lam[2, :].tolist(), t.lam[0, 0].item()  # rank 2 at truths of rank 0, 1, 2; rank 0
    ([3.0, 4.0, 5.0], 0.0)
    """
    M = _int(M, "M", 1, "M is the input dimension (number of covariates), e.g. M=15.")
    N = _int(N, "N", 1, "N is the output dimension (number of responses), e.g. N=10.")
    hint = f"pass the largest rank to compare, 0 <= max_rank <= min(M, N) = {min(M, N)}."
    max_rank = _int(max_rank, "max_rank", 0, hint)
    if max_rank > min(M, N):
        raise ValueError(f"max_rank must be <= min(M, N) = {min(M, N)}, got {max_rank}; {hint}")
    shifted = _bool_flag(r_package_indexing)
    lam, mult = _empty(max_rank + 1)
    for i in range(max_rank + 1):
        for j in range(i + 1):
            if shifted:
                value, m = _aoyagi_watanabe(M, N, i + 1, j + 1)
            elif i == 0:
                value, m = Fraction(0), 1
            else:
                value, m = rlct_reduced_rank(M, N, i, j, with_multiplicity=True)
            lam[i, j], mult[i, j] = float(value), m
    return LambdaTable(lam, mult)


def _bool_flag(value: Any) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(
            f"r_package_indexing must be True or False, got {type(value).__name__} {value!r}."
        )
    return bool(value)


def factor_analysis_lambdas(n_variables: int, max_factors: int) -> LambdaTable:
    """``λ_kl, m_kl`` of the ``k``-factor model at an ``l``-factor truth (Drton & Plummer 2017).

    The models are ``Y ~ N(μ, Ψ + Λ Λ^T)`` with ``Ψ`` diagonal and ``Λ`` of shape
    ``(n_variables, k)``, ``k = 0, 1, …, max_factors``; the mean is common to all models and
    not counted (a common shift of every ``λ`` changes no sBIC difference). With
    ``p = n_variables``:

    .. math::

        λ_{kl} = \\frac{(k + 2) p + l (p − k + 1)}{4}, \\qquad m_{kl} = 1, \\qquad 0 <= l <= k.

    Parameters
    ----------
    n_variables : int
        Number of observed variables ``p``, >= 1.
    max_factors : int
        Largest number of factors, >= 0.

    Returns
    -------
    LambdaTable
        ``(max_factors + 1)`` square tables, row ``k`` the ``k``-factor model.

    Raises
    ------
    TypeError
        If an argument is not an integer.
    ValueError
        If ``n_variables < 1`` or ``max_factors < 0``.

    Notes
    -----
    The diagonal ``λ_kk = d_k / 2`` with ``d_k = (k + 1) p − k (k − 1)/2`` is exact where the
    ``k``-factor model is identifiable (``(p − k)^2 >= p + k``, Ledermann's bound): there the
    model is regular in its own dimension. The off-diagonal values ``λ_kl``, ``l < k``, are
    the ones of Drton & Plummer (2017, Table 2) as the sBIC R package (0.2.0,
    ``R/FactorAnalyses.R``, tested in ``tests/testthat/test_FactorAnalyses.R``) implements
    them; they are not proved exact RLCTs and should be read as **upper bounds**, i.e. an sBIC
    that can over-penalise the larger models.

    References
    ----------
    Drton, M., & Plummer, M. (2017). A Bayesian information criterion for singular models.
    Journal of the Royal Statistical Society B 79(2), 323–380.
    https://doi.org/10.1111/rssb.12187

    Examples
    --------
    The table of the R package's test (six variables, up to three factors):

    >>> factor_analysis_lambdas(6, 3).lam[2].tolist()
    [6.0, 7.25, 8.5, nan]
    """
    p = _int(n_variables, "n_variables", 1, "pass the number of observed variables, e.g. 6.")
    kmax = _int(max_factors, "max_factors", 0, "pass the largest number of factors, e.g. 3.")
    lam, mult = _empty(kmax + 1)
    for k in range(kmax + 1):
        for ell in range(k + 1):
            lam[k, ell] = ((k + 2) * p + ell * (p - k + 1)) / 4
            mult[k, ell] = 1
    return LambdaTable(lam, mult)


def gaussian_mixture_lambdas(
    max_components: int, dim: int = 1, phi: float | None = None
) -> LambdaTable:
    """Bounds on ``λ_ij`` of an ``i``-component Gaussian mixture at a ``j``-component truth.

    The models are mixtures of ``i = 1, …, max_components`` Gaussians in ``R^dim`` with free
    means, free (unequal) covariance matrices and free weights; one component has
    ``r = dim + dim (dim + 1)/2`` parameters, the ``i``-component model
    ``d_i = i r + i − 1``. Row and column ``a`` of the table are ``a + 1`` components:

    .. math::

        λ_{ij} = \\tfrac12 \\min\\{\\, j r + j − 1 + φ (i − j),\\ r i + j − 1 \\,\\},
        \\qquad m_{ij} = 1, \\qquad 1 <= j <= i.

    Parameters
    ----------
    max_components : int
        Largest number of components, >= 1.
    dim : int, default 1
        Dimension of the observations.
    phi : float, optional
        The penalty ``φ > 0`` of each surplus component. Default ``(r + 1)/2``, the sBIC R
        package's default; Drton & Plummer's galaxies example uses ``φ = 1`` (their
        ``\\overline{sBIC}_1``).

    Returns
    -------
    LambdaTable
        ``max_components`` square tables.

    Raises
    ------
    TypeError
        If ``max_components`` or ``dim`` is not an integer, or ``phi`` not a real number.
    ValueError
        If ``max_components < 1``, ``dim < 1`` or ``phi`` is not finite and > 0.

    Notes
    -----
    ``λ_ii = d_i/2`` (the diagonal is BIC). For ``j < i`` these are **upper bounds** on the
    learning coefficients (Drton & Plummer 2017, eq. (6.11), as the R package's vignette
    "Gaussian Mixtures" calls them): the exact values for unequal variances are unknown. The
    formula is the one of ``learnCoef.MixtureModels`` in the sBIC R package (0.2.0,
    ``R/MixtureModels.R``).

    References
    ----------
    Drton, M., & Plummer, M. (2017). A Bayesian information criterion for singular models.
    Journal of the Royal Statistical Society B 79(2), 323–380.
    https://doi.org/10.1111/rssb.12187

    Examples
    --------
    >>> t = gaussian_mixture_lambdas(3, phi=1.0)  # 1-D: r = 2, d_i = 3 i − 1
    >>> t.lam[2].tolist()  # three components at a truth with 1, 2, 3 of them
    [2.0, 3.0, 4.0]
    """
    kmax = _int(max_components, "max_components", 1, "pass the largest number of components.")
    dim = _int(dim, "dim", 1, "dim is the dimension of one observation, e.g. dim=1.")
    r = dim + dim * (dim + 1) // 2
    return _mixture_table(kmax, r, (r + 1) / 2 if phi is None else _phi(phi))


def binomial_mixture_lambdas(max_components: int, phi: float = 1.0) -> LambdaTable:
    """Bounds on ``λ_ij`` of an ``i``-component binomial mixture at a ``j``-component truth.

    The models are mixtures of ``i = 1, …, max_components`` binomial distributions with a
    common number of trials, free success probabilities and free weights: ``r = 1``
    parameter per component, ``d_i = 2 i − 1``. Row and column ``a`` are ``a + 1`` components:

    .. math::

        λ_{ij} = \\tfrac12 \\min\\{\\, 2 j − 1 + φ (i − j),\\ i + j − 1 \\,\\},
        \\qquad m_{ij} = 1, \\qquad 1 <= j <= i.

    With ``φ = 1`` both terms are equal, ``λ_ij = (i + j − 1)/2``: the bound of Drton &
    Plummer (2017, eq. (6.7)), their ``\\overline{sBIC}_1``. ``φ = 1/2`` gives the tighter
    bound that Rousseau & Mengersen (2011) imply for a uniform Dirichlet prior on the weights
    (the paper's ``\\overline{sBIC}_{0.5}``).

    Parameters
    ----------
    max_components : int
        Largest number of components, >= 1.
    phi : float, default 1.0
        The penalty ``φ > 0`` of each surplus component (1.0 is the R package's default for
        binomial mixtures, ``(r + 1)/2`` with ``r = 1``).

    Returns
    -------
    LambdaTable
        ``max_components`` square tables.

    Raises
    ------
    TypeError
        If ``max_components`` is not an integer or ``phi`` not a real number.
    ValueError
        If ``max_components < 1`` or ``phi`` is not finite and > 0.

    Notes
    -----
    ``λ_ii = d_i/2`` (the diagonal is BIC). For ``j < i`` these are **upper bounds**: the
    learning coefficients of binomial mixtures are not fully known (Drton & Plummer 2017,
    Section 6.1). The formula is ``learnCoef.MixtureModels`` of the sBIC R package (0.2.0,
    ``R/MixtureModels.R``) with the dimension of one component, 1.

    References
    ----------
    Drton, M., & Plummer, M. (2017). A Bayesian information criterion for singular models.
    Journal of the Royal Statistical Society B 79(2), 323–380, Section 6.1.
    https://doi.org/10.1111/rssb.12187

    Rousseau, J., & Mengersen, K. (2011). Asymptotic behaviour of the posterior distribution in
    overfitted mixture models. Journal of the Royal Statistical Society B 73(5), 689–710.
    https://doi.org/10.1111/j.1467-9868.2011.00781.x

    Examples
    --------
    >>> binomial_mixture_lambdas(3).lam[2].tolist()  # (i + j − 1)/2 at i = 3
    [1.5, 2.0, 2.5]
    >>> binomial_mixture_lambdas(3, phi=0.5).lam[2].tolist()
    [1.0, 1.75, 2.5]
    """
    kmax = _int(max_components, "max_components", 1, "pass the largest number of components.")
    return _mixture_table(kmax, 1, _phi(phi))


def _phi(phi: Any) -> float:
    return validate_positive_real(
        phi,
        "phi",
        what="a real number > 0",
        hint="phi=1.0 is Drton & Plummer's galaxies choice and the binomial default, None "
        "(Gaussian mixtures) the R package's default (r + 1)/2",
    )


def _mixture_table(kmax: int, r: int, phi: float) -> LambdaTable:
    """``λ_ij = ½ min{j r + j − 1 + φ (i − j), r i + j − 1}``, ``m_ij = 1``, for ``j <= i``."""
    lam, mult = _empty(kmax)
    for a in range(kmax):
        i = a + 1
        for b in range(a + 1):
            j = b + 1
            lam[a, b] = 0.5 * min(j * r + j - 1 + phi * (i - j), r * i + j - 1)
            mult[a, b] = 1
    return LambdaTable(lam, mult)
