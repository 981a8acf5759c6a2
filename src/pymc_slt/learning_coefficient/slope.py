"""The slope estimators of λ: ``"ladder"`` and ``"two_temperature"``.

.. math::

    E_β[n L_n] = a + \\frac{λ}{β}:

``"ladder"`` fits the line by weighted least squares over its rungs (weights
:math:`1/\\mathrm{se}_β^2`, the slope's se inflated by :math:`\\sqrt{χ^2/(k-2)}` when the rungs
scatter more than that); ``"two_temperature"`` is the same with two rungs (Watanabe 2013). The
arithmetic is :func:`pymc_slt.base.fit.weighted_slope`.
"""

from __future__ import annotations

from dataclasses import replace

import xarray as xr

from pymc_slt.base.fit import weighted_slope
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

__all__ = ["ladder_children", "run_slope"]


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
