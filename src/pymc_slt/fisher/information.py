"""Fisher information of a PyMC model, at a point or over a posterior (spectrum and rank:
:mod:`pymc_slt.fisher.spectrum`).

Two forms of the (empirical) Fisher information matrix are computed, both averages of rank-one
outer products over the n observations :math:`D_n = \\{(x_i, y_i)\\}`:

* ``kind="output"``: :math:`I(w) = \\frac1n \\sum_i J_i(w)^\\top J_i(w)`,
  :math:`J_i = ∂f(x_i, w)/∂w`, with :math:`f` the location parameter of the likelihood (the
  model's "output", e.g. ``mu`` of a Normal); for a unit-variance Gaussian likelihood this is the
  Fisher information itself.
* ``kind="score"``: :math:`\\frac1n \\sum_i s_i s_i^\\top`,
  :math:`s_i = ∇_w \\log p(y_i \\mid x_i, w)`, for any likelihood.

The parameters :math:`w` are the model's free variables **on the constrained scale** (the values
stored in the posterior), flattened in ``model.free_RVs`` order, each in C order; their labels
come from :func:`fisher_parameter_names`. The rank of :math:`I(w)` is the number of directions
in which the model can move its predictions (or its likelihood) at :math:`w`; :math:`d - `
rank directions are flat. A regular model has full rank :math:`d` everywhere; a singular one
(reduced-rank regression, neural networks, products of parameters) loses rank on its
singularities (Watanabe 2009).

Jacobians are forward-mode: one push-forward per free variable, vectorised over its coordinates
by ``vectorize_graph`` (so a variable's tangents never flow through the other variables'
branches), all in one PyTensor function compiled once per call. Draws of a posterior go through
that function one at a time, with BLAS limited to one thread (``threadpoolctl``; multithreaded
BLAS on these small products is slower, badly so on a busy machine), so memory is bounded by one
draw's :math:`K × d` Jacobian (:math:`K` = number of rank-one terms) whatever the number of draws.
A graph vectorised over draws as well measured several times slower: its 4-d transposes cost more
than the per-call overhead they save. The outputs whose Jacobian this is come from
:mod:`pymc_slt.fisher.graph`; where the :math:`K × d` Jacobian would not fit in memory,
:func:`~pymc_slt.fisher.fisher_rank` and :func:`~pymc_slt.fisher.fisher_spectrum` read the
spectrum from products :math:`I v` instead (:mod:`pymc_slt.fisher.matrix_free`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any, Literal

import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt
import xarray as xr
from pytensor.graph.replace import vectorize_graph
from threadpoolctl import threadpool_limits

from pymc_slt._validate import as_pymc_model, observed_array, validate_model
from pymc_slt.base.draws import as_draws, is_draws
from pymc_slt.base.loglik import count_observations
from pymc_slt.fisher.graph import _LOCATIONS, _Compiled, _free_variables, _names, _outputs
from pymc_slt.models.transforms import outside_support

__all__ = ["fisher_information", "fisher_parameter_names", "has_location"]

Kind = Literal["output", "score"]
_KINDS = ("output", "score")
_SAMPLE_DIMS = ("chain", "draw")
#: Dimension names of the matrices and spectra returned for a posterior.
PARAM_DIMS = ("param", "param2")
EIGEN_DIM = "eigen"


def fisher_parameter_names(model: pm.Model) -> list[str]:
    """Labels of the flattened parameter vector w, in the order of the Fisher matrix rows.

    Free variables in ``model.free_RVs`` order, each raveled in C order: ``"sigma"`` for a
    scalar, ``"w[0]"``, ``"A[1,2]"`` for array entries.

    Examples
    --------
    >>> import numpy as np, pymc as pm, pymc_slt as slt
    >>> with pm.Model() as model:
    ...     a = pm.Normal("a")
    ...     w = pm.Normal("w", shape=2)
    ...     y = pm.Normal("y", a + w[0] * w[1], 1, observed=np.zeros(3))
    >>> slt.fisher_parameter_names(model)
    ['a', 'w[0]', 'w[1]']
    """
    model = as_pymc_model(model)
    return _names([(name, shape) for _, name, shape in _free_variables(model)])


def has_location(model: pm.Model) -> bool:
    """Whether ``kind="output"`` applies: every observed variable is a univariate family with
    one location parameter f(x, w) (Normal, StudentT, Cauchy, Laplace, Logistic, LogNormal,
    Bernoulli, Binomial, Poisson). Otherwise (mixtures, multivariate, negative binomial, ...)
    only ``kind="score"`` does."""
    return all(
        rv.owner is not None and any(isinstance(rv.owner.op, k) for k in _LOCATIONS)
        for rv in model.observed_RVs
    )


def _jacobian_t(outputs, param, shape: tuple[int, ...]):
    """Transposed Jacobian ``(param.size, K)`` of ``outputs`` (K,) with respect to ``param``.

    One push-forward (forward mode, through a double pull-back) per coordinate of ``param``,
    vectorised over the identity; other parameters are held fixed, so their (zero) tangents
    are never computed.
    """
    tangent = param.type()
    jvp = pytensor.gradient.pushforward(outputs, param, tangent, disconnected_outputs="ignore")
    size = int(np.prod(shape))
    basis = pt.eye(size, dtype=param.dtype).reshape((size, *shape))
    # a parameter the outputs do not depend on gets zeros that vectorize_graph leaves unbatched
    return pt.broadcast_to(vectorize_graph(jvp, {tangent: basis}), (size, outputs.shape[0]))


def _compile(model: pm.Model, kind: str) -> _Compiled:
    """The dense path: θ ↦ I(θ) through the K × d Jacobian."""
    theta, outputs, params, context = _outputs(model, kind)
    shapes = [shape for _, shape in context.variables]
    jac_t = pt.concatenate(
        [_jacobian_t(outputs, p, shape) for p, shape in zip(params, shapes, strict=True)]
    )
    fn = pytensor.function([theta], jac_t @ jac_t.T / context.n, on_unused_input="ignore")
    fn.trust_input = True
    return replace(context, fn=fn)


def _posterior(point_or_data: Any) -> xr.Dataset | None:
    """The posterior Dataset of a DataTree or Dataset input; None for a point (a mapping)."""
    if is_draws(point_or_data):  # a DataTree, or a legacy InferenceData converted to one
        tree = as_draws(
            point_or_data, "the Fisher information", ("posterior",), name="point_or_data"
        )
        point_or_data = tree["posterior"].to_dataset()
    if isinstance(point_or_data, xr.Dataset):
        missing = [dim for dim in _SAMPLE_DIMS if dim not in point_or_data.dims]
        if missing:
            raise ValueError(
                f"point_or_data (a posterior Dataset) has no {missing} dimension(s); it needs "
                f"dims (chain, draw, ...), got {dict(point_or_data.sizes)}."
            )
        return point_or_data
    if isinstance(point_or_data, Mapping):
        return None
    raise TypeError(
        "point_or_data must be a dict of values by variable name (constrained scale), an "
        "xarray.DataTree with a posterior group, or a posterior xarray.Dataset, got "
        f"{type(point_or_data).__name__}."
    )


def _parameters(values: Mapping, compiled: _Compiled, batch: tuple[int, ...]) -> np.ndarray:
    """Stack the values by name into θ of shape ``batch + (d,)``, validating each."""
    missing = [name for name, _ in compiled.variables if name not in values]
    if missing:
        hints = [
            f"{compiled.value_names[m]!r} (unconstrained) is given: pass {m!r} on the "
            "constrained scale instead"
            for m in missing
            if compiled.value_names[m] in values
        ]
        raise ValueError(
            f"point_or_data has no value for {missing}; it needs every free variable of the model "
            f"on the constrained scale, keyed by name: {[n for n, _ in compiled.variables]}"
            + (f" ({'; '.join(hints)})" if hints else "")
            + "."
        )
    parts = []
    for name, shape in compiled.variables:
        value = values[name]
        if batch:  # a posterior variable: a DataArray with (chain, draw) dims somewhere
            value = value.transpose(*_SAMPLE_DIMS, ...).values
        try:
            value = np.asarray(value, dtype=compiled.dtype)
        except (TypeError, ValueError) as err:
            raise TypeError(
                f"point_or_data[{name!r}] must be numeric, got {type(values[name]).__name__}."
            ) from err
        if value.shape != batch + shape:
            raise ValueError(
                f"point_or_data[{name!r}] has shape {value.shape}, expected {batch + shape} "
                f"(variable {name!r} has shape {shape} in the model"
                + (", after the (chain, draw) dims)" if batch else ")")
                + "."
            )
        if not np.all(np.isfinite(value)):
            raise ValueError(
                f"point_or_data[{name!r}] holds NaN or inf; the Fisher information needs finite "
                "parameter values."
            )
        parts.append(value.reshape((*batch, -1)))
    return np.ascontiguousarray(np.concatenate(parts, axis=-1))


def _check_support(model: pm.Model, point: Mapping[str, Any]) -> None:
    """Refuse unknown names and a point outside the prior's support (σ < 0, weights off the
    simplex): the Jacobian there is of a model that does not exist."""
    free = [rv.name for rv in model.free_RVs]
    unknown = sorted(set(point) - set(free) - set(model.named_vars))
    if unknown:
        raise ValueError(
            f"point_or_data has unknown name(s) {unknown}; the model's free variables are {free}."
        )
    outside = outside_support(model, point)
    if outside:
        raise ValueError(
            f"point_or_data is outside the support of the prior of {outside} (log prior = -inf "
            "there: a negative scale, weights off the simplex, ...); give values the model "
            "allows, e.g. a posterior draw."
        )


def _symmetric(info: np.ndarray) -> np.ndarray:
    """Average with the transpose: exact symmetry, which the matrix product does not promise."""
    return (info + np.swapaxes(info, -1, -2)) / 2


def _points(model: Any, point_or_data: Any, kind: Any, compile: Callable = _compile):
    """Validate the input; ``compile(model, kind)``, θ per point (shape (m, d)), the batch
    shape (``()`` for a point, ``(chain, draw)`` for draws) and the draws' coordinates."""
    validate_model(model)
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {list(_KINDS)}, got {kind!r}.")
    posterior = _posterior(point_or_data)
    compiled = compile(model, kind)
    if posterior is None:
        theta = _parameters(point_or_data, compiled, ())
        _check_support(model, point_or_data)
        return compiled, theta[None], (), None
    batch = (posterior.sizes["chain"], posterior.sizes["draw"])
    thetas = _parameters(posterior, compiled, batch)
    coords = {dim: posterior[dim].values for dim in _SAMPLE_DIMS if dim in posterior.coords}
    return compiled, thetas.reshape(-1, thetas.shape[-1]), batch, coords


def _sizes(model: Any, kind: Any) -> tuple[int, int]:
    """d and K (rank-one terms) of a validated ``model`` and ``kind``, without a graph."""
    validate_model(model)
    if kind not in _KINDS:
        raise ValueError(f"kind must be one of {list(_KINDS)}, got {kind!r}.")
    d = sum(int(np.prod(shape)) for _, _, shape in _free_variables(model))
    shapes = {rv.name: observed_array(model, rv.name).shape for rv in model.observed_RVs}
    if kind == "output":
        return d, sum(int(np.prod(shape)) for shape in shapes.values())
    return d, count_observations(shapes)


def _evaluate(model: Any, point_or_data: Any, kind: Any) -> tuple[np.ndarray, _Compiled, Any]:
    """Fisher matrices, shape (d, d) or (chain, draw, d, d), with their compiled context."""
    compiled, thetas, batch, coords = _points(model, point_or_data, kind)
    out = np.empty((len(thetas), thetas.shape[1], thetas.shape[1]), dtype=compiled.dtype)
    with threadpool_limits(limits=1, user_api="blas"):
        for k, theta in enumerate(thetas):
            out[k] = compiled.fn(theta)
    return _symmetric(out).reshape(batch + out.shape[1:]), compiled, coords


def fisher_information(
    model: pm.Model,
    point_or_data: Mapping[str, Any] | xr.DataTree | xr.Dataset,
    *,
    kind: Kind = "output",
) -> np.ndarray | xr.DataArray:
    """Fisher information matrix of ``model`` at a point or at every draw of a posterior.

    Parameters
    ----------
    model : pymc.Model or bambi.Model
        Any PyMC model with observed data and continuous free variables.
    point_or_data : dict, xarray.DataTree or xarray.Dataset
        A point: values of **all** free variables on the constrained scale, keyed by name (as in
        the posterior; not the ``*_log__`` values of ``model.initial_point()``). Or draws: a
        DataTree with a ``posterior`` group (e.g. from :func:`pymc_slt.sample_tempered`) or that
        group as a Dataset, with dims ``(chain, draw, ...)``; other variables are ignored.
    kind : {"output", "score"}, default "output"
        ``"output"``: :math:`\\frac1n\\sum_i J_i^\\top J_i` with :math:`J_i = ∂f(x_i, w)/∂w` and
        :math:`f` the location parameter of the likelihood (``mu`` of Normal, StudentT,
        Laplace, Logistic, LogNormal, Poisson; ``alpha`` of Cauchy; ``p`` of Bernoulli and
        Binomial, also when given as ``logit_p``, which PyMC turns into ``p``). ``"score"``:
        :math:`\\frac1n\\sum_i s_i s_i^\\top` with :math:`s_i = ∇_w \\log p(y_i \\mid x_i, w)`;
        any likelihood.

    Returns
    -------
    numpy.ndarray or xarray.DataArray
        For a point, the symmetric positive semi-definite matrix, shape ``(d, d)``. For draws, a
        DataArray ``"fisher_information"`` with dims ``(chain, draw, param, param2)``, the
        parameter coordinates being :func:`fisher_parameter_names`, and attrs ``kind`` and ``n``.
        Rows and columns follow :func:`fisher_parameter_names`.

    Raises
    ------
    TypeError
        If ``model`` is not a ``pm.Model`` or ``point_or_data`` is neither a mapping nor
        a DataTree/Dataset, or a value is not numeric.
    ValueError
        If ``kind`` is unknown; the model has no observed data, no free variable, or a discrete
        one; ``kind="output"`` and an observed likelihood has no single location parameter
        (multivariate, CustomDist, Censored, …: use ``kind="score"``); a variable is missing
        from ``point_or_data``, has the wrong shape, or holds NaN/inf; a DataTree has no
        posterior group.

    Notes
    -----
    With :math:`K` rank-one terms (``output``: the :math:`n × N` entries of the location of
    :math:`N` outputs per observation; ``score``: the :math:`n` observations),

    .. math::

        I_{\\mathrm{out}}(w) = \\frac1n \\sum_{i=1}^n J_i(w)^\\top J_i(w),\\quad
        J_i = \\frac{∂ f(x_i, w)}{∂ w} \\in \\mathbb{R}^{N × d},\\qquad
        I_{\\mathrm{score}}(w) = \\frac1n \\sum_{i=1}^n s_i s_i^\\top,\\quad
        s_i = ∇_w \\log p(y_i \\mid x_i, w).

    Observations are the first axis of the observed data; trailing axes (multi-output
    regression) are outputs of one observation, summed in :math:`J_i^\\top J_i` (output form)
    or in :math:`\\log p(y_i \\mid x_i, w)` (score form). Several observed variables with the
    same first axis are joint measurements of the same units; otherwise their observations
    are concatenated (:mod:`pymc_slt.base.loglik`).

    Each :math:`J_i^\\top J_i` (or :math:`s_i s_i^\\top`) is a rank-one (rank ≤ N) positive
    semi-definite outer product, not a correlation matrix: it is not normalized and not
    centred. The average is an uncentred second-moment matrix, positive semi-definite of rank
    at most :math:`\\min(d, K)`. For :math:`y = f(x, w) + ε`, :math:`ε ∼ N(0, 1)` the output form
    is the Fisher information :math:`E[s s^\\top]`, and the score form is its empirical estimate
    from the data, which converges to it at the true parameter as :math:`n → ∞` (at rate
    :math:`n^{-1/2}`). The derivatives are taken with respect to the constrained values
    (``replace_rvs_by_values`` with the free variables as inputs, no transform Jacobian), so the
    matrix does not depend on PyMC's sampling transforms. Only the likelihood enters; the
    prior and ``pm.Potential`` terms do not. A parameter that only sets the noise scale (a free
    ``sigma``) does not move :math:`f`, so it is a flat direction of the output form but not of
    the score form.

    A regular model has :math:`I(w)` positive definite; in a singular model it degenerates
    on the set of singularities, which is where SLT's learning coefficient :math:`λ < d/2`
    comes from (Watanabe 2009; Amari 2016, ch. 12).

    References
    ----------
    Amari, S. (2016). *Information Geometry and Its Applications*. Springer.
    https://doi.org/10.1007/978-4-431-55978-8

    Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge
    University Press. https://doi.org/10.1017/CBO9780511800474

    Examples
    --------
    >>> import numpy as np, pymc as pm, pymc_slt as slt
    >>> x = np.linspace(-1, 1, 50)
    >>> with pm.Model() as model:
    ...     a = pm.Normal("a")
    ...     b = pm.Normal("b")
    ...     y = pm.Normal("y", a * b * x, 1, observed=np.zeros(50))
    >>> info = slt.fisher_information(model, {"a": 0.5, "b": 2.0})
    >>> info.shape, np.allclose(info, np.outer([2.0, 0.5], [2.0, 0.5]) * np.mean(x**2))
    ((2, 2), True)
    """
    info, compiled, coords = _evaluate(as_pymc_model(model), point_or_data, kind)
    if coords is None:
        return info
    names = list(compiled.names)
    return xr.DataArray(
        info,
        dims=(*_SAMPLE_DIMS, *PARAM_DIMS),
        coords={**coords, PARAM_DIMS[0]: names, PARAM_DIMS[1]: names},
        name="fisher_information",
        attrs={"kind": kind, "n": compiled.n},
    )
