"""A Bambi model is accepted wherever a pm.Model is (``pymc_slt._validate.as_pymc_model``)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pymc as pm
import pytest

import pymc_slt as slt
from pymc_slt._validate import as_pymc_model, validate_model


@pytest.fixture(scope="module")
def bmb():
    return pytest.importorskip("bambi")


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, size=60)
    return pd.DataFrame({"x": x, "y": 0.5 + 0.8 * x + rng.normal(size=60)})


def test_neither_model_is_a_clear_type_error():
    for bad in (object(), "y ~ x", None):
        with pytest.raises(TypeError, match=r"model must be a pymc\.Model or a bambi\.Model"):
            as_pymc_model(bad)
    with pytest.raises(TypeError, match=r"models\['a'\] must be a pymc\.Model or a bambi\.Model"):
        slt.compare({"a": object()})
    with pytest.raises(TypeError, match=r"model must be a pymc\.Model or a bambi\.Model"):
        slt.n_observations(42)


def test_a_pymc_model_is_returned_as_is():
    with pm.Model() as model:
        w = pm.Normal("w")
        pm.Normal("y", w, 1, observed=np.zeros(3))
    assert as_pymc_model(model) is model and validate_model(model) is model


def test_an_unbuilt_bambi_model_is_built_and_its_pymc_model_used(bmb, frame):
    model = bmb.Model("y ~ x", frame)
    assert model.backend is None
    inner = validate_model(model)
    assert isinstance(inner, pm.Model) and inner is model.backend.model
    assert as_pymc_model(model) is inner  # built once: the same PyMC model afterwards
    assert slt.n_observations(model) == len(frame)
    assert slt.fisher_parameter_names(model) == slt.fisher_parameter_names(inner)
    hot = slt.temper(model, 0.5)
    assert sorted(rv.name for rv in hot.free_RVs) == sorted(rv.name for rv in inner.free_RVs)


@pytest.mark.slow  # 30 s; `make test-e2e` (and so CI) runs it
def test_compare_takes_bambi_models(bmb, frame):
    """Two formulas through slt.compare: the table has a row each, with d from the formula."""
    models = {"line": bmb.Model("y ~ x", frame), "quadratic": bmb.Model("y ~ x + I(x**2)", frame)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        table = slt.compare(
            models,
            sampler=slt.NUTS(draws=200, tune=200, chains=2),
            random_seed=1,
            progressbar=False,
        )
    assert set(table.index) == {"line", "quadratic"}
    assert (table["n"] == len(frame)).all()
    assert table.loc["line", "d"] == 3 and table.loc["quadratic", "d"] == 4  # with sigma
    assert table.index[0] == "line"  # the truth is a line: evidence prefers it (Occam)
    assert np.isfinite(table["wbic"]).all() and np.isfinite(table["elpd_loo"]).all()


def test_the_compare_command_loads_bambi_models(bmb, tmp_path):
    """``pymc-slt compare FILE`` takes a file whose builders return bambi models."""
    from pymc_slt.commands.compare import load_models

    path = tmp_path / "models.py"
    path.write_text(
        "import bambi as bmb, numpy as np, pandas as pd\n"
        "x = np.linspace(-1, 1, 20)\n"
        "frame = pd.DataFrame({'x': x, 'y': 2 * x})\n"
        "def line():\n"
        "    return bmb.Model('y ~ x', frame)\n"
    )
    models = load_models(path)
    assert list(models) == ["line"] and isinstance(models["line"], pm.Model)
    assert slt.n_observations(models["line"]) == 20
