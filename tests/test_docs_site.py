"""The documentation site's sources are complete (checked without building it: `make docs` does)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"

#: Every concept folder (or module) of the package, each with one page under docs/api/.
CONCEPTS = (
    "base",
    "models",
    "sampling",
    "evidence",
    "criteria",
    "learning_coefficient",
    "fisher",
    "phases",
    "selection",
    "theory",
    "exact",
    "quantities",
    "comparison",
    "plots",
    "sweep",
    "study",
    "datasets",
    "cli",
)

TEXT_SUFFIXES = {".py", ".md", ".toml", ".txt", ".rst", ".cfg", ""}


@pytest.mark.parametrize("concept", CONCEPTS)
def test_each_concept_has_an_api_page(concept):
    page = DOCS / "api" / f"{concept}.md"
    assert page.is_file(), f"missing API page {page.relative_to(ROOT)}"
    assert f"pymc_slt.{concept}" in page.read_text()
    assert re.search(rf"^{concept}$", (DOCS / "api" / "index.md").read_text(), re.MULTILINE), (
        f"docs/api/index.md's toctree does not list {concept}"
    )


def test_every_concept_folder_is_covered():
    folders = {
        p.parent.name
        for p in (ROOT / "src" / "pymc_slt").glob("*/__init__.py")
        if not p.parent.name.startswith("_")
    }
    modules = {p.stem for p in (ROOT / "src" / "pymc_slt").glob("*.py")}
    # pymc_slt.commands holds the subcommands, documented on the cli page.
    assert folders - {"commands"} <= set(CONCEPTS), "a concept folder has no API page"
    assert set(CONCEPTS) - folders <= modules, "an API page names a module that does not exist"


def test_theory_page_has_the_definitions_and_known_values():
    text = (DOCS / "theory.md").read_text()
    for needle in (
        "Tempered posterior",
        "Thermodynamic integration",
        "Stepping stone",
        "WBIC",
        "singular fluctuation",
        "Fisher information",
        "(4, 3, 2, 1)",  # reduced-rank regression, Aoyagi & Watanabe (2005): λ = 4
        "13.5,\\ 15,\\ 16,\\ 17",
        "50,\\ 52.5,\\ 55,\\ 57.5,\\ 60,\\ 62.5",
        "10.1017/CBO9780511800474",
        "10.1016/j.neunet.2005.03.014",
        "2308.12108",
    ):
        assert needle in text, needle


def test_index_lists_every_page():
    index = (DOCS / "index.md").read_text()
    pages = (
        *("install", "tutorials/index", "howto/index", "overview", "api/index", "theory"),
        *("glossary", "warnings", "benchmarks", "evidence", "examples", "study", "scaling"),
        *("sbic", "design", "changelog"),
    )
    for page in pages:
        assert re.search(rf"^{re.escape(page)}$", index, re.MULTILINE), page
        assert (DOCS / f"{page}.md").is_file(), page
    assert (DOCS / "report.png").is_file()
    assert "report.png" in (DOCS / "study.md").read_text()


def test_readme_links_lead_to_files():
    """The README points into the docs: every relative link names a file of the repository."""
    text = (ROOT / "README.md").read_text()
    links = re.findall(r"\]\(([^)#:]+)\)", text)
    assert len(links) >= 10, links
    for link in links:
        assert (ROOT / link).is_file(), link


def test_examples_page_includes_every_example():
    text = (DOCS / "examples.md").read_text()
    for script in sorted((ROOT / "examples").iterdir()):
        if script.suffix in {".py", ".toml"}:
            assert f"literalinclude}} ../examples/{script.name}" in text, script.name


def test_repository_stands_alone():
    paths = [p for top in ("src", "docs", "tests") for p in (ROOT / top).rglob("*")]
    paths += [ROOT / "README.md", ROOT / "Makefile", ROOT / "pyproject.toml"]
    forbidden = ("DESIGN" + ".md", "../" + "shared")  # split so this file does not match
    for path in paths:
        if not path.is_file() or "_build" in path.parts or path.suffix not in TEXT_SUFFIXES:
            continue
        text = path.read_text(errors="ignore")
        for word in forbidden:
            assert word not in text, f"{path.relative_to(ROOT)} mentions {word}"
