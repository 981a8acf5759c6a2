"""Small real data sets shipped with pymc-slt (no download at run time).

``load_cars()``
    Speed of cars (mph) and the distance taken to stop (ft), 50 cars recorded in the 1920s:
    Ezekiel, M. (1930), *Methods of Correlation Analysis*, Wiley; distributed as ``cars`` in R's
    ``datasets`` package (McNeil, D. R. (1977), *Interactive Data Analysis*, Wiley). Physics says
    stopping distance is reaction distance (∝ speed) plus braking distance (∝ speed²), which makes
    it the classic polynomial-degree-selection example.

``load_turtles()``
    Survival (1) or death (0) of 244 newborn snapping turtles, their birth weight (grams) and
    their clutch (family, 1–31, ordered by mean birth weight): Janzen, F. J., Tucker, J. K. &
    Paukstis, G. L. (2000), Experimental analysis of an early life-history stage: selection on
    size of hatchling turtles, *Ecology* 81(8), 2290–2304, doi:10.2307/177115; distributed as
    ``turtles`` in R's ``bridgesampling``. Sinharay & Stern (2005, *JCGS* 14(2), 415–435,
    doi:10.1198/106186005X47471) compare a probit regression on birth weight with a probit
    random-intercept model by their Bayes factor, BF₀₁ = 1.273, which makes it a benchmark of
    marginal-likelihood methods on a generalized linear mixed model.
"""

from __future__ import annotations

from importlib.resources import files

import pandas as pd

__all__ = ["load_cars", "load_turtles"]


def load_cars() -> pd.DataFrame:
    """The ``cars`` data: columns ``speed`` (mph) and ``dist`` (ft), 50 rows.

    Examples
    --------
    >>> from pymc_slt.datasets import load_cars
    >>> cars = load_cars()
    >>> cars.shape, float(cars["dist"].mean())
    ((50, 2), 42.98)
    """
    with files(__package__).joinpath("cars.csv").open() as handle:
        return pd.read_csv(handle)


def load_turtles() -> pd.DataFrame:
    """The ``turtles`` data: columns ``survived`` (0/1), ``birthweight`` (g), ``clutch`` (1–31),
    244 rows.

    Examples
    --------
    >>> from pymc_slt.datasets import load_turtles
    >>> turtles = load_turtles()
    >>> turtles.shape, int(turtles["survived"].sum()), int(turtles["clutch"].max())
    ((244, 3), 89, 31)
    """
    with files(__package__).joinpath("turtles.csv").open() as handle:
        return pd.read_csv(handle)
