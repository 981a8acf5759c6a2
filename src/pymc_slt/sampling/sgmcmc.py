"""Stochastic-gradient Langevin dynamics on a localized, tempered posterior (BlackJAX SGLD).

The local learning coefficient of a network with 10³–10⁵ parameters needs draws from

.. math::

    p_{β,γ}(θ) ∝ \\exp\\Big(β\\, \\sum_{i=1}^n \\log p(y_i \\mid x_i, w(θ)) + \\log φ(w(θ))
    + \\log\\left|\\frac{\\partial w}{\\partial θ}\\right|
    - \\frac{γ}{2}\\lVert θ - θ^*\\rVert^2\\Big)

(Lau et al. 2023, with the prior kept as :func:`pymc_slt.learning_coefficient` keeps it), on the
unconstrained space θ of :func:`~pymc_slt.sampling.minibatch.minibatch_log_density`, where
full-data gradients are too dear. :func:`run_sgld` runs BlackJAX's SGLD kernel (Welling & Teh
2011; ``blackjax.sgld``) with the minibatch estimate of the log density's gradient,

.. math::

    \\hat g(θ) = ∇_θ\\Big[β \\frac{n}{|B|} \\sum_{i \\in B} \\log p(y_i \\mid x_i, w(θ))
    + \\log φ + \\log|∂w/∂θ| - \\frac{γ}{2}\\lVert θ - θ^*\\rVert^2\\Big],

each step's batch B drawn uniformly without replacement, a fixed step size ε
(:math:`θ ← θ + ε\\, \\hat g(θ) + \\sqrt{2ε}\\, ξ`, BlackJAX's convention), chains in
parallel by ``jax.vmap`` and the steps by ``jax.lax.scan``. Every ``thin``-th position after
``burn_in`` steps is kept. Same seed, same draws.

This module samples; it does not choose ε, the number of steps, γ or β, nor judge the run:
the λ estimator built on it does (issue 28).

References
----------
Welling, M. & Teh, Y. W. (2011). Bayesian learning via stochastic gradient Langevin dynamics.
*ICML 2011*, 681–688.

Lau, E., Furman, Z., Wang, G., Murfet, D. & Wei, S. (2025). The local learning coefficient: a
singularity-aware complexity measure. *AISTATS 2025*. https://arxiv.org/abs/2308.12108
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from pymc_slt._validate import validate_beta, validate_positive_int, validate_positive_real
from pymc_slt.sampling.hmc_smc import require_jax
from pymc_slt.sampling.minibatch import MinibatchDensity

__all__ = ["SGLDRun", "run_sgld"]


@dataclass(frozen=True)
class SGLDRun:
    """Positions kept by :func:`run_sgld`.

    Attributes
    ----------
    draws : numpy.ndarray
        Shape ``(chains, kept, d)``: θ every ``thin`` steps after ``burn_in``.
    batch_loglik : numpy.ndarray
        Shape ``(chains, kept)``: :math:`\\frac{n}{|B|}\\sum_{i∈B} \\log p(y_i \\mid x_i, w)` at
        each kept position, on the batch of its step (an unbiased estimate of the full
        log-likelihood; cheap to trace, noisy).
    """

    draws: np.ndarray
    batch_loglik: np.ndarray


def run_sgld(
    density: MinibatchDensity,
    center: np.ndarray,
    *,
    beta: float,
    gamma: float,
    step_size: float,
    num_steps: int,
    batch_size: int,
    seed: int,
    chains: int,
    burn_in: int = 0,
    thin: int = 1,
) -> SGLDRun:
    """SGLD chains on the localized tempered posterior of ``density`` around ``center``.

    Parameters
    ----------
    density : MinibatchDensity
        The model's batch log-likelihood and log prior
        (:func:`~pymc_slt.sampling.minibatch.minibatch_log_density`).
    center : numpy.ndarray
        θ* (shape ``(d,)``, unconstrained): where the chains start and the localization's
        centre.
    beta, gamma : float
        Inverse temperature β > 0 and localization strength γ ≥ 0 (module formula).
    step_size : float
        ε > 0, fixed.
    num_steps, batch_size : int
        Steps per chain (> ``burn_in``) and observations per batch (1 … n).
    seed : int
        Seed of the batches and the noise (``jax.random.key``).
    chains : int
        Parallel chains (no default here: the SGLD sampler value of the λ estimator states it).
    burn_in, thin : int
        Steps discarded first; keep every ``thin``-th position after them.

    Returns
    -------
    SGLDRun
        The kept positions and their batch log-likelihoods.

    Raises
    ------
    TypeError
        ``beta``, ``step_size`` not a number, or a count not an integer.
    ValueError
        A setting out of range, or ``center`` of the wrong shape or not finite.
    """
    beta = validate_beta(beta)
    if isinstance(gamma, bool) or not isinstance(gamma, numbers.Real) or not 0 <= gamma < np.inf:
        raise ValueError(f"gamma must be a finite number >= 0, got {gamma!r}; 0 turns it off.")
    gamma = float(gamma)
    step_size = validate_positive_real(
        step_size, "step_size", what="a number (ε)", hint="try 1e-5 and halve it until λ̂ settles"
    )
    num_steps, chains, thin, batch_size = (
        validate_positive_int(value, name)
        for name, value in (
            ("num_steps", num_steps),
            ("chains", chains),
            ("thin", thin),
            ("batch_size", batch_size),
        )
    )
    burn_in = validate_positive_int(burn_in, "burn_in", minimum=0)
    if batch_size > density.n:
        raise ValueError(f"batch_size must be at most n = {density.n}, got {batch_size}.")
    if burn_in >= num_steps:
        raise ValueError(f"burn_in ({burn_in}) must be less than num_steps ({num_steps}).")
    center = np.asarray(center, dtype=float)
    if center.shape != (density.d,) or not np.all(np.isfinite(center)):
        raise ValueError(
            f"center must be a finite vector of length d = {density.d} (the unconstrained "
            f"parameters, density.ravel(point)), got shape {center.shape}."
        )
    draws, batch_loglik = _sample(
        density, center, beta, gamma, step_size, num_steps, batch_size, seed, chains
    )
    keep = slice(burn_in + thin - 1, num_steps, thin)
    return SGLDRun(np.asarray(draws)[:, keep], np.asarray(batch_loglik)[:, keep])


def _sample(density, center, beta, gamma, step_size, num_steps, batch_size, seed, chains):
    """All ``num_steps`` positions of every chain (chains, steps, d) and their batch
    log-likelihoods, in one jitted scan per chain, vmapped over chains."""
    jax = require_jax()
    import blackjax
    import jax.numpy as jnp

    n, scale = density.n, density.n / batch_size
    theta_star = jnp.asarray(center)

    def log_density(theta, idx):
        local = -0.5 * gamma * jnp.sum((theta - theta_star) ** 2)
        return beta * scale * density.loglik(theta, idx) + density.logprior(theta) + local

    sgld = blackjax.sgld(jax.grad(log_density))

    def step(theta, key):
        batch_key, move_key = jax.random.split(key)
        idx = jax.random.choice(batch_key, n, (batch_size,), replace=False)
        new = sgld.step(move_key, theta, idx, step_size)
        return new, (new, scale * density.loglik(new, idx))

    def chain(key):
        return jax.lax.scan(step, theta_star, jax.random.split(key, num_steps))[1]

    keys = jax.random.split(jax.random.key(seed), chains)
    return jax.jit(jax.vmap(chain))(keys)
