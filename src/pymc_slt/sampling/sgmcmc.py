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

each step's batch B drawn uniformly with replacement (``jax.random.randint``: a draw without
replacement permutes all n indices, which cost more than the gradient itself at n = 10⁴; a batch
of n is the whole data), a fixed step size ε
(:math:`θ ← θ + ε\\, \\hat g(θ) + \\sqrt{2ε}\\, ξ`, BlackJAX's convention), chains in
parallel by ``jax.vmap`` (:class:`SGLDChains`). Every ``thin``-th position after ``burn_in``
steps is kept, and only those are stored. Same seed, same draws.

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
from typing import Any

import numpy as np

from pymc_slt._validate import validate_beta, validate_positive_int, validate_positive_real
from pymc_slt.sampling.hmc_smc import require_jax
from pymc_slt.sampling.minibatch import MinibatchDensity

__all__ = ["MOMENT_BATCHES", "SGLDChains", "SGLDRun", "run_sgld"]

#: Minibatches over which :meth:`SGLDChains.gradient_moments` averages by default.
MOMENT_BATCHES = 16


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
    if num_steps - burn_in < thin:
        raise ValueError(
            f"num_steps - burn_in ({num_steps - burn_in}) must be at least thin ({thin}), "
            "or no position is kept."
        )
    center = np.asarray(center, dtype=float)
    if center.shape != (density.d,) or not np.all(np.isfinite(center)):
        raise ValueError(
            f"center must be a finite vector of length d = {density.d} (the unconstrained "
            f"parameters, density.ravel(point)), got shape {center.shape}."
        )
    sampler = SGLDChains(density, center, beta, gamma, batch_size)
    keys = sampler.keys(seed, chains)
    eps = np.full(chains, step_size)
    positions = np.broadcast_to(center, (chains, density.d))
    if burn_in:
        positions = sampler.advance(positions, keys, eps, 0, 1, burn_in)[0]
    _, draws, batch_loglik = sampler.advance(
        positions, keys, eps, burn_in, (num_steps - burn_in) // thin, thin
    )
    return SGLDRun(draws, batch_loglik)


class SGLDChains:
    """SGLD chains that can be advanced in rounds: the jitted kernel of :func:`run_sgld` and of
    the SGLD λ estimator (:mod:`pymc_slt.learning_coefficient.sgld`).

    The target (module formula) is fixed when the value is built; :meth:`advance` moves
    positions by ``kept × thin`` steps, keeping every ``thin``-th, with one step size per
    chain. Step ``t`` of chain ``c`` draws its batch and noise from
    ``fold_in(key_c, t)``, so a run split into rounds gives the draws of one long run. Only
    the kept positions are stored (an outer ``lax.scan`` over them, an inner ``fori_loop``
    over the ``thin`` steps between them): memory is ``chains × kept × d``, whatever the
    number of steps.

    Parameters
    ----------
    density : MinibatchDensity
        The model's batch log-likelihood and log prior.
    center : numpy.ndarray
        θ*, the localization's centre (shape ``(d,)``).
    beta, gamma : float
        Inverse temperature and localization strength (validated by the caller).
    batch_size : int
        Observations per step, drawn uniformly with replacement (all n, each once, when it
        equals n: full-batch Langevin).
    """

    def __init__(
        self,
        density: MinibatchDensity,
        center: np.ndarray,
        beta: float,
        gamma: float,
        batch_size: int,
    ) -> None:
        jax = require_jax()
        import blackjax
        import jax.numpy as jnp

        n, scale = density.n, density.n / batch_size
        theta_star = jnp.asarray(center)

        def log_density(theta, idx):
            local = -0.5 * gamma * jnp.sum((theta - theta_star) ** 2)
            return beta * scale * density.loglik(theta, idx) + density.logprior(theta) + local

        grad = jax.grad(log_density)

        def scaled_grad(theta_scaled, batch):
            """The gradient in θ' = θ / √g, where a constant diagonal preconditioner g is
            plain SGLD: θ ← θ + ε g ∇log p + √(2εg) ξ."""
            idx, root = batch
            return root * grad(root * theta_scaled, idx)

        sgld = blackjax.sgld(scaled_grad)

        def draw_batch(key):
            if batch_size == n:  # full batch: exact gradients
                return jnp.arange(n)
            return jax.random.randint(key, (batch_size,), 0, n)

        def one_step(t, theta, key, eps, root):
            batch_key, move_key = jax.random.split(jax.random.fold_in(key, t))
            idx = draw_batch(batch_key)
            return root * sgld.step(move_key, theta / root, (idx, root), eps), idx

        def chain(theta, key, eps, root, first, kept, thin):
            def block(carry, j):
                start = first + j * thin

                def inner(i, th):
                    return one_step(start + i, th, key, eps, root)[0]

                theta = jax.lax.fori_loop(0, thin - 1, inner, carry)
                theta, idx = one_step(start + thin - 1, theta, key, eps, root)
                return theta, (theta, scale * density.loglik(theta, idx))

            return jax.lax.scan(block, theta, jnp.arange(kept))

        def moments(theta, key, batches):
            keys = jax.random.split(key, batches)
            grads = jax.vmap(lambda k: grad(theta, draw_batch(k)))(keys)
            return jnp.mean(grads, axis=0), jnp.mean(grads**2, axis=0)

        # only `kept` (the scan's length) is static: one compilation per number kept, whatever
        # the thinning (it changes every round)
        self._advance = jax.jit(
            jax.vmap(chain, in_axes=(0, 0, 0, 0, None, None, None)), static_argnums=5
        )
        self._moments = jax.jit(jax.vmap(moments, in_axes=(0, 0, None)), static_argnums=2)
        self._jnp = jnp
        self._jax = jax

    def keys(self, seed: int, chains: int) -> Any:
        """One key per chain from ``seed``."""
        return self._jax.random.split(self._jax.random.key(seed), chains)

    def advance(
        self,
        positions: Any,
        keys: Any,
        step_sizes: np.ndarray,
        first: int,
        kept: int,
        thin: int,
        preconditioner: np.ndarray | None = None,
    ) -> tuple[Any, np.ndarray, np.ndarray]:
        """Move every chain by ``kept × thin`` steps, numbered from ``first``.

        ``preconditioner`` (chains, d), if given, is a constant diagonal g per chain:
        θ ← θ + ε g ⊙ ĝ(θ) + √(2ε g) ⊙ ξ, which is BlackJAX's SGLD in θ / √g (a constant
        mass matrix: the target is unchanged).

        Returns the final positions (chains, d), the kept positions (chains, kept, d) and
        their batch log-likelihoods (chains, kept), as NumPy arrays (the positions as a JAX
        array, to continue from).
        """
        eps = self._jnp.asarray(step_sizes, dtype=float)
        shape = (len(eps), np.shape(positions)[-1])
        root = self._jnp.sqrt(
            self._jnp.ones(shape) if preconditioner is None else self._jnp.asarray(preconditioner)
        )
        final, (draws, batch_loglik) = self._advance(positions, keys, eps, root, first, kept, thin)
        return final, np.asarray(draws), np.asarray(batch_loglik)

    def gradient_moments(
        self, positions: Any, seed: int, batches: int = MOMENT_BATCHES
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per chain, the mean over ``batches`` minibatches of the minibatch gradient of the log
        target at its position and of its square, each (chains, d). The second is RMSProp's
        second moment V (Tieleman & Hinton 2012), from which pSGLD's preconditioner 1/√V is
        built (Li et al. 2016); the two give the variance of the minibatch noise."""
        keys = self._jax.random.split(self._jax.random.key(seed), np.shape(positions)[0])
        mean, square = self._moments(self._jnp.asarray(positions), keys, batches)
        return np.asarray(mean), np.asarray(square)
