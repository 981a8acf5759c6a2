"""The phase-transition and Langevin figures (re-exported by :mod:`pymc_slt.plots`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from pymc_slt.phases.transition import PhasePrediction, PhaseTransition
from pymc_slt.plots.style import (
    HIGHLIGHT_COLOR,
    PREDICTION_COLOR,
    REFERENCE_COLOR,
    component,
    components,
    figure_or_new,
    log_n_axis,
)

__all__ = ["plot_langevin_vs_nuts", "plot_phase_transition"]


def plot_phase_transition(
    transition: PhaseTransition,
    *,
    prediction: PhasePrediction | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Fraction of the posterior in the high phase, and ΔF, against n.

    Parameters
    ----------
    transition : PhaseTransition
        From :func:`pymc_slt.phases.transition.phase_transition`.
    prediction : PhasePrediction, optional
        Draws the predicted crossing and the leading-order
        :math:`ΔF(n) = n ΔL - Δλ \\log n - Δm \\log\\log n` (defined up to an O(1) constant).
    fig : matplotlib.figure.Figure, optional
        Figure to draw into (two panels are added); a new one by default.

    Returns
    -------
    matplotlib.figure.Figure
        Left: fraction in the high phase ± se with 1/2 marked; right:
        :math:`ΔF = F_\\text{low} - F_\\text{high}` ± se with 0 marked. Both mark the observed
        crossing (solid) and the predicted one (dashed).

    Raises
    ------
    TypeError
        If ``transition`` is not a :class:`PhaseTransition` or ``prediction`` not a
        :class:`PhasePrediction`.
    """
    if not isinstance(transition, PhaseTransition):
        raise TypeError(
            f"transition must be a PhaseTransition (from phase_transition), got "
            f"{type(transition).__name__}."
        )
    if prediction is not None and not isinstance(prediction, PhasePrediction):
        raise TypeError(
            f"prediction must be a PhasePrediction or None, got {type(prediction).__name__}."
        )
    fig = figure_or_new(fig, (10.0, 4.0))
    ax_frac, ax_df = fig.subplots(1, 2)
    table = transition.table
    n = table["n"].to_numpy(dtype=float)
    label = f"phase {transition.high}"
    for ax, column, level, text in (
        (ax_frac, "fraction_high", 0.5, f"fraction in {label} (±2 se)"),
        (ax_df, "delta_free_energy", 0.0, "log P(high) − log P(low) (±2 se)"),
    ):
        ax.errorbar(
            n,
            table[column],
            yerr=2 * table[f"{column}_se"],
            marker="o",
            color="k",
            capsize=3,
            label=text,
        )
        ax.axhline(level, color=REFERENCE_COLOR, lw=0.8)
    for ax in (ax_frac, ax_df):
        log_n_axis(ax, n)
    ax_frac.set(ylim=(-0.02, 1.02), xlabel="n", ylabel=f"P({label} | D_n)")
    ax_df.set(
        xlabel="n",
        ylabel=f"ΔF = F(phase {transition.low}) − F(phase {transition.high})",
    )
    for ax in (ax_frac, ax_df):
        if np.isfinite(transition.observed_n):
            ax.axvline(
                transition.observed_n,
                color=HIGHLIGHT_COLOR,
                label=f"observed crossing n ≈ {transition.observed_n:.0f}",
            )
    if prediction is not None:
        n_star = prediction.transition_n
        grid = np.geomspace(n.min(), n.max(), 200)
        ax_df.plot(
            grid,
            prediction.delta_free_energy(grid),
            color=PREDICTION_COLOR,
            ls="--",
            label="n ΔL − Δλ log n − Δm log log n",
        )
        for ax in (ax_frac, ax_df):
            ax.axvline(
                n_star, color=PREDICTION_COLOR, ls=":", label=f"predicted crossing n ≈ {n_star:.0f}"
            )
    ax_frac.legend(fontsize="small", loc="upper left")
    ax_df.legend(fontsize="small", loc="upper left")
    fig.suptitle(f"Bayesian phase transition: phase {transition.low} → {transition.high}")
    return fig


def plot_langevin_vs_nuts(
    langevin: xr.DataTree,
    reference: xr.DataTree,
    *,
    var_names: Sequence[str] | None = None,
    trajectory_draws: int = 300,
    bins: int = 50,
    fig: Figure | None = None,
) -> Figure:
    """Noisy gradient descent laid over reference (NUTS) draws, in one parameter plane.

    Parameters
    ----------
    langevin : xarray.DataTree
        From :func:`pymc_slt.sampling.langevin.noisy_gradient_descent`.
    reference : xarray.DataTree
        Draws of the same tempered posterior, e.g. :func:`pymc_slt.sample_tempered`.
    var_names : (str, str), optional
        The two scalar components on the axes, as ``"a"``, ``"w[0]"`` or ``"A[1, 0]"``; default
        the first two of ``langevin``'s posterior.
    trajectory_draws : int, default 300
        How many consecutive kept Langevin states of the first chain to join as a path.
    bins : int, default 50
        Histogram bins of the marginals.
    fig : matplotlib.figure.Figure, optional
        Figure to draw into (three axes are added); a new one by default.

    Returns
    -------
    matplotlib.figure.Figure
        Centre: reference draws (grey), Langevin draws (coloured) and the start of the Langevin
        path; top and right: the two marginal densities, reference and Langevin.

    Raises
    ------
    TypeError
        If ``langevin``/``reference`` is not a DataTree with a posterior group.
    ValueError
        If ``var_names`` is not two components present in both posteriors.
    """
    posts = []
    for name, dt in (("langevin", langevin), ("reference", reference)):
        if not isinstance(dt, xr.DataTree) or "posterior" not in dt.children:
            raise TypeError(
                f"{name} must be a DataTree with a posterior group, got {type(dt).__name__}."
            )
        posts.append(dt["posterior"].to_dataset())
    names = list(var_names) if var_names is not None else components(posts[0])[:2]
    if len(names) != 2:
        raise ValueError(f"var_names must name two scalar components, got {var_names!r}.")
    (xl, yl), (xr_, yr) = ([component(p, v) for v in names] for p in posts)
    fig = figure_or_new(fig, (6.5, 6.5))
    grid = fig.add_gridspec(2, 2, width_ratios=(4, 1), height_ratios=(1, 4))
    ax = fig.add_subplot(grid[1, 0])
    ax_top = fig.add_subplot(grid[0, 0], sharex=ax)
    ax_right = fig.add_subplot(grid[1, 1], sharey=ax)
    sampler = reference.attrs.get("sampler", "reference")
    for x, y, size, color, alpha, text in (
        (xr_, yr, 3, REFERENCE_COLOR, 0.4, f"{sampler} draws"),
        (xl, yl, 2, HIGHLIGHT_COLOR, 0.25, "noisy gradient descent draws"),
    ):
        ax.scatter(x.ravel(), y.ravel(), s=size, color=color, alpha=alpha, label=text)
    k = min(int(trajectory_draws), xl.shape[1])
    ax.plot(xl[0, :k], yl[0, :k], color="k", lw=0.6, alpha=0.8, label=f"its path ({k} kept states)")
    ax.set(xlabel=names[0], ylabel=names[1])
    ax.legend(fontsize="small", loc="upper right", markerscale=3)
    for values, color in ((xr_, REFERENCE_COLOR), (xl, HIGHLIGHT_COLOR)):
        ax_top.hist(values.ravel(), bins=bins, density=True, histtype="step", color=color, lw=1.5)
    for values, color in ((yr, REFERENCE_COLOR), (yl, HIGHLIGHT_COLOR)):
        ax_right.hist(
            values.ravel(),
            bins=bins,
            density=True,
            histtype="step",
            color=color,
            lw=1.5,
            orientation="horizontal",
        )
    ax_top.tick_params(labelbottom=False)
    ax_right.tick_params(labelleft=False)
    beta = langevin.attrs.get("beta", float("nan"))
    eta = langevin.attrs.get("step_size", float("nan"))
    fig.suptitle(f"Gibbs posterior at β = {beta:g}: Langevin (η = {eta:g}) vs reference")
    return fig
