"""The log-Z methods as a registry: one entry per method, each with one ``run(job)``.

:func:`pymc_slt.log_marginal_likelihood` looks ``method`` up here, checks the sampler and the
options against the entry, and calls ``entry.run(EvidenceJob(...))``: a new method is one
module with a ``run(job: EvidenceJob) -> EvidenceResult`` and one entry below.

==================  =====================================  ==================  ================
method              run                                    samplers            options
==================  =====================================  ==================  ================
``bridge``          :func:`~.bridge.run_bridge`            NUTS, SMC, HMCSMC   bridge_proposal
``stepping_stone``  :func:`~.path.run_ladder`              NUTS, SMC, HMCSMC   betas, n_betas
``thermodynamic``   :func:`~.path.run_ladder`              NUTS, SMC, HMCSMC   betas, n_betas
``smc``             :func:`~.smc.run_smc_evidence`         SMC (2000 drawn)    –
``hmc_smc``         :func:`~.smc.run_hmc_smc_evidence`     HMCSMC (2000)       –
==================  =====================================  ==================  ================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from pymc_slt.evidence.bridge import run_bridge
from pymc_slt.evidence.path import run_ladder
from pymc_slt.evidence.result import EvidenceJob, EvidenceResult
from pymc_slt.evidence.smc import run_hmc_smc_evidence, run_smc_evidence
from pymc_slt.sampling.samplers import HMCSMC, NUTS, SMC, SamplerSpec

__all__ = ["METHODS", "EvidenceMethod", "method_entry", "misplaced_options"]

_ANY = ("nuts", "smc", "hmc_smc")


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
    options : tuple of str
        The options of its own that it takes.
    """

    run: Callable[[EvidenceJob], EvidenceResult]
    samplers: tuple[str, ...]
    default_sampler: SamplerSpec
    options: tuple[str, ...] = ()


#: The methods by name, the default first.
METHODS: dict[str, EvidenceMethod] = {
    "bridge": EvidenceMethod(run_bridge, _ANY, NUTS(), ("bridge_proposal",)),
    "stepping_stone": EvidenceMethod(run_ladder, _ANY, NUTS(), ("betas", "n_betas")),
    "thermodynamic": EvidenceMethod(run_ladder, _ANY, NUTS(), ("betas", "n_betas")),
    "smc": EvidenceMethod(run_smc_evidence, ("smc",), SMC(draws=2000)),
    "hmc_smc": EvidenceMethod(run_hmc_smc_evidence, ("hmc_smc",), HMCSMC(draws=2000)),
}


def method_entry(method: object) -> EvidenceMethod:
    """The registry's entry for ``method``, or a ``ValueError`` listing the valid names."""
    if not isinstance(method, str) or method not in METHODS:
        raise ValueError(f"method must be one of {list(METHODS)}, got {method!r}.")
    return METHODS[method]


def misplaced_options(method: str, given: dict[str, object]) -> None:
    """A ``ValueError`` for an option given (not None) that ``method`` does not take, naming
    the methods that do."""
    for name, value in given.items():
        if value is not None and name not in METHODS[method].options:
            takers = " or ".join(repr(m) for m, e in METHODS.items() if name in e.options)
            raise ValueError(f"{name} applies to method={takers}, not method={method!r}; drop it.")
