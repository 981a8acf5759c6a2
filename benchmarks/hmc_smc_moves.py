"""How many HMC moves, of how many leapfrog steps, HMC-SMC needs on a tanh network.

Runs ``sampler="hmc_smc"`` (``run_hmc_smc``, 2 runs × 1000 particles, seed 1) on a case of
``benchmarks/neural_evidence.py`` (default ``h2``: one hidden layer of 2 tanh units, d = 8,
n = 200) for each setting below and prints the mean log Z of the runs beside the case's agreed
reference (``benchmarks/neural_references.json``), the stages, the mean acceptance rate, the
mean log-likelihood of the β = 1 particles and the seconds. The table on the benchmarks page
(docs/benchmarks.md, from ``benchmarks/results/hmc_smc_moves.json``) comes from

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/hmc_smc_moves.py h2

(2026-12-03, two such jobs at a time on the 2-core machine, so the seconds are upper bounds).
A full run writes its table to ``benchmarks/results/hmc_smc_moves.json`` with the package
version, the machine and the command.

``--quick`` runs h2 with 2 runs × 100 particles at the shortest setting (10 moves of 8 steps) and
the package's default (5 moves of 128 steps), and asserts that the default's mean log Z lies
within 4 se + 1 nat of the reference (se from the two runs; 1 nat for the bias of 100
particles: −0.15 to −0.53 nat measured over 3 seeds) and the short setting's more than 2 nat
below the default's (it is biased low by 5 to 6 nat); it writes no results file.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from _store import command_line, markdown_table, write_result
from neural_evidence import load_references, make_case

from pymc_slt.sampling.hmc_smc import run_hmc_smc
from pymc_slt.sampling.samplers import HMCSMC

SETTINGS = [
    {"num_mcmc_steps": 10, "num_integration_steps": 8},
    {"num_mcmc_steps": 50, "num_integration_steps": 8},
    {"num_mcmc_steps": 10, "num_integration_steps": 32},
    {"num_mcmc_steps": 10, "num_integration_steps": 32, "target_ess": 0.9},
    {"num_mcmc_steps": 10, "num_integration_steps": 64},
    {"num_mcmc_steps": 5, "num_integration_steps": 128},
    {"num_mcmc_steps": 5, "kernel": "nuts", "target_accept": 0.8},
]
SHORT, DEFAULT = SETTINGS[0], SETTINGS[5]
QUICK_TOLERANCE = 1.0  # nat: the bias of 100 particles


def markdown(title: str, rows: list[dict]) -> str:
    """The results table: per setting the runs' mean log Z, stages, acceptance, log-likelihood."""
    cells = [
        [r["settings"], f"{r['log_z']:.2f}", f"{r['stages']:.0f}", f"{r['accept']:.2f}",
         f"{r['loglik']:.2f}", f"{r['seconds']:.0f}"]
        for r in rows
    ]  # fmt: skip
    header = ["settings", "log Z", "stages", "accept", "loglik", "s"]
    return f"{title}\n\n{markdown_table(header, cells)}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("case", nargs="?", default="h2")
    parser.add_argument("--particles", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="h2, 2 × 100 particles, checked")
    args = parser.parse_args()
    if args.quick:
        args.case, args.particles, args.runs = "h2", 100, 2
    case = make_case(args.case)
    model = case.model()
    reference = load_references().get(args.case, {}).get("reference")
    title = f"{args.case} (d={case.dim}), reference log Z {reference}"
    print(title)
    print(f"{'settings':<72} {'log Z':>8} {'stages':>6} {'accept':>6} {'loglik':>8} {'s':>5}")
    names = [n for n, _ in case.shapes] + ["sigma"]
    log_z = []  # per setting, the runs' log Z
    rows = []
    for settings in [SHORT, DEFAULT] if args.quick else SETTINGS:
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            run = run_hmc_smc(
                model, [1.0], HMCSMC(draws=args.particles, chains=args.runs, **settings),
                seed=1, progressbar=False,
            )  # fmt: skip
        seconds = time.perf_counter() - start
        post = run.posterior[-1]
        theta = np.concatenate(
            [post[n].values.reshape(args.runs, args.particles, -1) for n in names], axis=-1
        )
        loglik = np.mean([case.loglike(theta[c]) for c in range(args.runs)])
        stages = np.mean([len(s) - 1 for s in run.schedules])
        accept = np.mean([a.mean() for a in run.acceptance])
        print(
            f"{settings!s:<72} {run.log_z[-1].mean():8.2f} {stages:6.0f} {accept:6.2f} "
            f"{loglik:8.2f} {seconds:5.0f}",
            flush=True,
        )
        log_z.append(run.log_z[-1])
        rows.append(
            {"settings": str(settings), "log_z": float(run.log_z[-1].mean()), "stages": stages,
             "accept": accept, "loglik": loglik, "seconds": seconds}
        )  # fmt: skip
    if args.quick:
        short, default = log_z  # the quick run's two settings
        bound = 4 * default.std(ddof=1) / np.sqrt(args.runs) + QUICK_TOLERANCE
        error = default.mean() - reference
        print(f"default settings: |error| {abs(error):.3f} (bound 4 se + {QUICK_TOLERANCE} = "
              f"{bound:.3f}); short below default by {default.mean() - short.mean():.2f} "
              "(bound > 2)")  # fmt: skip
        assert abs(error) < bound and default.mean() - short.mean() > 2, (default, short)
    else:
        write_result("hmc_smc_moves", command_line(), markdown(title, rows), rows=rows)


if __name__ == "__main__":
    main()
