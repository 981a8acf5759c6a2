"""How often bridge sampling doubts itself: false alarms (unimodal models), detection (multimodal).

The default ``log_marginal_likelihood`` replaces bridge sampling only when it doubts its estimate
(:mod:`pymc_slt.evidence.fallback`). A doubt on a unimodal posterior is a false alarm: it costs a
second method's run and, before the doubts were tied to the number of draws, it replaced right
answers by worse ones. A doubt on a multimodal posterior is a detection. For every model × seed
this runs bridge sampling at the user's defaults (4 chains × 1000 draws after 1000 tuning steps,
``fallback=False``) and records which doubts fired (``diagnostics["doubt_kinds"]``), what the
former rule (r̂ > 1.01, halves, mixture, one chain) would have done, and bridge sampling's error
where the model has a reference.

Models: the gallery's (``tests/gallery/models.py``) and the real-data models of
``tests/gallery/real_data.py`` (unimodal), and the multimodal ones: the unordered mixture, y =
a·b·x (``tests/conftest.py``'s ``product_model``,
exact log Z), and the gallery's two tanh networks.

Each run is written to ``benchmarks/results/fallback_alarms/<model>-<seed>.json`` as it ends, so
an interrupted sweep resumes where it stopped; ``--report`` writes the tables (markdown, to
stdout) and ``benchmarks/results/fallback_alarms.json`` with the package version, the machine and
the command. Run on one core per process, e.g. two halves side by side::

    OMP_NUM_THREADS=1 PYTHONPATH=. .venv/bin/python benchmarks/fallback_alarms.py --seeds 1-10 \
        --models unimodal
    OMP_NUM_THREADS=1 PYTHONPATH=. .venv/bin/python benchmarks/fallback_alarms.py --seeds 1-10 \
        --models multimodal
    PYTHONPATH=. .venv/bin/python benchmarks/fallback_alarms.py --report

``--quick`` runs 2 unimodal models (linear regression, turtles probit) and 1 multimodal one (the
unordered mixture) at one seed into a temporary folder and asserts that no unimodal run doubts
and errs by more than 4 se + 0.01 nat, and that the multimodal one doubts.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pymc as pm
from _store import result_meta

import pymc_slt as slt
from pymc_slt.sampling.diagnostics import RHAT_MAX
from tests.conftest import product_model
from tests.gallery.models import GALLERY
from tests.gallery.real_data import REAL_DATA, reference_log_z

OUT = Path(__file__).parent / "results"


_GALLERY_UNIMODAL = [
    "eight_schools_noncentered", "linear_sigma_halfnormal",
    "varying_intercept", "logistic_glm", "poisson_glm", "negative_binomial_glm",
    "mixture_ordered", "deterministic_and_potential", "two_observed",
]  # fmt: skip
UNIMODAL: dict[str, Callable[[], pm.Model]] = {
    **{name: GALLERY[name] for name in _GALLERY_UNIMODAL},
    **{name: build for name, (build, _) in REAL_DATA.items()},
}
#: One mode, but a funnel whose neck NUTS misses (divergences): bridge sampling is biased there,
#: so a doubt is right, not a false alarm.
FUNNEL: dict[str, Callable[[], pm.Model]] = {
    "eight_schools_centered": GALLERY["eight_schools_centered"]
}
MULTIMODAL: dict[str, Callable[[], pm.Model]] = {
    "mixture_unordered": GALLERY["mixture_unordered"],
    "abx": lambda: product_model()[0],  # y = a·b·x: two modes of equal mass
    "bnn_one_layer": GALLERY["bnn_one_layer"],
    "bnn_two_layers": GALLERY["bnn_two_layers"],
}


def reference(name: str) -> float | None:
    """The exact, quadrature or published log Z, where there is one (a·b·x: exact)."""
    return product_model()[1] if name == "abx" else reference_log_z(name)


def run_one(name: str, seed: int, folder: Path) -> dict:
    """Bridge sampling at the defaults on ``name`` with ``seed``; written to ``folder``."""
    path = folder / f"{name}-{seed}.json"
    if path.exists():
        return json.loads(path.read_text())
    build = {**UNIMODAL, **FUNNEL, **MULTIMODAL}[name]
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = slt.log_marginal_likelihood(
            build(), random_seed=seed, progressbar=False, fallback=False
        )
    d = result.diagnostics
    gap = abs(d["log_z_halves"][0] - d["log_z_halves"][1]) / np.hypot(*d["se_halves"])
    old = bool(d["max_rhat"] > RHAT_MAX or gap > 3.0 or "mixture" in d["doubt_kinds"])
    ref = reference(name)
    row = {
        "model": name,
        "seed": seed,
        "group": "multimodal" if name in MULTIMODAL else "funnel" if name in FUNNEL else "unimodal",
        "log_z": result.log_z,
        "se": result.se,
        "error": None if ref is None else result.log_z - ref,
        "doubt_kinds": list(d["doubt_kinds"]),
        "former_rule": old,
        "max_rhat": d["max_rhat"],
        "rhat_bound": d["rhat_bound"],
        "chains_p": d["chains_p"],
        "n_divergences": d["n_divergences"],
        "seconds": time.perf_counter() - start,
    }
    path.write_text(json.dumps(row, indent=1))
    return row


def _seeds(text: str) -> list[int]:
    low, _, high = text.partition("-")
    return list(range(int(low), int(high or low) + 1))


def _rate(hits: int, runs: int) -> str:
    return f"{hits}/{runs} ({hits / runs:.0%})" if runs else "–"


def report(rows: list[dict]) -> str:
    """Markdown tables: per model, then the rates."""
    lines = [
        "| model | kind | runs | doubts (now) | by kind | former rule | bridge's largest error |",
        "|---|---|---|---|---|---|---|",
    ]
    order = {"unimodal": 0, "funnel": 1, "multimodal": 2}
    for name in sorted({r["model"] for r in rows}, key=lambda m: (m in FUNNEL, m in MULTIMODAL, m)):
        mine = [r for r in rows if r["model"] == name]
        kinds: dict[str, int] = {}
        for r in mine:
            for k in r["doubt_kinds"]:
                kinds[k] = kinds.get(k, 0) + 1
        ref = reference(name)  # at report time: a reference added later counts too
        errors = [] if ref is None else [abs(r["log_z"] - ref) for r in mine]
        lines.append(
            f"| {name} | {mine[0]['group']} | {len(mine)} | "
            f"{sum(bool(r['doubt_kinds']) for r in mine)} | "
            f"{', '.join(f'{k} {v}' for k, v in sorted(kinds.items())) or '–'} | "
            f"{sum(r['former_rule'] for r in mine)} | "
            f"{f'{max(errors):.3f}' if errors else '–'} |"
        )
    labels = {
        "unimodal": "False alarms (unimodal)",
        "funnel": "Doubts on the funnel (bridge biased)",
        "multimodal": "Detection (multimodal)",
    }
    lines.append("")
    for kind, label in sorted(labels.items(), key=lambda item: order[item[0]]):
        group = [r for r in rows if r["group"] == kind]
        now = sum(bool(r["doubt_kinds"]) for r in group)
        former = sum(r["former_rule"] for r in group)
        lines.append(
            f"* {label}: now {_rate(now, len(group))}, former rule {_rate(former, len(group))}."
        )
    return "\n".join(lines)


def sweep(names: list[str], seeds: list[int], folder: Path) -> list[dict]:
    """Every run of ``names`` × ``seeds`` (stored in ``folder``), then every row stored there."""
    for name in names:
        for seed in seeds:
            row = run_one(name, seed, folder)
            print(f"{name} seed {seed}: doubts {row['doubt_kinds'] or 'none'}, "
                  f"{row['seconds']:.0f} s", flush=True)  # fmt: skip
    return [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]


def quick() -> None:
    """Two unimodal models and a multimodal one at one seed, in a temporary folder, checked."""
    with tempfile.TemporaryDirectory() as tmp:
        rows = sweep(["linear_sigma_halfnormal", "turtles_probit", "mixture_unordered"], [1],
                     Path(tmp))  # fmt: skip
    print(report(rows))
    unimodal = [r for r in rows if r["group"] == "unimodal"]
    for r in unimodal:
        print(f"{r['model']}: doubts {r['doubt_kinds'] or 'none'} (bound: none); |error| "
              f"{abs(r['error']):.4f} (bound 4 se + 0.01 = {4 * r['se'] + 0.01:.4f})")  # fmt: skip
    for r in rows:
        if r["group"] == "multimodal":
            print(f"{r['model']}: doubts {r['doubt_kinds']} (bound: at least one)")
    assert all(not r["doubt_kinds"] and abs(r["error"]) < 4 * r["se"] + 0.01 for r in unimodal)
    assert all(r["doubt_kinds"] for r in rows if r["group"] == "multimodal"), rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["unimodal", "funnel", "multimodal"])
    parser.add_argument("--seeds", default="1-10", help="e.g. 1-10")
    parser.add_argument("--report", action="store_true")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if args.quick:
        quick()
        return
    folder = OUT / "fallback_alarms"
    folder.mkdir(parents=True, exist_ok=True)
    if args.report:
        rows = [json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))]
    else:
        groups = {
            "unimodal": list(UNIMODAL), "funnel": list(FUNNEL), "multimodal": list(MULTIMODAL)
        }  # fmt: skip
        names = [m for g in args.models for m in groups.get(g, [g])]
        rows = sweep(names, _seeds(args.seeds), folder)
    table = report(rows)
    print(table)
    if args.report:
        meta = result_meta(  # what made the rows (a process per group, one core), then this
            f"OMP_NUM_THREADS=1 benchmarks/fallback_alarms.py --seeds "
            f"{min(r['seed'] for r in rows)}-{max(r['seed'] for r in rows)} --models "
            + " ".join(sorted({r["group"] for r in rows}))
            + "; benchmarks/fallback_alarms.py --report"
        )
        (OUT / "fallback_alarms.json").write_text(
            json.dumps({**meta, "rows": rows, "table": table}, indent=1)
        )


if __name__ == "__main__":
    main()
