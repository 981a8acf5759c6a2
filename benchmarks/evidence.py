"""log Z: pymc-slt's four methods next to raw ``pm.sample_smc`` and dynesty, against exact answers.

Models (n = 200 observations, X ~ N(0, 1), unit noise):

* conjugate linear regression ``y = X w + ε``, ``w ~ N(0, 2²)``, d ∈ {2, 8, 20, 50}: exact
  ``log Z = log N(y; 0, I + 4 X Xᵀ)``;
* the singular toy ``y = a·b·x + ε``, ``a, b ~ N(0, 1)``, with a zero truth (λ = 1/2, m = 2: the
  posterior is a cross along the axes) and with a·b = 0.5 (two mirror modes (a, b), (−a, −b)).
  Integrating ``a`` out, ``y | b ~ N(0, I + b² x xᵀ)``, so ``log Z`` is a 1-D quadrature.

Methods:

* ``bridge``, ``stepping_stone``, ``thermodynamic``: ``slt.log_marginal_likelihood`` with
  defaults (4 chains × 1000 draws after 1000 tuning steps, per rung for a ladder); ``bridge`` is
  its default warp-III proposal, ``bridge (normal)`` the normal one on the same draws (same
  seed); ``benchmarks/bridge_r.py`` sets both beside R's ``bridgesampling``;
* ``smc (ours)``: ``method="smc"`` reading the very run of the next row (pooled over chains on
  the Z scale, se from the chain spread); its time is that run's;
* ``pm.sample_smc (raw)``: 4 chains × 2000 particles, ``log Z`` = mean over chains of each
  chain's final ``log_marginal_likelihood``, no se;
* ``dynesty``: static nested sampling (500 live points, dynesty's default sampler choice,
  default stopping rule), its ``logzerr`` as se; only up to d = 20 (at d = 20 it takes minutes
  on this machine; at d = 50 much longer). Skipped with a note if dynesty is not installed.

Prints one table and writes it to ``benchmarks/results/evidence.json`` with the package version,
the machine and the commands (rows of a model run again replace its old ones, the others stay);
asserts nothing except in ``--quick`` mode (below). Timings (wall clock, including compilation)
are indicative only, all the more on a shared machine.

    .venv/bin/python benchmarks/evidence.py [--dims 2 8 20 50] [--seed 0]

``--quick`` runs linear d = 2 only, ours at 2 chains × 500 draws after 500 tuning steps,
``pm.sample_smc`` at 4 × 500 particles and dynesty at 100 live points, and asserts |error| <
4 se + 0.02 nat for every row with an se; it writes no results file.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pymc as pm
from _store import command_line, fmt, markdown_table, update_result
from scipy import integrate, stats

from pymc_slt.evidence.marginal_likelihood import log_marginal_likelihood
from pymc_slt.exact import ConjugateLinearRegression

N = 200
PRIOR_SD = 2.0
SMC_DRAWS, SMC_CHAINS = 2000, 4
DYNESTY_LIVE, DYNESTY_MAX_D = 500, 20
#: quick mode: our sampler settings, SMC particles per chain, dynesty's live points
QUICK_SAMPLING, QUICK_SMC_DRAWS, QUICK_LIVE = {"draws": 500, "tune": 500, "chains": 2}, 500, 100
#: (label, method, extra keyword arguments) of our rows.
OURS = (
    ("bridge", "bridge", {}),
    ("bridge (normal)", "bridge", {"bridge_proposal": "normal"}),
    ("stepping_stone", "stepping_stone", {}),
    ("thermodynamic", "thermodynamic", {}),
)


@dataclass(frozen=True)
class Case:
    """A model, its exact log Z, and the NumPy log-likelihood and prior transform for dynesty."""

    name: str
    model: pm.Model
    log_z: float
    loglike: Callable[[np.ndarray], float]
    prior_transform: Callable[[np.ndarray], np.ndarray]
    dim: int


def conjugate(d: int, seed: int) -> Case:
    rng = np.random.default_rng(seed + d)
    X = rng.normal(size=(N, d))
    y = X @ rng.normal(size=d) + rng.normal(size=N)
    exact = ConjugateLinearRegression(X, y, noise_sd=1.0, prior_sd=PRIOR_SD)
    const = -0.5 * N * np.log(2 * np.pi)

    def loglike(w: np.ndarray) -> float:
        r = y - X @ w
        return const - 0.5 * r @ r

    def prior_transform(u: np.ndarray) -> np.ndarray:
        return PRIOR_SD * stats.norm.ppf(u)

    return Case(f"linear d={d}", exact.model(), exact.log_evidence(), loglike, prior_transform, d)


def product(truth: float, seed: int) -> Case:
    rng = np.random.default_rng(seed + 1000)
    x = rng.normal(size=N)
    y = truth * x + rng.normal(size=N)
    with pm.Model() as model:
        a = pm.Normal("a", 0, 1)
        b = pm.Normal("b", 0, 1)
        pm.Normal("y", a * b * x, 1, observed=y)
    s, t, yy = x @ x, x @ y, y @ y

    def log_marginal_given_b(b: float) -> float:
        g = 1 + b**2 * s
        return -0.5 * (N * np.log(2 * np.pi) + np.log(g) + yy - b**2 * t**2 / g)

    shift = max(log_marginal_given_b(b) for b in np.linspace(-5, 5, 2001))
    value, _ = integrate.quad(
        lambda b: np.exp(log_marginal_given_b(b) - shift) * stats.norm.pdf(b),
        -np.inf,
        np.inf,
        epsabs=0,
        epsrel=1e-12,
        limit=500,
    )
    const = -0.5 * N * np.log(2 * np.pi)

    def loglike(w: np.ndarray) -> float:
        r = y - w[0] * w[1] * x
        return const - 0.5 * r @ r

    label = "a·b·x truth 0" if truth == 0 else f"a·b·x truth {truth:g}"
    return Case(label, model, shift + np.log(value), loglike, stats.norm.ppf, 2)


def timed(fn: Callable[[], tuple[float, float]]) -> tuple[float, float, float]:
    start = time.perf_counter()
    log_z, se = fn()
    return log_z, se, time.perf_counter() - start


def run_case(case: Case, seed: int, quick: bool) -> list[tuple[str, str, float, float, float]]:
    sampling = QUICK_SAMPLING if quick else {}
    rows = []
    for label, method, kwargs in OURS:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            log_z, se, seconds = timed(
                partial(_ours, case.model, method, seed, **sampling, **kwargs)
            )
        flag = " (warned)" if any(issubclass(w.category, UserWarning) for w in caught) else ""
        rows.append((case.name, label + flag, log_z - case.log_z, se, seconds))
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        idata = pm.sample_smc(
            draws=QUICK_SMC_DRAWS if quick else SMC_DRAWS,
            chains=SMC_CHAINS,
            cores=1,
            model=case.model,
            random_seed=seed,
            progressbar=False,
            compute_convergence_checks=False,
        )
    smc_seconds = time.perf_counter() - start
    ours = log_marginal_likelihood(case.model, method="smc", data=idata)
    rows.append((case.name, "smc (ours)", ours.log_z - case.log_z, ours.se, smc_seconds))
    raw = float(np.mean(ours.diagnostics["log_z_chains"]))
    rows.append((case.name, "pm.sample_smc (raw)", raw - case.log_z, np.nan, smc_seconds))
    rows.append((case.name, *_dynesty(case, seed, QUICK_LIVE if quick else DYNESTY_LIVE)))
    return rows


def _ours(model: pm.Model, method: str, seed: int, **kwargs: object) -> tuple[float, float]:
    result = log_marginal_likelihood(
        model, method=method, random_seed=seed, progressbar=False, **kwargs
    )
    return result.log_z, result.se


def _dynesty(case: Case, seed: int, nlive: int) -> tuple[str, float, float, float]:
    try:
        import dynesty
    except ImportError:
        return "dynesty (not installed)", np.nan, np.nan, np.nan
    if case.dim > DYNESTY_MAX_D:
        return f"dynesty (skipped: d > {DYNESTY_MAX_D})", np.nan, np.nan, np.nan
    start = time.perf_counter()
    sampler = dynesty.NestedSampler(
        case.loglike,
        case.prior_transform,
        case.dim,
        nlive=nlive,
        rstate=np.random.default_rng(seed),
    )
    sampler.run_nested(print_progress=False)
    res = sampler.results
    return "dynesty", res.logz[-1] - case.log_z, res.logzerr[-1], time.perf_counter() - start


def markdown(rows: list[dict]) -> str:
    """The results table: per model and method the error, se, |error|/se and seconds."""
    cells = [
        [r["model"], r["method"], fmt(r["error"], "+.3f"), fmt(r["se"], ".3f"),
         fmt(r["ratio"], ".1f"), fmt(r["seconds"], ".1f")]
        for r in rows
    ]  # fmt: skip
    return markdown_table(["model", "method", "error", "se", "|err|/se", "seconds"], cells)


def _ratio(error: float, se: float) -> float:
    return abs(error) / se if np.isfinite(se) and se > 0 else np.nan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dims", type=int, nargs="+", default=[2, 8, 20, 50])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--quick", action="store_true", help="linear d = 2, few draws, checked")
    args = parser.parse_args()
    cases = [conjugate(d, args.seed) for d in ([2] if args.quick else args.dims)]
    if not args.quick:
        cases += [product(0.0, args.seed), product(0.5, args.seed)]
    header = f"{'model':<18}{'method':<34}{'error':>9}{'se':>9}{'|err|/se':>10}{'seconds':>9}"
    print(header)
    print("-" * len(header))
    stored = []
    for case in cases:
        rows = run_case(case, args.seed, args.quick)
        for name, method, error, se, seconds in rows:
            ratio = _ratio(error, se)
            print(f"{name:<18}{method:<34}{error:>+9.3f}{se:>9.3f}{ratio:>10.1f}{seconds:>9.1f}")
            stored.append(
                {"model": name, "method": method, "error": error, "se": se, "ratio": ratio,
                 "seconds": seconds, "command": command_line()}
            )  # fmt: skip
        print(flush=True)
    if not args.quick:
        update_result("evidence", stored, lambda r: (r["model"], r["method"]), markdown)
    if args.quick:
        checked = [(method, error, 4 * se + 0.02) for _, method, error, se, _ in rows
                   if np.isfinite(se)]  # fmt: skip
        for method, error, bound in checked:
            print(f"{method}: |error| {abs(error):.3f} (bound 4 se + 0.02 = {bound:.3f})")
        if rows[-1][1] == "dynesty (not installed)":
            print('peer dynesty skipped: pip install -e ".[bench]" (or pip install dynesty)')
        assert all(abs(error) < bound for _, error, bound in checked), checked


if __name__ == "__main__":
    main()
