"""The Fisher-spectrum and sampler-diagnostics figures (re-exported by :mod:`pymc_slt.plots`)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import xarray as xr
from matplotlib.figure import Figure

from pymc_slt._validate import check_sequence_of_str, validate_positive_int, validate_rtol
from pymc_slt.fisher import EIGEN_DIM
from pymc_slt.plots.style import (
    HIGHLIGHT_COLOR,
    PREDICTION_COLOR,
    REFERENCE_COLOR,
    check_named_mapping,
    component,
    components,
    panel_grid,
)

__all__ = ["plot_diagnostics", "plot_fisher_spectrum"]


def _eigenvalues(value: Any, name: str) -> np.ndarray:
    """Eigenvalues ``(draws, d)``, descending per draw, from an array or a DataArray."""
    if isinstance(value, xr.DataArray) and EIGEN_DIM in value.dims:
        value = value.transpose(..., EIGEN_DIM)
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"spectra[{name!r}] must be an array of eigenvalues: {err}") from err
    if arr.ndim == 0 or arr.size == 0:
        raise ValueError(
            f"spectra[{name!r}] must have shape (draws, d) (or (d,) for one point), got "
            f"{arr.shape}; use pymc_slt.fisher_spectrum(model, datatree)."
        )
    arr = arr.reshape(-1, arr.shape[-1])
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"spectra[{name!r}] holds NaN/inf eigenvalues.")
    return np.sort(arr, axis=-1)[:, ::-1]


def _rank_rtol(rtol: Any, name: str, value: Any, d: int) -> float:
    """The rank tolerance of one model: given, stored in ``attrs["rtol"]``, or d·ε."""
    given = validate_rtol(rtol.get(name) if isinstance(rtol, Mapping) else rtol)
    if given is None and "rtol" in getattr(value, "attrs", {}):
        given = validate_rtol(value.attrs["rtol"])
    if given is None:
        dtype = np.asarray(value).dtype
        eps = np.finfo(dtype if dtype.kind == "f" else np.float64).eps
        given = d * float(eps)
    return given


def plot_fisher_spectrum(
    spectra: Mapping[str, np.ndarray],
    *,
    rtol: float | Mapping[str, float] | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Fisher information spectrum across posterior draws, and its numerical rank, per model.

    Parameters
    ----------
    spectra : mapping of str to array
        Per model, eigenvalues of shape ``(draws, d)`` (or ``(d,)`` for one point, or the
        ``(chain, draw, eigen)`` DataArray of :func:`pymc_slt.fisher_spectrum`); they are sorted
        descending per draw.
    rtol : float or mapping of str to float, optional
        Rank tolerance relative to the largest eigenvalue of each draw, as in
        :func:`pymc_slt.fisher_rank` (one for all models or per model). Default: a DataArray's
        ``attrs["rtol"]`` if it has one, else :math:`d · ε` (see Notes).
    fig : matplotlib.figure.Figure, optional
        Figure to draw into (one panel per model, rows of three); a new one by default.

    Returns
    -------
    matplotlib.figure.Figure
        Per model, on a log y axis: eigenvalue index j = 1…d against :math:`μ_j`, the median
        and the 5–95 % band over draws, the median over draws of the rank tolerance
        :math:`\\mathrm{rtol} · μ_1` (dashed), and the title
        ``"model: rank 5 in 97 % of draws (d = 14)"`` (the most frequent rank). Eigenvalues
        ≤ 0 (rounding noise of exact zeros) are drawn at a floor, a tenth of the smallest
        positive eigenvalue or tolerance, marked by a dotted line.

    Raises
    ------
    TypeError
        If ``spectra`` is not a mapping of names to arrays, ``rtol`` not a number, or ``fig``
        not a Figure.
    ValueError
        If it is empty, an array is empty or holds NaN/inf, or ``rtol`` is not in [0, 1).

    Notes
    -----
    The rank of a draw is the number of eigenvalues :math:`μ_j > \\mathrm{rtol} · μ_1`, as in
    :func:`pymc_slt.fisher_rank`, whose default :math:`\\mathrm{rtol} = \\max(d, K)\\,ε` needs
    the number K of rank-one terms of :math:`I(w)`, which an eigenvalue array does not carry.
    Without it the default is :math:`d · ε`, which separates exact zeros (rounding noise of a
    few ε μ₁) from real eigenvalues in our models, but pass
    ``rtol=fisher_rank(...).attrs["rtol"]`` to count exactly as ``fisher_rank``.

    References
    ----------
    Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge
    University Press. https://doi.org/10.1017/CBO9780511800474
    """
    spectra = check_named_mapping(spectra, "spectra", "array of eigenvalues (draws, d)")
    if isinstance(rtol, Mapping):
        unknown = [k for k in rtol if k not in spectra]
        if unknown:
            raise ValueError(f"rtol names models {unknown} not in spectra ({list(spectra)}).")
    eigen = {name: _eigenvalues(value, name) for name, value in spectra.items()}
    fig, axes = panel_grid(fig, len(eigen))
    for ax, (name, mu) in zip(axes, eigen.items(), strict=True):
        d = mu.shape[1]
        tol = _rank_rtol(rtol, name, spectra[name], d) * np.maximum(mu[:, 0], 0.0)
        ranks = (mu > tol[:, None]).sum(axis=1)
        values, counts = np.unique(ranks, return_counts=True)
        tol_median = float(np.median(tol))
        smallest = float(mu[mu > 0].min(initial=np.inf))
        floor = 0.1 * min(smallest, tol_median or np.inf)
        floor = floor if np.isfinite(floor) else 1.0
        low, mid, high = np.quantile(np.maximum(mu, floor), [0.05, 0.5, 0.95], axis=0)
        j = np.arange(1, d + 1)
        ax.fill_between(j, low, high, color=PREDICTION_COLOR, alpha=0.25, label="5–95 % of draws")
        ax.plot(j, mid, "o-", color=PREDICTION_COLOR, ms=4, label="median over draws")
        if tol_median > 0:
            ax.axhline(tol_median, color=HIGHLIGHT_COLOR, ls="--", label="rank tolerance (median)")
        if np.any(mu <= floor):
            ax.axhline(floor, color=REFERENCE_COLOR, ls=":", lw=0.8, label="floor for μ ≤ 0")
        ax.set(yscale="log", xlabel="eigenvalue index j", ylabel="μ_j of I(w)")
        ax.set_xticks(j if d <= 20 else j[:: math.ceil(d / 10)])
        share = counts.max() / ranks.size
        ax.set_title(
            f"{name} (d = {d})\nrank {values[counts.argmax()]} in {100 * share:.0f} % of draws",
            fontsize="medium",
        )
        ax.legend(fontsize="small")
    fig.suptitle("Fisher information spectrum across the posterior")
    return fig


def _selected_components(posterior: xr.Dataset, var_names: list[str] | None) -> list[str]:
    """Scalar components named by ``var_names`` (variables expand to all their components)."""
    if var_names is None:
        return components(posterior)
    out = []
    for name in var_names:
        if name in posterior.data_vars:
            out += components(posterior[[name]])
        else:
            component(posterior, name)  # raises a ValueError naming the valid choices
            out.append(name)
    return out


def plot_diagnostics(
    data: xr.DataTree,
    *,
    var_names: Sequence[str] | None = None,
    max_vars: int = 4,
) -> Figure:
    """ArviZ rank plots of a run, with r̂ and bulk ESS of every plotted component.

    Parameters
    ----------
    data : xarray.DataTree
        With a ``posterior`` group of dims ``(chain, draw, ...)``, e.g. from
        :func:`pymc_slt.sample_tempered`.
    var_names : sequence of str, optional
        Variables (all their scalar components) or components such as ``"w[0]"`` or
        ``"A[1, 0]"``; default all, in posterior order.
    max_vars : int, default 4
        Plot at most this many scalar components (the first ones), so a 14-parameter model
        stays readable; the title still summarises all of them.

    Returns
    -------
    matplotlib.figure.Figure
        One :func:`arviz_plots.plot_rank` panel (fractional-rank Δ-ECDF per chain, with the
        multi-chain uniformity test) per component, titled with r̂ and bulk ESS
        (:func:`arviz_stats.rhat`, :func:`arviz_stats.ess`); titles turn red when r̂ > 1.01 or
        bulk ESS < 100 per chain. The suptitle gives the worst r̂ and ESS over all components.
        arviz-plots cannot draw into a given figure, so it creates this one through pyplot;
        it is closed in pyplot's registry (``plt.close``) before it is returned, so nothing is
        left open and ``fig.savefig`` works under any backend (Agg included).

    Raises
    ------
    TypeError
        If ``data`` is not a DataTree with a posterior group, ``var_names`` not strings, or
        ``max_vars`` not an int.
    ValueError
        If the posterior lacks ``chain``/``draw`` dims or has fewer than 4 draws, a
        ``var_names`` entry is unknown, or ``max_vars`` < 1.

    Notes
    -----
    Non-identified parameters of singular models (e.g. ``a`` and ``b`` of ``y = a·b·x``) need
    not mix although :math:`n L_n(w)` does; judge λ̂ by the energy's r̂ (see
    :func:`pymc_slt.learning_coefficient`).

    References
    ----------
    Vehtari, A., Gelman, A., Simpson, D., Carpenter, B., & Bürkner, P.-C. (2021).
    Rank-normalization, folding, and localization: an improved R̂ for assessing convergence
    of MCMC. *Bayesian Analysis* 16(2), 667–718. https://doi.org/10.1214/20-BA1221
    """
    import arviz_plots as azp
    import arviz_stats as azs
    from matplotlib import pyplot as plt

    if not isinstance(data, xr.DataTree) or "posterior" not in data.children:
        raise TypeError(
            f"data must be a DataTree with a posterior group, got {type(data).__name__}."
        )
    post = data["posterior"].to_dataset()
    if not {"chain", "draw"} <= set(post.dims) or post.sizes["draw"] < 4:
        raise ValueError(
            f"the posterior needs dims (chain, draw) with at least 4 draws, got {dict(post.sizes)}."
        )
    max_vars = validate_positive_int(max_vars, "max_vars")
    names = _selected_components(post, check_sequence_of_str(var_names, "var_names"))
    if not names:
        raise ValueError("the posterior has no variables to diagnose.")
    chains, draws = post.sizes["chain"], post.sizes["draw"]
    coords = {
        dim: post[dim].to_numpy() if dim in post.coords else np.arange(post.sizes[dim])
        for dim in ("chain", "draw")
    }
    shown = xr.Dataset(
        {name: (("chain", "draw"), component(post, name)) for name in names[:max_vars]},
        coords=coords,
    )
    rhat, ess = azs.rhat(shown), azs.ess(shown, method="bulk")
    worst_rhat = float(azs.rhat(post).to_array().max(skipna=True))
    worst_ess = float(azs.ess(post, method="bulk").to_array().min(skipna=True))
    cols = math.ceil(math.sqrt(len(shown.data_vars)))
    rows = math.ceil(len(shown.data_vars) / cols)
    plots = azp.plot_rank(
        xr.DataTree.from_dict({"posterior": shown}),
        backend="matplotlib",
        col_wrap=cols,
        figure_kwargs={"figsize": (4.5 * cols, 3.2 * rows), "layout": "constrained"},
    )
    fig = plots.viz["figure"].item()
    plt.close(fig)
    for name in shown.data_vars:
        r, e = float(rhat[name]), float(ess[name])
        poor = not (r <= 1.01 and e >= 100 * chains)
        plots.get_viz("plot", name).set_title(
            f"{name}\nr̂ = {r:.3f}, bulk ESS = {e:.0f}",
            color=HIGHLIGHT_COLOR if poor else "k",
            fontsize="medium",
        )
    beta = data.attrs.get("beta")
    fig.suptitle(
        f"Rank plots of {len(shown.data_vars)} of {len(components(post))} components, {chains} "
        f"chains × {draws} draws{f', β = {beta:g}' if beta is not None else ''}\nall "
        f"components: max r̂ = {worst_rhat:.3f}, min bulk ESS = {worst_ess:.0f}"
    )
    return fig
