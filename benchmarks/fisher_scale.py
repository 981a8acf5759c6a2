"""Fisher rank at scale: the matrix-free path against the dense one on deep linear networks.

Model: a deep linear network (DLN) ``y = x W1 W2 W3 + N(0, 1)`` with widths M → H → H → N,
x ~ N(0, I), at a point where every layer is a generic rank-r matrix (r = 2): the end-to-end
matrix has rank r and the Fisher rank (``kind="output"``) is the tangent dimension
r(M + N − r) of the M × N matrices of rank r, far below d. Cases (n = 10,000 observations):

* d = 512 (8 → 16 → 16 → 8), dense and matrix-free;
* d = 4,800 (40 → 40 → 40 → 40), matrix-free (the dense K × d Jacobian alone would take
  15 GB), and both paths again at n = 1,000 where the dense one fits;
* d = 50,700 (130 × 4 widths), matrix-free.

Each case runs ``slt.fisher_rank(model, point, method=...)`` in its own subprocess and reports
the rank, the expected rank, d, K = n · N, the block of probes b (matrix-free), the seconds of
the call (compilation included) and the peak resident memory of the process
(``resource.getrusage`` maxrss, which includes Python, PyMC and the data: about 0.5 GB before
the call, also reported). ``method="auto"``'s choice for the case is shown too.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/fisher_scale.py``; the table goes to
``benchmarks/results/fisher_scale.json`` with the package version, the machine and the command.
Every case asserts that the rank equals r(M + N − r).

``--quick`` runs the d = 512 case by both paths (under a minute) and asserts that each rank
equals r(M + N − r) = 28; it writes no results file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import resource
import subprocess
import sys
import time

import numpy as np
from _store import command_line, fmt, markdown_table, write_result

R = 2
N_OBS = 10_000
#: (name, widths, n, methods)
CASES = [
    ("d512", (8, 16, 16, 8), N_OBS, ("dense", "matrix_free")),
    ("d4800_n1000", (40, 40, 40, 40), 1_000, ("dense", "matrix_free")),
    ("d4800", (40, 40, 40, 40), N_OBS, ("matrix_free",)),
    ("d50700", (130, 130, 130, 130), N_OBS, ("matrix_free",)),
]
QUICK = CASES[:1]


def deep_linear(widths, n: int, r: int = R, seed: int = 0):
    """The DLN model (``slt.models.deep_linear_network``) and a point with every layer a
    generic rank-r matrix."""
    from pymc_slt.models import deep_linear_network

    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, widths[0]))
    model = deep_linear_network(x, rng.normal(size=(n, widths[-1])), widths[1:-1])
    point = {
        f"W{k}": rng.normal(size=(fan_out, r)) @ rng.normal(size=(r, fan_in)) / np.sqrt(r)
        for k, (fan_in, fan_out) in enumerate(itertools.pairwise(widths), start=1)
    }
    return model, point


def run_case(widths, n: int, method: str) -> dict:
    """One fisher_rank call, in this process: what the table reports."""
    import pymc_slt as slt
    from pymc_slt.fisher import DENSE_BYTES

    model, point = deep_linear(widths, n)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    start = time.perf_counter()
    rank = slt.fisher_rank(model, point, method=method)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    k = n * widths[-1]
    return {
        "rank": int(rank),
        "expected": R * (widths[0] + widths[-1] - R),
        "d": rank.d,
        "K": k,
        "block": len(rank.eigenvalues) if method == "matrix_free" else None,
        "seconds": seconds,
        "peak_gb": peak,
        "before_gb": before,
        "auto": "matrix_free" if 8 * max(k, rank.d) * rank.d > DENSE_BYTES else "dense",
    }


def in_subprocess(widths, n: int, method: str) -> dict:
    """:func:`run_case` in a fresh Python, so each peak memory is the case's own."""
    args = ["--case", ",".join(map(str, widths)), "--n", str(n), "--method", method]
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def markdown(rows: list[dict]) -> str:
    header = ["case", "widths", "n", "d", "K", "method", "rank", "r(M+N−r)", "b", "seconds"]
    header += ["peak RSS (GB)", "RSS before (GB)", "auto picks"]
    body = [
        [
            r["case"],
            r["widths"],
            r["n"],
            r["d"],
            r["K"],
            r["method"],
            r["rank"],
            r["expected"],
            fmt(r["block"], "d"),
            f"{r['seconds']:.1f}",
            f"{r['peak_gb']:.2f}",
            f"{r['before_gb']:.2f}",
            r["auto"],
        ]
        for r in rows
    ]
    notes = (
        f"DLN at a point with every layer of rank r = {R}; x ~ N(0, I); kind='output'; "
        "one subprocess per row; seconds include compilation; b = probes (products I v)"
    )
    return f"{markdown_table(header, body)}\n\n{notes}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the d = 512 case; checks itself")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # widths of one case (subprocess)
    parser.add_argument("--n", type=int, default=N_OBS, help=argparse.SUPPRESS)
    parser.add_argument("--method", default="matrix_free", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        widths = tuple(int(w) for w in args.case.split(","))
        print(json.dumps(run_case(widths, args.n, args.method)))
        return
    rows = []
    print(f"{'case':<13}{'method':<13}{'d':>7}{'rank':>6}{'exp.':>6}{'b':>6}{'s':>8}{'GB':>7}")
    for name, widths, n, methods in QUICK if args.quick else CASES:
        for method in methods:
            row = {"case": name, "widths": "→".join(map(str, widths)), "n": n, "method": method}
            row.update(in_subprocess(widths, n, method))
            rows.append(row)
            print(
                f"{name:<13}{method:<13}{row['d']:>7}{row['rank']:>6}{row['expected']:>6}"
                f"{fmt(row['block'], 'd'):>6}{row['seconds']:>8.1f}{row['peak_gb']:>7.2f}"
            )
            assert row["rank"] == row["expected"], row
    if not args.quick:
        write_result("fisher_scale", command_line(), markdown(rows), rows=rows)


if __name__ == "__main__":
    main()
