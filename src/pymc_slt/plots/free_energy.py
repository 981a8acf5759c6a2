"""Figures of evidence and criteria: F and criteria over models, F_n over n, the energy ladder."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from pymc_slt.learning_coefficient.free_energy_fit import fit_free_energy
from pymc_slt.plots.style import (
    HIGHLIGHT_COLOR,
    PREDICTION_COLOR,
    REFERENCE_COLOR,
    axes_or_new,
    check_named_mapping,
    check_theory,
    figure_or_new,
    lambda_label,
    log_n_axis,
    panel_grid,
)

__all__ = ["plot_criteria", "plot_energy_ladder", "plot_free_energy"]

#: Criteria of :func:`plot_criteria`: label, column, sign onto the free-energy scale, se column.
CRITERIA = (
    ("F = −log Z", "free_energy", 1.0, "log_z_se"),
    ("WBIC", "wbic", 1.0, "wbic_se"),
    ("BIC", "bic", 1.0, None),
    ("WAIC (−elpd)", "elpd_waic", -1.0, "elpd_waic_dse"),
    ("LOO (−elpd)", "elpd_loo", -1.0, "elpd_loo_dse"),
)
#: Columns :func:`plot_free_energy` needs.
FREE_ENERGY_COLUMNS = ("model", "n", "free_energy", "free_energy_se", "min_energy")


def _check_table(table: Any, columns: Sequence[str], source: str) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"table must be a pandas DataFrame ({source}), got {type(table).__name__}.")
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(f"table lacks the column(s) {missing} ({source}); it has {list(table)}.")
    if table.empty:
        raise ValueError(f"table has no rows ({source}).")
    return table


def _floats(table: pd.DataFrame, column: str) -> np.ndarray:
    try:
        return table[column].to_numpy(dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"table column {column!r} must be numeric: {err}") from err


def plot_criteria(table: pd.DataFrame, *, ax: Axes | None = None) -> Figure:
    """F, WBIC, BIC, WAIC and LOO of several models, each relative to its best model.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`pymc_slt.compare`: one row per model (the index names them) with
        ``free_energy`` and any of ``log_z_se``, ``wbic``, ``wbic_se``, ``bic``,
        ``elpd_waic``, ``elpd_waic_dse`` (or ``elpd_waic_se``), ``elpd_loo``, ``elpd_loo_dse``
        (or ``elpd_loo_se``). Criteria whose column is missing or all NaN are skipped.
    ax : matplotlib.axes.Axes, optional
        Axes to draw into; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        x: the models in table order; per model one marker per criterion,
        :math:`Δ = C - \\min_\\text{models} C` in nats (so the best model sits at 0), with ±1 se
        error bars. The legend gives each criterion's minimum.

    Raises
    ------
    TypeError
        If ``table`` is not a DataFrame or a criterion column is not numeric, or ``ax`` is not
        an Axes.
    ValueError
        If ``free_energy`` is missing or all NaN, or the table is empty.

    Notes
    -----
    Every criterion is on the free-energy scale, lower is better: :math:`F_n = -\\log Z_n`,
    :math:`\\mathrm{WBIC} = E_{β^*}[n L_n]` with :math:`β^* = 1/\\log n`,
    :math:`\\mathrm{BIC} = n L_n(\\hat w) + (d/2)\\log n`, and WAIC and LOO as minus their
    ArviZ ``elpd`` (:math:`-\\mathrm{elpd}_\\mathrm{waic} = n W_n`). Their absolute values are
    about :math:`n` times the entropy of the truth and nearly equal across models, hence the
    differences. For WAIC and LOO the error bars are the se of each model's difference from
    the best one (``*_dse``, from :func:`arviz_stats.compare` on the pointwise terms, 0 for the
    best), which is what a difference is judged by; without those columns, each model's own se.
    For F and WBIC they are each model's Monte-Carlo se (independent runs, so the se of a
    difference is the two combined in quadrature).

    References
    ----------
    Watanabe, S. (2013). A widely applicable Bayesian information criterion. JMLR 14, 867–897.
    https://jmlr.org/papers/v14/watanabe13a.html
    """
    table = _check_table(table, ["free_energy"], "from pymc_slt.compare")
    shown = [c for c in CRITERIA if c[1] in table and np.isfinite(_floats(table, c[1])).any()]
    if not shown or shown[0][1] != "free_energy":
        raise ValueError("table column 'free_energy' is all NaN; there is no free energy to plot.")
    fig, ax = axes_or_new(ax, (max(5.0, 1.2 * len(table) + 3.0), 4.0))
    x = np.arange(len(table))
    width = 0.7 / len(shown)
    for k, (label, column, sign, se_column) in enumerate(shown):
        values = sign * _floats(table, column)
        best = float(np.nanmin(values))
        if se_column not in table and se_column and se_column.endswith("_dse"):
            se_column = se_column.replace("_dse", "_se")  # a table without paired se's
        se = _floats(table, se_column) if se_column in table else None
        ax.errorbar(
            x + (k - (len(shown) - 1) / 2) * width,
            values - best,
            yerr=se,
            fmt="o",
            capsize=3,
            label=f"{label} (best {best:.1f})",
        )
    ax.axhline(0.0, color=REFERENCE_COLOR, lw=0.8)
    ax.set_xticks(x, [str(name) for name in table.index])
    ax.set(xlabel="model", ylabel="Δ from the best model (nats)")
    ax.legend(title="criterion (± 1 se)", fontsize="small")
    sizes = table["n"].dropna().unique() if "n" in table else []
    suffix = f", n = {sizes[0]:g}" if len(sizes) == 1 else ""
    ax.set_title(f"Criteria on the free-energy scale, lower is better{suffix}")
    return fig


def plot_free_energy(
    table: pd.DataFrame,
    *,
    theory: Mapping[str, float] | None = None,
    fig: Figure | None = None,
) -> Figure:
    """Free energy against n, and its excess over the best fit against log n (slope λ).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per (model, n) (several seeds per n are fine) with columns ``model`` (str),
        ``n``, ``free_energy`` (:math:`F_n = -\\log Z_n`), ``free_energy_se`` (may be NaN) and
        ``min_energy`` (:math:`n L_n(\\hat w)`).
    theory : mapping of str to float, optional
        Theoretical λ of some models, drawn as a dashed line and quoted in the legend.
    fig : matplotlib.figure.Figure, optional
        Figure to draw into (two panels are added); a new one by default.

    Returns
    -------
    matplotlib.figure.Figure
        Left: :math:`F_n` ± se against n (log axis) per model, and the fit
        :math:`n L_n(\\hat w) + \\hat λ \\log n + \\hat c` evaluated at the measured n (its mean
        over rows with the same n) joined by straight lines — :math:`n L_n(\\hat w)` is only
        known there. Right: :math:`F_n - n L_n(\\hat w)` ± se against :math:`\\log n` with the
        fitted line of slope :math:`\\hat λ` and, for models in ``theory``, a dashed line of
        slope λ through the fitted line's value at the mean :math:`\\log n`. Legend labels read
        ``"model: λ̂ = 0.52 ± 0.04 (theory 0.5)"``.

    Raises
    ------
    TypeError
        If ``table`` is not a DataFrame, ``theory`` not a mapping, ``fig`` not a Figure.
    ValueError
        If a column is missing, ``theory`` names an unknown model or a non-finite λ, or a model
        cannot be fitted (see :func:`~pymc_slt.learning_coefficient.fit_free_energy`).

    Notes
    -----
    :math:`F_n = n L_n(w_0) + λ \\log n - (m-1)\\log\\log n + O_p(1)` (docs/theory.md), so
    :math:`F_n - n L_n(\\hat w) = λ \\log n + c`, fitted by
    :func:`~pymc_slt.learning_coefficient.free_energy_fit.fit_free_energy`.

    References
    ----------
    Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge
    University Press. https://doi.org/10.1017/CBO9780511800474
    """
    table = _check_table(table, FREE_ENERGY_COLUMNS, "columns model, n, free_energy, ...")
    models = [str(m) for m in dict.fromkeys(table["model"])]
    theory = check_theory(theory, models)
    fig = figure_or_new(fig, (11.0, 4.2))
    ax_f, ax_x = fig.subplots(1, 2)
    for i, name in enumerate(models):
        rows = table[table["model"].astype(str) == name].sort_values("n")
        n, f, se, e = (_floats(rows, c) for c in FREE_ENERGY_COLUMNS[1:])
        try:
            fit = fit_free_energy(n, f, e, se)
        except ValueError as err:
            raise ValueError(f"table rows of model {name!r}: {err}") from err
        color = f"C{i}"
        ax_f.errorbar(n, f, yerr=se, fmt="o", color=color, capsize=3, label=name)
        fitted = pd.Series(e + fit.excess(n)).groupby(n).mean()
        ax_f.plot(fitted.index, fitted.to_numpy(), color=color, lw=1.2)
        log_n = np.log(n)
        ax_x.errorbar(log_n, f - e, yerr=se, fmt="o", color=color, capsize=3)
        span = np.array([log_n.min(), log_n.max()])
        label = lambda_label(name, fit.lam, fit.lam_se, theory.get(name), how="slope of F")
        ax_x.plot(span, fit.excess(np.exp(span)), color=color, label=label)
        if name in theory:
            mid = log_n.mean()
            ax_x.plot(
                span, fit.excess(np.exp(mid)) + theory[name] * (span - mid), color=color, ls="--"
            )
    log_n_axis(ax_f, _floats(table, "n"))
    ax_f.set(xlabel="n", ylabel="F_n = −log Z_n (nats)")
    ax_f.set_title("F_n ± se and n L_n(ŵ) + λ̂ log n + ĉ", fontsize="medium")
    ax_f.legend(fontsize="small")
    ax_x.set(xlabel="log n", ylabel="F_n − n L_n(ŵ) (nats)")
    ax_x.set_title("excess over the best fit: slope λ", fontsize="medium")
    handles = ax_x.get_legend_handles_labels()[0]
    if theory:
        handles.append(Line2D([], [], color="k", ls="--", label="slope λ of theory"))
    ax_x.legend(handles=handles, fontsize="small")
    fig.suptitle("Free energy: F_n = n L_n(w₀) + λ log n − (m−1) log log n + O_p(1)")
    return fig


def _ladder(ds: Any, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, float]]:
    """1/β, energies, their se and the attrs (estimate, se, theory) of one ladder Dataset."""
    if not isinstance(ds, xr.Dataset):
        raise TypeError(
            f"ladders[{name!r}] must be an xarray Dataset (see rlct.ladder_dataset), got "
            f"{type(ds).__name__}."
        )
    for var in ("energy", "energy_se"):
        if var not in ds.data_vars or ds[var].dims != ("beta",):
            raise ValueError(
                f"ladders[{name!r}] needs a data variable {var!r} along the dimension 'beta'; "
                "build it with pymc_slt.learning_coefficient.estimate.ladder_dataset(result)."
            )
    missing = [key for key in ("estimate", "se") if key not in ds.attrs]
    if missing:
        raise ValueError(f"ladders[{name!r}] lacks the attrs {missing} (λ̂ and its se).")
    beta = ds["beta"].to_numpy().astype(float)
    if not np.all(np.isfinite(beta) & (beta > 0)):
        raise ValueError(f"ladders[{name!r}] has β values that are not finite and > 0: {beta}.")
    theory = ds.attrs.get("theory")
    attrs = {"estimate": float(ds.attrs["estimate"]), "se": float(ds.attrs["se"])}
    if theory is not None and np.isfinite(theory):
        attrs["theory"] = float(theory)
    return 1.0 / beta, ds["energy"].to_numpy(), ds["energy_se"].to_numpy(), attrs


def plot_energy_ladder(ladders: Mapping[str, xr.Dataset], *, fig: Figure | None = None) -> Figure:
    """:math:`E_β[n L_n]` against :math:`1/β` per model: the slope is the learning coefficient.

    Parameters
    ----------
    ladders : mapping of str to xarray.Dataset
        Per model, a Dataset with data variables ``energy`` (:math:`E_β[n L_n(w)]`) and
        ``energy_se`` along the dimension ``beta`` (coordinate = β), and attrs ``estimate`` and
        ``se`` (:math:`\\hat λ` and its se) and optionally ``theory`` (λ); see
        :func:`pymc_slt.learning_coefficient.estimate.ladder_dataset`.
    fig : matplotlib.figure.Figure, optional
        Figure to draw into (one panel per model, rows of three); a new one by default.

    Returns
    -------
    matplotlib.figure.Figure
        Per model: the energies ± se against :math:`1/β`, the line of slope :math:`\\hat λ`
        (the attrs ``estimate``) whose intercept is fitted given that slope (weighted by
        :math:`1/\\mathrm{se}^2` when all se are finite and > 0), a dashed line of slope
        ``theory`` through the same weighted mean point, and the title
        ``"model: λ̂ = … ± … (theory …)"``.

    Raises
    ------
    TypeError
        If ``ladders`` is not a mapping of names to Datasets, or ``fig`` not a Figure.
    ValueError
        If it is empty, or a Dataset lacks ``energy``/``energy_se`` along ``beta``, the attrs
        ``estimate``/``se``, or has a β that is not finite and > 0.

    Notes
    -----
    :math:`E_β[n L_n(w)] = n L_n(w_0) + λ/β + O_p(\\sqrt{λ/β})` (Watanabe 2013; docs/theory.md), so
    over a ladder of β the energies lie on a line in :math:`1/β` of slope λ and intercept
    :math:`≈ n L_n(w_0)`.

    References
    ----------
    Watanabe, S. (2013). A widely applicable Bayesian information criterion. JMLR 14, 867–897.
    https://jmlr.org/papers/v14/watanabe13a.html
    """
    ladders = check_named_mapping(ladders, "ladders", "xarray.Dataset")
    data = {name: _ladder(ds, name) for name, ds in ladders.items()}
    fig, axes = panel_grid(fig, len(data))
    for ax, (name, (x, y, se, attrs)) in zip(axes, data.items(), strict=True):
        lam = attrs["estimate"]
        weights = 1.0 / se**2 if np.all(np.isfinite(se) & (se > 0)) else np.ones_like(x)
        x0 = float(np.sum(weights * x) / np.sum(weights))
        y0 = float(np.sum(weights * y) / np.sum(weights))
        pad = 0.05 * (x.max() - x.min()) if x.size > 1 else 0.25 * x[0]
        span = np.array([x.min() - pad, x.max() + pad])
        ax.errorbar(x, y, yerr=se, fmt="o", color="k", capsize=3, label="E_β[n L_n] ± se")
        ax.plot(span, y0 + lam * (span - x0), color=HIGHLIGHT_COLOR, label=f"slope λ̂ = {lam:.2f}")
        if "theory" in attrs:
            ax.plot(
                span,
                y0 + attrs["theory"] * (span - x0),
                color=PREDICTION_COLOR,
                ls="--",
                label=f"slope λ = {attrs['theory']:g} (theory)",
            )
        ax.set(xlabel="1/β", ylabel="E_β[n L_n(w)]")
        ax.set_title(lambda_label(name, lam, attrs["se"], attrs.get("theory")), fontsize="medium")
        ax.legend(fontsize="small")
    fig.suptitle("Energy over the β ladder: E_β[n L_n] ≈ n L_n(w₀) + λ/β (λ̂: the ladder's slope)")
    return fig
