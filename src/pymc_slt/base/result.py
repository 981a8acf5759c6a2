"""Results as ``xarray.Dataset``: the one ``to_dataset`` every result class of pymc-slt uses.

Each result (``EvidenceResult``, ``WBICResult``, ``LearningCoefficientResult``,
``FreeEnergyFit``) is a frozen dataclass with ``estimate``, ``se``, ``method`` and a read-only
``diagnostics`` mapping; ``to_dataset()`` puts them in a Dataset that saves with
``to_netcdf`` beside the draws.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from typing import Any

import numpy as np
import xarray as xr

__all__ = ["result_dataset"]


def result_dataset(
    estimate: float,
    se: float,
    method: str,
    diagnostics: Mapping[str, Any],
    arrays: Mapping[str, tuple[str, np.ndarray]] | None = None,
) -> xr.Dataset:
    """``estimate`` and ``se`` as variables, ``method`` as an attribute, plus the diagnostics.

    Scalar numbers in ``diagnostics`` become 0-d variables, 1-D arrays variables along
    ``<key>_dim``, strings attributes; anything else (nested mappings, None) is left out.
    ``arrays`` adds named 1-D variables on a shared dimension: ``{name: (dim, values)}``.

    Examples
    --------
    >>> from pymc_slt.base.result import result_dataset
    >>> ds = result_dataset(-10.0, 0.1, "bridge", {"n_eff": 812.0, "dims": (3,)})
    >>> float(ds["estimate"]), ds.attrs["method"], "n_eff" in ds
    (-10.0, 'bridge', True)
    """
    data: dict[str, Any] = {"estimate": float(estimate), "se": float(se)}
    attrs: dict[str, Any] = {"method": method}
    for key, value in diagnostics.items():
        if isinstance(value, bool | np.bool_):
            data[key] = int(value)
        elif isinstance(value, numbers.Number):
            data[key] = value
        elif isinstance(value, str):
            attrs[key] = value
        elif isinstance(value, np.ndarray | list | tuple) and np.ndim(value) == 1:
            arr = np.asarray(value)
            if arr.dtype.kind in "biuf":
                data[key] = (f"{key}_dim", arr)
    for key, (dim, values) in (arrays or {}).items():
        data[key] = (dim, np.asarray(values))
    return xr.Dataset(data, attrs=attrs)
