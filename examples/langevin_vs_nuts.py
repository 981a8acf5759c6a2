"""Gradient descent with Gaussian noise samples the Gibbs posterior: the seed notes' claim, checked.

The learning notes say that gradient descent on the squared error with Gaussian noise of
temperature T does not stop at one minimum but samples ``p_β(w) ∝ φ(w) exp(−β n L_n(w))`` with
β = 1/T. Here the model is ``y = a·b·x + ε`` at the singular truth a·b = 0, whose posterior is the
cross-shaped neighbourhood of the two axes {a = 0} ∪ {b = 0}. For two temperatures the script runs
noisy gradient descent (unadjusted Langevin dynamics on PyTensor gradients) and NUTS, and prints
quantiles of |a·b| and |a| from both, with the two-sample Kolmogorov–Smirnov distance and its 0.1 %
critical value computed from the effective sample sizes.

Run: ``python examples/langevin_vs_nuts.py [figure.png]``
"""

from __future__ import annotations

import sys

import arviz_stats as azs
import numpy as np
from scipy import stats

import pymc_slt as slt
from pymc_slt.plots import plot_langevin_vs_nuts
from pymc_slt.sampling.langevin import Langevin, noisy_gradient_descent

BETAS = (0.25, 1.0)
#: Learning rate: well below 2/(n β max b²), the stiffest curvature on the cross's arms.
STEP_SIZE = 5e-4


def _summaries(w: np.ndarray) -> dict[str, np.ndarray]:
    return {"|a·b|": np.abs(w[..., 0] * w[..., 1]), "|a|": np.abs(w[..., 0])}


def _ks(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    ess_x, ess_y = (float(azs.ess(v, method="bulk")) for v in (x, y))
    crit = 1.949 * np.sqrt((ess_x + ess_y) / (ess_x * ess_y))  # two-sided, α = 0.001
    return float(stats.ks_2samp(x.ravel(), y.ravel()).statistic), float(crit)


def main(draws: int = 1000, tune: int = 1000, figure: str | None = None) -> None:
    data = slt.models.simulate_normal_crossing(100, (1, 1), random_seed=3)
    model = slt.models.normal_crossing(data.x, data.y, (1, 1))  # y = w0·w1·x, truth 0
    ladder = slt.sample_ladder(
        model,
        BETAS,
        sampler=slt.NUTS(draws=draws, tune=tune, target_accept=0.95),
        random_seed=1,
        progressbar=False,
    )
    print(
        f"{'beta':>5} {'quantity':>8} {'sampler':>8} {'q10':>7} {'q50':>7} {'q90':>7} "
        f"{'KS D':>6} {'crit':>6}"
    )
    for rung in ladder.children.values():
        beta = rung.attrs["beta"]
        langevin = noisy_gradient_descent(
            model,
            beta,
            sampler=Langevin(
                step_size=STEP_SIZE, n_steps=200 * draws * 4, thin=200, burn_in=10_000, chains=4
            ),
            random_seed=2,
        )
        wl = langevin["posterior"]["w"].values
        wn = rung["posterior"]["w"].values
        for (name, xl), xn in zip(_summaries(wl).items(), _summaries(wn).values(), strict=True):
            d, crit = _ks(xl, xn)
            for sampler, x in (("langevin", xl), ("nuts", xn)):
                q = np.quantile(x, [0.1, 0.5, 0.9])
                ks = f"{d:6.3f} {crit:6.3f}" if sampler == "nuts" else ""
                print(
                    f"{beta:5.2f} {name:>8} {sampler:>8} {q[0]:7.3f} {q[1]:7.3f} {q[2]:7.3f} {ks}"
                )
        if figure is not None and beta == 1.0:
            fig = plot_langevin_vs_nuts(langevin, rung, var_names=("w[0]", "w[1]"))
            fig.savefig(figure, dpi=120)
            print(f"figure saved to {figure}")


if __name__ == "__main__":
    main(figure=sys.argv[1] if len(sys.argv) > 1 else None)
