"""The λ estimators as a registry: one entry per estimator, each with one ``run(job)``.

:func:`pymc_slt.learning_coefficient` validates its arguments into a
:class:`~pymc_slt.learning_coefficient.result.LambdaJob`, looks ``method`` up here and calls
``entry.run(job)``, which returns the result and what the λ̂ ≤ d/2 check needs to find the best
draw: a new estimator is one module with a ``run`` and one entry below.

=====================  ==========================================  ==================
method                 run                                         options type
=====================  ==========================================  ==================
``local``              :func:`~.local.run_local`                   ``LocalLambda``
``ladder``             :func:`~.slope.run_slope`                   ``LadderSlope``
``two_temperature``    :func:`~.slope.run_slope`                   ``TwoTemperature``
=====================  ==========================================  ==================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pymc_slt.base.spec import lookup
from pymc_slt.learning_coefficient.local import LocalLambda, run_local
from pymc_slt.learning_coefficient.result import LambdaJob
from pymc_slt.learning_coefficient.slope import LadderSlope, TwoTemperature, run_slope

__all__ = ["ESTIMATORS", "LambdaEstimator", "LambdaOptions", "estimator_entry"]

#: A λ estimator's options value.
LambdaOptions = LocalLambda | LadderSlope | TwoTemperature


@dataclass(frozen=True)
class LambdaEstimator:
    """One λ estimator.

    Attributes
    ----------
    run : callable ``(LambdaJob) -> (LearningCoefficientResult, rungs or None)``
        Samples (or reuses) and estimates; the rungs (None for ``"local"``, whose best draw is
        its point) feed the λ̂ ≤ d/2 check.
    options : type
        Its options value (``options()`` are its defaults; ``name`` is the registry key).
    """

    run: Callable[[LambdaJob], tuple[Any, Any]]
    options: type[LambdaOptions]


#: The estimators by name, the default first.
ESTIMATORS: dict[str, LambdaEstimator] = {
    "local": LambdaEstimator(run_local, LocalLambda),
    "ladder": LambdaEstimator(run_slope, LadderSlope),
    "two_temperature": LambdaEstimator(run_slope, TwoTemperature),
}


def estimator_entry(method: object) -> tuple[LambdaEstimator, LambdaOptions]:
    """The registry's entry for ``method`` (a name or an options value) and the options value
    (a name's defaults); a ``ValueError`` listing the valid names otherwise."""
    return lookup(ESTIMATORS, method, "slt.LocalLambda(gamma=0.1)")  # type: ignore[return-value]
