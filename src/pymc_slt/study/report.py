"""Write a study's report folder: ``index.html``, ``summary.csv``, ``results.nc``, ``figures/``.

``index.html`` is one self-contained file (figures embedded as PNG data URIs, no scripts, no
network), so it opens offline in any browser. ``results.nc`` is an ``xarray.DataTree``
(netCDF4 through h5netcdf) holding the numbers and draws behind every figure; reopen it with
``xarray.open_datatree("results.nc")``:

==================== =======================================================================
node                 contents
==================== =======================================================================
``/summary``         the summary table (one row per model × n), dimension ``row``
``/sweep``           the sweep's task table (status, seconds per task)
``/draws/<m>_n<n>``  β = 1 draws (posterior, log_likelihood, sample_stats) per model and n
``/ladder/<m>``      E_β[n L_n] and its se along ``beta`` (the λ ladder figure)
``/fisher/<m>``      Fisher eigenvalues across the posterior, dims ``(chain, draw, eigen)``
``/phases/runs``     the phase sweep's table; ``/phases/transition`` its per-n summary;
                     ``/phases/draws/n<n>`` the draws of the phase figure
``/langevin/noisy``  noisy-gradient-descent draws; ``/langevin/nuts`` the NUTS reference
==================== =======================================================================
"""

from __future__ import annotations

import base64
import html
import io
import json
from pathlib import Path

import pandas as pd
import xarray as xr

from pymc_slt._version import __version__
from pymc_slt.study.figures import study_figures
from pymc_slt.study.reading import reading
from pymc_slt.study.run import StudyResults
from pymc_slt.sweep.store import netcdf_safe

__all__ = ["SUMMARY_COLUMNS", "results_tree", "write_report"]

#: Columns of ``summary.csv`` and of the report's main table, in order.
SUMMARY_COLUMNS = (
    "model", "n", "d", "lambda_theory", "lambda_hat", "lambda_se", "free_energy", "log_z_se",
    "wbic", "wbic_se", "bic", "elpd_waic", "elpd_waic_se", "elpd_loo", "elpd_loo_se", "nu_hat",
    "fisher_rank", "min_energy", "max_rhat", "divergences",
)  # fmt: skip


def _table_dataset(table: pd.DataFrame) -> xr.Dataset:
    frame = table.reset_index(drop=True)
    frame.index.name = "row"
    return xr.Dataset.from_dataframe(
        frame.astype({c: str for c in frame.select_dtypes(["object", "string"])})
    )


def results_tree(results: StudyResults) -> xr.DataTree:
    """The study's numbers and draws as one DataTree (layout in the module docstring)."""
    nodes: dict[str, xr.Dataset | xr.DataTree] = {
        "summary": _table_dataset(results.summary),
        "sweep": _table_dataset(results.sweep),
        "phases/runs": _table_dataset(results.phases),
        "phases/transition": _table_dataset(results.transition.table),
    }
    for key, tree in results.draws.items():
        for group, node in tree.children.items():
            nodes[f"draws/{key}/{group}"] = node.to_dataset()
    for key, ladder in results.ladders.items():
        nodes[f"ladder/{key}"] = ladder
    for key, values in results.spectra.items():
        nodes[f"fisher/{key}"] = values.to_dataset(name="eigenvalue")
    for n, tree in results.phase_draws.items():
        nodes[f"phases/draws/n{n}/posterior"] = tree["posterior"].to_dataset()
    for name, tree in (("noisy", results.langevin), ("nuts", results.langevin_nuts)):
        nodes[f"langevin/{name}"] = tree["posterior"].to_dataset()
    root = xr.DataTree.from_dict(nodes)
    root.attrs.update(
        {
            "pymc_slt_version": __version__,
            "quick": int(results.plan.quick),
            "seed": results.plan.seed,
            "ns": list(results.plan.ns),
            "seconds": json.dumps(results.seconds),
            "observed_transition_n": results.transition.observed_n,
            "predicted_transition_n": results.prediction.transition_n,
        }
    )
    return root.map_over_datasets(netcdf_safe)


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    return buffer.getvalue()


def _html_table(table: pd.DataFrame) -> str:
    body = table.to_html(
        index=False, border=0, classes="numbers", na_rep="–", float_format=lambda v: f"{v:.3f}"
    )
    return f'<div class="scroll">{body}</div>'


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1150px; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
.scroll { overflow-x: auto; }
table.numbers { border-collapse: collapse; font-size: 0.82em; margin: 0.6em 0; }
table.numbers th, table.numbers td { padding: 0.2em 0.55em; text-align: right;
       border-bottom: 1px solid #eee; }
table.numbers th { background: #f4f4f4; }
/* the model and n columns stay in view while a wide table scrolls sideways */
table.numbers th:nth-child(-n+2), table.numbers td:nth-child(-n+2) { position: sticky;
       background: #fff; z-index: 1; }
table.numbers th:nth-child(-n+2) { background: #f4f4f4; }
table.numbers th:first-child, table.numbers td:first-child { left: 0; min-width: 7.5em; }
table.numbers th:nth-child(2), table.numbers td:nth-child(2) { left: 8.6em; }
figure { margin: 1.2em 0; } figure img { max-width: 100%; border: 1px solid #eee; }
figcaption { font-size: 0.88em; color: #555; }
.reading li { margin: 0.35em 0; } .meta { color: #666; font-size: 0.9em; }
code { background: #f4f4f4; padding: 0 0.2em; }
"""


def _page(results: StudyResults, images: dict[str, tuple[bytes, str]]) -> str:
    """The HTML of the report; ``images`` maps file stem to (PNG bytes, caption)."""
    plan = results.plan
    total = sum(results.seconds.values())
    kind = "quick" if plan.quick else "full"
    summary = results.summary[list(SUMMARY_COLUMNS)]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>pymc-slt study</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>pymc-slt study: singular learning theory on the model zoo</h1>",
        f'<p class="meta">{kind} study, seed {plan.seed}, n ∈ {list(plan.ns)}, '
        f"{plan.sampler['chains']} chains × {plan.sampler['draws']} draws per run; "
        f"wall time of this run {total / 60:.1f} min (sweep tasks: "
        f"{results.sweep['seconds'].sum() / 60:.1f} min of worker time, resumed ones "
        f"included); pymc-slt {__version__}. "
        "Numbers and draws behind every figure: <code>results.nc</code> "
        '(<code>xarray.open_datatree("results.nc")</code>); table: <code>summary.csv</code>.'
        "</p>",
        "<h2>What the results say</h2>",
        '<ul class="reading">',
        *(f"<li>{html.escape(line)}</li>" for line in reading(results)),
        "</ul>",
        "<h2>Summary</h2>",
        "<p>Free-energy scale (lower is better) for F = −log Z (SMC), WBIC and BIC "
        "(= −max log-likelihood + (d/2) log n); elpd (higher is better) for WAIC and LOO. λ̂: "
        "local learning coefficient (NUTS on the localized tempered posterior); ν̂: singular "
        "fluctuation V_n/2; Fisher rank at a prior draw.</p>",
        _html_table(summary),
    ]
    parts.append("<h2>Figures</h2>")
    first_diagnostics = next(k for k in images if k.startswith("diagnostics_"))
    for stem, (png, caption) in images.items():
        if stem == first_diagnostics:
            parts.append("<h2>Diagnostics of the runs</h2>")
        data = base64.b64encode(png).decode()
        parts.append(
            f'<figure id="{stem}"><img alt="{html.escape(caption)}" '
            f'src="data:image/png;base64,{data}"><figcaption>{html.escape(caption)}'
            "</figcaption></figure>"
        )
        if stem == "phase_draws":
            parts += ["<h3>Phase transition, per n</h3>", _html_table(results.transition.table)]
    parts += [
        "<h2>Runs</h2>",
        "<p>Wall time per step (s): "
        + ", ".join(f"{k} {v:.0f}" for k, v in results.seconds.items())
        + f". Sweep tasks: {len(results.sweep)}, "
        f"{int((results.sweep['status'] == 'ok').sum())} ok.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def write_report(results: StudyResults, out: Path) -> Path:
    """Write ``index.html``, ``summary.csv``, ``results.nc`` and ``figures/*.png`` into ``out``.

    Returns
    -------
    pathlib.Path
        The path of ``index.html``.
    """
    images = {stem: (_png(fig), caption) for stem, (fig, caption) in study_figures(results).items()}
    (out / "figures").mkdir(exist_ok=True)
    for stem, (png, _) in images.items():
        (out / "figures" / f"{stem}.png").write_bytes(png)  # the same bytes as in index.html
    results.summary[list(SUMMARY_COLUMNS)].to_csv(out / "summary.csv", index=False)
    results_tree(results).to_netcdf(out / "results.nc", engine="h5netcdf")
    index = out / "index.html"
    index.write_text(_page(results, images), encoding="utf-8")
    return index
