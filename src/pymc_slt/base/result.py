"""Results as ``xarray.Dataset``: the one ``to_dataset`` every result class of pymc-slt uses.

Each result (``EvidenceResult``, ``WBICResult``, ``LearningCoefficientResult``,
``FreeEnergyFit``) is a frozen dataclass with ``estimate``, ``se``, ``method`` and a read-only
``diagnostics`` mapping; ``to_dataset()`` puts them in a Dataset that saves with
``to_netcdf`` beside the draws. Every result records the threading environment it was computed
under in ``diagnostics["threads"]`` (an attribute of the Dataset), as every sampled DataTree does
in ``attrs["threads"]``: see :func:`pymc_slt.base.threads.threads`.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

import numpy as np
import xarray as xr

from pymc_slt.base.threads import threads

__all__ = ["Result", "result_dataset"]


class Result:
    """Mixin of the result dataclasses: read-only ``diagnostics`` and :meth:`to_dataset`.

    A subclass is a ``@dataclass(frozen=True, slots=True)`` with fields ``estimate``, ``se``,
    ``method`` and ``diagnostics``; its ``__post_init__`` calls :meth:`_freeze` with the
    fields it also wants in ``diagnostics``, and it may override :meth:`_arrays`.
    """

    __slots__ = ()

    def _freeze(self, **extra: Any) -> None:
        """Make ``diagnostics`` a read-only mapping (``extra`` first, then the given ones), with
        ``threads`` (:func:`threads`) unless the given ones carry it (a result loaded back)."""
        diagnostics = {"threads": threads(), **extra, **self.diagnostics}
        object.__setattr__(self, "diagnostics", MappingProxyType(diagnostics))

    def _arrays(self) -> Mapping[str, tuple[str, np.ndarray]] | None:
        """Named 1-D arrays for :meth:`to_dataset`: ``{name: (dim, values)}``."""
        return None

    def to_dataset(self) -> xr.Dataset:
        """The result as an ``xarray.Dataset``: ``estimate``, ``se`` and the diagnostics
        (see :func:`result_dataset`); ``method`` is an attribute. Save it with ``to_netcdf``."""
        return result_dataset(self.estimate, self.se, self.method, self.diagnostics, self._arrays())


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
