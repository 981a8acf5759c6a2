"""Points of a model between its constrained scale (the user's) and the unconstrained one.

:func:`to_unconstrained` maps a point given by free-variable name to the value variables the
samplers move (``sigma`` → ``sigma_log__``); :func:`outside_support` names the variables of a
point that the model does not allow: a prior density of zero, or a value that the variable's
transform cannot reach (weights off the simplex, an ordered vector out of order, a negative
scale), found by the round trip through the transform.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pymc as pm
import pytensor
from pymc.model.transform.conditioning import remove_value_transforms

from pymc_slt.models.tempering import initvals_set_aside

__all__ = [
    "comes_back",
    "outside_support",
    "round_trip_fn",
    "to_unconstrained",
    "unconstrained_fn",
]


def unconstrained_fn(model: pm.Model) -> Callable[..., list[np.ndarray]]:
    """Compiled map: constrained values of the free variables (``model.free_RVs`` order) ↦ the
    value variables the samplers move (``model.value_vars`` order)."""
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
    return pytensor.function(inputs, outputs, on_unused_input="ignore")


def to_unconstrained(model: pm.Model, point: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Map a point given on the constrained scale (free-variable names) to value variables."""
    values = unconstrained_fn(model)(
        *[np.asarray(point[rv.name], dtype=model.rvs_to_values[rv].dtype) for rv in model.free_RVs]
    )
    return {
        model.rvs_to_values[rv].name: np.asarray(v)
        for rv, v in zip(model.free_RVs, values, strict=True)
    }


def round_trip_fn(model: pm.Model, names: list[str]) -> Callable[..., list[np.ndarray]]:
    """Compiled map: constrained values of every free variable (``model.free_RVs`` order) ↦ the
    variables ``names`` mapped to the unconstrained scale and back.

    A value is in its transform's image iff it comes back unchanged.
    """
    with initvals_set_aside(model):
        plain = remove_value_transforms(model)
    inputs = [plain.rvs_to_values[plain[rv.name]] for rv in model.free_RVs]
    outputs = []
    for name in names:
        value = plain.rvs_to_values[plain[name]]
        transform = model.rvs_to_transforms.get(model[name])
        if transform is None:
            outputs.append(value)
            continue
        params = plain.replace_rvs_by_values(plain[name].owner.inputs)
        outputs.append(transform.backward(transform.forward(value, *params), *params))
    return pytensor.function(inputs, outputs, on_unused_input="ignore")


def comes_back(values: list[np.ndarray], originals: list[np.ndarray]) -> bool:
    """Whether round-tripped ``values`` equal ``originals`` (to 1e-6 relative)."""
    return all(
        np.allclose(v, o, rtol=1e-6, atol=1e-9) for v, o in zip(values, originals, strict=True)
    )


def outside_support(model: pm.Model, point: Mapping[str, np.ndarray]) -> list[str]:
    """The free variables of ``point`` (constrained scale, by name) outside the model's support.

    A variable is outside if its prior log density there is not finite, or if mapping it to the
    unconstrained scale and back does not return it (:func:`round_trip_fn`): the value is not in
    the image of its transform.
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
    originals = [
        np.asarray(point[rv.name], dtype=model.rvs_to_values[rv].dtype) for rv in model.free_RVs
    ]
    order = [rv.name for rv in model.free_RVs]  # plain.free_RVs may come in another order
    with np.errstate(all="ignore"):
        back = round_trip_fn(model, order)(*originals)
    for name, value, original in zip(order, back, originals, strict=True):
        if not comes_back([value], [original]):
            bad.add(name)
    return [rv.name for rv in model.free_RVs if rv.name in bad]
