"""The README's example and every script in examples/ run (examples with tiny draws)."""

import importlib.util
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_readme_examples_run():
    blocks = _python_blocks((ROOT / "README.md").read_text())
    assert blocks, "README has no python example"
    for block in blocks:
        exec(compile(block, "README.md", "exec"), {})


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs(path, capsys):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(draws=100, tune=100)
    assert capsys.readouterr().out.strip()
