"""The default ``log_marginal_likelihood`` on users' models: which method answered, and a check.

For each named gallery model (``tests/gallery/models.py``), runs
``slt.log_marginal_likelihood(model, draws=…, tune=…, chains=…)`` at its defaults (bridge
sampling, replaced by stepping stone or HMC-SMC when it fails or warns) and prints the method
that answered, log Z, se, seconds and the reason for a replacement; with ``--check``, also
``method="hmc_smc"`` at 4 × 1000 particles (needs JAX), an independent estimate, and, where the
gallery has one, the exact or quadrature reference.

Run (from the repository root, one core)::

    OMP_NUM_THREADS=1 PYTHONPATH=. .venv/bin/python benchmarks/default_path.py \
        --models bnn_one_layer_h2 eight_schools_centered --check
"""

from __future__ import annotations

import argparse
import time
import warnings
from collections.abc import Callable

import pymc as pm

import pymc_slt as slt
from tests.gallery.matrix import REFERENCES
from tests.gallery.models import GALLERY, bnn_one_layer

MODELS: dict[str, Callable[[], pm.Model]] = {
    **GALLERY,
    "bnn_one_layer_h2": lambda: bnn_one_layer(hidden=2),
}


def _timed(fn: Callable[[], slt.EvidenceResult]) -> tuple[slt.EvidenceResult, float, list[str]]:
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = fn()
    notes = [str(w.message) for w in caught if issubclass(w.category, slt.EvidenceWarning)]
    return result, time.perf_counter() - start, notes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=sorted(MODELS), required=True)
    parser.add_argument("--draws", type=int, default=500)
    parser.add_argument("--tune", type=int, default=500)
    parser.add_argument("--chains", type=int, default=4)
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--check", action="store_true", help="also HMC-SMC at 4 × 1000")
    args = parser.parse_args()
    run = {"draws": args.draws, "tune": args.tune, "chains": args.chains}
    for name in args.models:
        model = MODELS[name]()
        try:
            result, seconds, notes = _timed(
                lambda m=model: slt.log_marginal_likelihood(
                    m, random_seed=args.seed, progressbar=False, **run
                )
            )
        except (ValueError, TypeError) as err:  # refused before sampling, as it should be
            print(f"{name}: refused: {err}")
            continue
        print(f"{name}: default path → {result.method}: {result.log_z:.3f} ± {result.se:.3f}"
              f" ({seconds:.0f} s)")  # fmt: skip
        if "fallback_from" in result.diagnostics:
            print(f"    because {result.diagnostics['fallback_from'][:160]}")
        for note in notes[1:]:
            print(f"    and it warned: {note[:160]}")
        if args.check:
            check, seconds, _ = _timed(
                lambda m=model: slt.log_marginal_likelihood(
                    m, method="hmc_smc", draws=1000, chains=4, random_seed=args.seed,
                    progressbar=False,
                )
            )  # fmt: skip
            print(f"    hmc_smc 4 × 1000: {check.log_z:.3f} ± {check.se:.3f} ({seconds:.0f} s)")
        if name in REFERENCES:
            print(f"    reference: {REFERENCES[name]['log_z']:.3f}")


if __name__ == "__main__":
    main()
