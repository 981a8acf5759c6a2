"""A PyMC model's log-likelihood on a batch of observations, as a JAX function: the brick of
minibatch SGMCMC (SGLD, SGHMC) on networks with 10³–10⁵ parameters.

Stochastic-gradient samplers replace the log posterior of the unconstrained parameters θ by its
unbiased estimate on a batch B of the n observation indices,

.. math::

    \\log \\hat p(θ \\mid D_n) = \\frac{n}{|B|} \\sum_{i \\in B} \\log p(y_i \\mid x_i, w(θ))
    + \\log φ(w(θ)) + \\log\\left|\\frac{\\partial w}{\\partial θ}\\right|,

(the last two terms: the prior on the unconstrained space, the Jacobian of the value transforms
included). :func:`minibatch_log_density` builds both parts from the user's model: the
elementwise log-likelihood ``model.logp(vars=model.observed_RVs, sum=False)``, in which every
data tensor whose first axis is the observation axis (the observed values, and each NumPy
constant or ``pm.Data`` variable of first length n in their graphs: covariates, group indices)
is replaced by its rows at a symbolic index vector, so the graph computes the batch alone; then
``pymc.sampling.jax.get_jaxified_graph``. Observations follow the package's convention
(:mod:`pymc_slt.base.loglik`): the first axis of each observed variable; trailing axes are summed
into one term; several observed variables of one length are joint measurements of the same units
(index i reads row i of each), otherwise separate data sets whose rows are concatenated (n is the
total; each variable is evaluated at its clipped rows and masked, so the batch costs |B| rows of
every variable). The size ``(n, …)`` that PyMC gives an observed variable (and a mixture's
components) becomes ``(|B|, …)``.

A graph that does not split into observations is refused with a ``ValueError`` when the density
is built, before any sampling: a likelihood that is one joint term (an ``MvNormal`` over the
whole data vector, ``pm.AR``), a potential that reads the data, and any graph whose batch terms
differ from the same rows of the full log-likelihood (a covariate reduced over the observation
axis, such as centring by its mean; a latent variable per observation; data with the
observation axis elsewhere than first). That last check evaluates, at a jittered initial point,
one row in two batches with no other row in common and, up to 10,000 observations, a batch
against the same rows of the full log-likelihood.

``pm.Data`` values are read when the density is built (JAX holds them as constants): after
``pm.set_data``, build it again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

import numpy as np
import pymc as pm
import pytensor.tensor as pt
from pytensor.compile.builders import OpFromGraph
from pytensor.graph.traversal import ancestors, apply_ancestors, toposort
from pytensor.tensor.shape import SpecifyShape
from pytensor.tensor.sharedvar import TensorSharedVariable
from pytensor.tensor.variable import TensorConstant

from pymc_slt.base.loglik import count_observations
from pymc_slt.models.tempering import prior_potentials
from pymc_slt.sampling.hmc_smc import _layout, _unflatten, require_jax

__all__ = ["MinibatchDensity", "minibatch_log_density"]

#: Rows besides the shared one in each of the two batches the build-time check evaluates.
_CHECK_ROWS = 5
_CHECK_RTOL = 1e-6
#: Up to this many observations the check also compares a batch with the full log-likelihood.
_FULL_CHECK_ROWS = 10_000


@dataclass(frozen=True)
class MinibatchDensity:
    """The log-likelihood of a batch of observations and the log prior of a PyMC model, as JAX
    functions of the flat unconstrained parameter vector θ (see :func:`minibatch_log_density`).

    Attributes
    ----------
    n : int
        Number of observations (valid indices are ``0 … n-1``).
    d : int
        Dimension of θ: the total size of the value variables (unconstrained space).
    layout : tuple of (str, tuple of int)
        Name and shape of each value variable (``sigma_log__``, …), in θ's order
        (``model.value_vars``).
    initial_point : ndarray, shape (d,)
        The model's initial point, flattened.
    terms : callable
        ``terms(theta, idx) -> (|B|,)``: :math:`\\log p(y_i \\mid x_i, w(θ))` for each
        index ``i`` of the integer vector ``idx`` (summed over trailing axes and over the
        observed variables).
    loglik : callable
        ``loglik(theta, idx) -> scalar``: :math:`\\sum_{i \\in B} \\log p(y_i \\mid x_i, w(θ))`.
    logprior : callable
        ``logprior(theta) -> scalar``: :math:`\\log φ(w(θ)) + \\log|\\partial w/\\partial θ|`
        plus the model's ``pm.Potential`` terms (which may not read the data).

    Notes
    -----
    The functions are jitted JAX functions (``jax.grad`` and ``jax.vmap`` apply, and they
    inline into an outer ``jax.jit``); each new batch size compiles them again, so keep :math:`|B|`
    fixed. An index may repeat (sampling with replacement): its term is counted each time.
    θ is float64 (JAX's 64-bit mode is switched on when the density is built).
    """

    n: int
    d: int
    layout: tuple[tuple[str, tuple[int, ...]], ...]
    initial_point: np.ndarray
    terms: Callable[[Any, Any], Any]
    loglik: Callable[[Any, Any], Any]
    logprior: Callable[[Any], Any]

    def estimate(self, theta: Any, idx: Any, beta: float = 1.0) -> Any:
        """:math:`β \\frac{n}{|B|} \\sum_{i \\in B} \\log p(y_i \\mid x_i, w) + \\log φ` with the
        Jacobian: an unbiased estimate of the (tempered) log posterior at θ when the indices
        ``idx`` are drawn uniformly from ``0 … n-1`` (with or without replacement)."""
        return beta * (self.n / idx.shape[0]) * self.loglik(theta, idx) + self.logprior(theta)

    def ravel(self, point: Mapping[str, Any]) -> np.ndarray:
        """A point given by value-variable name (``model.initial_point()``'s keys) ↦ θ (d,)."""
        return np.concatenate([np.ravel(np.asarray(point[name])) for name, _ in self.layout])

    def unravel(self, theta: Any) -> dict[str, Any]:
        """θ (d,) ↦ the value variables' arrays, by name (inverse of :meth:`ravel`)."""
        return dict(
            zip([name for name, _ in self.layout], _unflatten(theta, self.layout), strict=True)
        )


def _shape(var) -> tuple[int, ...]:
    """Shape of a tensor that depends on data only (constant, shared or a graph of them)."""
    if isinstance(var, TensorSharedVariable):
        return np.shape(var.get_value(borrow=True))
    if isinstance(var, TensorConstant):
        return np.shape(var.data)
    return np.shape(var.eval())


def _length(var) -> int | None:
    """First-axis length of a data tensor, None if it has no axis."""
    shape = _shape(var)
    return int(shape[0]) if shape else None


def _size_value(size) -> list[int]:
    """The entries of a size vector that depends on data only; [] if it cannot be read."""
    try:
        value = np.asarray(size.data if isinstance(size, TensorConstant) else size.eval())
    except Exception:  # a size that depends on parameters is left alone
        return []
    return [int(v) for v in value] if value.ndim == 1 else []


def _data_leaves(graphs) -> list:
    """The constants and shared tensors (not random generators) in the ancestors of ``graphs``."""
    return [
        v
        for v in ancestors(graphs)
        if isinstance(v, TensorConstant | TensorSharedVariable) and v.type.ndim > 0
    ]


def _describe(var) -> str:
    kind = "pm.Data" if isinstance(var, TensorSharedVariable) else "a constant"
    return f"{var.name!r} ({kind} {_shape(var)})" if var.name else f"{kind} of shape {_shape(var)}"


def _rebuild(outputs: list, replace: dict) -> list:
    """``outputs`` with ``replace`` substituted, every node downstream remade so that its type
    (static shapes) is inferred anew; ``graph_replace`` would pin the old shapes instead. A
    ``SpecifyShape`` downstream (an assertion of the full data's shape) is dropped, and an
    ``OpFromGraph`` (``logsumexp``, …) is inlined."""
    memo = dict(replace)
    for node in toposort(outputs):
        inputs = [memo.get(i, i) for i in node.inputs]
        if any(new is not old for new, old in zip(inputs, node.inputs, strict=True)):
            if isinstance(node.op, SpecifyShape):
                memo[node.outputs[0]] = inputs[0]
                continue
            if isinstance(node.op, OpFromGraph):  # inlined: its inner types are the old ones
                inner = dict(zip(node.op.inner_inputs, inputs, strict=True))
                remade_outputs = _rebuild(node.op.inner_outputs, inner)
            else:
                remade_outputs = node.op.make_node(*inputs).outputs
            memo.update(zip(node.outputs, remade_outputs, strict=True))
    return [memo.get(o, o) for o in outputs]


def _observation_lengths(model: pm.Model) -> tuple[list[int], int]:
    """The first-axis length of each observed variable (1 for a 0-d one), and n
    (:func:`~pymc_slt.base.loglik.count_observations`: their common length, else their sum)."""
    if not model.observed_RVs:
        raise ValueError(
            "the model has no observed variable, so it has no observations to split into batches; "
            "pass observed= data to its likelihood."
        )
    lengths = [_length(model.rvs_to_values[rv]) or 1 for rv in model.observed_RVs]
    n = count_observations(
        {rv.name: (k,) for rv, k in zip(model.observed_RVs, lengths, strict=True)}
    )
    if n < 2:
        raise ValueError(
            f"the observed data has {n} observation along its first axis: nothing to split into "
            "batches (observations are the first axis of each observed variable)."
        )
    return lengths, n


def _rows_of(rv, term, length: int, rows) -> tuple[Any, list]:
    """The terms of one observed variable at ``rows`` (summed over trailing axes), and the data
    indexed: every constant or shared tensor of first length ``length`` in ``term``."""
    data = [v for v in _data_leaves([term]) if _length(v) == length]
    replace = {v: v[rows] for v in data}
    # the size (n, ...) of the variable or of a mixture's components broadcasts the terms to
    # n rows, as itself or as a constant copy made by the logp rewrites: make it (|B|, ...)
    sizes = [
        node.op.size_param(node) for node in apply_ancestors([rv]) if hasattr(node.op, "size_param")
    ]
    sizes = [s for s in sizes if getattr(getattr(s, "type", None), "ndim", None) == 1]
    shapes = {tuple(_size_value(s)) for s in sizes if _size_value(s)[:1] == [length]}
    for var in ancestors([term]):
        is_size = any(var is s for s in sizes) or (
            isinstance(var, TensorConstant) and tuple(_size_value(var)) in shapes
        )
        if is_size and var.type.ndim == 1 and var.type.dtype.startswith("int"):
            replace[var] = pt.join(0, rows.shape[:1], var[1:]).astype(var.dtype)
    (out,) = _rebuild([term], replace)
    return (out.sum(axis=tuple(range(1, out.type.ndim))) if out.type.ndim > 1 else out), data


def _batch_terms(model: pm.Model, lengths: list[int], idx) -> tuple[Any, list]:
    """The batch graph: per-row log-likelihood (|B|,) at indices ``idx``; and the data indexed.

    Observed variables of one length are joint measurements: row i of each, terms added.
    Otherwise their rows are concatenated (n = Σ lengths): index i reads the variable whose
    rows span i, and every variable is evaluated at its clipped rows and masked.
    """
    terms = model.logp(vars=model.observed_RVs, sum=False)
    for rv, term, length in zip(model.observed_RVs, terms, lengths, strict=True):
        if term.type.ndim == 0 and model.rvs_to_values[rv].type.ndim > 0:
            raise ValueError(
                f"the log-likelihood of {rv.name!r} is one joint term over its {length} values "
                "(e.g. an MvNormal over the whole data vector, pm.AR, pm.GaussianRandomWalk, "
                "pm.gp.Marginal): its observations are not conditionally independent, so a batch "
                "of them has no log-likelihood of its own. Minibatch sampling needs one term per "
                "observation; use full-batch sampling (slt.sample_tempered) for this model."
            )
    joint = len(set(lengths)) == 1
    per_row, data, start = [], [], 0
    for rv, term, length in zip(model.observed_RVs, terms, lengths, strict=True):
        rows = idx if joint else pt.clip(idx - start, 0, length - 1)
        out, found = _rows_of(rv, term, length, rows)
        if not joint:
            out = pt.where((idx >= start) & (idx < start + length), out, 0.0)
        per_row.append(out)
        data += found
        start += length
    return (pt.add(*per_row) if len(per_row) > 1 else per_row[0]), data


def _check_potentials(model: pm.Model, lengths: list[int]) -> list:
    """The prior's potentials; ValueError if one reads observation-axis data."""
    potentials = prior_potentials(model)
    observed = {model.rvs_to_values[rv] for rv in model.observed_RVs}
    for pot in potentials:
        leaves = set(ancestors([pot]))
        if leaves & (set(model.observed_RVs) | observed) or any(
            _length(v) in lengths for v in _data_leaves([pot])
        ):
            raise ValueError(
                f"the potential {pot.name!r} reads the observed data: a likelihood written as "
                "pm.Potential cannot be split into observations. Write it as an observed "
                "variable (pm.CustomDist(..., logp=..., observed=y)) with one term per row."
            )
    return potentials


def _batch_problem(density: MinibatchDensity) -> str | None:
    """What is wrong with the batch terms at a jittered initial point, or None.

    One row is evaluated in two batches with no other row in common (its term may not depend
    on the rest of the batch), and, up to ``_FULL_CHECK_ROWS`` observations, a batch is compared
    with the same rows of the full terms.
    """
    rng = np.random.default_rng(0)
    theta = density.initial_point + 0.5 * rng.normal(size=density.d)
    n = density.n
    perm = rng.permutation(n)
    k = min(_CHECK_ROWS, (n - 1) // 2)
    one, two = perm[: k + 1], np.concatenate([perm[:1], perm[k + 1 : 2 * k + 1]])
    try:
        first, second = (np.asarray(density.terms(theta, b)) for b in (one, two))
        full = np.asarray(density.terms(theta, np.arange(n))) if n <= _FULL_CHECK_ROWS else None
    except Exception as err:  # any failure means the graph does not split
        return f"evaluating it on a batch failed ({type(err).__name__}: {err})"
    close = partial(np.allclose, rtol=_CHECK_RTOL, atol=1e-10, equal_nan=True)
    if first.shape != one.shape or second.shape != two.shape:
        return f"a batch of {one.size} rows gave terms of shape {first.shape}"
    if not close(first[0], second[0]):
        return "the term of one row changes with the other rows of its batch"
    if full is not None and full.shape != (n,):
        return f"its full log-likelihood has shape {full.shape}, not ({n},)"
    if full is not None and not close(first, full[one]):
        return "the terms of a batch differ from the same rows of the full log-likelihood"
    return None


def _check_batch(density: MinibatchDensity, data: list, names: list[str]) -> None:
    """Raise a ValueError naming the problem and the remedy if the graph does not split."""
    problem = _batch_problem(density)
    if problem is None:
        return
    described = ", ".join(_describe(v) for v in data) or "none"
    raise ValueError(
        f"the log-likelihood of {names} does not split into observations: {problem}. "
        f"The data indexed by observation (first axis of length {density.n}): {described}. "
        "Each term log p(y_i | x_i, w) may read row i of the data only: a covariate reduced "
        "over the observation axis (centred or scaled by its mean, a sum over rows), a latent "
        "variable per observation, or data whose observation axis is not the first cannot be "
        "batched. Compute such statistics in NumPy before building the model, put observations "
        "first, or use full-batch sampling (slt.sample_tempered)."
    )


def minibatch_log_density(model: pm.Model, *, check: bool = True) -> MinibatchDensity:
    """The batch log-likelihood and the log prior of ``model`` as JAX functions of θ.

    For a batch of observation indices :math:`B` and the flat unconstrained parameters θ
    (:math:`w = w(θ)` through the value transforms),

    .. math::

        \\mathrm{loglik}(θ, B) = \\sum_{i \\in B} \\log p(y_i \\mid x_i, w), \\qquad
        \\mathrm{logprior}(θ) = \\log φ(w) + \\log\\left|\\frac{\\partial w}{\\partial θ}\\right|,

    so that :math:`\\frac{n}{|B|}\\,\\mathrm{loglik}(θ, B) + \\mathrm{logprior}(θ)` is an unbiased
    estimate of the log posterior density of θ (:meth:`MinibatchDensity.estimate`). The graph
    computes the rows of ``B`` only: the observed values and every NumPy constant or ``pm.Data``
    whose first axis has length n are indexed by ``B`` (see the module docstring).

    Parameters
    ----------
    model : pymc.Model
        The user's model. Observations are the first axis of each observed variable (see
        :mod:`pymc_slt.base.loglik` for several observed variables).
    check : bool, default True
        At a jittered initial point, evaluate one row in two batches with no other row in
        common, and (up to 10,000 observations) a batch against the same rows of the full
        log-likelihood; raise if they differ (a graph that does not split). Costs two small
        batches, plus one full evaluation when n is at most 10,000.

    Returns
    -------
    MinibatchDensity
        ``n``, ``d``, the layout of θ, the initial point, ``terms``, ``loglik``, ``logprior``.

    Raises
    ------
    ValueError
        If the likelihood does not split into observations: no observed variable or n < 2,
        one joint term over all the data (``MvNormal`` over the data vector), a potential
        reading the data, or batch terms that differ from the full log-likelihood's rows (a
        covariate reduced over observations, a per-observation latent).
    ImportError
        If JAX is not installed.
    """
    from pymc.sampling.jax import get_jaxified_graph

    jax = require_jax()
    lengths, n = _observation_lengths(model)
    potentials = _check_potentials(model, lengths)
    layout = tuple(_layout(model))
    idx = pt.vector("idx", dtype="int64")
    per_row, data = _batch_terms(model, lengths, idx)
    terms_fn = get_jaxified_graph(inputs=[*model.value_vars, idx], outputs=[per_row])
    prior = model.logp(vars=model.free_RVs, jacobian=True)
    if potentials:
        prior = prior + pt.add(*(pt.sum(p) for p in model.replace_rvs_by_values(potentials)))
    prior_fn = get_jaxified_graph(inputs=model.value_vars, outputs=[prior])

    def terms(theta, idx):
        return terms_fn(*_unflatten(theta, layout), idx)[0]

    def loglik(theta, idx):
        return terms(theta, idx).sum()

    def logprior(theta):
        return prior_fn(*_unflatten(theta, layout))[0]

    point = model.initial_point()
    density = MinibatchDensity(
        n=n,
        d=int(sum(np.prod(shape, dtype=int) for _, shape in layout)),
        layout=layout,
        initial_point=np.concatenate([np.ravel(point[name]) for name, _ in layout]).astype(float),
        terms=jax.jit(terms),
        loglik=jax.jit(loglik),
        logprior=jax.jit(logprior),
    )
    if check:
        _check_batch(density, data, [rv.name for rv in model.observed_RVs])
    return density
