"""A gallery of models written the way PyMC users write them (``pm.Data``, coords, dims).

Each builder returns a fresh ``pm.Model`` on fixed, seeded data, small enough for the default
test run. ``GALLERY`` names them; ``EXPECTED_ERRORS`` lists the models that every NUTS-based
entry point must refuse before sampling, with the message it must give.
"""

from __future__ import annotations

import numpy as np
import pymc as pm

# --- eight schools (Rubin 1981; Gelman et al., BDA3 §5.5) -------------------------------------

SCHOOLS = ["A", "B", "C", "D", "E", "F", "G", "H"]
EFFECTS = np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0])
SIGMAS = np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0])


def eight_schools_centered() -> pm.Model:
    with pm.Model(coords={"school": SCHOOLS}) as model:
        mu = pm.Normal("mu", 0.0, 5.0)
        tau = pm.HalfCauchy("tau", 5.0)
        theta = pm.Normal("theta", mu, tau, dims="school")
        pm.Normal("obs", theta, SIGMAS, observed=EFFECTS, dims="school")
    return model


def eight_schools_noncentered() -> pm.Model:
    with pm.Model(coords={"school": SCHOOLS}) as model:
        mu = pm.Normal("mu", 0.0, 5.0)
        tau = pm.HalfCauchy("tau", 5.0)
        z = pm.Normal("z", 0.0, 1.0, dims="school")
        theta = pm.Deterministic("theta", mu + tau * z, dims="school")
        pm.Normal("obs", theta, SIGMAS, observed=EFFECTS, dims="school")
    return model


# --- regressions --------------------------------------------------------------------------------


def _regression_data(n: int = 60, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    return x, 0.5 + 1.2 * x + rng.normal(0.0, 0.8, size=n)


def linear_sigma_halfnormal() -> pm.Model:
    x, y = _regression_data()
    with pm.Model(coords={"obs_id": np.arange(x.size)}) as model:
        x_data = pm.Data("x", x, dims="obs_id")
        intercept = pm.Normal("intercept", 0.0, 2.0)
        slope = pm.Normal("slope", 0.0, 2.0)
        sigma = pm.HalfNormal("sigma", 1.0)
        pm.Normal("y", intercept + slope * x_data, sigma, observed=y, dims="obs_id")
    return model


def varying_intercept() -> pm.Model:
    rng = np.random.default_rng(1)
    groups = np.repeat(np.arange(4), 12)
    x = rng.normal(size=groups.size)
    y = rng.normal(0.0, 0.7, size=4)[groups] + 0.8 * x + rng.normal(0.0, 0.5, size=groups.size)
    coords = {"group": ["g0", "g1", "g2", "g3"], "obs_id": np.arange(groups.size)}
    with pm.Model(coords=coords) as model:
        g = pm.Data("g", groups, dims="obs_id")
        x_data = pm.Data("x", x, dims="obs_id")
        mu_a = pm.Normal("mu_a", 0.0, 1.0)
        sigma_a = pm.HalfNormal("sigma_a", 1.0)
        a = pm.Normal("a", mu_a, sigma_a, dims="group")
        b = pm.Normal("b", 0.0, 1.0)
        sigma = pm.HalfNormal("sigma", 1.0)
        pm.Normal("y", a[g] + b * x_data, sigma, observed=y, dims="obs_id")
    return model


def logistic_glm() -> pm.Model:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(80, 2))
    p = 1.0 / (1.0 + np.exp(-(0.3 + x @ [1.0, -0.7])))
    y = rng.binomial(1, p)
    with pm.Model(coords={"coef": ["x1", "x2"], "obs_id": np.arange(80)}) as model:
        X = pm.Data("X", x, dims=("obs_id", "coef"))
        alpha = pm.Normal("alpha", 0.0, 2.0)
        beta = pm.Normal("beta", 0.0, 2.0, dims="coef")
        pm.Bernoulli("y", logit_p=alpha + X @ beta, observed=y, dims="obs_id")
    return model


def poisson_glm() -> pm.Model:
    rng = np.random.default_rng(3)
    x = rng.normal(size=70)
    y = rng.poisson(np.exp(0.8 + 0.4 * x))
    with pm.Model(coords={"obs_id": np.arange(70)}) as model:
        x_data = pm.Data("x", x, dims="obs_id")
        intercept = pm.Normal("intercept", 0.0, 2.0)
        slope = pm.Normal("slope", 0.0, 1.0)
        pm.Poisson("y", mu=pm.math.exp(intercept + slope * x_data), observed=y, dims="obs_id")
    return model


def negative_binomial_glm() -> pm.Model:
    rng = np.random.default_rng(4)
    x = rng.normal(size=70)
    mu = np.exp(1.0 + 0.5 * x)
    y = rng.negative_binomial(5.0, 5.0 / (5.0 + mu))
    with pm.Model(coords={"obs_id": np.arange(70)}) as model:
        x_data = pm.Data("x", x, dims="obs_id")
        intercept = pm.Normal("intercept", 0.0, 2.0)
        slope = pm.Normal("slope", 0.0, 1.0)
        alpha = pm.Exponential("alpha", 0.2)
        mean = pm.math.exp(intercept + slope * x_data)
        pm.NegativeBinomial("y", mu=mean, alpha=alpha, observed=y, dims="obs_id")
    return model


# --- mixtures -----------------------------------------------------------------------------------


def _mixture_data() -> np.ndarray:
    rng = np.random.default_rng(5)
    return np.r_[rng.normal(-2.0, 1.0, 40), rng.normal(2.0, 1.0, 40)]


def mixture_unordered() -> pm.Model:
    with pm.Model(coords={"component": ["c0", "c1"]}) as model:
        w = pm.Dirichlet("w", np.ones(2), dims="component")
        mu = pm.Normal("mu", 0.0, 5.0, dims="component")
        pm.NormalMixture("y", w, mu, sigma=1.0, observed=_mixture_data())
    return model


def mixture_ordered() -> pm.Model:
    """The usual label-switching fix; ``initval`` starts the sampler inside the order."""
    with pm.Model(coords={"component": ["c0", "c1"]}) as model:
        w = pm.Dirichlet("w", np.ones(2), dims="component")
        mu = pm.Normal(
            "mu",
            0.0,
            5.0,
            dims="component",
            transform=pm.distributions.transforms.ordered,
            initval=np.array([-1.0, 1.0]),
        )
        pm.NormalMixture("y", w, mu, sigma=1.0, observed=_mixture_data())
    return model


# --- neural networks ----------------------------------------------------------------------------


def _bnn_data(n: int = 60) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(6)
    x = rng.uniform(-2.0, 2.0, size=n)
    return x, np.sin(1.5 * x) + rng.normal(0.0, 0.3, size=n)


def bnn_one_layer(hidden: int = 2) -> pm.Model:
    x, y = _bnn_data()
    with pm.Model(coords={"hidden": np.arange(hidden), "obs_id": np.arange(x.size)}) as model:
        x_data = pm.Data("x", x, dims="obs_id")
        w1 = pm.Normal("w1", 0.0, 1.0, dims="hidden")
        b1 = pm.Normal("b1", 0.0, 1.0, dims="hidden")
        w2 = pm.Normal("w2", 0.0, 1.0, dims="hidden")
        b2 = pm.Normal("b2", 0.0, 1.0)
        sigma = pm.HalfNormal("sigma", 0.5)
        h = pm.math.tanh(x_data[:, None] * w1 + b1)
        pm.Normal("y", h @ w2 + b2, sigma, observed=y, dims="obs_id")
    return model


def bnn_two_layers(hidden: int = 2) -> pm.Model:
    x, y = _bnn_data()
    with pm.Model(coords={"h1": np.arange(hidden), "h2": np.arange(hidden)}) as model:
        x_data = pm.Data("x", x)
        w1 = pm.Normal("w1", 0.0, 1.0, dims="h1")
        w2 = pm.Normal("w2", 0.0, 1.0, dims=("h1", "h2"))
        w3 = pm.Normal("w3", 0.0, 1.0, dims="h2")
        sigma = pm.HalfNormal("sigma", 0.5)
        h1 = pm.math.tanh(x_data[:, None] * w1)
        h2 = pm.math.tanh(h1 @ w2)
        pm.Normal("y", h2 @ w3, sigma, observed=y)
    return model


# --- other shapes of model ----------------------------------------------------------------------


def deterministic_and_potential() -> pm.Model:
    """A soft constraint as a Potential (part of the prior) and a Deterministic."""
    x, y = _regression_data(seed=7)
    with pm.Model() as model:
        intercept = pm.Normal("intercept", 0.0, 2.0)
        slope = pm.Normal("slope", 0.0, 2.0)
        pm.Potential("slope_positive", pm.math.log(pm.math.sigmoid(5.0 * slope)))
        mean = pm.Deterministic("mean", intercept + slope * x)
        pm.Normal("y", mean, 0.8, observed=y)
    return model


def two_observed() -> pm.Model:
    """Two measurements of the same 50 units: they share the observation axis (n = 50)."""
    rng = np.random.default_rng(8)
    x = rng.normal(size=50)
    with pm.Model() as model:
        a = pm.Normal("a", 0.0, 1.0)
        b = pm.Normal("b", 0.0, 1.0)
        pm.Normal("y1", a * x, 1.0, observed=0.7 * x + rng.normal(size=50))
        pm.Normal("y2", b + a * x, 1.0, observed=0.2 + 0.7 * x + rng.normal(size=50))
    return model


def discrete_latent() -> pm.Model:
    rng = np.random.default_rng(9)
    with pm.Model() as model:
        k = pm.Categorical("k", p=[0.5, 0.5])
        mu = pm.math.switch(pm.math.eq(k, 0), 0.0, 1.0)
        pm.Normal("y", mu, 1.0, observed=rng.normal(1.0, 1.0, 40))
    return model


def missing_observations() -> pm.Model:
    x, y = _regression_data(n=30, seed=10)
    y = y.copy()
    y[[3, 17]] = np.nan
    with pm.Model() as model:
        slope = pm.Normal("slope", 0.0, 2.0)
        pm.Normal("y", slope * x, 1.0, observed=y)
    return model


GALLERY = {
    "eight_schools_centered": eight_schools_centered,
    "eight_schools_noncentered": eight_schools_noncentered,
    "linear_sigma_halfnormal": linear_sigma_halfnormal,
    "varying_intercept": varying_intercept,
    "logistic_glm": logistic_glm,
    "poisson_glm": poisson_glm,
    "negative_binomial_glm": negative_binomial_glm,
    "mixture_unordered": mixture_unordered,
    "mixture_ordered": mixture_ordered,
    "bnn_one_layer": bnn_one_layer,
    "bnn_two_layers": bnn_two_layers,
    "deterministic_and_potential": deterministic_and_potential,
    "two_observed": two_observed,
    "discrete_latent": discrete_latent,
    "missing_observations": missing_observations,
}

#: Models every NUTS-based entry point refuses before sampling: a pattern of the message.
EXPECTED_ERRORS = {
    "discrete_latent": r"discrete free variable\(s\) \['k'\]",
}
