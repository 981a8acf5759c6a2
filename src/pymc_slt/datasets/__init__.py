"""Small real data sets shipped with pymc-slt (no download at run time).

``load_cars()``
    Speed of cars (mph) and the distance taken to stop (ft), 50 cars recorded in the 1920s:
    Ezekiel, M. (1930), *Methods of Correlation Analysis*, Wiley; distributed as ``cars`` in R's
    ``datasets`` package (McNeil, D. R. (1977), *Interactive Data Analysis*, Wiley). Physics says
    stopping distance is reaction distance (∝ speed) plus braking distance (∝ speed²), which makes
    it the classic polynomial-degree-selection example.
"""

from __future__ import annotations

from importlib.resources import files

import pandas as pd

__all__ = ["load_cars"]


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
