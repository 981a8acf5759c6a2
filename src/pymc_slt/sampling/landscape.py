"""The full-data loss :math:`n L_n(θ) = -\\sum_i \\log p(y_i \\mid x_i, w(θ))` of a
:class:`~pymc_slt.sampling.minibatch.MinibatchDensity` in JAX: its value at many θ without the
n × draws matrix, a minimum, and its largest curvature.

What the SGLD estimator of the learning coefficient (:mod:`pymc_slt.learning_coefficient.sgld`)
needs around its point :math:`θ^*`:

* :func:`energy_function` — :math:`n L_n` at a stack of θ, ``jax.vmap`` over θ in chunks whose
  working memory is bounded (:data:`ROWS_PER_CHUNK` observation rows at once), so the pointwise
  values are summed as they are made and never stored;
* :func:`find_minimum` — a minimum of :math:`n L_n` by Adam (optax; Kingma & Ba 2015) on
  minibatches, then full-batch Adam with a decaying rate, from a small jitter of the model's
  initial point;
* :class:`Curvature` — the largest eigenvalue of the Hessian of :math:`β n L_n` at θ by power
  iteration, and its trace by Hutchinson's estimator, on Hessian–vector products (``jax.jvp``
  of ``jax.grad``; no d × d matrix), compiled once and asked at each point where SGLD's step
  size is set and where its bias is estimated;
  :func:`gradient_norm` — the norm of the gradient, to tell a minimum.

References
----------
Hutchinson, M. F. (1990). A stochastic estimator of the trace of the influence matrix for
Laplacian smoothing splines. *Communications in Statistics — Simulation and Computation*
19(2), 433–450.

Kingma, D. P. & Ba, J. (2015). Adam: a method for stochastic optimization. *ICLR 2015*.
https://arxiv.org/abs/1412.6980
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pymc_slt.sampling.hmc_smc import require_jax
from pymc_slt.sampling.minibatch import MinibatchDensity

__all__ = [
    "ROWS_PER_CHUNK",
    "Curvature",
    "Minimum",
    "energy_function",
    "find_minimum",
    "gradient_norm",
]

#: Observation rows evaluated at once by :func:`energy_function` (θ per chunk = this // n, at
#: least 1): about 80 MB of activations per unit of layer width.
ROWS_PER_CHUNK = 100_000


def energy_function(density: MinibatchDensity) -> Callable[[np.ndarray], np.ndarray]:
    """:math:`n L_n(θ_k)` for each row θ_k of a ``(k, d)`` array, in chunks of
    ``max(1, ROWS_PER_CHUNK // n)`` rows (one compilation per chunk size)."""
    jax = require_jax()
    import jax.numpy as jnp

    everyone = jnp.arange(density.n)
    chunk = max(1, ROWS_PER_CHUNK // density.n)
    batched = jax.jit(jax.vmap(lambda theta: -density.loglik(theta, everyone)))

    def energies(thetas: np.ndarray) -> np.ndarray:
        thetas = np.asarray(thetas, dtype=float).reshape(-1, density.d)
        out = np.empty(len(thetas))
        for start in range(0, len(thetas), chunk):
            block = thetas[start : start + chunk]
            padded = np.concatenate([block, np.repeat(block[-1:], chunk - len(block), 0)])
            out[start : start + len(block)] = np.asarray(batched(padded))[: len(block)]
        return out

    return energies


@dataclass(frozen=True)
class Minimum:
    """What :func:`find_minimum` found.

    Attributes
    ----------
    theta : numpy.ndarray
        The point, shape ``(d,)``.
    energy : float
        :math:`n L_n` there.
    steps : int
        Adam steps taken (minibatch and full-batch).
    """

    theta: np.ndarray
    energy: float
    steps: int


def find_minimum(
    density: MinibatchDensity,
    *,
    steps: int,
    batch_size: int,
    seed: int,
    jitter: float = 0.1,
    learning_rate: float = 1e-2,
) -> Minimum:
    """A minimum of :math:`n L_n(θ)` by Adam.

    From the model's initial point plus N(0, ``jitter``²) noise (a point of the model's own
    initial values, zeros for weights, is often a saddle of a network's loss), ``steps`` Adam
    steps on the mean loss over minibatches of ``batch_size`` at ``learning_rate``, then
    ``steps // 4`` full-batch steps whose rate decays from ``learning_rate / 10`` to 1 % of
    that (cosine), to remove the minibatch noise. The prior is left out: :math:`w^*` of the
    local learning coefficient is a minimum of :math:`L_n`.

    Parameters
    ----------
    density : MinibatchDensity
        The model.
    steps, batch_size, seed : int
        Minibatch steps, their batch size (``density.n``: full batch throughout), the seed of
        the jitter and the batches.
    jitter, learning_rate : float
        Standard deviation of the starting jitter; Adam's rate.

    Returns
    -------
    Minimum
    """
    jax = require_jax()
    import jax.numpy as jnp
    import optax

    n = density.n
    everyone = jnp.arange(n)

    def loss(theta, idx):
        return -density.loglik(theta, idx) / idx.shape[0]

    def run(theta, optimizer, num, key, size):
        state = optimizer.init(theta)

        def step(carry, t):
            theta, state = carry
            idx = (
                everyone
                if size == n
                else jax.random.randint(jax.random.fold_in(key, t), (size,), 0, n)
            )
            updates, state = optimizer.update(jax.grad(loss)(theta, idx), state)
            return (optax.apply_updates(theta, updates), state), None

        return jax.lax.scan(step, (theta, state), jnp.arange(num))[0][0]

    start_key, key = jax.random.split(jax.random.key(seed))
    start = jnp.asarray(density.initial_point) + jitter * jax.random.normal(start_key, (density.d,))
    theta = jax.jit(run, static_argnums=(1, 2, 4))(
        start, optax.adam(learning_rate), steps, key, batch_size
    )
    polish = max(1, steps // 4)
    schedule = optax.cosine_decay_schedule(learning_rate / 10, polish, alpha=0.01)
    theta = jax.jit(run, static_argnums=(1, 2, 4))(theta, optax.adam(schedule), polish, key, n)
    theta = np.asarray(theta)
    energy = float(-density.loglik(jnp.asarray(theta), everyone))
    return Minimum(theta, energy, steps + polish)


class Curvature:
    """The Hessian H of :math:`β n L_n` at any point, through Hessian–vector products
    (``jax.jvp`` of ``jax.grad``; no d × d matrix) compiled once for all the points asked
    about: its largest eigenvalue (:meth:`top`) and its trace (:meth:`trace`).

    With a diagonal ``preconditioner`` g (shape ``(d,)``) both are those of
    :math:`\\mathrm{diag}(\\sqrt g)\\, H\\, \\mathrm{diag}(\\sqrt g)`, the curvature a
    preconditioned SGLD step sees.

    Parameters
    ----------
    density : MinibatchDensity
        The model.
    beta : float
        The inverse temperature β.
    """

    def __init__(self, density: MinibatchDensity, beta: float) -> None:
        jax = require_jax()
        import jax.numpy as jnp

        everyone = jnp.arange(density.n)
        grad = jax.grad(lambda t: -beta * density.loglik(t, everyone))
        self._hvp = jax.jit(lambda at, root, v: root * jax.jvp(grad, (at,), (root * v,))[1])
        self._d, self._jax, self._jnp = density.d, jax, jnp

    def _product(self, theta: np.ndarray, preconditioner: np.ndarray | None) -> Callable:
        """:math:`v ↦ \\mathrm{diag}(\\sqrt g) H \\mathrm{diag}(\\sqrt g) v` at θ."""
        jnp = self._jnp
        at = jnp.asarray(theta)
        root = jnp.ones(self._d) if preconditioner is None else jnp.sqrt(preconditioner)
        return lambda v: self._hvp(at, root, v)

    def top(
        self,
        theta: np.ndarray,
        *,
        preconditioner: np.ndarray | None = None,
        iterations: int = 30,
        seed: int = 0,
    ) -> float:
        """:math:`|σ_\\max|` at θ by power iteration. It converges to the eigenvalue of largest
        magnitude (a negative one only at a point far from a minimum); 30 iterations give a few
        per cent, ample for a step size."""
        jnp, product = self._jnp, self._product(theta, preconditioner)
        vector = self._jax.random.normal(self._jax.random.key(seed), (self._d,))
        vector = vector / jnp.linalg.norm(vector)
        value = 0.0
        for _ in range(iterations):
            image = product(vector)
            value = float(jnp.linalg.norm(image))
            if value == 0.0 or not np.isfinite(value):
                break
            vector = image / value
        return value

    def trace(
        self,
        theta: np.ndarray,
        *,
        preconditioner: np.ndarray | None = None,
        probes: int = 8,
        seed: int = 0,
    ) -> float:
        """The trace at θ by Hutchinson's estimator (Hutchinson 1990):
        :math:`\\mathrm{tr}\\,A = E[z^\\top A z]` over Rademacher vectors z, the mean of
        ``probes`` products (variance :math:`2\\sum_{i \\ne j} A_{ij}^2` / ``probes``)."""
        product = self._product(theta, preconditioner)
        shape = (probes, self._d)
        signs = self._jax.random.rademacher(self._jax.random.key(seed), shape, dtype=float)
        return float(np.mean([float(z @ product(z)) for z in signs]))


def gradient_norm(density: MinibatchDensity, theta: np.ndarray, beta: float) -> float:
    """:math:`\\lVert β ∇ n L_n(θ)\\rVert`, on the full data."""
    jax = require_jax()
    import jax.numpy as jnp

    everyone = jnp.arange(density.n)
    grad = jax.grad(lambda t: -beta * density.loglik(t, everyone))
    return float(jnp.linalg.norm(grad(jnp.asarray(theta))))
