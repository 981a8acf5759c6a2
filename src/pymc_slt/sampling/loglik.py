"""The untempered log-likelihood of a model at given draws: one place for the package.

:func:`log_likelihood` keeps every term ``log p(y_i | x_i, w)`` (chains × draws × n values),
which WAIC, LOO, ν̂ and V_n need. :func:`summed_log_likelihood` keeps one sum per draw and
observed variable: what n L_n, WBIC and λ̂ need, in chains × draws values whatever n is (at
n = 10⁵ with 4 × 1000 draws the pointwise array is 3.2 GB).
"""

from __future__ import annotations

import numpy as np
import pymc as pm
import xarray as xr
from pymc.backends.arviz import apply_function_over_dataset
from pymc.model.transform.conditioning import remove_value_transforms

from pymc_slt.models.tempering import initvals_set_aside

__all__ = ["log_likelihood", "stacked_log_likelihood", "summed_log_likelihood"]


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


def summed_log_likelihood(model: pm.Model, posterior: xr.Dataset) -> xr.Dataset:
    """:math:`\\sum_i \\log p(y_i \\mid x_i, w)` of every observed variable at the draws of
    ``posterior``: dims ``chain, draw`` only, never the n terms.

    The same compiled evaluation as ``pm.compute_log_likelihood`` (PyMC's
    ``remove_value_transforms`` model, ``compile_fn`` over the value variables and
    ``apply_function_over_dataset`` over the draws), with each variable's log-likelihood summed
    inside the compiled graph, so memory stays chains × draws whatever n is.
    """
    with initvals_set_aside(model):
        umodel = remove_value_transforms(model)
        observed = list(umodel.observed_RVs)
        fn = umodel.compile_fn(
            inputs=umodel.value_vars,
            outs=[umodel.logp(vars=[rv], sum=True) for rv in observed],
            on_unused_input="ignore",
        )
        free = {
            umodel.rvs_to_values[rv].name: umodel.rvs_to_values[rv].type.dtype
            for rv in umodel.free_RVs
        }
        return apply_function_over_dataset(
            fn,
            posterior[list(free)].astype(free, copy=False),
            output_var_names=[rv.name for rv in observed],
            coords={},
            dims={},
            progressbar=False,
        )


def stacked_log_likelihood(
    posteriors: list[xr.Dataset], model: pm.Model, *, pointwise: bool = True
) -> list[xr.Dataset]:
    """Untempered log-likelihood of each posterior, with one PyTensor compilation: pointwise
    (:func:`log_likelihood`) or, with ``pointwise=False``, one sum per draw
    (:func:`summed_log_likelihood`).

    The posteriors are stacked along ``chain`` so the function is compiled once for the whole
    ladder, then the result is split back.
    """
    n_chains = [p.sizes["chain"] for p in posteriors]
    stacked = xr.concat(
        [p.drop_vars("chain") for p in posteriors], dim="chain", coords="minimal", compat="override"
    ).assign_coords(chain=np.arange(sum(n_chains)))
    ll = (log_likelihood if pointwise else summed_log_likelihood)(model, stacked)
    out, start = [], 0
    for k in n_chains:
        part = ll.isel(chain=slice(start, start + k)).assign_coords(chain=np.arange(k))
        out.append(part)
        start += k
    return out
