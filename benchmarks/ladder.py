"""Cost of an 8-rung β ladder versus one single-β run and versus recompiling per β.

Prints one table. Three ways to get tempered draws at 8 inverse temperatures of the same model:

* ``single``: one ``slt.sample_tempered`` call at β = 1 (compile + sample + log-likelihood);
* ``ladder``: one ``slt.sample_ladder`` call over 8 β (compiled once, ``with_data`` per rung);
* ``naive``: per β, build the tempered model and call ``pm.sample`` (nutpie, recompiling each
  time) followed by ``pm.compute_log_likelihood``.

The goal is ladder / single < 2. A warm-up run first pays one-off JIT costs of the process so all
three are timed warm. Run: ``.venv/bin/python benchmarks/ladder.py``; the table goes to
``benchmarks/results/ladder.json`` with the package version, the machine and the command.

``--quick`` times the linear model only, at 2 chains × 200 draws after 200 tuning steps, and
asserts the goal ladder / single < 2 and that the ladder beats recompiling (naive / ladder > 1);
it writes no results file.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pymc as pm
from _store import command_line, markdown_table, write_result

import pymc_slt as slt

SAMPLING = {"draws": 1000, "tune": 1000, "chains": 4}
QUICK = {"draws": 200, "tune": 200, "chains": 2}
BETAS = np.geomspace(0.05, 1.0, 8)


def _models():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    with pm.Model(name="linear_d5") as linear:
        w = pm.Normal("w", 0, 1, shape=5)
        pm.Normal("y", x @ w, 1.0, observed=x @ rng.normal(size=5) + rng.normal(size=200))
    xl = rng.normal(size=(500, 4))
    with pm.Model(name="logistic_d4") as logistic:
        w = pm.Normal("w", 0, 2, shape=4)
        pm.Bernoulli("y", logit_p=xl @ w, observed=rng.random(500) < 1 / (1 + np.exp(-xl[:, 0])))
    return [linear, logistic]


def _timed(fn):
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _naive(model, sampling):
    for beta in BETAS:
        hot = slt.temper(model, float(beta))
        idata = pm.sample(
            **sampling,
            model=hot,
            progressbar=False,
            random_seed=1,
            nuts_sampler="nutpie",
        )
        pm.compute_log_likelihood(idata, model=hot, progressbar=False)


def markdown(rows: list[dict], sampling: dict) -> str:
    """The results table: seconds per way and the two ratios, then the settings and the goal."""
    header = ["model", "single (s)", "ladder × 8 (s)", "naive × 8 (s)"]
    header += ["ladder / single", "naive / ladder"]
    keys = ("single", "ladder", "naive", "ladder_per_single", "naive_per_ladder")
    table = markdown_table(header, [[r["model"], *(f"{r[k]:.2f}" for k in keys)] for r in rows])
    settings = " ".join(f"{k}={v}" for k, v in sampling.items())
    return f"{table}\n\n{settings}; goal: ladder/single < 2"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run that checks itself")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    sampling = QUICK if args.quick else SAMPLING
    common = {**sampling, "progressbar": False}
    models = _models()[:1] if args.quick else _models()
    slt.sample_tempered(models[0], 1.0, random_seed=0, **common)  # warm-up
    print(
        f"{'model':<14}{'single (s)':>12}{'ladder x8 (s)':>15}{'naive x8 (s)':>14}"
        f"{'ladder/single':>15}{'naive/ladder':>14}"
    )
    rows = []
    for model in models:
        single = _timed(lambda m=model: slt.sample_tempered(m, 1.0, random_seed=1, **common))
        ladder = _timed(lambda m=model: slt.sample_ladder(m, BETAS, random_seed=1, **common))
        naive = _timed(lambda m=model: _naive(m, sampling))
        print(
            f"{model.name:<14}{single:>12.2f}{ladder:>15.2f}{naive:>14.2f}"
            f"{ladder / single:>15.2f}{naive / ladder:>14.2f}"
        )
        ratios = {"ladder_per_single": ladder / single, "naive_per_ladder": naive / ladder}
        rows.append(
            {"model": model.name, "single": single, "ladder": ladder, "naive": naive, **ratios}
        )
        if args.quick:
            print(f"{'bounds':<41}{'< 2':>15}{'> 1':>14}")
            assert ladder / single < 2 and naive / ladder > 1, (single, ladder, naive)
    print(" ".join(f"{k}={v}" for k, v in sampling.items()) + "; goal: ladder/single < 2")
    if not args.quick:
        write_result("ladder", command_line(), markdown(rows, sampling), rows=rows)


if __name__ == "__main__":
    main()
