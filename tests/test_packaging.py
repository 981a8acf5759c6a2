"""The citation and licence files agree with the package: CITATION.cff is valid YAML with the
keys of CFF 1.2.0 and the package's version, and LICENSE is the MIT licence pyproject.toml names.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import yaml

import pymc_slt

ROOT = Path(__file__).resolve().parents[1]


def test_citation_cff_has_the_required_keys_and_version():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert cff["cff-version"] == "1.2.0"
    assert {"message", "title", "authors", "version", "license", "references"} <= set(cff)
    assert cff["version"] == pymc_slt.__version__
    assert cff["license"] == "MIT"
    for ref in cff["references"]:
        assert {"type", "title", "authors", "year"} <= set(ref), ref["title"]


def test_license_is_the_mit_licence_of_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text()
    assert text.startswith("MIT License\n\nCopyright (c) 2026 pymc-slt developers\n")
