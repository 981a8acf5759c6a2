"""Which sampler the default ``"local"`` λ̂ runs: NUTS where it is affordable, SGLD where not.

Full-data NUTS on a singular posterior costs about 10⁶–10⁷ full-data gradients per estimate
(long trees near the singular set), each of cost ∝ n·d; minibatch SGLD
(:mod:`pymc_slt.sampling.sgld`) costs 10⁴–10⁵ batch gradients. The rule is on
n·d, measured in docs/benchmarks.md (``networks.py``): at n·d ≤ :data:`SGLD_SIZE` NUTS
finishes in about two minutes or less on 2 cores (reduced rank 5→5→5, d = 50, n = 1,000:
123 s) and is the more accurate; above it NUTS takes from ten minutes to hours. SGLD needs JAX
and a likelihood that splits into observations (:func:`~pymc_slt.sampling.minibatch_log_density`);
when it is not available NUTS runs, with a warning that says why.

Above :data:`SGLD_SIZE`, where nβ is so large that SGLD's batch must grow past 256 rows to
hold its minibatch noise ratio nβ/|B| at :data:`~pymc_slt.sampling.sgld.NOISE_RATIO_CHECKED`
(at β = 1/log n, n above about 1.1·10⁴), NUTS still runs for a model of at most
:data:`NUTS_DIMENSION` parameters or of n·d at most :data:`NUTS_NOISE_SIZE`: there a regular
model's NUTS is affordable and the more accurate, while SGLD's step and noise bias it up.

* A logistic regression at n = 5·10⁴, d = 5 (λ = 2.5): NUTS 2.47 ± 0.04 in 124 s; SGLD with the
  grown batch (1,083 rows, ratio 4.3) 2.71 ± 0.09 in 26 s, +8 %, half of it the first-order
  bias of its step and noise, 0.10 (:func:`~pymc_slt.sampling.sgld_rounds.step_bias`; +21 % at
  256 rows).
* A logistic regression at n = 2·10⁴, d = 30 (λ = 15; n·d = 6·10⁵): NUTS 14.81 ± 0.10 in
  about two minutes; SGLD with the grown batch (476 rows) 15.98 ± 0.25 in 44 s, +6.5 %.
* The same at n = 10⁵ (n·d = 3·10⁶, above :data:`NUTS_NOISE_SIZE`): SGLD (2,044 rows)
  15.87 ± 0.32 in 64 s, with the warning that λ̂ exceeds d/2, naming SGLD's step bias (0.58)
  and its remedy; NUTS 14.62 ± 0.10 in 440 s (``benchmarks/sgld_noise.py --choice``). Part of
  the gap is the centre: NUTS's best pilot draw against SGLD's minimum (docs/benchmarks.md).

A larger model, a network, runs SGLD with the grown batch: there NUTS takes from ten minutes
(reduced rank 5→5→5 at n = 10⁴, n·d = 5·10⁵: 583 s) to hours, and SGLD's λ̂ moved little with
the noise ratio (a deep linear network of 512 weights at n = 10⁴: 31.7, 31.8, 32.2 at ratios
1.1, 4.2, 17; at n = 5·10⁴, n·d = 2.6·10⁷, 31.4 ± 0.5 with 1,088 rows, λ = 32).
"""

from __future__ import annotations

import warnings

import pymc as pm

from pymc_slt.sampling.samplers import SamplerSpec
from pymc_slt.sampling.sgld import BATCH_ROWS, NOISE_RATIO_CHECKED, SGLD, default_batch
from pymc_slt.sampling.tempered import n_parameters

__all__ = ["NUTS_DIMENSION", "NUTS_NOISE_SIZE", "SGLD_SIZE", "choose_local_sampler"]

#: Above this n·d the default sampler of ``method="local"`` is SGLD.
SGLD_SIZE = 200_000
#: At most this many parameters, NUTS runs above :data:`SGLD_SIZE` where SGLD's batch would
#: have to grow past 256 rows (module docstring).
NUTS_DIMENSION = 20
#: At most this n·d, too, NUTS runs where SGLD's batch would have to grow (module docstring).
NUTS_NOISE_SIZE = 2_000_000


def choose_local_sampler(
    model: pm.Model, n: int, beta: float, nuts: SamplerSpec
) -> tuple[SamplerSpec | SGLD, str]:
    """The sampler of the default ``"local"`` run at inverse temperature ``beta`` and the
    reason, for ``diagnostics``.

    ``nuts`` is what runs below :data:`SGLD_SIZE`, where SGLD's batch would have to grow and
    the model has at most :data:`NUTS_DIMENSION` parameters or n·d at most
    :data:`NUTS_NOISE_SIZE` (module docstring), or when SGLD cannot run.
    """
    d = n_parameters(model)
    size = n * d
    if size <= SGLD_SIZE:
        return nuts, f"nuts: n·d = {size:,} <= {SGLD_SIZE:,}"
    batch = default_batch(n, beta)
    if batch > BATCH_ROWS and (d <= NUTS_DIMENSION or size <= NUTS_NOISE_SIZE):
        small = (
            f"d = {d} <= {NUTS_DIMENSION}" if d <= NUTS_DIMENSION else f"n·d <= {NUTS_NOISE_SIZE:,}"
        )
        return nuts, (
            f"nuts: n·d = {size:,} > {SGLD_SIZE:,}, but {small} and nβ is large (SGLD would "
            f"need {batch:,} rows a step to hold its noise ratio at {NOISE_RATIO_CHECKED}): "
            "NUTS is affordable and the more accurate"
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
    return SGLD(), f"sgld: n·d = {size:,} > {SGLD_SIZE:,}, batch {batch:,}"
