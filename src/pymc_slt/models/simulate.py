"""Seeded simulators: data from each model of the zoo at a known true parameter.

Every simulator draws inputs ``x``, computes the true regression function at the true parameter
and adds noise (or draws Bernoulli labels), and returns a :class:`SimulatedData` whose ``truth``
is keyed by the free-variable names of the matching builder, so that
``model.compile_logp()(d.truth)`` evaluates the model at the truth.

* :func:`simulate_linear`: ``y = x·w + ε``, ``x ~ N(0, I_p)`` (for ``linear_regression``);
* :func:`simulate_polynomial`: ``y = Σ_k w_k x^k + ε``, ``x ~ Uniform(x_range)``
  (``polynomial_regression``);
* :func:`simulate_logistic`: ``y ~ Bernoulli(σ(x·w))``, ``x ~ N(0, I_p)`` (``logistic_regression``);
* :func:`simulate_reduced_rank`: ``y = B A x + ε``, ``x ~ N(0, I_M)`` (``reduced_rank_regression``),
  with :func:`reduced_rank_truth` for a random ``(B, A)`` of given rank and singular values;
* :func:`simulate_tanh_network`: ``y = Σ_h b_h tanh(a_h·x) + ε``, ``x ~ N(0, I_M)``
  (``tanh_network``);
* :func:`simulate_normal_crossing`: ``y = x ∏_j w_j^{k_j} + ε``, ``x ~ N(0, 1)``
  (``normal_crossing``),

with ``ε ~ N(0, noise_sd²)`` independently per observation (and per output). Same ``random_seed``
→ same data.

Examples
--------
>>> from pymc_slt.models.simulate import simulate_linear
>>> from pymc_slt.models.regular import linear_regression
>>> d = simulate_linear(50, [1.0, -0.5], random_seed=0)
>>> model = linear_regression(d.x, d.y)
>>> sorted(d.truth)
['w']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pymc_slt._validate import validate_positive_int, validate_random_seed
from pymc_slt.models._arrays import (
    _as_vector,
    _finite,
    _positive_float,
    _powers,
    _real_array,
)

__all__ = [
    "SimulatedData",
    "reduced_rank_truth",
    "simulate_linear",
    "simulate_logistic",
    "simulate_normal_crossing",
    "simulate_polynomial",
    "simulate_reduced_rank",
    "simulate_tanh_network",
]

Seed = int | np.random.Generator | None


@dataclass(frozen=True, slots=True, eq=False)
class SimulatedData:
    """Data simulated from a known true parameter.

    Attributes
    ----------
    x : numpy.ndarray
        Inputs, shape ``(n,)`` (polynomial, normal crossing) or ``(n, M)``. Read-only.
    y : numpy.ndarray
        Outputs, shape ``(n,)`` or ``(n, N)`` (reduced rank); 0/1 integers for logistic. Read-only.
    truth : dict of str to numpy.ndarray
        The true parameter, keyed by the free-variable names of the matching builder (e.g.
        ``{"w": ...}`` or ``{"A": ..., "B": ...}``).
    noise_sd : float or None
        Standard deviation of the Gaussian noise; ``None`` for logistic data (no noise term).
    description : str
        One line saying what was simulated.
    """

    x: np.ndarray
    y: np.ndarray
    truth: dict[str, np.ndarray]
    noise_sd: float | None
    description: str

    @property
    def n(self) -> int:
        """Number of observations."""
        return int(self.y.shape[0])

    def __repr__(self) -> str:
        truth = ", ".join(f"{k}: shape {np.shape(v)}" for k, v in self.truth.items())
        return (
            f"SimulatedData(n={self.n}, x: shape {self.x.shape}, y: shape {self.y.shape}, "
            f"truth={{{truth}}}, noise_sd={self.noise_sd}, description={self.description!r})"
        )


def _rng(random_seed: Seed) -> np.random.Generator:
    return np.random.default_rng(validate_random_seed(random_seed))


def _freeze(*arrays: np.ndarray) -> None:
    for a in arrays:
        a.setflags(write=False)


def _make(x, y, truth, noise_sd, description) -> SimulatedData:
    truth = {k: np.array(v, dtype=float) for k, v in truth.items()}
    _freeze(x, y, *truth.values())
    return SimulatedData(x, y, truth, noise_sd, description)


# ----------------------------------------------------------------------------------------------
# Simulators
# ----------------------------------------------------------------------------------------------


def simulate_linear(
    n: int, coefs: Sequence[float], *, noise_sd: float = 1.0, random_seed: Seed = None
) -> SimulatedData:
    """Simulate ``y = x·w + ε`` with ``x ~ N(0, I_p)`` and ``ε ~ N(0, noise_sd²)``.

    Parameters
    ----------
    n : int
        Number of observations, >= 1.
    coefs : sequence of float
        True coefficients ``w`` (length p >= 1).
    noise_sd : float, default 1.0
        Noise standard deviation, > 0.
    random_seed : int, numpy.random.Generator or None
        Same seed → same data.

    Returns
    -------
    SimulatedData
        ``x`` of shape ``(n, p)``, ``y`` of shape ``(n,)``, ``truth = {"w": coefs}``.

    Examples
    --------
    >>> d = simulate_linear(100, [1.0, 0.0, -2.0], random_seed=1)
    >>> d.x.shape, d.y.shape
    ((100, 3), (100,))
    """
    n = validate_positive_int(n, "n")
    w = _as_vector(coefs, "coefs")
    noise_sd = _positive_float(noise_sd, "noise_sd")
    rng = _rng(random_seed)
    x = rng.standard_normal((n, w.size))
    y = x @ w + noise_sd * rng.standard_normal(n)
    return _make(x, y, {"w": w}, noise_sd, f"linear regression, p={w.size}, n={n}")


def simulate_polynomial(
    n: int,
    coefs: Sequence[float],
    *,
    x_range: tuple[float, float] = (-1.0, 1.0),
    noise_sd: float = 1.0,
    random_seed: Seed = None,
) -> SimulatedData:
    """Simulate ``y = Σ_{k=0}^{D} w_k x^k + ε`` with ``x ~ Uniform(x_range)``.

    Parameters
    ----------
    n : int
        Number of observations, >= 1.
    coefs : sequence of float
        True coefficients ``(w_0, w_1, …, w_D)`` in ascending powers (constant first); the degree
        is ``D = len(coefs) − 1``.
    x_range : (float, float), default (-1, 1)
        Interval of the uniform inputs, ``low < high``.
    noise_sd : float, default 1.0
        Noise standard deviation, > 0.
    random_seed : int, numpy.random.Generator or None
        Same seed → same data.

    Returns
    -------
    SimulatedData
        ``x`` and ``y`` of shape ``(n,)``, ``truth = {"w": coefs}``.

    Examples
    --------
    >>> d = simulate_polynomial(100, [0.5, 0.0, 1.0], random_seed=1)
    >>> d.x.shape
    (100,)
    """
    n = validate_positive_int(n, "n")
    w = _as_vector(coefs, "coefs")
    lo_hi = _as_vector(x_range, "x_range")
    if lo_hi.size != 2 or not lo_hi[0] < lo_hi[1]:
        raise ValueError(f"x_range must be (low, high) with low < high, got {x_range!r}.")
    noise_sd = _positive_float(noise_sd, "noise_sd")
    rng = _rng(random_seed)
    x = rng.uniform(lo_hi[0], lo_hi[1], size=n)
    y = np.polynomial.polynomial.polyval(x, w) + noise_sd * rng.standard_normal(n)
    return _make(x, y, {"w": w}, noise_sd, f"polynomial regression, degree={w.size - 1}, n={n}")


def simulate_logistic(n: int, coefs: Sequence[float], *, random_seed: Seed = None) -> SimulatedData:
    """Simulate ``y ~ Bernoulli(σ(x·w))`` with ``x ~ N(0, I_p)`` and ``σ`` the logistic function.

    Parameters
    ----------
    n : int
        Number of observations, >= 1.
    coefs : sequence of float
        True coefficients ``w`` (length p >= 1).
    random_seed : int, numpy.random.Generator or None
        Same seed → same data.

    Returns
    -------
    SimulatedData
        ``x`` of shape ``(n, p)``, ``y`` of 0/1 integers of shape ``(n,)``,
        ``truth = {"w": coefs}``, ``noise_sd = None``.

    Examples
    --------
    >>> d = simulate_logistic(100, [2.0, -1.0], random_seed=1)
    >>> sorted(set(d.y.tolist()))
    [0, 1]
    """
    n = validate_positive_int(n, "n")
    w = _as_vector(coefs, "coefs")
    rng = _rng(random_seed)
    x = rng.standard_normal((n, w.size))
    p = 1.0 / (1.0 + np.exp(-(x @ w)))
    y = (rng.uniform(size=n) < p).astype(np.int64)
    return _make(x, y, {"w": w}, None, f"logistic regression, p={w.size}, n={n}")


def reduced_rank_truth(
    M: int,
    N: int,
    r: int,
    singular_values: Sequence[float] | None = None,
    random_seed: Seed = None,
) -> tuple[np.ndarray, np.ndarray]:
    """A random rank-``r`` truth ``(B, A)`` for reduced-rank regression with given singular values.

    ``B A = U diag(s) Vᵀ`` with ``U`` (N×r) and ``V`` (M×r) random orthonormal columns (QR of a
    Gaussian matrix), ``B = U diag(√s)`` and ``A = diag(√s) Vᵀ``.

    Parameters
    ----------
    M, N : int
        Input and output dimensions, >= 1.
    r : int
        True rank, ``0 <= r <= min(M, N)``. ``r = 0`` gives the zero map (empty ``B``, ``A``).
    singular_values : sequence of float, optional
        The ``r`` non-zero singular values of ``B A``, each finite and > 0. Default: all ones.
    random_seed : int, numpy.random.Generator or None
        Same seed → same matrices.

    Returns
    -------
    B : numpy.ndarray
        Shape ``(N, r)``.
    A : numpy.ndarray
        Shape ``(r, M)``.

    Notes
    -----
    To evaluate a model with ``H > r`` hidden units at this truth, pad with zeros:
    ``B_H = [B, 0]`` (N×H) and ``A_H = [A; 0]`` (H×M).

    Examples
    --------
    >>> import numpy as np
    >>> B, A = reduced_rank_truth(4, 4, 2, singular_values=[1.0, 0.15], random_seed=0)
    >>> np.round(np.linalg.svd(B @ A, compute_uv=False), 6)[:2].tolist()
    [1.0, 0.15]
    """
    M = validate_positive_int(M, "M")
    N = validate_positive_int(N, "N")
    r = validate_positive_int(r, "r", minimum=0)
    if r > min(M, N):
        raise ValueError(f"r must be <= min(M, N) = {min(M, N)}, got r = {r}.")
    s = np.ones(r) if singular_values is None else _as_vector(singular_values, "singular_values")
    if s.size != r:
        raise ValueError(f"singular_values must have length r = {r}, got {s.size} values.")
    if np.any(s <= 0):
        raise ValueError(
            f"singular_values must all be > 0, got {s.tolist()}; for a lower-rank truth "
            "lower r instead."
        )
    rng = _rng(random_seed)
    U = np.linalg.qr(rng.standard_normal((N, r)))[0] if r else np.zeros((N, 0))
    V = np.linalg.qr(rng.standard_normal((M, r)))[0] if r else np.zeros((M, 0))
    root = np.sqrt(s)
    return U * root, (V * root).T


def simulate_reduced_rank(
    n: int,
    B: np.ndarray,
    A: np.ndarray,
    *,
    noise_sd: float = 1.0,
    random_seed: Seed = None,
) -> SimulatedData:
    """Simulate reduced-rank regression ``y = B A x + ε`` with ``x ~ N(0, I_M)``.

    Parameters
    ----------
    n : int
        Number of observations, >= 1.
    B : array, shape (N, r)
        True output weights.
    A : array, shape (r, M)
        True input weights (``r = 0`` allowed: the zero map).
    noise_sd : float, default 1.0
        Noise standard deviation (each output independently), > 0.
    random_seed : int, numpy.random.Generator or None
        Same seed → same data.

    Returns
    -------
    SimulatedData
        ``x`` of shape ``(n, M)``, ``y`` of shape ``(n, N)``, ``truth = {"A": A, "B": B}``.
        In rows: ``y = x Aᵀ Bᵀ + ε``.

    See Also
    --------
    reduced_rank_truth : a random ``(B, A)`` with given rank and singular values.

    Examples
    --------
    >>> B, A = reduced_rank_truth(3, 2, 1, random_seed=0)
    >>> d = simulate_reduced_rank(50, B, A, random_seed=0)
    >>> d.x.shape, d.y.shape
    ((50, 3), (50, 2))
    """
    n = validate_positive_int(n, "n")
    B = _real_array(B, "B")
    A = _real_array(A, "A")
    if B.ndim != 2 or A.ndim != 2:
        raise ValueError(
            f"B and A must be 2-D, shapes (N, r) and (r, M); got {B.shape} and {A.shape}."
        )
    if B.shape[1] != A.shape[0]:
        raise ValueError(
            f"B (N, r) and A (r, M) must share r: got B of shape {B.shape} and A of shape "
            f"{A.shape}."
        )
    if B.shape[0] == 0 or A.shape[1] == 0:
        raise ValueError(f"N and M must be >= 1; got B of shape {B.shape}, A of shape {A.shape}.")
    _finite(B, "B")
    _finite(A, "A")
    noise_sd = _positive_float(noise_sd, "noise_sd")
    (N, r), M = B.shape, A.shape[1]
    rng = _rng(random_seed)
    x = rng.standard_normal((n, M))
    y = x @ A.T @ B.T + noise_sd * rng.standard_normal((n, N))
    desc = f"reduced-rank regression, M={M}, N={N}, true rank<={r}, n={n}"
    return _make(x, y, {"A": A, "B": B}, noise_sd, desc)


def simulate_tanh_network(
    n: int,
    M: int = 1,
    *,
    a: np.ndarray | None = None,
    b: Sequence[float] | None = None,
    noise_sd: float = 1.0,
    random_seed: Seed = None,
) -> SimulatedData:
    """Simulate ``y = Σ_h b_h tanh(a_h·x) + ε`` with ``x ~ N(0, I_M)``.

    Parameters
    ----------
    n : int
        Number of observations, >= 1.
    M : int, default 1
        Input dimension, >= 1.
    a : array, shape (H0, M), optional
        True input weights, one row per hidden unit.
    b : array, shape (H0,), optional
        True output weights. ``a`` and ``b`` are both given or both ``None``; ``None`` gives the
        zero function (``y`` is pure noise), the truth for which the learning coefficient
        ``(H + i² + i)/(4i + 2)`` is known.
    noise_sd : float, default 1.0
        Noise standard deviation, > 0.
    random_seed : int, numpy.random.Generator or None
        Same seed → same data.

    Returns
    -------
    SimulatedData
        ``x`` of shape ``(n, M)``, ``y`` of shape ``(n,)``, ``truth = {"a": a, "b": b}`` (for
        the zero function, ``a`` of shape ``(0, M)`` and ``b`` of shape ``(0,)``).

    Examples
    --------
    >>> d = simulate_tanh_network(100, random_seed=0)
    >>> d.x.shape, d.truth["b"].shape
    ((100, 1), (0,))
    """
    n = validate_positive_int(n, "n")
    M = validate_positive_int(M, "M")
    if (a is None) != (b is None):
        raise ValueError(
            "a and b must be given together (a of shape (H0, M), b of shape (H0,)), or both "
            "left as None for the zero-function truth."
        )
    if a is None:
        a_arr, b_arr = np.zeros((0, M)), np.zeros(0)
    else:
        a_arr = _real_array(a, "a")
        if a_arr.ndim == 1 and M == 1:
            a_arr = a_arr[:, None]
        b_arr = _as_vector(b, "b")
        if a_arr.ndim != 2 or a_arr.shape[1] != M:
            raise ValueError(f"a must have shape (H0, M) = (H0, {M}), got {a_arr.shape}.")
        if a_arr.shape[0] != b_arr.size:
            raise ValueError(
                f"a (H0, M) and b (H0,) must have the same number of hidden units, got a of "
                f"shape {a_arr.shape} and b of shape {b_arr.shape}."
            )
        _finite(a_arr, "a")
    noise_sd = _positive_float(noise_sd, "noise_sd")
    rng = _rng(random_seed)
    x = rng.standard_normal((n, M))
    f = np.tanh(x @ a_arr.T) @ b_arr
    y = f + noise_sd * rng.standard_normal(n)
    truth_txt = "zero function" if a is None else f"H0={b_arr.size} units"
    desc = f"tanh network, M={M}, truth: {truth_txt}, n={n}"
    return _make(x, y, {"a": a_arr, "b": b_arr}, noise_sd, desc)


def simulate_normal_crossing(
    n: int,
    powers: Sequence[int],
    *,
    w: Sequence[float] | None = None,
    noise_sd: float = 1.0,
    random_seed: Seed = None,
) -> SimulatedData:
    """Simulate ``y = x ∏_j w_j^{k_j} + ε`` with ``x ~ N(0, 1)``.

    Parameters
    ----------
    n : int
        Number of observations, >= 1.
    powers : sequence of int
        Exponents ``k_j >= 1``, e.g. ``(1, 1)`` for ``a·b`` and ``(1, 2)`` for ``a·b²``.
    w : sequence of float, optional
        True parameter, length ``len(powers)``. Default: zeros, the singular truth where
        ``λ = min_j 1/(2k_j)``.
    noise_sd : float, default 1.0
        Noise standard deviation, > 0.
    random_seed : int, numpy.random.Generator or None
        Same seed → same data.

    Returns
    -------
    SimulatedData
        ``x`` and ``y`` of shape ``(n,)``, ``truth = {"w": w}``.

    Examples
    --------
    >>> d = simulate_normal_crossing(100, (1, 2), random_seed=0)
    >>> d.truth["w"].tolist()
    [0.0, 0.0]
    """
    n = validate_positive_int(n, "n")
    k = _powers(powers)
    w_arr = np.zeros(len(k)) if w is None else _as_vector(w, "w")
    if w_arr.size != len(k):
        raise ValueError(
            f"w must have one entry per power, len(powers) = {len(k)}, got {w_arr.size}."
        )
    noise_sd = _positive_float(noise_sd, "noise_sd")
    rng = _rng(random_seed)
    x = rng.standard_normal(n)
    coef = float(np.prod(w_arr ** np.asarray(k)))
    y = coef * x + noise_sd * rng.standard_normal(n)
    desc = f"normal crossing, powers={k}, n={n}"
    return _make(x, y, {"w": w_arr}, noise_sd, desc)
