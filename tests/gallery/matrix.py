"""Every public entry point on every gallery model: a right number, a warning, or a clear error.

The test files ``test_gallery_*.py`` each set ``MODELS`` (a share of the gallery, so the two
test workers split it) and import the tests below; ``conftest.py`` parametrizes them by model.
Per model the draws at β = 1 and a two-rung ladder are sampled once (module fixtures) and reused
through ``data=``, as a user would reuse them.

References (``references.json``, made by ``make_references.py`` without pymc-slt): quadrature
or importance sampling with ESS ≥ 10⁴. The default bridge sampling is checked against them
within 4 of its own se plus the reference's; the ladder methods and SMC run at settings too
small for accuracy here and are checked for a finite estimate with a positive se (their
accuracy is the slow ``test_gallery_accuracy.py``); SMC must refuse a model whose transform
narrows its prior (``ordered``).
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pytest

import pymc_slt as slt
from pymc_slt.models.prior_draws import restricting_transforms
from tests.gallery.conftest import REFUSED
from tests.gallery.models import GALLERY

FAST = {"sampler": slt.NUTS(draws=200, tune=200, chains=2), "progressbar": False}
LADDER = [0.3, 1.0]
REFERENCES = json.loads((Path(__file__).parent / "references.json").read_text())


def quiet(fn, *args, **kwargs):
    """Call ``fn``; the package's own warnings (poor mixing, evidence doubts) are allowed."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", slt.PoorMixingWarning)
        warnings.simplefilter("ignore", slt.EvidenceWarning)
        return fn(*args, **kwargs)


@pytest.fixture(scope="module")
def draws(gallery_name):
    """The model, its β = 1 draws and a two-rung ladder."""
    model = GALLERY[gallery_name]()
    post = quiet(slt.sample_tempered, model, 1.0, random_seed=1, **FAST)
    ladder = quiet(slt.sample_ladder, model, LADDER, random_seed=2, **FAST)
    return model, post, ladder


def test_sampling(gallery_name, draws):
    model, post, ladder = draws
    assert post.attrs["beta"] == 1.0 and post.attrs["n"] == slt.n_observations(model)
    assert np.isfinite(slt.energy(post).values).all()
    assert [child.attrs["beta"] for child in ladder.children.values()] == LADDER


def test_criteria(gallery_name, draws):
    model, post, _ = draws
    w = slt.waic(post)
    assert np.isfinite(w.elpd) and w.se > 0 and w.singular_fluctuation > 0
    result = quiet(slt.wbic, model, random_seed=3, **FAST)
    assert np.isfinite(result.estimate) and result.se > 0


def test_bridge_matches_reference(gallery_name, draws):
    model, post, _ = draws
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = slt.log_marginal_likelihood(
            model, data=post, random_seed=4, progressbar=False, fallback=False
        )
    warned = [w for w in caught if issubclass(w.category, slt.EvidenceWarning)]
    assert np.isfinite(result.estimate) and result.se > 0
    ref = REFERENCES.get(gallery_name)
    if ref is None or warned:
        return  # no reference (neural nets), or the estimate is flagged: both allowed
    tolerance = 4 * np.hypot(result.se, ref["se"]) + 0.02
    assert abs(result.estimate - ref["log_z"]) < tolerance, (result, ref)


def test_ladder_and_smc_evidence(gallery_name, draws):
    model, _, ladder = draws
    for method in ("stepping_stone", "thermodynamic"):
        result = quiet(slt.log_marginal_likelihood, model, method=method, data=ladder)
        assert np.isfinite(result.estimate) and result.se > 0, (method, result)
    smc = dict(method="smc", sampler=slt.SMC(draws=200, chains=2), random_seed=5, progressbar=False)
    if restricting_transforms(model):  # SMC would start off the model's prior
        with pytest.raises(ValueError, match=r"pm\.sample_smc starts from pm\.draw"):
            slt.log_marginal_likelihood(model, **smc)
        return
    result = quiet(slt.log_marginal_likelihood, model, **smc)
    assert np.isfinite(result.estimate) and result.se >= 0


def test_learning_coefficient(gallery_name, draws):
    model, post, ladder = draws
    d = slt.sampling.n_parameters(model)
    runs = ({"data": post}, {"method": "ladder", "data": ladder})
    runs += ({"method": "two_temperature", "data": ladder},)  # its two β: the ladder's rungs
    for kwargs in runs:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = slt.learning_coefficient(model, random_seed=6, **{**FAST, **kwargs})
        assert np.isfinite(result.estimate), (kwargs, result)
        over = result.estimate > d / 2 + 2 * result.se
        flagged = any("exceeds d/2" in str(w.message) for w in caught)
        assert flagged or not over, (kwargs, result.estimate, d)


def test_fisher(gallery_name, draws):
    model, post, _ = draws
    point = slt.sampling.best_draw(post, model)[0]
    score = slt.fisher_rank(model, point, kind="score")
    assert 0 <= int(score) <= score.d
    if slt.fisher.has_location(model):
        output = slt.fisher_rank(model, point, kind="output")
        assert 0 <= int(output) <= output.d
    else:
        with pytest.raises(ValueError, match="kind='score'"):
            slt.fisher_rank(model, point, kind="output")


def test_refused_models(gallery_name):
    """Every NUTS-based entry point refuses the model before sampling, naming the remedy."""
    pattern = REFUSED[gallery_name]
    calls = [
        lambda m: slt.sample_tempered(m, 1.0, **FAST),
        lambda m: slt.sample_ladder(m, LADDER, **FAST),
        lambda m: slt.wbic(m, **FAST),
        lambda m: slt.log_marginal_likelihood(m, **FAST),
        lambda m: slt.learning_coefficient(m, **FAST),
        lambda m: slt.learning_coefficient(m, method="two_temperature", **FAST),
    ]
    for call in calls:
        with pytest.raises(ValueError, match=pattern):
            call(GALLERY[gallery_name]())
