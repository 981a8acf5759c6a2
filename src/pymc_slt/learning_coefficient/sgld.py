"""The local learning coefficient λ̂(w*) by minibatch SGLD (``sampler=slt.SGLD(…)``), for
networks where NUTS is too dear: the run, its settings and checks are in
:mod:`pymc_slt.sampling.sgld`; this module turns its mean energy into λ̂ and checks the point.
"""

from __future__ import annotations

import warnings

import numpy as np

from pymc_slt.learning_coefficient.result import LambdaJob, LearningCoefficientResult
from pymc_slt.sampling.diagnostics import PoorMixingWarning
from pymc_slt.sampling.sgld import SGLD, sgld_energy

__all__ = ["MINIMUM_SHARE", "run_sgld_local"]

#: θ* is not a minimum when its gradient promises a drop in β n L_n above this share of |λ̂|
#: (or 0.05).
MINIMUM_SHARE = 0.01


def run_sgld_local(job: LambdaJob) -> tuple[LearningCoefficientResult, None]:
    """``method="local"`` with ``sampler=slt.SGLD(…)`` (module docstring)."""
    beta = float(job.betas[0])
    mean, se, diag = sgld_energy(
        job.model, beta=beta, gamma=float(job.gamma), point=job.point, spec=job.sampler,
        random_seed=job.random_seed, progressbar=job.progressbar,
    )  # fmt: skip
    estimate = beta * (mean - diag["point_energy"])
    _warn_point(estimate, beta * se, diag, job.sampler)
    result = LearningCoefficientResult(
        float(estimate), float(beta * se), "local", job.betas, np.array([mean]), diag
    )
    return result, None


def _warn_point(estimate: float, se: float, diag: dict, spec: SGLD) -> None:
    """Warn when θ* is not a minimum of n L_n (module docstring, **Failures**)."""
    if estimate < -2 * se or diag["gradient_drop"] > max(0.05, MINIMUM_SHARE * abs(estimate)):
        warnings.warn(
            f"w* is not a minimum of n L_n: λ̂ = {estimate:.3g} ± {se:.2g}, and the gradient "
            f"there promises a drop of {diag['gradient_drop']:.3g} in β n L_n. λ̂ is then "
            "biased low. Remedy: pass point= a trained minimum (method=slt.LocalLambda(point="
            f"…)), or more optimizer steps (sampler=slt.SGLD(optimizer_steps="
            f"{4 * spec.optimizer_steps}))."
            " The estimate is still returned.",
            PoorMixingWarning,
            stacklevel=5,
        )
