"""Bayesian phase transitions: where the posterior lives as n grows, and local free energies.

A singular model's posterior does not shrink around one point. Split the parameter space into
regions :math:`W_k` ("phases"), each a neighbourhood of a singularity with its own loss
:math:`L(w_k)` and learning coefficient :math:`λ_k`; then the local free energy

.. math::

    F_k = -\\log Z_k,\\qquad Z_k = \\int_{W_k} φ(w)\\, e^{-β n L_n(w)}\\, dw,\\qquad
    F_k ≈ n L_n(w_k) + λ_k \\log n - (m_k - 1)\\log\\log n + O_p(1)

decides which phase holds the posterior: :math:`P(W_k \\mid D_n) = Z_k / Z = e^{-(F_k - F)}`.
A phase with a higher loss but a smaller λ wins at small n; one that fits better wins once
:math:`n\\,ΔL > Δλ \\log n`. Where the two local free energies cross, the posterior jumps.

* :func:`rrr_phase`, :func:`rrr_singular_values`: classify draws of a reduced-rank regression
  ``y = B A x`` by the effective rank of ``B·A``.
* :func:`phase_sweep`: sample the posterior over a grid of n (and data sets) and record, per run,
  the fraction of draws in each phase with its Monte-Carlo error and the local free energies.
* :func:`phase_transition`: per n, the fraction in the upper phase and
  :math:`ΔF = F_\\text{low} - F_\\text{high}`, and the n where ΔF crosses zero.
* :func:`predicted_transition_n`, :class:`PhasePrediction`: the asymptotic prediction.

References
----------
Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge University
Press. https://doi.org/10.1017/CBO9780511800474

Watanabe, S. (2018). *Mathematical Theory of Bayesian Statistics*, Ch. 9 (phase transitions).
CRC Press. https://doi.org/10.1201/9781315373010

Chen, Z., Lau, E., Mendel, J., Wei, S. & Murfet, D. (2023). Dynamical versus Bayesian phase
transitions in a toy model of superposition. arXiv:2310.06301

Aoyagi, M. & Watanabe, S. (2005). Stochastic complexities of reduced rank regression in Bayesian
estimation. Neural Networks 18(7), 924–933. https://doi.org/10.1016/j.neunet.2005.03.014
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any, Literal

import arviz_stats as azs
import numpy as np
import pandas as pd
import pymc as pm
import xarray as xr
from scipy.optimize import brentq

from pymc_slt._progress import track
from pymc_slt._validate import validate_beta, validate_random_seed
from pymc_slt.inference.sampling import sample_tempered

__all__ = [
    "PhasePrediction",
    "PhaseTransition",
    "phase_sweep",
    "phase_transition",
    "predicted_transition_n",
    "rrr_phase",
    "rrr_phase_prediction",
    "rrr_singular_values",
]

_THRESHOLDS = ("noise_edge",)


# --------------------------------------------------------------------------------------------
# classifying draws of a reduced-rank regression
# --------------------------------------------------------------------------------------------


def rrr_singular_values(
    data: xr.DataTree, *, var_names: tuple[str, str] = ("A", "B")
) -> xr.DataArray:
    """Singular values of the map ``B·A`` per draw, largest first.

    Parameters
    ----------
    data : xarray.DataTree
        Draws with a ``posterior`` group holding ``A`` (chain, draw, H, M) and ``B``
        (chain, draw, N, H), as :func:`pymc_slt.models.reduced_rank_regression` names them.
    var_names : (str, str), default ("A", "B")
        Names of the input-to-hidden and hidden-to-output weights.

    Returns
    -------
    xarray.DataArray
        Dims ``(chain, draw, component)``, ``min(H, M, N)`` components, descending.
    """
    A, B = _rrr_weights(data, var_names)
    k = min(A.shape[-2], A.shape[-1], B.shape[-2])
    sv = np.linalg.svd(B @ A, compute_uv=False)[..., :k]
    post = data["posterior"].to_dataset()
    coords = {d: post[d].values for d in ("chain", "draw") if d in post.coords}
    return xr.DataArray(
        sv,
        dims=("chain", "draw", "component"),
        coords={**coords, "component": np.arange(1, k + 1)},
        name="singular_value",
    )


def rrr_phase(
    data: xr.DataTree,
    threshold: float | Literal["noise_edge"] = "noise_edge",
    *,
    var_names: tuple[str, str] = ("A", "B"),
    noise_sd: float = 1.0,
    edge_factor: float = 1.0,
) -> xr.DataArray:
    """The phase of each draw of a reduced-rank regression: the effective rank of ``B·A``.

    Draw ``w = (A, B)`` is in phase ``k`` when ``k`` singular values :math:`s_j(BA)` are above
    their thresholds :math:`τ_j`; with ``H`` hidden units the phases are ``0, …, H``.

    Parameters
    ----------
    data : xarray.DataTree
        Draws of ``A`` (H, M) and ``B`` (N, H), with ``attrs["n"]`` (as
        :func:`pymc_slt.sample_tempered` writes it) for ``threshold="noise_edge"``.
    threshold : float or "noise_edge", default "noise_edge"
        A number: one fixed threshold :math:`τ_j = τ` for every singular value. ``"noise_edge"``:
        the size a singular value reaches from noise alone (Notes),
        :math:`τ_j = c\\,σ\\,(\\sqrt{M - j + 1} + \\sqrt{N - j + 1})/\\sqrt{n}`.
    var_names : (str, str), default ("A", "B")
        Names of the weights in ``data["posterior"]``.
    noise_sd : float, default 1.0
        The noise standard deviation σ of the model (``reduced_rank_regression``'s default).
    edge_factor : float, default 1.0
        The factor ``c`` of the noise edge (for a sensitivity check; ignored for a number).

    Returns
    -------
    xarray.DataArray
        Integer phase per draw, dims ``(chain, draw)``, named ``"phase"``; attrs hold the
        thresholds.

    Raises
    ------
    TypeError
        If ``data`` is not a DataTree or ``threshold`` is neither a number nor a string.
    ValueError
        If ``threshold`` is an unknown string or not finite and > 0, ``noise_sd``/``edge_factor``
        is not > 0, the weights are missing, or ``attrs["n"]`` is missing for ``"noise_edge"``.

    Notes
    -----
    Why the noise edge. With the first ``j − 1`` components fitted, the least-squares estimate of
    the rest of the map is pure noise on an :math:`(N - j + 1) × (M - j + 1)` block with
    i.i.d. :math:`N(0, σ^2/n)` entries (inputs :math:`x ∼ N(0, I_M)`); its largest singular value
    is about :math:`σ(\\sqrt{M - j + 1} + \\sqrt{N - j + 1})/\\sqrt n` (Gordon's bound, the
    Marchenko–Pastur edge). So a component above :math:`τ_j` is more than noise can make: the
    draw has left the rank-:math:`(j - 1)` singularity. A fixed threshold would not work across
    n: at small n the posterior of the lower phase spreads over :math:`O(1/\\sqrt n)`, which
    exceeds a small true singular value, so draws of the low phase would count as the high one.
    A two-component mixture on :math:`\\log s_j` is no better here: in the DESIGN.md example
    (M = N = 4, H = 2, :math:`s_2 = 0.15`) the posterior of :math:`s_2` is unimodal at every n
    we sampled (100 to 3200); the phases are two ends of one connected posterior, and the
    threshold decides where one ends. That choice moves each :math:`F_k` by O(1), the same order
    as the :math:`O_p(1)` term of the asymptotics (``edge_factor`` shows by how much).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from pymc_slt.analysis.phases import rrr_phase
    >>> A = np.zeros((1, 2, 2, 4)); A[..., 0, 0] = 1.0; A[0, 1, 1, 1] = 0.5
    >>> B = np.zeros((1, 2, 4, 2)); B[..., 0, 0] = 1.0; B[0, 1, 1, 1] = 0.5
    >>> post = xr.Dataset({"A": (("chain", "draw", "h", "m"), A),
    ...                    "B": (("chain", "draw", "o", "h"), B)})
    >>> dt = xr.DataTree.from_dict({"posterior": post}); dt.attrs["n"] = 400
    >>> rrr_phase(dt).values.tolist()  # the second draw has s2 = 0.25 > 2·√3/20
    [[1, 2]]
    """
    sv = rrr_singular_values(data, var_names=var_names)
    noise_sd = _positive(noise_sd, "noise_sd")
    edge_factor = _positive(edge_factor, "edge_factor")
    k = sv.sizes["component"]
    if isinstance(threshold, str):
        if threshold not in _THRESHOLDS:
            raise ValueError(
                f"threshold must be a positive number or one of {list(_THRESHOLDS)}, got "
                f"{threshold!r}."
            )
        if "n" not in data.attrs:
            raise ValueError(
                "threshold='noise_edge' needs the number of observations in data.attrs['n'] "
                "(pymc_slt.sample_tempered writes it); set it or give a number."
            )
        M = data["posterior"][var_names[0]].shape[-1]
        N = data["posterior"][var_names[1]].shape[-2]
        j = np.arange(1, k + 1)
        edge = np.sqrt(M - j + 1) + np.sqrt(N - j + 1)
        tau = edge_factor * noise_sd * edge / np.sqrt(float(data.attrs["n"]))
    else:
        tau = np.full(k, _positive(threshold, "threshold"))
    phase = (sv > xr.DataArray(tau, dims="component")).sum("component").astype(int)
    phase.name = "phase"
    phase.attrs["thresholds"] = tau
    return phase


#: Named classifiers accepted by :func:`phase_sweep` (``classify="reduced_rank"``).
_CLASSIFIERS: dict[str, Callable[[xr.DataTree], xr.DataArray]] = {"reduced_rank": rrr_phase}


def _rrr_weights(data: Any, var_names: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(data, xr.DataTree):
        raise TypeError(f"data must be an xarray.DataTree, got {type(data).__name__}.")
    if "posterior" not in data.children:
        raise ValueError("data has no posterior group; pass pymc_slt.sample_tempered's result.")
    post = data["posterior"]
    missing = [v for v in var_names if v not in post.data_vars]
    if missing:
        raise ValueError(
            f"var_names {missing} not in the posterior (it holds {list(post.data_vars)}); pass "
            "var_names=(input_weights, output_weights) of the reduced-rank regression."
        )
    A = np.asarray(post[var_names[0]].transpose("chain", "draw", ...))
    B = np.asarray(post[var_names[1]].transpose("chain", "draw", ...))
    if A.ndim != 4 or B.ndim != 4 or A.shape[-2] != B.shape[-1]:
        raise ValueError(
            f"{var_names[0]} must be (chain, draw, H, M) and {var_names[1]} (chain, draw, N, H), "
            f"got {A.shape} and {B.shape}."
        )
    return A, B


def _positive(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}.")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be finite and > 0, got {value!r}.")
    return float(value)


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
    ns: Sequence[int],
    classify: str | Callable[[xr.DataTree], Any],
    *,
    data_seeds: Sequence[int] = (0,),
    phases: Sequence[int] | None = None,
    beta: float = 1.0,
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    sampler: Literal["nuts", "smc"] = "nuts",
    nuts: dict[str, Any] | None = None,
    smc: dict[str, Any] | None = None,
    evidence: Callable[[pm.Model, xr.DataTree], Any] | None = None,
    random_seed: int | np.random.Generator | None = None,
    progressbar: bool = True,
) -> pd.DataFrame:
    """Sample the posterior for each n and data set, and measure how much of it is in each phase.

    Parameters
    ----------
    make_model : callable ``(n, data_seed) -> pymc.Model``
        Builds the model on ``n`` observations simulated with ``data_seed``.
    ns : sequence of int
        Sample sizes, strictly increasing positive integers.
    classify : str or callable ``DataTree -> (chain, draw) int labels``
        The phase of each draw, e.g. ``functools.partial(rrr_phase, threshold="noise_edge")``;
        a string names a built-in classifier with its defaults: ``"reduced_rank"``
        (:func:`rrr_phase`).
    data_seeds : sequence of int, default (0,)
        Seeds of the simulated data sets; each n is run once per seed.
    phases : sequence of int, optional
        Phases to report; default every label that occurs in any run.
    beta : float, default 1.0
        Inverse temperature of the posterior.
    draws, tune, chains, sampler, nuts, smc
        Passed to :func:`pymc_slt.sample_tempered`. Phases are often separated by regions of low
        posterior density, so check the ``rhat`` column; ``nuts={"target_accept": 0.95}`` avoids
        the divergences of funnel-shaped singular posteriors.
    evidence : callable ``(model, draws) -> EvidenceResult``, optional
        Free energy of each run, e.g. ``lambda m, dt: slt.log_marginal_likelihood(m,
        method="smc", progressbar=False)``; it needs ``.free_energy`` and ``.se``. Adds the
        columns ``free_energy``, ``free_energy_se``, ``local_free_energy`` and
        ``local_free_energy_se``.
    random_seed : int or numpy.random.Generator, optional
        Seed of the samplers (one independent stream per run).
    progressbar : bool, default True
        Show progress over the runs.

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
    >>> import numpy as np, pymc as pm
    >>> from pymc_slt.analysis.phases import phase_sweep
    >>> def make_model(n, seed):
    ...     y = np.random.default_rng(seed).normal(0.3, 1.0, size=n)
    ...     with pm.Model() as model:
    ...         mu = pm.Normal("mu", 0, 1)
    ...         pm.Normal("y", mu, 1, observed=y)
    ...     return model
    >>> sign = lambda dt: (dt["posterior"]["mu"] > 0).astype(int)
    >>> table = phase_sweep(make_model, [10, 40], sign, draws=200, tune=200, chains=2,
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
    ns = _increasing_ints(ns, "ns")
    seeds = _distinct_ints(data_seeds, "data_seeds")
    beta = validate_beta(beta)
    if evidence is not None and not callable(evidence):
        raise TypeError(
            f"evidence must be None or a callable (model, draws) -> EvidenceResult, got "
            f"{type(evidence).__name__}."
        )
    runs = [(n, s) for n in ns for s in seeds]
    streams = np.random.SeedSequence(validate_random_seed(random_seed)).spawn(len(runs))
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
            draws=draws,
            tune=tune,
            chains=chains,
            sampler=sampler,
            random_seed=int(stream.generate_state(1)[0]),
            progressbar=False,
            nuts=nuts,
            smc=smc,
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
    table.attrs.update({"beta": beta, "draws": draws, "chains": chains, "sampler": sampler})
    return table


def _classifier(classify: Any) -> Callable[[xr.DataTree], Any]:
    if isinstance(classify, str):
        if classify not in _CLASSIFIERS:
            raise ValueError(
                f"classify must be a callable or one of {sorted(_CLASSIFIERS)}, got {classify!r}."
            )
        return _CLASSIFIERS[classify]
    if not callable(classify):
        raise TypeError(
            "classify must be a callable DataTree -> (chain, draw) integer labels, or one of "
            f"{sorted(_CLASSIFIERS)}; got {type(classify).__name__}."
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


# --------------------------------------------------------------------------------------------
# the transition: observed and predicted
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhaseTransition:
    """Per-n summary of a :func:`phase_sweep` between a low and a high phase.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per n: ``n``, ``n_seeds``; ``fraction_high`` (mean over data sets of the share
        of draws in the high phase) and ``fraction_high_se``; ``delta_free_energy``
        :math:`ΔF = F_\\text{low} - F_\\text{high}` (mean over data sets) and
        ``delta_free_energy_se``; with free energies in the sweep, ``local_free_energy_low``
        and ``local_free_energy_high`` (means). Standard errors are the spread over data sets
        divided by √(number of data sets) (Monte-Carlo error included) when there are at least
        two, else the Monte-Carlo error.
    low, high : int
        The phase labels compared.
    observed_n : float
        Where :math:`ΔF` first changes sign from negative to non-negative, interpolated linearly
        in log n between the two grid points around it; NaN if it never does.
    """

    table: pd.DataFrame
    low: int
    high: int
    observed_n: float

    def __repr__(self) -> str:
        head = (
            f"PhaseTransition(low={self.low}, high={self.high}, observed_n={self.observed_n:.4g})"
        )
        return head + "\n" + self.table.to_string(index=False, float_format=lambda v: f"{v:.4g}")


def phase_transition(runs: pd.DataFrame, low: int, high: int) -> PhaseTransition:
    """Summarize a :func:`phase_sweep` table as a transition from phase ``low`` to ``high``.

    Parameters
    ----------
    runs : pandas.DataFrame
        The result of :func:`phase_sweep`.
    low, high : int
        The phase that holds the posterior at small n (higher loss, smaller λ) and the one that
        takes over.

    Returns
    -------
    PhaseTransition
        Per-n table and the observed crossing ``observed_n``.

    Raises
    ------
    TypeError
        If ``runs`` is not a DataFrame.
    ValueError
        If it lacks the :func:`phase_sweep` columns, or ``low``/``high`` are equal or absent.

    Notes
    -----
    Per data set, :math:`ΔF = \\log\\tilde p_\\text{high} - \\log\\tilde p_\\text{low}` with
    delta-method se :math:`\\mathrm{se}_\\text{high}/\\tilde p_\\text{high} +
    \\mathrm{se}_\\text{low}/\\tilde p_\\text{low}` (exact to first order for two exhaustive
    phases, conservative otherwise). Averaging :math:`ΔF` over data sets estimates the expected
    local free energies, as :math:`E[F_n]` is the object of the asymptotic theory.
    """
    if not isinstance(runs, pd.DataFrame):
        raise TypeError(f"runs must be phase_sweep's DataFrame, got {type(runs).__name__}.")
    needed = {"n", "data_seed", "phase", "fraction", "se", "relative_free_energy"}
    if not needed <= set(runs.columns):
        raise ValueError(
            f"runs lacks columns {sorted(needed - set(runs.columns))}; pass phase_sweep's result."
        )
    present = set(runs["phase"])
    if low == high or low not in present or high not in present:
        raise ValueError(
            f"low and high must be two different phases of runs {sorted(present)}, got "
            f"low={low!r}, high={high!r}."
        )
    by = runs.set_index(["n", "data_seed", "phase"])
    lo, hi = by.xs(low, level="phase"), by.xs(high, level="phase")
    per_seed = pd.DataFrame(
        {
            "fraction_high": hi["fraction"],
            "fraction_high_mc_se": hi["se"],
            "delta_free_energy": lo["relative_free_energy"] - hi["relative_free_energy"],
            "delta_free_energy_mc_se": lo["relative_free_energy_se"]
            + hi["relative_free_energy_se"],
        }
    )
    if "local_free_energy" in runs.columns:
        per_seed["local_free_energy_low"] = lo["local_free_energy"]
        per_seed["local_free_energy_high"] = hi["local_free_energy"]
    rows = []
    for n, group in per_seed.groupby(level="n"):
        k = len(group)
        row = {"n": int(n), "n_seeds": k}
        for col in ("fraction_high", "delta_free_energy"):
            mc = float(np.sqrt((group[f"{col}_mc_se"] ** 2).sum()) / k)
            spread = float(group[col].std(ddof=1) / np.sqrt(k)) if k > 1 else mc
            row[col] = float(group[col].mean())
            row[f"{col}_se"] = spread
        for col in ("local_free_energy_low", "local_free_energy_high"):
            if col in group:
                row[col] = float(group[col].mean())
        rows.append(row)
    table = pd.DataFrame(rows)
    return PhaseTransition(table, int(low), int(high), _first_crossing(table))


def _first_crossing(table: pd.DataFrame) -> float:
    log_n = np.log(table["n"].to_numpy(dtype=float))
    df = table["delta_free_energy"].to_numpy()
    for j in range(len(df) - 1):
        if df[j] < 0 <= df[j + 1]:
            t = -df[j] / (df[j + 1] - df[j])
            return float(np.exp(log_n[j] + t * (log_n[j + 1] - log_n[j])))
    return float("nan")


@dataclass(frozen=True, slots=True)
class PhasePrediction:
    """Asymptotic local free energies of two phases and where they cross.

    Attributes
    ----------
    delta_loss_per_point : float
        :math:`ΔL = L(w_\\text{low}) - L(w_\\text{high}) > 0`, the loss excess per observation
        of the low phase (for Gaussian noise of unit variance: half the squared distance of the
        regression functions).
    lambdas : (float, float)
        Learning coefficients :math:`(λ_\\text{low}, λ_\\text{high})`, with
        :math:`λ_\\text{low} < λ_\\text{high}`.
    multiplicities : (int, int), default (1, 1)
        Their multiplicities :math:`(m_\\text{low}, m_\\text{high})`.

    Notes
    -----
    .. math::

        ΔF(n) = F_\\text{low} - F_\\text{high} ≈ n\\,ΔL - (λ_\\text{high} - λ_\\text{low})\\log n
        - (m_\\text{low} - m_\\text{high})\\log\\log n,

    up to an :math:`O_p(1)` constant, which moves the crossing by about
    :math:`1/(ΔL - Δλ/n)` in n per nat.

    Examples
    --------
    >>> from pymc_slt.analysis.phases import PhasePrediction
    >>> round(PhasePrediction(0.15**2 / 2, (5.0, 6.0)).transition_n)
    563
    """

    delta_loss_per_point: float
    lambdas: tuple[float, float]
    multiplicities: tuple[int, int] = (1, 1)

    def __post_init__(self) -> None:
        dl = _positive(self.delta_loss_per_point, "delta_loss_per_point")
        lam = _pair(self.lambdas, "lambdas", float)
        mult = _pair(self.multiplicities, "multiplicities", int)
        if not lam[0] < lam[1]:
            raise ValueError(
                f"lambdas must be (λ_low, λ_high) with λ_low < λ_high, got {lam}; a phase that "
                "fits better and is simpler always wins, so there is no transition."
            )
        if min(mult) < 1:
            raise ValueError(f"multiplicities must be >= 1, got {mult}.")
        object.__setattr__(self, "delta_loss_per_point", dl)
        object.__setattr__(self, "lambdas", lam)
        object.__setattr__(self, "multiplicities", mult)

    def delta_free_energy(self, n: Any) -> np.ndarray:
        """:math:`ΔF(n) = F_\\text{low} - F_\\text{high}` from the leading terms (n > 1)."""
        n = np.asarray(n, dtype=float)
        (l0, l1), (m0, m1) = self.lambdas, self.multiplicities
        return self.delta_loss_per_point * n - (l1 - l0) * np.log(n) - (m0 - m1) * np.log(np.log(n))

    @property
    def transition_n(self) -> float:
        """The largest n where :math:`ΔF(n) = 0` (beyond it the high phase wins)."""
        grid = np.geomspace(3.0, 1e15, 2000)
        g = self.delta_free_energy(grid)
        below = np.flatnonzero(g < 0)
        if below.size == 0:
            raise ValueError(
                "the local free energies never cross: the loss excess outweighs the complexity "
                f"gain at every n (ΔL = {self.delta_loss_per_point:g}, λ = {self.lambdas})."
            )
        j = below[-1]
        return float(brentq(self.delta_free_energy, grid[j], grid[j + 1]))


def _pair(value: Any, name: str, kind: type) -> tuple:
    if isinstance(value, str | bytes) or np.ndim(value) != 1 or len(value) != 2:
        raise TypeError(f"{name} must be a pair (low, high), got {value!r}.")
    for v in value:
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v):
            raise TypeError(f"{name} must hold two finite numbers, got {value!r}.")
        if kind is int and int(v) != v:
            raise TypeError(f"{name} must hold integers, got {value!r}.")
    return tuple(kind(v) for v in value)


def predicted_transition_n(
    delta_loss_per_point: float,
    lambdas: tuple[float, float],
    multiplicities: tuple[int, int] = (1, 1),
) -> float:
    """The n where the local free energies of two phases cross, from their leading terms.

    Solves :math:`n\\,ΔL = (λ_\\text{high} - λ_\\text{low})\\log n + (m_\\text{low} -
    m_\\text{high})\\log\\log n` for its largest root (see :class:`PhasePrediction`).

    Parameters
    ----------
    delta_loss_per_point : float
        Loss excess per observation of the low phase, > 0.
    lambdas : (float, float)
        :math:`(λ_\\text{low}, λ_\\text{high})`, increasing.
    multiplicities : (int, int), default (1, 1)
        :math:`(m_\\text{low}, m_\\text{high})`.

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        For a non-positive ``delta_loss_per_point``, ``lambdas`` not increasing, multiplicities
        < 1, or if the two never cross.

    Examples
    --------
    DESIGN.md's example: M = N = 4, H = 2, rank-2 truth with :math:`s_2 = 0.15`; the rank-1
    phase has :math:`ΔL = s_2^2/2`, :math:`(λ, m) = (5, 2)`, the rank-2 phase :math:`(6, 1)`
    (``slt.theory.rlct_reduced_rank(4, 4, 2, r, with_multiplicity=True)`` for r = 1, 2).

    >>> from pymc_slt.analysis.phases import predicted_transition_n
    >>> round(predicted_transition_n(0.15**2 / 2, (5.0, 6.0)))  # without log log n
    563
    >>> round(predicted_transition_n(0.15**2 / 2, (5.0, 6.0), (2, 1)))
    757
    """
    return PhasePrediction(delta_loss_per_point, lambdas, multiplicities).transition_n


def rrr_phase_prediction(
    M: int, N: int, H: int, singular_values: Sequence[float], *, noise_sd: float = 1.0
) -> PhasePrediction:
    """The two competing phases of reduced-rank regression at a truth with a small component.

    With a rank-k truth (``singular_values`` s_1 ≥ … ≥ s_k, k ≤ H, inputs x ~ N(0, I_M)), the
    phase "rank k − 1" drops the smallest component: loss excess :math:`ΔL = s_k^2/(2σ^2)` per
    observation and learning coefficient λ(M, N, H, k − 1); the phase "rank k" fits the truth
    with λ(M, N, H, k) (Aoyagi & Watanabe 2005, with multiplicities).

    Parameters
    ----------
    M, N, H : int
        Inputs, outputs and hidden units of the model.
    singular_values : sequence of float
        The truth's nonzero singular values (k of them, 1 ≤ k ≤ H).
    noise_sd : float, default 1.0
        Noise standard deviation σ.

    Returns
    -------
    PhasePrediction
        Low phase rank k − 1, high phase rank k.

    Examples
    --------
    >>> round(rrr_phase_prediction(4, 4, 2, (1.0, 0.15)).transition_n)
    757
    """
    from pymc_slt.analysis.theory import rlct_reduced_rank

    values = sorted((_positive(s, "singular_values") for s in singular_values), reverse=True)
    k = len(values)
    if not 1 <= k <= H:
        raise ValueError(f"singular_values must hold 1 to H={H} values, got {k}.")
    sigma = _positive(noise_sd, "noise_sd")
    low = rlct_reduced_rank(M, N, H, k - 1, with_multiplicity=True)
    high = rlct_reduced_rank(M, N, H, k, with_multiplicity=True)
    return PhasePrediction(
        values[-1] ** 2 / (2 * sigma**2),
        (low.lam, high.lam),
        (low.multiplicity, high.multiplicity),
    )
