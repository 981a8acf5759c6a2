"""Which sampler the default ``"local"`` λ̂ runs: NUTS where it is affordable, SGLD where not.

Full-data NUTS on a singular posterior costs about 10⁶–10⁷ full-data gradients per estimate
(long trees near the singular set), each of cost ∝ n·d; minibatch SGLD
(:mod:`pymc_slt.sampling.sgld`) costs 10⁴–10⁵ batch gradients. The rule is on
n·d, measured in docs/benchmarks.md (``networks.py``): at n·d ≤ :data:`SGLD_SIZE` NUTS
finishes in about two minutes or less on 2 cores (reduced rank 5→5→5, d = 50, n = 1,000:
123 s) and is the more accurate; above it NUTS takes from ten minutes to hours. SGLD needs JAX
and a likelihood that splits into observations (:func:`~pymc_slt.sampling.minibatch_log_density`);
when it is not available NUTS runs, with a warning that says why.
"""

from __future__ import annotations

import warnings

import pymc as pm

from pymc_slt.sampling.samplers import SamplerSpec
from pymc_slt.sampling.sgld import SGLD
from pymc_slt.sampling.tempered import n_parameters

__all__ = ["SGLD_SIZE", "choose_local_sampler"]

#: Above this n·d the default sampler of ``method="local"`` is SGLD.
SGLD_SIZE = 200_000


def choose_local_sampler(
    model: pm.Model, n: int, nuts: SamplerSpec
) -> tuple[SamplerSpec | SGLD, str]:
    """The sampler of the default ``"local"`` run and the reason, for ``diagnostics``.

    ``nuts`` is what runs below :data:`SGLD_SIZE` (or when SGLD cannot run).
    """
    size = n * n_parameters(model)
    if size <= SGLD_SIZE:
        return nuts, f"nuts: n·d = {size:,} <= {SGLD_SIZE:,}"
    try:
        from pymc_slt.sampling.minibatch import minibatch_log_density

        minibatch_log_density(model)
    except (ImportError, ValueError) as err:
        reason = f"nuts: n·d = {size:,} > {SGLD_SIZE:,} but SGLD cannot run ({err})"
        warnings.warn(
            f"NUTS samples this model (n·d = {size:,}) and may take long: SGLD, the faster "
            f"choice at this size, cannot run: {err}",
            UserWarning,
            stacklevel=3,
        )
        return nuts, reason
    return SGLD(), f"sgld: n·d = {size:,} > {SGLD_SIZE:,}"
