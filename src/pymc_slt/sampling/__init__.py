"""Draws from tempered posteriors :math:`p_β(w) ∝ φ(w) \\exp(-β n L_n(w))`.

* :mod:`~pymc_slt.sampling.tempered`: :func:`sample_tempered`, :func:`sample_ladder` and
  :class:`CompiledTempered` (one nutpie compilation, any β).
* :mod:`~pymc_slt.sampling.diagnostics`: divergences, r̂ and bulk ESS of a run.
* :mod:`~pymc_slt.sampling.langevin`: noisy gradient descent on PyTensor gradients.
"""

from pymc_slt.sampling.diagnostics import MixingReport, check_mixing
from pymc_slt.sampling.langevin import noisy_gradient_descent
from pymc_slt.sampling.tempered import (
    CompiledTempered,
    n_observations,
    sample_ladder,
    sample_tempered,
)

__all__ = [
    "CompiledTempered",
    "MixingReport",
    "check_mixing",
    "n_observations",
    "noisy_gradient_descent",
    "sample_ladder",
    "sample_tempered",
]
