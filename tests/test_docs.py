"""The README's example, the evidence page's and every script in examples/ run (examples with tiny
draws)."""

import importlib.util
import re
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
#: Examples whose smoke run takes more than ~30 s: `make test-slow` (and .ci/run) runs them.
SLOW_EXAMPLES = {"cars_polynomial_degree", "phase_transition"}


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def test_readme_example_runs_without_warnings_and_prints_what_it_shows(capsys):
    """The README's example prints exactly the lines of the output block that follows it."""
    text = (ROOT / "README.md").read_text()
    blocks = _python_blocks(text)
    assert len(blocks) == 1, "the README has one example"
    shown = re.search(r"It prints.*?```text\n(.*?)```", text, flags=re.DOTALL)
    assert shown, "the README shows the example's output after 'It prints'"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        exec(compile(blocks[0], "README.md", "exec"), {})
    raised = [f"{w.category.__name__}: {w.message}" for w in caught]
    assert not [r for r in raised if "Runtime" not in r.split(":")[0]], raised
    assert capsys.readouterr().out.splitlines() == shown.group(1).splitlines()


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
@pytest.mark.parametrize(
    "path",
    [pytest.param(p, marks=pytest.mark.slow) if p.stem in SLOW_EXAMPLES else p for p in EXAMPLES],
    ids=[p.stem for p in EXAMPLES],
)
def test_example_runs(path, capsys):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(draws=100, tune=100)
    assert capsys.readouterr().out.strip()


@pytest.mark.filterwarnings("ignore::pymc_slt.PoorMixingWarning")
def test_evidence_page_example_checks_a_doubtful_bridge_and_matches_quadrature(capsys):
    """docs/evidence.md: on y = a·b·x the 6 NUTS chains split between the two modes, bridge
    sampling doubts itself, stepping stone checks it, agrees, and answers (its se is smaller),
    without a warning; both numbers are kept."""
    from tests.conftest import product_model

    (block,) = _python_blocks((ROOT / "docs" / "evidence.md").read_text())
    exec(compile(block, "docs/evidence.md", "exec"), {})
    method_line, reason, bridge = capsys.readouterr().out.splitlines()[-3:]
    method, log_z, se = method_line.split()
    assert method == "stepping_stone" and reason.startswith("bridge sampling warned (the chains")
    assert bridge.startswith("bridge ")
    assert abs(float(log_z) - product_model()[1]) < 4 * float(se) + 0.03, (log_z, se)
