"""Figures: built without pyplot, returned as Figures, saved under Agg; bad input is refused."""

from __future__ import annotations

import matplotlib
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from matplotlib.figure import Figure

from pymc_slt.learning_coefficient.estimate import LearningCoefficientResult, ladder_dataset
from pymc_slt.learning_coefficient.free_energy_fit import FreeEnergyFit, fit_free_energy
from pymc_slt.phases import PhasePrediction, PhaseTransition
from pymc_slt.plots import (
    plot_criteria,
    plot_diagnostics,
    plot_energy_ladder,
    plot_fisher_spectrum,
    plot_free_energy,
    plot_langevin_vs_nuts,
    plot_phase_transition,
)

matplotlib.use("Agg")  # headless: plot_diagnostics goes through pyplot (arviz-plots)


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


# --- criteria, free energy, energy ladder, Fisher spectrum, diagnostics -------------------------


def _criteria_table() -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "n": 100,
            "free_energy": [150.0, 152.5, 158.0],
            "log_z_se": [0.1, 0.2, 0.1],
            "wbic": [151.0, 153.0, 160.0],
            "wbic_se": [0.3, 0.3, 0.4],
            "bic": [152.0, 156.0, 159.0],
            "elpd_waic": [-148.0, -148.5, -155.0],
            "elpd_waic_se": [7.0, 7.1, 7.3],
            "elpd_loo": [-148.2, -148.6, -155.3],
            "elpd_loo_se": [7.0, 7.1, 7.3],
        },
        index=pd.Index(["line", "a*b*x", "cubic"], name="model"),
    )
    return table


def _legend(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_criteria_figure(tmp_path):
    fig = plot_criteria(_criteria_table())
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    (ax,) = fig.axes
    labels = _legend(ax)
    assert labels == [
        "F = −log Z (best 150.0)",
        "WBIC (best 151.0)",
        "BIC (best 152.0)",
        "WAIC (−elpd) (best 148.0)",
        "LOO (−elpd) (best 148.2)",
    ]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["line", "a*b*x", "cubic"]
    # first errorbar container = F: Δ relative to the best model
    assert np.allclose(ax.containers[0].lines[0].get_ydata(), [0.0, 2.5, 8.0])
    assert "n = 100" in ax.get_title()
    fig.savefig(tmp_path / "criteria.png")


def test_criteria_figure_skips_missing_and_draws_into_axes():
    table = _criteria_table().drop(columns=["elpd_loo", "elpd_loo_se", "log_z_se"])
    table["wbic"] = np.nan
    fig = Figure()
    ax = fig.add_subplot()
    assert plot_criteria(table, ax=ax) is fig
    assert [label.split(" (")[0] for label in _legend(ax)] == ["F = −log Z", "BIC", "WAIC"]


def test_criteria_figure_bad_input():
    with pytest.raises(TypeError, match="DataFrame"):
        plot_criteria(_criteria_table().to_dict())
    with pytest.raises(ValueError, match="free_energy"):
        plot_criteria(_criteria_table().drop(columns="free_energy"))
    table = _criteria_table()
    table["free_energy"] = np.nan
    with pytest.raises(ValueError, match="all NaN"):
        plot_criteria(table)
    with pytest.raises(TypeError, match="ax"):
        plot_criteria(_criteria_table(), ax=Figure())


N_GRID = np.array([100, 200, 400, 800, 1600, 3200])


def test_fit_free_energy_exact():
    energy = 1.42 * N_GRID
    fit = fit_free_energy(N_GRID, energy + 0.75 * np.log(N_GRID) + 3.0, energy)
    assert isinstance(fit, FreeEnergyFit)
    assert (fit.lam, fit.lam_se, fit.intercept) == pytest.approx((0.75, 0.0, 3.0), abs=1e-9)
    # with standard errors the Birge ratio floors the se at the propagated Monte-Carlo error
    fit = fit_free_energy(N_GRID, energy + 0.75 * np.log(N_GRID) + 3.0, energy, se=np.full(6, 0.1))
    assert fit.lam == pytest.approx(0.75) and fit.intercept == pytest.approx(3.0)
    x = np.log(N_GRID)
    assert fit.lam_se == pytest.approx(0.1 / np.sqrt(np.sum((x - x.mean()) ** 2)))
    assert np.allclose(fit.excess(N_GRID), 0.75 * x + 3.0)
    assert "λ̂" in repr(fit)


def test_fit_free_energy_noisy_within_se():
    rng = np.random.default_rng(3)
    n = np.repeat(N_GRID, 3)
    se = np.full(n.size, 0.5)
    energy = 1.42 * n + rng.normal(size=n.size)
    free = energy + 2.0 * np.log(n) - 1.0 + rng.normal(scale=se)
    fit = fit_free_energy(n, free, energy, se)
    assert np.isfinite(fit.lam_se) and fit.lam_se > 0
    assert abs(fit.lam - 2.0) < 4 * fit.lam_se


def test_fit_free_energy_two_points_and_bad_input():
    fit = fit_free_energy([100, 1000], [10.0, 12.0], [0.0, 0.0])
    assert fit.lam == pytest.approx(2.0 / np.log(10.0)) and np.isnan(fit.lam_se)
    with pytest.raises(ValueError, match="two distinct n"):
        fit_free_energy([100, 100], [1.0, 2.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="min_energy has 2 values"):
        fit_free_energy([100, 200, 400], [1.0, 2.0, 3.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="free_energy holds NaN"):
        fit_free_energy([100, 200], [1.0, np.nan], [0.0, 0.0])
    with pytest.raises(ValueError, match="n must be > 0"):
        fit_free_energy([0, 200], [1.0, 2.0], [0.0, 0.0])
    with pytest.raises(ValueError, match="se must be >= 0"):
        fit_free_energy([100, 200], [1.0, 2.0], [0.0, 0.0], se=[-1.0, 1.0])
    with pytest.raises(ValueError, match="1-D"):
        fit_free_energy([[100, 200]], [[1.0, 2.0]], [[0.0, 0.0]])
    with pytest.raises(TypeError, match="numbers"):
        fit_free_energy(["a", "b"], [1.0, 2.0], [0.0, 0.0])


def _free_energy_table() -> pd.DataFrame:
    rows = []
    for model, lam in (("line", 1.0), ("a*b*x", 0.5)):
        for n in N_GRID:
            energy = 1.42 * n
            rows.append(
                {
                    "model": model,
                    "n": n,
                    "free_energy": energy + lam * np.log(n) + 2.0,
                    "free_energy_se": 0.05,
                    "min_energy": energy,
                }
            )
    return pd.DataFrame(rows)


def test_free_energy_figure(tmp_path):
    fig = plot_free_energy(_free_energy_table(), theory={"a*b*x": 0.5})
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    labels = _legend(fig.axes[1])
    assert labels[0].startswith("line: λ̂ (slope of F) = 1.00 ± ") and "theory" not in labels[0]
    assert labels[1].startswith("a*b*x: λ̂ (slope of F) = 0.50 ± ")
    assert labels[1].endswith("(theory 0.5)")
    assert labels[2] == "slope λ of theory"
    assert _legend(fig.axes[0]) == ["line", "a*b*x"]
    assert fig.axes[0].get_xscale() == "log" and fig.axes[1].get_xlabel() == "log n"
    fig.savefig(tmp_path / "free_energy.png")
    given = Figure()
    assert plot_free_energy(_free_energy_table(), fig=given) is given


def test_free_energy_figure_bad_input():
    table = _free_energy_table()
    with pytest.raises(ValueError, match="min_energy"):
        plot_free_energy(table.drop(columns="min_energy"))
    with pytest.raises(ValueError, match="'quadratic'"):
        plot_free_energy(table, theory={"quadratic": 1.5})
    with pytest.raises(ValueError, match="theory\\['line'\\]"):
        plot_free_energy(table, theory={"line": np.nan})
    with pytest.raises(TypeError, match="theory"):
        plot_free_energy(table, theory=[0.5])
    with pytest.raises(ValueError, match=r"model 'line'.*two distinct n"):
        plot_free_energy(table[table["n"] == 100])
    with pytest.raises(TypeError, match="DataFrame"):
        plot_free_energy(table.to_numpy())


def _lc_result(estimate: float, slope: float, n_rungs: int = 4) -> LearningCoefficientResult:
    betas = np.geomspace(0.15, 0.6, n_rungs)
    energies = 300.0 + slope / betas
    diagnostics = {"n": 1000, "energy_se": np.full(n_rungs, 0.2)}
    return LearningCoefficientResult(estimate, 0.05, "ladder", betas, energies, diagnostics)


def test_ladder_dataset():
    ds = ladder_dataset(_lc_result(1.02, 1.0), theory=1)
    assert ds["energy"].dims == ("beta",) and ds["energy_se"].dims == ("beta",)
    assert np.allclose(ds["beta"], np.geomspace(0.15, 0.6, 4))
    assert ds.attrs == {"estimate": 1.02, "se": 0.05, "method": "ladder", "n": 1000, "theory": 1.0}
    bare = LearningCoefficientResult(0.5, 0.1, "local", np.array([0.14]), np.array([12.0]))
    ds = ladder_dataset(bare)
    assert np.isnan(ds["energy_se"]).all() and "theory" not in ds.attrs and "n" not in ds.attrs
    with pytest.raises(TypeError, match="LearningCoefficientResult"):
        ladder_dataset(ds)
    with pytest.raises(ValueError, match="finite"):
        ladder_dataset(bare, theory=np.inf)


def test_energy_ladder_figure(tmp_path):
    ladders = {
        "line": ladder_dataset(_lc_result(1.0, 1.0), theory=1.0),
        "a*b*x": ladder_dataset(_lc_result(0.32, 0.32)),
        "local": ladder_dataset(_lc_result(0.45, 0.45, n_rungs=1), theory=0.5),
    }
    fig = plot_energy_ladder(ladders)
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    titles = [ax.get_title() for ax in fig.axes]
    assert titles == [
        "line: λ̂ = 1.00 ± 0.05 (theory 1)",
        "a*b*x: λ̂ = 0.32 ± 0.05",
        "local: λ̂ = 0.45 ± 0.05 (theory 0.5)",
    ]
    # the λ̂ line goes through the exact energies: slope = attrs estimate
    line = fig.axes[0].get_lines()[-2]
    x, y = line.get_xdata(), line.get_ydata()
    assert (y[1] - y[0]) / (x[1] - x[0]) == pytest.approx(1.0)
    assert y[0] == pytest.approx(300.0 + x[0])
    assert "slope λ = 1 (theory)" in _legend(fig.axes[0])
    fig.savefig(tmp_path / "ladder.png")


def test_energy_ladder_figure_bad_input():
    good = ladder_dataset(_lc_result(1.0, 1.0))
    with pytest.raises(TypeError, match="dict"):
        plot_energy_ladder([good])
    with pytest.raises(ValueError, match="empty"):
        plot_energy_ladder({})
    with pytest.raises(TypeError, match="Dataset"):
        plot_energy_ladder({"m": good["energy"]})
    with pytest.raises(ValueError, match="energy_se"):
        plot_energy_ladder({"m": good.drop_vars("energy_se")})
    bad = good.copy()
    bad.attrs = {"estimate": 1.0}
    with pytest.raises(ValueError, match="'se'"):
        plot_energy_ladder({"m": bad})


def _spectrum(seed: int, draws: int = 200, rank: int = 4, d: int = 6) -> np.ndarray:
    rng = np.random.default_rng(seed)
    mu = np.zeros((draws, d))
    mu[:, :rank] = np.exp(rng.normal(size=(draws, rank)) - 2.0 * np.arange(rank))
    mu[:, rank:] = 1e-17 * rng.normal(size=(draws, d - rank))  # rounding noise, some < 0
    return mu


def test_fisher_spectrum_figure(tmp_path):
    deficient = _spectrum(1)
    deficient[:10, 3] = 0.0  # rank 3 in 5 % of draws
    spectra = {"regular": _spectrum(0, rank=6), "singular": deficient}
    fig = plot_fisher_spectrum(spectra)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert [ax.get_title() for ax in fig.axes] == [
        "regular (d = 6)\nrank 6 in 100 % of draws",
        "singular (d = 6)\nrank 4 in 95 % of draws",
    ]
    ax = fig.axes[1]
    assert ax.get_yscale() == "log"
    assert "floor for μ ≤ 0" in _legend(ax) and "rank tolerance (median)" in _legend(ax)
    assert all(np.all(np.asarray(line.get_ydata()) > 0) for line in ax.get_lines())
    fig.savefig(tmp_path / "fisher.png")


def test_fisher_spectrum_figure_rtol_and_dataarray():
    mu = _spectrum(2)
    arr = xr.DataArray(mu.reshape(2, 100, 6), dims=("chain", "draw", "eigen"), attrs={"d": 6})
    fig = plot_fisher_spectrum({"m": arr}, rtol=0.5)
    assert fig.axes[0].get_title().startswith("m (d = 6)\nrank 1 in ")
    fig = plot_fisher_spectrum({"m": mu[0]}, rtol={"m": 1e-12})
    assert fig.axes[0].get_title() == "m (d = 6)\nrank 4 in 100 % of draws"
    arr.attrs["rtol"] = 0.5
    assert plot_fisher_spectrum({"m": arr}).axes[0].get_title().startswith("m (d = 6)\nrank 1 in ")


def test_fisher_spectrum_figure_bad_input():
    mu = _spectrum(0)
    with pytest.raises(ValueError, match="rtol"):
        plot_fisher_spectrum({"m": mu}, rtol=2.0)
    with pytest.raises(TypeError, match="rtol"):
        plot_fisher_spectrum({"m": mu}, rtol="tight")
    with pytest.raises(ValueError, match="'other'"):
        plot_fisher_spectrum({"m": mu}, rtol={"other": 1e-12})
    mu[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        plot_fisher_spectrum({"m": mu})
    with pytest.raises(ValueError, match="shape"):
        plot_fisher_spectrum({"m": np.float64(1.0)})
    with pytest.raises(TypeError, match="dict"):
        plot_fisher_spectrum(_spectrum(0))


def _run(seed: int = 0, chains: int = 2, draws: int = 200) -> xr.DataTree:
    rng = np.random.default_rng(seed)
    post = xr.Dataset(
        {
            "w": (("chain", "draw", "w_dim_0"), rng.normal(size=(chains, draws, 3))),
            "s": (("chain", "draw"), rng.normal(size=(chains, draws))),
            "A": (("chain", "draw", "r", "c"), rng.normal(size=(chains, draws, 2, 2))),
        },
        coords={"chain": np.arange(chains), "draw": np.arange(draws)},
    )
    dt = xr.DataTree.from_dict({"posterior": post})
    dt.attrs["beta"] = 1.0
    return dt


def test_diagnostics_figure(tmp_path):
    from matplotlib import pyplot as plt

    before = plt.get_fignums()
    fig = plot_diagnostics(_run())
    assert plt.get_fignums() == before  # nothing left in pyplot's registry
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    titles = [ax.get_title() for ax in fig.axes]
    assert [t.split("\n")[0] for t in titles] == ["w[0]", "w[1]", "w[2]", "s"]
    assert all("r̂ = " in t and "bulk ESS = " in t for t in titles)
    assert "4 of 8 components, 2 chains × 200 draws, β = 1" in fig.get_suptitle()
    fig.savefig(tmp_path / "diagnostics.png")


def test_diagnostics_figure_var_names_and_poor_mixing():
    run = _run()
    run["posterior"]["s"] = run["posterior"]["s"] + xr.DataArray([0.0, 5.0], dims="chain")
    fig = plot_diagnostics(run, var_names=["s", "A[1, 0]"])
    assert len(fig.axes) == 2
    stuck, fine = fig.axes
    assert stuck.title.get_color() != fine.title.get_color()  # r̂ ≫ 1.01 is flagged
    fig = plot_diagnostics(run, var_names=["A"], max_vars=3)
    assert [ax.get_title().split("\n")[0] for ax in fig.axes if ax.axison] == [
        "A[0, 0]",
        "A[0, 1]",
        "A[1, 0]",
    ]


def test_diagnostics_figure_bad_input():
    with pytest.raises(TypeError, match="DataTree"):
        plot_diagnostics(_run()["posterior"].to_dataset())
    with pytest.raises(ValueError, match="'v'"):
        plot_diagnostics(_run(), var_names=["v"])
    with pytest.raises(ValueError, match="max_vars"):
        plot_diagnostics(_run(), max_vars=0)
    with pytest.raises(ValueError, match="4 draws"):
        plot_diagnostics(_run(draws=3))


def test_log_n_axis_labels_the_sample_sizes_themselves():
    """n = 40 and 80 read as "40" and "80" on a log axis, not 4×10¹ and 8×10¹."""
    from matplotlib.figure import Figure

    from pymc_slt.plots.style import log_n_axis

    ax = Figure().subplots()
    ax.plot([40, 80, 80, 2000], [1, 2, 3, 4])
    log_n_axis(ax, [40, 80, 80, 2000])
    assert ax.get_xscale() == "log"
    assert [t.get_text() for t in ax.get_xticklabels()] == ["40", "80", "2000"]
    assert not any(t.get_text() for t in ax.get_xticklabels(minor=True))
    ax = Figure().subplots()
    log_n_axis(ax, np.arange(1, 21) * 100, max_ticks=5)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["100", "500", "900", "1300", "1700"]
