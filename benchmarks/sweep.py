"""Speed-up of a sweep on 2 local worker processes over 1, and what one task costs.

Prints one table (default): the same grid of 8 NUTS tasks (normal crossing and reduced-rank
regression, n = 100, 500 draws + 500 tuning steps × 2 chains, E_β[n L_n] at one β) run with
:func:`pymc_slt.run_sweep` on

* ``1 worker``: a process pool of one worker, ``task_cores=1`` (chains one after the other);
* ``1 worker, 2 cores``: one worker whose tasks sample their 2 chains on 2 threads;
* ``2 workers``: a pool of two workers, ``task_cores=1`` (the default on a 2-core machine).

Each row uses a fresh store, so every task runs; wall time includes starting the worker
processes (``spawn``: each imports PyMC, about 5 s). Ideal speed-up on 2 cores is 2; the numbers
are noisy on a shared machine and nothing is asserted about them.

``--per-task`` prints instead the cost of one task by model size: import time, the first task
(which compiles the model with numba), a second task of the same model (new data, compiled
again), and the peak resident memory of the process, each model in a fresh process.

Run: ``.venv/bin/python benchmarks/sweep.py [--per-task]``. The table goes to
``benchmarks/results/sweep.json`` (``sweep_per_task.json``) with the package version, the
machine and the command.

``--quick`` runs 2 tasks (normal crossing, 200 draws + 200 tuning steps) on 1 worker and on 2,
and asserts that every task succeeds and that both runs give identical E_β[n L_n] (a task's
result must not depend on the worker that ran it); the speed-up is printed, not asserted (on a
shared machine 2 workers can be slower than 1). It writes no results file.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _store import command_line, markdown_table, write_result

import pymc_slt.sweep.run as sw

SAMPLER = {"draws": 500, "tune": 500, "chains": 2}
QUICK_SAMPLER = {"draws": 200, "tune": 200, "chains": 2}
MODELS = [
    {
        "builder": "normal_crossing",
        "builder_kwargs": {"powers": [1, 2]},
        "simulator_kwargs": {"powers": [1, 2]},
    },
    {
        "builder": "reduced_rank_regression",
        "builder_kwargs": {"H": 2},
        "simulator_kwargs": {"M": 3, "N": 3, "r": 1},
    },
]
SIZES = {
    "normal crossing (d=2)": MODELS[0],
    "RRR M=N=3, H=2 (d=12)": MODELS[1],
    "RRR M=N=6, H=4 (d=48)": {
        "builder": "reduced_rank_regression",
        "builder_kwargs": {"H": 4},
        "simulator_kwargs": {"M": 6, "N": 6, "r": 2},
    },
    "tanh M=2, H=6 (d=18)": {
        "builder": "tanh_network",
        "builder_kwargs": {"H": 6},
        "simulator_kwargs": {"M": 2},
    },
}
PER_TASK = """
import json, resource, sys, time
t0 = time.perf_counter()
import pymc_slt.sweep.run as sw
t1 = time.perf_counter()
model, n = json.loads(sys.argv[1]), int(sys.argv[2])
out = [t1 - t0]
for seed in (0, 1):
    sampler = json.loads(sys.argv[3])
    task = sw.SweepTask(**model, n=n, seed=seed, quantities=["energy"], sampler=sampler)
    outcome = sw.run_task(task)
    assert outcome.status == "ok", outcome.errors
    out.append(outcome.seconds)
out.append(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
print(json.dumps(out))
"""


def speedup_markdown(setting: str, rows: list[dict]) -> str:
    """The results table of the speed-up: the setting line, then one row per way to run."""
    header = ["run", "wall s", "s/task", "task s (mean)", "speed-up"]
    cells = [
        [r["run"], f"{r['wall']:.1f}", f"{r['per_task']:.2f}", f"{r['task_mean']:.2f}",
         f"{r['speed_up']:.2f}"]
        for r in rows
    ]  # fmt: skip
    return f"{setting}\n\n{markdown_table(header, cells)}"


def per_task_markdown(setting: str, rows: list[dict]) -> str:
    """The results table of ``--per-task``: the setting line, then one row per model and n."""
    header = ["model", "n", "import s", "1st task s", "2nd task s", "peak MB"]
    cells = [
        [r["model"], r["n"], f"{r['import']:.1f}", f"{r['first']:.1f}", f"{r['second']:.1f}",
         f"{r['peak_mb']:.0f}"]
        for r in rows
    ]  # fmt: skip
    return f"{setting}\n\n{markdown_table(header, cells)}"


def _speedup(quick: bool) -> None:
    sampler = QUICK_SAMPLER if quick else SAMPLER
    models, seeds = (MODELS[:1], [0, 1]) if quick else (MODELS, [0, 1, 2, 3])
    tasks = sw.grid(models, n=100, seeds=seeds, quantities="energy", sampler=sampler)
    rows = [("1 worker", 1, 1), ("1 worker, 2 cores", 1, 2), ("2 workers", 2, 1)]
    if quick:
        rows = [rows[0], rows[2]]
    setting = f"{len(tasks)} tasks, {sampler}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
    print(setting)
    print(f"{'run':<20}{'wall s':>9}{'s/task':>9}{'task s (mean)':>15}{'speed-up':>10}")
    base = None
    energies, results = [], []
    for label, workers, cores in rows:
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            table = sw.run_sweep(
                tasks, store=Path(tmp), max_workers=workers, task_cores=cores, progressbar=False
            )
            wall = time.perf_counter() - start
        assert (table["status"] == "ok").all(), table["error"].tolist()
        energies.append(table.set_index("task_id")["energy"].sort_index())
        base = base or wall
        print(
            f"{label:<20}{wall:>9.1f}{wall / len(tasks):>9.2f}{table['seconds'].mean():>15.2f}"
            f"{base / wall:>10.2f}"
        )
        mean, speed_up = float(table["seconds"].mean()), base / wall
        results.append(
            {"run": label, "wall": wall, "per_task": wall / len(tasks), "task_mean": mean,
             "speed_up": speed_up}
        )  # fmt: skip
    if quick:
        print(f"E_β[n L_n] per task: {energies[0].round(4).tolist()} on 1 worker, "
              f"{energies[1].round(4).tolist()} on 2 (bound: identical)")  # fmt: skip
        assert energies[0].equals(energies[1]), energies
    else:
        write_result("sweep", command_line(), speedup_markdown(setting, results), rows=results)


def _per_task(write: bool) -> None:
    setting = f"one task: E_β[n L_n], NUTS {SAMPLER}; load {os.getloadavg()[0]:.1f}"
    print(setting)
    results = []
    print(
        f"{'model':<24}{'n':>6}{'import s':>10}{'1st task s':>12}{'2nd task s':>12}{'peak MB':>9}"
    )
    for label, model in SIZES.items():
        for n in (100, 1000):
            args = [json.dumps(model), str(n), json.dumps(SAMPLER)]
            out = subprocess.run(
                [sys.executable, "-c", PER_TASK, *args], capture_output=True, text=True, check=True
            )
            imp, first, second, peak = json.loads(out.stdout.strip().splitlines()[-1])
            print(f"{label:<24}{n:>6}{imp:>10.1f}{first:>12.1f}{second:>12.1f}{peak:>9.0f}")
            times = {"import": imp, "first": first, "second": second, "peak_mb": peak}
            results.append({"model": label, "n": n, **times})
    if write:
        table = per_task_markdown(setting, results)
        write_result("sweep_per_task", command_line(), table, rows=results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-task", action="store_true", help="the cost of one task instead")
    parser.add_argument("--quick", action="store_true", help="2 tasks, checked")
    args = parser.parse_args()
    _per_task(write=not args.quick) if args.per_task else _speedup(args.quick)


if __name__ == "__main__":  # the spawned worker processes import this file without running it
    main()
