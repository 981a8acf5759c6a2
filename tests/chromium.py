"""Headless Chromium for the rendering tests (the study's report, the documentation site).

Chromium comes from Debian's ``chromium`` package (``.ci/run`` installs it). Without it a test
skips, except under ``CI=true``, where it fails: CI must render.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

#: Flags for this machine's closed network: no background requests, a fresh profile per call.
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--virtual-time-budget=10000",
)  # fmt: skip


def chromium_or_skip() -> str:
    """The Chromium executable; skip the test (fail under ``CI=true``) when there is none."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        missing = "headless Chromium is needed: apt-get install chromium (.ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(missing)
        pytest.skip(missing)
    return chromium


def dump_dom(chromium: str, url: str, profile: Path) -> str:
    """The DOM of ``url`` after its scripts ran (MathJax, image loads)."""
    return subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        capture_output=True, text=True, timeout=120, check=True,
    ).stdout  # fmt: skip


def screenshot(chromium: str, url: str, profile: Path, shot: Path, size: str) -> Path:
    """A PNG of ``url`` at window ``size`` (``"1200,2400"``)."""
    subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={profile}", f"--window-size={size}",
         f"--screenshot={shot}", url],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    return shot
