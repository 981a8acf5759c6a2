"""Draws from the tempered posterior p_β(w) ∝ φ(w) exp(−β n L_n(w)) of any PyMC model.

:func:`sample_tempered` samples one β; :func:`sample_ladder` samples a list of β with the model
compiled **once** (nutpie ``compile_pymc_model``, then ``with_data(beta=…)`` per rung). Both
return an ``xarray.DataTree`` that ArviZ reads, whose ``log_likelihood`` group holds the
**untempered** pointwise ``log p(y_i | x_i, w)`` (what WAIC, LOO, WBIC and λ estimators need).

Samplers
--------
``"nuts"`` (default)
    nutpie's NUTS with diagonal mass-matrix adaptation; fast, the right choice for unimodal or
    connected posteriors.
``"smc"``
    ``pm.sample_smc`` on the tempered model (independent Metropolis–Hastings kernel); slower per
    effective draw but it moves between separated modes, as singular posteriors often have, at
    small d.
``"hmc_smc"``
    Adaptive tempered SMC with HMC moves (BlackJAX, on PyMC's JAX log density;
    :mod:`pymc_slt.sampling.hmc_smc`): one pass from the prior reaches every rung of a ladder,
    its particles weigh the modes of a multimodal posterior by their mass, and it scales with
    d. Needs ``pip install 'pymc-slt[jax]'``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import nutpie
import pymc as pm
import xarray as xr
from pymc.backends.arviz import (
    coords_and_dims_for_inferencedata,
    dict_to_dataset,
    find_constants,
    find_observations,
)

from pymc_slt._progress import track
from pymc_slt._validate import (
    as_pymc_model,
    check_continuous,
    check_initial_point,
    spawn_seeds,
    validate_beta,
    validate_betas,
    validate_model,
)
from pymc_slt.base.loglik import SUM_GROUP, count_observations
from pymc_slt.base.threads import one_blas_thread, threads
from pymc_slt.models.tempering import tempered
from pymc_slt.sampling.diagnostics import (
    MULTIMODAL_SAMPLER,
    check_mixing,
    warn_poor_mixing,
)
from pymc_slt.sampling.hmc_smc import hmc_smc_raws, require_jax
from pymc_slt.sampling.loglik import stacked_log_likelihood
from pymc_slt.sampling.pymc_smc import check_smc_supports, run_smc
from pymc_slt.sampling.samplers import HMCSMC, NUTS, SAMPLERS, SamplerSpec, resolve_sampler

__all__ = [
    "CompiledTempered",
    "n_observations",
    "n_parameters",
    "sample_ladder",
    "sample_tempered",
]

Sampler = Literal["nuts", "smc", "hmc_smc"]


def n_observations(model: pm.Model) -> int:
    """Number of observations n of ``model``: the first axis of its observed data.

    If several observed variables share that length they are joint measurements of the same units;
    otherwise their lengths add up. See :mod:`pymc_slt.base.loglik` for the convention.
    """
    model = as_pymc_model(model)
    return count_observations({k: np.shape(v) for k, v in find_observations(model).items()})


def n_parameters(model: pm.Model) -> int:
    """Number of free parameters d: the total size of the model's free (value) variables.

    Counted on the unconstrained space, where the samplers work, so a K-simplex counts K − 1.
    """
    return int(sum(np.size(v) for v in model.initial_point().values()))


def _model_groups(model: pm.Model, beta_name: str) -> dict[str, xr.Dataset]:
    """observed_data and constant_data groups of ``model`` (β itself goes to attrs, not here)."""
    coords, dims = coords_and_dims_for_inferencedata(model)
    constants = {k: v for k, v in find_constants(model).items() if k != beta_name}
    kwargs = {"inference_library": pm, "coords": coords, "dims": dims, "sample_dims": []}
    groups = {"observed_data": dict_to_dataset(find_observations(model), **kwargs)}
    if constants:
        groups["constant_data"] = dict_to_dataset(constants, **kwargs)
    return groups


def _run_nuts(compiled, spec: NUTS, *, seed: int, progressbar: bool) -> xr.DataTree:
    """``nutpie.sample`` with BLAS on one thread, so the draws depend on the seed alone
    (:func:`~pymc_slt.base.threads.one_blas_thread`)."""
    with one_blas_thread():
        return nutpie.sample(
            compiled,
            draws=spec.draws,
            tune=spec.tune,
            chains=spec.chains,
            seed=seed,
            save_warmup=False,
            progress_bar=progressbar,
            **spec.kwargs(),
        )


def _assemble(
    raw: xr.DataTree,
    log_lik: xr.Dataset,
    groups: dict[str, xr.Dataset],
    *,
    beta: float,
    n: int,
    sampler: str,
    model_name: str,
    pointwise: bool,
) -> xr.DataTree:
    tree = {
        "posterior": raw["posterior"].to_dataset(),
        "sample_stats": raw["sample_stats"].to_dataset(),
        ("log_likelihood" if pointwise else SUM_GROUP): log_lik,
        **groups,
    }
    dt = xr.DataTree.from_dict(tree)
    dt.attrs.update({"beta": beta, "n": n, "sampler": sampler, "model": model_name})
    dt.attrs["threads"] = threads()
    return dt


def sample_tempered(
    model: pm.Model,
    beta: float = 1.0,
    *,
    sampler: Sampler | SamplerSpec | None = None,
    random_seed: int | np.random.Generator | None = None,
    progressbar: bool = True,
    **deprecated: Any,
) -> xr.DataTree:
    """Sample the tempered posterior :math:`p_β(w) ∝ φ(w) \\exp(-β n L_n(w))` of ``model``.

    Parameters
    ----------
    model : pymc.Model or bambi.Model
        The user's model (not modified); it needs at least one observed variable.
    beta : float, default 1.0
        Inverse temperature β > 0; 1.0 is the ordinary posterior.
    sampler : NUTS, SMC, HMCSMC or {"nuts", "smc", "hmc_smc"}, default NUTS()
        What samples, with its settings (:mod:`pymc_slt.sampling.samplers`); a name is the
        family's defaults. :class:`~pymc_slt.NUTS` runs nutpie; each chain stays in the mode it
        starts in. For a multimodal posterior (a neural network's, a mixture's),
        :class:`~pymc_slt.HMCSMC` runs adaptive tempered SMC with HMC moves (BlackJAX on PyMC's
        JAX log density; ``pip install 'pymc-slt[jax]'``), each chain an independent run of
        ``draws`` particles from the prior to β. :class:`~pymc_slt.SMC` runs ``pm.sample_smc``,
        whose random-walk moves stop mixing past a handful of parameters.
    random_seed : int or numpy.random.Generator, optional
        Same seed, same draws.
    progressbar : bool, default True
        Show the sampler's progress bar.
    **deprecated
        ``draws``, ``tune``, ``chains`` and ``sampler_kwargs``, the loose form of the sampler's
        settings before sampler values (``sampler_kwargs``: NUTS's ``target_accept`` and
        ``nutpie.sample`` options, ``pm.sample_smc``'s options, or HMCSMC's fields): still
        accepted beside a sampler name, with a ``DeprecationWarning``, until 0.3.0.

    Returns
    -------
    xarray.DataTree
        Groups ``posterior``, ``sample_stats``, ``log_likelihood`` (untempered, elementwise
        ``log p(y_i | x_i, w)`` per observed variable), ``observed_data`` and, if the model has
        ``pm.Data``, ``constant_data``. Attributes ``beta``, ``n`` (number of observations, the
        first axis of the observed data), ``sampler``, ``model`` and the mixing diagnostics
        ``n_divergences``, ``max_rhat``, ``min_ess_bulk``.

    Raises
    ------
    TypeError, ValueError
        For a bad ``model``, ``beta``, ``sampler`` (or its loose settings) or seed.

    Warns
    -----
    UserWarning
        Once, if there were divergences, r̂ > 1.01 or a bulk ESS below 100 per chain; the draws
        are returned all the same, with the diagnostics in ``attrs``.

    Notes
    -----
    .. math::

        p_β(w \\mid D_n) ∝ φ(w) \\exp(-β\\, n L_n(w)),\\qquad
        n L_n(w) = -\\sum_{i=1}^n \\log p(y_i \\mid x_i, w).

    Examples
    --------
    >>> import numpy as np, pymc as pm, pymc_slt as slt
    >>> with pm.Model() as model:
    ...     w = pm.Normal("w", 0, 1)
    ...     _ = pm.Normal("y", w, 1, observed=np.array([0.1, -0.3, 0.2]))
    >>> dt = slt.sample_tempered(model, beta=0.5, sampler=slt.NUTS(draws=200, tune=200, chains=2),
    ...                          random_seed=1, progressbar=False)
    >>> dt.attrs["beta"], dt.attrs["n"]
    (0.5, 3)
    """
    spec, _ = resolve_sampler("sample_tempered", sampler, deprecated)
    children = _sample_rungs(
        model,
        np.array([validate_beta(beta)]),
        spec,
        random_seed=random_seed,
        sampler_progress=progressbar,
        ladder_progress=False,
    )
    return children[0]


def sample_ladder(
    model: pm.Model,
    betas: Sequence[float],
    *,
    sampler: Sampler | SamplerSpec | None = None,
    random_seed: int | np.random.Generator | None = None,
    progressbar: bool = True,
    **deprecated: Any,
) -> xr.DataTree:
    """Sample the tempered posterior at each β of a ladder, compiling the model once.

    Parameters
    ----------
    model : pymc.Model or bambi.Model
        The user's model (not modified).
    betas : sequence of float
        Distinct inverse temperatures, each finite and > 0. Rungs are stored in ascending β.
    sampler, random_seed, progressbar, **deprecated
        As in :func:`sample_tempered`; each rung gets its own seed, spawned from ``random_seed``.

    Returns
    -------
    xarray.DataTree
        One child per rung, ``rung_0``, ``rung_1``, … in ascending β, each a DataTree as
        returned by :func:`sample_tempered` (attrs ``beta``, ``n``, diagnostics). The root's attrs
        hold ``betas`` and ``n``.

    Notes
    -----
    With ``sampler="nuts"`` the tempered model is compiled by ``nutpie.compile_pymc_model`` once
    and each rung reuses it through ``compiled.with_data(beta=β)``; the untempered log-likelihood
    of all rungs is computed by one compiled PyTensor function. ``sampler="smc"`` calls
    ``pm.sample_smc`` per rung (after ``pm.set_data``), which compiles per call.

    Examples
    --------
    >>> import numpy as np, pymc as pm, pymc_slt as slt
    >>> with pm.Model() as model:
    ...     w = pm.Normal("w", 0, 1)
    ...     _ = pm.Normal("y", w, 1, observed=np.array([0.1, -0.3, 0.2]))
    >>> dt = slt.sample_ladder(model, [0.25, 1.0], sampler=slt.NUTS(draws=200, tune=200, chains=2),
    ...                        random_seed=1, progressbar=False)
    >>> [float(child.attrs["beta"]) for child in dt.children.values()]
    [0.25, 1.0]
    """
    betas_arr = np.sort(validate_betas(betas))
    spec, _ = resolve_sampler("sample_ladder", sampler, deprecated)
    children = _sample_rungs(
        model,
        betas_arr,
        spec,
        random_seed=random_seed,
        sampler_progress=progressbar and spec.name != "nuts",
        ladder_progress=progressbar and spec.name == "nuts",
    )
    root = xr.DataTree(children={f"rung_{k}": child for k, child in enumerate(children)})
    first = children[0].attrs
    root.attrs.update(
        {"betas": betas_arr, "n": first["n"], "sampler": spec.name, "model": first["model"]}
    )
    return root


class CompiledTempered:
    """A tempered copy of a model, compiled once and sampled at any β and ``pm.Data`` values.

    ``sample_tempered`` and ``sample_ladder`` use it for one or several β; the local learning
    coefficient uses it to sample its pilot and its localized run from one compilation (the
    localization's γ and centre are ``pm.Data`` too). With ``sampler="nuts"`` the model is
    compiled by ``nutpie.compile_pymc_model`` here and each run goes through
    ``compiled.with_data``; with ``"smc"`` each run calls ``pm.set_data`` then
    ``pm.sample_smc`` (which compiles per call).

    Parameters
    ----------
    model : pymc.Model
        The user's model (not modified).
    sampler : {"nuts", "smc"}
        Which sampler :meth:`sample` runs.
    """

    def __init__(self, model: pm.Model, sampler: str) -> None:
        if sampler not in SAMPLERS:
            raise ValueError(f"sampler must be one of {list(SAMPLERS)}, got {sampler!r}.")
        model = validate_model(model)  # observed data first: its errors are the most specific
        if sampler == "nuts":  # before compiling: nutpie's own errors are type or Rust errors
            check_continuous(model, "NUTS", "sampler='smc' (pm.sample_smc moves discrete ones)")
            check_initial_point(model)
        elif sampler == "hmc_smc":
            check_continuous(model, "HMC", "sampler='smc' (pm.sample_smc moves discrete ones)")
            require_jax()
        else:
            check_smc_supports(model)
        tm = tempered(model, 1.0)
        self.model = tm.model
        self.beta_name = tm.beta_name
        self.sampler = sampler
        self.n = n_observations(tm.model)
        self._name = model.name or "model"
        self._compiled = nutpie.compile_pymc_model(tm.model) if sampler == "nuts" else None

    def run(
        self,
        beta: float,
        spec: SamplerSpec,
        *,
        seed: int,
        progressbar: bool,
        data: dict[str, Any] | None = None,
    ) -> xr.DataTree:
        """Raw sampler output at ``beta`` with ``spec`` (of this object's family) and the
        ``pm.Data`` values ``data`` (posterior only)."""
        values = {name: np.asarray(v, dtype=float) for name, v in (data or {}).items()}
        values[self.beta_name] = np.asarray(beta, dtype=float)
        # the model's own data follow every run, so constant_data shows what was sampled
        pm.set_data(values, model=self.model)
        if self.sampler == "hmc_smc":
            return self.run_hmc_smc([beta], spec, seed=seed, progressbar=progressbar, data=data)[0]
        if self._compiled is not None:
            return _run_nuts(
                self._compiled.with_data(**values), spec, seed=seed, progressbar=progressbar
            )
        return run_smc(self.model, spec, seed=seed, progressbar=progressbar)

    def run_hmc_smc(
        self,
        betas: Sequence[float],
        spec: HMCSMC,
        *,
        seed: int,
        progressbar: bool,
        data: dict[str, Any] | None = None,
    ) -> list[xr.DataTree]:
        """Raw ``sampler="hmc_smc"`` output at every β of ``betas`` from one tempering pass.

        The tempered copy is set to β = 1 (its tempering potential vanishes) and the SMC
        tempers the likelihood itself (:func:`pymc_slt.sampling.hmc_smc.run_hmc_smc`).
        """
        values = {name: np.asarray(v, dtype=float) for name, v in (data or {}).items()}
        values[self.beta_name] = np.asarray(1.0)
        pm.set_data(values, model=self.model)
        return hmc_smc_raws(self.model, betas, spec, seed=seed, progressbar=progressbar)

    def assemble(
        self, betas: Sequence[float], raws: Sequence[xr.DataTree], *, pointwise: bool = True
    ) -> tuple[list[xr.DataTree], list]:
        """One DataTree per raw run, with the untempered log-likelihood and mixing diagnostics.

        With ``pointwise=False`` the log-likelihood is kept summed over the observations, in the
        :data:`~pymc_slt.base.loglik.SUM_GROUP` group (chains × draws values, for runs that need
        only n L_n). Returns the DataTrees and the ``(β, MixingReport)`` pairs of the runs that
        mixed poorly.
        """
        log_liks = stacked_log_likelihood(
            [r["posterior"].to_dataset() for r in raws], self.model, pointwise=pointwise
        )
        groups = _model_groups(self.model, self.beta_name)
        children, problems = [], []
        for beta, raw, ll in zip(betas, raws, log_liks, strict=True):
            dt = _assemble(
                raw,
                ll,
                groups,
                beta=float(beta),
                n=self.n,
                sampler=self.sampler,
                model_name=self._name,
                pointwise=pointwise,
            )
            report = check_mixing(dt, sampler=self.sampler)
            dt.attrs.update(report.as_attrs())
            if report.problems:
                problems.append((float(beta), report))
            children.append(dt)
        return children, problems

    def sample(
        self,
        beta: float,
        spec: SamplerSpec,
        *,
        pointwise: bool = True,
        stacklevel: int = 2,
        **kwargs: Any,
    ) -> xr.DataTree:
        """:meth:`run` then :meth:`assemble` one β; warns once if it mixed poorly."""
        children, problems = self.assemble(
            [beta], [self.run(beta, spec, **kwargs)], pointwise=pointwise
        )
        _warn_mixing(problems, self.sampler, stacklevel=stacklevel + 1)
        return children[0]


def _sample_rungs(
    model: pm.Model,
    betas: np.ndarray,
    spec: SamplerSpec,
    *,
    random_seed: Any,
    sampler_progress: bool,
    ladder_progress: bool,
) -> list[xr.DataTree]:
    """Sample each β of ``betas`` (validated) with ``spec``; one assembled DataTree per rung."""
    sampler = spec.name
    compiled = CompiledTempered(model, sampler)
    seeds = spawn_seeds(random_seed, len(betas))
    rungs = track(
        zip(betas, seeds, strict=True),
        total=len(seeds),
        description="β ladder",
        enabled=ladder_progress,
    )
    if sampler == "hmc_smc":  # one pass through every rung
        raws = compiled.run_hmc_smc(
            betas, spec, seed=seeds[0], progressbar=sampler_progress or ladder_progress
        )
    else:
        raws = [
            compiled.run(beta, spec, seed=seed, progressbar=sampler_progress)
            for beta, seed in rungs
        ]
    children, problems = compiled.assemble(betas, raws)
    _warn_mixing(problems, sampler, stacklevel=3)
    return children


def _warn_mixing(problems, sampler: str, stacklevel: int) -> None:
    """One PoorMixingWarning naming every poorly mixed run and the remedy (nothing if none)."""
    lines = [f"at beta={beta:.4g}: {'; '.join(report.problems)}" for beta, report in problems]
    remedy = (
        "increase tune/draws, raise target_accept "
        "(e.g. sampler=slt.NUTS(target_accept=0.99)), reparameterize, or use "
        f"{MULTIMODAL_SAMPLER} for a multimodal (singular) posterior"
        if sampler == "nuts"
        else "increase draws (particles) or chains"
    )
    warn_poor_mixing(lines, remedy, what="Numbers", stacklevel=stacklevel + 1)
