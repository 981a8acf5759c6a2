"""The posterior mean of :math:`n L_n(w)` and its Monte-Carlo standard error: one rule for all.

WBIC, the learning-coefficient estimators, the sweep's ``energy`` quantity and the study report
all estimate :math:`E_β[n L_n(w)]` from draws laid out ``(chain, draw)``; they all call
:func:`energy_mean`, so the same draws give the same standard error everywhere.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from arviz_stats.base import array_stats

__all__ = ["EnergyMean", "energy_mean"]


class EnergyMean(NamedTuple):
    """Mean of :math:`n L_n` over draws, its Monte-Carlo standard error and the ESS behind it."""

    mean: float
    se: float
    ess: float


def energy_mean(energy: np.ndarray) -> EnergyMean:
    """Mean of ``energy`` (shape ``(chain, draw)``), its Monte-Carlo standard error and ESS.

    .. math::

        \\widehat{E}[n L_n] = \\frac{1}{CS}\\sum_{c,s} n L_n(w_{cs}),\\qquad
        \\mathrm{se} = \\sqrt{\\operatorname{Var}[n L_n] / \\mathrm{ESS}_\\mathrm{mean}},

    with the ESS of the mean (arviz-stats ``mcse`` and ``ess``, ``method="mean"``; Vehtari et al.
    2021, doi:10.1214/20-BA1221), so autocorrelated draws are not counted as independent. With
    fewer than 4 draws per chain (or 8 in all) the se and ESS are NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from pymc_slt.base.energy import energy_mean
    >>> rng = np.random.default_rng(0)
    >>> res = energy_mean(rng.normal(10.0, 2.0, size=(4, 1000)))
    >>> round(res.mean, 1), bool(0.02 < res.se < 0.05)
    (10.0, True)
    """
    arr = np.asarray(energy, dtype=float)
    mean = float(arr.mean())
    if arr.size < 8 or arr.shape[-1] < 4:
        return EnergyMean(mean, float("nan"), float("nan"))
    kwargs = {"chain_axis": 0, "draw_axis": 1, "method": "mean"}
    se = float(array_stats.mcse(arr, **kwargs))
    ess = float(array_stats.ess(arr, **kwargs))
    return EnergyMean(mean, se, ess)
