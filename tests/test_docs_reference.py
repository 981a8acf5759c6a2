"""The reference pages stay complete: docs/warnings.md names every warning class of the package,
and docs/glossary.md has an entry for every symbol and term the documentation relies on."""

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import pymc_slt

DOCS = Path(__file__).resolve().parents[1] / "docs"

#: Terms that must each have a glossary entry (the first line of an entry, or an alias after it).
GLOSSARY_TERMS = (
    "λ", "m", "ν", "β", "γ", "n", "d", "w*", "W₀", "K(w)",
    "F_n", "L_n", "V_n", "Z_n",
    "WAIC", "WBIC", "sBIC", "BIC", "LOO",
    "learning coefficient", "RLCT", "local learning coefficient", "tempered posterior",
    "regular model", "singular model", "Fisher information", "phase transition",
    "singular fluctuation", "free energy", "functional variance", "multiplicity",
)  # fmt: skip


def _package_warning_classes() -> dict[str, type[Warning]]:
    """Every ``Warning`` subclass defined in a module of ``pymc_slt`` (all submodules imported)."""
    found: dict[str, type[Warning]] = {}
    for info in pkgutil.walk_packages(pymc_slt.__path__, prefix="pymc_slt."):
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if (
                inspect.isclass(obj)
                and issubclass(obj, Warning)
                and obj.__module__.startswith("pymc_slt")
            ):
                found[name] = obj
    return found


def _glossary_terms(text: str) -> set[str]:
    """The terms of the ``{glossary}`` block: its unindented, non-empty lines."""
    block = re.search(r"```\{glossary\}\n(.*?)\n```", text, flags=re.DOTALL)
    assert block, "docs/glossary.md has a {glossary} directive"
    return {line.strip() for line in block.group(1).splitlines() if line and not line[0].isspace()}


def test_exported_warnings_are_package_warnings():
    """The warnings ``slt`` exports are among those found by walking the package."""
    exported = {
        name
        for name in pymc_slt.__all__
        if inspect.isclass(getattr(pymc_slt, name)) and issubclass(getattr(pymc_slt, name), Warning)
    }
    assert exported >= {"PoorMixingWarning", "EvidenceWarning"}
    assert exported <= set(_package_warning_classes())


@pytest.mark.parametrize("name", sorted(_package_warning_classes()))
def test_warning_class_is_on_the_warnings_page(name):
    text = (DOCS / "warnings.md").read_text(encoding="utf-8")
    assert f"`{name}`" in text, f"docs/warnings.md does not name {name}"


@pytest.mark.parametrize("term", GLOSSARY_TERMS)
def test_glossary_has_an_entry(term):
    terms = _glossary_terms((DOCS / "glossary.md").read_text(encoding="utf-8"))
    assert term in terms, f"docs/glossary.md has no entry {term!r}"
