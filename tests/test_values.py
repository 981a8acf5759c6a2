"""Method values (log-Z methods, λ estimators), the one sampler-forwarding rule, and the
deprecated arguments they replace: same settings give the same numbers, old forms warn."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pymc as pm
import pytest

import pymc_slt as slt
from pymc_slt._deprecated import LOOSE_SAMPLER, take_deprecated
from pymc_slt.comparison.table import _keyword_arguments
from pymc_slt.evidence.methods import METHODS, method_entry
from pymc_slt.learning_coefficient.methods import ESTIMATORS, estimator_entry
from pymc_slt.sampling.samplers import SAMPLERS, with_run_sampler

from .conftest import make_conjugate


def test_take_deprecated_warns_with_each_replacement_and_rejects_unknown_names():
    with pytest.warns(DeprecationWarning, match=r"draws= -> sampler=slt\.NUTS\(draws=…\)"):
        used = take_deprecated("f", {"draws": 5, "tune": None}, LOOSE_SAMPLER)
    assert used == {"draws": 5}  # a None is as if not given
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert take_deprecated("f", {}, LOOSE_SAMPLER) == {}  # nothing given, nothing said
    with pytest.raises(TypeError, match=r"f\(\) got an unexpected keyword argument 'drawz'"):
        take_deprecated("f", {"drawz": 5}, LOOSE_SAMPLER)


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (lambda: slt.Bridge(proposal="warp2"), ValueError, r"Bridge\(proposal=…\) must be one of"),
        (lambda: slt.SteppingStone(betas=[0.5]), ValueError, r"SteppingStone\(betas=…\) must rise"),
        (lambda: slt.Thermodynamic(betas=[0.5, 1], n_betas=4), ValueError, "not both"),
        (lambda: slt.SteppingStone(n_betas=1), ValueError, r"SteppingStone\(n_betas=…\)"),
        (lambda: slt.SteppingStone(betas="0.5"), TypeError, "SteppingStone: betas must be"),
        (lambda: slt.LocalLambda(gamma=-1.0), ValueError, r"LocalLambda\(gamma=…\)"),
        (lambda: slt.LocalLambda(beta=0.0), ValueError, "LocalLambda: beta must be"),
        (lambda: slt.LocalLambda(point=[0.0]), TypeError, r"LocalLambda\(point=…\) must be a dict"),
        (lambda: slt.TwoTemperature(betas=[0.1]), ValueError, "exactly 2 values"),
        (lambda: slt.LadderSlope(betas=[0.1]), ValueError, "at least 2 values"),
        (lambda: slt.LadderSlope(bets=[0.1]), TypeError, "bets"),
    ],
)
def test_method_values_refuse_bad_options_when_built(build, error, match):
    with pytest.raises(error, match=match):
        build()


def test_method_values_are_sorted_frozen_and_found_by_name_or_value():
    value = slt.TwoTemperature(betas=[0.3, 0.1])
    assert value.betas == (0.1, 0.3) and value.name == "two_temperature"
    with pytest.raises(AttributeError):
        value.betas = (0.2, 0.4)  # type: ignore[misc]
    assert estimator_entry(value) == (ESTIMATORS["two_temperature"], value)
    assert method_entry("stepping_stone")[1] == slt.SteppingStone()
    for lookup, registry in ((method_entry, METHODS), (estimator_entry, ESTIMATORS)):
        with pytest.raises(ValueError, match=str(list(registry)).replace("[", r"\[")):
            lookup("nope")
    with pytest.raises(ValueError, match="method must be one of"):
        method_entry(slt.LocalLambda())  # an estimator is not a log-Z method


def test_with_run_sampler_is_one_rule_for_every_quantity():
    run = slt.NUTS(draws=300, chains=2, target_accept=0.9)
    smc = METHODS["smc"]
    # no sampler of its own: the run's where its family can draw, else the method's default
    assert with_run_sampler({}, run, tuple(SAMPLERS), run)["sampler"] is run
    assert with_run_sampler({"method": "smc"}, run, smc.samplers, smc.default_sampler) == {
        "method": "smc",
        "sampler": slt.SMC(draws=2000),
    }
    # its own sampler wins; loose settings (a sweep's JSON form) change the sampler they apply to
    own = slt.HMCSMC(draws=100)
    assert with_run_sampler({"sampler": own}, run, tuple(SAMPLERS), run)["sampler"] is own
    assert with_run_sampler({"draws": 50}, run, tuple(SAMPLERS), run)["sampler"] == slt.NUTS(
        draws=50, chains=2, target_accept=0.9
    )
    assert with_run_sampler({"method": "smc", "draws": 50}, run, smc.samplers, smc.default_sampler)[
        "sampler"
    ] == slt.SMC(draws=50)
    # compare names itself: its loose settings are deprecated
    with pytest.warns(DeprecationWarning, match="compare"):
        with_run_sampler({"chains": 3}, run, tuple(SAMPLERS), run, "compare")
    assert "sampler" not in with_run_sampler({"data": object()}, run, tuple(SAMPLERS), run)


def test_compare_takes_a_method_a_value_or_the_keyword_arguments():
    assert _keyword_arguments("evidence", "smc", None, method_entry) == {"method": "smc"}
    value = slt.LocalLambda(gamma=0.1)
    assert _keyword_arguments("learning_coefficient", value, None, estimator_entry) == {
        "method": value
    }
    assert _keyword_arguments("evidence", None, {"fallback": False}, method_entry) == {
        "fallback": False
    }
    with pytest.raises(ValueError, match="not both"):
        _keyword_arguments("evidence", "smc", {"method": "bridge"}, method_entry)
    with pytest.raises(ValueError, match="method must be one of"):
        _keyword_arguments("evidence", "brige", None, method_entry)


def _same_number(fn, model, new: dict, old: dict, match: str):
    """``fn`` with the values ``new`` and with the deprecated arguments ``old`` (which must warn,
    ``match``-ing the replacement) on the same seed: the result, which must be identical."""
    quiet = {"random_seed": 3, "progressbar": False}
    result = fn(model, **new, **quiet)
    with pytest.warns(DeprecationWarning, match=match):
        again = fn(model, **old, **quiet)
    assert (again.estimate, again.se) == (result.estimate, result.se)
    return result


def test_deprecated_evidence_arguments_give_the_same_number_as_the_values():
    model = make_conjugate(n=40).model()
    run = {"draws": 200, "tune": 200, "chains": 2}
    new = _same_number(
        slt.log_marginal_likelihood,
        model,
        {"method": slt.Bridge(proposal="normal"), "sampler": slt.NUTS(**run)},
        {"bridge_proposal": "normal", **run},
        "bridge_proposal= -> method=slt.Bridge",
    )
    assert new.diagnostics["proposal"] == "normal"
    with pytest.raises(ValueError, match="n_betas applies to method='stepping_stone'"):
        with pytest.warns(DeprecationWarning):
            slt.log_marginal_likelihood(model, n_betas=4, progressbar=False)
    with pytest.raises(ValueError, match="set them in the method value"):
        with pytest.warns(DeprecationWarning):
            slt.log_marginal_likelihood(model, method=slt.SteppingStone(), betas=[0.5, 1.0])


def test_deprecated_lambda_arguments_give_the_same_number_as_the_values():
    model = make_conjugate(n=60).model()
    point = {"w": np.zeros(2)}
    sampler = slt.NUTS(draws=200, tune=200, chains=2)
    new = _same_number(
        slt.learning_coefficient,
        model,
        {"method": slt.LocalLambda(beta=0.3, point=point, gamma=0.5), "sampler": sampler},
        {"betas": 0.3, "point": point, "gamma": 0.5, "sampler": sampler},
        "gamma= -> method=slt.LocalLambda",
    )
    assert new.diagnostics["gamma"] == 0.5 and list(new.betas) == [0.3]
    with pytest.raises(ValueError, match="point is only used by method='local'"):
        with pytest.warns(DeprecationWarning):
            slt.learning_coefficient(model, method="ladder", point=point, progressbar=False)


def test_deprecated_langevin_and_phase_sweep_arguments_still_work():
    with pytest.raises(ValueError, match=r"Langevin\(step_size=…\)"):
        slt.Langevin(step_size=0.0, n_steps=10)
    with pytest.raises(ValueError, match=r"Langevin\(n_steps=…\) must be >= thin"):
        slt.Langevin(step_size=0.1, n_steps=5, thin=10)
    model = make_conjugate(n=20).model()
    with pytest.raises(TypeError, match=r"needs sampler=slt\.Langevin"):
        slt.noisy_gradient_descent(model)
    with pytest.warns(DeprecationWarning, match=r"n_steps= -> sampler=slt\.Langevin"):
        old = slt.noisy_gradient_descent(model, step_size=1e-3, n_steps=20, random_seed=1)
    new = slt.noisy_gradient_descent(
        model, sampler=slt.Langevin(step_size=1e-3, n_steps=20), random_seed=1
    )
    np.testing.assert_array_equal(old["posterior"]["w"], new["posterior"]["w"])


def test_phase_sweep_pairs_are_the_deprecated_data_seeds():
    def make_model(n, seed):
        y = np.random.default_rng(seed).normal(0.3, 1.0, size=n)
        with pm.Model() as model:
            mu = pm.Normal("mu", 0, 1)
            pm.Normal("y", mu, 1, observed=y)
        return model

    def sign(dt):
        return (dt["posterior"]["mu"] > 0).astype(int)

    run = {"sampler": slt.NUTS(draws=100, tune=100, chains=2), "progressbar": False}
    pairs = slt.phase_sweep(make_model, [(10, 0), (10, 1)], sign, random_seed=1, **run)
    with pytest.warns(DeprecationWarning, match=r"data_seeds= -> \(n, data_seed\) pairs"):
        old = slt.phase_sweep(make_model, [10], sign, data_seeds=(0, 1), random_seed=1, **run)
    pd.testing.assert_frame_equal(pairs, old)
    assert sorted(set(zip(pairs["n"], pairs["data_seed"], strict=True))) == [(10, 0), (10, 1)]
    with pytest.warns(DeprecationWarning, match="phases="):
        only = slt.phase_sweep(make_model, [10], sign, phases=(1, 2), random_seed=1, **run)
    assert sorted(set(only["phase"])) == [1, 2]  # a phase never seen is reported all the same
    with pytest.raises(ValueError, match="drop data_seeds"):
        with pytest.warns(DeprecationWarning):
            slt.phase_sweep(make_model, [(10, 0)], sign, data_seeds=(0,), **run)
    with pytest.raises(ValueError, match="distinct"):
        slt.phase_sweep(make_model, [(10, 0), (10, 0)], sign, **run)
