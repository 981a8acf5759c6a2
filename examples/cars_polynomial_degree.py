"""Which polynomial degree do the 1920s stopping distances support? F, WBIC, WAIC, LOO and BIC.

Ezekiel's ``cars`` data (shipped with pymc-slt): stopping distance against speed for 50 cars.
Physics suggests degree 2 (reaction distance ∝ speed, braking distance ∝ speed²). We fit
polynomials of degree 1 to 4 with an unknown noise scale (standardized data) and compare them by
the free energy F = −log Z, WBIC, BIC (all on the free-energy scale, lower is better) and WAIC/LOO
(elpd, higher is better), with the learning coefficient λ̂ (d/2 for these regular models) and the
Fisher rank.

With ``draws < 500`` (the test suite's smoke run) it compares degrees 1 and 2 only.

Run: ``python examples/cars_polynomial_degree.py``
"""

from __future__ import annotations

import pandas as pd

import pymc_slt as slt
from pymc_slt.datasets import load_cars


def main(draws: int = 1000, tune: int = 1000) -> pd.DataFrame:
    cars = load_cars()
    x = ((cars["speed"] - cars["speed"].mean()) / cars["speed"].std()).to_numpy()
    y = ((cars["dist"] - cars["dist"].mean()) / cars["dist"].std()).to_numpy()
    models = {
        f"degree {k}": slt.models.polynomial_regression(x, y, k, prior_sd=2.0, noise_sd=None)
        for k in ((1, 2, 3, 4) if draws >= 500 else (1, 2))  # the test suite's smoke run: 2
    }
    table = slt.compare(
        models, sampler=slt.NUTS(draws=draws, tune=tune), random_seed=2026, progressbar=False
    )
    columns = [
        "d",
        "free_energy",
        "log_z_se",
        "wbic",
        "bic",
        "elpd_waic",
        "elpd_loo",
        "lambda_hat",
        "lambda_se",
        "nu_hat",
        "fisher_rank",
    ]
    with pd.option_context(
        "display.width", 160, "display.max_columns", None, "display.precision", 2
    ):
        print(table[columns])
    return table


if __name__ == "__main__":
    main()
