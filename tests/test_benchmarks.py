"""Every runnable benchmark checks itself in a quick mode that ``make bench`` runs, and the docs'
tables of measured numbers come from the benchmarks' results files.

A benchmark script (``benchmarks/*.py`` not starting with ``_``: those are helpers) must define a
``--quick`` option, say in its module docstring what the quick mode runs and asserts, and contain
an ``assert``: a benchmark that cannot fail checks nothing. Each ``benchmarks/results/*.json``
states the version, machine, Python and command that made it and holds a table; the docs include
those tables (``docs/_generated/<name>.md``, written by ``docs/conf.py``) instead of pasting
numbers. The checks are static (no sampling).
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
SCRIPTS = sorted(p for p in BENCHMARKS.glob("*.py") if not p.name.startswith("_"))
RESULTS = sorted((BENCHMARKS / "results").glob("*.json"))
PAGES = sorted((ROOT / "docs").glob("*.md"))
META = ("version", "machine", "python", "command")
INCLUDE = re.compile(r"^\s*```\{include\}\s+_generated/(\S+)\.md\s*$")
#: tables on docs/benchmarks.md that are no measurements, so stay in the page: first line -> why
NOT_MEASURED: dict[str, str] = {}


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


def test_there_are_results() -> None:
    assert len(RESULTS) >= 10


@pytest.mark.parametrize("path", RESULTS, ids=lambda p: p.name)
def test_results_file_says_how_it_was_made(path: Path) -> None:
    result = json.loads(path.read_text())
    missing = [key for key in META if not isinstance(result.get(key), str) or not result[key]]
    assert not missing, f"{path.name} lacks {missing}"
    table = result.get("table")
    assert isinstance(table, str), f"{path.name} holds no table"
    assert any(line.startswith("|") for line in table.splitlines()), f"{path.name}: no table rows"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_included_tables_have_results_files(page: Path) -> None:
    names = [m[1] for line in page.read_text().splitlines() if (m := INCLUDE.match(line))]
    missing = [n for n in names if not (BENCHMARKS / "results" / f"{n}.json").exists()]
    assert not missing, f"{page.name} includes tables without a results file: {missing}"


def test_benchmarks_page_pastes_no_numbers() -> None:
    """docs/benchmarks.md holds no markdown table and no ``text`` block of printed output: its
    tables are generated includes (a table that is no measurement is allowed by NOT_MEASURED)."""
    page = ROOT / "docs" / "benchmarks.md"
    lines = page.read_text().splitlines()
    assert any(INCLUDE.match(line) for line in lines)
    pasted = []
    for i, line in enumerate(lines):
        text = line.strip()
        if text.startswith("```text"):
            pasted.append((i + 1, lines[i + 1].strip() if i + 1 < len(lines) else ""))
        elif text.startswith("|") and not (i and lines[i - 1].strip().startswith("|")):
            pasted.append((i + 1, text))
    pasted = [(n, first) for n, first in pasted if first not in NOT_MEASURED]
    assert not pasted, f"tables pasted into {page.name} (line, first row): {pasted}"
