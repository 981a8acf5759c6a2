"""Draws given as ``data=``: one coercion and check for every function that reuses them.

A ``data=`` argument may be what :func:`pymc_slt.sample_tempered` returns, a user's own
``pm.sample`` result (an ``xarray.DataTree`` under PyMC 6 and ArviZ 1.x) or a legacy ArviZ
``InferenceData`` (converted by ``arviz_base.convert_to_datatree``). :func:`as_draws` returns it
as a DataTree after checking that it holds the groups a quantity needs, and its errors name the
remedy (``pm.compute_log_likelihood(idata, model=model)`` for a missing ``log_likelihood``
group). :func:`draws_beta` reads the inverse temperature of the draws: ``attrs["beta"]``, which
pymc-slt's samplers write; draws without it (``pm.sample``'s) are from the ordinary posterior,
β = 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import xarray as xr

from pymc_slt._validate import validate_beta

__all__ = ["SUM_GROUP", "as_draws", "draws_beta", "is_draws"]

#: Group of a DataTree that keeps each observed variable's log-likelihood summed over the
#: observations (dims ``chain, draw``), written where only n L_n is needed.
SUM_GROUP = "log_likelihood_sum"

#: What to do when a group is missing, by group.
_REMEDY = {
    "log_likelihood": (
        "add it with pm.compute_log_likelihood(idata, model=model), or sample with "
        "pymc_slt.sample_tempered, which writes it"
    ),
    "posterior": "pass posterior draws: pm.sample's result or pymc_slt.sample_tempered's",
}


def is_draws(data: Any) -> bool:
    """Whether ``data`` is draws :func:`as_draws` takes: a DataTree or an ArviZ InferenceData."""
    return isinstance(data, xr.DataTree) or _is_inference_data(data)


def _is_inference_data(data: Any) -> bool:
    """Legacy ArviZ's ``InferenceData`` (ArviZ < 1), told by its class name and ``groups()``
    as ``arviz_base.convert_to_datatree`` tells it, without importing the old ArviZ."""
    return type(data).__name__ == "InferenceData" and callable(getattr(data, "groups", None))


def as_draws(data: Any, what: str, groups: Sequence[str] = (), name: str = "data") -> xr.DataTree:
    """``data`` as a DataTree of draws holding ``groups``, which ``what`` needs.

    Parameters
    ----------
    data : xarray.DataTree or arviz.InferenceData
        The draws: ``pymc_slt.sample_tempered``'s, ``pm.sample``'s, or a legacy ArviZ
        ``InferenceData`` (converted with ``arviz_base.convert_to_datatree``).
    what : str
        The quantity that reads them, for the messages (e.g. ``"WAIC"``).
    groups : sequence of str
        Groups ``data`` must have, e.g. ``("log_likelihood",)``.
    name : str, default "data"
        The argument's name in the messages.

    Raises
    ------
    TypeError
        If ``data`` is neither a DataTree nor an InferenceData (a ``pm.sample`` MultiTrace, say).
    ValueError
        If a group of ``groups`` is missing; the message says how to add it.
    """
    if isinstance(data, xr.DataTree):
        tree = data
    elif _is_inference_data(data):
        from arviz_base import convert_to_datatree

        tree = convert_to_datatree(data)
    else:
        raise TypeError(
            f"{name} must be an xarray.DataTree of draws (what pm.sample and "
            "pymc_slt.sample_tempered return) or an ArviZ InferenceData, got "
            f"{type(data).__name__}; pm.sample(..., return_inferencedata=False) returns a "
            "MultiTrace: sample with the default return_inferencedata=True."
        )
    for group in groups:
        if group in tree.children:
            continue
        if group == "log_likelihood" and SUM_GROUP in tree.children:
            raise ValueError(
                f"{name} keeps only the summed log-likelihood per draw (its {SUM_GROUP!r} group, "
                "written by runs that need n L_n alone, such as the local λ̂'s); pointwise "
                "quantities (WAIC, LOO, ν̂, V_n) need every term: sample with "
                "pymc_slt.sample_tempered."
            )
        remedy = _REMEDY.get(group, f"pass draws that have a {group} group")
        raise ValueError(
            f"{name} has no {group} group, which {what} needs (it has {sorted(tree.children)}); "
            f"{remedy}."
        )
    return tree


def draws_beta(data: xr.DataTree | xr.Dataset, name: str = "data") -> float:
    """Inverse temperature β of the draws: ``attrs["beta"]`` checked > 0, else 1.0.

    pymc-slt's samplers record β; ``pm.sample`` does not, and its draws are from the ordinary
    posterior, β = 1.
    """
    return validate_beta(data.attrs.get("beta", 1.0), f"{name}.attrs['beta']")
