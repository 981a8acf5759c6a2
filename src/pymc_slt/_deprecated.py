"""Keyword arguments kept for one release after they were replaced.

Public functions take their replaced arguments as ``**deprecated`` and hand them here with the
replacement of each: one ``DeprecationWarning`` names them all, an unknown name is the usual
``TypeError``. The replaced names and their replacements are listed in the changelog
(``CHANGELOG.md``, "Deprecated"); they go in the release after next (0.3.0).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

__all__ = ["LOOSE_SAMPLER", "REMOVED_IN", "take_deprecated"]

#: The release that drops the deprecated arguments.
REMOVED_IN = "0.3.0"

#: The loose sampler settings every sampling function took before sampler values.
LOOSE_SAMPLER: dict[str, str] = {
    "draws": "sampler=slt.NUTS(draws=…) (or SMC/HMCSMC)",
    "tune": "sampler=slt.NUTS(tune=…)",
    "chains": "sampler=slt.NUTS(chains=…) (or SMC/HMCSMC)",
    "sampler_kwargs": "the sampler value's settings, e.g. slt.NUTS(target_accept=…, options={…})",
}


def take_deprecated(
    function: str, given: Mapping[str, Any], replacements: Mapping[str, str], stacklevel: int = 3
) -> dict[str, Any]:
    """The deprecated keyword arguments ``given`` to ``function``, after one warning.

    Parameters
    ----------
    function : str
        The public function's name, for the messages.
    given : mapping
        Its ``**deprecated`` keyword arguments.
    replacements : mapping of str to str
        Every deprecated name it accepts, with what replaces it.
    stacklevel : int, default 3
        Of the warning: 3 points at the caller of the public function that calls this.

    Returns
    -------
    dict
        ``given``, those that are None dropped.

    Raises
    ------
    TypeError
        For a name that is not one of ``replacements`` (as Python would for any function).

    Warns
    -----
    DeprecationWarning
        Naming each argument given and its replacement.
    """
    unknown = [name for name in given if name not in replacements]
    if unknown:
        raise TypeError(f"{function}() got an unexpected keyword argument {unknown[0]!r}.")
    used = {name: value for name, value in given.items() if value is not None}
    if used:
        names = "; ".join(f"{name}= -> {replacements[name]}" for name in used)
        warnings.warn(
            f"{function}(): {names}. The old argument(s) still work and are removed in "
            f"pymc-slt {REMOVED_IN}.",
            DeprecationWarning,
            stacklevel=stacklevel,
        )
    return used
