"""The untempered log-likelihood of a model at given draws: one function for the package."""

from __future__ import annotations

import numpy as np
import pymc as pm
import xarray as xr

from pymc_slt.models.tempering import initvals_set_aside

__all__ = ["log_likelihood", "stacked_log_likelihood"]


def log_likelihood(model: pm.Model, posterior: xr.Dataset) -> xr.Dataset:
    """The untempered elementwise ``log p(y_i | x_i, w)`` of every observed variable at the
    draws of ``posterior`` (dims ``chain, draw, ...``), by ``pm.compute_log_likelihood``.

    Works for models with ``initval=`` (set aside meanwhile, see
    :func:`pymc_slt.models.tempering.initvals_set_aside`). The one place the package evaluates
    a likelihood at given draws: the samplers' ``log_likelihood`` group, n L_n at a point and
    at prior draws all come from here.
    """
    with initvals_set_aside(model):
        ll = pm.compute_log_likelihood(
            xr.DataTree.from_dict({"posterior": posterior}),
            var_names=[rv.name for rv in model.observed_RVs],
            model=model,
            extend_inferencedata=False,
            progressbar=False,
        )
    return ll["log_likelihood"].to_dataset() if isinstance(ll, xr.DataTree) else ll


def stacked_log_likelihood(posteriors: list[xr.Dataset], model: pm.Model) -> list[xr.Dataset]:
    """Untempered pointwise log-likelihood of each posterior, with one PyTensor compilation.

    The posteriors are stacked along ``chain`` so ``pm.compute_log_likelihood`` compiles its
    function once for the whole ladder, then the result is split back.
    """
    n_chains = [p.sizes["chain"] for p in posteriors]
    stacked = xr.concat(
        [p.drop_vars("chain") for p in posteriors], dim="chain", coords="minimal", compat="override"
    ).assign_coords(chain=np.arange(sum(n_chains)))
    ll = log_likelihood(model, stacked)
    out, start = [], 0
    for k in n_chains:
        part = ll.isel(chain=slice(start, start + k)).assign_coords(chain=np.arange(k))
        out.append(part)
        start += k
    return out
