"""The localized tempered posterior behind the local learning coefficient (Lau et al. 2023).

:func:`localize` adds to a copy of the user's model the Gaussian localization

.. math::

    \\log φ_{γ, w^*}(w) = -\\frac{γ}{2} \\lVert w - w^* \\rVert^2
    = -\\frac{γ}{2} \\sum_{v} \\sum_j (v_j - v^*_j)^2,

a ``pm.Potential`` summed over every free variable ``v`` on the **constrained** scale (the
parameter space the user wrote, where ``w*`` is given and where devinterp localizes a network's
weights); the prior φ is kept. Tempering the result with :func:`pymc_slt.models.tempering.tempered`
gives :math:`p(w) ∝ φ(w) \\exp(-nβ L_n(w) - γ\\lVert w - w^*\\rVert^2/2)`, which NUTS samples like
any other PyMC model (:mod:`pymc_slt.learning_coefficient.local` does so).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from pymc_slt.models.tempering import clone_keeping_initvals

__all__ = ["LOCALIZATION_POTENTIAL", "localization_data", "localize", "validate_point"]

#: Name of the Potential carrying −γ/2 ‖w − w*‖².
LOCALIZATION_POTENTIAL = "slt_localization"
#: Name of the ``pm.Data`` holding γ, and prefix of those holding each variable's centre w*.
GAMMA_DATA = "slt_gamma"
CENTER_PREFIX = "slt_center_"


def validate_point(model: pm.Model, point: Any) -> dict[str, np.ndarray]:
    """Return ``point`` as ``{free variable name: float array}`` after checking names and shapes.

    Raises
    ------
    TypeError
        If ``point`` is not a mapping.
    ValueError
        If a free variable is missing, a key is not a free variable, a shape disagrees with the
        model, or a value is not finite.
    """
    if not isinstance(point, Mapping):
        raise TypeError(
            "point must be a dict {free variable name: value}, got "
            f"{type(point).__name__}; e.g. point={{'w': np.zeros(3)}}."
        )
    shapes = model.eval_rv_shapes()
    names = [rv.name for rv in model.free_RVs]
    missing = [name for name in names if name not in point]
    extra = [key for key in point if key not in names]
    if missing or extra:
        raise ValueError(
            f"point must give a value for each free variable {names}; missing {missing}, "
            f"unknown {extra}."
        )
    out = {}
    for name in names:
        value = np.asarray(point[name], dtype=float)
        if value.shape != tuple(shapes[name]):
            raise ValueError(
                f"point[{name!r}] has shape {value.shape}, but the model's {name!r} has shape "
                f"{tuple(shapes[name])}."
            )
        if not np.all(np.isfinite(value)):
            raise ValueError(f"point[{name!r}] holds NaN or inf; give finite values.")
        out[name] = value
    return out


def localize(
    model: pm.Model, point: Mapping[str, np.ndarray] | None = None, gamma: float = 0.0
) -> pm.Model:
    """Copy of ``model`` with the Potential :math:`-γ/2\\,\\lVert w - w^*\\rVert^2` added.

    γ and :math:`w^*` are ``pm.Data`` (named by :func:`localization_data`), so a compiled copy
    moves to another γ or centre without recompiling; γ = 0 is the model itself, which is how
    the pilot run of the local learning coefficient shares one compilation with the localized
    run. ``point`` must come from :func:`validate_point` (default: zeros). The user's model is
    not modified.
    """
    if LOCALIZATION_POTENTIAL in model.named_vars:
        raise ValueError(
            f"model already holds the potential {LOCALIZATION_POTENTIAL!r}; pass the original "
            "model, not a localized copy."
        )
    shapes = model.eval_rv_shapes()
    names = [rv.name for rv in model.free_RVs]
    if point is None:
        point = {name: np.zeros(shapes[name]) for name in names}
    values = localization_data(point, gamma)
    taken = sorted(set(values) & set(model.named_vars))
    if taken:
        raise ValueError(
            f"the model already uses the name(s) {taken}, which the localization needs for its "
            "pm.Data; rename those variables."
        )
    clone = clone_keeping_initvals(model)
    with clone:
        gamma_var = pm.Data(GAMMA_DATA, values[GAMMA_DATA])
        sq = [
            pt.sum((rv - pm.Data(CENTER_PREFIX + rv.name, values[CENTER_PREFIX + rv.name])) ** 2)
            for rv in clone.free_RVs
        ]
        pm.Potential(LOCALIZATION_POTENTIAL, -0.5 * gamma_var * pt.add(*sq))
    return clone


def localization_data(point: Mapping[str, np.ndarray], gamma: float) -> dict[str, np.ndarray]:
    """The ``pm.Data`` values of a :func:`localize` copy for centre ``point`` and strength γ."""
    data = {CENTER_PREFIX + name: np.asarray(v, dtype=float) for name, v in point.items()}
    data[GAMMA_DATA] = np.asarray(gamma, dtype=float)
    return data
