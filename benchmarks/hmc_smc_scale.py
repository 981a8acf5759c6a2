"""HMC-SMC's cost as the network grows: time and memory per particle and stage, H = 2 … 50.

The tanh network of ``benchmarks/neural_evidence.py`` (one input, H hidden units with biases,
d = 3H + 2, n = 200) is sampled by ``slt.sample_tempered(model, 1.0, sampler="hmc_smc")`` with one
run of ``--particles`` particles at the default settings (5 HMC moves of 128 leapfrog steps per
stage). Printed per H: d, the number of stages, wall time (compilation included, and without it:
each call builds and compiles its functions again, so that overhead is measured separately as the
time of a 10-particle run, after a first 10-particle run that pays the process's one-off costs
and is discarded), seconds per particle per stage, and the process's peak resident memory. One
core; JAX's default device (the CPU here; a GPU if JAX sees one).
The table goes to ``benchmarks/results/hmc_smc_scale.json`` with the package version, the
machine and the commands (an H and particle count run again replaces its row; the others stay).

    .venv/bin/python benchmarks/hmc_smc_scale.py [--hidden 2 5 10 20 50] [--particles 500]

``--quick`` runs H = 2 (``neural_evidence.py``'s ``h2``: the same data and priors) with 100
particles and asserts that the run's log Z lies within 1.5 nat of h2's agreed reference (one run
of 100 particles gives no se; such runs erred by −0.81 to +0.29 nat over 7 seeds) and that the
time per particle and stage is positive (the overhead run is shorter than the run); it writes no
results file.
"""

from __future__ import annotations

import argparse
import resource
import time
import warnings

import numpy as np
import pymc as pm
from _store import command_line, markdown_table, update_result
from neural_evidence import load_references

import pymc_slt as slt

QUICK_TOLERANCE = 1.5  # nat: one run of 100 particles on h2 (errors −0.81 to +0.29 measured)


def network(hidden: int) -> pm.Model:
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, 200)
    y = np.sin(1.5 * x) + rng.normal(0, 0.3, 200)
    with pm.Model() as model:
        w1 = pm.Normal("W1", 0, 1, shape=hidden)
        b1 = pm.Normal("b1", 0, 1, shape=hidden)
        w2 = pm.Normal("W2", 0, 1, shape=hidden)
        b2 = pm.Normal("b2", 0, 1)
        sigma = pm.HalfNormal("sigma", 0.5)
        pm.Normal("y", pm.math.tanh(x[:, None] * w1 + b1) @ w2 + b2, sigma, observed=y)
    return model


def run(hidden: int, particles: int) -> tuple[float, int, float]:
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = slt.sample_tempered(
            network(hidden), 1.0, sampler=slt.HMCSMC(draws=particles, chains=1),
            random_seed=0, progressbar=False,
        )  # fmt: skip
    stats = tree["sample_stats"]
    seconds = time.perf_counter() - start
    return seconds, int(stats["n_stages"].values[0]), float(stats["log_marginal_likelihood"][0])


def markdown(rows: list[dict]) -> str:
    """The results table: per H, d, stages, seconds, µs per particle and stage, peak memory."""
    header = ["H", "d", "particles", "stages", "total s", "compile s", "µs/particle/stage",
              "peak MB"]  # fmt: skip
    cells = [
        [r["hidden"], r["d"], r["particles"], r["stages"], f"{r['total']:.1f}",
         f"{r['compile']:.1f}", f"{r['per_particle_stage_us']:.1f}", f"{r['peak_mb']:.0f}"]
        for r in sorted(rows, key=lambda r: (r["particles"], r["hidden"]))
    ]  # fmt: skip
    return markdown_table(header, cells)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hidden", type=int, nargs="+", default=[2, 5, 10, 20, 50])
    parser.add_argument("--particles", type=int, default=500)
    parser.add_argument("--quick", action="store_true", help="H = 2, 100 particles, checked")
    args = parser.parse_args()
    if args.quick:
        args.hidden, args.particles = [2], 100
    print(f"{'H':>4} {'d':>4} {'stages':>7} {'total s':>8} {'compile s':>10} "
          f"{'µs/particle/stage':>18} {'peak MB':>8}")  # fmt: skip
    rows = []
    for hidden in args.hidden:
        run(hidden, 10)  # the process's one-off costs (imports, JAX's first jit)
        compile_s, _, _ = run(hidden, 10)
        total, stages, log_z = run(hidden, args.particles)
        per = (total - compile_s) / (args.particles * stages) * 1e6
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{hidden:>4} {3 * hidden + 2:>4} {stages:>7} {total:>8.1f} {compile_s:>10.1f} "
              f"{per:>18.1f} {peak:>8.0f}", flush=True)  # fmt: skip
        rows.append(
            {"hidden": hidden, "d": 3 * hidden + 2, "stages": stages, "total": total,
             "compile": compile_s, "per_particle_stage_us": per, "peak_mb": peak,
             "particles": args.particles, "log_z": log_z, "command": command_line()}
        )  # fmt: skip
    if not args.quick:
        update_result("hmc_smc_scale", rows, lambda r: (r["hidden"], r["particles"]), markdown)
    if args.quick:
        reference = load_references()["h2"]["reference"]
        print(f"log Z {log_z:.3f}, reference {reference:.3f}: |error| {abs(log_z - reference):.3f}"
              f" (bound {QUICK_TOLERANCE})")  # fmt: skip
        assert abs(log_z - reference) < QUICK_TOLERANCE, (log_z, reference)
        assert rows[0]["per_particle_stage_us"] > 0, "the overhead run took longer than the run"


if __name__ == "__main__":
    main()
