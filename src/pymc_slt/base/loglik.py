"""Pointwise log-likelihoods, the number of observations n and n L_n(w), from DataTrees.

Convention (used everywhere in pymc-slt): observations are indexed by the **first axis** of each
observed variable; trailing axes (the outputs of a multi-output regression, say) are summed into one
term ``log p(y_i | x_i, w)``. If several observed variables share the length of that first axis,
they are joint measurements of the same n units and their terms are added; otherwise they are
separate data sets and their terms are concatenated (n is then the total). A 0-d observed variable
counts as one observation.

A likelihood that is one joint term over all its values (``pm.AR``, ``pm.GaussianRandomWalk``,
``pm.gp.Marginal``, an ``MvNormal`` over the whole data vector) has no terms per observation:
its log-likelihood group holds one number per draw. Quantities that need conditionally
independent observations (WAIC, LOO, ν̂, V_n) call :func:`require_pointwise`, which raises for
such a model; log Z, WBIC (with n the length of the data) and λ̂ need only the sum and stay
valid.

A run that needs only n L_n (the local λ̂'s NUTS runs) keeps a ``log_likelihood_sum`` group
instead: one :math:`\\sum_i \\log p(y_i \\mid x_i, w)` per draw and observed variable
(:func:`pymc_slt.sampling.loglik.summed_log_likelihood`). :func:`energy` reads either group;
the pointwise functions need the ``log_likelihood`` group and say so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import xarray as xr

from pymc_slt.base.draws import SUM_GROUP, as_draws

__all__ = [
    "OBS_DIM",
    "SUM_GROUP",
    "count_observations",
    "energy",
    "joint_terms",
    "log_likelihood_group",
    "pointwise_log_likelihood",
    "require_pointwise",
]

#: Name of the observation dimension of :func:`pointwise_log_likelihood`.
OBS_DIM = "obs_id"
_SAMPLE_DIMS = ("chain", "draw")


def count_observations(shapes: Mapping[str, tuple[int, ...]]) -> int:
    """Number of observations n from the shapes of the observed variables (module convention)."""
    lengths = [shape[0] if len(shape) else 1 for shape in shapes.values()]
    if not lengths:
        raise ValueError("there is no observed variable, so n is undefined.")
    return lengths[0] if len(set(lengths)) == 1 else int(sum(lengths))


def log_likelihood_group(
    data: xr.DataTree | xr.Dataset, what: str = "the pointwise log-likelihood"
) -> xr.Dataset:
    """The ``log_likelihood`` group of ``data`` (draws as :func:`~pymc_slt.base.draws.as_draws`
    takes them, or that group as a Dataset) as a Dataset; ``what`` needs it (for the error)."""
    if isinstance(data, xr.Dataset):
        return data
    return as_draws(data, what, ("log_likelihood",))["log_likelihood"].to_dataset()


def _select(ds: xr.Dataset, var_names: Sequence[str] | None) -> list[str]:
    names = list(ds.data_vars)
    if var_names is None:
        return names
    missing = [v for v in var_names if v not in names]
    if missing:
        raise ValueError(
            f"var_name {missing} not in the log_likelihood group; choose from {names}."
        )
    return list(var_names)


def pointwise_log_likelihood(
    data: xr.DataTree | xr.Dataset, var_names: Sequence[str] | None = None
) -> xr.DataArray:
    """``log p(y_i | x_i, w)`` per draw and observation, dims ``(chain, draw, obs_id)``.

    Parameters
    ----------
    data : xarray.DataTree or xarray.Dataset
        A DataTree with a ``log_likelihood`` group (elementwise, as ``pm.compute_log_likelihood``
        writes it), or that group as a Dataset.
    var_names : sequence of str, optional
        Observed variables to use; default all of them.
    """
    ds = log_likelihood_group(data)
    names = _select(ds, var_names)
    parts = []
    for name in names:
        da = ds[name]
        extra = [d for d in da.dims if d not in _SAMPLE_DIMS]
        if not extra:
            da = da.expand_dims(OBS_DIM, axis=-1)
        else:
            da = da.sum(extra[1:], skipna=False) if len(extra) > 1 else da
            da = da.rename({extra[0]: OBS_DIM}).drop_vars(OBS_DIM, errors="ignore")
        parts.append(da.transpose(*_SAMPLE_DIMS, OBS_DIM))
    lengths = {p.sizes[OBS_DIM] for p in parts}
    if len(lengths) == 1:
        out = sum(parts[1:], parts[0])
    else:
        out = xr.concat(parts, dim=OBS_DIM)
    out.name = "log_likelihood"
    return out


def energy(data: xr.DataTree | xr.Dataset, var_names: Sequence[str] | None = None) -> xr.DataArray:
    """:math:`n L_n(w) = -\\sum_i \\log p(y_i \\mid x_i, w)` per draw, dims ``(chain, draw)``.

    From the ``log_likelihood`` group, or from the :data:`SUM_GROUP` group where a run kept only
    the sums.
    """
    if (
        isinstance(data, xr.DataTree)
        and "log_likelihood" not in data.children
        and SUM_GROUP in data.children
    ):
        sums = data[SUM_GROUP].to_dataset()
        names = _select(sums, var_names)
        out = -sum((sums[name] for name in names[1:]), sums[names[0]])
    else:
        out = -pointwise_log_likelihood(data, var_names).sum(OBS_DIM, skipna=False)
    out.name = "nLn"
    return out


def joint_terms(data: xr.DataTree) -> dict[str, int]:
    """Observed variables of ``data`` whose log-likelihood has fewer terms than the first axis of
    their data (one joint term over correlated values), with that length.

    Needs the ``observed_data`` group (pymc-slt's samplers and ``pm.sample`` write it); without
    it nothing can be told and the result is empty.
    """
    if not isinstance(data, xr.DataTree) or not {"observed_data", "log_likelihood"} <= set(
        data.children
    ):
        return {}
    observed = data["observed_data"].to_dataset()
    out = {}
    for name, da in data["log_likelihood"].to_dataset().data_vars.items():
        if name not in observed or observed[name].ndim == 0:
            continue
        extra = [d for d in da.dims if d not in _SAMPLE_DIMS]
        terms = da.sizes[extra[0]] if extra else 1
        length = observed[name].shape[0]
        if terms < length:
            out[name] = int(length)
    return out


def require_pointwise(data: xr.DataTree, what: str) -> None:
    """Raise a ``ValueError`` if a likelihood of ``data`` is one joint term (:func:`joint_terms`):
    ``what`` needs one term per conditionally independent observation."""
    joint = joint_terms(data)
    if joint:
        name, n = next(iter(joint.items()))
        raise ValueError(
            f"{what} needs one log-likelihood term per observation, but the likelihood of "
            f"{name!r} is one joint term over its {n} values (e.g. pm.AR, "
            "pm.GaussianRandomWalk, pm.gp.Marginal, an MvNormal over all the data): they are "
            "not conditionally independent observations, so WAIC, LOO, the singular fluctuation "
            f"ν̂ and V_n are undefined for it. log Z (slt.log_marginal_likelihood), WBIC "
            f"(slt.wbic, with n = {n}) and λ̂ (slt.learning_coefficient) remain valid."
        )
