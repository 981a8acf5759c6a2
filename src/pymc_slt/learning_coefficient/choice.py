"""Which sampler the default ``"local"`` λ̂ runs: NUTS where it is affordable, SGLD where not.

Full-data NUTS on a singular posterior costs about 10⁶–10⁷ full-data gradients per estimate
(long trees near the singular set), each of cost ∝ n·d; minibatch SGLD
(:mod:`pymc_slt.sampling.sgld`) costs 10⁴–10⁵ batch gradients. The rule is on
n·d, measured in docs/benchmarks.md (``networks.py``): at n·d ≤ :data:`SGLD_SIZE` NUTS
finishes in about two minutes or less on 2 cores (reduced rank 5→5→5, d = 50, n = 1,000:
123 s) and is the more accurate; above it NUTS takes from ten minutes to hours. SGLD needs JAX
and a likelihood that splits into observations (:func:`~pymc_slt.sampling.minibatch_log_density`);
when it is not available NUTS runs, with a warning that says why. NUTS also runs where SGLD's
minibatch noise ratio nβ/|B| exceeds the range SGLD was checked in
(:data:`~pymc_slt.sampling.sgld.NOISE_RATIO_CHECKED`; at β = 1/log n and 256 rows a batch, n
above about 10⁴): a regular logistic regression at n = 5·10⁴, d = 5 came out +21 % by SGLD
(3.02 ± 0.07) against NUTS's 2.47 ± 0.04 (λ = 2.5), so there the slower NUTS is kept.
"""

from __future__ import annotations

import warnings

import pymc as pm

from pymc_slt.sampling.samplers import SamplerSpec
from pymc_slt.sampling.sgld import NOISE_RATIO_CHECKED, SGLD, default_batch, noise_ratio
from pymc_slt.sampling.tempered import n_parameters

__all__ = ["SGLD_SIZE", "choose_local_sampler"]

#: Above this n·d the default sampler of ``method="local"`` is SGLD.
SGLD_SIZE = 200_000


def choose_local_sampler(
    model: pm.Model, n: int, beta: float, nuts: SamplerSpec
) -> tuple[SamplerSpec | SGLD, str]:
    """The sampler of the default ``"local"`` run at inverse temperature ``beta`` and the
    reason, for ``diagnostics``.

    ``nuts`` is what runs below :data:`SGLD_SIZE`, where SGLD's minibatch noise ratio would
    exceed the range it was checked in (:data:`~pymc_slt.sampling.sgld.NOISE_RATIO_CHECKED`),
    or when SGLD cannot run.
    """
    size = n * n_parameters(model)
    if size <= SGLD_SIZE:
        return nuts, f"nuts: n·d = {size:,} <= {SGLD_SIZE:,}"
    ratio = noise_ratio(n, beta, default_batch(n))
    if ratio > NOISE_RATIO_CHECKED:
        return nuts, (
            f"nuts: n·d = {size:,} > {SGLD_SIZE:,}, but SGLD's minibatch noise ratio nβ/|B| = "
            f"{ratio:.3g} exceeds {NOISE_RATIO_CHECKED}, where it was checked"
        )
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
