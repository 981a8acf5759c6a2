"""Networks at scale: the default local λ̂ of deep linear networks against theory and devinterp.

Cases (n = 10⁴, x ~ N(0, I), noise N(0, 1), W ~ N(0, 1) priors, a product of rank r as truth,
``reduced_rank_truth(M, N, r, random_seed=0)``, ``simulate_reduced_rank(n, B, A, random_seed=0)``;
λ from ``slt.theory.rlct_deep_linear``, Aoyagi 2024): reduced rank 5→5→5 (d = 50, λ = 10.5),
DLN 8→16→16→8 (d = 512, λ = 32), DLN 40⁴ (d = 4,800, λ = 584), DLN 130⁴ (d = 50,700, λ = 5,804).
Each row is ``slt.learning_coefficient(model, random_seed=0)``, the default path (it picks SGLD
above n·d = 200,000: all four cases), in a fresh Python, with its seconds (compilation, the
search for w* and the energies included) and peak resident memory; the devinterp columns come
from ``benchmarks/results/networks_devinterp.json`` (``_networks_devinterp.py``, devinterp 1.3.2
in its own Python 3.11 venv, its usual recipe: Adam to a minimum, then SGLD lr 1e-3, γ = 100,
nβ = n/log n, batch 64). The table goes to ``benchmarks/results/networks.json``.

Usage::

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/networks.py [--only LABEL] [--quick]

``--quick`` runs the d = 50 case at n = 2,000 with a short SGLD run (about a minute) and
asserts that λ̂ is within 25 % of λ and that the run reports its choices.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

from _store import RESULTS, command_line, fmt, load_json, markdown_table, update_result

#: (label, M, N, hidden widths, r)
CASES = [
    ("RRR 5→5→5 r=1", 5, 5, (5,), 1),
    ("DLN 8→16→16→8 r=2", 8, 8, (16, 16), 2),
    ("DLN 40⁴ r=4", 40, 40, (40, 40), 4),
    ("DLN 130⁴ r=4", 130, 130, (130, 130), 4),
]
N_OBS = 10_000


def run_case(label: str, n: int, quick: bool) -> dict:
    """One default ``learning_coefficient`` call, in this process."""
    import pymc_slt as slt
    from pymc_slt.models import deep_linear_network
    from pymc_slt.models.simulate import reduced_rank_truth, simulate_reduced_rank
    from pymc_slt.sampling.tempered import n_parameters

    _, M, N, widths, r = next(c for c in CASES if c[0] == label)
    B, A = reduced_rank_truth(M, N, r, random_seed=0)
    data = simulate_reduced_rank(n, B, A, random_seed=0)
    model = deep_linear_network(data.x, data.y, widths)
    lam = slt.theory.rlct_deep_linear(M, N, widths, r)
    kwargs = {"sampler": slt.SGLD(first_round=2000, max_steps=8000)} if quick else {}
    start = time.perf_counter()
    res = slt.learning_coefficient(model, random_seed=0, progressbar=False, **kwargs)
    diag = res.diagnostics
    return {
        "case": label,
        "n": n,
        "d": n_parameters(model),
        "lambda": lam,
        "estimate": res.estimate,
        "se": res.se,
        "seconds": time.perf_counter() - start,
        "peak_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
        "choice": diag.get("sampler_choice", ""),
        "steps": diag.get("num_steps"),
        "settled": bool(diag.get("settled", True)),
        "step_size": diag.get("step_size"),
        "preconditioned": bool(diag.get("preconditioned", False)),
    }


def in_subprocess(label: str, n: int, quick: bool) -> dict:
    """:func:`run_case` in a fresh Python, so each peak memory is the case's own."""
    args = ["--case", label, "--n", str(n), *(["--quick"] if quick else [])]
    out = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def _devinterp(label: str) -> tuple[dict, dict]:
    """devinterp's runs for ``label``: at its default lr 1e-3 (4 × 1000 draws), and at 4 × 2000
    draws with the largest lr whose λ̂ is finite and at most d/2 (a rule that does not know
    λ; ``_networks_devinterp.py``)."""
    rows = [r for r in load_json(RESULTS / "networks_devinterp.json").get("rows", [])
            if r["case"] == label]  # fmt: skip
    default = next((r for r in rows if r["settings"]["lr"] == 1e-3), {})
    chosen = next((r for r in rows if r["settings"]["num_draws"] == 2000), {})
    return default, chosen


def _peer_cells(row: dict, lam: float) -> list[str]:
    llc = row.get("llc")
    if not row:
        return ["–", "–"]
    if llc is None:
        return [f"diverged (lr {row['settings']['lr']:g})", "–"]
    return [f"{llc:.1f} (lr {row['settings']['lr']:g})", f"{llc / lam - 1:+.0%}"]


def markdown(rows: list[dict]) -> str:
    header = ["case", "d", "λ", "pymc-slt λ̂ ± se", "error", "s", "peak GB", "steps", "settled"]
    header += ["devinterp, lr 1e-3", "error", "devinterp, lr by λ̂ ≤ d/2", "error", "s"]
    body = []
    for r in rows:
        default, chosen = _devinterp(r["case"])
        body.append(
            [
                r["case"],
                r["d"],
                f"{r['lambda']:g}",
                f"{r['estimate']:.1f} ± {r['se']:.1f}",
                f"{r['estimate'] / r['lambda'] - 1:+.0%}",
                f"{r['seconds']:.0f}",
                f"{r['peak_gb']:.2f}",
                r["steps"],
                "yes" if r["settled"] else "no",
                *_peer_cells(default, r["lambda"]),
                *_peer_cells(chosen, r["lambda"]),
                fmt(chosen.get("seconds"), ".0f"),
            ]
        )
    notes = (
        f"n = {N_OBS:,}; pymc-slt: slt.learning_coefficient(model, random_seed=0), one "
        "subprocess per row, seconds include compilation, the search for w* and the energies; "
        "steps = SGLD steps per chain (8 chains, preconditioned). devinterp 1.3.2 "
        "(benchmarks/results/networks_devinterp.json has every run): γ = 100, nβ = n/log n, "
        "batch 64, 4 chains, after 3000 full-batch Adam steps (most of its seconds)"
    )
    return f"{markdown_table(header, body)}\n\n{notes}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="d = 50 at n = 2,000; checks itself")
    parser.add_argument("--only", help="run the cases whose label contains this")
    parser.add_argument("--case", help=argparse.SUPPRESS)  # one case (subprocess)
    parser.add_argument("--n", type=int, default=N_OBS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:
        print(json.dumps(run_case(args.case, args.n, args.quick)))
        return
    if args.quick:
        row = in_subprocess(CASES[0][0], 2000, quick=True)
        print(json.dumps(row))
        assert abs(row["estimate"] / row["lambda"] - 1) < 0.25, row
        assert row["choice"] == "sgld: sampler given" and row["steps"] >= 2000, row
        return
    rows = []
    for label, *_ in CASES:
        if args.only and args.only not in label:
            continue
        row = in_subprocess(label, args.n, quick=False)
        row["command"] = command_line()
        print(json.dumps(row), flush=True)
        rows.append(row)
    update_result("networks", rows, key=lambda r: r["case"], table=markdown)


if __name__ == "__main__":
    main()
