"""The spectrum of the Fisher information and its numerical rank, at a point or over draws.

:func:`fisher_spectrum` and :func:`fisher_rank` evaluate :math:`I(w)` with
:mod:`pymc_slt.fisher.information` and read its eigenvalues with :mod:`pymc_slt.base.rank`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pymc as pm
import xarray as xr
from pymc.logprob.transforms import SimplexTransform
from scipy.linalg import block_diag

from pymc_slt._validate import validate_rtol
from pymc_slt.base.rank import default_rtol, descending_eigenvalues, numerical_rank
from pymc_slt.fisher.information import _SAMPLE_DIMS, EIGEN_DIM, Kind, _evaluate

__all__ = ["FisherRank", "fisher_rank", "fisher_spectrum", "tangent_basis"]


class FisherRank(int):
    """Numerical rank of a Fisher information matrix: an ``int`` that remembers how it was found.

    It is an ``int`` everywhere (arithmetic, comparisons, a pandas column of dtype int64) and also
    carries:

    Attributes
    ----------
    d : int
        Number of free parameters of the model, counted as everywhere in pymc-slt
        (:func:`pymc_slt.sampling.n_parameters`: the weights of a K-simplex count K − 1, and
        the rank is counted within the simplex, see :func:`tangent_basis`).
    tol : float
        Eigenvalues strictly above ``tol`` were counted: ``tol = rtol · μ_max``.
    rtol : float
        Tolerance relative to the largest eigenvalue ``μ_max``.
    eigenvalues : numpy.ndarray
        The spectrum, descending, shape ``(d,)``.
    kind : str
        ``"output"`` or ``"score"``.
    """

    def __new__(
        cls, rank: int, d: int, tol: float, rtol: float, eigenvalues: np.ndarray, kind: str
    ) -> FisherRank:
        obj = super().__new__(cls, rank)
        obj.d, obj.tol, obj.rtol, obj.eigenvalues, obj.kind = d, tol, rtol, eigenvalues, kind
        return obj

    @property
    def n_flat(self) -> int:
        """Number of flat directions, ``d − rank``."""
        return self.d - int(self)

    def __reduce__(self):
        return (type(self), (int(self), self.d, self.tol, self.rtol, self.eigenvalues, self.kind))

    def __str__(self) -> str:
        return str(int(self))

    def __repr__(self) -> str:
        return (
            f"FisherRank(rank={int(self)}, d={self.d}, kind={self.kind!r}, tol={self.tol:.3g}, "
            f"rtol={self.rtol:.3g})"
        )


def fisher_spectrum(
    model: pm.Model,
    point_or_data: Mapping[str, Any] | xr.DataTree | xr.Dataset,
    *,
    kind: Kind = "output",
) -> np.ndarray | xr.DataArray:
    """Eigenvalues of the Fisher information matrix, in descending order.

    Parameters
    ----------
    model, point_or_data, kind
        As in :func:`fisher_information`.

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        For a point, shape ``(d,)``. For draws, a DataArray ``"fisher_eigenvalues"`` with dims
        ``(chain, draw, eigen)`` (``eigen`` = 0 for the largest), ready for a histogram of,
        say, the smallest eigenvalue over the posterior; attrs ``kind``, ``d`` and ``rtol``
        (the default tolerance of :func:`fisher_rank` for these matrices).

    Raises
    ------
    TypeError, ValueError
        As :func:`fisher_information`.

    Notes
    -----
    The eigenvalues :math:`μ_1 ≥ … ≥ μ_d ≥ 0` of :math:`I(w)` are the squared singular values
    of the stacked Jacobian :math:`J/\\sqrt n` (:math:`K × d`). Exact zeros come out as
    rounding noise of order :math:`\\max(d, K)\\, ε\\, μ_1` (possibly slightly negative); see
    :func:`fisher_rank` for the threshold that separates them.

    Examples
    --------
    >>> import numpy as np, pymc as pm, pymc_slt as slt
    >>> x = np.linspace(-1, 1, 50)
    >>> with pm.Model() as model:
    ...     a = pm.Normal("a")
    ...     b = pm.Normal("b")
    ...     y = pm.Normal("y", a * b * x, 1, observed=np.zeros(50))
    >>> mu = slt.fisher_spectrum(model, {"a": 0.5, "b": 2.0})
    >>> bool(mu[0] > 1), bool(abs(mu[1]) < 1e-12)
    (True, True)
    """
    info, compiled, coords = _free_directions(model, point_or_data, kind)
    eigenvalues = descending_eigenvalues(info)
    if coords is None:
        return eigenvalues
    d = eigenvalues.shape[-1]
    return xr.DataArray(
        eigenvalues,
        dims=(*_SAMPLE_DIMS, EIGEN_DIM),
        coords={**coords, EIGEN_DIM: np.arange(d)},
        name="fisher_eigenvalues",
        attrs={"kind": kind, "d": d, "rtol": default_rtol(d, compiled.n_terms, compiled.dtype)},
    )


def fisher_rank(
    model: pm.Model,
    point_or_data: Mapping[str, Any] | xr.DataTree | xr.Dataset,
    *,
    kind: Kind = "output",
    rtol: float | None = None,
) -> FisherRank | xr.DataArray:
    """Numerical rank of the Fisher information: the number of non-flat parameter directions.

    Parameters
    ----------
    model, point_or_data, kind
        As in :func:`fisher_information`.
    rtol : float, optional
        Eigenvalues :math:`μ_j > \\mathrm{rtol} · μ_1` count. Default
        :math:`\\max(d, K) · ε` with :math:`K` the number of rank-one terms (``n`` times the
        outputs per observation for ``"output"``, ``n`` for ``"score"``) and :math:`ε` the
        machine epsilon of the floating-point type (2.2e-16 for float64).

    Returns
    -------
    FisherRank or xarray.DataArray
        For a point, a :class:`FisherRank`: an ``int`` (use it as one, e.g. in a DataFrame
        column) with attributes ``d`` (free parameters, counted as by
        :func:`pymc_slt.sampling.n_parameters` and :func:`pymc_slt.compare`), ``tol``,
        ``rtol``, ``eigenvalues``, ``kind`` and ``n_flat`` = d − rank. For draws, an int
        DataArray ``"fisher_rank"`` with dims ``(chain, draw)``, the per-draw threshold as
        coordinate ``tol`` and attrs ``d``, ``rtol``, ``kind``
        (``rank.to_series().value_counts()`` gives its distribution).

    Raises
    ------
    TypeError, ValueError
        As :func:`fisher_information`, and for ``rtol`` not in [0, 1).

    Notes
    -----
    The tolerance is on the eigenvalues of :math:`I = J^\\top J/n` (:math:`J` the :math:`K × d`
    stacked Jacobian or score matrix), which are squared singular values of :math:`J/\\sqrt n`.
    NumPy's ``matrix_rank(J)`` would keep singular values :math:`σ_j > \\max(K, d)\\, ε\\, σ_1`;
    squaring that rule, :math:`μ_j > (\\max(K, d)\\, ε)^2 μ_1`, would be wrong here, because
    :math:`I` is formed explicitly: summing :math:`K` rank-one terms and diagonalizing in
    floating point perturbs every eigenvalue by up to about :math:`\\max(d, K)\\, ε\\, μ_1`
    (Golub & Van Loan 2013, §5.3, §8.1), so exact zeros surface as noise of that size, far
    above :math:`(\\max(K, d) ε)^2 μ_1`. The default threshold is therefore that noise level,
    :math:`\\mathrm{tol} = \\max(d, K)\\, ε\\, μ_1` — the ``matrix_rank`` convention applied to
    the eigenvalues of :math:`I`, not squared. In singular-value terms it keeps directions
    with :math:`σ_j/σ_1 > \\sqrt{\\max(d, K)\\, ε}` (about 1.5e-6 for :math:`K = 10^4`), the
    usual price of forming normal equations. A zero matrix has rank 0.

    At a generic point, reduced-rank regression :math:`Y = BAX` (inputs M, outputs N, hidden
    H) has rank :math:`H(M + N - H)` of :math:`d = H(M + N)`: the :math:`H^2`-dimensional
    symmetry :math:`(B, A) ↦ (BG^{-1}, GA)` leaves :math:`f` unchanged (Aoyagi & Watanabe 2005).

    References
    ----------
    Golub, G. H. & Van Loan, C. F. (2013). *Matrix Computations*, 4th ed. Johns Hopkins.

    Aoyagi, M. & Watanabe, S. (2005). Stochastic complexities of reduced rank regression in
    Bayesian estimation. *Neural Networks* 18(7), 924–933.
    https://doi.org/10.1016/j.neunet.2005.03.014

    Examples
    --------
    >>> import numpy as np, pymc as pm, pymc_slt as slt
    >>> x = np.linspace(-1, 1, 50)
    >>> with pm.Model() as model:
    ...     a = pm.Normal("a")
    ...     b = pm.Normal("b")
    ...     y = pm.Normal("y", a * b * x, 1, observed=np.zeros(50))
    >>> rank = slt.fisher_rank(model, {"a": 0.5, "b": 2.0})
    >>> int(rank), rank.d, int(slt.fisher_rank(model, {"a": 0.0, "b": 0.0}))
    (1, 2, 0)
    """
    rtol = validate_rtol(rtol)
    info, compiled, coords = _free_directions(model, point_or_data, kind)
    eigenvalues = descending_eigenvalues(info)
    d = eigenvalues.shape[-1]
    if rtol is None:
        rtol = default_rtol(d, compiled.n_terms, compiled.dtype)
    ranks, tol = numerical_rank(eigenvalues, rtol)
    if coords is None:
        return FisherRank(int(ranks), d, float(tol), rtol, eigenvalues, kind)
    return xr.DataArray(
        ranks.astype(np.int64),
        dims=_SAMPLE_DIMS,
        coords={**coords, "tol": (_SAMPLE_DIMS, tol)},
        name="fisher_rank",
        attrs={"kind": kind, "d": d, "rtol": rtol},
    )


def _free_directions(model: pm.Model, point_or_data: Any, kind: Any):
    """:func:`_evaluate`'s matrices, restricted to the free directions (:func:`tangent_basis`):
    what the spectrum and the rank are counted on."""
    info, compiled, coords = _evaluate(model, point_or_data, kind)
    basis = tangent_basis(model, compiled.variables)
    if basis is not None:
        info = basis.T @ info @ basis
    return info, compiled, coords


def _helmert(k: int) -> np.ndarray:
    """An orthonormal basis (k × (k − 1)) of {v ∈ R^k : Σ v = 0}, the tangent space of a simplex."""
    return np.linalg.svd(np.eye(k) - 1.0 / k)[0][:, : k - 1]


def tangent_basis(model: pm.Model, variables) -> np.ndarray | None:
    """Orthonormal basis of the free directions of the constrained coordinates, or None.

    The Fisher matrix is over each variable's constrained coordinates; a simplex's K weights
    have only K − 1 free directions (they sum to 1), so the rank is counted in ``Qᵀ I Q`` with
    ``Q`` block-diagonal: the identity for ordinary variables, a basis of Σ v = 0 for each
    simplex (last axis). None when no variable is a simplex.

    Raises
    ------
    NotImplementedError
        For another transform that changes the dimension (e.g. ``ZeroSumNormal``), rather than
        a rank counted over coordinates that are not free.
    """
    start = model.initial_point()
    blocks, any_simplex = [], False
    for name, shape in variables:
        rv = model[name]
        transform = model.rvs_to_transforms.get(rv)
        size = int(np.prod(shape))
        if isinstance(transform, SimplexTransform):
            any_simplex = True
            k = shape[-1]
            blocks.append(np.kron(np.eye(size // k), _helmert(k)))
        elif start[model.rvs_to_values[rv].name].size != size:
            raise NotImplementedError(
                f"{name!r} has a transform ({type(transform).__name__}) that changes its "
                "dimension; fisher_rank counts the free directions only for simplex weights "
                "(Dirichlet) so far."
            )
        else:
            blocks.append(np.eye(size))
    return block_diag(*blocks) if any_simplex else None
