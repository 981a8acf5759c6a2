"""Array arithmetic behind the learning-coefficient estimators (no sampling, no PyMC).

* :func:`weighted_slope` — weighted least-squares line of :math:`E_β[n L_n]` against
  :math:`1/β`, weights :math:`1/\\mathrm{se}_k^2`, with the standard error of the slope;
* :func:`default_betas` — the inverse temperatures each method uses when the user gives none.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

__all__ = ["LineFit", "default_betas", "weighted_slope"]


class LineFit(NamedTuple):
    """Weighted least-squares line ``y = intercept + slope · x``.

    ``chi2`` is the weighted residual sum of squares (0 for two points); ``se`` already carries
    the Birge-ratio inflation :math:`\\sqrt{\\max(1, χ^2/(k-2))}` when the line does not fit the
    points within their errors.
    """

    slope: float
    se: float
    intercept: float
    chi2: float


def weighted_slope(x: np.ndarray, y: np.ndarray, se: np.ndarray) -> LineFit:
    """Slope of the weighted least-squares line through ``(x_k, y_k)`` with errors ``se_k``.

    .. math::

        \\hat b = \\frac{\\sum_k w_k (x_k - \\bar x_w)(y_k - \\bar y_w)}{\\sum_k w_k (x_k -
        \\bar x_w)^2},\\qquad w_k = 1/\\mathrm{se}_k^2,\\qquad
        \\mathrm{se}(\\hat b)^2 = \\frac{\\max(1, χ^2/(k-2))}{\\sum_k w_k (x_k - \\bar x_w)^2}.

    With two points this is the finite difference :math:`(y_1 - y_2)/(x_1 - x_2)` with
    :math:`\\mathrm{se} = \\sqrt{\\mathrm{se}_1^2 + \\mathrm{se}_2^2}/|x_1 - x_2|`. If some
    ``se_k`` is not finite and > 0 the points are weighted equally and the slope's error comes
    from the residuals alone (NaN for two points).
    """
    x, y, se = (np.asarray(a, dtype=float) for a in (x, y, se))
    k = x.size
    known = bool(np.all(np.isfinite(se) & (se > 0)))
    w = 1.0 / se**2 if known else np.ones(k)
    xbar = np.sum(w * x) / np.sum(w)
    ybar = np.sum(w * y) / np.sum(w)
    sxx = np.sum(w * (x - xbar) ** 2)
    slope = float(np.sum(w * (x - xbar) * (y - ybar)) / sxx)
    intercept = float(ybar - slope * xbar)
    chi2 = float(np.sum(w * (y - intercept - slope * x) ** 2))
    if known:
        scale = max(1.0, chi2 / (k - 2)) if k > 2 else 1.0
    else:
        scale = chi2 / (k - 2) if k > 2 else float("nan")
    return LineFit(slope, float(np.sqrt(scale / sxx)), intercept, chi2)


def default_betas(n: int, method: str) -> np.ndarray:
    """Inverse temperatures used by ``method`` when none are given (ascending).

    * ``"two_temperature"``: :math:`β_{1,2} = (1/\\log n)(1 \\mp 1/\\sqrt{2\\log n})`
      (Watanabe 2013);
    * ``"ladder"``: four values geometrically spaced over :math:`[1/\\log n, 4/\\log n]`, where
      the slope of :math:`E_β[n L_n]` was closest to λ in our benchmark (see
      :func:`pymc_slt.learning_coefficient.estimate.learning_coefficient`, Notes);
    * ``"local"``: :math:`β = 1/\\log n` (:math:`nβ = n/\\log n`, devinterp's default).
    """
    log_n = np.log(n)
    beta_star = 1.0 / log_n
    spread = 1.0 / np.sqrt(2.0 * log_n)
    lo, hi = beta_star * (1.0 - spread), beta_star * (1.0 + spread)
    if method == "two_temperature":
        return np.array([lo, hi])
    if method == "ladder":
        return np.geomspace(beta_star, 4.0 * beta_star, 4)
    return np.array([beta_star])
