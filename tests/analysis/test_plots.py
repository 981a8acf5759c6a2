"""Figures: built without pyplot, returned as Figures, saved under Agg; bad input is refused."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from matplotlib.figure import Figure

from pymc_slt.analysis.phases import PhasePrediction, PhaseTransition
from pymc_slt.analysis.plots import plot_langevin_vs_nuts, plot_phase_transition


@pytest.fixture
def transition() -> PhaseTransition:
    n = np.array([100, 200, 400, 800, 1600])
    frac = np.array([0.1, 0.2, 0.4, 0.7, 0.95])
    table = pd.DataFrame(
        {
            "n": n,
            "n_seeds": 3,
            "fraction_high": frac,
            "fraction_high_se": 0.03,
            "delta_free_energy": np.log(frac / (1 - frac)),
            "delta_free_energy_se": 0.2,
        }
    )
    return PhaseTransition(table, 1, 2, observed_n=520.0)


def _tree(seed: int, sampler: str) -> xr.DataTree:
    w = np.random.default_rng(seed).normal(size=(2, 300, 2))
    post = xr.Dataset({"w": (("chain", "draw", "w_dim_0"), w), "s": (("chain", "draw"), w[..., 0])})
    dt = xr.DataTree.from_dict({"posterior": post})
    dt.attrs.update({"sampler": sampler, "beta": 1.0, "step_size": 1e-3})
    return dt


def test_phase_transition_figure(transition, tmp_path):
    fig = plot_phase_transition(transition, prediction=PhasePrediction(0.15**2 / 2, (5, 6), (2, 1)))
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    labels = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert any("predicted crossing n ≈ 757" in label for label in labels)
    fig.savefig(tmp_path / "phase.png")
    assert (tmp_path / "phase.png").stat().st_size > 0


def test_phase_transition_figure_into_given_figure(transition):
    fig = Figure()
    assert plot_phase_transition(transition, fig=fig) is fig
    with pytest.raises(TypeError, match="PhaseTransition"):
        plot_phase_transition(transition.table)
    with pytest.raises(TypeError, match="prediction"):
        plot_phase_transition(transition, prediction=757.0)
    with pytest.raises(TypeError, match="fig"):
        plot_phase_transition(transition, fig="figure")


def test_langevin_figure(tmp_path):
    fig = plot_langevin_vs_nuts(_tree(0, "langevin"), _tree(1, "nuts"))
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 3
    assert fig.axes[0].get_xlabel() == "w[0]" and fig.axes[0].get_ylabel() == "w[1]"
    fig = plot_langevin_vs_nuts(_tree(0, "langevin"), _tree(1, "nuts"), var_names=("s", "w[1]"))
    assert fig.axes[0].get_xlabel() == "s"
    fig.savefig(tmp_path / "langevin.png")


@pytest.mark.parametrize(
    ("var_names", "match"),
    [
        (("w[2]", "s"), "w\\[2\\]"),
        (("v", "s"), "'v'"),
        (("s", "w[0, 1]"), "w\\[0, 1\\]"),
        (("s",), "two"),
    ],
)
def test_langevin_figure_bad_var_names(var_names, match):
    with pytest.raises(ValueError, match=match):
        plot_langevin_vs_nuts(_tree(0, "langevin"), _tree(1, "nuts"), var_names=var_names)


def test_langevin_figure_needs_datatrees():
    with pytest.raises(TypeError, match="reference"):
        plot_langevin_vs_nuts(_tree(0, "langevin"), {"w": 1})
