"""Bridge sampling of the log marginal likelihood from ordinary posterior draws.

The estimator of Meng & Wong (1996) with a Gaussian proposal on the unconstrained space and the
"optimal" bridge function, solved by their iterative scheme, as in Gronau et al. (2017) and the R
package ``bridgesampling``; its error is the relative mean-squared error of Frühwirth-Schnatter
(2004). Used by :func:`pymc_slt.log_marginal_likelihood` with ``method="bridge"``.

References
----------
Meng, X.-L. & Wong, W. H. (1996). Simulating ratios of normalizing constants via a simple identity:
a theoretical exploration. Statistica Sinica 6(4), 831–860. https://www.jstor.org/stable/24306045

Frühwirth-Schnatter, S. (2004). Estimating marginal likelihoods for mixture and Markov switching
models using bridge sampling techniques. The Econometrics Journal 7(1), 143–167.
doi:10.1111/j.1368-423X.2004.00125.x

Gronau, Q. F. et al. (2017). A tutorial on bridge sampling. Journal of Mathematical Psychology 81,
80–97. doi:10.1016/j.jmp.2017.09.005, arXiv:1703.05984
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import arviz_stats as azs
import numpy as np
import pymc as pm
import pytensor
import xarray as xr
from pymc.distributions.mixture import MixtureRV
from pymc.distributions.transforms import Ordered
from pytensor.graph.replace import graph_replace
from scipy.special import logsumexp

from pymc_slt.evidence.result import EvidenceResult, warn_problems
from pymc_slt.sampling.diagnostics import RHAT_MAX
from pymc_slt.sampling.tempered import sample_tempered

__all__ = ["bridge_log_evidence", "run_bridge", "unconstrained_draws"]

#: Pareto k̂ above which the Gaussian proposal misses part of the posterior (Vehtari et al. 2024).
KHAT_MAX = 0.7
#: Halves whose estimates differ by more than this many combined standard errors disagree.
HALVES_Z_MAX = 3.0
_TOL = 1e-10
_MAXITER = 1000


def _value_layout(model: pm.Model) -> list[tuple[Any, tuple[int, ...]]]:
    """(value variable, shape) for each free variable, in ``model.free_RVs`` order."""
    point = model.initial_point()
    out = []
    for rv in model.free_RVs:
        value = model.rvs_to_values[rv]
        out.append((value, tuple(np.shape(point[value.name]))))
    return out


def unconstrained_draws(model: pm.Model, posterior: xr.Dataset) -> np.ndarray:
    """Posterior draws mapped to the unconstrained space the sampler works in.

    Each free variable goes through its value transform (``log`` for positive variables,
    ``logodds`` for intervals, …), whose parameters may depend on other free variables.

    Parameters
    ----------
    model : pymc.Model
        The model the draws come from.
    posterior : xarray.Dataset
        Draws of every free variable, dims ``(chain, draw, ...)``.

    Returns
    -------
    ndarray, shape (chain, draw, D)
        The draws, flattened in ``model.free_RVs`` order; ``D`` is the unconstrained dimension.
    """
    free = model.free_RVs
    missing = [rv.name for rv in free if rv.name not in posterior]
    if missing:
        raise ValueError(
            f"the posterior draws lack the free variable(s) {missing} of the model; pass draws "
            "of this very model (e.g. from pymc_slt.sample_tempered(model, 1.0))."
        )
    placeholders = [rv.type(name=rv.name) for rv in free]
    outs = []
    for rv, x in zip(free, placeholders, strict=True):
        transform = model.rvs_to_transforms.get(rv)
        outs.append(x if transform is None else transform.forward(x, *rv.owner.inputs))
    outs = graph_replace(outs, dict(zip(free, placeholders, strict=True)), strict=False)
    forward = pytensor.function(placeholders, outs, on_unused_input="ignore")
    arrays = [
        np.asarray(posterior[rv.name].transpose("chain", "draw", ...).values, dtype=rv.dtype)
        for rv in free
    ]
    n_chain, n_draw = arrays[0].shape[:2]
    flat = []
    for c in range(n_chain):
        for s in range(n_draw):
            values = forward(*(a[c, s] for a in arrays))
            flat.append(np.concatenate([np.ravel(v) for v in values]))
    return np.asarray(flat).reshape(n_chain, n_draw, -1)


def _log_density_fn(model: pm.Model) -> Callable[[np.ndarray], np.ndarray]:
    """``θ (S, D) ↦ log φ(w) + Σ log p(y|w) + log|Jacobian|`` on the unconstrained space."""
    layout = _value_layout(model)
    values = [v for v, _ in layout]
    logp = pytensor.function(values, model.logp(jacobian=True), trust_input=True)
    sizes = [int(np.prod(shape)) for _, shape in layout]
    bounds = np.cumsum([0, *sizes])

    def log_density(theta: np.ndarray) -> np.ndarray:
        out = np.empty(theta.shape[0])
        for i, row in enumerate(theta):
            args = [
                np.asarray(row[a:b].reshape(shape), dtype=v.dtype)
                for (v, shape), a, b in zip(layout, bounds[:-1], bounds[1:], strict=True)
            ]
            out[i] = logp(*args)
        out[~np.isfinite(out)] = -np.inf
        return out

    return log_density


def _gaussian(fit: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and lower Cholesky factor of the (positive-definite) covariance of ``fit`` (S, D)."""
    mean = fit.mean(axis=0)
    cov = np.atleast_2d(np.cov(fit, rowvar=False))
    eigval, eigvec = np.linalg.eigh(cov)
    floor = max(float(eigval.max()), 1e-300) * 1e-10
    cov = (eigvec * np.maximum(eigval, floor)) @ eigvec.T
    return mean, np.linalg.cholesky(cov)


def _gaussian_logpdf(x: np.ndarray, mean: np.ndarray, chol: np.ndarray) -> np.ndarray:
    z = np.linalg.solve(chol, (x - mean).T)
    log_det = 2.0 * np.sum(np.log(np.diag(chol)))
    return -0.5 * (np.sum(z**2, axis=0) + mean.size * np.log(2 * np.pi) + log_det)


def _bridge_log_ratio(l1: np.ndarray, l2: np.ndarray, log_s1: float, log_s2: float) -> float:
    """Fixed point log r of the Meng–Wong iteration, for log-ratios l = log q − log g.

    ``l1`` at posterior draws, ``l2`` at proposal draws; ``r`` estimates Z (times exp(-shift)).
    """
    log_r = 0.0
    for _ in range(_MAXITER):
        num = logsumexp(l2 - np.logaddexp(log_s1 + l2, log_s2 + log_r)) - np.log(l2.size)
        den = logsumexp(-np.logaddexp(log_s1 + l1, log_s2 + log_r)) - np.log(l1.size)
        new = float(num - den)
        if abs(new - log_r) < _TOL:
            return new
        log_r = new
    raise RuntimeError(
        "the bridge-sampling iteration did not converge in "
        f"{_MAXITER} steps; the proposal and the posterior barely overlap: use "
        "method='stepping_stone' or method='smc'."
    )


def _relative_mse(l1, l2, log_r, log_s1, log_s2, n_eff) -> float:
    """Frühwirth-Schnatter (2004) relative MSE of the bridge estimate of Z.

    .. math::

        \\mathrm{RE}^2 = \\frac{1}{N_2}\\frac{V_g(f_1)}{E_g(f_1)^2}
                       + \\frac{1}{N_{\\mathrm{eff}}}\\frac{V_p(f_2)}{E_p(f_2)^2},\\quad
        f_1 = \\frac{p}{s_1 p + s_2 g},\\quad f_2 = \\frac{g}{s_1 p + s_2 g},

    with ``p = q/Ẑ``; the autocorrelation of the posterior draws enters through ``N_eff``.
    """
    f1 = np.exp(l2 - log_r - np.logaddexp(log_s1 + l2 - log_r, log_s2))
    f2 = np.exp(-np.logaddexp(log_s1 + l1 - log_r, log_s2))
    term1 = np.var(f1, ddof=1) / (f1.size * np.mean(f1) ** 2)
    term2 = np.var(f2, ddof=1) / (n_eff * np.mean(f2) ** 2)
    return float(term1 + term2)


def _one_direction(
    fit: np.ndarray, iterate: np.ndarray, log_density, rng: np.random.Generator
) -> dict[str, float]:
    """Bridge estimate, proposal fitted to ``fit`` (chain, draw, D), iteration on ``iterate``."""
    n_chain, n_draw, dim = iterate.shape
    mean, chol = _gaussian(fit.reshape(-1, dim))
    post = iterate.reshape(-1, dim)
    prop = mean + rng.standard_normal((post.shape[0], dim)) @ chol.T
    l1 = log_density(post) - _gaussian_logpdf(post, mean, chol)
    l2 = log_density(prop) - _gaussian_logpdf(prop, mean, chol)
    if not np.all(np.isfinite(l1)):
        raise ValueError(
            "the model's log density is -inf or NaN at some posterior draws; the draws do not "
            "come from this model's posterior."
        )
    # ESS of l1 = ESS of f2 (rank-based bulk ESS is invariant to the monotone map l1 ↦ f2).
    n_eff = float(min(azs.ess(l1.reshape(n_chain, n_draw), method="bulk"), l1.size))
    log_s1 = np.log(n_eff / (n_eff + l2.size))
    log_s2 = np.log(l2.size / (n_eff + l2.size))
    shift = float(np.median(l1))
    log_r = _bridge_log_ratio(l1 - shift, l2 - shift, log_s1, log_s2)
    re2 = _relative_mse(l1 - shift, l2 - shift, log_r, log_s1, log_s2, n_eff)
    finite = l2[np.isfinite(l2)]
    khat = azs.base.array_stats.pareto_khat(
        finite, chain_axis=None, draw_axis=-1, r_eff=1.0, tail="right", log_weights=True
    )
    return {
        "log_z": log_r + shift,
        "se": float(np.sqrt(re2)),
        "n_eff": n_eff,
        "pareto_khat": float(khat),
    }


def bridge_log_evidence(
    model: pm.Model, posterior: xr.Dataset, rng: np.random.Generator
) -> tuple[float, float, dict[str, Any], list[str]]:
    """Bridge-sampling log Z from posterior draws, both ways round.

    Returns ``(log_z, se, diagnostics, problems)``; ``problems`` is empty if nothing looks wrong.
    The draws are split along ``draw`` into halves A and B: the estimate with the proposal fitted
    to A and the iteration on B, and the one with the roles swapped, are averaged. Their standard
    errors are averaged too, which bounds the se of the mean whatever the correlation of the two.
    """
    theta = unconstrained_draws(model, posterior)
    n_chain, n_draw, _ = theta.shape
    if n_draw < 20:
        raise ValueError(
            f"bridge sampling needs at least 20 draws per chain, got {n_draw}; draws=1000 is "
            "a good start."
        )
    log_density = _log_density_fn(model)
    half = n_draw // 2
    first, second = theta[:, :half], theta[:, half : 2 * half]
    forward = _one_direction(first, second, log_density, rng)
    backward = _one_direction(second, first, log_density, rng)
    log_z = 0.5 * (forward["log_z"] + backward["log_z"])
    se = 0.5 * (forward["se"] + backward["se"])
    gap = abs(forward["log_z"] - backward["log_z"])
    gap_z = gap / np.hypot(forward["se"], backward["se"])
    max_rhat = (
        float(np.nanmax(azs.rhat(theta, chain_axis=0, draw_axis=1))) if n_chain > 1 else np.nan
    )
    khat = max(forward["pareto_khat"], backward["pareto_khat"])
    problems = []
    if np.isfinite(max_rhat) and max_rhat > RHAT_MAX:
        problems.append(
            f"chains disagree (max r_hat {max_rhat:.3f} > {RHAT_MAX}): the posterior may be "
            "multimodal and the draws may not weigh its modes correctly"
        )
    if gap_z > HALVES_Z_MAX:
        problems.append(
            f"the two halves of the draws give log Z differing by {gap:.3g} "
            f"({gap_z:.1f} standard errors)"
        )
    if khat > KHAT_MAX:
        problems.append(
            f"the Gaussian proposal fits the posterior poorly (Pareto k-hat {khat:.2f} > "
            f"{KHAT_MAX}), as for curved, heavy-tailed or multimodal posteriors"
        )
    diagnostics = {
        "log_z_halves": (forward["log_z"], backward["log_z"]),
        "se_halves": (forward["se"], backward["se"]),
        "n_eff": (forward["n_eff"], backward["n_eff"]),
        "pareto_khat": khat,
        "max_rhat": max_rhat,
        "n_draws": n_chain * n_draw,
        "dim": theta.shape[-1],
    }
    return log_z, se, diagnostics, problems


def run_bridge(model, data, seeds, sampler_kwargs, *, draws, tune, chains, progressbar, sampler):
    """:class:`EvidenceResult` of ``method="bridge"``: sample (or reuse ``data``), then bridge."""
    if data is None:
        data = sample_tempered(
            model,
            1.0,
            draws=draws,
            tune=tune,
            chains=chains,
            random_seed=seeds[0],
            progressbar=progressbar,
            sampler=sampler,
            sampler_kwargs=sampler_kwargs,
        )
    posterior = data["posterior"].to_dataset()
    log_z, se, diagnostics, problems = bridge_log_evidence(
        model, posterior, np.random.default_rng(seeds[1])
    )
    if posterior.sizes["chain"] < 2:
        problems.append("with one chain, separated modes cannot be detected")
    if data.attrs.get("sampler", "nuts") != "smc" and _unordered_mixture(model):
        problems.append(
            "the likelihood is a mixture whose components are not ordered, so the posterior "
            "has a label-switched copy of every mode; NUTS chains stay in one and bridge "
            "sampling then misses the others (log Z short by up to log K! for K components). "
            "An ordered transform on the component means removes the copies"
        )
    warn_problems(
        problems,
        "bridge sampling needs draws that weigh every mode correctly; use "
        "method='stepping_stone' or method='smc' for multimodal (singular) posteriors, or more "
        "chains and draws",
    )
    return EvidenceResult(log_z, se, "bridge", diagnostics)


def _unordered_mixture(model: pm.Model) -> bool:
    """Whether an observed variable is a ``pm.Mixture``/``pm.NormalMixture`` while no free
    variable has an ``ordered`` transform (the usual way to remove label switching)."""
    mixture = any(
        rv.owner is not None and isinstance(rv.owner.op, MixtureRV) for rv in model.observed_RVs
    )
    ordered = any(isinstance(t, Ordered) for t in model.rvs_to_transforms.values())
    return mixture and not ordered
