"""The pymc-slt console script."""

import subprocess
import sys

import pandas as pd
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


MODELS_FILE = """
import numpy as np
import pymc as pm

rng = np.random.default_rng(0)
x = rng.uniform(-2, 2, size=60)
y = 0.6 * x + rng.normal(size=60)


def line():
    with pm.Model() as model:
        w = pm.Normal("w", 0, 2, shape=2)
        pm.Normal("y", w[0] + w[1] * x, 1.0, observed=y)
    return model


def product():
    with pm.Model() as model:
        a = pm.Normal("a", 0, 2)
        b = pm.Normal("b", 0, 2)
        pm.Normal("y", a * b * x, 1.0, observed=y)
    return model


def _helper(k):  # private and with a required argument: not a model
    return k
"""


@pytest.mark.slow  # ~30 s; tests/gallery runs the compare command on a user's file by default
@pytest.mark.filterwarnings("ignore::UserWarning")
def test_compare_command_end_to_end(tmp_path, capsys):
    source = tmp_path / "models.py"
    source.write_text(MODELS_FILE)
    out = tmp_path / "cmp"
    args = ["compare", str(source), "--out", str(out), "--draws", "150", "--tune", "150"]
    assert main([*args, "--chains", "2", "--seed", "1", "--no-progress"]) == 0
    printed = capsys.readouterr().out
    assert "line" in printed and "product" in printed and "lambda_hat" in printed
    table = pd.read_csv(out / "compare.csv", index_col=0)
    assert set(table.index) == {"line", "product"}
    assert list(table["log_z"]) == sorted(table["log_z"], reverse=True)
    assert table.loc["line", "fisher_rank"] == 2 and table.loc["product", "fisher_rank"] == 1
    assert (out / "criteria.png").stat().st_size > 0
    # a second run refuses the now non-empty folder and leaves it as it was
    assert main([*args, "--no-progress"]) == 2
    assert "--force" in capsys.readouterr().err


def test_compare_command_rejects_a_file_without_models(tmp_path, capsys):
    source = tmp_path / "empty.py"
    source.write_text("x = 1\n")
    assert main(["compare", str(source)]) == 2
    assert "defines no models" in capsys.readouterr().err
    assert main(["compare", str(tmp_path / "missing.py")]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("command", [[], ["study"], ["compare"], ["sweep"]])
def test_help_is_plain_text(command, capsys):
    with pytest.raises(SystemExit):
        main([*command, "--help"])
    text = capsys.readouterr().out
    assert "usage: pymc-slt" in text
    for markup in ("``", ":func:", ":mod:", ":class:", ":math:"):
        assert markup not in text, (command, markup)
