"""What the figures of :mod:`pymc_slt.plots` share: colours, figure/axes set-up, labels
and argument checks. Object-oriented matplotlib only; nothing here touches pyplot."""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter

__all__ = [
    "HIGHLIGHT_COLOR",
    "PREDICTION_COLOR",
    "REFERENCE_COLOR",
    "axes_or_new",
    "check_named_mapping",
    "check_theory",
    "component",
    "components",
    "figure_or_new",
    "lambda_label",
    "log_n_axis",
    "panel_grid",
]

#: Colours shared by the figures: reference (NUTS / observed) and the thing compared with it.
REFERENCE_COLOR = "0.55"
HIGHLIGHT_COLOR = "C3"
PREDICTION_COLOR = "C0"


def figure_or_new(fig: Figure | None, figsize: tuple[float, float]) -> Figure:
    """``fig`` itself (checked), or a new constrained-layout Figure of size ``figsize``."""
    if fig is None:
        return Figure(figsize=figsize, layout="constrained")
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure or None, got {type(fig).__name__}.")
    return fig


def axes_or_new(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    """``(ax.figure, ax)`` for a given Axes, or a new Figure with one Axes."""
    if ax is None:
        fig = Figure(figsize=figsize, layout="constrained")
        return fig, fig.add_subplot()
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}.")
    return ax.get_figure(root=True), ax


def panel_grid(
    fig: Figure | None, count: int, *, ncols: int = 3, size: tuple[float, float] = (4.0, 3.2)
) -> tuple[Figure, list[Axes]]:
    """``count`` panels in rows of at most ``ncols`` (small multiples); unused cells are hidden."""
    cols = min(count, ncols)
    rows = -(-count // cols)
    fig = figure_or_new(fig, (size[0] * cols, size[1] * rows))
    grid = fig.subplots(rows, cols, squeeze=False).ravel()
    for ax in grid[count:]:
        ax.set_axis_off()
    return fig, list(grid[:count])


def log_n_axis(ax: Axes, ns: Any, max_ticks: int = 8) -> None:
    """A logarithmic n axis labelled with the sample sizes themselves (``40``, not ``4×10¹``):
    ticks at the distinct n of the data (at most ``max_ticks`` of them), no minor labels."""
    ns = np.unique(np.asarray(ns, dtype=float))
    ticks = ns[:: -(-ns.size // max_ticks)]
    ax.set_xscale("log")
    ax.set_xticks(ticks, [f"{t:g}" for t in ticks])
    ax.xaxis.set_minor_formatter(NullFormatter())


def lambda_label(
    name: str, estimate: float, se: float, theory: float | None = None, how: str | None = None
) -> str:
    """``"name: λ̂ = 0.52 ± 0.04 (theory 0.5)"``; the ± part only for a finite se. ``how`` names
    the estimator (``"λ̂ (slope of F) = …"``), where a page shows λ̂ of several estimators."""
    text = f"{name}: λ̂{f' ({how})' if how else ''} = {estimate:.2f}"
    if np.isfinite(se):
        text += f" ± {se:.2f}"
    if theory is not None:
        text += f" (theory {theory:.3g})"
    return text


def check_named_mapping(value: Any, name: str, what: str) -> Mapping[str, Any]:
    """``value`` if it is a non-empty mapping of model names (str) to ``what``."""
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{name} must be a dict of model name -> {what}, got {type(value).__name__}."
        )
    if not value:
        raise ValueError(f"{name} is empty; give at least one model, e.g. {{'linear': ...}}.")
    for key in value:
        if not isinstance(key, str):
            raise TypeError(f"{name} keys must be model names (str), got {key!r}.")
    return value


def check_theory(theory: Any, models: list[str]) -> dict[str, float]:
    """Theoretical λ per model as floats, from ``None`` or a mapping naming only ``models``."""
    if theory is None:
        return {}
    if not isinstance(theory, Mapping):
        raise TypeError(
            f"theory must be None or a dict of model name -> λ, got {type(theory).__name__}."
        )
    unknown = [k for k in theory if k not in models]
    if unknown:
        raise ValueError(f"theory names models {unknown} not in the data; models are {models}.")
    out = {}
    for key, value in theory.items():
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
            raise ValueError(f"theory[{key!r}] must be a finite number (λ), got {value!r}.")
        out[key] = float(value)
    return out


def components(posterior: xr.Dataset) -> list[str]:
    """Names of every scalar component of a posterior: ``"a"``, ``"w[0]"``, ``"A[1, 0]"``."""
    names = []
    for var, da in posterior.data_vars.items():
        shape = da.transpose("chain", "draw", ...).shape[2:]
        names += (
            [var] if not shape else [f"{var}[{', '.join(map(str, i))}]" for i in np.ndindex(*shape)]
        )
    return names


def component(posterior: xr.Dataset, name: str) -> np.ndarray:
    """Draws (chain, draw) of one scalar component named as in :func:`components`."""
    match = re.fullmatch(r"\s*([^\[\]]+?)\s*(?:\[([\d,\s]+)\])?\s*", name)
    var = match.group(1) if match else None
    if var not in posterior.data_vars:
        raise ValueError(
            f"var_names entry {name!r} is not a scalar component of the posterior; choose from "
            f"{components(posterior)[:12]}."
        )
    values = posterior[var].transpose("chain", "draw", ...).values
    index = tuple(int(i) for i in match.group(2).split(",")) if match.group(2) else ()
    if len(index) != values.ndim - 2 or any(
        not 0 <= i < s for i, s in zip(index, values.shape[2:], strict=True)
    ):
        raise ValueError(
            f"var_names entry {name!r} does not index a scalar of {var!r} (shape "
            f"{values.shape[2:]}); choose from {components(posterior)[:12]}."
        )
    return values[(slice(None), slice(None), *index)]
