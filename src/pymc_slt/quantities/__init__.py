"""The per-model quantities of :func:`pymc_slt.compare`, the sweep and the study, in one registry.

* :mod:`~pymc_slt.quantities.registry`: :data:`QUANTITIES` (name → how it is computed and the
  columns it fills) and the rules they share (which sampler, which draws).
* :mod:`~pymc_slt.quantities.context`: :class:`RunContext`, one model's run: its sampler,
  seeds, options, and the draws its quantities share.
"""

from pymc_slt.quantities.context import RunContext
from pymc_slt.quantities.registry import BETA_QUANTITIES, QUANTITIES, Quantity, QuantityResult

__all__ = ["BETA_QUANTITIES", "QUANTITIES", "Quantity", "QuantityResult", "RunContext"]
