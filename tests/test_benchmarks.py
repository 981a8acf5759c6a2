"""Every runnable benchmark checks itself in a quick mode that ``make bench`` runs.

A benchmark script (``benchmarks/*.py`` not starting with ``_``: those are helpers) must define a
``--quick`` option, say in its module docstring what the quick mode runs and asserts, and contain
an ``assert``: a benchmark that cannot fail checks nothing. The check is static (no sampling).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
SCRIPTS = sorted(p for p in BENCHMARKS.glob("*.py") if not p.name.startswith("_"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def test_there_are_benchmarks() -> None:
    assert len(SCRIPTS) >= 10


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_quick_option(path: Path) -> None:
    options = [
        arg.value
        for node in ast.walk(_tree(path))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "add_argument"
        for arg in node.args
        if isinstance(arg, ast.Constant)
    ]
    assert "--quick" in options, f"{path.name} defines no --quick option"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_quick_mode_documented(path: Path) -> None:
    docstring = ast.get_docstring(_tree(path)) or ""
    assert "``--quick``" in docstring, f"{path.name}'s docstring does not describe --quick"
    assert "assert" in docstring, f"{path.name}'s docstring does not say what --quick asserts"


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: p.name)
def test_asserts_something(path: Path) -> None:
    asserts = [node for node in ast.walk(_tree(path)) if isinstance(node, ast.Assert)]
    assert asserts, f"{path.name} asserts nothing"
    assert not any(isinstance(node.test, ast.Constant) and node.test.value for node in asserts), (
        f"{path.name} has an assert that cannot fail"
    )
