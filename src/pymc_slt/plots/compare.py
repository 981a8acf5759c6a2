"""ArviZ's model-comparison plot of the ELPD columns of :func:`pymc_slt.compare`.

:func:`plot_compare` turns the ``elpd_loo`` or ``elpd_waic`` columns of a
:func:`pymc_slt.compare` table into the frame :func:`arviz_stats.compare` returns, and draws it
with :func:`arviz_plots.plot_compare`, the plot ArviZ users know. It also takes that frame
itself, or ELPD results by model name (``{"a": slt.waic(idata_a), ...}``). The SLT figures
(free energy, λ̂, Fisher spectrum) stay matplotlib (:mod:`pymc_slt.plots`).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

import arviz_stats as azs
import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from arviz_plots import PlotCollection

__all__ = ["compare_frame", "plot_compare"]

#: The ELPD kinds a :func:`pymc_slt.compare` table holds.
KINDS = ("loo", "waic")


def compare_frame(table: pd.DataFrame, kind: Literal["loo", "waic"] = "loo") -> pd.DataFrame:
    """The ``elpd_<kind>`` columns of a :func:`pymc_slt.compare` table in the layout of
    :func:`arviz_stats.compare`'s result, best model first.

    Columns: ``rank``, ``elpd``, ``se``, ``elpd_diff`` (:math:`\\mathrm{elpd} -
    \\mathrm{elpd}_\\text{best}`, as in ArviZ: 0 for the best model, negative for the others),
    ``dse`` (the se of that difference, ``elpd_<kind>_dse``, from :func:`arviz_stats.compare`
    on the pointwise terms; 0 for the best model, and NaN, with a warning, where it is missing)
    and ``kind``.
    Models whose ``elpd_<kind>`` is NaN (the quantity failed; see ``problems``) are left out.

    Raises
    ------
    TypeError
        If ``table`` is not a DataFrame.
    ValueError
        If ``kind`` is not ``"loo"`` or ``"waic"``, the table lacks the columns, or no model has
        a finite ``elpd_<kind>``.
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {list(KINDS)}, got {kind!r}.")
    if not isinstance(table, pd.DataFrame):
        raise TypeError(
            f"table must be the DataFrame of pymc_slt.compare, got {type(table).__name__}."
        )
    columns = [f"elpd_{kind}", f"elpd_{kind}_se", f"elpd_{kind}_dse"]
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise ValueError(
            f"table lacks the column(s) {missing}; pass the table of pymc_slt.compare."
        )
    rows = table[columns].astype(float)
    rows = rows[np.isfinite(rows[columns[0]])].sort_values(columns[0], ascending=False)
    if rows.empty:
        raise ValueError(
            f"no model has a finite elpd_{kind}; the table's 'problems' column says why."
        )
    elpd, dse = rows[columns[0]], rows[columns[2]].copy()
    dse.iloc[0] = 0.0  # the best model's difference from itself
    if dse.isna().any():
        warnings.warn(
            f"no se of the ELPD difference for {list(dse.index[dse.isna()])} (elpd_{kind}_dse "
            "is NaN: their pointwise terms were not comparable with the best model's); they "
            "are drawn without an error bar. Remedy: compare models fitted to the same "
            "observations.",
            UserWarning,
            stacklevel=2,
        )
    return pd.DataFrame(
        {
            "rank": np.arange(len(rows)),
            "elpd": elpd,
            "se": rows[columns[1]],
            "elpd_diff": elpd - elpd.iloc[0],
            "dse": dse,
            "kind": kind,
        },
        index=rows.index,
    )


def plot_compare(
    table_or_elpds: pd.DataFrame | Mapping[str, azs.ELPDData],
    *,
    kind: Literal["loo", "waic"] = "loo",
    backend: str = "matplotlib",
    **kwargs: Any,
) -> PlotCollection:
    """ArviZ's comparison plot (:func:`arviz_plots.plot_compare`) of ELPD over models.

    Parameters
    ----------
    table_or_elpds : pandas.DataFrame or mapping of str to arviz_stats.ELPDData
        A :func:`pymc_slt.compare` table (its ``elpd_<kind>`` columns are used, see
        :func:`compare_frame`), a frame from :func:`arviz_stats.compare` (used as is), or ELPD
        results by model name (e.g. ``{"a": slt.waic(idata_a), "b": slt.waic(idata_b)}``),
        ranked here with :func:`arviz_stats.compare`.
    kind : {"loo", "waic"}, default "loo"
        Which ELPD of a :func:`pymc_slt.compare` table to plot (PSIS-LOO or WAIC).
    backend : str, default "matplotlib"
        The arviz-plots backend.
    **kwargs
        Passed to :func:`arviz_plots.plot_compare` (``relative_scale``, ``rotated``,
        ``visuals``, ...).

    Returns
    -------
    arviz_plots.PlotCollection
        The plot; save it with ``pc.savefig(path)``. Points are each model's ELPD difference
        from the best model, with ±1 se of that difference (``relative_scale=True``).

    Raises
    ------
    TypeError
        If ``table_or_elpds`` is none of the above.
    ValueError
        As :func:`compare_frame`, for a :func:`pymc_slt.compare` table.

    Examples
    --------
    >>> import pymc_slt as slt
    >>> from pymc_slt.plots import plot_compare
    >>> table = slt.compare({"a": model_a, "b": model_b})  # doctest: +SKIP
    >>> plot_compare(table, kind="loo").savefig("compare.png")  # doctest: +SKIP
    """
    import arviz_plots as azp

    if isinstance(table_or_elpds, pd.DataFrame):
        frame = table_or_elpds
        if "elpd" not in frame.columns:
            frame = compare_frame(frame, kind)
    elif isinstance(table_or_elpds, Mapping) and all(
        isinstance(v, azs.ELPDData) for v in table_or_elpds.values()
    ):
        frame = azs.compare(dict(table_or_elpds))
    else:
        raise TypeError(
            "table_or_elpds must be the DataFrame of pymc_slt.compare or arviz_stats.compare, "
            "or a dict of model name -> ELPD result (slt.waic, arviz_stats.loo), got "
            f"{type(table_or_elpds).__name__}."
        )
    return azp.plot_compare(frame, backend=backend, **kwargs)
