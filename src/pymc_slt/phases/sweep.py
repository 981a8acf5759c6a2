"""phase_sweep: the share of the posterior in each phase over a grid of n."""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from itertools import pairwise
from typing import Any

import arviz_stats as azs
import numpy as np
import pandas as pd
import pymc as pm
import xarray as xr

from pymc_slt._progress import track
from pymc_slt._validate import spawn_seeds, validate_beta
from pymc_slt.phases.rrr import CLASSIFIERS
from pymc_slt.sampling.samplers import SamplerSpec, resolve_sampler
from pymc_slt.sampling.tempered import sample_tempered

__all__ = ["phase_sweep"]


# --------------------------------------------------------------------------------------------
# fractions and local free energies from labelled draws
# --------------------------------------------------------------------------------------------


def _phase_stats(labels: np.ndarray, phases: Sequence[int], fallback_ess: float) -> list[dict]:
    """Fraction, ESS-based se, r̂ and −log P (continuity-corrected) of each phase in ``labels``."""
    rows = []
    for k in phases:
        ind = (labels == k).astype(float)
        p = float(ind.mean())
        ess = float(azs.ess(ind, method="mean")) if 0 < p < 1 else float("nan")
        rhat = float(azs.rhat(ind)) if 0 < p < 1 and ind.shape[0] > 1 else float("nan")
        if not np.isfinite(ess):
            ess = min(fallback_ess, ind.size) if np.isfinite(fallback_ess) else ind.size
        p_tilde = (p * ess + 0.5) / (ess + 1.0)
        se = float(np.sqrt(p_tilde * (1.0 - p_tilde) / ess))
        rows.append(
            {
                "phase": int(k),
                "fraction": p,
                "se": se,
                "ess": ess,
                "rhat": rhat,
                "relative_free_energy": -float(np.log(p_tilde)),
                "relative_free_energy_se": se / p_tilde,
            }
        )
    return rows


def _labels(classify: Callable[[xr.DataTree], Any], dt: xr.DataTree) -> np.ndarray:
    labels = classify(dt)
    arr = np.asarray(
        labels.transpose("chain", "draw") if isinstance(labels, xr.DataArray) else labels
    )
    post = dt["posterior"]
    shape = (post.sizes["chain"], post.sizes["draw"])
    if arr.shape != shape or arr.dtype.kind not in "iub":
        raise TypeError(
            f"classify must return integer phase labels of shape (chain, draw) = {shape}, got "
            f"dtype {arr.dtype} and shape {arr.shape}."
        )
    return arr.astype(int)


def phase_sweep(
    make_model: Callable[[int, int], pm.Model],
    ns: Sequence[int] | Sequence[tuple[int, int]],
    classify: str | Callable[[xr.DataTree], Any],
    *,
    beta: float = 1.0,
    sampler: str | SamplerSpec | None = None,
    evidence: Callable[[pm.Model, xr.DataTree], Any] | None = None,
    random_seed: int | np.random.Generator | None = None,
    progressbar: bool = True,
    **deprecated: Any,
) -> pd.DataFrame:
    """Sample the posterior for each n and data set, and measure how much of it is in each phase.

    Parameters
    ----------
    make_model : callable ``(n, data_seed) -> pymc.Model``
        Builds the model on ``n`` observations simulated with ``data_seed``.
    ns : sequence of int, or of (int, int) pairs
        Sample sizes, strictly increasing positive integers, each run on the data set of seed
        0; or the runs as ``(n, data_seed)`` pairs, distinct, e.g. several data sets per n:
        ``[(n, s) for n in (100, 400, 1600) for s in range(3)]``.
    classify : str or callable ``DataTree -> (chain, draw) int labels``
        The phase of each draw, e.g. ``functools.partial(rrr_phase, threshold="noise_edge")``;
        a string names a built-in classifier with its defaults: ``"reduced_rank"``
        (:func:`rrr_phase`).
    beta : float, default 1.0
        Inverse temperature of the posterior.
    sampler : NUTS, SMC, HMCSMC or {"nuts", "smc", "hmc_smc"}, default NUTS()
        Passed to :func:`pymc_slt.sample_tempered`. Phases are often separated by regions of low
        posterior density, so check the ``rhat`` column; ``slt.NUTS(target_accept=0.95)``
        avoids the divergences of funnel-shaped singular posteriors.
    evidence : callable ``(model, draws) -> EvidenceResult``, optional
        Free energy of each run, e.g. ``lambda m, dt: slt.log_marginal_likelihood(m,
        method="smc", progressbar=False)``; it needs ``.free_energy`` and ``.se``. Adds the
        columns ``free_energy``, ``free_energy_se``, ``local_free_energy`` and
        ``local_free_energy_se``.
    random_seed : int or numpy.random.Generator, optional
        Seed of the samplers (one independent stream per run).
    progressbar : bool, default True
        Show progress over the runs.
    **deprecated
        Until 0.3.0, with a ``DeprecationWarning``: ``data_seeds`` (now ``(n, data_seed)``
        pairs in ``ns``), ``phases`` (the phases to report; the table now has every label that
        occurs in any run: select or reindex its rows), and ``draws``, ``tune``, ``chains``,
        ``sampler_kwargs`` (the sampler's settings in loose form, see
        :func:`pymc_slt.sample_tempered`).
    **deprecated
        ``draws``, ``tune``, ``chains``, ``sampler_kwargs``: the sampler's settings in loose
        form, beside a sampler name (see :func:`pymc_slt.sample_tempered`), until 0.3.0.

    Returns
    -------
    pandas.DataFrame
        One row per (n, data_seed, phase): ``n``, ``data_seed``, ``phase``; ``fraction`` of draws
        in the phase, its Monte-Carlo ``se`` = :math:`\\sqrt{\\tilde p(1-\\tilde p)/\\mathrm{ESS}}`
        (ESS of the phase indicator), ``ess``, ``rhat`` of the indicator (r̂ > 1.01: the chains
        disagree on the phase); ``relative_free_energy`` :math:`F_k - F = -\\log\\tilde p` and
        its se; the run's ``max_rhat``, ``n_divergences``; and with ``evidence`` the columns
        above. ``attrs`` hold ``beta``, ``draws``, ``chains``, ``sampler``.

    Raises
    ------
    TypeError
        If ``make_model``/``classify``/``evidence`` is not callable (or a known name), ``ns`` or
        ``data_seeds`` does not hold integers, or ``classify`` returns something else than
        integer labels of shape (chain, draw).
    ValueError
        If ``ns`` is empty, not strictly increasing or holds an n < 1, ``data_seeds`` is empty or
        repeats, ``classify`` is an unknown name, or ``beta`` is not finite and > 0.

    Notes
    -----
    :math:`Z_k = Z\\,P(W_k \\mid D_n)` holds exactly, so each local free energy is

    .. math::

        F_k = F - \\log P(W_k \\mid D_n),\\qquad
        F_\\text{low} - F_\\text{high} = \\log\\frac{P(W_\\text{high} \\mid D_n)}
        {P(W_\\text{low} \\mid D_n)},

    the difference needing only the fractions. The fraction :math:`p` is estimated by the share
    of draws; :math:`\\tilde p = (p\\,\\mathrm{ESS} + 1/2)/(\\mathrm{ESS} + 1)` adds half an
    effective draw so that a phase with no draws has a finite :math:`-\\log\\tilde p`
    (a lower bound on :math:`F_k - F`). If the indicator is constant its ESS is undefined and
    the run's smallest bulk ESS of the parameters stands in.

    Examples
    --------
    >>> import numpy as np, pymc as pm, pymc_slt as slt
    >>> from pymc_slt.phases import phase_sweep
    >>> def make_model(n, seed):
    ...     y = np.random.default_rng(seed).normal(0.3, 1.0, size=n)
    ...     with pm.Model() as model:
    ...         mu = pm.Normal("mu", 0, 1)
    ...         pm.Normal("y", mu, 1, observed=y)
    ...     return model
    >>> sign = lambda dt: (dt["posterior"]["mu"] > 0).astype(int)
    >>> table = phase_sweep(make_model, [10, 40], sign,
    ...                     sampler=slt.NUTS(draws=200, tune=200, chains=2),
    ...                     random_seed=1, progressbar=False)
    >>> table[["n", "phase"]].values.tolist()
    [[10, 0], [10, 1], [40, 0], [40, 1]]
    """
    if not callable(make_model):
        raise TypeError(
            f"make_model must be a callable (n, data_seed) -> pymc.Model, got "
            f"{type(make_model).__name__}."
        )
    classify = _classifier(classify)
    spec, old = resolve_sampler("phase_sweep", sampler, deprecated, replacements=_DEPRECATED)
    runs = _runs(ns, old.get("data_seeds"))
    phases = old.get("phases")
    beta = validate_beta(beta)
    if evidence is not None and not callable(evidence):
        raise TypeError(
            f"evidence must be None or a callable (model, draws) -> EvidenceResult, got "
            f"{type(evidence).__name__}."
        )
    streams = spawn_seeds(random_seed, len(runs))
    results = []
    for (n, seed), stream in track(
        zip(runs, streams, strict=True),
        total=len(runs),
        description="phase sweep",
        enabled=progressbar,
    ):
        model = make_model(n, seed)
        dt = sample_tempered(
            model,
            beta,
            sampler=spec,
            random_seed=stream,
            progressbar=False,
        )
        free = evidence(model, dt) if evidence is not None else None
        results.append((n, seed, _labels(classify, dt), dt.attrs, free))
    if phases is None:
        phases = sorted({int(k) for *_, labels, _, _ in results for k in np.unique(labels)})
    rows = []
    for n, seed, labels, attrs, free in results:
        for row in _phase_stats(labels, phases, float(attrs.get("min_ess_bulk", np.nan))):
            row = {"n": n, "data_seed": seed, **row}
            row["max_rhat"] = attrs.get("max_rhat", np.nan)
            row["n_divergences"] = attrs.get("n_divergences", 0)
            if free is not None:
                row["free_energy"] = float(free.free_energy)
                row["free_energy_se"] = float(free.se)
                row["local_free_energy"] = row["free_energy"] + row["relative_free_energy"]
                row["local_free_energy_se"] = float(
                    np.hypot(row["free_energy_se"], row["relative_free_energy_se"])
                )
            rows.append(row)
    table = pd.DataFrame(rows)
    table.attrs.update(
        {"beta": beta, "draws": spec.draws, "chains": spec.chains, "sampler": spec.name}
    )
    return table


#: The arguments :func:`phase_sweep` had until it took at most 8, and what replaces them.
_DEPRECATED = {
    "data_seeds": "(n, data_seed) pairs in ns, e.g. [(n, s) for n in ns for s in data_seeds]",
    "phases": "the table's rows of those phases (it reports every label that occurs)",
}


def _runs(ns: Any, data_seeds: Any) -> list[tuple[int, int]]:
    """The ``(n, data_seed)`` runs: ``ns`` as pairs, or increasing n × ``data_seeds`` (0,)."""
    if isinstance(ns, str | bytes) or np.ndim(ns) == 0:
        raise TypeError(f"ns must be a sequence of integers or (n, data_seed) pairs, got {ns!r}.")
    if len(ns) and all(np.ndim(run) == 1 and len(run) == 2 for run in ns):
        if data_seeds is not None:
            raise ValueError("ns holds (n, data_seed) pairs; drop data_seeds.")
        sizes = _int_list([run[0] for run in ns], "n")
        seeds = _int_list([run[1] for run in ns], "data_seed")
        runs = list(zip(sizes, seeds, strict=True))
        if len(set(runs)) != len(runs) or min(sizes) < 1 or min(seeds) < 0:
            raise ValueError(
                "ns pairs must be distinct (n, data_seed) with n >= 1 and data_seed >= 0, got "
                f"{runs}."
            )
        return runs
    seeds = (0,) if data_seeds is None else _distinct_ints(data_seeds, "data_seeds")
    return [(n, s) for n in _increasing_ints(ns, "ns") for s in seeds]


def _classifier(classify: Any) -> Callable[[xr.DataTree], Any]:
    if isinstance(classify, str):
        if classify not in CLASSIFIERS:
            raise ValueError(
                f"classify must be a callable or one of {sorted(CLASSIFIERS)}, got {classify!r}."
            )
        return CLASSIFIERS[classify]
    if not callable(classify):
        raise TypeError(
            "classify must be a callable DataTree -> (chain, draw) integer labels, or one of "
            f"{sorted(CLASSIFIERS)}; got {type(classify).__name__}."
        )
    return classify


def _int_list(values: Any, name: str) -> list[int]:
    if isinstance(values, str | bytes) or np.ndim(values) != 1:
        raise TypeError(f"{name} must be a 1-D sequence of integers, got {values!r}.")
    out = []
    for j, v in enumerate(values):
        if isinstance(v, bool) or not isinstance(v, numbers.Integral):
            raise TypeError(f"{name} must hold integers, got {name}[{j}] = {v!r}.")
        out.append(int(v))
    if not out:
        raise ValueError(f"{name} is empty; give at least one value.")
    return out


def _increasing_ints(values: Any, name: str) -> list[int]:
    out = _int_list(values, name)
    if min(out) < 1 or any(b <= a for a, b in pairwise(out)):
        raise ValueError(
            f"{name} must be strictly increasing positive integers, got {out}; e.g. "
            "[100, 200, 400, 800]."
        )
    return out


def _distinct_ints(values: Any, name: str) -> list[int]:
    out = _int_list(values, name)
    if len(set(out)) != len(out) or min(out) < 0:
        raise ValueError(f"{name} must hold distinct non-negative integers, got {out}.")
    return out
