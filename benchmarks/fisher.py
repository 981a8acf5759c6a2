"""Fisher information over a posterior: pymc-slt vs a naive per-draw reverse-mode loop.

Model: reduced-rank regression ``Y = B A X`` + N(0, 1) noise with M = N = 5 inputs/outputs and
H = 3 hidden units (d = H(M + N) = 30 parameters, generic rank H(M + N − H) = 21), n = 2000
observations, 1000 posterior draws (4 chains × 250, drawn around a generic point; the cost
does not depend on the values).

* ours: ``slt.fisher_information(model, posterior, kind=...)``: forward-mode Jacobian
  vectorised over the d directions, one compiled PyTensor function, draws looped through it.
  "compile" is the time of a one-point call (compilation plus one evaluation, after a warm-up
  call has filled PyTensor's on-disk cache, as in any session after the first), "evaluate" the
  rest of the 1000-draw call (which compiles the same graph again).
* naive: ``pytensor.function`` of ``pytensor.gradient.jacobian`` (reverse mode, one backward
  pass per output row: n·N rows for the output form, n for the score form), called once per
  draw in a Python loop, then JᵀJ/n in NumPy, with BLAS on one thread as ours. Only a few
  draws are timed and the time is extrapolated to all draws (the cost per draw is constant).

Prints one table and writes it to ``benchmarks/results/fisher.json`` with the package version,
the machine and the command; asserts nothing about time except ``--quick``'s total speed-up > 1.
Timings on a shared machine are indicative.

    .venv/bin/python benchmarks/fisher.py [--draws 1000] [--n 2000] [--naive-draws 5]

``--quick`` (n = 100, one naive draw) asserts, for both kinds, that ours matches the
naive matrices to 1e-8 (relative), that every draw's matrix has the generic rank 21, and that
ours is faster in total (speed-up > 1); it writes no results file.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pymc as pm
import pytensor
import pytensor.tensor as pt
import xarray as xr
from _store import command_line, markdown_table, write_result
from threadpoolctl import threadpool_limits

import pymc_slt.fisher.information as fisher

M, N, H = 5, 5, 3
RANK = H * (M + N - H)  # the generic rank of both kinds
QUICK = {"n": 100, "naive_draws": 1}


def build(n: int, rng: np.random.Generator) -> tuple[pm.Model, np.ndarray, np.ndarray]:
    x = rng.normal(size=(n, M))
    a0, b0 = rng.normal(size=(H, M)), rng.normal(size=(N, H))
    y = x @ a0.T @ b0.T + rng.normal(size=(n, N))
    with pm.Model() as model:
        a = pm.Normal("A", 0, 1, shape=(H, M))
        b = pm.Normal("B", 0, 1, shape=(N, H))
        pm.Normal("y", (x @ a.T) @ b.T, 1.0, observed=y)
    return model, x, y


def posterior(draws: int, rng: np.random.Generator) -> xr.Dataset:
    chains = 4
    per_chain = draws // chains
    a = rng.normal(size=(chains, per_chain, H, M))
    b = rng.normal(size=(chains, per_chain, N, H))
    return xr.Dataset(
        {"A": (("chain", "draw", "A_0", "A_1"), a), "B": (("chain", "draw", "B_0", "B_1"), b)}
    )


def naive_function(x: np.ndarray, y: np.ndarray, kind: str):
    """Reverse-mode per-row Jacobian (scan over rows), compiled once, one draw per call."""
    d = H * (M + N)
    theta = pt.vector("theta", shape=(d,))
    a = theta[: H * M].reshape((H, M))
    b = theta[H * M :].reshape((N, H))
    f = (x @ a.T) @ b.T
    rows = f.ravel() if kind == "output" else -0.5 * ((y - f) ** 2).sum(axis=1)
    return pytensor.function([theta], pytensor.gradient.jacobian(rows, theta))


def naive_information(jac, theta: np.ndarray, n: int) -> np.ndarray:
    rows = jac(theta)
    return rows.T @ rows / n


def markdown(title: str, rows: list[dict], notes: list[str]) -> str:
    """The results table: the setting, one row per kind, then the notes under it."""
    header = ["kind", "ours compile s", "ours eval s", "ours total s", "naive compile s",
              "naive eval s*", "speed-up (eval)", "speed-up (total)", "max rel diff"]  # fmt: skip
    cells = [
        [r["kind"], f"{r['compile']:.2f}", f"{r['eval']:.2f}", f"{r['compile'] + r['eval']:.2f}",
         f"{r['naive_compile']:.2f}", f"{r['naive_eval']:.1f}", f"{r['speed_up_eval']:.0f}×",
         f"{r['speed_up_total']:.0f}×", f"{r['max_rel_diff']:.1e}"]
        for r in rows
    ]  # fmt: skip
    return "\n\n".join([title, markdown_table(header, cells), *notes])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--naive-draws", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="a small run that checks itself")
    args = parser.parse_args()
    if args.quick:
        vars(args).update(QUICK)
    rng = np.random.default_rng(0)
    model, x, y = build(args.n, rng)
    post = posterior(args.draws, rng)
    total = post.sizes["chain"] * post.sizes["draw"]
    flat = np.concatenate(
        [post[v].values.reshape(total, -1) for v in ("A", "B")], axis=1
    )  # draws × d, in fisher_parameter_names order
    rows = []
    for kind in ("output", "score"):
        point = {v: post[v].values[0, 0] for v in ("A", "B")}
        fisher.fisher_information(model, point, kind=kind)  # warm PyTensor's on-disk C cache
        start = time.perf_counter()
        fisher.fisher_information(model, point, kind=kind)
        compile_s = time.perf_counter() - start
        start = time.perf_counter()
        ours = fisher.fisher_information(model, post, kind=kind).values.reshape(total, 30, 30)
        evaluate_s = time.perf_counter() - start - compile_s  # both calls compile the graph

        start = time.perf_counter()
        jac = naive_function(x, y, kind)
        naive_compile_s = time.perf_counter() - start
        k = min(args.naive_draws, total)
        start = time.perf_counter()
        with threadpool_limits(limits=1, user_api="blas"):  # as ours: a fair comparison
            naive = np.stack([naive_information(jac, theta, args.n) for theta in flat[:k]])
        naive_s = (time.perf_counter() - start) / k * total
        err = np.abs(naive - ours[:k]).max() / np.abs(ours[:k]).max()
        ranks = {int(np.linalg.matrix_rank(f)) for f in ours}
        rows.append((kind, compile_s, evaluate_s, naive_compile_s, naive_s, k, err, ranks))

    title = (
        f"Fisher information, reduced-rank regression M=N={M}, H={H} (d=30), n={args.n}, "
        f"{total} draws"
    )
    print(title)
    print("(shared 2-core machine, other jobs running: timings are indicative)\n")
    header = (
        f"{'kind':<7}{'ours compile s':>15}{'ours eval s':>13}{'ours total s':>14}"
        f"{'naive compile s':>17}{'naive eval s*':>15}{'speed-up (eval)':>17}"
        f"{'speed-up (total)':>18}{'max rel diff':>14}"
    )
    print(header)
    print("-" * len(header))
    for kind, c, e, nc, ne, _, err, _ in rows:
        print(
            f"{kind:<7}{c:>15.2f}{e:>13.2f}{c + e:>14.2f}{nc:>17.2f}{ne:>15.1f}{ne / e:>16.0f}x"
            f"{(nc + ne) / (c + e):>17.0f}x{err:>14.1e}"
        )
    notes = [
        f"* naive: {rows[0][5]} draws timed, extrapolated to {total} draws "
        "(per-draw cost is constant).",
        "* ranks of the draws' matrices: "
        + ", ".join(f"{kind} {sorted(ranks)}" for kind, *_, ranks in rows)
        + f" (generic rank {RANK}).",
    ]
    print("\n" + "\n".join(notes))
    if not args.quick:
        stored = [
            {"kind": kind, "compile": c, "eval": e, "naive_compile": nc, "naive_eval": ne,
             "naive_draws": k, "speed_up_eval": ne / e, "speed_up_total": (nc + ne) / (c + e),
             "max_rel_diff": err, "ranks": sorted(ranks)}
            for kind, c, e, nc, ne, k, err, ranks in rows
        ]  # fmt: skip
        write_result("fisher", command_line(), markdown(title, stored, notes), rows=stored)
    if args.quick:
        for kind, c, e, nc, ne, _, err, ranks in rows:
            speed_up = (nc + ne) / (c + e)
            print(f"{kind}: max rel diff {err:.1e} (bound 1e-8), ranks {sorted(ranks)} "
                  f"(bound: all {RANK}), speed-up (total) {speed_up:.0f}x (bound > 1)")  # fmt: skip
            assert err < 1e-8 and ranks == {RANK} and speed_up > 1, (kind, err, ranks, speed_up)


if __name__ == "__main__":
    main()
