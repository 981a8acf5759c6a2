"""Tempered posteriors of a PyMC model, checked against the exact answer.

A conjugate linear regression (known noise, Gaussian prior) has a Gaussian tempered posterior at
every inverse temperature β, so the draws of ``slt.sample_ladder`` can be compared with it. The
table shows, per β, the sampled and exact posterior sd of the first coefficient (it shrinks like
1/√β) and E_β[n L_n], the quantity behind thermodynamic integration, WBIC and λ.

Run: ``python examples/tempered_posterior.py``
"""

from __future__ import annotations

import numpy as np

import pymc_slt as slt
from pymc_slt.exact import ConjugateLinearRegression


def main(draws: int = 1000, tune: int = 1000) -> None:
    data = slt.models.simulate_linear(100, [1.0, -0.5, 0.25], random_seed=0)
    exact = ConjugateLinearRegression(data.x, data.y, noise_sd=1.0, prior_sd=1.0)
    model = exact.model()  # plain PyMC: w ~ N(0, 1), y ~ N(x w, 1)

    betas = [0.05, 0.2, 1 / np.log(exact.n), 1.0]
    ladder = slt.sample_ladder(
        model,
        betas,
        sampler=slt.NUTS(draws=draws, tune=tune, chains=2),
        random_seed=1,
        progressbar=False,
    )
    print(f"{'beta':>8} {'sd(w0) draws':>13} {'exact':>8} {'E[nLn] draws':>13} {'exact':>9}")
    for rung in ladder.children.values():
        beta = rung.attrs["beta"]
        sd = float(rung["posterior"]["w"].isel(w_dim_0=0).std())
        sd_exact = float(np.sqrt(exact.posterior(beta)[1][0, 0]))
        e = float(slt.energy(rung).mean())
        print(
            f"{beta:8.3f} {sd:13.4f} {sd_exact:8.4f} {e:13.2f} {exact.expected_energy(beta):9.2f}"
        )


if __name__ == "__main__":
    main()
