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
PAGES = sorted(
    p for p in (ROOT / "docs").rglob("*.md") if not {"_build", "_generated"} & set(p.parts)
)
META = ("version", "machine", "python", "command")
INCLUDE = re.compile(r"^\s*```\{include\}\s+_generated/(\S+)\.md\s*$")
#: The tables and ``text`` blocks of docs/*.md that are no measurements, so stay in the page:
#: (page, the first two cells of a table's header row, or a ``text`` block's first line) -> why.
NOT_MEASURED: dict[tuple[str, tuple[str, ...]], str] = {
    ("design.md", ("registry", "name")): "the registries and their values: a definition",
    ("evidence.md", ("your posterior", "method")): (
        "the method-choice rule; its cells name the measurements and link to generated tables"
    ),
    ("evidence.md", ("the check", "bridge sampling ran")): "which answer stands: the fallback rule",
    ("evidence.md", ("quantity", "valid for a joint likelihood")): "what is defined, not measured",
    ("evidence.md", ("stepping_stone -78.64 0.04",)): (
        "the output of the page's own example, which tests/test_docs.py runs and checks"
    ),
    ("howto/choose_beta.md", ("you want", "β")): "the default β of each method: a definition",
    ("howto/gpu.md", ("runs on JAX's default device (GPU if JAX sees one)", "runs on the CPU")): (
        "which samplers JAX runs: what the code does, not a measurement"
    ),
    ("howto/lambda_above_bound.md", ("the message says", "remedy")): "a warning's causes",
    ("howto/reuse_draws.md", ("quantity", "reuses `pm.sample` draws?")): "what takes data=",
    ("howto/reuse_draws.md", ("message says", "why")): "the errors of data= and their causes",
    ("howto/save_results.md", ("what", "save")): "how each object is saved: a recipe",
    ("howto/sbic_family.md", ("your family", "call")): "which function serves which family",
    ("install.md", ("extra", "adds")): "the optional dependencies: a definition",
    ("install.md", ("on JAX's default device (GPU if JAX sees one)", "on the CPU")): (
        "which samplers JAX runs: what the code does, not a measurement"
    ),
    ("overview.md", ("piece", "public names")): "the public names of each piece: a definition",
    ("sbic.md", ("", "sBIC")): "what each criterion costs and needs: a comparison of methods",
    ("scaling.md", ("field", "meaning")): "the fields of a sweep task: a definition",
    ("scaling.md", ("quantity", "columns of the table")): "the sweep's quantities: a definition",
    ("theory.md", ("$(M, N, H, r)$", "$\\lambda$")): (
        "published theoretical λ (Aoyagi & Watanabe 2005), which the tests check against"
    ),
    ("warnings.md", ("class", "import")): "the warning classes: a definition",
    **{
        ("warnings.md", (first, "raised by")): "the warnings' messages, causes and remedies"
        for first in ("message (start)", "message (start or content)")
    },
}


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


def _name(page: Path) -> str:
    """A docs page's path below docs/, the key of :data:`NOT_MEASURED`."""
    return page.relative_to(ROOT / "docs").as_posix()


def _pasted(page: Path) -> list[tuple[int, tuple[str, ...]]]:
    """The markdown tables and ``text`` blocks of ``page``: (line, key) with the key of
    :data:`NOT_MEASURED` (a table's first two header cells, a ``text`` block's first line)."""
    lines = page.read_text().splitlines()
    found = []
    for i, line in enumerate(lines):
        text = line.strip()
        if text.startswith("```text"):
            found.append((i + 1, (lines[i + 1].strip() if i + 1 < len(lines) else "",)))
        elif text.startswith("|") and not (i and lines[i - 1].strip().startswith("|")):
            cells = tuple(cell.strip() for cell in text.strip("|").split("|"))
            found.append((i + 1, cells[:2]))
    return found


def test_benchmarks_page_includes_its_tables() -> None:
    lines = (ROOT / "docs" / "benchmarks.md").read_text().splitlines()
    assert any(INCLUDE.match(line) for line in lines)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_page_pastes_no_measured_table(page: Path) -> None:
    """A docs page holds no markdown table and no ``text`` block of printed output: measured
    tables are generated includes; a table that is no measurement is allowed, with its reason,
    by :data:`NOT_MEASURED`."""
    name = _name(page)
    pasted = [(n, key) for n, key in _pasted(page) if (name, key) not in NOT_MEASURED]
    assert not pasted, (
        f"tables pasted into docs/{name} (line, first cells): {pasted}; include the "
        "benchmark's generated table, or add a table that is no measurement to NOT_MEASURED"
    )


def test_not_measured_entries_exist() -> None:
    """Every allowed table is still on its page (a stale entry would allow a pasted one)."""
    found = {(_name(page), key) for page in PAGES for _, key in _pasted(page)}
    stale = [entry for entry in NOT_MEASURED if entry not in found]
    assert not stale, f"NOT_MEASURED names tables that no page holds: {stale}"
