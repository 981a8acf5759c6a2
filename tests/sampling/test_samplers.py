"""Samplers as values (issue 27): each family's settings and defaults stated once, bad settings
caught when the value is built, and the loose form (draws=, sampler_kwargs=) resolving to the
same value."""

from __future__ import annotations

import dataclasses

import numpy as np
import pymc as pm
import pytest
from scipy import stats

import pymc_slt as slt
from pymc_slt.sampling.hmc_smc import HMC_SMC_DEFAULTS
from pymc_slt.sampling.samplers import SAMPLERS, as_sampler


def test_defaults_are_the_families_own():
    assert (slt.NUTS().draws, slt.NUTS().tune, slt.NUTS().chains) == (1000, 1000, 4)
    assert slt.NUTS().target_accept is None  # the sampling method's own default
    assert (slt.SMC().draws, slt.SMC().chains, slt.SMC().tune) == (1000, 4, 0)
    assert HMC_SMC_DEFAULTS == slt.HMCSMC().kwargs()
    assert set(SAMPLERS) == {"nuts", "smc", "hmc_smc"}


@pytest.mark.parametrize(
    ("build", "error", "match"),
    [
        (lambda: slt.SMC(tune=500), TypeError, "tune"),
        (lambda: slt.HMCSMC(tune=500), TypeError, "tune"),
        (lambda: slt.NUTS(target_ess=0.5), TypeError, "target_ess"),
        (lambda: slt.NUTS(draws=0), ValueError, r"NUTS\(draws=…\) must be an integer >= 1"),
        (lambda: slt.NUTS(tune=-1), ValueError, r"NUTS\(tune=…\) must be an integer >= 0"),
        (lambda: slt.NUTS(chains=2.0), TypeError, r"NUTS\(chains=…\)"),
        (lambda: slt.NUTS(target_accept="high"), TypeError, r"NUTS\(target_accept=…\)"),
        (lambda: slt.NUTS(target_accept=1.5), ValueError, r"target_accept=…\) must be a number"),
        (lambda: slt.NUTS(options={"draws": 5}), ValueError, r"pass them as NUTS\(draws=…\)"),
        (lambda: slt.NUTS(options=[1]), TypeError, r"NUTS\(options=…\) must be a dict"),
        (lambda: slt.SMC(options={"random_seed": 1}), ValueError, "random_seed"),
        (lambda: slt.HMCSMC(kernel="mala"), ValueError, r"\['hmc', 'nuts'\], got 'mala'"),
        (lambda: slt.HMCSMC(target_ess=0.0), ValueError, r"target_ess=…\)"),
    ],
)
def test_bad_settings_fail_when_the_value_is_built(build, error, match):
    with pytest.raises(error, match=match):
        build()


def test_values_are_frozen_and_compare_by_settings():
    nuts = slt.NUTS(draws=10, options={"maxdepth": 6})
    with pytest.raises(dataclasses.FrozenInstanceError):
        nuts.draws = 20
    with pytest.raises(TypeError):
        nuts.options["maxdepth"] = 8  # a read-only mapping
    assert nuts == slt.NUTS(draws=10, options={"maxdepth": 6})
    assert "NUTS(draws=10, tune=1000, chains=4, target_accept=None" in repr(nuts)


def test_the_loose_form_resolves_to_the_same_value():
    assert as_sampler(None) == slt.NUTS()
    assert as_sampler("nuts", draws=10, sampler_kwargs={"target_accept": 0.9, "maxdepth": 6}) == (
        slt.NUTS(draws=10, target_accept=0.9, options={"maxdepth": 6})
    )
    assert as_sampler("smc", draws=10, tune=99) == slt.SMC(draws=10)  # SMC has no tune
    assert as_sampler("hmc_smc", sampler_kwargs={"target_ess": 0.8}) == slt.HMCSMC(target_ess=0.8)
    assert as_sampler(None, draws=5, default=slt.SMC(draws=2000)) == slt.SMC(draws=5)
    assert as_sampler("smc", default=slt.SMC(draws=2000)) == slt.SMC(draws=2000)
    assert as_sampler("nuts", default=slt.SMC(draws=2000)) == slt.NUTS()
    assert slt.NUTS().kwargs(target_accept=0.95) == {"target_accept": 0.95}
    assert slt.NUTS(target_accept=0.8).kwargs(target_accept=0.95) == {"target_accept": 0.8}


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"sampler": "mala"}, ValueError, r"one of \['nuts', 'smc', 'hmc_smc'\] or a value"),
        ({"sampler": slt.NUTS(), "draws": 10}, ValueError, r"\['draws'\] given beside"),
        ({"sampler": slt.NUTS(), "sampler_kwargs": {"x": 1}}, ValueError, "set them in the"),
        ({"sampler": "hmc_smc", "sampler_kwargs": {"steps": 3}}, ValueError, "valid keys"),
        ({"sampler": "nuts", "sampler_kwargs": [("a", 1)]}, TypeError, "must be a dict"),
        ({"sampler": "nuts", "draws": 0}, ValueError, r"NUTS\(draws=…\)"),
        ({"sampler": "smc", "tune": -1}, ValueError, r"SMC\(tune=…\) must be an integer >= 0"),
    ],
)
def test_bad_loose_settings_are_named(kwargs, error, match):
    with pytest.raises(error, match=match):
        as_sampler(**kwargs)


@pytest.fixture(scope="module")
def model():
    with pm.Model() as m:
        w = pm.Normal("w", 0.0, 1.0)
        pm.Normal("y", w, 1.0, observed=np.random.default_rng(0).normal(size=20))
    return m


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_a_value_samples_as_its_loose_form_does(model):
    run = {"random_seed": 3, "progressbar": False}
    value = slt.sample_tempered(model, sampler=slt.NUTS(draws=60, tune=60, chains=2), **run)
    with pytest.warns(DeprecationWarning, match="draws"):  # the loose form, until 0.3.0
        loose = slt.sample_tempered(model, draws=60, tune=60, chains=2, **run)
    np.testing.assert_array_equal(value["posterior"]["w"].values, loose["posterior"]["w"].values)
    assert value["posterior"].sizes["draw"] == 60


def test_the_smc_methods_take_only_their_own_family(model):
    with pytest.raises(ValueError, match="runs its own sampler"):
        slt.log_marginal_likelihood(model, method="smc", sampler=slt.NUTS())
    result = slt.log_marginal_likelihood(
        model, method="smc", sampler=slt.SMC(draws=300, chains=2), random_seed=1,
        progressbar=False,
    )  # fmt: skip
    y = np.random.default_rng(0).normal(size=20)
    exact = stats.multivariate_normal(np.zeros(20), np.eye(20) + 1.0).logpdf(y)
    assert abs(result.log_z - exact) < 4 * result.se + 0.05
