"""A model's unconstrained space, batched: posterior draws mapped into it and its log density.

Bridge sampling evaluates the unnormalized log posterior at thousands of points (posterior draws,
proposal draws and, for warp-3, their reflections). Each function here compiles one PyTensor
graph that takes *all* points at once: the model's graph is batched with
:func:`pytensor.graph.replace.vectorize_graph` (a leading axis on every value variable), not run
row by row. A graph that cannot be batched falls back to a compiled loop over rows, which is also
the reference the tests compare the batched graph with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt
import xarray as xr
from pytensor.graph.replace import graph_replace, vectorize_graph

__all__ = ["log_density_fn", "looped_log_density_fn", "unconstrained_draws"]

#: Elements per intermediate array above which the batch is evaluated in chunks of rows.
_CHUNK_ELEMENTS = 2**24
#: Errors by which PyTensor says a graph has no batched form.
_NOT_BATCHABLE = (NotImplementedError, TypeError, ValueError)


def _value_layout(model: pm.Model) -> list[tuple[Any, tuple[int, ...]]]:
    """(value variable, shape) for each free variable, in ``model.free_RVs`` order."""
    point = model.initial_point()
    out = []
    for rv in model.free_RVs:
        value = model.rvs_to_values[rv]
        out.append((value, tuple(np.shape(point[value.name]))))
    return out


def _batched(variables: Sequence[Any]) -> list[Any]:
    """A placeholder with one more, leading, axis for each of ``variables``."""
    return [pt.tensor(dtype=v.dtype, shape=(None, *v.type.shape)) for v in variables]


def _rows_per_chunk(model: pm.Model) -> int:
    """Rows per evaluation so that an intermediate of one row per observation stays bounded."""
    per_row = 1
    for rv in model.observed_RVs:
        value = model.rvs_to_values[rv]
        data = value.get_value() if hasattr(value, "get_value") else getattr(value, "data", 1)
        per_row += int(np.size(data))
    return max(1, _CHUNK_ELEMENTS // per_row)


def unconstrained_draws(model: pm.Model, posterior: xr.Dataset) -> np.ndarray:
    """Posterior draws mapped to the unconstrained space the sampler works in.

    Each free variable goes through its value transform (``log`` for positive variables,
    ``logodds`` for intervals, …), whose parameters may depend on other free variables. All draws
    go through one batched graph.

    Parameters
    ----------
    model : pymc.Model
        The model the draws come from.
    posterior : xarray.Dataset
        Draws of every free variable, dims ``(chain, draw, ...)``.

    Returns
    -------
    ndarray, shape (chain, draw, D)
        The draws, flattened in ``model.free_RVs`` order; ``D`` is the unconstrained dimension.
    """
    free = model.free_RVs
    missing = [rv.name for rv in free if rv.name not in posterior]
    if missing:
        raise ValueError(
            f"the posterior draws lack the free variable(s) {missing} of the model; pass draws "
            "of this very model (e.g. from pymc_slt.sample_tempered(model, 1.0))."
        )
    placeholders = [rv.type(name=rv.name) for rv in free]
    outs = []
    for rv, x in zip(free, placeholders, strict=True):
        transform = model.rvs_to_transforms.get(rv)
        outs.append(x if transform is None else transform.forward(x, *rv.owner.inputs))
    outs = graph_replace(outs, dict(zip(free, placeholders, strict=True)), strict=False)
    arrays = [
        np.asarray(posterior[rv.name].transpose("chain", "draw", ...).values, dtype=rv.dtype)
        for rv in free
    ]
    n_chain, n_draw = arrays[0].shape[:2]
    rows = [a.reshape(n_chain * n_draw, *a.shape[2:]) for a in arrays]
    try:
        batch = _batched(placeholders)
        batched_outs = vectorize_graph(outs, replace=dict(zip(placeholders, batch, strict=True)))
        forward = pytensor.function(batch, batched_outs, on_unused_input="ignore")
    except _NOT_BATCHABLE:
        forward_row = pytensor.function(placeholders, outs, on_unused_input="ignore")
        values = [forward_row(*(r[i] for r in rows)) for i in range(n_chain * n_draw)]
        flat = np.asarray([np.concatenate([np.ravel(v) for v in row]) for row in values])
    else:
        values = forward(*rows)
        flat = np.concatenate([np.reshape(v, (n_chain * n_draw, -1)) for v in values], axis=1)
    return flat.reshape(n_chain, n_draw, -1)


def _split(theta: np.ndarray, layout) -> list[np.ndarray]:
    """Columns of ``theta`` (S, D) as one array (S, *shape) per value variable."""
    sizes = [int(np.prod(shape)) for _, shape in layout]
    bounds = np.cumsum([0, *sizes])
    return [
        np.asarray(theta[:, a:b].reshape(theta.shape[0], *shape), dtype=v.dtype)
        for (v, shape), a, b in zip(layout, bounds[:-1], bounds[1:], strict=True)
    ]


def looped_log_density_fn(model: pm.Model) -> Callable[[np.ndarray], np.ndarray]:
    """:func:`log_density_fn` evaluated one row at a time (the reference, and the fallback)."""
    layout = _value_layout(model)
    logp = pytensor.function([v for v, _ in layout], model.logp(jacobian=True), trust_input=True)

    def log_density(theta: np.ndarray) -> np.ndarray:
        columns = _split(np.atleast_2d(theta), layout)
        rows = range(columns[0].shape[0])
        out = np.array([logp(*(np.asarray(c[i]) for c in columns)) for i in rows], dtype=float)
        out[~np.isfinite(out)] = -np.inf
        return out

    return log_density


def log_density_fn(model: pm.Model) -> Callable[[np.ndarray], np.ndarray]:
    """``θ (S, D) ↦ log φ(w) + Σ log p(y|w) + log|Jacobian|`` on the unconstrained space.

    One compiled graph evaluates every row of ``θ`` at once (``model.logp(jacobian=True)`` with a
    leading batch axis on each value variable), in chunks of rows if the model has many
    observations. Non-finite values become ``-inf``.

    Parameters
    ----------
    model : pymc.Model
        The model; ``θ`` is flattened in ``model.free_RVs`` order, as by
        :func:`unconstrained_draws`.

    Returns
    -------
    callable
        ``log_density(theta) -> ndarray (S,)``.
    """
    layout = _value_layout(model)
    values = [v for v, _ in layout]
    try:
        batch = _batched(values)
        logp = vectorize_graph(
            model.logp(jacobian=True), replace=dict(zip(values, batch, strict=True))
        )
        if logp.type.ndim != 1:
            return looped_log_density_fn(model)
        fn = pytensor.function(batch, logp, trust_input=True)
    except _NOT_BATCHABLE:
        return looped_log_density_fn(model)
    chunk = _rows_per_chunk(model)

    def log_density(theta: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(theta)
        out = np.empty(theta.shape[0])
        for start in range(0, theta.shape[0], chunk):
            out[start : start + chunk] = fn(*_split(theta[start : start + chunk], layout))
        out[~np.isfinite(out)] = -np.inf
        return out

    return log_density
