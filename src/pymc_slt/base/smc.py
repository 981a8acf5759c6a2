"""Log marginal likelihood from ``pm.sample_smc``, extracted robustly from its ``sample_stats``.

PyMC's sequential Monte Carlo (Del Moral et al. 2006; Ching & Chen 2007) tempers from the prior
(β = 0) to the posterior (β = 1) and accumulates, over its stages s,
:math:`\\log Z = \\sum_s \\log \\frac{1}{N}\\sum_i e^{(β_{s+1}-β_s)\\log p(D_n|w_i)}`.
Depending on the PyMC version and on whether the chains ran the same number of stages,
``sample_stats["log_marginal_likelihood"]`` is a float array, an object array ``(chain, stage)``
padded with NaN, an object array ``(chain,)`` of per-chain arrays, or an object array
``(chain, draw)`` of per-stage lists. Each chain's estimate is its last finite value.

References
----------
Del Moral, P., Doucet, A. & Jasra, A. (2006). Sequential Monte Carlo samplers. JRSS B 68(3),
411–436. doi:10.1111/j.1467-9868.2006.00553.x

Ching, J. & Chen, Y.-C. (2007). Transitional Markov chain Monte Carlo method for Bayesian model
updating, model class selection, and model averaging. Journal of Engineering Mechanics 133(7),
816–832. doi:10.1061/(ASCE)0733-9399(2007)133:7(816)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import xarray as xr
from scipy.special import logsumexp

__all__ = ["combine_chains", "final_log_marginal_likelihood", "infinite_chains"]


def _scalars(obj: Any) -> Iterator[float]:
    """The numbers inside ``obj`` (nested lists, tuples, arrays), in order."""
    if isinstance(obj, np.ndarray):
        for item in obj.ravel():
            yield from _scalars(item)
    elif isinstance(obj, list | tuple):
        for item in obj:
            yield from _scalars(item)
    elif obj is not None:
        yield float(obj)


def final_log_marginal_likelihood(sample_stats: xr.Dataset | xr.DataTree) -> np.ndarray:
    """Each chain's final log marginal likelihood from ``pm.sample_smc``'s ``sample_stats``.

    Parameters
    ----------
    sample_stats : xarray.Dataset or xarray.DataTree
        The ``sample_stats`` group of ``pm.sample_smc``'s result.

    Returns
    -------
    ndarray, shape (chain,)
        The last finite value of each chain.

    Raises
    ------
    ValueError
        If there is no ``log_marginal_likelihood`` or a chain has no finite value.
    """
    if isinstance(sample_stats, xr.DataTree):
        sample_stats = sample_stats.to_dataset()
    if "log_marginal_likelihood" not in sample_stats:
        raise ValueError(
            "sample_stats has no 'log_marginal_likelihood'; pass the result of pm.sample_smc."
        )
    da = sample_stats["log_marginal_likelihood"]
    if "chain" in da.dims:
        per_chain = [da.isel(chain=c).values for c in range(da.sizes["chain"])]
    else:
        per_chain = [da.values]
    out = []
    for c, values in enumerate(per_chain):
        finite = [v for v in _scalars(values) if np.isfinite(v)]
        if not finite:
            raise ValueError(
                f"chain {c} of the SMC run has no finite log marginal likelihood; the run "
                "failed (check the model's logp at the prior draws)."
            )
        out.append(finite[-1])
    return np.asarray(out)


def infinite_chains(sample_stats: xr.Dataset | xr.DataTree) -> list[int]:
    """Chains whose ``log_marginal_likelihood`` holds ±∞ at some stage: their weights overflowed
    or vanished, so their final value is not an estimate. (NaN is PyMC's padding of the stages a
    chain did not run, and is not counted.)"""
    if isinstance(sample_stats, xr.DataTree):
        sample_stats = sample_stats.to_dataset()
    da = sample_stats["log_marginal_likelihood"]
    chains = (
        [da.isel(chain=c).values for c in range(da.sizes["chain"])]
        if "chain" in da.dims
        else [da.values]
    )
    return [c for c, values in enumerate(chains) if any(np.isinf(v) for v in _scalars(values))]


def combine_chains(log_z_chains: np.ndarray) -> tuple[float, float]:
    """Pool independent per-chain estimates: ``(log mean exp, sd / sqrt(chains))``.

    Each chain's :math:`\\hat Z` is unbiased, so their average is too; the log of the average is
    less biased than the average of the logs. The standard error is the delta-method one,
    :math:`\\mathrm{sd}(\\log\\hat Z_c)/\\sqrt{C}`, NaN for one chain.
    """
    values = np.asarray(log_z_chains, dtype=float)
    log_z = float(logsumexp(values) - np.log(values.size))
    se = float(np.std(values, ddof=1) / np.sqrt(values.size)) if values.size > 1 else np.nan
    return log_z, se
