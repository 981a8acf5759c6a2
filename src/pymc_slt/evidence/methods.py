"""The log-Z methods as a registry: one entry per method, each with one ``run(job)``.

:func:`pymc_slt.log_marginal_likelihood` looks ``method`` (a name, or an options value such as
``slt.SteppingStone(n_betas=32)``) up here, checks the sampler against the entry, and calls
``entry.run(EvidenceJob(...))``: a new method is one module with an options type and a
``run(job: EvidenceJob) -> EvidenceResult``, and one entry below.

==================  ====================================  ==================  ==================
method              run                                   samplers            options type
==================  ====================================  ==================  ==================
``bridge``          :func:`~.bridge.run_bridge`           NUTS, SMC, HMCSMC   ``Bridge``
``stepping_stone``  :func:`~.path.run_ladder`             NUTS, SMC, HMCSMC   ``SteppingStone``
``thermodynamic``   :func:`~.path.run_ladder`             NUTS, SMC, HMCSMC   ``Thermodynamic``
``smc``             :func:`~.smc.run_smc_evidence`        SMC (2000 drawn)    ``SMCEvidence``
``hmc_smc``         :func:`~.smc.run_hmc_smc_evidence`    HMCSMC (2000)       ``HMCSMCEvidence``
==================  ====================================  ==================  ==================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pymc_slt.base.spec import lookup
from pymc_slt.evidence.bridge import Bridge, run_bridge
from pymc_slt.evidence.path import SteppingStone, Thermodynamic, run_ladder
from pymc_slt.evidence.result import EvidenceJob, EvidenceResult
from pymc_slt.evidence.smc import (
    HMCSMCEvidence,
    SMCEvidence,
    run_hmc_smc_evidence,
    run_smc_evidence,
)
from pymc_slt.sampling.samplers import HMCSMC, NUTS, SMC, SamplerSpec

__all__ = ["METHODS", "EvidenceMethod", "EvidenceOptions", "method_entry"]

_ANY = ("nuts", "smc", "hmc_smc")

#: A log-Z method's options value.
EvidenceOptions = Bridge | SteppingStone | Thermodynamic | SMCEvidence | HMCSMCEvidence


@dataclass(frozen=True)
class EvidenceMethod:
    """One log-Z method.

    Attributes
    ----------
    run : callable ``(EvidenceJob) -> EvidenceResult``
        Samples (or reuses ``job.data``) and estimates.
    samplers : tuple of str
        The sampler families that may draw for it.
    default_sampler : NUTS, SMC or HMCSMC
        What draws when the user names none.
    options : type
        Its options value (``options()`` are its defaults; ``name`` is the registry key).
    """

    run: Callable[[EvidenceJob], EvidenceResult]
    samplers: tuple[str, ...]
    default_sampler: SamplerSpec
    options: type[EvidenceOptions]


#: The methods by name, the default first.
METHODS: dict[str, EvidenceMethod] = {
    "bridge": EvidenceMethod(run_bridge, _ANY, NUTS(), Bridge),
    "stepping_stone": EvidenceMethod(run_ladder, _ANY, NUTS(), SteppingStone),
    "thermodynamic": EvidenceMethod(run_ladder, _ANY, NUTS(), Thermodynamic),
    "smc": EvidenceMethod(run_smc_evidence, ("smc",), SMC(draws=2000), SMCEvidence),
    "hmc_smc": EvidenceMethod(
        run_hmc_smc_evidence, ("hmc_smc",), HMCSMC(draws=2000), HMCSMCEvidence
    ),
}


def method_entry(method: object) -> tuple[EvidenceMethod, EvidenceOptions]:
    """The registry's entry for ``method`` (a name or an options value) and the options value
    (a name's defaults); a ``ValueError`` listing the valid names otherwise."""
    return lookup(METHODS, method, "slt.SteppingStone(n_betas=32)")  # type: ignore[return-value]
