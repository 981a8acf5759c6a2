"""Stepping stone's NUTS ``target_accept`` on users' models: 0.8 (nutpie's default) against 0.95.

For each gallery model with an exact or quadrature reference (``tests/gallery/references.json``)
and each seed, ``slt.log_marginal_likelihood(model, method="stepping_stone")`` runs at its
defaults, once with ``sampler_kwargs={"target_accept": t}`` for each ``t``; the table prints the
error against the reference, the reported se, the error in se and the seconds. This is the
measurement behind the stepping-stone default (see ``docs/evidence.md``).

Run (from the repository root, one core)::

    OMP_NUM_THREADS=1 PYTHONPATH=. .venv/bin/python benchmarks/stepping_stone_target_accept.py \
        --seeds 1 2 --models eight_schools_centered logistic_glm

``--quick`` runs the logistic GLM at seed 1 with both target_accepts and asserts |error| <
4 se + 0.01 nat (the reference's se is 0.001) for each.
"""

from __future__ import annotations

import argparse
import time
import warnings

import pymc_slt as slt
from tests.gallery.matrix import REFERENCES
from tests.gallery.models import GALLERY

MODELS = sorted(name for name in REFERENCES if name != "discrete_latent")


def run(name: str, target_accept: float, seed: int) -> tuple[float, float, float, int]:
    """Error, se, seconds and the number of package warnings of one stepping-stone estimate."""
    model = GALLERY[name]()
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = slt.log_marginal_likelihood(
            model,
            method="stepping_stone",
            sampler_kwargs={"target_accept": target_accept},
            random_seed=seed,
            progressbar=False,
        )
    seconds = time.perf_counter() - start
    ours = [
        w for w in caught if issubclass(w.category, slt.PoorMixingWarning | slt.EvidenceWarning)
    ]
    return result.estimate - REFERENCES[name]["log_z"], result.se, seconds, len(ours)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", choices=MODELS, default=MODELS)
    parser.add_argument("--seeds", nargs="+", type=int, default=[1, 2])
    parser.add_argument("--target-accepts", nargs="+", type=float, default=[0.8, 0.95])
    parser.add_argument("--quick", action="store_true", help="one model and seed, checked")
    args = parser.parse_args()
    if args.quick:
        args.models, args.seeds = ["logistic_glm"], [1]
    print(f"{'model':28s} {'ta':>5s} {'seed':>4s} {'error':>8s} {'se':>6s} {'err/se':>7s} "
          f"{'s':>6s} {'warn':>4s}")  # fmt: skip
    for name in args.models:
        for target_accept in args.target_accepts:
            for seed in args.seeds:
                error, se, seconds, n_warn = run(name, target_accept, seed)
                print(
                    f"{name:28s} {target_accept:5.2f} {seed:4d} {error:+8.3f} {se:6.3f} "
                    f"{error / se:+7.2f} {seconds:6.1f} {n_warn:4d}",
                    flush=True,
                )
                if args.quick:
                    print(f"|error| {abs(error):.3f} (bound 4 se + 0.01 = {4 * se + 0.01:.3f})")
                    assert abs(error) < 4 * se + 0.01, (name, target_accept, error, se)


if __name__ == "__main__":
    main()
