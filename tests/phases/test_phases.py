"""Phase classification, phase sweeps, local free energies and the predicted transition."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pymc as pm
import pytest
import xarray as xr
from scipy import stats

import pymc_slt as slt
from pymc_slt.phases import (
    PhasePrediction,
    phase_sweep,
    phase_transition,
    predicted_transition_n,
    rrr_phase,
    rrr_singular_values,
)
from pymc_slt.phases.sweep import _labels


def _rrr_tree(second: list[float], n: int | None = 400, M: int = 4, N: int = 4) -> xr.DataTree:
    """Draws of (A, B) with B·A = diag(1, s2, 0, …), one draw per entry of ``second``."""
    draws = len(second)
    A = np.zeros((2, draws, 2, M))
    B = np.zeros((2, draws, N, 2))
    A[..., 0, 0] = 2.0
    B[..., 0, 0] = 0.5
    A[:, :, 1, 1] = np.sqrt(second)
    B[:, :, 1, 1] = np.sqrt(second)
    post = xr.Dataset(
        {"A": (("chain", "draw", "h", "m"), A), "B": (("chain", "draw", "o", "h"), B)},
        coords={"chain": [0, 1], "draw": np.arange(draws)},
    )
    dt = xr.DataTree.from_dict({"posterior": post})
    if n is not None:
        dt.attrs["n"] = n
    return dt


def test_rrr_singular_values_and_phase():
    dt = _rrr_tree([0.0, 0.1, 0.2], n=400)
    sv = rrr_singular_values(dt)
    assert sv.dims == ("chain", "draw", "component")
    np.testing.assert_allclose(sv.isel(chain=0, component=0), 1.0)
    np.testing.assert_allclose(sv.isel(chain=1, component=1), [0.0, 0.1, 0.2], atol=1e-12)
    # noise edge for s2 at n = 400: (√3 + √3)/20 = 0.173
    phase = rrr_phase(dt)
    assert phase.values.tolist() == [[1, 1, 2], [1, 1, 2]]
    np.testing.assert_allclose(phase.attrs["thresholds"], [4 / 20, 2 * np.sqrt(3) / 20])
    assert rrr_phase(dt, edge_factor=0.5).values[0].tolist() == [1, 2, 2]
    assert rrr_phase(dt, threshold=0.05).values[0].tolist() == [1, 2, 2]
    assert rrr_phase(dt, noise_sd=2.0).values[0].tolist() == [1, 1, 1]


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"threshold": "mixture"}, ValueError, "noise_edge"),
        ({"threshold": -0.1}, ValueError, "threshold"),
        ({"threshold": [0.1]}, TypeError, "threshold"),
        ({"noise_sd": 0.0}, ValueError, "noise_sd"),
        ({"edge_factor": np.nan}, ValueError, "edge_factor"),
        ({"var_names": ("W1", "W2")}, ValueError, "var_names"),
    ],
)
def test_rrr_phase_bad_input(kwargs, error, match):
    with pytest.raises(error, match=match):
        rrr_phase(_rrr_tree([0.1]), **kwargs)


def test_rrr_phase_needs_n_for_noise_edge_and_a_datatree():
    with pytest.raises(ValueError, match="attrs\\['n'\\]"):
        rrr_phase(_rrr_tree([0.1], n=None))
    assert rrr_phase(_rrr_tree([0.1], n=None), threshold=0.05).values.tolist() == [[2], [2]]
    with pytest.raises(TypeError, match="DataTree"):
        rrr_phase({"A": 1})
    with pytest.raises(ValueError, match="no posterior group"):
        rrr_phase(xr.DataTree())


def test_rrr_phase_takes_a_legacy_inference_data():
    """pm.sample's draws as legacy ArviZ's InferenceData (a stand-in: groups() and items)."""
    tree = _rrr_tree([0.0, 0.1, 0.2], n=400)

    class InferenceData:
        def groups(self):
            return ["posterior"]

        def __getitem__(self, name):
            return tree[name].to_dataset()

    legacy = InferenceData()
    np.testing.assert_allclose(rrr_singular_values(legacy), rrr_singular_values(tree))
    expected = rrr_phase(tree, threshold=0.05).values
    assert (rrr_phase(legacy, threshold=0.05).values == expected).all()


def test_predicted_transition_solves_the_balance():
    s2 = 0.15
    n_star = predicted_transition_n(s2**2 / 2, (5.0, 6.0))
    assert n_star == pytest.approx(np.log(n_star) / (s2**2 / 2), rel=1e-9)
    assert 540 < n_star < 580  # docs/theory.md: for s2 = 0.15, n ≈ 550
    with_m = predicted_transition_n(s2**2 / 2, (5.0, 6.0), (2, 1))
    assert with_m * s2**2 / 2 == pytest.approx(np.log(with_m) + np.log(np.log(with_m)))
    pred = PhasePrediction(s2**2 / 2, (5, 6), (2, 1))
    assert pred.transition_n == with_m
    assert pred.delta_free_energy([100, with_m, 5000]).tolist()[0] < 0
    assert pred.delta_free_energy(5000) > 0


def test_prediction_uses_the_reduced_rank_rlcts():
    low = slt.theory.rlct_reduced_rank(4, 4, 2, 1, with_multiplicity=True)
    high = slt.theory.rlct_reduced_rank(4, 4, 2, 2, with_multiplicity=True)
    assert (low.lam, high.lam) == (5.0, 6.0)
    assert (low.multiplicity, high.multiplicity) == (2, 1)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        ((0.0, (5, 6)), ValueError, "delta_loss_per_point"),
        ((0.01, (6, 5)), ValueError, "lambdas"),
        ((0.01, (5, 6, 7)), TypeError, "lambdas"),
        ((0.01, (5, 6), (0, 1)), ValueError, "multiplicities"),
        ((0.01, (5, 6), (1.5, 1)), TypeError, "multiplicities"),
        ((1.0, (5, 6)), ValueError, "never cross"),
    ],
)
def test_prediction_bad_input(args, error, match):
    with pytest.raises(error, match=match):
        predicted_transition_n(*args)


def _runs(fractions: dict[int, list[float]]) -> pd.DataFrame:
    """A phase_sweep-like table: phases 1/2 with the given rank-2 fractions per n and seed."""
    rows = []
    for n, per_seed in fractions.items():
        for seed, p in enumerate(per_seed):
            for phase, q in ((1, 1 - p), (2, p)):
                rows.append(
                    {
                        "n": n,
                        "data_seed": seed,
                        "phase": phase,
                        "fraction": q,
                        "se": 0.01,
                        "relative_free_energy": -np.log(q),
                        "relative_free_energy_se": 0.01 / q,
                    }
                )
    return pd.DataFrame(rows)


def test_phase_transition_log_odds_and_crossing():
    tr = phase_transition(_runs({100: [0.2, 0.2], 400: [0.4, 0.4], 1600: [0.8, 0.6]}), 1, 2)
    table = tr.table.set_index("n")
    assert table.loc[100, "delta_free_energy"] == pytest.approx(np.log(0.2 / 0.8))
    assert table.loc[1600, "fraction_high"] == pytest.approx(0.7)
    assert table.loc[1600, "fraction_high_se"] == pytest.approx(
        np.std([0.8, 0.6], ddof=1) / np.sqrt(2)
    )
    assert table.loc[100, "delta_free_energy_se"] == 0.0  # identical seeds: no spread
    # ΔF is log(0.4/0.6) at 400 and (log 4 + log 1.5)/2 at 1600: linear in log n between them
    lo, hi = np.log(0.4 / 0.6), (np.log(4) + np.log(1.5)) / 2
    expected = np.exp(np.log(400) + (-lo / (hi - lo)) * np.log(4))
    assert tr.observed_n == pytest.approx(expected)
    assert "observed_n" in repr(tr)
    assert np.isnan(phase_transition(_runs({100: [0.2], 400: [0.3]}), 1, 2).observed_n)


def test_phase_transition_bad_input():
    runs = _runs({100: [0.2]})
    with pytest.raises(ValueError, match="low and high"):
        phase_transition(runs, 1, 1)
    with pytest.raises(ValueError, match="low and high"):
        phase_transition(runs, 1, 3)
    with pytest.raises(ValueError, match="columns"):
        phase_transition(runs.drop(columns="se"), 1, 2)
    with pytest.raises(TypeError, match="DataFrame"):
        phase_transition(runs.to_dict(), 1, 2)


def _normal_mean(n: int, seed: int) -> pm.Model:
    y = np.random.default_rng(seed).normal(0.3, 1.0, size=n)
    with pm.Model() as model:
        mu = pm.Normal("mu", 0.0, 1.0)
        pm.Normal("y", mu, 1.0, observed=y)
    return model


def _sign(dt: xr.DataTree) -> xr.DataArray:
    return (dt["posterior"]["mu"] > 0).astype(int)


def _exact_normal_mean(n: int, seed: int) -> tuple[float, float, float]:
    """P(mu > 0 | y) and log Z for y_i ~ N(mu, 1), mu ~ N(0, 1)."""
    y = np.random.default_rng(seed).normal(0.3, 1.0, size=n)
    var = 1.0 / (n + 1.0)
    p_pos = stats.norm.sf(0.0, loc=var * y.sum(), scale=np.sqrt(var))
    log_z = stats.multivariate_normal(np.zeros(n), np.eye(n) + np.ones((n, n))).logpdf(y)
    return float(p_pos), float(log_z), var


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_phase_sweep_fractions_and_local_free_energies_are_exact():
    """A conjugate normal mean: P(mu > 0 | y) and log Z are exact, so Z_k = Z P(k) is too."""
    ns = (4, 30)

    def evidence(model, dt):
        return SimpleNamespace(free_energy=-_exact_normal_mean(dt.attrs["n"], 0)[1], se=0.0)

    runs = phase_sweep(
        _normal_mean,
        ns,
        _sign,
        sampler=slt.SMC(draws=1000, chains=2),
        evidence=evidence,
        random_seed=2,
        progressbar=False,
    )
    assert runs[["n", "phase"]].values.tolist() == [[4, 0], [4, 1], [30, 0], [30, 1]]
    assert runs.groupby("n")["fraction"].sum().tolist() == pytest.approx([1.0, 1.0])
    for n in ns:
        p_pos, log_z, _ = _exact_normal_mean(n, 0)
        row = runs[(runs["n"] == n) & (runs["phase"] == 1)].iloc[0]
        assert abs(row["fraction"] - p_pos) < 4 * row["se"]
        # local free energy of {mu > 0}: −log(Z · P(mu > 0)) within its se
        exact_local = -log_z - np.log(p_pos)
        assert abs(row["local_free_energy"] - exact_local) < 4 * row["local_free_energy_se"]
    assert set(runs.columns) >= {"ess", "rhat", "max_rhat", "n_divergences", "free_energy"}


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"ns": [100, 50]}, ValueError, "ns"),
        ({"ns": [0, 10]}, ValueError, "ns"),
        ({"ns": [10.0, 20.0]}, TypeError, "ns"),
        ({"ns": []}, ValueError, "ns"),
        ({"ns": 10}, TypeError, "ns"),
        ({"classify": "kmeans"}, ValueError, "reduced_rank"),
        ({"classify": 3}, TypeError, "classify"),
        ({"make_model": "rrr"}, TypeError, "make_model"),
        ({"ns": [(10, 1), (10, 1)]}, ValueError, "distinct"),
        ({"ns": [(10, 1), (0, 2)]}, ValueError, "n >= 1"),
        ({"evidence": "smc"}, TypeError, "evidence"),
        ({"beta": 0.0}, ValueError, "beta"),
    ],
)
def test_phase_sweep_bad_input(kwargs, error, match):
    args = {"make_model": _normal_mean, "ns": [10, 20], "classify": _sign, **kwargs}
    with pytest.raises(error, match=match):
        phase_sweep(args.pop("make_model"), args.pop("ns"), args.pop("classify"), **args)


def test_phase_sweep_still_takes_the_deprecated_loose_settings():
    """draws=, tune=, chains= (until 0.3.0) warn, then the sweep runs as before; here it stops
    at the check of ns, before any sampling."""
    with pytest.warns(DeprecationWarning, match="draws"), pytest.raises(ValueError, match="ns"):
        phase_sweep(_normal_mean, [100, 50], _sign, draws=100, chains=2, progressbar=False)


def test_classifier_output_is_checked():
    dt = _rrr_tree([0.1, 0.2])
    assert _labels(rrr_phase, dt).shape == (2, 2)
    with pytest.raises(TypeError, match="classify must return integer"):
        _labels(lambda d: np.zeros(3, dtype=int), dt)
    with pytest.raises(TypeError, match="classify must return integer"):
        _labels(lambda d: rrr_singular_values(d).isel(component=1), dt)


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_reduced_rank_posterior_moves_to_rank_two():
    """The example of docs/theory.md: mostly rank 1 well below n ≈ 560–760, rank 2 well above."""
    B, A = slt.models.reduced_rank_truth(4, 4, 2, singular_values=[1.0, 0.15], random_seed=0)

    def make_model(n, seed):
        d = slt.models.simulate_reduced_rank(n, B, A, random_seed=seed)
        return slt.models.reduced_rank_regression(d.x, d.y, H=2)

    runs = phase_sweep(
        make_model,
        (150, 4000),
        "reduced_rank",
        sampler=slt.NUTS(draws=500, tune=1000, target_accept=0.95),
        random_seed=0,
        progressbar=False,
    )
    tr = phase_transition(runs, 1, 2)
    low, high = tr.table["fraction_high"]
    assert low < 0.5 < high
    assert np.nanmax(runs["rhat"]) < 1.05
