"""A Bayesian phase transition in reduced-rank regression, measured against the prediction.

The model ``y = B A x + ε`` has M = N = 4 inputs and outputs and H = 2 hidden units; the truth has
rank 2 with singular values (1, 0.15). Two regions of parameter space compete for the posterior:

* "rank 1" (``B·A`` keeps only the large component): loss excess ΔL = s2²/2 per observation,
  learning coefficient λ = 5 with multiplicity 2 (the RLCT of this model at a rank-1 truth);
* "rank 2" (the truth): no loss excess, λ = 6 (multiplicity 1).

Their local free energies ``F_k ≈ n L_n(w_k) + λ_k log n − (m_k − 1) log log n`` cross where
``n s2²/2 = log n + log log n`` (n ≈ 760; ≈ 560 without the log log n term). For n on a grid the
script samples the posterior, classifies each draw by the effective rank of ``B·A`` (singular
values above the noise edge, see ``rrr_phase``), and prints the fraction in the rank-2 phase and
``ΔF = F_rank1 − F_rank2 = log P(rank 2) − log P(rank 1)`` per n, averaged over data sets.

With ``draws < 500`` (the test suite's smoke run) it uses three n and one data set.

Run: ``python examples/phase_transition.py [figure.png]``
"""

from __future__ import annotations

import sys

import numpy as np

import pymc_slt as slt
from pymc_slt.phases import (
    PhasePrediction,
    phase_sweep,
    phase_transition,
    rrr_phase_prediction,
)
from pymc_slt.plots import plot_phase_transition

M, N, H = 4, 4, 2
SINGULAR_VALUES = (1.0, 0.15)
B_TRUE, A_TRUE = slt.models.reduced_rank_truth(
    M, N, 2, singular_values=SINGULAR_VALUES, random_seed=0
)


def make_model(n: int, data_seed: int):
    """Reduced-rank regression with H = 2 on n observations of the rank-2 truth."""
    data = slt.models.simulate_reduced_rank(n, B_TRUE, A_TRUE, random_seed=data_seed)
    return slt.models.reduced_rank_regression(data.x, data.y, H=H)


def main(draws: int = 1000, tune: int = 1000, figure: str | None = None) -> None:
    full = draws >= 500
    ns = (100, 200, 400, 800, 1600, 3200) if full else (100, 800, 3200)
    runs = phase_sweep(
        make_model,
        [(n, seed) for n in ns for seed in ((0, 1, 2) if full else (0,))],
        "reduced_rank",
        sampler=slt.NUTS(draws=draws, tune=tune, chains=4 if full else 2, target_accept=0.95),
        random_seed=1,
        progressbar=full,
    )
    runs = runs[runs["phase"].isin((1, 2))]  # the two phases of the transition
    transition = phase_transition(runs, low=1, high=2)
    pred = rrr_phase_prediction(M, N, H, SINGULAR_VALUES)
    print(f"λ (rank-1, rank-2 phase) = {pred.lambdas}, multiplicities {pred.multiplicities}")
    print(transition)
    print(f"worst r̂ of the phase indicator: {np.nanmax(runs['rhat']):.3f}")
    without_loglog = PhasePrediction(pred.delta_loss_per_point, pred.lambdas).transition_n
    print(
        f"crossing n: observed {transition.observed_n:.0f}, predicted {pred.transition_n:.0f} "
        f"({without_loglog:.0f} without the log log n term)"
    )
    if figure is not None:
        plot_phase_transition(transition, prediction=pred).savefig(figure, dpi=120)
        print(f"figure saved to {figure}")


if __name__ == "__main__":
    main(figure=sys.argv[1] if len(sys.argv) > 1 else None)
