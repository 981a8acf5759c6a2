"""Adaptive tempered SMC with HMC moves (BlackJAX) on PyMC's JAX log density: ``sampler="hmc_smc"``.

Sequential Monte Carlo carries N particles from the prior (β = 0) through the tempered posteriors
:math:`p_β(w) ∝ φ(w)\\,e^{-β\\, nL_n(w)}` up to the highest β asked for. Each stage reweights the
particles by :math:`e^{-(β_{s+1}-β_s)\\, nL_n(w)}`, choosing :math:`β_{s+1}` so that the weights
keep an effective sample size of ``target_ess``·N (Jasra et al. 2011), resamples them and moves
each with ``num_mcmc_steps`` HMC transitions targeting the current tempered posterior (BlackJAX's
``tempered`` SMC kernel and ``hmc`` kernel; Buchholz, Chopin & Jacob 2021). The product of the
stages' mean weights is an unbiased estimate of :math:`Z(β) = \\int φ\\, e^{-β nL_n}`:

.. math::

    \\log \\hat Z(β_S) = \\sum_{s<S} \\log \\frac{1}{N} \\sum_i W_i^{(s)}
    e^{-(β_{s+1}-β_s)\\, nL_n(w_i^{(s)})}.

Unlike PyMC's SMC (an independence / random-walk Metropolis kernel), the HMC moves scale with
the dimension, and the particles split between the modes of a multimodal posterior (a neural
network's permuted and sign-flipped hidden units) in proportion to their mass: nothing here
relies on chains finding every mode. Independent runs ("chains") give the standard error.

Details that keep the number right on users' models:

* the initial particles are ``pm.draw`` prior draws mapped to the unconstrained space; draws that
  a narrowing transform (``ordered``) cannot reach are rejected and the kept fraction multiplies
  Z (the model's ordered prior is not renormalized);
* ``pm.Potential`` terms are part of the prior: a first SMC pass at β = 0 tempers them in
  (from ``pm.draw``'s prior to the model's), and its normalizing constant multiplies Z;
* each rung of a ladder is reached exactly (the adaptive step is clipped at it); its draws are
  the particles resampled to equal weights and moved ``num_mcmc_steps`` more times at that β;
* the HMC mass matrix is the particles' variance and the step size follows the previous stage's
  acceptance rate towards ``target_accept``; ``kernel="nuts"`` moves with NUTS instead.

**Long trajectories.** Each stage moves every particle ``num_mcmc_steps`` = 5 times with
``num_integration_steps`` = 128 leapfrog steps. Short trajectories leave the particles where
resampling put them, and the share of each mode is then frozen too early. On a tanh network
with separated modes the trajectory length, not the number of moves or stages, was what
mattered, and a trajectory length set from the step size did worse than fixed counts (the
early, broad stages then get the shortest trajectories); the measurements are in
docs/benchmarks.md ("hmc_smc_moves.py": log Z per setting against the agreed reference;
``benchmarks/hmc_smc_moves.py``). The default costs about 640 gradient evaluations per particle
and stage. On simple posteriors fewer steps suffice: pass
``sampler=slt.HMCSMC(num_integration_steps=8, num_mcmc_steps=10)``.

JAX runs on the default device: the CPU here, a GPU when JAX sees one, with no code change.

References
----------
Del Moral, P., Doucet, A. & Jasra, A. (2006). Sequential Monte Carlo samplers. JRSS B 68(3),
411–436. doi:10.1111/j.1467-9868.2006.00553.x

Jasra, A., Stephens, D. A., Doucet, A. & Tsagaris, T. (2011). Inference for Lévy-driven
stochastic volatility models via adaptive sequential Monte Carlo. Scandinavian Journal of
Statistics 38(1), 1–22. doi:10.1111/j.1467-9469.2010.00723.x

Buchholz, A., Chopin, N. & Jacob, P. E. (2021). Adaptive tuning of Hamiltonian Monte Carlo
within sequential Monte Carlo. Bayesian Analysis 16(3), 745–771. doi:10.1214/20-BA1222

Cabezas, A. et al. (2024). BlackJAX: composable Bayesian inference in JAX. arXiv:2402.10797
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import pymc as pm
import pytensor.tensor as pt
import xarray as xr

from pymc_slt._progress import track
from pymc_slt.models.prior_draws import draw_prior, prior_log_weights
from pymc_slt.models.tempering import prior_potentials
from pymc_slt.models.transforms import unconstrained_fn
from pymc_slt.sampling.samplers import HMCSMC

__all__ = [
    "HMC_SMC_DEFAULTS",
    "HMCSMCRun",
    "hmc_smc_raws",
    "jax_installed",
    "require_jax",
    "run_hmc_smc",
]

#: Defaults of the move settings for ``sampler="hmc_smc"``: :class:`~pymc_slt.HMCSMC`'s fields.
HMC_SMC_DEFAULTS: dict[str, Any] = HMCSMC().kwargs()
_MIN_KEPT = 1e-3  # smallest share of prior draws inside a narrowing transform we accept
_MAX_STAGES = 10_000


def jax_installed() -> bool:
    """Whether JAX and BlackJAX are installed (without importing them)."""
    return all(importlib.util.find_spec(name) for name in ("jax", "blackjax"))


def require_jax():
    """Import JAX (with 64-bit floats) and BlackJAX, or raise an ``ImportError`` saying how."""
    try:
        import blackjax  # noqa: F401 - checked here, used by the callers
        import jax
    except ImportError as err:  # pragma: no cover - the dev extra installs both
        raise ImportError(
            "sampler='hmc_smc' and minibatch_log_density need JAX and BlackJAX: "
            "pip install 'pymc-slt[jax]'."
        ) from err
    jax.config.update("jax_enable_x64", True)
    return jax


@dataclass
class HMCSMCRun:
    """Result of :func:`run_hmc_smc`: draws per rung and per-run log Z.

    Attributes
    ----------
    betas : ndarray
        The rungs asked for, ascending.
    posterior : list of xarray.Dataset
        Per rung, the draws (chain = independent run, draw = particle) on the constrained scale.
    log_z : ndarray, shape (rung, chain)
        :math:`\\log \\hat Z(β)` of each run at each rung (the model's own prior mass included).
    schedules : list of ndarray
        Each run's adaptive β schedule (the stages), its first entry 0.
    acceptance : list of ndarray
        Each run's mean HMC acceptance rate per stage.
    settings : dict
        The move settings used (``HMCSMC.kwargs()``).
    zero_likelihood : list of int
        Each run's prior particles of zero (or NaN) likelihood: weight 0, resampled away.
    min_ess_share : list of float
        Each run's smallest ESS of a stage's weights over the particles (near 0: degenerate).
    """

    betas: np.ndarray
    posterior: list[xr.Dataset]
    log_z: np.ndarray
    schedules: list[np.ndarray] = field(default_factory=list)
    acceptance: list[np.ndarray] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)
    zero_likelihood: list[int] = field(default_factory=list)
    min_ess_share: list[float] = field(default_factory=list)


def _layout(model: pm.Model) -> list[tuple[str, tuple[int, ...]]]:
    point = model.initial_point()
    return [(v.name, tuple(np.shape(point[v.name]))) for v in model.value_vars]


def _unflatten(theta, layout):
    """Flat parameter vector (D,) → the value variables' arrays, in ``layout`` order."""
    out, start = [], 0
    for _, shape in layout:
        size = int(np.prod(shape, dtype=int))
        out.append(theta[start : start + size].reshape(shape))
        start += size
    return out


def _densities(model: pm.Model, layout) -> tuple[Callable, Callable | None, Callable]:
    """JAX functions of a flat unconstrained vector: log prior (with the Jacobian, without
    potentials), the potentials' sum (``None`` if there are none), the log-likelihood."""
    from pymc.sampling.jax import get_jaxified_graph

    prior = model.logp(vars=model.free_RVs, jacobian=True)
    loglik = model.logp(vars=model.observed_RVs)
    outputs = [prior, loglik]
    potentials = prior_potentials(model)
    if potentials:
        potentials = model.replace_rvs_by_values(potentials)
        outputs.append(pt.add(*(pt.sum(p) for p in potentials)))
    fn = get_jaxified_graph(inputs=model.value_vars, outputs=outputs)

    def pick(k: int) -> Callable:
        return lambda theta: fn(*_unflatten(theta, layout))[k]

    return pick(0), (pick(2) if potentials else None), pick(1)


def _initial_particles(model, forward, n_particles, rng) -> tuple[np.ndarray, float]:
    """Unconstrained prior particles (N, D) inside every transform's image, and log of the
    kept share of ``pm.draw`` draws (0 if all are kept); ``forward`` is the model's
    :func:`~pymc_slt.models.transforms.unconstrained_fn`."""
    kept, tried = [], 0
    while sum(len(k) for k in kept) < n_particles:
        batch = max(n_particles, 1000)
        prior = draw_prior(model, batch, int(rng.integers(2**31)))
        tried += batch
        log_c = prior_log_weights(model, prior)
        arrays = [prior[rv.name].values[0] for rv in model.free_RVs]
        inside = np.ones(batch, bool) if log_c is None else np.isfinite(log_c[0])
        # potentials are tempered in afterwards; only the support is decided here
        kept.append(
            [
                np.concatenate([np.ravel(v) for v in forward(*(a[s] for a in arrays))])
                for s in np.flatnonzero(inside)
            ]
        )
        share = sum(len(k) for k in kept) / tried
        if share < _MIN_KEPT:
            raise ValueError(
                f"only {share:.2%} of the prior draws lie inside the model's transforms "
                "(e.g. 'ordered'); SMC cannot start from so few. Use method='bridge'."
            )
    particles = np.asarray([p for k in kept for p in k][:n_particles])
    return particles, float(np.log(share)) if share < 1 else 0.0


def _finite_ess_gap(delta, log_lik, target_ess):
    """log ESS of the weights :math:`e^{δ\\,\\ell_i}` minus log(``target_ess`` · N₊), over the N₊
    particles with a finite log-likelihood; the others (zero likelihood, or NaN read as zero) get
    weight 0 at every δ > 0. BlackJAX's ``ess_solver`` gives them weight 1 at δ = 0, so when more
    than ``1 − target_ess`` had zero likelihood its root sat at δ = 0⁺ and tempering jumped to
    β = 1 in one stage (issue 26). Here the gap is ``−log target_ess > 0`` at δ = 0, and the
    dropped particles still count in the stage's mean weight, so Z is unchanged.
    """
    import jax.numpy as jnp
    from blackjax.smc.ess import log_ess

    finite = jnp.isfinite(log_lik)
    log_w = jnp.where(finite, delta * jnp.where(finite, log_lik, 0.0), -jnp.inf)
    return log_ess(log_w) - jnp.log(target_ess * jnp.sum(finite))


class _Tempering:
    """One JAX-compiled tempered-SMC pass: log prior + t · log-target, t from 0 to 1."""

    def __init__(self, logprior, logtarget, settings, dim) -> None:
        jax = require_jax()
        import blackjax
        import jax.numpy as jnp
        from blackjax.smc import resampling, solver, tempered

        self.settings = settings
        nuts = settings["kernel"] == "nuts"
        mcmc = blackjax.nuts if nuts else blackjax.hmc
        kernel = tempered.build_kernel(
            logprior, logtarget, mcmc.build_kernel(), mcmc.init, resampling.systematic
        )
        n_steps = int(settings["num_mcmc_steps"])
        jitted = jax.jit(lambda key, state, t, p: kernel(key, state, n_steps, t, p))

        def step(key, state, t, p):  # one signature (no weak types), so one compilation
            strong = jnp.asarray(state.tempering_param, jnp.float64)
            state = state._replace(tempering_param=strong)
            return jitted(key, state, jnp.asarray(t, jnp.float64), p)

        self._step = step
        vmapped = jax.vmap(logtarget)
        target_ess = float(settings["target_ess"])

        def next_delta(x, cap):
            """The increment whose weights keep ``target_ess`` of the particles with a nonzero
            likelihood, and how many have one (see :func:`_finite_ess_gap`)."""
            log_lik = vmapped(x)
            gap = partial(_finite_ess_gap, log_lik=log_lik, target_ess=target_ess)
            finite = jnp.sum(jnp.isfinite(log_lik))
            return jnp.clip(solver.dichotomy(gap, 0.0, cap), 0.0, cap), finite

        self._delta = jax.jit(next_delta)

        n_leapfrog = int(settings["num_integration_steps"])

        def params(particles, weights, step_size):
            mean = jnp.sum(weights[:, None] * particles, axis=0)
            var = jnp.sum(weights[:, None] * (particles - mean) ** 2, axis=0)
            shared = {
                "step_size": jnp.reshape(step_size, (1,)),
                "inverse_mass_matrix": jnp.where(var > 0, var, 1.0)[None, :],
            }
            if nuts:  # NUTS chooses each trajectory's length itself
                return shared
            return {**shared, "num_integration_steps": jnp.full((1,), n_leapfrog)}

        self._params = jax.jit(lambda x, w, eps: params(x, w, jnp.asarray(eps, jnp.float64)))
        self.jax, self.jnp, self.tempered = jax, jnp, tempered
        self._initial_step = 1.0 / dim**0.25
        self.step_size = self._initial_step

    def params(self, particles, weights):
        """HMC settings for the next moves: the particles' variance as inverse mass matrix."""
        return self._params(particles, weights, self.step_size)

    def run(self, key, particles, stops: Sequence[float], on_stop) -> tuple[float, list, list]:
        """Temper t from 0 to ``stops[-1]``, calling ``on_stop(k, draws, log_z)`` at each of
        ``stops`` with equal-weight draws there; returns log Z(t_end), the schedule and the
        acceptance rates."""
        jax, jnp = self.jax, self.jnp
        state = self.tempered.init(jnp.asarray(particles))
        self.step_size = self._initial_step  # each run adapts its own
        log_z, schedule, accept, zero_likelihood, ess_share = 0.0, [0.0], [], [], []
        t, k = 0.0, 0
        for _ in range(_MAX_STAGES):
            if k == len(stops):
                break
            key, k_step, k_stop = jax.random.split(key, 3)
            cap = stops[k] - t
            delta, finite = (float(v) for v in self._delta(state.particles, cap))
            if finite == 0:
                raise FloatingPointError(
                    f"every particle has zero (or NaN) likelihood at t = {t:.3g} (β / β_max): "
                    "the log-likelihood underflows or is undefined where the prior puts its "
                    "mass; check it at prior draws, or write it in a log-CDF form."
                )
            zero_likelihood.append(len(state.particles) - finite)
            if not np.isfinite(delta) or delta <= 0 or cap - delta < 1e-9 * max(cap, 1.0):
                delta = cap  # the whole way to the stop keeps enough weight (or is all left)
            params = self.params(state.particles, state.weights)
            state, info = self._step(k_step, state, t + delta, params)
            t = float(state.tempering_param)
            log_z += float(info.log_likelihood_increment)
            rate = float(jnp.mean(info.update_info.acceptance_rate))
            accept.append(rate)
            w = np.asarray(state.weights)  # normalized: Kish's ESS share is 1 / (N Σw²)
            ess_share.append(float(1.0 / (w.size * np.sum(w**2))))
            schedule.append(t)
            self.step_size *= float(np.exp(2.0 * (rate - self.settings["target_accept"])))
            if t >= stops[k] - 1e-12:
                on_stop(k, self.equal_weight_draws(k_stop, state), log_z)
                k += 1
        self.zero_likelihood, self.min_ess_share = int(zero_likelihood[0]), min(ess_share)
        return log_z, schedule, accept

    def equal_weight_draws(self, key, state):
        """Resample to equal weights and make ``num_mcmc_steps`` HMC moves at the current t:
        the tempered kernel's own step with a zero temperature increment."""
        params = self.params(state.particles, state.weights)
        moved, _ = self._step(key, state, state.tempering_param, params)
        return np.asarray(moved.particles)


def run_hmc_smc(
    model: pm.Model, betas: Sequence[float], spec: HMCSMC, *, seed: int, progressbar: bool
) -> HMCSMCRun:
    """``spec.chains`` independent tempered-SMC runs of ``spec.draws`` particles through every
    β of ``betas`` (ascending, > 0), on the user's ``model`` (untempered; see the module
    docstring), with ``spec``'s move settings."""
    settings, draws, chains = spec.kwargs(), spec.draws, spec.chains
    jax = require_jax()
    betas = np.asarray(betas, dtype=float)
    layout = _layout(model)
    dim = sum(int(np.prod(s, dtype=int)) for _, s in layout)
    logprior, potential, loglik = _densities(model, layout)
    top = float(betas[-1])

    def scaled(theta):  # the path's t ∈ [0, 1] is β / β_max; NaN likelihood read as zero
        value = top * loglik(theta)
        return jax.numpy.where(jax.numpy.isnan(value), -jax.numpy.inf, value)

    main = _Tempering(
        logprior if potential is None else (lambda x: logprior(x) + potential(x)),
        scaled,
        settings,
        dim,
    )
    warm = None if potential is None else _Tempering(logprior, potential, settings, dim)
    constrained = _constrained_fn(model, layout)
    forward = unconstrained_fn(model)  # compiled once, used by every run
    rng = np.random.default_rng(seed)
    log_z = np.empty((len(betas), chains))
    draws_per_rung: list[list[np.ndarray]] = [[] for _ in betas]
    schedules, acceptance, zero_likelihood, min_ess = [], [], [], []
    for c in track(range(chains), total=chains, description="HMC-SMC", enabled=progressbar):
        key = jax.random.key(int(rng.integers(2**31)))
        particles, log_kept = _initial_particles(model, forward, draws, rng)
        log_z0 = log_kept
        if warm is not None:  # β = 0: from pm.draw's prior to the model's (its potentials)
            key, k_warm = jax.random.split(key)
            held = {}

            def keep_warm(k, draws, log_z, held=held):
                held["x"] = draws

            log_pot, _, _ = warm.run(k_warm, particles, [1.0], keep_warm)
            particles, log_z0 = np.asarray(held["x"]), log_z0 + log_pot

        def record(k, draws, lz, c=c, log_z0=log_z0):
            draws_per_rung[k].append(draws)
            log_z[k, c] = log_z0 + lz

        _, schedule, accept = main.run(key, particles, list(betas / top), record)
        schedules.append(np.asarray(schedule) * top)
        acceptance.append(np.asarray(accept))
        zero_likelihood.append(main.zero_likelihood)
        min_ess.append(main.min_ess_share)
    posterior = [constrained(np.stack(rung)) for rung in draws_per_rung]
    return HMCSMCRun(
        betas, posterior, log_z, schedules, acceptance, settings, zero_likelihood, min_ess
    )


def _constrained_fn(model: pm.Model, layout) -> Callable[[np.ndarray], xr.Dataset]:
    """(chain, draw, D) unconstrained draws → a Dataset of the free variables (constrained scale)
    and the deterministics, as PyMC's samplers store them."""
    from pymc.sampling.jax import get_jaxified_graph

    jax = require_jax()
    outputs = model.unobserved_value_vars  # constrained free variables, then deterministics
    fn = get_jaxified_graph(inputs=model.value_vars, outputs=outputs)
    batched = jax.jit(jax.vmap(jax.vmap(lambda theta: fn(*_unflatten(theta, layout)))))

    def convert(theta: np.ndarray) -> xr.Dataset:
        values = batched(theta)
        n_chain, n_draw = theta.shape[:2]
        coords = {"chain": np.arange(n_chain), "draw": np.arange(n_draw)}
        variables = {}
        for out, v in zip(outputs, values, strict=True):
            dims = model.named_vars_to_dims.get(out.name)
            if dims is None:
                dims = tuple(f"{out.name}_dim_{i}" for i in range(v.ndim - 2))
            else:
                coords.update({d: np.asarray(model.coords[d]) for d in dims if model.coords.get(d)})
            variables[out.name] = (("chain", "draw", *dims), np.asarray(v))
        return xr.Dataset(variables, coords=coords)

    return convert


def hmc_smc_raws(
    model: pm.Model, betas: Sequence[float], spec: HMCSMC, *, seed: int, progressbar: bool
) -> list[xr.DataTree]:
    """:func:`run_hmc_smc` as one raw DataTree per rung: ``posterior`` and ``sample_stats``
    (``log_marginal_likelihood``, ``n_stages``, ``mean_acceptance``, ``n_zero_likelihood`` and
    ``min_ess_share`` per chain)."""
    run = run_hmc_smc(model, betas, spec, seed=seed, progressbar=progressbar)
    stats = {
        "n_stages": ("chain", np.array([len(s) - 1 for s in run.schedules])),
        "mean_acceptance": ("chain", np.array([float(np.mean(a)) for a in run.acceptance])),
        "n_zero_likelihood": ("chain", np.asarray(run.zero_likelihood, dtype=int)),
        "min_ess_share": ("chain", np.asarray(run.min_ess_share, dtype=float)),
    }
    raws = []
    for k, posterior in enumerate(run.posterior):
        sample_stats = xr.Dataset({"log_marginal_likelihood": ("chain", run.log_z[k]), **stats})
        raws.append(xr.DataTree.from_dict({"posterior": posterior, "sample_stats": sample_stats}))
    return raws
