"""The slope estimators of λ: ``"ladder"`` and ``"two_temperature"``.

.. math::

    E_β[n L_n] = a + \\frac{λ}{β}:

``"ladder"`` fits the line by weighted least squares over its rungs (weights
:math:`1/\\mathrm{se}_β^2`, the slope's se inflated by :math:`\\sqrt{χ^2/(k-2)}` when the rungs
scatter more than that); ``"two_temperature"`` is the same with two rungs (Watanabe 2013). The
arithmetic is :func:`pymc_slt.base.fit.weighted_slope`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

import numpy as np
import xarray as xr

from pymc_slt._validate import validate_betas
from pymc_slt.base.fit import weighted_slope
from pymc_slt.base.spec import Spec, named_check
from pymc_slt.learning_coefficient.checks import (
    DEFAULT_NUTS,
    energy_stats,
    quiet_sampling,
    sampling_diagnostics,
    warn_mixing,
)
from pymc_slt.learning_coefficient.result import LambdaJob, LearningCoefficientResult
from pymc_slt.sampling.samplers import NUTS
from pymc_slt.sampling.tempered import sample_ladder

__all__ = ["LadderSlope", "TwoTemperature", "ladder_children", "run_slope"]


@dataclass(frozen=True, kw_only=True, repr=False)
class LadderSlope(Spec):
    """``method=slt.LadderSlope(…)`` of :func:`pymc_slt.learning_coefficient`: the slope of
    :math:`E_β[n L_n]` against 1/β over a ladder (``method="ladder"`` with its defaults).

    Parameters
    ----------
    betas : sequence of float, optional
        Two or more distinct inverse temperatures, each finite and > 0; default four values
        geometrically spaced over :math:`[1/\\log n, 4/\\log n]`
        (:func:`pymc_slt.base.fit.default_betas`).
    """

    name: ClassVar[str] = "ladder"
    betas: tuple[float, ...] | None = None

    #: How many β it needs: (at least, at most).
    _count: ClassVar[tuple[int, float]] = (2, np.inf)

    def __post_init__(self) -> None:
        if self.betas is None:
            return
        family = type(self).__name__
        arr = np.sort(named_check(family, validate_betas, self.betas))
        low, high = self._count
        if not low <= arr.size <= high:
            need = f"exactly {low}" if low == high else f"at least {low}"
            raise ValueError(
                f"{family}(betas=…) must hold {need} values, got {arr.tolist()}; betas=None picks "
                "them from n."
            )
        object.__setattr__(self, "betas", tuple(float(b) for b in arr))


@dataclass(frozen=True, kw_only=True, repr=False)
class TwoTemperature(LadderSlope):
    """``method=slt.TwoTemperature(…)`` of :func:`pymc_slt.learning_coefficient`: Watanabe's
    (2013) two-point slope (``method="two_temperature"`` with its defaults).

    Parameters
    ----------
    betas : sequence of two floats, optional
        Default :math:`β_{1,2} = (1/\\log n)(1 \\mp 1/\\sqrt{2\\log n})`.
    """

    name: ClassVar[str] = "two_temperature"
    _count: ClassVar[tuple[int, float]] = (2, 2)


def ladder_children(tree: xr.DataTree) -> list[xr.DataTree]:
    """The rungs of a ladder DataTree in ascending β."""
    rungs = [child for child in tree.children.values() if "beta" in child.attrs]
    return sorted(rungs, key=lambda child: float(child.attrs["beta"]))


def run_slope(job: LambdaJob) -> tuple[LearningCoefficientResult, list[xr.DataTree]]:
    """λ̂ as the slope of :math:`E_β[n L_n]` against 1/β over ``job.betas`` (sampled with one
    :func:`~pymc_slt.sampling.tempered.sample_ladder` call, or ``job.rungs`` reused); returns
    the result and the rungs."""
    spec, sampler = job.sampler, job.sampler.name
    if job.rungs is not None:
        children = job.rungs
        sampler = str(children[0].attrs.get("sampler", sampler))
    else:
        if isinstance(spec, NUTS) and spec.target_accept is None:
            spec = replace(spec, target_accept=DEFAULT_NUTS["target_accept"])
        tree = quiet_sampling(
            sample_ladder, job.model, job.betas, sampler=spec, random_seed=job.random_seed,
            progressbar=job.progressbar,
        )  # fmt: skip
        children = ladder_children(tree)
    stats = energy_stats(children)
    fit = weighted_slope(1.0 / job.betas, stats["mean"], stats["se"])
    diag = {"n": job.n, **sampling_diagnostics(children, stats, sampler)}
    if job.method == "ladder":
        diag.update({"intercept": fit.intercept, "chi2": fit.chi2})
    warn_mixing(job.betas, diag, stacklevel=4)
    result = LearningCoefficientResult(
        fit.slope, fit.se, job.method, job.betas, stats["mean"], diag
    )
    return result, children
