"""The learning coefficient λ (RLCT): estimators, their result, and λ from F_n over n.

* :mod:`~pymc_slt.learning_coefficient.estimate`: :func:`learning_coefficient` (``"local"``,
  ``"ladder"``, ``"two_temperature"``).
* :mod:`~pymc_slt.learning_coefficient.methods`: the registry of estimators, each one
  ``run(job)``.
* :mod:`~pymc_slt.learning_coefficient.local`: ``"local"``, the localized posterior around a
  point w*.
* :mod:`~pymc_slt.learning_coefficient.sgld`: ``"local"`` by minibatch SGLD (``slt.SGLD``), for
  networks where NUTS is too dear; :mod:`~pymc_slt.learning_coefficient.choice`: which of the
  two the default runs.
* :mod:`~pymc_slt.learning_coefficient.slope`: ``"ladder"`` and ``"two_temperature"``.
* :mod:`~pymc_slt.learning_coefficient.checks`: NUTS's default here, mixing checks.
* :mod:`~pymc_slt.learning_coefficient.result`: :class:`LearningCoefficientResult` and the
  ``LambdaJob`` every estimator's ``run`` gets.
* :mod:`~pymc_slt.learning_coefficient.free_energy_fit`: λ as the slope of
  :math:`F_n - n L_n(\\hat w)` against :math:`\\log n`.

Known values of λ are in :mod:`pymc_slt.theory`.
"""

from pymc_slt.learning_coefficient.estimate import learning_coefficient
from pymc_slt.learning_coefficient.free_energy_fit import FreeEnergyFit, fit_free_energy
from pymc_slt.learning_coefficient.local import LocalLambda
from pymc_slt.learning_coefficient.result import LearningCoefficientResult, ladder_dataset
from pymc_slt.learning_coefficient.slope import LadderSlope, TwoTemperature

__all__ = [
    "FreeEnergyFit",
    "LadderSlope",
    "LearningCoefficientResult",
    "LocalLambda",
    "TwoTemperature",
    "fit_free_energy",
    "ladder_dataset",
    "learning_coefficient",
]
