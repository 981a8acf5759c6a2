"""Points of a model between its constrained scale (the user's) and the unconstrained one.

:func:`to_unconstrained` maps a point given by free-variable name to the value variables the
samplers move (``sigma`` → ``sigma_log__``); :func:`outside_support` names the variables of a
point that the model does not allow: a prior density of zero, or a value that the variable's
transform cannot reach (weights off the simplex, an ordered vector out of order, a negative
scale), found by the round trip through the transform.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pymc as pm
import pytensor
from pymc.model.transform.conditioning import remove_value_transforms

from pymc_slt.models.tempering import initvals_set_aside

__all__ = ["outside_support", "to_unconstrained"]


def to_unconstrained(model: pm.Model, point: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Map a point given on the constrained scale (free-variable names) to value variables."""
    with initvals_set_aside(model):
        plain = remove_value_transforms(model)
    inputs = [plain.rvs_to_values[plain[rv.name]] for rv in model.free_RVs]
    outputs = []
    for rv in model.free_RVs:
        value = plain.rvs_to_values[plain[rv.name]]
        transform = model.rvs_to_transforms.get(rv)
        if transform is None:
            outputs.append(value)
        else:
            params = plain.replace_rvs_by_values(plain[rv.name].owner.inputs)
            outputs.append(transform.forward(value, *params))
    fn = pytensor.function(inputs, outputs, on_unused_input="ignore")
    values = fn(
        *[
            np.asarray(point[rv.name], dtype=value.dtype)
            for rv, value in zip(model.free_RVs, inputs, strict=True)
        ]
    )
    return {
        model.rvs_to_values[rv].name: np.asarray(v)
        for rv, v in zip(model.free_RVs, values, strict=True)
    }


def outside_support(model: pm.Model, point: Mapping[str, np.ndarray]) -> list[str]:
    """The free variables of ``point`` (constrained scale, by name) outside the model's support.

    A variable is outside if its prior log density there is not finite, or if mapping it to the
    unconstrained scale and back does not return it (to 1e-6 relative): the value is not in the
    image of its transform.
    """
    with initvals_set_aside(model):
        plain = remove_value_transforms(model)
    names = [rv.name for rv in plain.free_RVs]
    values = {
        plain.rvs_to_values[plain[name]].name: np.asarray(point[name], dtype=float)
        for name in names
    }
    logps = plain.compile_logp(vars=plain.free_RVs, jacobian=False, sum=False)(values)
    bad = {name for name, lp in zip(names, logps, strict=True) if not np.all(np.isfinite(lp))}
    with np.errstate(all="ignore"):
        back = _to_constrained(model, to_unconstrained(model, point))
    for rv in model.free_RVs:
        value = np.asarray(point[rv.name], dtype=float)
        if not np.allclose(back[rv.name], value, rtol=1e-6, atol=1e-9):
            bad.add(rv.name)
    return [rv.name for rv in model.free_RVs if rv.name in bad]


def _to_constrained(model: pm.Model, point: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """The inverse of :func:`to_unconstrained`: value variables back to free-variable names."""
    outputs = model.unobserved_value_vars  # constrained free variables, then deterministics
    fn = model.compile_fn(outputs, inputs=model.value_vars, point_fn=False)
    values = fn(*[np.asarray(point[v.name]) for v in model.value_vars])
    return {out.name: np.asarray(v) for out, v in zip(outputs, values, strict=True)}
