"""The spectrum of the Fisher information and its numerical rank, at a point or over draws.

:func:`fisher_spectrum` and :func:`fisher_rank` evaluate :math:`I(w)` with
:mod:`pymc_slt.fisher.information` and read its eigenvalues with :mod:`pymc_slt.base.rank`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
import pymc as pm
import xarray as xr
from pymc.logprob.transforms import SimplexTransform
from scipy import sparse

from pymc_slt._validate import as_pymc_model, validate_rtol
from pymc_slt.base.rank import (
    default_rtol,
    descending_eigenvalues,
    leading_eigenvalues,
    numerical_rank,
)
from pymc_slt.fisher.information import _SAMPLE_DIMS, EIGEN_DIM, Kind, _evaluate, _points, _sizes
from pymc_slt.fisher.matrix_free import _compile_products, _product

__all__ = [
    "DENSE_BYTES",
    "METHODS",
    "FisherRank",
    "fisher_rank",
    "fisher_spectrum",
    "tangent_basis",
]

Method = Literal["auto", "dense", "matrix_free"]
#: The ways to the spectrum: ``"dense"`` forms I (through the K × d Jacobian) and diagonalizes
#: it; ``"matrix_free"`` multiplies by it; ``"auto"`` chooses by :data:`DENSE_BYTES`.
METHODS = ("auto", "dense", "matrix_free")
#: ``method="auto"`` forms the matrix when the K × d Jacobian and the d × d matrix each take at
#: most this many bytes in float64, ``8 · max(K, d) · d ≤ 2**29`` (512 MiB; the dense path's
#: peak is about three times its Jacobian), and goes matrix-free otherwise.
DENSE_BYTES = 2**29


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
    method : str
        ``"dense"`` (``eigenvalues`` is the whole spectrum, shape ``(d,)``) or
        ``"matrix_free"`` (the leading ``b ≤ d`` eigenvalues: all above ``tol`` and at least
        :data:`~pymc_slt.base.rank.OVERSAMPLE` below it; see :func:`fisher_rank`).
    """

    def __new__(
        cls,
        rank: int,
        d: int,
        tol: float,
        rtol: float,
        eigenvalues: np.ndarray,
        kind: str,
        method: str = "dense",
    ) -> FisherRank:
        obj = super().__new__(cls, rank)
        obj.d, obj.tol, obj.rtol, obj.eigenvalues, obj.kind = d, tol, rtol, eigenvalues, kind
        obj.method = method
        return obj

    @property
    def n_flat(self) -> int:
        """Number of flat directions, ``d − rank``."""
        return self.d - int(self)

    def __reduce__(self):
        state = (self.d, self.tol, self.rtol, self.eigenvalues, self.kind, self.method)
        return (type(self), (int(self), *state))

    def __str__(self) -> str:
        return str(int(self))

    def __repr__(self) -> str:
        return (
            f"FisherRank(rank={int(self)}, d={self.d}, kind={self.kind!r}, tol={self.tol:.3g}, "
            f"rtol={self.rtol:.3g}, method={self.method!r})"
        )


def fisher_spectrum(
    model: pm.Model,
    point_or_data: Mapping[str, Any] | xr.DataTree | xr.Dataset,
    *,
    kind: Kind = "output",
    method: Method = "auto",
) -> np.ndarray | xr.DataArray:
    """Eigenvalues of the Fisher information matrix, in descending order.

    Parameters
    ----------
    model, point_or_data, kind
        As in :func:`fisher_information`.
    method : {"auto", "dense", "matrix_free"}, default "auto"
        ``"dense"``: form the matrix and diagonalize it (every eigenvalue). ``"matrix_free"``:
        the leading eigenvalues from products :math:`I v` (every eigenvalue above the default
        threshold of :func:`fisher_rank` and at least
        :data:`~pymc_slt.base.rank.OVERSAMPLE` below it). ``"auto"``: dense when the matrix is
        small (:data:`DENSE_BYTES`), matrix-free otherwise. See :func:`fisher_rank`.

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        For a point, shape ``(d,)`` (dense) or ``(b,)`` with ``b ≤ d`` (matrix-free). For draws,
        a DataArray ``"fisher_eigenvalues"`` with dims ``(chain, draw, eigen)`` (``eigen`` = 0
        for the largest; matrix-free spectra of different lengths are padded with NaN), ready
        for a histogram of, say, the smallest eigenvalue over the posterior; attrs ``kind``,
        ``d``, ``rtol`` (the default tolerance of :func:`fisher_rank` for these matrices) and
        ``method`` (the one used).

    Raises
    ------
    TypeError, ValueError
        As :func:`fisher_information`, and for an unknown ``method``.

    Notes
    -----
    The eigenvalues :math:`μ_1 ≥ … ≥ μ_d ≥ 0` of :math:`I(w)` are the squared singular values
    of the stacked Jacobian :math:`J/\\sqrt n` (:math:`K × d`). Exact zeros come out as
    rounding noise of order :math:`\\max(d, K)\\, ε\\, μ_1` (possibly slightly negative; the
    matrix-free path clips them at 0); see :func:`fisher_rank` for the threshold that
    separates them.

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
    eigenvalues, _, coords, d, rtol, used = _spectra(model, point_or_data, kind, None, method)
    if coords is None:
        return eigenvalues
    return xr.DataArray(
        eigenvalues,
        dims=(*_SAMPLE_DIMS, EIGEN_DIM),
        coords={**coords, EIGEN_DIM: np.arange(eigenvalues.shape[-1])},
        name="fisher_eigenvalues",
        attrs={"kind": kind, "d": d, "rtol": rtol, "method": used},
    )


def fisher_rank(
    model: pm.Model,
    point_or_data: Mapping[str, Any] | xr.DataTree | xr.Dataset,
    *,
    kind: Kind = "output",
    rtol: float | None = None,
    method: Method = "auto",
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
        machine epsilon of the floating-point type (2.2e-16 for float64); the same for both
        methods.
    method : {"auto", "dense", "matrix_free"}, default "auto"
        ``"dense"`` forms the K × d Jacobian and the d × d matrix and diagonalizes it.
        ``"matrix_free"`` never forms either: it multiplies by :math:`I` (Notes), with memory
        of a few model evaluations plus a few d × (rank + 10) blocks, and time proportional to
        the rank. ``"auto"`` (the rule): dense when :math:`8 \\max(K, d)\\, d ≤`
        :data:`DENSE_BYTES` (= 2**29 bytes: the Jacobian and the matrix each within 512 MiB of
        float64), matrix-free otherwise, so small models keep the dense path's numbers.

    Returns
    -------
    FisherRank or xarray.DataArray
        For a point, a :class:`FisherRank`: an ``int`` (use it as one, e.g. in a DataFrame
        column) with attributes ``d`` (free parameters, counted as by
        :func:`pymc_slt.sampling.n_parameters` and :func:`pymc_slt.compare`), ``tol``,
        ``rtol``, ``eigenvalues`` (all d dense, the leading ones matrix-free), ``kind``,
        ``method`` and ``n_flat`` = d − rank. For draws, an int DataArray ``"fisher_rank"``
        with dims ``(chain, draw)``, the per-draw threshold as coordinate ``tol`` and attrs
        ``d``, ``rtol``, ``kind``, ``method`` (``rank.to_series().value_counts()`` gives its
        distribution); the matrix-free path treats the draws one after the other.

    Raises
    ------
    TypeError, ValueError
        As :func:`fisher_information`, for ``rtol`` not in [0, 1), and for an unknown
        ``method``.

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

    The matrix-free path computes :math:`I v = J^\\top (J v)/n` by one push-forward and one
    pull-back of the model's graph (:mod:`pymc_slt.fisher.matrix_free`), on the free
    directions (:func:`tangent_basis`), and reads the spectrum by a randomized Nyström
    approximation whose block of Gaussian probes (fixed seed) grows by 1.5× from 32 until at
    least 10 of its eigenvalues are at or below the same :math:`\\mathrm{tol}`
    (:func:`pymc_slt.base.rank.leading_eigenvalues`); it takes about rank + 10 to 1.5 (rank
    + 10) products, each costing a few evaluations of the model's graph. Its rounding
    noise on the flat directions is that of one product, about :math:`ε\\, μ_1` times a
    slowly growing factor of K, below the dense path's, so the same tolerance applies and the
    two ranks agree wherever the spectrum has a gap around :math:`\\mathrm{tol}` (a singular
    model's flat directions are exact zeros). They can differ when eigenvalues lie within a
    few rounding errors of :math:`\\mathrm{tol}`, either way, and because the Nyström
    eigenvalues are lower bounds of the true ones, accurate when the rank is below the block
    but possibly low for an eigenvalue just above :math:`\\mathrm{tol}` in a spectrum that
    decays smoothly through it: then the matrix-free rank can be smaller. When the block
    would reach d, :math:`I` is assembled from the products and diagonalized, as dense.

    At a generic point, reduced-rank regression :math:`Y = BAX` (inputs M, outputs N, hidden
    H) has rank :math:`H(M + N - H)` of :math:`d = H(M + N)`: the :math:`H^2`-dimensional
    symmetry :math:`(B, A) ↦ (BG^{-1}, GA)` leaves :math:`f` unchanged (Aoyagi & Watanabe 2005).
    A deep linear network whose end-to-end matrix has rank r (every layer of rank r, generic
    otherwise) has the rank :math:`r(M + N - r)` of the tangent space of the M × N matrices of
    rank r.

    References
    ----------
    Golub, G. H. & Van Loan, C. F. (2013). *Matrix Computations*, 4th ed. Johns Hopkins.

    Aoyagi, M. & Watanabe, S. (2005). Stochastic complexities of reduced rank regression in
    Bayesian estimation. *Neural Networks* 18(7), 924–933.
    https://doi.org/10.1016/j.neunet.2005.03.014

    Tropp, J. A., Yurtsever, A., Udell, M. & Cevher, V. (2017). Fixed-rank approximation of a
    positive-semidefinite matrix from streaming data. *NeurIPS 30*, 1225–1234.

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
    >>> int(slt.fisher_rank(model, {"a": 0.5, "b": 2.0}, method="matrix_free"))
    1
    """
    rtol = validate_rtol(rtol)
    eigenvalues, _, coords, d, rtol, used = _spectra(model, point_or_data, kind, rtol, method)
    ranks, tol = numerical_rank(eigenvalues, rtol)
    if coords is None:
        return FisherRank(int(ranks), d, float(tol), rtol, eigenvalues, kind, used)
    return xr.DataArray(
        ranks.astype(np.int64),
        dims=_SAMPLE_DIMS,
        coords={**coords, "tol": (_SAMPLE_DIMS, tol)},
        name="fisher_rank",
        attrs={"kind": kind, "d": d, "rtol": rtol, "method": used},
    )


def _use_matrix_free(model: Any, kind: Any, method: Any) -> bool:
    """Whether ``method`` (the rule of ``method="auto"``: :data:`DENSE_BYTES`) is matrix-free."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}.")
    if method != "auto":
        return method == "matrix_free"
    d, n_terms = _sizes(model, kind)
    return 8 * max(d, n_terms) * d > DENSE_BYTES


def _spectra(model: Any, point_or_data: Any, kind: Any, rtol: float | None, method: Any):
    """Descending eigenvalues on the free directions, shape ``(d,)``/``(b,)`` or
    ``(chain, draw, ·)``; the compiled context, the draws' coordinates, d, rtol (the default
    where None) and the method used."""
    model = as_pymc_model(model)
    if not _use_matrix_free(model, kind, method):
        info, compiled, coords = _free_directions(model, point_or_data, kind)
        eigenvalues = descending_eigenvalues(info)
        d = eigenvalues.shape[-1]
        rtol = default_rtol(d, compiled.n_terms, compiled.dtype) if rtol is None else rtol
        return eigenvalues, compiled, coords, d, rtol, "dense"
    compiled, thetas, batch, coords = _points(model, point_or_data, kind, _compile_products)
    blocks = _tangent_blocks(model, compiled.variables)
    basis = None if blocks is None else sparse.block_diag(blocks, format="csr")
    d = thetas.shape[1] if basis is None else basis.shape[1]
    rtol = default_rtol(d, compiled.n_terms, compiled.dtype) if rtol is None else rtol
    spectra = [
        leading_eigenvalues(_product(compiled, theta, basis), d, rtol)[0] for theta in thetas
    ]
    eigenvalues = np.full((len(spectra), max(map(len, spectra))), np.nan)
    for row, spectrum in zip(eigenvalues, spectra, strict=True):
        row[: len(spectrum)] = spectrum
    return (
        eigenvalues.reshape(batch + eigenvalues.shape[1:]),
        compiled,
        coords,
        d,
        rtol,
        "matrix_free",
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
    blocks = _tangent_blocks(model, variables)
    return None if blocks is None else sparse.block_diag(blocks).toarray()


def _tangent_blocks(model: pm.Model, variables) -> list | None:
    """The sparse diagonal blocks of :func:`tangent_basis` (the matrix-free path keeps them
    sparse: a dense d × d basis would not fit where that path is needed), or None."""
    start = model.initial_point()
    blocks, any_simplex = [], False
    for name, shape in variables:
        rv = model[name]
        transform = model.rvs_to_transforms.get(rv)
        size = int(np.prod(shape))
        if isinstance(transform, SimplexTransform):
            any_simplex = True
            k = shape[-1]
            blocks.append(sparse.kron(sparse.eye(size // k), _helmert(k), format="csr"))
        elif start[model.rvs_to_values[rv].name].size != size:
            raise NotImplementedError(
                f"{name!r} has a transform ({type(transform).__name__}) that changes its "
                "dimension; fisher_rank counts the free directions only for simplex weights "
                "(Dirichlet) so far."
            )
        else:
            blocks.append(sparse.eye(size, format="csr"))
    return blocks if any_simplex else None
