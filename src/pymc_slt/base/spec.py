"""What every settings value shares (sampler families, log-Z methods, λ estimators).

A settings value is a frozen dataclass with keyword-only fields, its defaults stated once in
the class, validated when it is built; ``name`` (a class variable) is its key in its registry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from typing import Any, ClassVar

__all__ = ["Spec", "lookup", "named_check", "named_with_old_options"]


class Spec:
    """Base of settings values: ``name`` and a repr that shows mappings as plain dicts.

    >>> from dataclasses import dataclass
    >>> @dataclass(frozen=True, kw_only=True, repr=False)
    ... class Demo(Spec):
    ...     name = "demo"
    ...     size: int = 3
    >>> Demo()
    Demo(size=3)
    """

    name: ClassVar[str]

    def __repr__(self) -> str:
        settings = ", ".join(
            f"{f.name}={dict(v) if isinstance(v := getattr(self, f.name), Mapping) else v!r}"
            for f in fields(self)  # type: ignore[arg-type]
        )
        return f"{type(self).__name__}({settings})"


def lookup(registry: Mapping[str, Any], method: object, example: str) -> tuple[Any, Spec]:
    """The ``registry`` entry of ``method`` (a name, or a value of an entry's ``options`` type)
    and its options value (a name's defaults); a ``ValueError`` listing the valid names,
    with ``example`` of a value, otherwise."""
    if isinstance(method, str) and method in registry:
        return registry[method], registry[method].options()
    for entry in registry.values():
        if type(method) is entry.options:
            return entry, method  # type: ignore[return-value]
    raise ValueError(
        f"method must be one of {list(registry)} or an options value such as {example}, "
        f"got {method!r}."
    )


def named_with_old_options(method: object, old: Mapping[str, Any], entry_of: Any) -> tuple:
    """``entry_of(method)`` for a method given by name beside its deprecated options ``old``; a
    ``ValueError`` when they come beside a value (which holds its own options)."""
    found = entry_of(method)
    if not isinstance(method, str):
        raise ValueError(
            f"{sorted(old)} given beside method={method!r}; set them in the method value."
        )
    return found


def named_check(family: str, validate: Any, value: Any) -> Any:
    """``validate(value)``, its ``TypeError``/``ValueError`` prefixed with ``family`` (the
    settings value being built), e.g. ``SteppingStone: betas must hold …``."""
    try:
        return validate(value)
    except (TypeError, ValueError) as err:
        raise type(err)(f"{family}: {err}") from None
