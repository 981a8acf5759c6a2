"""compare(): one table over models, consistent with the separate functions."""

import warnings

import numpy as np
import pymc as pm
import pytest

import pymc_slt as slt
from pymc_slt import HMCSMC, NUTS, SMC
from pymc_slt.comparison import COLUMNS, compare_seeds

RUN = {"sampler": NUTS(draws=300, tune=300, chains=2)}


def _data(n=80, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2, 2, size=n)
    return x, 0.3 + 0.6 * x + rng.normal(size=n)


def _line(x, y):
    with pm.Model() as model:
        w = pm.Normal("w", 0, 2, shape=2)
        pm.Normal("y", w[0] + w[1] * x, 1.0, observed=y)
    return model


def _product(x, y):
    with pm.Model() as model:
        a = pm.Normal("a", 0, 2)
        b = pm.Normal("b", 0, 2)
        pm.Normal("y", a * b * x, 1.0, observed=y)
    return model


@pytest.fixture(scope="module")
def table():
    x, y = _data()
    models = {"line": _line(x, y), "a*b*x": _product(x, y)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return compare(models)


def compare(models, **kwargs):
    return slt.compare(models, random_seed=7, progressbar=False, **RUN, **kwargs)


def test_columns_order_and_basic_values(table):
    assert tuple(table.columns) == COLUMNS
    assert list(table.index) == sorted(table.index, key=lambda k: -table.loc[k, "log_z"])
    assert set(table.index) == {"line", "a*b*x"}
    assert (table["n"] == 80).all()
    assert table.loc["line", "d"] == 2 and table.loc["a*b*x", "d"] == 2
    np.testing.assert_allclose(table["free_energy"], -table["log_z"])
    assert table.loc["line", "fisher_rank"] == 2
    assert table.loc["a*b*x", "fisher_rank"] == 1
    # the line (with an intercept) fits the data better: evidence prefers it
    assert table.index[0] == "line"


def test_values_match_the_separate_functions(table):
    x, y = _data()
    model = _product(x, y)
    seeds = compare_seeds(7, ["line", "a*b*x"])["a*b*x"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        post = slt.sample_tempered(
            model, 1.0, random_seed=seeds["posterior"], progressbar=False, **RUN
        )
        wb = slt.wbic(model, random_seed=seeds["wbic"], progressbar=False, **RUN)
    w = slt.waic(post)
    row = table.loc["a*b*x"]
    assert row["elpd_waic"] == pytest.approx(w.elpd, rel=1e-12)
    assert row["nu_hat"] == pytest.approx(w.singular_fluctuation, rel=1e-12)
    assert row["wbic"] == pytest.approx(wb.wbic, rel=1e-12)


def test_bic_sits_on_the_free_energy_scale(table):
    # BIC = -max loglik + (d/2) log n is within a few nats of F for these small models
    assert np.all(np.abs(table["bic"] - table["free_energy"]) < 5)


def test_different_data_rejected():
    x, y = _data()
    x2, y2 = _data(seed=1)
    with pytest.raises(ValueError, match="different observed data"):
        compare({"a": _line(x, y), "b": _line(x2, y2)})


def test_bad_models_argument():
    with pytest.raises(TypeError, match="models must be a dict"):
        compare([_line(*_data())])
    with pytest.raises(ValueError, match="models is empty"):
        compare({})
    with pytest.raises(TypeError, match="model names must be strings"):
        compare({1: _line(*_data())})


# --- never lose a run ---------------------------------------------------------------------------


def _tiny():
    x, y = _data(n=40, seed=3)
    return {"line": _line(x, y)}


def test_a_failing_quantity_is_nan_with_its_reason(monkeypatch):
    import pymc_slt.quantities.registry as row

    def boom(*args, **kwargs):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(row, "wbic", boom)
    with pytest.warns(UserWarning, match=r"1 of 1 model\(s\) had problems"):
        table = compare(_tiny())
    line = table.loc["line"]
    assert np.isnan(line["wbic"]) and np.isnan(line["wbic_se"]) and np.isnan(line["wbic_beta"])
    assert "wbic: RuntimeError: boom" in line["problems"].split("; ")  # first line only
    assert np.isfinite(line["log_z"]) and np.isfinite(line["lambda_hat"])  # the rest is kept


def _failing_bridge(monkeypatch):
    """Make default bridge sampling raise in compare's rows; return the row module."""
    import pymc_slt.quantities.registry as row

    real = row.log_marginal_likelihood

    def failing_bridge(model, **kwargs):
        if kwargs.get("method", "bridge") == "bridge":
            raise RuntimeError("iteration did not converge")
        return real(model, **kwargs)

    monkeypatch.setattr(row, "log_marginal_likelihood", failing_bridge)
    return row


def test_bridge_that_fails_falls_back_to_stepping_stone(monkeypatch):
    _failing_bridge(monkeypatch)
    with pytest.warns(UserWarning, match="had problems"):
        table = compare(_tiny())
    line = table.loc["line"]
    assert line["log_z_method"] == "stepping_stone" and np.isfinite(line["log_z"])
    assert "bridge sampling failed (RuntimeError: iteration did not converge)" in line["problems"]


def test_no_fallback_when_the_user_says_so(monkeypatch):
    _failing_bridge(monkeypatch)
    with pytest.warns(UserWarning, match="had problems"):
        table = compare(_tiny(), evidence={"fallback": False})
    line = table.loc["line"]
    assert np.isnan(line["log_z"])
    assert "log_z: RuntimeError: iteration did not converge" in line["problems"]


def test_bridge_that_fails_on_a_large_model_falls_back_to_hmc_smc(monkeypatch):
    """The fallback's threshold lowered to d = 2, so the conjugate line takes the HMC-SMC path,
    and its log Z is checked against the exact one."""
    pytest.importorskip("blackjax")
    from pymc_slt.evidence import fallback
    from pymc_slt.exact import ConjugateLinearRegression

    _failing_bridge(monkeypatch)
    monkeypatch.setattr(fallback, "FALLBACK_HMC_SMC_MIN_DIM", 2)
    with pytest.warns(UserWarning, match="had problems"):
        table = compare(_tiny())
    line = table.loc["line"]
    assert line["log_z_method"] == "hmc_smc"
    assert "log Z is from method='hmc_smc' (2 × 250 particles)" in line["problems"]
    x, y = _data(n=40, seed=3)
    exact = ConjugateLinearRegression(np.column_stack([np.ones_like(x), x]), y, 1.0, 2.0)
    error = line["log_z"] - exact.log_evidence()
    assert abs(error) < 4 * line["log_z_se"] + 0.05, (line["log_z"], line["log_z_se"])


def test_fallback_chooses_by_dimension_and_installed_jax(monkeypatch):
    import importlib.util

    from pymc_slt.evidence import fallback as fb

    run = NUTS(draws=500, tune=400, chains=3)
    assert fb.fallback(8, run) == ("stepping_stone", run, "")  # the run's NUTS, as it is
    careful = NUTS(chains=3, target_accept=0.99, options={"max_treedepth": 12})
    assert fb.fallback(8, careful)[1] is careful
    method, check, _ = fb.fallback(8, SMC(draws=600, chains=3, options={"threshold": 0.6}))
    assert (method, check) == ("stepping_stone", NUTS(draws=600, chains=3))  # not SMC's options
    if importlib.util.find_spec("blackjax"):
        method, check, note = fb.fallback(fb.FALLBACK_HMC_SMC_MIN_DIM, run)
        assert (method, check) == ("hmc_smc", HMCSMC(draws=250, chains=3))
        assert note == " (3 × 250 particles)"
        mine = fb.fallback(32, HMCSMC(draws=1000, chains=2, num_mcmc_steps=8))[1]
        assert mine == HMCSMC(draws=250, chains=2, num_mcmc_steps=8)  # the user's moves
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)  # no JAX installed
    method, check, note = fb.fallback(32, run)
    assert method == "stepping_stone" and "pip install 'pymc-slt[jax]'" in note


@pytest.mark.slow  # 40 s; `make test-e2e` (and so CI) runs it
def test_hierarchical_models_and_fisher_kind_per_model():
    """Centered and non-centered eight schools: BIC exists (μ, τ enter only the prior), and the
    two parametrizations of one model have one log Z. A mixture gets the score form."""
    from tests.gallery.models import (
        eight_schools_centered,
        eight_schools_noncentered,
    )

    models = {"centered": eight_schools_centered(), "noncentered": eight_schools_noncentered()}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        table = slt.compare(
            models, sampler=NUTS(draws=500, tune=500), random_seed=1, progressbar=False
        )
    assert np.isfinite(table["bic"]).all() and np.isfinite(table["log_z"]).all()
    centered, noncentered = table.loc["centered"], table.loc["noncentered"]
    gap = abs(centered["log_z"] - noncentered["log_z"])
    assert gap < 4 * np.hypot(centered["log_z_se"], noncentered["log_z_se"]) + 0.05, table
    assert (table["fisher_kind"] == "output").all()


def test_fisher_kind_is_checked_and_chosen():
    from tests.gallery.models import mixture_ordered

    with pytest.raises(ValueError, match="fisher_kind"):
        slt.compare(_tiny(), fisher_kind="exact")
    assert not slt.fisher.has_location(mixture_ordered())
    assert slt.fisher.has_location(_tiny()["line"])


def test_paired_se_of_the_elpd_differences(table):
    """elpd_*_dse: arviz_stats.compare's se of each difference from the best model (0 for it)."""
    for kind in ("waic", "loo"):
        elpd, dse = table[f"elpd_{kind}"], table[f"elpd_{kind}_dse"]
        assert dse[elpd.idxmax()] == 0.0
        other = dse[elpd.idxmin()]
        assert np.isfinite(other) and 0 < other < table[f"elpd_{kind}_se"].sum()


def test_sbic_values_are_checked_before_sampling():
    models = _tiny()
    with pytest.raises(ValueError, match=r"missing \['line'\]"):
        slt.compare(models, sbic={name: 1.0 for name in list(models)[1:]})
    with pytest.raises(ValueError, match=r"unknown \['cubic'\]"):
        slt.compare(models, sbic={**dict.fromkeys(models, 1.0), "cubic": 2.0})
    with pytest.raises(ValueError, match="finite"):
        slt.compare(models, sbic={**dict.fromkeys(models, 1.0), "line": float("nan")})
    with pytest.raises(TypeError, match="sbic must be a dict"):
        slt.compare(models, sbic=[1.0, 2.0])


def test_sbic_column_follows_bic_by_model_name(table):
    from pymc_slt.comparison.table import with_sbic

    values = {name: float(k) for k, name in enumerate(table.index)}
    out = with_sbic(table, values)
    columns = list(out.columns)
    assert columns[columns.index("bic") + 1] == "sbic"
    assert all(out.loc[name, "sbic"] == v for name, v in values.items())
    assert "sbic" not in table.columns  # the input frame is left alone


def test_sampler_values_in_compare_and_in_its_options():
    """A sampler value for every run, and another in the options of log Z and λ, each used as
    given (no 'given beside' clash with the run's settings)."""
    small = slt.NUTS(draws=200, tune=200, chains=2)
    table = slt.compare(
        _tiny(),
        sampler=small,
        evidence={"method": slt.SteppingStone(n_betas=4), "sampler": small},
        learning_coefficient={"method": "two_temperature", "sampler": small},
        random_seed=0,
        progressbar=False,
    )
    line = table.loc["line"]
    assert line["log_z_method"] == "stepping_stone" and np.isfinite(line["lambda_hat"])
    assert "given beside" not in line["problems"]


def test_deprecated_arguments_still_work_and_warn(monkeypatch):
    """The loose sampler settings and the *_options dicts (until 0.3.0) become the sampler value
    and the evidence/learning_coefficient arguments, with one DeprecationWarning."""
    import pymc_slt.comparison.table as table_module

    seen = []

    def record(model, seeds, opts):
        seen.append(opts)
        raise InterruptedError  # stop before sampling

    monkeypatch.setattr(table_module, "model_row", record)
    with pytest.warns(DeprecationWarning, match="draws"), pytest.raises(InterruptedError):
        slt.compare(
            _tiny(), draws=300, tune=300, chains=2, evidence_options={"fallback": False},
            learning_coefficient_options={"method": "two_temperature"}, progressbar=False,
        )  # fmt: skip
    (opts,) = seen
    assert opts["sampler"] == NUTS(draws=300, tune=300, chains=2)
    assert opts["evidence"] == {"fallback": False}
    assert opts["lambda"] == {"method": "two_temperature"}
