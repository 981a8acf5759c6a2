"""Why ``slt.learning_coefficient`` has the defaults it has: λ̂/λ against β, γ and the retry.

Three measurements on the zoo models of ``rlct.py`` (n = 1000, N(0, 1) priors, seeds 1–3, the
default NUTS sampler: 4 chains × 1000 draws after 1000 tuning steps):

* ``--part temperature``: λ̂/λ at five inverse temperatures β = 1/(k log n), k = 4, 2, 1, 1/2,
  1/4 (1/β ≈ 27.6, 13.8, 6.9, 3.5, 1.7), for the local estimator (``slt.LocalLambda(beta=β)``)
  and Watanabe's two-point slope around the same β (``slt.TwoTemperature`` at
  β(1 ∓ 1/√(2 log n))). The defaults sit where both are closest to λ.
* ``--part gamma``: the local estimator's λ̂/λ for ``a·b·x`` and ``a·b²·x`` at localization
  strengths γ = 0.01 (the default), 1 and 100 (devinterp's default).
* ``--part retry``: the local estimator on ``a·b²·x`` with the default sampler (retried once at
  ``target_accept = 0.99`` when more than 0.5 % of the draws diverged) and with
  ``slt.NUTS(target_accept=0.9)`` (no retry), and at nutpie's own default 0.8 (no retry):
  divergences and λ̂/λ.

Run ``.venv/bin/python benchmarks/lambda_settings.py --part temperature`` (≈ 30 min on one
core), ``--part gamma`` and ``--part retry`` (a few minutes each). Each estimate is stored in
``benchmarks/results/lambda_settings_<part>.json`` as soon as it finishes, so an interrupted run
resumes where it stopped (``--fresh`` starts again); the table there is what the docs include.

``--quick`` runs the local and two-point estimators on ``linear d=3`` (regular: λ = 3/2 at every
β) at 1/β = 4 log n and log n / 4, one seed, 2 chains × 500 draws, and asserts
|λ̂ − λ| < 4 se + 0.05 for each; it writes no results file.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
from _store import RESULTS, command_line, load_json, markdown_table, update_result
from rlct import N, cases, estimate

import pymc_slt as slt

LOG_N = float(np.log(N))
KS = (4.0, 2.0, 1.0, 0.5, 0.25)  # β = 1/(k log n)
GAMMAS = (0.01, 1.0, 100.0)
SEEDS = (1, 2, 3)
QUICK_SAMPLING = slt.NUTS(draws=500, tune=500, chains=2)


def _pair(beta: float) -> tuple[float, float]:
    """Watanabe's two temperatures around ``beta``: β(1 ∓ 1/√(2 log n))."""
    delta = 1 / np.sqrt(2 * LOG_N)
    return beta * (1 - delta), beta * (1 + delta)


def _grid(part: str) -> list[tuple[str, float, Callable, int, str, float, object, object]]:
    """(model, λ, builder, seed, column, x, method value, sampler) of every estimate of ``part``."""
    zoo = {c.label: c for c in cases(SEEDS, large=False)}
    out = []
    if part == "temperature":
        for case in zoo.values():
            for seed in SEEDS:
                for k in KS:
                    beta = 1 / (k * LOG_N)
                    for column, method in (
                        ("local", slt.LocalLambda(beta=beta)),
                        ("two-point slope", slt.TwoTemperature(betas=_pair(beta))),
                    ):
                        out.append((case.label, case.lam, case.build, seed, column, 1 / beta,
                                    method, None))  # fmt: skip
    elif part == "gamma":
        for label in ("a·b·x", "a·b²·x"):
            case = zoo[label]
            for seed in SEEDS:
                for gamma in GAMMAS:
                    method = slt.LocalLambda(gamma=gamma)
                    out.append((label, case.lam, case.build, seed, "local", gamma, method, None))
    else:
        case = zoo["a·b²·x"]
        for seed in SEEDS:
            for column, sampler in (("retry (default)", None),
                                    ("no retry", slt.NUTS(target_accept=0.9)),
                                    ("nutpie's 0.8", slt.NUTS(target_accept=0.8))):  # fmt: skip
                out.append((case.label, case.lam, case.build, seed, column, 0.0, "local", sampler))
    return out


def _key(row: dict) -> tuple:
    return row["model"], row["seed"], row["column"], round(row["x"], 6)


def _table(part: str) -> Callable[[list[dict]], str]:
    """The table of ``part`` from its rows: mean over seeds of λ̂/λ (and divergences)."""
    x_name = {"temperature": "1/β", "gamma": "γ", "retry": ""}[part]

    def cell(ratios: list[float]) -> str:
        if not ratios:
            return "–"
        spread = f" ± {np.std(ratios):.2f}" if len(ratios) > 1 else ""
        return f"{np.mean(ratios):.2f}{spread}"

    def table(rows: list[dict]) -> str:
        groups: dict[tuple, list[dict]] = {}
        for r in rows:
            groups.setdefault((r["model"], r["column"]), []).append(r)
        xs = sorted({r["x"] for r in rows}, reverse=part == "temperature")
        if part == "retry":
            header = ["model", "sampler", "seeds", "divergences per 4000 draws", "λ̂/λ"]
            body = [[m, c, len(g), " / ".join(str(r["divergences"]) for r in g),
                     cell([r["ratio"] for r in g])]
                    for (m, c), g in groups.items()]  # fmt: skip
        else:
            header = ["model", "estimator", *(f"{x_name} = {x:.3g}" for x in xs)]
            body = []
            for (m, c), g in groups.items():
                by_x = {x: [r["ratio"] for r in g if r["x"] == x] for x in xs}
                body.append([m, c, *map(cell, by_x.values())])
        title = {
            "temperature": "λ̂/λ against the temperature, n = 1000, mean ± sd over seeds 1–3",
            "gamma": "Local λ̂/λ against the localization γ (β = 1/log n), mean ± sd over seeds 1–3",
            "retry": "Local λ̂ on a·b²·x: the default (target_accept 0.9, retried at 0.99), "
            "0.9 without the retry, and nutpie's 0.8",
        }[part]
        return f"{title}\n\n{markdown_table(header, body)}"

    return table


def run(part: str, fresh: bool) -> None:
    name = f"lambda_settings_{part}"
    path = RESULTS / f"{name}.json"
    if fresh:
        path.unlink(missing_ok=True)
    done = {_key(r) for r in load_json(path).get("rows", [])}
    built: dict[tuple, object] = {}
    for label, lam, build, seed, column, x, method, sampler in _grid(part):
        row = {"model": label, "seed": seed, "column": column, "x": float(x)}
        if _key(row) in done:
            continue
        if (label, seed) not in built:
            built = {(label, seed): build(seed)[0]}
        start = time.perf_counter()
        res = estimate(built[(label, seed)], method, seed, sampler)
        row |= {"ratio": res.estimate / lam, "estimate": res.estimate, "se": res.se,
                "divergences": res.diagnostics["n_divergences"],
                "seconds": time.perf_counter() - start, "command": command_line()}  # fmt: skip
        print(f"{label} seed {seed} {column} x={x:.3g}: λ̂/λ {row['ratio']:.3f} "
              f"({row['divergences']} div, {row['seconds']:.0f}s)", flush=True)  # fmt: skip
        update_result(name, [row], _key, _table(part))
    update_result(name, [], _key, _table(part))  # the table in this version's format


def quick() -> None:
    """Both estimators on linear d=3 at the two ends of the β range, one seed, checked."""
    case = cases((1,), large=False)[0]
    model = case.build(1)[0]
    checked = []
    for k in (KS[0], KS[-1]):
        beta = 1 / (k * LOG_N)
        for method in (slt.LocalLambda(beta=beta), slt.TwoTemperature(betas=_pair(beta))):
            res = estimate(model, method, 1, QUICK_SAMPLING)
            bound = 4 * res.se + 0.05
            checked.append((method.name, 1 / beta, res.estimate, bound))
            error = abs(res.estimate - case.lam)
            print(f"{case.label} {method.name} at 1/β = {1 / beta:.1f}: {res.estimate:.3f} ± "
                  f"{res.se:.3f}; |λ̂ − λ| {error:.3f} (bound {bound:.3f})")  # fmt: skip
    assert all(abs(est - case.lam) < bound for *_, est, bound in checked), checked


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("temperature", "gamma", "retry"), default=None)
    parser.add_argument("--fresh", action="store_true", help="discard stored estimates first")
    parser.add_argument("--quick", action="store_true", help="linear d=3, one seed, checked")
    args = parser.parse_args()
    if args.quick:
        quick()
    elif args.part is None:
        parser.error("choose --part temperature, gamma or retry (or --quick)")
    else:
        run(args.part, args.fresh)


if __name__ == "__main__":
    main()
