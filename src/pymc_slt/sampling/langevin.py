"""Gradient descent with Gaussian noise samples the Gibbs posterior: the seed notes' claim, run.

The learning notes this package grew from say that gradient descent on the squared error, with
Gaussian noise added to every step, does not settle in one minimum but wanders over a probability
distribution of good parameters, the Gibbs (tempered) posterior

.. math::

    p_β(w \\mid D_n) ∝ φ(w) \\exp(-β\\, n L_n(w)),\\qquad T = 1/β,

(squared error is a Gaussian negative log-likelihood). :func:`noisy_gradient_descent` runs
exactly that, the unadjusted Langevin algorithm, on a PyMC model, so its draws can be laid over
the NUTS draws of :func:`pymc_slt.sample_tempered` (see ``examples/langevin_vs_nuts.py`` and
:func:`pymc_slt.plots.free_energy.plot_langevin_vs_nuts`).

It is a demonstration, not an inference engine: its stationary distribution is off by
:math:`O(η)` and nothing corrects it (no Metropolis step). The package's inference uses NUTS.

References
----------
Welling, M. & Teh, Y. W. (2011). Bayesian learning via stochastic gradient Langevin dynamics.
ICML 2011, 681–688. https://icml.cc/2011/papers/398_icmlpaper.pdf

Mandt, S., Hoffman, M. D. & Blei, D. M. (2017). Stochastic gradient descent as approximate
Bayesian inference. JMLR 18(134), 1–35. https://jmlr.org/papers/v18/17-214.html,
arXiv:1704.04289

Roberts, G. O. & Tweedie, R. L. (1996). Exponential convergence of Langevin distributions and
their discrete approximations. Bernoulli 2(4), 341–363. https://doi.org/10.2307/3318418
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt
import xarray as xr
from pymc.backends.arviz import coords_and_dims_for_inferencedata, dict_to_dataset
from pymc.blocking import DictToArrayBijection
from pymc.initial_point import make_initial_point_fn
from pytensor.graph.replace import graph_replace

from pymc_slt._deprecated import take_deprecated
from pymc_slt._progress import track
from pymc_slt._validate import (
    as_pymc_model,
    check_continuous,
    check_initial_point,
    spawn_sequences,
    validate_positive_int,
    validate_positive_real,
)
from pymc_slt.base.spec import Spec
from pymc_slt.models.tempering import tempered
from pymc_slt.sampling.loglik import log_likelihood
from pymc_slt.sampling.tempered import _model_groups, n_observations

__all__ = ["Langevin", "noisy_gradient_descent"]


@dataclass(frozen=True, kw_only=True, repr=False)
class Langevin(Spec):
    """The unadjusted Langevin algorithm of :func:`noisy_gradient_descent` (gradient descent with
    Gaussian noise), its settings as a value, as :class:`~pymc_slt.NUTS` is NUTS's.

    Parameters
    ----------
    step_size : float
        The learning rate η > 0 (on the unconstrained space). The stationary law is biased by
        :math:`O(η)`; η must be below about 2/(largest curvature of :math:`β n L_n`) or the
        iteration blows up. Try about 0.1/(nβ) for a log-likelihood whose curvature per
        observation is about 1.
    n_steps : int
        Steps after burn-in, >= ``thin``; every ``thin``-th is kept, so each chain has
        ``n_steps // thin`` draws.
    thin : int, default 1
        Keep one step in ``thin`` (consecutive steps are strongly correlated).
    burn_in : int, default 0
        Steps run and discarded before the first kept one.
    chains : int, default 1
        Independent runs from the same starting point with independent noise.

    It is not one of the samplers of :func:`pymc_slt.sample_tempered` (its O(η) bias is
    uncorrected): it serves the demonstration that noisy gradient descent samples the Gibbs
    posterior.
    """

    name: ClassVar[str] = "langevin"
    step_size: float
    n_steps: int
    thin: int = 1
    burn_in: int = 0
    chains: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "step_size", _step_size(self.step_size))
        for key, minimum in (("n_steps", 1), ("thin", 1), ("burn_in", 0), ("chains", 1)):
            validate_positive_int(getattr(self, key), f"Langevin({key}=…)", minimum=minimum)
        if self.n_steps < self.thin:
            raise ValueError(
                f"Langevin(n_steps=…) must be >= thin = {self.thin} so that at least one draw "
                f"is kept, got n_steps = {self.n_steps}."
            )


#: The settings :func:`noisy_gradient_descent` took as its own arguments until the
#: :class:`Langevin` value, and where they went.
_DEPRECATED = {
    key: f"sampler=slt.Langevin({key}=…)"
    for key in ("step_size", "n_steps", "thin", "burn_in", "chains")
}

#: Steps per compiled call (bounds the memory of the noise and trajectory buffers).
_CHUNK = 65_536
#: PyTensor backend of the compiled loop (the one nutpie uses; its scan runs in ~µs per step).
_MODE = "NUMBA"


def noisy_gradient_descent(
    model: pm.Model,
    beta: float = 1.0,
    *,
    sampler: Langevin | None = None,
    init: Mapping[str, Any] | None = None,
    random_seed: int | np.random.Generator | None = None,
    progressbar: bool = False,
    **deprecated: Any,
) -> xr.DataTree:
    """Run gradient descent with Gaussian noise of temperature 1/β (unadjusted Langevin dynamics).

    Parameters
    ----------
    model : pymc.Model
        Any model with observed data and continuous parameters (not modified).
    beta : float, default 1.0
        Inverse temperature β > 0 of the target :math:`p_β(w) ∝ φ(w) \\exp(-β n L_n(w))`.
    sampler : Langevin
        The step size, step count, thinning, burn-in and chains:
        ``slt.Langevin(step_size=…, n_steps=…, thin=1, burn_in=0, chains=1)``.
    init : mapping of str to array, optional
        Starting values of (some) free variables on their natural, constrained scale; the others
        start at the model's initial point (``model.initial_point()``).
    random_seed : int or numpy.random.Generator, optional
        Same seed, same trajectory.
    progressbar : bool, default False
        Show progress over chains.
    **deprecated
        ``step_size``, ``n_steps``, ``thin``, ``burn_in``, ``chains`` (now the fields of
        ``sampler``): accepted until 0.3.0 with a ``DeprecationWarning``.

    Returns
    -------
    xarray.DataTree
        Like :func:`pymc_slt.sample_tempered`: groups ``posterior`` (free variables on their
        constrained scale and deterministics, dims ``chain``, ``draw``), ``log_likelihood``
        (untempered, elementwise), ``observed_data`` (and ``constant_data``); attrs ``beta``,
        ``n``, ``sampler = "langevin"``, ``step_size``, ``n_steps``, ``thin``, ``burn_in``,
        ``model``.

    Raises
    ------
    TypeError
        If ``model`` is not a PyMC model, ``sampler`` is not a :class:`Langevin`, ``beta`` is
        not a number, or ``init`` is not a mapping.
    ValueError
        If ``beta`` is not finite and > 0, the model has discrete parameters, or ``init`` names
        a variable that is not a free variable (bad settings are refused by :class:`Langevin`).
    FloatingPointError
        If the iteration leaves the finite numbers (``step_size`` too large).

    Notes
    -----
    On the unconstrained parameters θ (so the prior :math:`φ` includes the Jacobian of the
    transforms), with :math:`ξ_t \\sim N(0, I)`,

    .. math::

        θ_{t+1} = θ_t - η\\, ∇_θ\\big(β\\, n L_n(θ_t) - \\log φ(θ_t)\\big) + \\sqrt{2η}\\, ξ_t.

    As :math:`η → 0` this is the Euler discretisation of the Langevin diffusion
    :math:`dθ = ∇\\log p_β(θ)\\,dt + \\sqrt{2}\\,dW`, whose stationary law is :math:`p_β`:
    gradient descent on the loss :math:`n L_n` with noise of variance :math:`2ηT` per step
    (:math:`T = 1/β`, after dividing the update by β) samples the Gibbs posterior at β. This is
    the "SGD with Gaussian noise" of the seed notes: stochastic gradient Langevin dynamics
    (Welling & Teh 2011) without minibatches, and the picture of Mandt, Hoffman & Blei (2017)
    of SGD as approximate Bayesian inference. For a Gaussian target of precision :math:`P` the
    stationary covariance is exactly :math:`[P(I - ηP/2)]^{-1}` (the mean is unbiased), an
    :math:`O(η)` bias that no number of steps removes; NUTS has none.

    The gradient is PyTensor's, of the log density of the tempered clone
    (:func:`pymc_slt.models.tempering.tempered`); the whole loop (``pytensor.scan`` over
    pre-drawn noise) is compiled once, with the Numba backend, and run in chunks.

    Examples
    --------
    >>> import numpy as np, pymc as pm
    >>> from pymc_slt.sampling.langevin import Langevin, noisy_gradient_descent
    >>> with pm.Model() as model:
    ...     w = pm.Normal("w", 0, 1)
    ...     _ = pm.Normal("y", w, 1, observed=np.array([0.1, -0.3, 0.2]))
    >>> run = Langevin(step_size=0.05, n_steps=2000, thin=10)
    >>> dt = noisy_gradient_descent(model, sampler=run, random_seed=1)
    >>> dt["posterior"]["w"].shape, dt.attrs["sampler"]
    ((1, 200), 'langevin')
    """
    spec = _langevin(sampler, take_deprecated("noisy_gradient_descent", deprecated, _DEPRECATED))
    model = as_pymc_model(model)
    tm = tempered(model, beta)
    eta, thin, n_steps = spec.step_size, spec.thin, spec.n_steps
    burn_in, chains = spec.burn_in, spec.chains
    check_continuous(model, "Langevin dynamics", "slt.sample_tempered(..., sampler='smc')")
    if init is None:
        check_initial_point(model)
    start = _initial_point(tm.model, init)
    run = _compile_loop(tm.model, start)
    to_constrained = _compile_constrained(tm.model, start)
    seeds = spawn_sequences(random_seed, chains)
    kept = n_steps // thin
    chain_draws = []
    for seed in track(seeds, total=chains, description="Langevin", enabled=progressbar):
        rng = np.random.default_rng(seed)
        theta = _advance(run, rng, start.data, burn_in, eta, keep_every=None)
        trajectory = _advance(run, rng, theta, kept * thin, eta, keep_every=thin)
        chain_draws.append([to_constrained(row) for row in trajectory])
    posterior = _posterior_dataset(tm.model, chain_draws)
    log_lik = log_likelihood(tm.model, posterior)
    tree = {"posterior": posterior, "log_likelihood": log_lik}
    tree.update(_model_groups(tm.model, tm.beta_name))
    dt = xr.DataTree.from_dict(tree)
    dt.attrs.update(
        {
            "beta": float(tm.model[tm.beta_name].get_value()),
            "n": n_observations(tm.model),
            "sampler": "langevin",
            "step_size": eta,
            "n_steps": n_steps,
            "thin": thin,
            "burn_in": burn_in,
            "model": model.name or "model",
        }
    )
    return dt


def _langevin(sampler: Any, old: dict[str, Any]) -> Langevin:
    """The run's :class:`Langevin` value: ``sampler``, or built from the deprecated settings."""
    if sampler is not None and old:
        raise ValueError(f"{sorted(old)} given beside sampler={sampler!r}; set them in the value.")
    if sampler is None:
        if not {"step_size", "n_steps"} <= set(old):
            raise TypeError(
                "noisy_gradient_descent() needs sampler=slt.Langevin(step_size=…, n_steps=…), "
                "e.g. slt.Langevin(step_size=0.01, n_steps=20_000, thin=10)."
            )
        return Langevin(**old)
    if not isinstance(sampler, Langevin):
        raise TypeError(
            f"sampler must be slt.Langevin(step_size=…, n_steps=…), got {type(sampler).__name__}."
        )
    return sampler


def _step_size(step_size: Any) -> float:
    return validate_positive_real(
        step_size,
        "Langevin(step_size=…)",
        what="a real number (the learning rate η)",
        hint="try about 0.1 / (n * β) for a model whose log-likelihood curvature per "
        "observation is about 1",
    )


def _initial_point(model: pm.Model, init: Mapping[str, Any] | None):
    """The raveled unconstrained starting point, with ``init`` (constrained values) applied."""
    if init is not None and not isinstance(init, Mapping):
        raise TypeError(
            f"init must be a mapping of free-variable names to values, got {type(init).__name__}."
        )
    free = [rv.name for rv in model.free_RVs]
    unknown = sorted(set(init or {}) - set(free))
    if unknown:
        raise ValueError(f"init names {unknown}, which are not free variables; choose from {free}.")
    overrides = {
        model[name]: np.asarray(value, dtype=float) for name, value in (init or {}).items()
    }
    point = make_initial_point_fn(model=model, overrides=overrides, jitter_rvs=set())(None)
    return DictToArrayBijection.map({v.name: point[v.name] for v in model.value_vars})


def _unravel(model: pm.Model, start, flat: pt.TensorVariable) -> dict:
    """Map each value variable of ``model`` to its slice of the flat vector ``flat``."""
    pieces, offset = {}, 0
    for (_, shape, size, _), value in zip(start.point_map_info, model.value_vars, strict=True):
        pieces[value] = flat[offset : offset + size].reshape(shape).astype(value.dtype)
        offset += size
    return pieces


def _compile_loop(model: pm.Model, start):
    """Compile ``(θ0, noise[k, d], η) -> θ_1..θ_k``: k Langevin steps in one ``pytensor.scan``."""
    logp = model.logp(jacobian=True)

    def step(xi, theta, eta):
        grad = pt.grad(graph_replace(logp, _unravel(model, start, theta), strict=False), theta)
        return theta + eta * grad + pt.sqrt(2.0 * eta) * xi

    theta0, noise, eta = pt.vector("theta0"), pt.matrix("noise"), pt.scalar("eta")
    path = pytensor.scan(
        step, sequences=[noise], outputs_info=[theta0], non_sequences=[eta], return_updates=False
    )
    return pytensor.function([theta0, noise, eta], path, mode=_MODE)


def _advance(run, rng, theta, steps: int, eta: float, keep_every: int | None) -> np.ndarray:
    """Run ``steps`` steps from ``theta``; return the final θ, or every ``keep_every``-th θ."""
    kept, done = [], 0
    chunk = _CHUNK if keep_every is None else max(keep_every, _CHUNK // keep_every * keep_every)
    while done < steps:
        k = min(chunk, steps - done)
        path = run(theta, rng.standard_normal((k, theta.size)), eta)
        if not np.all(np.isfinite(path)):
            bad = done + int(np.flatnonzero(~np.isfinite(path).all(axis=1))[0]) + 1
            raise FloatingPointError(
                f"the Langevin iteration diverged at step {bad} (non-finite parameters); lower "
                f"step_size (got {eta:g}) below 2 / (largest curvature of β n L_n)."
            )
        if keep_every is not None:
            kept.append(path[keep_every - 1 :: keep_every])
        theta = path[-1]
        done += k
    return theta if keep_every is None else np.concatenate(kept)


def _compile_constrained(model: pm.Model, start):
    """Compile θ (flat, unconstrained) -> values of free variables and deterministics."""
    flat = pt.vector("theta")
    outs = graph_replace(
        model.replace_rvs_by_values(model.unobserved_RVs),
        _unravel(model, start, flat),
        strict=False,
    )
    fn = pytensor.function([flat], outs, mode=_MODE)
    names = [rv.name for rv in model.unobserved_RVs]
    return lambda theta: dict(zip(names, fn(theta), strict=True))


def _posterior_dataset(model: pm.Model, chain_draws: list[list[dict]]) -> xr.Dataset:
    names = list(chain_draws[0][0])
    data = {
        name: np.stack([np.stack([draw[name] for draw in chain]) for chain in chain_draws])
        for name in names
    }
    coords, dims = coords_and_dims_for_inferencedata(model)
    return dict_to_dataset(data, inference_library=pm, coords=coords, dims=dims)
