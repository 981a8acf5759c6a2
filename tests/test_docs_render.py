"""The built documentation site in a real browser: formulas typeset by the MathJax shipped with
the site (no network), executed pages with their figures, and screenshots to look at.

Needs ``make docs`` first; ``make docs-check`` (which ``.ci/run`` calls after ``make docs``) runs
it with ``DOCS_RENDER_REQUIRED=1``, under which a missing build fails instead of skipping. The
screenshots land in ``docs/_build/screenshots/``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.chromium import chromium_or_skip, dump_dom, screenshot

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "docs" / "_build" / "html"
SHOTS = ROOT / "docs" / "_build" / "screenshots"
#: Pages with formulas, executed cells and figures: the theory, the landing page, two tutorials.
PAGES = ("theory", "index", "tutorials/singular_models", "tutorials/networks")
MATH = re.compile(r'class="math[ "]')


@pytest.fixture(scope="module")
def chromium() -> str:
    if not (HTML / "index.html").is_file():
        missing = "the site is not built: run make docs first"
        if os.environ.get("DOCS_RENDER_REQUIRED") == "1":
            pytest.fail(missing)
        pytest.skip(missing)
    return chromium_or_skip()


@pytest.mark.parametrize("page", PAGES)
def test_page_typesets_every_formula_offline(chromium, page, tmp_path):
    """Every math element of the page becomes a MathJax container, loaded from _static."""
    source = (HTML / f"{page}.html").read_text()
    assert "_static/mathjax/tex-chtml.js" in source, "MathJax must come with the site"
    assert "cdn.jsdelivr" not in source
    n_math = len(MATH.findall(source))
    assert n_math > 0
    dom = dump_dom(chromium, (HTML / f"{page}.html").as_uri(), tmp_path / "profile")
    assert dom.count("<mjx-container") == n_math


@pytest.mark.parametrize("page", PAGES)
def test_page_images_exist_and_a_screenshot_is_taken(chromium, page, tmp_path):
    """Every image the page shows is a file of the site (executed figures included)."""
    html = HTML / f"{page}.html"
    sources = re.findall(r'<img[^>]+src="([^"]+)"', html.read_text())
    for src in sources:
        if not src.startswith("data:"):
            assert (html.parent / src).is_file(), src
    if page.startswith("tutorials/"):
        assert sources, "a tutorial shows figures"
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"{page.replace('/', '-')}.png"
    screenshot(chromium, html.as_uri(), tmp_path / "profile", shot, "1200,2400")
    assert shot.stat().st_size > 20_000
