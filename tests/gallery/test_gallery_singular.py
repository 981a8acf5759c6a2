"""The gallery matrix (``matrix.py``) on mixtures, neural networks and other model shapes."""

import numpy as np
import pytest

from tests.gallery.matrix import *  # noqa: F403 - the shared tests of the matrix

MODELS = [
    "mixture_unordered",
    "mixture_ordered",
    "bnn_one_layer",
    "bnn_two_layers",
    "deterministic_and_potential",
    "two_observed",
    "missing_observations",
]


def test_label_switching_is_flagged_and_the_ladder_is_right():
    """The unordered mixture's posterior has two label-switched copies; NUTS chains keep to one,
    so bridge sampling would be short by log 2 (the reference's ordered/unordered ratio): it
    must warn, and stepping stone (whose rungs see identical copies) must be right."""
    from tests.gallery.matrix import FAST, REFERENCES, slt
    from tests.gallery.models import mixture_unordered

    model = mixture_unordered()
    ref = REFERENCES["mixture_unordered"]
    ordered = REFERENCES["mixture_ordered"]
    assert abs(ref["log_z"] - ordered["log_z"] - np.log(2.0)) < 0.01  # PyMC's ordered prior
    with pytest.warns(slt.EvidenceWarning, match="label-switched"):
        slt.log_marginal_likelihood(model, random_seed=1, fallback=False, **FAST)
    # the default path checks that bridge estimate by stepping stone and keeps a right number
    # (the check's, or bridge sampling's where the two agree and bridge is the more precise)
    run = {"sampler": slt.NUTS(draws=300, tune=300, chains=2), "progressbar": False}
    ss = slt.log_marginal_likelihood(model, random_seed=2, **run)
    assert "label-switched" in ss.diagnostics["fallback_from"]
    assert set(ss.diagnostics["candidates"]) == {"bridge", "stepping_stone"}
    assert abs(ss.estimate - ref["log_z"]) < 4 * np.hypot(ss.se, ref["se"]) + 0.02, (ss, ref)
