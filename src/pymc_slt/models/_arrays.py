"""Private argument checks and array helpers shared by the builders and simulators of ``models``."""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np
import pymc as pm

#: Scale of the HalfNormal prior of sigma when a builder's ``noise_sd`` is None.
SIGMA_PRIOR_SD = 1.0


def _real_array(value: Any, name: str) -> np.ndarray:
    """``value`` as a float array, or a TypeError naming ``name``."""
    if isinstance(value, str | bytes):
        raise TypeError(f"{name} must be an array of real numbers, got a string {value!r}.")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(
            f"{name} must be an array of real numbers, got {type(value).__name__} {value!r}."
        ) from err
    return arr


def _finite(arr: np.ndarray, name: str) -> np.ndarray:
    if not np.all(np.isfinite(arr)):
        n_bad = int(arr.size - np.isfinite(arr).sum())
        raise ValueError(
            f"{name} holds {n_bad} NaN/inf value(s); drop or impute those rows first "
            "(SLT quantities need fully observed, finite data)."
        )
    return arr


def _as_vector(value: Any, name: str, *, finite: bool = True) -> np.ndarray:
    """A 1-D float array (a scalar becomes length 1)."""
    arr = _real_array(value, name)
    if arr.ndim == 0:
        arr = arr.reshape(1)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array of shape {arr.shape}.")
    return _finite(arr, name) if finite else arr


def _as_matrix(value: Any, name: str) -> np.ndarray:
    """A finite 2-D float array ``(n, k)``; a 1-D array of length n becomes ``(n, 1)``."""
    arr = _real_array(value, name)
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ValueError(
            f"{name} must be 1-D (n,) or 2-D (n, k), got an array of shape {arr.shape}."
        )
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); give at least one row and column.")
    return _finite(arr, name)


def _as_data_vector(value: Any, name: str) -> np.ndarray:
    """A finite 1-D float array of length >= 1 (one value per observation)."""
    arr = _real_array(value, name)
    if arr.ndim == 2 and arr.shape[1] == 1:
        arr = arr[:, 0]
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be 1-D with one value per observation, got an array of shape {arr.shape}."
        )
    if arr.shape[0] == 0:
        raise ValueError(f"{name} is empty; give at least one observation.")
    return _finite(arr, name)


def _check_same_n(x: np.ndarray, y: np.ndarray) -> None:
    if x.shape[0] != y.shape[0]:
        raise ValueError(
            f"x and y must have the same number of observations (first axis), got len(x) = "
            f"{x.shape[0]} and len(y) = {y.shape[0]}; pass matching rows."
        )


def _positive_float(value: Any, name: str, *, allow_none: bool = False) -> float | None:
    """A finite float > 0 (or None when ``allow_none``)."""
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        if isinstance(value, np.ndarray) and value.ndim == 0:
            value = value.item()
        else:
            extra = " or None" if allow_none else ""
            raise TypeError(
                f"{name} must be a real number{extra}, got {type(value).__name__} {value!r}."
            )
    out = float(value)
    if not math.isfinite(out) or out <= 0:
        raise ValueError(f"{name} must be finite and > 0, got {out!r}.")
    return out


def _powers(value: Any, name: str = "powers") -> tuple[int, ...]:
    """A non-empty tuple of positive ints."""
    if isinstance(value, str | bytes) or np.ndim(value) != 1:
        raise TypeError(
            f"{name} must be a non-empty sequence of positive integers such as (1, 2), got "
            f"{value!r}."
        )
    out = []
    for j, k in enumerate(value):
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise TypeError(f"{name} must hold positive integers, got {name}[{j}] = {k!r}.")
        if k < 1:
            raise ValueError(
                f"{name} must hold positive integers (exponents k_j >= 1), got {name}[{j}] = {k}."
            )
        out.append(int(k))
    if not out:
        raise ValueError(f"{name} is empty; give at least one exponent, e.g. (1, 1).")
    return tuple(out)


def _f64(value: float) -> np.float64:
    """``value`` as a NumPy float64 scalar.

    PyTensor turns a Python float that is exact in float32 (``3.0``, ``0.5``) into a *float32*
    constant, so ``log(sigma)`` in a Normal logp would be computed in single precision (errors
    ~1e-8 per term, summed over observations). A float64 scalar keeps the graph in double.
    """
    return np.float64(value)


def _noise(noise_sd: float | None) -> Any:
    """The likelihood's sigma: the known constant, or a ``HalfNormal("sigma")`` free variable.

    Must be called inside a model context.
    """
    if noise_sd is None:
        return pm.HalfNormal("sigma", sigma=_f64(SIGMA_PRIOR_SD))
    return _f64(noise_sd)


def _check_name(name: Any) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name must be a string, got {type(name).__name__} {name!r}.")
    return name


def _check_bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool | np.bool_):
        raise TypeError(f"{name} must be True or False, got {type(value).__name__} {value!r}.")
    return bool(value)
