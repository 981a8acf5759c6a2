"""The learning coefficient λ from the growth of the free energy with n.

Watanabe's asymptotic expansion of the free energy :math:`F_n = -\\log Z_n` (docs/theory.md),

.. math::

    F_n = n L_n(w_0) + λ \\log n - (m - 1) \\log\\log n + O_p(1),

says that once the energy of the best fit is taken away, what is left grows like
:math:`λ \\log n`. :func:`fit_free_energy` fits that line to free energies measured at several n;
the arithmetic is the weighted least squares of :mod:`pymc_slt.base.fit`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pymc_slt.base.fit import weighted_slope
from pymc_slt.base.result import Result

__all__ = ["FreeEnergyFit", "fit_free_energy"]


@dataclass(frozen=True, slots=True)
class FreeEnergyFit(Result):
    """The line :math:`F_n - n L_n(\\hat w) = λ \\log n + c` fitted over several n.

    Attributes
    ----------
    estimate : float
        :math:`\\hat λ`, the slope against :math:`\\log n` (also ``lam``).
    se : float
        Its standard error from the regression covariance (NaN with fewer than 3 points; also
        ``lam_se``).
    intercept : float
        :math:`\\hat c`, the O(1) part of the free energy.
    method : str
        ``"free_energy_fit"``.
    diagnostics : Mapping
        Read-only; ``intercept`` again.
    """

    estimate: float
    se: float
    intercept: float
    method: str = "free_energy_fit"
    diagnostics: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._freeze(intercept=self.intercept)

    @property
    def lam(self) -> float:
        """``estimate``: :math:`\\hat λ`."""
        return self.estimate

    @property
    def lam_se(self) -> float:
        """``se``: the standard error of :math:`\\hat λ`."""
        return self.se

    def excess(self, n: Any) -> np.ndarray:
        """Fitted :math:`F_n - n L_n(\\hat w) = \\hat λ \\log n + \\hat c` at ``n``."""
        return self.lam * np.log(np.asarray(n, dtype=float)) + self.intercept

    def __repr__(self) -> str:
        return "\n".join(
            [
                "FreeEnergyFit(F_n − n L_n(ŵ) = λ log n + c)",
                f"{'':>4}{'Estimate':>12}{'SE':>10}",
                f"{'λ̂':>4}{self.lam:>12.4f}{self.lam_se:>10.4f}",
                f"{'c':>4}{self.intercept:>12.4f}",
            ]
        )


def _vector(value: Any, name: str, size: int | None = None) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be a 1-D sequence of numbers, got {value!r}.") from err
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one value per n), got shape {arr.shape}.")
    if size is not None and arr.size != size:
        raise ValueError(f"{name} has {arr.size} values but n has {size}; give one per n.")
    return arr


def fit_free_energy(n: Any, free_energy: Any, min_energy: Any, se: Any = None) -> FreeEnergyFit:
    """Fit :math:`F_n - n L_n(\\hat w) = λ \\log n + c` by weighted least squares.

    Parameters
    ----------
    n : sequence of int
        Sample sizes, > 0, at least two distinct (repeats, e.g. several seeds, are fine).
    free_energy : sequence of float
        :math:`F_n = -\\log Z_n` at each n, finite.
    min_energy : sequence of float
        :math:`n L_n(\\hat w) = -\\max_w \\sum_i \\log p(y_i \\mid x_i, w)` at each n, finite.
    se : sequence of float, optional
        Standard errors of ``free_energy``, ≥ 0 or NaN. When all are finite and > 0 the points
        are weighted by :math:`1/\\mathrm{se}^2`; otherwise equally.

    Returns
    -------
    FreeEnergyFit
        ``estimate`` (:math:`\\hat λ`, also ``lam``), ``se`` and ``intercept`` (:math:`\\hat c`).

    Raises
    ------
    TypeError
        If an argument is not a sequence of numbers.
    ValueError
        If the lengths differ, a value is not finite (``se``: negative), some n ≤ 0, or there
        are fewer than two distinct n.

    Notes
    -----
    With :math:`x_k = \\log n_k` and :math:`y_k = F_{n_k} - n_k L_{n_k}(\\hat w_k)` (docs/theory.md:
    :math:`F_n = n L_n(w_0) + λ \\log n - (m-1)\\log\\log n + O_p(1)`, and
    :math:`n L_n(\\hat w) = n L_n(w_0) + O_p(1)`),

    .. math::

        \\hat λ = \\frac{\\sum_k w_k (x_k - \\bar x_w)(y_k - \\bar y_w)}
        {\\sum_k w_k (x_k - \\bar x_w)^2},
        \\qquad \\mathrm{se}(\\hat λ)^2 = \\frac{s^2}{\\sum_k w_k (x_k - \\bar x_w)^2},

    with :math:`w_k = 1/\\mathrm{se}_k^2` and :math:`s^2 = \\max(1, χ^2/(k-2))` (the Birge
    ratio: the O_p(1) scatter of the points about the line is not in the Monte-Carlo se), or
    :math:`w_k = 1` and :math:`s^2 = χ^2/(k-2)` without standard errors. The
    :math:`-(m-1)\\log\\log n` term is absorbed into the line, so for multiplicity m > 1 the
    slope is biased down by about :math:`(m-1)/\\log n`.

    References
    ----------
    Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge
    University Press, ch. 6. https://doi.org/10.1017/CBO9780511800474

    Examples
    --------
    >>> import numpy as np
    >>> from pymc_slt.learning_coefficient.free_energy_fit import fit_free_energy
    >>> n = np.array([100, 200, 400, 800])
    >>> energy = 1.4 * n
    >>> fit = fit_free_energy(n, energy + 0.5 * np.log(n) + 2.0, energy)
    >>> round(fit.lam, 6), round(fit.intercept, 6)
    (0.5, 2.0)
    """
    n_arr = _vector(n, "n")
    f_arr = _vector(free_energy, "free_energy", n_arr.size)
    e_arr = _vector(min_energy, "min_energy", n_arr.size)
    se_arr = np.full(n_arr.size, np.nan) if se is None else _vector(se, "se", n_arr.size)
    for name, arr in (("n", n_arr), ("free_energy", f_arr), ("min_energy", e_arr)):
        if not np.all(np.isfinite(arr)):
            raise ValueError(
                f"{name} holds NaN/inf at positions {np.flatnonzero(~np.isfinite(arr))}."
            )
    if np.any(n_arr <= 0):
        raise ValueError(f"n must be > 0 (sample sizes), got {n_arr[n_arr <= 0]}.")
    if np.any(se_arr < 0) or np.any(np.isinf(se_arr)):
        raise ValueError(f"se must be >= 0 and finite (or NaN for unknown), got {se_arr}.")
    if np.unique(n_arr).size < 2:
        raise ValueError(
            f"the slope in log n needs at least two distinct n, got n = {np.unique(n_arr)}; "
            "measure the free energy at more sample sizes."
        )
    fit = weighted_slope(np.log(n_arr), f_arr - e_arr, se_arr)
    lam_se = fit.se if n_arr.size >= 3 else float("nan")
    return FreeEnergyFit(float(fit.slope), float(lam_se), float(fit.intercept))
