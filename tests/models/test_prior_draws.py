"""pm.draw's forward prior against the model's own: potentials and narrowing transforms."""

from __future__ import annotations

import numpy as np
import pymc as pm
import pytest
from scipy.stats import norm

from pymc_slt import SMC
from pymc_slt.evidence.path import stepping_stone, thermodynamic
from pymc_slt.models.prior_draws import draw_prior, prior_log_weights, restricting_transforms
from pymc_slt.sampling import sample_tempered


def _ordered(k: int = 2) -> pm.Model:
    with pm.Model() as model:
        pm.Normal(
            "mu", 0.0, 1.0, shape=k, transform=pm.distributions.transforms.ordered,
            initval=np.linspace(-1, 1, k),
        )  # fmt: skip
        pm.HalfNormal("sigma", 1.0)
    return model


def test_plain_models_need_no_weights():
    with pm.Model() as model:
        pm.Dirichlet("w", np.ones(3))
        pm.HalfNormal("s", 1.0)
    assert restricting_transforms(model) == []
    assert prior_log_weights(model, draw_prior(model, 10, 0)) is None


def test_ordered_keeps_one_ordering_of_the_draws():
    """Three exchangeable components: the ordered prior keeps 1/3! of pm.draw's mass."""
    model = _ordered(3)
    assert restricting_transforms(model) == ["mu"]
    prior = draw_prior(model, 3000, 1)
    log_c = prior_log_weights(model, prior)
    ordered = np.all(np.diff(prior["mu"].values, axis=-1) > 0, axis=-1)
    np.testing.assert_array_equal(np.isfinite(log_c), ordered)
    np.testing.assert_array_equal(log_c[ordered], 0.0)
    share, se = ordered.mean(), np.sqrt(1 / 6 * 5 / 6 / ordered.size)
    assert abs(share - 1 / 6) < 4 * se


def test_potential_weights_are_the_potential():
    with pm.Model() as model:
        x = pm.Normal("x", 0.0, 1.0)
        s = pm.HalfNormal("s", 1.0)
        pm.Potential("pull", -0.5 * x**2 - s)
    prior = draw_prior(model, 50, 2)
    expected = -0.5 * prior["x"].values ** 2 - prior["s"].values
    np.testing.assert_allclose(prior_log_weights(model, prior), expected, rtol=1e-12)


@pytest.mark.parametrize("estimator", [stepping_stone, thermodynamic])
def test_weighted_prior_rung_gives_the_models_log_z(estimator):
    """x ~ N(0, 1) with Potential −x²/2 and y_i ~ N(x, 1): a Gaussian integral in closed form.

    With one rung (β = 1) both estimators are importance sampling of the model's prior
    φ(x) = N(x; 0, 1) e^{−x²/2} (mass 1/√2) by pm.draw's N(0, 1).
    """
    rng = np.random.default_rng(0)
    y = rng.normal(0.3, 1.0, size=5)
    x = rng.standard_normal((1, 20000))
    energy = -norm.logpdf(y[None, None, :], loc=x[..., None]).sum(-1)
    log_c = -0.5 * x**2
    # ∫ N(x;0,1) e^{−x²/2} Π N(y_i;x,1) dx, precision 2 + n, completing the square
    n, a = y.size, 2.0 + y.size
    exact = (
        -0.5 * np.log(2 * np.pi)
        - 0.5 * n * np.log(2 * np.pi)
        - 0.5 * np.sum(y**2)
        + 0.5 * y.sum() ** 2 / a
        + 0.5 * np.log(2 * np.pi / a)
    )
    log_z, se, _ = estimator(np.array([0.0, 1.0]), [energy, energy], log_c)
    assert se > 0 and abs(log_z - exact) < 4 * se
    unweighted, _, _ = estimator(np.array([0.0, 1.0]), [energy, energy])
    assert abs(unweighted - exact) > 10 * se  # without the weights: a different model


def test_smc_refuses_a_narrowing_transform_before_sampling():
    model = _ordered()
    with model:
        pm.Normal("y", model["mu"].sum(), model["sigma"], observed=np.zeros(3))
    with pytest.raises(ValueError, match=r"\['mu'\].*ordered.*sampler='nuts'"):
        sample_tempered(model, 1.0, sampler=SMC(draws=50, chains=2), progressbar=False)
