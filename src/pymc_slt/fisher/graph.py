"""The graph the Fisher information differentiates: θ and the model's K outputs o(θ).

:func:`_outputs` turns a PyMC model into a flat parameter vector θ (the free variables on the
constrained scale, in ``model.free_RVs`` order, each in C order) and the K outputs whose
Jacobian J gives :math:`I = J^\\top J / n`: the location of each observed value
(``kind="output"``) or each observation's log-likelihood (``kind="score"``). The dense path
(:mod:`pymc_slt.fisher.information`) forms J; the matrix-free one
(:mod:`pymc_slt.fisher.matrix_free`) only multiplies by it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt
from pymc.logprob.utils import replace_rvs_by_values
from pymc.pytensorf import replace_vars_in_graphs
from pytensor.graph.traversal import ancestors
from pytensor.tensor.random import basic as rv_ops

from pymc_slt._validate import observed_array
from pymc_slt.base.loglik import count_observations

#: Observed families whose location f(x, w) ``kind="output"`` differentiates: the index of the
#: location among the distribution parameters (mu; alpha of Cauchy; p of Bernoulli/Binomial).
_LOCATIONS: dict[type, int] = {
    rv_ops.NormalRV: 0,
    rv_ops.StudentTRV: 1,
    rv_ops.CauchyRV: 0,
    rv_ops.LaplaceRV: 0,
    rv_ops.LogisticRV: 0,
    rv_ops.LogNormalRV: 0,
    rv_ops.BernoulliRV: 0,
    rv_ops.BinomialRV: 1,
    rv_ops.PoissonRV: 0,
}
_SUPPORTED = "Normal, StudentT, Cauchy, Laplace, Logistic, LogNormal, Bernoulli, Binomial, Poisson"


@dataclass(frozen=True, slots=True)
class _Compiled:
    """The compiled map of one model and kind, θ ↦ I(θ) (dense) or θ, V ↦ V I(θ) (matrix-free),
    with what is needed to label it."""

    fn: Callable[..., np.ndarray] | None
    variables: tuple[tuple[str, tuple[int, ...]], ...]
    value_names: dict[str, str]
    names: tuple[str, ...]
    n_terms: int
    n: int
    dtype: np.dtype


def _free_variables(model: pm.Model) -> list[tuple[Any, str, tuple[int, ...]]]:
    if not model.free_RVs:
        raise ValueError(
            "model has no free variables, so there is no parameter w to differentiate; add a "
            "prior, e.g. w = pm.Normal('w', 0, 1)."
        )
    shapes = model.eval_rv_shapes()
    out = []
    for rv in model.free_RVs:
        if not rv.dtype.startswith("float"):
            raise ValueError(
                f"free variable {rv.name!r} of model is discrete ({rv.dtype}); the Fisher "
                "information needs continuous parameters. Marginalize it out first (e.g. "
                "pymc_extras.marginalize) or fix it as data."
            )
        out.append((rv, rv.name, tuple(int(s) for s in shapes[rv.name])))
    return out


def _names(variables) -> list[str]:
    names = []
    for name, shape in variables:
        if not shape:
            names.append(name)
            continue
        names.extend(f"{name}[{','.join(map(str, idx))}]" for idx in np.ndindex(*shape))
    return names


def _location(rv) -> Any:
    """The location parameter f of observed ``rv`` (a graph of the free RVs), or a clear error."""
    op = rv.owner.op if rv.owner is not None else None
    found = next((v for k, v in _LOCATIONS.items() if isinstance(op, k)), None)
    if found is None:
        family = getattr(op, "name", None) or type(op).__name__
        raise ValueError(
            f"kind='output' needs the location f(x, w) of observed variable {rv.name!r}, but its "
            f"likelihood ({family}) is not a univariate family with one location parameter "
            f"({_SUPPORTED}); use kind='score', which works for any likelihood."
        )
    return op.dist_params(rv.owner)[found]


def _per_observation(logp, length: int, name: str = "y"):
    """Pointwise log-likelihood with trailing axes summed: shape (length,).

    A scalar log-likelihood over ``length`` > 1 values (``pm.AR``, ``pm.gp.Marginal``, an
    MvNormal over all the data) is one joint term, whose single score spans at most one
    direction: the score form's rank would be 1 whatever the model, so it is refused.
    """
    if logp.ndim == 0 and length > 1:
        raise ValueError(
            f"the likelihood of {name!r} is one joint term over its {length} values (e.g. "
            "pm.AR, pm.GaussianRandomWalk, pm.gp.Marginal, an MvNormal over all the data), so "
            "the score form (1/n) Σ s_i s_iᵀ has one term and rank at most 1 whatever the model. "
            "Use kind='output' where the likelihood has a location parameter, or judge the "
            "rank by slt.learning_coefficient."
        )
    if logp.ndim == 0:
        return logp[None]
    return logp.reshape((length, -1)).sum(axis=1) if logp.ndim > 1 else logp


def _observed_logps(model: pm.Model) -> list:
    """Each observed variable's pointwise log-likelihood as a graph of the free RVs, by
    ``model.logp`` (PyMC's rewrites): ``pm.logp`` on the bare RV gave an all-zero score for
    ``pm.Censored`` and an all-NaN one for ``pm.Truncated`` at an infinite bound. Value variables
    are put back as their RVs (through the forward transform), so the graph differentiates in
    the constrained parameters once the RVs are replaced by θ."""
    values = {}
    for rv in model.free_RVs:
        transform = model.rvs_to_transforms.get(rv)
        value = model.rvs_to_values[rv]
        forward = rv if transform is None else transform.forward(rv, *rv.owner.inputs)
        values[value] = forward.astype(value.dtype)
    logps = model.logp(vars=model.observed_RVs, jacobian=False, sum=False)
    return replace_vars_in_graphs(logps, values)


def _outputs(model: pm.Model, kind: str) -> tuple[Any, Any, list, _Compiled]:
    """θ (d,), the K outputs o(θ) whose Jacobian J gives I = JᵀJ/n (the locations of the output
    form, the pointwise log-likelihoods of the score form), each free variable's slice of θ, and
    the context of :class:`_Compiled` (``fn`` None): the graph both paths differentiate."""
    free = _free_variables(model)
    variables = tuple((name, shape) for _, name, shape in free)
    d = sum(int(np.prod(shape)) for _, shape in variables)
    theta = pt.vector("theta", shape=(d,), dtype=pytensor.config.floatX)
    replacements, start = {}, 0
    for rv, _, shape in free:
        size = int(np.prod(shape))
        replacements[rv] = theta[start : start + size].reshape(shape).astype(rv.dtype)
        start += size
    data_shapes = {rv.name: observed_array(model, rv.name).shape for rv in model.observed_RVs}
    n = count_observations(data_shapes)
    if kind == "output":
        terms = [
            pt.broadcast_to(_location(rv), data_shapes[rv.name]).ravel()
            for rv in model.observed_RVs
        ]
        n_terms = sum(int(np.prod(shape)) for shape in data_shapes.values())
    else:
        lengths = [shape[0] if shape else 1 for shape in data_shapes.values()]
        terms = [
            _per_observation(logp, length, rv.name)
            for rv, logp, length in zip(
                model.observed_RVs, _observed_logps(model), lengths, strict=True
            )
        ]
        if len(set(lengths)) == 1:  # joint measurements of the same n units
            terms = [sum(terms[1:], terms[0])]
        n_terms = n
    outputs = pt.concatenate(terms) if len(terms) > 1 else terms[0]
    params = [replacements[rv] for rv, _, _ in free]
    replacements.update({rv: model.rvs_to_values[rv] for rv in model.observed_RVs})
    (outputs,) = replace_rvs_by_values([outputs.astype(theta.dtype)], rvs_to_values=replacements)
    if theta not in set(ancestors([outputs])):
        kinds = sorted({type(rv.owner.op).__name__.removesuffix("RV") for rv in model.observed_RVs})
        raise ValueError(
            f"the {kind} form of the Fisher information could not be derived for this model's "
            f"likelihood ({', '.join(kinds)}): its graph does not reach the free variables, so "
            "the matrix would be 0. Judge the model's effective dimension "
            "by slt.learning_coefficient instead (2λ̂ ≤ rank for a minimally singular model)."
        )
    context = _Compiled(
        fn=None,
        variables=variables,
        value_names={rv.name: model.rvs_to_values[rv].name for rv, _, _ in free},
        names=tuple(_names(variables)),
        n_terms=n_terms,
        n=n,
        dtype=np.dtype(theta.dtype),
    )
    return theta, outputs, params, context
