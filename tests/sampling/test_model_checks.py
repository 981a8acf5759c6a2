"""The up-front model checks: every sampling entry point refuses, before sampling and with the
remedy, what NUTS cannot do, and supports what PyMC users write (``initval=``)."""

import logging

import numpy as np
import pymc as pm
import pytest

import pymc_slt as slt

FAST = {"sampler": slt.NUTS(draws=200, tune=200, chains=2), "progressbar": False}


def _mixture_data() -> np.ndarray:
    rng = np.random.default_rng(0)
    return np.r_[rng.normal(-2.0, 1.0, 60), rng.normal(2.0, 1.0, 60)]


def ordered_mixture(initval: bool) -> pm.Model:
    """The usual label-switching fix: ordered means, started inside the support by initval."""
    extra = {"initval": np.array([-1.0, 1.0])} if initval else {}
    with pm.Model() as model:
        w = pm.Dirichlet("w", np.ones(2))
        ordered = pm.distributions.transforms.ordered
        mu = pm.Normal("mu", 0.0, 5.0, shape=2, transform=ordered, **extra)
        pm.NormalMixture("y", w, mu, sigma=1.0, observed=_mixture_data())
    return model


def discrete_latent() -> pm.Model:
    rng = np.random.default_rng(1)
    with pm.Model() as model:
        k = pm.Categorical("k", p=[0.5, 0.5])
        pm.Normal(
            "y", pm.math.switch(pm.math.eq(k, 0), 0.0, 1.0), 1.0, observed=rng.normal(1, 1, 40)
        )
    return model


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_initval_models_sample_and_keep_their_initial_values():
    model = ordered_mixture(initval=True)
    before = {rv.name: v for rv, v in model.rvs_to_initial_values.items()}
    dt = slt.sample_tempered(model, 1.0, random_seed=1, **FAST)
    mu = dt["posterior"]["mu"].mean(("chain", "draw")).values
    np.testing.assert_allclose(mu, [-2.0, 2.0], atol=0.4)  # the two components, in order
    after = {rv.name: v for rv, v in model.rvs_to_initial_values.items()}
    assert before.keys() == after.keys()
    np.testing.assert_array_equal(after["mu"], [-1.0, 1.0])  # the user's model is untouched
    tempered = slt.temper(model, 0.5)
    np.testing.assert_array_equal(tempered.rvs_to_initial_values[tempered["mu"]], [-1.0, 1.0])


def test_initial_point_outside_the_support_is_named_before_sampling():
    model = ordered_mixture(initval=False)
    with pytest.raises(ValueError, match=r"log p\(mu\) = -inf.*initval"):
        slt.sample_tempered(model, 1.0, **FAST)
    with pytest.raises(ValueError, match=r"log p\(mu\) = -inf"):
        slt.learning_coefficient(model, **FAST)


@pytest.mark.parametrize(
    "call",
    [
        lambda m: slt.sample_tempered(m, 1.0, **FAST),
        lambda m: slt.sample_ladder(m, [0.5, 1.0], **FAST),
        lambda m: slt.wbic(m, **FAST),
        lambda m: slt.learning_coefficient(m, **FAST),
        lambda m: slt.learning_coefficient(m, method="ladder", **FAST),
        lambda m: slt.log_marginal_likelihood(m, **FAST),
        lambda m: slt.noisy_gradient_descent(m, sampler=slt.Langevin(step_size=0.01, n_steps=10)),
    ],
    ids=["sample_tempered", "sample_ladder", "wbic", "local", "ladder", "bridge", "langevin"],
)
def test_discrete_free_variables_are_named_with_the_remedy(call):
    with pytest.raises(ValueError, match=r"discrete free variable\(s\) \['k'\].*[Mm]arginalize"):
        call(discrete_latent())


def test_smc_handles_a_discrete_latent_and_is_silent_without_progressbar(caplog):
    model = discrete_latent()
    with caplog.at_level(logging.INFO, logger="pymc"):
        result = slt.log_marginal_likelihood(
            model,
            method="smc",
            sampler=slt.SMC(draws=500, chains=2),
            random_seed=1,
            progressbar=False,
        )
    assert not [r for r in caplog.records if "Initializing SMC" in r.getMessage()]
    # exact: Z = ½ N(y; 0, I) + ½ N(y; 1, I), the two values of k
    y = _observed(model)
    log_two = [(-0.5 * np.sum((y - m) ** 2) - 0.5 * y.size * np.log(2 * np.pi)) for m in (0, 1)]
    exact = np.logaddexp(*log_two) - np.log(2.0)
    assert abs(result.log_z - exact) < 4 * result.se + 0.02, (result, exact)


def _observed(model: pm.Model) -> np.ndarray:
    from pymc.backends.arviz import find_observations

    return np.asarray(find_observations(model)["y"])
