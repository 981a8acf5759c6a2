"""plot_compare: arviz-plots' comparison plot of a compare table, an ArviZ frame or ELPD results."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from arviz_plots import PlotCollection

from pymc_slt.criteria.waic import waic
from pymc_slt.plots import plot_compare
from pymc_slt.plots.compare import compare_frame

matplotlib.use("Agg")


def _table() -> pd.DataFrame:
    """The ELPD columns of a compare table, best LOO model not first (compare sorts by log Z)."""
    return pd.DataFrame(
        {
            "elpd_loo": [-75.0, -70.0, np.nan],
            "elpd_loo_se": [5.0, 4.5, np.nan],
            "elpd_loo_dse": [2.0, 0.0, np.nan],
            "elpd_waic": [-74.9, -69.8, -80.0],
            "elpd_waic_se": [5.0, 4.5, 6.0],
            "elpd_waic_dse": [2.1, 0.0, 3.0],
        },
        index=pd.Index(["quadratic", "linear", "cubic"], name="model"),
    )


def _draws(shift: float, seed: int) -> xr.DataTree:
    rng = np.random.default_rng(seed)
    log_lik = rng.normal(-1.0 - shift, 0.1, size=(2, 100, 30))
    return xr.DataTree.from_dict(
        {"log_likelihood": xr.Dataset({"y": (("chain", "draw", "obs"), log_lik)})}
    )


def test_compare_frame_is_arviz_layout_best_first():
    frame = compare_frame(_table(), "loo")
    assert list(frame.index) == ["linear", "quadratic"]  # the NaN model is left out
    assert frame["elpd_diff"].tolist() == [0.0, -5.0]  # as arviz_stats.compare: elpd - best
    assert frame["dse"].tolist() == [0.0, 2.0]
    assert frame["rank"].tolist() == [0, 1] and set(frame["kind"]) == {"loo"}
    assert list(compare_frame(_table(), "waic").index) == ["linear", "quadratic", "cubic"]


def test_compare_frame_keeps_a_missing_dse_missing_and_warns():
    """A model whose se of difference is missing gets no error bar, not a zero-width one."""
    table = _table().assign(elpd_waic_dse=[np.nan, np.nan, 3.0])
    with pytest.warns(UserWarning, match=r"no se of the ELPD difference for \['quadratic'\]"):
        frame = compare_frame(table, "waic")
    assert frame.loc["linear", "dse"] == 0.0  # the best model: its difference from itself
    assert np.isnan(frame.loc["quadratic", "dse"])
    assert frame.loc["cubic", "dse"] == 3.0


@pytest.mark.parametrize("kind", ["loo", "waic"])
def test_plot_compare_of_a_compare_table_saves_a_png(kind, tmp_path):
    pc = plot_compare(_table(), kind=kind)
    assert isinstance(pc, PlotCollection)
    path = tmp_path / f"compare_{kind}.png"
    pc.savefig(path)
    assert path.stat().st_size > 1000


def test_plot_compare_of_elpd_results(tmp_path):
    elpds = {"good": waic(_draws(0.0, 1)), "worse": waic(_draws(0.5, 2))}
    pc = plot_compare(elpds, rotated=True)
    assert isinstance(pc, PlotCollection)
    pc.savefig(tmp_path / "elpds.png")
    assert (tmp_path / "elpds.png").stat().st_size > 1000


def test_plot_compare_refuses_bad_input():
    with pytest.raises(TypeError, match="table_or_elpds must be"):
        plot_compare([1, 2])
    with pytest.raises(ValueError, match="kind must be one of"):
        plot_compare(_table(), kind="bic")
    with pytest.raises(ValueError, match="lacks the column"):
        plot_compare(_table().drop(columns="elpd_loo_dse"))
    nan = _table().assign(elpd_loo=np.nan)
    with pytest.raises(ValueError, match="no model has a finite elpd_loo"):
        plot_compare(nan)
