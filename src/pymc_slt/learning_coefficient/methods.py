"""The λ estimators as a registry: one entry per estimator, each with one ``run(job)``.

:func:`pymc_slt.learning_coefficient` validates its arguments into a
:class:`~pymc_slt.learning_coefficient.result.LambdaJob`, looks ``method`` up here and calls
``entry.run(job)``, which returns the result and what the λ̂ ≤ d/2 check needs to find the best
draw: a new estimator is one module with a ``run`` and one entry below.

=====================  ==================================================  ==============
method                 run                                                 options
=====================  ==================================================  ==============
``local``              :func:`~.local.run_local`                           point, gamma
``ladder``             :func:`~.slope.run_slope`                           –
``two_temperature``    :func:`~.slope.run_slope`                           –
=====================  ==================================================  ==============
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pymc_slt.learning_coefficient.local import run_local
from pymc_slt.learning_coefficient.result import LambdaJob
from pymc_slt.learning_coefficient.slope import run_slope

__all__ = ["ESTIMATORS", "LambdaEstimator", "estimator_entry"]


@dataclass(frozen=True)
class LambdaEstimator:
    """One λ estimator.

    Attributes
    ----------
    run : callable ``(LambdaJob) -> (LearningCoefficientResult, rungs or None)``
        Samples (or reuses) and estimates; the rungs (None for ``"local"``, whose best draw is
        its point) feed the λ̂ ≤ d/2 check.
    options : tuple of str
        The options of its own that it takes.
    """

    run: Callable[[LambdaJob], tuple[Any, Any]]
    options: tuple[str, ...] = ()


#: The estimators by name, the default first.
ESTIMATORS: dict[str, LambdaEstimator] = {
    "local": LambdaEstimator(run_local, ("point", "gamma")),
    "ladder": LambdaEstimator(run_slope),
    "two_temperature": LambdaEstimator(run_slope),
}


def estimator_entry(method: object) -> LambdaEstimator:
    """The registry's entry for ``method``, or a ``ValueError`` listing the valid names."""
    if not isinstance(method, str) or method not in ESTIMATORS:
        raise ValueError(f"method must be one of {list(ESTIMATORS)}, got {method!r}.")
    return ESTIMATORS[method]
