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

``load_ier()``
    Monthly changes of six currencies' exchange rates against the pound sterling, January 1975 to
    December 1986 (143 months; US and Canadian dollar, yen, franc, lira, mark), each series
    standardized: West, M. & Harrison, J. (1997), *Bayesian Forecasting and Dynamic Models*
    (2nd ed.), Springer, pp. 612–615; distributed as ``ier`` in R's ``bridgesampling`` (exported
    with 15 significant digits). Lopes & West (2004, *Statistica Sinica* 14, 41–67) choose the
    number of factors of a Bayesian factor analysis by marginal likelihood on it; Gronau,
    Singmann & Wagenmakers (2020, *J. Stat. Softw.* 92(10), doi:10.18637/jss.v092.i10, Table 2)
    report log Z = −1014.271 for one factor and −903.452 for two by warp-III bridge sampling.
"""

from __future__ import annotations

from importlib.resources import files

import pandas as pd

__all__ = ["load_cars", "load_ier", "load_turtles"]


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


def load_ier() -> pd.DataFrame:
    """The ``ier`` data: columns ``us_dollar``, ``canadian_dollar``, ``yen``, ``franc``, ``lira``,
    ``mark`` (standardized monthly changes), 143 rows.

    Examples
    --------
    >>> from pymc_slt.datasets import load_ier
    >>> ier = load_ier()
    >>> ier.shape, round(float(ier["mark"].std()), 6)
    ((143, 6), 1.0)
    """
    with files(__package__).joinpath("ier.csv").open() as handle:
        return pd.read_csv(handle)
