"""The pymc-slt console script."""

import subprocess
import sys

import pytest

from pymc_slt import __version__
from pymc_slt.cli import main


def test_version(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert __version__ in capsys.readouterr().out


def test_help_from_the_installed_script():
    out = subprocess.run(
        [sys.executable, "-m", "pymc_slt.cli", "--help"], capture_output=True, text=True, check=True
    )
    assert "usage: pymc-slt" in out.stdout
