"""λ and WBIC of small tanh networks: local and ladder λ̂ against the slope of F_n − n L_n(ŵ).

Singular learning theory gives ``F_n = n L_n(w_0) + λ log n − (m − 1) log log n + O_p(1)``
(Watanabe 2009, ch. 6), and ``n L_n(ŵ) = n L_n(w_0) + O_p(1)``, so the slope of
``F_n − n L_n(ŵ)`` over ``log n`` is λ (biased down by about ``(m − 1)/log n``). This script
measures it on nested data sets (the first n points of one draw) from ``log Z`` by HMC-SMC
(``method="hmc_smc"``, ``--draws`` particles per chain) and ``n L_n(ŵ)`` by
``slt.criteria.max_log_likelihood`` from the best posterior draw, fitted by
``slt.learning_coefficient.fit_free_energy``; and, at every n, the estimators that need one
data set only: ``learning_coefficient(method="local")`` and ``(method="ladder")`` (NUTS,
defaults), the ladder with ``sampler="hmc_smc"`` (draws that move between modes), and WBIC with
NUTS and with HMC-SMC. Where the truth is in the model and known (``zero3``), it also fits the
slope of ``F_n − n L_n(w_0)``: the maximum-likelihood term ``n L_n(ŵ) − n L_n(w_0)`` is an
O_p(1) fluctuation of a few nats that does not shrink with n and, on one data set, swamps the
slope.

Cases:

* ``zero3``: ``pymc_slt.models.tanh_network(x, y, 3, bias=False, noise_sd=0.3)`` (d = 6, known
  noise sd) on pure noise ``y ~ N(0, 0.3²)``, ``x ~ U(−2, 2)``: the truth is the zero function,
  where ``λ = rlct_tanh_network(3) = 5/6`` (Aoyagi & Watanabe 2005). Its multiplicity is not
  known to us (m = 2 for H = 1).
* ``h2``: the network of ``benchmarks/neural_evidence.py`` (H = 2 with biases, σ ~ HalfNormal,
  d = 8) on ``y = sin(1.5 x) + N(0, 0.3²)`` (a fresh draw of 3200 points): λ unknown,
  ≤ d/2 = 4.

Every number is stored in ``benchmarks/neural_lambda.json`` as soon as it is measured (an
interrupted run resumes; nothing stored is replaced); ``--show`` prints the table from it. The
table of a case (after a measuring run, or ``--show``) goes to
``benchmarks/results/neural_lambda_<case>_draws<draws>.json`` (``_seed<seed>`` added for a seed
other than 1) and ``--best-fit``'s to
``benchmarks/results/neural_lambda_best_fit.json``, with the package version, the machine and
the command; the docs include them.

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/neural_lambda.py zero3 \\
        [--ns 100 200 400 800 1600 3200] [--draws 250] [--seed 1] [--quantities ...] [--show]
    .venv/bin/python benchmarks/neural_lambda.py h2 --ns 3200 --best-fit 1 2 3 5 10 20

``--quick`` measures zero3 at n = 100 only (HMC-SMC 4 × 100 particles, seed 1), stores nothing,
and asserts that NUTS and HMC-SMC agree within 4 se + a tolerance on WBIC (0.1 nat) and on the
ladder's λ̂ (0.05), and that the ladder's λ̂ lies within 4 se + 0.25 of λ = 5/6 (its
finite-n bias, measured 0.17 at n = 100, shrinks with n); it writes no results file.
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import neural_evidence
import numpy as np
import pymc as pm
from _store import command_line, load_json, markdown_table, updating, write_result
from scipy import optimize, stats

import pymc_slt as slt
from pymc_slt.criteria import max_log_likelihood
from pymc_slt.learning_coefficient import fit_free_energy
from pymc_slt.models import tanh_network
from pymc_slt.sampling import best_draw
from pymc_slt.theory import rlct_tanh_network

STORE = Path(__file__).with_name("neural_lambda.json")
N_MAX = 3200
NOISE_SD = 0.3


def _data(seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.uniform(-2, 2, N_MAX), rng.normal(0, NOISE_SD, N_MAX)


def zero3(n: int) -> pm.Model:
    x, noise = _data(2024)
    return tanh_network(x[:n], noise[:n], 3, bias=False, noise_sd=NOISE_SD)


def h2(n: int) -> pm.Model:
    x, noise = _data(2025)
    y = np.sin(1.5 * x) + noise
    return neural_evidence.Case("h2", (2,), x[:n], y[:n]).model()


def zero3_truth_energy(n: int) -> float:
    """``n L_n(w_0)`` of zero3: the truth (the zero function, σ = 0.3) is in the model."""
    _, noise = _data(2024)
    return -float(stats.norm.logpdf(noise[:n], 0.0, NOISE_SD).sum())


#: case -> (model builder, known λ, d, n L_n(w_0) where the truth is known and realizable)
CASES: dict[str, tuple[Callable[[int], pm.Model], float | None, int, Callable | None]] = {
    "zero3": (zero3, rlct_tanh_network(3), 6, zero3_truth_energy),
    "h2": (h2, None, 8, None),
}


def _timed(fn: Callable[[], Any]) -> tuple[Any, float, str]:
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = fn()
    notes = "; ".join(sorted({w.category.__name__ for w in caught}))
    return out, time.perf_counter() - start, notes


#: the names of what :func:`measure` returns, in the order it is run
QUANTITIES = (
    "log_z",
    "min_energy",
    "lambda_local",
    "lambda_ladder",
    "lambda_ladder_hmc_smc",
    "wbic_nuts",
    "wbic_hmc_smc",
)


def measure(model: pm.Model, draws: int, seed: int) -> dict[str, Callable[[], dict[str, Any]]]:
    """The quantities of one data set, each a thunk returning a JSON-ready dict."""
    quiet = {"random_seed": seed, "progressbar": False}

    def log_z() -> dict[str, Any]:
        r = slt.log_marginal_likelihood(
            model, method="hmc_smc", sampler=slt.HMCSMC(draws=draws), **quiet
        )
        return {"value": r.log_z, "se": r.se}

    def min_energy() -> dict[str, Any]:
        post = slt.sample_tempered(model, 1.0, sampler=slt.NUTS(draws=500, chains=4), **quiet)
        return {"value": -max_log_likelihood(model, best_draw(post, model)[0]).value, "se": 0.0}

    def lam(method: str, sampler: str) -> Callable[[], dict[str, Any]]:
        def run() -> dict[str, Any]:
            kw = {"draws": draws} if sampler == "hmc_smc" else {}
            r = slt.learning_coefficient(model, method=method, sampler=sampler, **kw, **quiet)
            return {"value": r.estimate, "se": r.se}

        return run

    def wbic(sampler: str) -> Callable[[], dict[str, Any]]:
        def run() -> dict[str, Any]:
            kw = {"draws": draws} if sampler == "hmc_smc" else {}
            r = slt.wbic(model, sampler=sampler, strict=False, **kw, **quiet)
            return {"value": r.estimate, "se": r.se}

        return run

    thunks = (
        log_z,
        min_energy,
        lam("local", "nuts"),
        lam("ladder", "nuts"),
        lam("ladder", "hmc_smc"),
        wbic("nuts"),
        wbic("hmc_smc"),
    )
    return dict(zip(QUANTITIES, thunks, strict=True))


#: quick mode: (a quantity, the same by the other sampler, the tolerance beside 4 se)
QUICK_PAIRS = (("wbic_nuts", "wbic_hmc_smc", 0.1), ("lambda_ladder", "lambda_ladder_hmc_smc", 0.05))
QUICK_BIAS = 0.25  # the ladder's λ̂ below λ at n = 100 (measured 0.17)


def quick() -> None:
    """zero3 at n = 100: NUTS against HMC-SMC on WBIC and the ladder's λ̂, and λ̂ against 5/6."""
    thunks = measure(zero3(100), draws=100, seed=1)
    out = {}
    for name in [q for pair in QUICK_PAIRS for q in pair[:2]]:
        out[name], seconds, _ = _timed(thunks[name])
        print(f"zero3 n=100 {name}: {out[name]['value']:.3f} ± {out[name]['se']:.3f} "
              f"({seconds:.0f} s)", flush=True)  # fmt: skip
    checks = []
    for a, b, tolerance in QUICK_PAIRS:
        gap = abs(out[a]["value"] - out[b]["value"])
        bound = 4 * np.hypot(out[a]["se"], out[b]["se"]) + tolerance
        print(f"|{a} − {b}| {gap:.3f} (bound 4 se + {tolerance} = {bound:.3f})")
        checks.append(gap < bound)
    lam, ladder = CASES["zero3"][1], out["lambda_ladder"]
    bound = 4 * ladder["se"] + QUICK_BIAS
    print(f"|lambda_ladder − {lam:.3f}| {abs(ladder['value'] - lam):.3f} (bound 4 se + "
          f"{QUICK_BIAS} = {bound:.3f})")  # fmt: skip
    assert all(checks) and abs(ladder["value"] - lam) < bound, out


def key(case: str, n: int, draws: int, seed: int) -> str:
    return f"{case}/n={n}/draws={draws}/seed={seed}"


def run(case: str, ns: list[int], draws: int, seed: int, quantities: list[str] | None) -> None:
    build = CASES[case][0]
    for n in ns:
        k = key(case, n, draws, seed)
        for name, thunk in measure(build(n), draws, seed).items():
            if (quantities and name not in quantities) or name in load_json(STORE).get(k, {}):
                continue
            try:
                out, seconds, notes = _timed(thunk)
            except Exception as exc:  # recorded, not fatal: the other quantities still run
                out, seconds, notes = (
                    {"value": None, "se": None},
                    0.0,
                    f"{type(exc).__name__}: {exc}",
                )
            with updating(STORE) as store:  # re-read under a lock: another core may have written
                store.setdefault(k, {})[name] = {**out, "seconds": seconds, "notes": notes}
            print(f"{case} n={n} {name}: {out['value']} ± {out['se']} ({seconds:.0f} s) {notes}",
                  flush=True)  # fmt: skip


def _cell(q: dict[str, Any] | None) -> str:
    if not q or q["value"] is None:
        return "—"
    return f"{q['value']:.3f} ± {q['se']:.3f}"


def report(case: str, draws: int, seed: int) -> None:
    """Print the table of ``case`` from the store and write it to the results file."""
    store = load_json(STORE)
    _, lam_true, dim, truth_energy = CASES[case]
    rows = sorted(
        ((int(k.split("/")[1][2:]), v) for k, v in store.items()
         if k.startswith(f"{case}/") and k.endswith(f"/draws={draws}/seed={seed}")),
    )  # fmt: skip
    truth = "unknown" if lam_true is None else f"{lam_true:.3f}"
    title = f"{case} (d = {dim}, d/2 = {dim / 2}, λ = {truth}), HMC-SMC draws={draws}, seed {seed}"
    cols = ("lambda_local", "lambda_ladder", "lambda_ladder_hmc_smc", "wbic_nuts", "wbic_hmc_smc")
    excess_cols = ["F_n − n L_n(ŵ)"] + (["F_n − n L_n(w_0)"] if truth_energy else [])
    fits: dict[str, tuple[list, list, list]] = {c: ([], [], []) for c in excess_cols}
    cells = []
    for n, v in rows:
        line = [str(n)]
        done = v.get("log_z", {}).get("value") is not None and "min_energy" in v
        for c in excess_cols:
            if not done:
                line.append("—")
                continue
            ref = v["min_energy"]["value"] if c.endswith("(ŵ)") else truth_energy(n)
            value, se = -v["log_z"]["value"] - ref, v["log_z"]["se"]
            for column, item in zip(fits[c], (n, value, se), strict=True):
                column.append(item)
            line.append(f"{value:.3f} ± {se:.3f}")
        cells.append(line + [_cell(v.get(c)) for c in cols])
    notes = []
    for c, (ns, values, ses) in fits.items():
        if len(set(ns)) >= 2:
            fit = fit_free_energy(ns, values, np.zeros(len(ns)), ses)
            notes.append(f"slope of {c} over log n: λ̂ = {fit.lam:.3f} ± {fit.se:.3f}")
    seconds = sum(q.get("seconds", 0.0) for _, v in rows for q in v.values())
    notes.append(f"({seconds / 60:.0f} min of sampling in all)")
    header = ["n", *excess_cols, *cols]
    widths = [5, *[18] * len(excess_cols), *[22] * len(cols)]
    print(title)
    for line in [header, *cells]:
        print("".join(f"{cell:>{w}}" for cell, w in zip(line, widths, strict=True)))
    print("\n".join(notes))
    table = "\n\n".join([title, markdown_table(header, cells), *notes])
    write_result(result_name(case, draws, seed), command_line(), table)


def result_name(case: str, draws: int, seed: int) -> str:
    """The results file of a case's table: one per case, draws and seed."""
    return f"neural_lambda_{case}_draws{draws}" + ("" if seed == 1 else f"_seed{seed}")


def bounded_best_fit(n: int, radii: list[float], restarts: int = 30) -> None:
    """The least mean squared error of the h2 network with every weight and bias in [−R, R].

    Multi-start L-BFGS-B (``restarts`` uniform starts per R, seed 0) on the first n points of
    h2's data; ``n L_n`` is at the best σ (σ² = the mean squared error). If the error keeps
    falling as R grows, the infimum of the loss lies at infinity, outside every compact set:
    the setting of Watanabe's theorems (a compact parameter set, or minimizers in the interior)
    does not hold and ``F_n − n L_n(ŵ)`` need not grow like λ log n.
    """
    x, noise = _data(2025)
    x, y = x[:n], np.sin(1.5 * x[:n]) + noise[:n]

    def mse(p: np.ndarray) -> float:
        hidden = np.tanh(np.outer(x, p[0:2]) + p[2:4])
        return float(np.mean((y - hidden @ p[4:6] - p[6]) ** 2))

    rng = np.random.default_rng(0)
    title = f"h2, n = {n}: least squared error with |every weight and bias| ≤ R ({restarts} starts)"
    print(title)
    print(f"{'R':>6}{'mse':>10}{'n L_n':>10}  W1, b1, W2, b2")
    cells = []
    for radius in radii:
        best = min(
            (
                optimize.minimize(
                    mse,
                    rng.uniform(-1, 1, 7) * min(radius, 3),
                    method="L-BFGS-B",
                    bounds=[(-radius, radius)] * 7,
                    options={"maxiter": 2000},
                )
                for _ in range(restarts)
            ),
            key=lambda r: r.fun,
        )
        energy = n / 2 * (np.log(2 * np.pi * best.fun) + 1)
        weights = ", ".join(f"{w:.2f}" for w in np.round(best.x, 2) + 0.0)  # + 0.0: no −0.00
        with np.printoptions(suppress=True):
            print(
                f"{radius:>6g}{best.fun:>10.5f}{energy:>10.2f}  {np.round(best.x, 2)}", flush=True
            )
        cells.append([f"{radius:g}", f"{best.fun:.5f}", f"{energy:.2f}", weights])
    floor = float(np.mean(noise[:n] ** 2))
    truth = n / 2 * (np.log(2 * np.pi * floor) + 1)
    note = f"the truth sin(1.5 x): mse {floor:.5f}, n L_n {truth:.2f}"
    print(note)
    table = markdown_table(["R", "mse", "n L_n", "W1, b1, W2, b2"], cells)
    write_result("neural_lambda_best_fit", command_line(), f"{title}\n\n{table}\n\n{note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", nargs="?", choices=list(CASES))
    parser.add_argument("--ns", type=int, nargs="+", default=[100, 200, 400, 800, 1600, 3200])
    parser.add_argument("--draws", type=int, default=250, help="HMC-SMC particles per chain")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--quantities", nargs="+", choices=QUANTITIES, help="measure only these (default: all)"
    )
    parser.add_argument("--show", action="store_true", help="print the stored table only")
    parser.add_argument(
        "--best-fit",
        type=float,
        nargs="+",
        metavar="R",
        help="h2 only: the least squared error with every weight in [-R, R], at the largest n",
    )
    parser.add_argument("--quick", action="store_true", help="zero3 at n = 100, checked")
    args = parser.parse_args()
    if args.quick:
        quick()
        return
    if args.case is None:
        parser.error("a case is required (or --quick)")
    if any(n < 2 or n > N_MAX for n in args.ns):
        parser.error(f"--ns must lie in [2, {N_MAX}]")
    if args.best_fit:
        if args.case != "h2":
            parser.error("--best-fit is for the h2 case")
        bounded_best_fit(max(args.ns), args.best_fit)
        return
    if not args.show:
        run(args.case, args.ns, args.draws, args.seed, args.quantities)
    report(args.case, args.draws, args.seed)


if __name__ == "__main__":
    main()
