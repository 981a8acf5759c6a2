"""The neural-network evidence benchmark as a test: HMC-SMC against the agreed references.

The references (``benchmarks/neural_references.json``) were agreed by two independent long
methods within 0.1 nat and are never recomputed here. The bound on each error is 3 standard
errors of the estimate plus the half-gap between the two reference methods (the reference's
own uncertainty), and never more than the benchmark's 0.2-nat goal plus that half-gap.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from pathlib import Path

import pytest

import pymc_slt as slt

pytest.importorskip("blackjax")
BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _neural_evidence():
    if str(BENCHMARKS) not in sys.path:  # its sibling helper module (_store)
        sys.path.insert(0, str(BENCHMARKS))
    spec = importlib.util.spec_from_file_location(
        "neural_evidence", BENCHMARKS / "neural_evidence.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("neural_evidence", module)  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "draws"),
    # h2 needs the default 4 x 2000 particles (at 250 it is biased low by 0.11-0.32 nat);
    # the wider and deeper networks are right at 4 x 250 (docs/evidence.md).
    [("h2", None), ("h5", 250), ("h10", 250), ("deep", 250), ("zero", 250)],
)
def test_hmc_smc_against_the_agreed_reference(case, draws):
    bench = _neural_evidence()
    entry = json.loads((BENCHMARKS / "neural_references.json").read_text())[case]
    assert entry["agreed"], f"{case} has no agreed reference"
    sampler = None if draws is None else slt.HMCSMC(draws=draws)  # None: HMCSMC(draws=2000)
    res = slt.log_marginal_likelihood(
        bench.make_case(case).model(), method="hmc_smc", sampler=sampler, random_seed=1,
        progressbar=False,
    )  # fmt: skip
    error = res.log_z - entry["reference"]
    slack = entry["closest_gap"] / 2
    assert math.isfinite(res.se) and res.se > 0
    assert abs(error) <= 3 * res.se + slack, (res.log_z, res.se, entry["reference"])
    assert abs(error) <= bench.OK_NAT + slack, (res.log_z, res.se, entry["reference"])
