"""Numerical rank of a positive semi-definite matrix from its eigenvalues (NumPy and SciPy).

The matrices are formed explicitly as averages of K rank-one terms, so exact zeros of the
spectrum surface as rounding noise of order :math:`\\max(d, K)\\, ε\\, μ_1` (Golub & Van Loan
2013, §5.3, §8.1). :func:`default_rtol` is that noise level relative to the largest eigenvalue
:math:`μ_1`; :func:`numerical_rank` counts the eigenvalues above ``rtol · μ_1``.
:func:`leading_eigenvalues` finds the eigenvalues above that threshold of a matrix known only
through its products :math:`A V` (randomized Nyström, Tropp et al. 2017).

References
----------
Golub, G. H. & Van Loan, C. F. (2013). *Matrix Computations*, 4th ed. Johns Hopkins.

Tropp, J. A., Yurtsever, A., Udell, M. & Cevher, V. (2017). Fixed-rank approximation of a
positive-semidefinite matrix from streaming data. *NeurIPS 30*, 1225–1234.
https://arxiv.org/abs/1706.05736
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
from scipy.linalg import LinAlgError, cholesky, solve_triangular, svdvals

__all__ = ["default_rtol", "descending_eigenvalues", "leading_eigenvalues", "numerical_rank"]

#: Probes of :func:`leading_eigenvalues` beyond the counted rank before its block stops growing.
OVERSAMPLE = 10
#: The first block of probes of :func:`leading_eigenvalues`, and the factor it grows by.
FIRST_BLOCK = 32
GROWTH = 1.5


def descending_eigenvalues(matrices: np.ndarray) -> np.ndarray:
    """Eigenvalues of symmetric ``matrices`` (shape ``(..., d, d)``), largest first."""
    return np.linalg.eigvalsh(matrices)[..., ::-1]


def default_rtol(d: int, n_terms: int, dtype: np.dtype | type = np.float64) -> float:
    """Default relative tolerance :math:`\\max(d, K)\\, ε` (K rank-one terms, ε of ``dtype``)."""
    return max(d, n_terms) * float(np.finfo(dtype).eps)


def numerical_rank(eigenvalues: np.ndarray, rtol: float) -> tuple[np.ndarray, np.ndarray]:
    """Rank and threshold of each spectrum in ``eigenvalues`` (shape ``(..., d)``, descending).

    An eigenvalue counts if it is strictly above :math:`\\mathrm{tol} = \\mathrm{rtol} ·
    \\max(μ_1, 0)`; a zero matrix has rank 0.

    Returns
    -------
    ranks, tol : numpy.ndarray
        Integer ranks and thresholds, shape ``(...)``.

    Examples
    --------
    >>> import numpy as np
    >>> from pymc_slt.base.rank import numerical_rank
    >>> ranks, tol = numerical_rank(np.array([2.0, 1e-3, 1e-18]), 1e-12)
    >>> int(ranks)
    2
    """
    tol = rtol * np.maximum(eigenvalues[..., 0], 0.0)
    return (eigenvalues > tol[..., None]).sum(axis=-1), tol


def leading_eigenvalues(
    product: Callable[[np.ndarray], np.ndarray],
    d: int,
    rtol: float,
    *,
    first_block: int = FIRST_BLOCK,
    seed: int = 0,
) -> tuple[np.ndarray, int]:
    """Leading eigenvalues of a positive semi-definite d × d matrix A known through products.

    Parameters
    ----------
    product : callable
        ``product(V)`` returns :math:`AV` for ``V`` of shape ``(d, b)``.
    d : int
        The order of A.
    rtol : float
        The block stops growing once :data:`OVERSAMPLE` of its eigenvalues are at or below
        :math:`\\mathrm{rtol} · λ_1` (the threshold of :func:`numerical_rank`).
    first_block : int, default FIRST_BLOCK
        Probes of the first round.
    seed : int, default 0
        Seed of the Gaussian probes: the answer is reproducible.

    Returns
    -------
    eigenvalues : numpy.ndarray
        Shape ``(b,)``, descending, ≥ 0: every eigenvalue above the threshold and at least
        :data:`OVERSAMPLE` below it (``b = d``, the whole spectrum, once the block reaches d).
    products : int
        The columns multiplied by A, b.

    Notes
    -----
    Randomized Nyström approximation (Tropp et al. 2017, Alg. 3): with Ω (d × b) orthonormal
    Gaussian probes and :math:`Y = AΩ`, :math:`A_Ω = Y (Ω^\\top Y)^{+} Y^\\top`, computed
    with a shift :math:`ν = \\sqrt d\\, ε \\lVert Y \\rVert_F` for stability (raised tenfold
    until :math:`Ω^\\top (Y + νΩ)` has a Cholesky factor) and removed from the eigenvalues.
    :math:`0 ⪯ A_Ω ⪯ A`, so each eigenvalue is a lower bound of A's; when
    :math:`\\mathrm{rank}\\, A < b` (a singular model's flat directions are exact zeros) it
    is A's own, up to rounding. The block grows by :data:`GROWTH` (new probes orthogonal to the
    old, old products kept, so the products total the final b) until at least
    :data:`OVERSAMPLE` eigenvalues fall at or below the threshold; when it would reach d, Ω is
    completed to an orthonormal basis, :math:`A = Y Ω^\\top` is formed and diagonalized.

    Examples
    --------
    >>> import numpy as np
    >>> from pymc_slt.base.rank import leading_eigenvalues, numerical_rank
    >>> g = np.random.default_rng(0).normal(size=(200, 3))
    >>> eigenvalues, products = leading_eigenvalues(lambda v: g @ (g.T @ v), 200, 1e-12)
    >>> int(numerical_rank(eigenvalues, 1e-12)[0]), products
    (3, 32)
    """
    rng = np.random.default_rng(seed)
    omega, y = np.empty((d, 0)), np.empty((d, 0))
    b = min(first_block, d)
    while True:
        if b >= d and omega.shape[1] == 0:
            probes = np.eye(d)
        else:
            probes = rng.standard_normal((d, b - omega.shape[1]))
            for _ in range(2):  # twice is enough (Gram-Schmidt, Giraud et al. 2005)
                probes -= omega @ (omega.T @ probes)
            probes = np.linalg.qr(probes)[0]
        omega, y = np.hstack([omega, probes]), np.hstack([y, product(probes)])
        if b >= d:
            full = y @ omega.T
            return descending_eigenvalues((full + full.T) / 2), d
        eigenvalues = _nystrom(omega, y)
        if numerical_rank(eigenvalues, rtol)[0] + OVERSAMPLE <= b:
            return eigenvalues, b
        b = min(d, math.ceil(GROWTH * b))


def _nystrom(omega: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Eigenvalues (descending, ≥ 0) of the shifted Nyström approximation Y (ΩᵀY)⁺ Yᵀ."""
    norm = float(np.linalg.norm(y))
    if norm == 0.0:
        return np.zeros(y.shape[1])
    nu = math.sqrt(y.shape[0]) * float(np.spacing(norm))
    for _ in range(20):
        shifted = y + nu * omega
        core = omega.T @ shifted
        try:
            factor = cholesky((core + core.T) / 2, lower=False)
        except LinAlgError:
            nu *= 10
            continue
        b = solve_triangular(factor, shifted.T, trans="T", lower=False).T
        return np.maximum(svdvals(b) ** 2 - nu, 0.0)
    raise LinAlgError("the Nyström core has no Cholesky factor even with a shift of 1e5 ‖Y‖.")
