"""Numerical rank of a positive semi-definite matrix from its eigenvalues (NumPy only).

The matrices are formed explicitly as averages of K rank-one terms, so exact zeros of the
spectrum surface as rounding noise of order :math:`\\max(d, K)\\, ε\\, μ_1` (Golub & Van Loan
2013, §5.3, §8.1). :func:`default_rtol` is that noise level relative to the largest eigenvalue
:math:`μ_1`; :func:`numerical_rank` counts the eigenvalues above ``rtol · μ_1``.

References
----------
Golub, G. H. & Van Loan, C. F. (2013). *Matrix Computations*, 4th ed. Johns Hopkins.
"""

from __future__ import annotations

import numpy as np

__all__ = ["default_rtol", "descending_eigenvalues", "numerical_rank"]


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
