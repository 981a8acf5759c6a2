"""Bridge sampling: pymc-slt's ``normal`` and ``warp3`` next to R's ``bridgesampling``, same draws.

Problems (two on real data, one synthetic; every log Z is known to ~1e-6 nat or better):

* ``cars`` (R's ``cars``, n = 50, shipped as :func:`pymc_slt.datasets.load_cars`): stopping
  distance on 1, z, z² (z the standardized speed) with unknown noise, normal-inverse-gamma prior
  ``b ~ N(0, v0 σ²)``, ``σ² ~ InvGamma(a0, b0)``; d = 4 (σ² on the log scale). Exact log Z of the
  multivariate t marginal.
* ``mtcars`` (R's ``mtcars``, Motor Trend 1974, n = 32): logistic regression of the transmission
  ``am`` on 1, standardized weight and horsepower, ``b ~ N(0, 2.5²)``; d = 3, a strongly skewed
  posterior (the effects are nearly separating). log Z by a 3-D trapezoid rule on a whitened grid
  around the mode (checked against a coarser grid).
* ``linear d=20``: the conjugate regression of ``benchmarks/evidence.py`` (n = 200, known noise,
  ``w ~ N(0, 2²)``); exact log Z.

For each of ``--reps`` repetitions, fresh NUTS draws (4 chains × 1000 after 1000 tuning steps,
seed = repetition) go to both implementations:

* ours: :func:`pymc_slt.base.bridge.bridge_draws` on the unconstrained draws, both ways
  round (fit on the first half of each chain and iterate on the second, then swapped, averaged),
  and "A→B" for the first direction alone, which is what R does;
* R: ``bridge_sampler(samples, log_posterior, data, lb, ub, method)`` of ``bridgesampling`` on the
  same draws in the matrix interface (rows ordered so that its first half, which fits the
  proposal, is the first half of every chain), with the log posterior written in R
  (``benchmarks/bridge_r.R``). R's se is ``error_measures()$cv`` for ``normal``; it gives none for
  one ``warp3`` run.

Columns: mean log Z over repetitions minus the exact value, the sd over repetitions, the root
mean-squared error, the mean reported se, and the mean seconds of the bridge step alone (ours:
with the log density already compiled, its one-off compile printed apart; R: ``system.time``
of ``bridge_sampler`` only). "looped" rows time our bridge step with the log density evaluated
one draw at a time, as before it was batched. The tables go to ``benchmarks/results/bridge_r.json``
with the package version, the machine and the commands (a problem run again replaces its table,
the others stay). Asserts nothing except in ``--quick``
mode (below);
R's rows are skipped with a note if ``Rscript`` or the package is missing (Debian/Ubuntu:
``apt-get install r-cran-bridgesampling``; elsewhere ``install.packages("bridgesampling")`` in R).

    .venv/bin/python benchmarks/bridge_r.py [--reps 20] [--problems cars mtcars linear]

``--quick`` runs ``cars`` once on 2 chains × 500 draws after 500 tuning steps and asserts, for
ours and (where installed) R's ``normal`` and ``warp3``, |error| < 4 se + 0.01 nat against the
exact log Z, se being ours for that proposal (the same draws; R gives none for ``warp3``); it
writes no results file.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt
from _store import command_line, fmt, markdown_table, update_result
from scipy import optimize, special, stats

from pymc_slt.base.bridge import bridge_draws
from pymc_slt.datasets import load_cars
from pymc_slt.evidence.unconstrained import (
    log_density_fn,
    looped_log_density_fn,
    unconstrained_draws,
)
from pymc_slt.exact import ConjugateLinearRegression
from pymc_slt.sampling.tempered import sample_tempered

HERE = Path(__file__).resolve().parent
SAMPLING = {"draws": 1000, "tune": 1000, "chains": 4, "progressbar": False}
QUICK_SAMPLING = {**SAMPLING, "draws": 500, "tune": 500, "chains": 2}
#: quick mode: a row -> our row whose se bounds its error (R's on the same draws)
QUICK_CHECKS = {"ours normal": "ours normal", "ours warp3": "ours warp3",
                "R normal": "ours normal", "R warp3": "ours warp3"}  # fmt: skip

# mtcars (R's datasets package; Henderson & Velleman 1981, from Motor Trend, 1974): am, wt, hp.
MTCARS_AM = [1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
MTCARS_AM += [0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1]
MTCARS_WT = [2.62, 2.875, 2.32, 3.215, 3.44, 3.46, 3.57, 3.19, 3.15, 3.44, 3.44, 4.07, 3.73]
MTCARS_WT += [3.78, 5.25, 5.424, 5.345, 2.2, 1.615, 1.835, 2.465, 3.52, 3.435, 3.84, 3.845]
MTCARS_WT += [1.935, 2.14, 1.513, 3.17, 2.77, 3.57, 2.78]
MTCARS_HP = [110, 110, 93, 110, 175, 105, 245, 62, 95, 123, 123, 180, 180, 180, 205, 215]
MTCARS_HP += [230, 66, 52, 65, 97, 150, 150, 245, 175, 66, 91, 113, 264, 175, 335, 109]


@dataclass
class Problem:
    """A model, its exact log Z, and what the R script needs to write the same log posterior."""

    name: str
    model: pm.Model
    log_z: float
    r_problem: str
    X: np.ndarray
    y: np.ndarray
    hyper: dict[str, float] = field(default_factory=dict)


def _standardize(x: np.ndarray) -> np.ndarray:
    return (x - x.mean()) / x.std(ddof=1)


def cars_problem(v0: float = 10.0, a0: float = 2.0, b0: float = 450.0) -> Problem:
    """Normal-inverse-gamma regression of ``dist`` on 1, z, z² (exact log Z)."""
    cars = load_cars()
    z = _standardize(cars["speed"].to_numpy(float))
    X = np.column_stack([np.ones_like(z), z, z**2])
    y = cars["dist"].to_numpy(float)
    n, p = X.shape
    with pm.Model() as model:
        sigma2 = pm.InverseGamma("sigma2", alpha=a0, beta=b0)
        b = pm.Normal("beta", 0.0, pt.sqrt(v0 * sigma2), shape=p)
        pm.Normal("y", pt.dot(X, b), pt.sqrt(sigma2), observed=y)
    precision = np.eye(p) / v0 + X.T @ X
    mean = np.linalg.solve(precision, X.T @ y)
    a_n = a0 + n / 2
    b_n = b0 + 0.5 * (y @ y - mean @ precision @ mean)
    log_z = (
        -0.5 * n * np.log(2 * np.pi)
        - 0.5 * (np.linalg.slogdet(precision)[1] + p * np.log(v0))
        + a0 * np.log(b0)
        - a_n * np.log(b_n)
        + special.gammaln(a_n)
        - special.gammaln(a0)
    )
    check = stats.multivariate_t(np.zeros(n), (b0 / a0) * (np.eye(n) + v0 * X @ X.T), df=2 * a0)
    assert abs(check.logpdf(y) - log_z) < 1e-8
    return Problem("cars (NIG)", model, float(log_z), "nig", X, y, {"v0": v0, "a0": a0, "b0": b0})


def _logistic_log_post(b: np.ndarray, X: np.ndarray, y: np.ndarray, sd: float) -> np.ndarray:
    """Unnormalized log posterior at rows of ``b`` (S, p)."""
    eta = b @ X.T
    loglik = np.sum(y * eta - np.logaddexp(0.0, eta), axis=-1)
    return loglik + np.sum(stats.norm.logpdf(b, 0.0, sd), axis=-1)


def _quadrature_log_z(X: np.ndarray, y: np.ndarray, sd: float, half_width: float, k: int):
    """log Z by the trapezoid rule on a k^p grid over ±half_width in whitened coordinates."""
    p = X.shape[1]
    res = optimize.minimize(
        lambda b: -_logistic_log_post(b[None], X, y, sd)[0], np.zeros(p), method="BFGS"
    )
    mode = res.x
    prob = special.expit(X @ mode)
    hessian = (X * (prob * (1 - prob))[:, None]).T @ X + np.eye(p) / sd**2
    chol = np.linalg.cholesky(np.linalg.inv(hessian))
    u = np.linspace(-half_width, half_width, k)
    grid = np.stack(np.meshgrid(*([u] * p), indexing="ij"), axis=-1).reshape(-1, p)
    logs = np.concatenate(
        [
            _logistic_log_post(mode + chunk @ chol.T, X, y, sd)
            for chunk in np.array_split(grid, max(1, grid.shape[0] // 100_000))
        ]
    )
    log_cell = p * np.log(u[1] - u[0]) + np.sum(np.log(np.diag(chol)))
    return float(special.logsumexp(logs) + log_cell)


def mtcars_problem(sd: float = 2.5) -> Problem:
    """Logistic regression of ``am`` on 1, weight, horsepower (log Z by quadrature)."""
    X = np.column_stack(
        [
            np.ones(32),
            _standardize(np.array(MTCARS_WT, float)),
            _standardize(np.array(MTCARS_HP, float)),
        ]
    )
    y = np.array(MTCARS_AM, float)
    with pm.Model() as model:
        b = pm.Normal("beta", 0.0, sd, shape=3)
        pm.Bernoulli("y", logit_p=pt.dot(X, b), observed=y)
    fine = _quadrature_log_z(X, y, sd, half_width=14.0, k=201)
    coarse = _quadrature_log_z(X, y, sd, half_width=11.0, k=141)
    print(f"mtcars: quadrature log Z {fine:.8f} (coarser grid {coarse:.8f})")
    return Problem("mtcars (logistic)", model, fine, "logistic", X, y, {"prior_sd": sd})


def linear_problem(d: int = 20, seed: int = 0, n: int = 200) -> Problem:
    """The conjugate regression of ``benchmarks/evidence.py`` at dimension d (exact log Z)."""
    rng = np.random.default_rng(seed + d)
    X = rng.normal(size=(n, d))
    y = X @ rng.normal(size=d) + rng.normal(size=n)
    exact = ConjugateLinearRegression(X, y, noise_sd=1.0, prior_sd=2.0)
    hyper = {"noise_sd": 1.0, "prior_sd": 2.0}
    return Problem(f"linear d={d}", exact.model(), exact.log_evidence(), "linear", X, y, hyper)


def _r_rows(values: np.ndarray) -> np.ndarray:
    """(chain, draw, ...) → rows: the first half of every chain, then the second halves."""
    n_chain, n_draw = values.shape[:2]
    half = n_draw // 2
    flat = values.reshape(n_chain, n_draw, -1)
    return np.concatenate(
        [
            flat[:, :half].reshape(-1, flat.shape[-1]),
            flat[:, half : 2 * half].reshape(-1, flat.shape[-1]),
        ]
    )


def _draws_frame(model: pm.Model, posterior, rep: int) -> pd.DataFrame:
    """Constrained draws of every free variable, one column per element, in R's row order."""
    columns = {}
    for rv in model.free_RVs:
        rows = _r_rows(posterior[rv.name].transpose("chain", "draw", ...).values)
        names = (
            [rv.name]
            if rows.shape[1] == 1 and posterior[rv.name].ndim == 2
            else [f"{rv.name}_{i + 1}" for i in range(rows.shape[1])]
        )
        columns.update({name: rows[:, i] for i, name in enumerate(names)})
    frame = pd.DataFrame(columns)
    frame.insert(0, "rep", rep)
    return frame


def _timed(fn: Callable[[], tuple]) -> tuple[tuple, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def run_ours(
    problem: Problem, reps: int, sampling: dict = SAMPLING
) -> tuple[dict[str, list], list[pd.DataFrame], str]:
    """Our estimates per repetition, the draws for R, and a line on compile and density times."""
    start = time.perf_counter()
    log_density = log_density_fn(problem.model)
    log_density(np.zeros((2, _dim(problem.model))))  # PyTensor links the C code on first call
    compile_seconds = time.perf_counter() - start
    looped = looped_log_density_fn(problem.model)
    looped(np.zeros((2, _dim(problem.model))))
    results: dict[str, list] = {}
    frames = []
    for rep in range(reps):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            idata = sample_tempered(problem.model, 1.0, random_seed=rep, **sampling)
        posterior = idata["posterior"].to_dataset()
        theta = unconstrained_draws(problem.model, posterior)
        frames.append(_draws_frame(problem.model, posterior, rep))
        runs = [("ours normal", "normal", log_density), ("ours warp3", "warp3", log_density)]
        if rep == 0:
            runs += [("ours warp3, looped", "warp3", looped)]
            # warp-III's evaluations, both directions: 4 per draw of the iterate half, twice
            points = np.repeat(theta.reshape(-1, theta.shape[-1]), 4, axis=0)
            _, batched_seconds = _timed(lambda x=points: (log_density(x),))
            _, looped_seconds = _timed(lambda x=points: (looped(x),))
            timing = (
                f"our one-off compile {compile_seconds:.2f} s; log density at {len(points)} "
                f"points: batched {batched_seconds:.3f} s, looped {looped_seconds:.3f} s "
                f"({looped_seconds / batched_seconds:.0f}x)"
            )
        for label, proposal, density in runs:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                (log_z, se, diag, _), seconds = _timed(
                    lambda p=proposal, f=density, t=theta, r=rep: bridge_draws(
                        t, f, np.random.default_rng(r), p
                    )
                )
            results.setdefault(label, []).append((log_z, se, seconds))
            if label != "ours warp3, looped":
                forward = (diag["log_z_halves"][0], diag["se_halves"][0], np.nan)
                results.setdefault(f"{label} A→B", []).append(forward)
        print(f"  {problem.name}: repetition {rep + 1}/{reps}", flush=True)
    return results, frames, timing


def _dim(model: pm.Model) -> int:
    return int(sum(np.size(v) for v in model.initial_point().values()))


def run_r(problem: Problem, frames: list[pd.DataFrame]) -> dict[str, list] | str:
    """R's estimates per repetition, or why they were skipped."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return "Rscript not found"
    with tempfile.TemporaryDirectory() as tmp:
        data_csv, draws_csv, out_csv = (Path(tmp) / f for f in ("data.csv", "draws.csv", "out.csv"))
        data = pd.DataFrame(problem.X, columns=[f"x{i + 1}" for i in range(problem.X.shape[1])])
        data["y"] = problem.y
        data.to_csv(data_csv, index=False)
        pd.concat(frames).to_csv(draws_csv, index=False, float_format="%.17g")
        hyper = [f"{k}={v!r}" for k, v in problem.hyper.items()]
        cmd = [rscript, str(HERE / "bridge_r.R"), problem.r_problem, str(data_csv), str(draws_csv)]
        proc = subprocess.run([*cmd, str(out_csv), *hyper], capture_output=True, text=True)
        if proc.returncode != 0:
            return "R failed: " + proc.stderr.strip().splitlines()[-1]
        out = pd.read_csv(out_csv)
    return {
        f"R {method}": list(zip(group["logml"], group["se"], group["seconds"], strict=True))
        for method, group in out.groupby("method", sort=False)
    }


#: the rows of a problem's table, in this order
ORDER = (
    "ours normal",
    "ours normal A→B",
    "ours warp3",
    "ours warp3 A→B",
    "R normal",
    "R warp3",
    "ours warp3, looped",
)


def summary(problem: Problem, rows: dict[str, list], timing: str) -> dict:
    """Per method: repetitions, bias, sd, rmse, mean se and mean seconds, with the timing line."""
    out = []
    for label in [k for k in ORDER if k in rows]:
        values = np.array(rows[label], dtype=float)
        errors = values[:, 0] - problem.log_z
        out.append(
            {
                "method": label,
                "reps": int(errors.size),
                "bias": float(errors.mean()),
                "sd": float(errors.std(ddof=1)) if errors.size > 1 else np.nan,
                "rmse": float(np.sqrt(np.mean(errors**2))),
                "mean_se": _nanmean(values[:, 1]),
                "seconds": _nanmean(values[:, 2]),
            }
        )
    return {"problem": problem.name, "log_z": problem.log_z, "timing": timing, "rows": out}


def _nanmean(values: np.ndarray) -> float:
    return float(np.nanmean(values)) if np.isfinite(values).any() else np.nan


def report(result: dict) -> None:
    header = (
        f"{'method':<24}{'reps':>5}{'bias':>10}{'sd':>9}{'rmse':>9}{'mean se':>9}{'seconds':>9}"
    )
    print(f"\n{result['problem']}: exact log Z = {result['log_z']:.6f}\n{result['timing']}")
    print(header)
    print("-" * len(header))
    for r in result["rows"]:
        print(
            f"{r['method']:<24}{r['reps']:>5}{r['bias']:>+10.4f}{r['sd']:>9.4f}{r['rmse']:>9.4f}"
            f"{r['mean_se']:>9.4f}{r['seconds']:>9.3f}"
        )


def markdown(results: list[dict]) -> str:
    """The results tables: per problem its exact log Z and timing line, then one row per method."""
    header = ["method", "reps", "bias", "sd", "rmse", "mean se", "seconds"]
    blocks = []
    for result in results:
        cells = [
            [r["method"], r["reps"], fmt(r["bias"], "+.4f"), fmt(r["sd"], ".4f"),
             fmt(r["rmse"], ".4f"), fmt(r["mean_se"], ".4f"), fmt(r["seconds"], ".3f")]
            for r in result["rows"]
        ]  # fmt: skip
        title = f"**{result['problem']}**: exact log Z = {result['log_z']:.6f}; {result['timing']}"
        blocks += [title, markdown_table(header, cells)]
    return "\n\n".join(blocks)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument(
        "--problems",
        nargs="+",
        default=["cars", "mtcars", "linear"],
        choices=["cars", "mtcars", "linear"],
    )
    parser.add_argument("--quick", action="store_true", help="cars once, few draws, checked")
    args = parser.parse_args()
    if args.quick:
        args.problems, args.reps = ["cars"], 1
    builders = {"cars": cars_problem, "mtcars": mtcars_problem, "linear": linear_problem}
    results = []
    for name in args.problems:
        problem = builders[name]()
        rows, frames, timing = run_ours(
            problem, args.reps, QUICK_SAMPLING if args.quick else SAMPLING
        )
        r_rows = run_r(problem, frames)
        if isinstance(r_rows, str):
            print(
                f"peer R bridgesampling skipped: {r_rows}; install it, e.g. "
                "`apt-get install r-cran-bridgesampling` or install.packages('bridgesampling')"
            )
        else:
            rows.update(r_rows)
        results.append(summary(problem, rows, timing))
        report(results[-1])
    if not args.quick:
        for result in results:
            result["command"] = command_line()
        update_result("bridge_r", results, lambda r: r["problem"], markdown)
    if args.quick:
        checks = [(label, rows[label][0][0] - problem.log_z, 4 * rows[ours][0][1] + 0.01)
                  for label, ours in QUICK_CHECKS.items() if label in rows]  # fmt: skip
        for label, error, bound in checks:
            print(f"{label}: |error| {abs(error):.4f} (bound 4 se + 0.01 = {bound:.4f})")
        assert all(abs(error) < bound for _, error, bound in checks), checks


if __name__ == "__main__":
    main()
