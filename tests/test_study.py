"""``pymc-slt study``: end to end on a tiny plan, the report folder, refusing a non-empty folder.

The tiny plan keeps every step of the real study (sweep, post-processing, phase transition,
Langevin, report) but with two n and a few dozen draws, so the numbers are not checked for
accuracy here (the estimators have their own tests); what is checked is that every piece lands in
the report and the results DataTree reopens with the same numbers.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from pymc_slt.cli import main
from pymc_slt.study import plan as plan_module
from pymc_slt.study.report import SUMMARY_COLUMNS
from tests.chromium import chromium_or_skip, dump_dom, screenshot

TINY = dataclasses.replace(
    plan_module.plan(quick=True, seed=3),
    ns=(40, 80),
    sampler={"draws": 60, "tune": 60, "chains": 2},
    smc_draws=100,
    phase_ns=(100, 400),
    langevin_steps=6_000,
    models=tuple(m for m in plan_module.MODELS if m.key in ("normal_crossing", "reduced_rank")),
)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("study") / "report"
    mp = pytest.MonkeyPatch()
    mp.setattr(plan_module, "plan", lambda *, quick, seed: dataclasses.replace(TINY, seed=seed))
    try:
        code = main(["study", "--quick", "--out", str(out), "--seed", "3", "--no-progress"])
    finally:
        mp.undo()
    assert code == 0
    return out


@pytest.mark.slow  # the tiny study takes ~2.5 min; .ci/run runs it
def test_report_folder_has_every_piece(report):
    assert (report / "index.html").is_file()
    assert (report / "summary.csv").is_file()
    assert (report / "results.nc").is_file()
    stems = {p.stem for p in (report / "figures").glob("*.png")}
    for stem in ("free_energy", "energy_ladder", "fisher_spectrum", "criteria",
                 "phase_transition", "phase_draws", "langevin"):  # fmt: skip
        assert stem in stems
    assert {f"diagnostics_{m.key}" for m in TINY.models} <= stems


@pytest.mark.slow  # the tiny study takes ~2.5 min; .ci/run runs it
def test_summary_table(report):
    table = pd.read_csv(report / "summary.csv")
    assert tuple(table.columns) == SUMMARY_COLUMNS
    assert len(table) == len(TINY.models) * len(TINY.ns)
    assert set(table["model"]) == {m.key for m in TINY.models}
    assert np.isfinite(table[["free_energy", "wbic", "bic", "elpd_waic", "lambda_hat"]]).all().all()
    rank = table.set_index(["model", "n"])["fisher_rank"]
    assert (rank.xs("normal_crossing", level="model") == 1).all()  # a·b·x at a generic point
    assert (rank.xs("reduced_rank", level="model") == 2 * (4 + 3 - 2)).all()  # H(M + N − H)


@pytest.mark.slow  # the tiny study takes ~2.5 min; .ci/run runs it
def test_results_tree_reopens_with_the_same_numbers(report):
    tree = xr.open_datatree(report / "results.nc", engine="h5netcdf")
    table = pd.read_csv(report / "summary.csv")
    np.testing.assert_allclose(tree["summary"]["free_energy"].values, table["free_energy"])
    d = dict(zip(table["model"], table["d"], strict=False))
    assert d == {"normal_crossing": 2, "reduced_rank": 14}
    for m in TINY.models:
        assert "posterior" in tree[f"draws/{m.key}_n80"].children
        assert "log_likelihood" in tree[f"draws/{m.key}_n80"].children
        assert tree[f"ladder/{m.key}"]["energy"].sizes["beta"] >= 2
        assert tree[f"fisher/{m.key}"]["eigenvalue"].sizes["eigen"] == d[m.key]
    assert "posterior" in tree["langevin/noisy"].children or "w" in tree["langevin/noisy"]
    assert tree["phases/runs"]["fraction"].size > 0
    tree.close()


@pytest.mark.slow  # the tiny study takes ~2.5 min; .ci/run runs it
def test_index_html_is_self_contained(report):
    page = (report / "index.html").read_text()
    images = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(images) == len(list((report / "figures").glob("*.png")))
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "What the results say" in page and "λ̂" in page


def test_refuses_a_non_empty_folder(tmp_path, capsys):
    (tmp_path / "keep.txt").write_text("mine")
    assert main(["study", "--quick", "--out", str(tmp_path)]) == 2
    assert "--force" in capsys.readouterr().err
    assert (tmp_path / "keep.txt").read_text() == "mine"


@pytest.mark.slow
def test_report_renders_in_chromium(report, tmp_path):
    """Headless Chromium opens index.html offline and every image decodes."""
    chromium = chromium_or_skip()
    probe = tmp_path / "probe.html"
    probe.write_text(
        (report / "index.html")
        .read_text()
        .replace(
            "</body>",
            "<script>window.addEventListener('load', () => { const imgs = [...document.images];"
            " document.title = 'loaded ' + imgs.filter(i => i.complete && i.naturalWidth > 0)"
            ".length + ' of ' + imgs.length; });</script></body>",
        )
    )
    dom = dump_dom(chromium, probe.as_uri(), tmp_path / "profile")
    n_images = len(list((report / "figures").glob("*.png")))
    assert f"<title>loaded {n_images} of {n_images}</title>" in dom
    shot = screenshot(chromium, probe.as_uri(), tmp_path / "profile", tmp_path / "shot.png",
                      "1200,2400")  # fmt: skip
    assert shot.stat().st_size > 10_000
