"""What every evidence method gets and gives: :class:`EvidenceJob` (the one argument of each
method's ``run``) and :class:`EvidenceResult`, and the warning helper."""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pymc_slt.base.bridge import Doubt
from pymc_slt.base.result import Result

__all__ = ["Doubt", "EvidenceJob", "EvidenceResult", "EvidenceWarning", "warn_problems"]


@dataclass(frozen=True)
class EvidenceJob:
    """The one argument of every log-Z method's ``run`` (the registry
    :data:`pymc_slt.evidence.methods.METHODS`), validated by
    :func:`pymc_slt.log_marginal_likelihood`.

    Attributes
    ----------
    model : pymc.Model
        The model.
    method : str
        The method's name (one ``run`` may serve two, as the ladder's does).
    data : xarray.DataTree or None
        Draws to reuse instead of sampling.
    sampler : NUTS, SMC or HMCSMC
        What samples, with its settings (:mod:`pymc_slt.sampling.samplers`).
    seeds : sequence of int
        Independent seeds: sampling, the estimator's own randomness, a check.
    progressbar : bool
        Show the samplers' progress.
    options : Mapping
        The method's own options (e.g. ``bridge_proposal``, ``betas``), None where not given.
    """

    model: Any
    method: str
    data: Any
    sampler: Any
    seeds: tuple[int, ...]
    progressbar: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EvidenceResult(Result):
    """An estimate of the log marginal likelihood and its standard error.

    Attributes
    ----------
    estimate : float
        Estimate of :math:`\\log Z_n = \\log \\int φ(w) \\exp(-n L_n(w))\\,dw`.
    se : float
        Its standard error (Monte Carlo, plus discretisation for ``"thermodynamic"``).
    method : str
        The method that produced it, one of :data:`METHODS`.
    diagnostics : Mapping
        Method-specific numbers (read-only), e.g. per-chain estimates, β ladder, Pareto k̂.
    log_z : float
        ``estimate`` (a property).
    free_energy : float
        :math:`F_n = -\\log Z_n` (a property; its standard error is ``se``).
    """

    estimate: float
    se: float
    method: str
    diagnostics: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._freeze()

    @property
    def log_z(self) -> float:
        """``estimate``: :math:`\\log Z_n`."""
        return self.estimate

    @property
    def free_energy(self) -> float:
        """:math:`F_n = -\\log Z_n`."""
        return -self.estimate

    def __repr__(self) -> str:
        rows = [
            f"EvidenceResult(method={self.method!r})",
            f"{'':<14}{'Estimate':>14}{'SE':>10}",
            f"{'log Z':<14}{self.log_z:>14.4f}{self.se:>10.4f}",
            f"{'free energy':<14}{self.free_energy:>14.4f}{self.se:>10.4f}",
        ]
        scalars = [
            f"{key}={_short(value)}"
            for key, value in self.diagnostics.items()
            if _short(value) is not None
        ]
        if scalars:
            rows.append("diagnostics: " + ", ".join(scalars))
        return "\n".join(rows)


def _short(value: Any) -> str | None:
    """A compact string for a scalar or a short tuple, None for arrays (kept out of the repr)."""
    if isinstance(value, numbers.Integral):
        return str(value)
    if isinstance(value, numbers.Real):
        return f"{float(value):.6g}"
    if isinstance(value, tuple) and len(value) <= 4:
        parts = [_short(v) for v in value]
        return "(" + ", ".join(parts) + ")" if all(p is not None for p in parts) else None
    return None


class EvidenceWarning(UserWarning):
    """An evidence estimate that may be wrong: bridge sampling on a multimodal posterior
    (r̂, disagreeing halves, Pareto k̂), a ladder step too long, SMC weights that are not finite.
    The estimate is still returned; the message names the remedy."""


def warn_problems(problems: list[str], remedy: str) -> None:
    """One :class:`EvidenceWarning` listing ``problems`` with ``remedy`` (nothing if none)."""
    if problems:
        message = "; ".join(problems) + f". Remedy: {remedy}. The estimate is still returned."
        warnings.warn(message, EvidenceWarning, stacklevel=4)  # here, method's run, public, caller
