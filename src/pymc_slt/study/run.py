"""Run the study of :mod:`pymc_slt.study.plan` and collect everything behind its report.

Steps, each reusing the package's public pieces:

1. the sweep (:func:`pymc_slt.run_sweep` into ``DIR/sweep``: every core, resumable): per model × n
   log Z (SMC), WBIC, λ̂ (local), the Fisher rank at a prior draw, the β = 1 draws with
   E[n L_n] and WAIC, and a β ladder for λ at the largest n;
2. from the stored draws: LOO (``arviz_stats.loo``), the maximum likelihood n L_n(ŵ) and BIC,
   the Fisher spectrum across the posterior at the largest n;
3. the phase transition of reduced-rank regression (:func:`pymc_slt.phase_sweep`);
4. noisy gradient descent against NUTS on ``y = a·b·x`` (:func:`pymc_slt.noisy_gradient_descent`).

The result is a :class:`StudyResults` holding tables, figures and one ``xarray.DataTree``.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pymc as pm
import xarray as xr

from pymc_slt.fisher import fisher_spectrum
from pymc_slt.models import (
    normal_crossing,
    reduced_rank_regression,
    reduced_rank_truth,
    simulate_normal_crossing,
    simulate_reduced_rank,
)
from pymc_slt.phases import (
    PhasePrediction,
    PhaseTransition,
    phase_sweep,
    phase_transition,
    rrr_phase,
    rrr_phase_prediction,
)
from pymc_slt.sampling.langevin import Langevin, noisy_gradient_descent
from pymc_slt.sampling.samplers import NUTS
from pymc_slt.sampling.tempered import sample_tempered
from pymc_slt.study.plan import StudyModel, StudyPlan
from pymc_slt.sweep.run import SweepTask, run_sweep

__all__ = ["PHASE_SETUP", "StudyResults", "run_study"]

#: The docs/theory.md phase-transition example: M = N = 4, H = 2, truth singular values (1, 0.15).
PHASE_SETUP = {"M": 4, "N": 4, "H": 2, "singular_values": (1.0, 0.15)}
#: Posterior draws used for the Fisher spectrum (thinned evenly from the β = 1 run).
_SPECTRUM_DRAWS = 200


@dataclass(slots=True)
class StudyResults:
    """Everything the report shows.

    Attributes
    ----------
    plan : StudyPlan
    summary : pandas.DataFrame
        One row per model × n: ``model``, ``label``, ``n``, ``d``, ``lambda_theory``, then
        ``log_z``, ``log_z_se``, ``free_energy``, ``wbic``, ``wbic_se``, ``elpd_waic``,
        ``elpd_waic_se``, ``elpd_loo``, ``elpd_loo_se``, ``bic``, ``min_energy`` (n L_n(ŵ)),
        ``lambda_hat``, ``lambda_se``, ``nu_hat``, ``fisher_rank``, ``max_rhat``,
        ``divergences``.
    sweep : pandas.DataFrame
        The sweep's own table (one row per task, with status and seconds).
    draws : dict of str to xarray.DataTree
        β = 1 draws per ``"<model>_n<n>"``.
    ladders : dict of str to xarray.Dataset
        E_β[n L_n] and its se along ``beta`` per model (largest n).
    spectra : dict of str to xarray.DataArray
        Fisher eigenvalues ``(chain, draw, eigen)`` across the posterior per model (largest n),
        with the rank tolerance in ``attrs["rtol"]``.
    phases : pandas.DataFrame
        :func:`pymc_slt.phase_sweep`'s table.
    phase_draws : dict of int to xarray.DataTree
        Posterior draws of the phase-transition model per n (first data set).
    transition : PhaseTransition
    prediction : PhasePrediction
    langevin, langevin_nuts : xarray.DataTree
        Noisy gradient descent and NUTS draws of ``y = a·b·x`` at β = 1.
    seconds : dict of str to float
        Wall time of each step.
    """

    plan: StudyPlan
    summary: pd.DataFrame
    sweep: pd.DataFrame
    draws: dict[str, xr.DataTree]
    ladders: dict[str, xr.Dataset]
    spectra: dict[str, xr.DataArray]
    phases: pd.DataFrame
    phase_draws: dict[int, xr.DataTree]
    transition: PhaseTransition
    prediction: PhasePrediction
    langevin: xr.DataTree
    langevin_nuts: xr.DataTree
    seconds: dict[str, float] = field(default_factory=dict)


def _load(store: Path, task: SweepTask, child: str) -> xr.DataTree:
    path = store / "tasks" / f"{task.task_id}.nc"
    return xr.load_datatree(path, engine="h5netcdf")[child]


def _values(sweep: pd.DataFrame, task: SweepTask) -> dict[str, Any]:
    """The sweep's numbers of ``task`` (``sweep`` indexed by task id); a failure stops here."""
    row = sweep.loc[task.task_id]
    if row["status"] != "ok":
        raise RuntimeError(
            f"study task {task.model_label} n={task.n} failed: {row['error']}; run the study "
            "again with --force into the same folder to retry it (finished tasks are kept)."
        )
    return row.to_dict()


def _spectrum(model: pm.Model, post: xr.DataTree) -> xr.DataArray:
    """Fisher eigenvalues at up to 200 evenly thinned draws, dims ``(chain, draw, eigen)``;
    ``attrs["rtol"]`` is :func:`pymc_slt.fisher_rank`'s default tolerance."""
    stacked = post["posterior"].to_dataset().stack(sample=("chain", "draw"))
    keep = np.linspace(0, stacked.sizes["sample"] - 1, _SPECTRUM_DRAWS).astype(int)
    thinned = stacked.isel(sample=np.unique(keep)).drop_vars(["chain", "draw", "sample"])
    thinned = thinned.expand_dims(chain=1).rename({"sample": "draw"})
    return fisher_spectrum(model, thinned)


def _row(spec: StudyModel, n: int, free: dict, at_one: dict) -> dict[str, Any]:
    return {
        "model": spec.key,
        "label": spec.label,
        "n": n,
        "d": int(free["n_params"]),
        "lambda_theory": spec.lam,
        "log_z": free["log_z"],
        "log_z_se": free["log_z_se"],
        "free_energy": -free["log_z"],
        "wbic": free["wbic"],
        "wbic_se": free["wbic_se"],
        "elpd_waic": at_one["elpd_waic"],
        "elpd_waic_se": at_one["elpd_waic_se"],
        "elpd_loo": at_one["elpd_loo"],
        "elpd_loo_se": at_one["elpd_loo_se"],
        "bic": at_one["bic"],
        "min_energy": at_one["min_energy"],
        "lambda_hat": free["lambda_hat"],
        "lambda_se": free["lambda_se"],
        "nu_hat": at_one["nu_hat"],
        "fisher_rank": int(free["fisher_rank"]),
        "max_rhat": at_one["max_rhat"],
        "divergences": int(at_one["divergences"]),
    }


def _collect(plan: StudyPlan, sweep: pd.DataFrame, store: Path) -> dict[str, Any]:
    sweep = sweep.set_index("task_id")
    rows, draws, ladders, spectra = [], {}, {}, {}
    for spec in plan.models:
        for n in plan.ns:
            task = plan.posterior_task(spec, n)
            free, at_one = _values(sweep, plan.evidence_task(spec, n)), _values(sweep, task)
            post = draws[f"{spec.key}_n{n}"] = _load(store, task, "draws")
            rows.append(_row(spec, n, free, at_one))
            if n == max(plan.ns):
                model = task.build(task.simulate())  # the same data: simulated from the task seed
                spectra[spec.key] = _spectrum(model, post)
        ladder_task = plan.ladder_task(spec)
        _values(sweep, ladder_task)
        ladder = _load(store, ladder_task, "learning_coefficient").to_dataset()
        ladder.attrs["theory"] = spec.lam
        ladders[spec.key] = ladder
    return {
        "summary": pd.DataFrame(rows),
        "draws": draws,
        "ladders": ladders,
        "spectra": spectra,
    }


def _phases(
    plan: StudyPlan, progressbar: bool
) -> tuple[pd.DataFrame, PhaseTransition, dict[int, xr.DataTree]]:
    M, N, H = PHASE_SETUP["M"], PHASE_SETUP["N"], PHASE_SETUP["H"]
    B, A = reduced_rank_truth(M, N, 2, PHASE_SETUP["singular_values"], random_seed=plan.seed)

    def make_model(n: int, data_seed: int):
        data = simulate_reduced_rank(n, B, A, random_seed=data_seed)
        return reduced_rank_regression(data.x, data.y, H=H)

    draws: dict[int, xr.DataTree] = {}

    def classify(dt: xr.DataTree) -> xr.DataArray:
        n = int(dt.attrs["n"])
        draws.setdefault(n, dt)  # keep the first data set's draws for the figure
        return rrr_phase(dt)

    runs = phase_sweep(
        make_model,
        [(n, seed) for n in plan.phase_ns for seed in plan.phase_seeds],
        classify,
        sampler=_nuts(plan),
        random_seed=plan.seed,
        progressbar=progressbar,
    )
    runs = runs[runs["phase"].isin((1, 2))].reset_index(drop=True)  # the report's two phases
    return runs, phase_transition(runs, low=1, high=2), draws


def _nuts(plan: StudyPlan) -> NUTS:
    """The study's NUTS, at ``target_accept`` 0.95 (funnel-shaped singular posteriors)."""
    return NUTS(
        draws=plan.sampler["draws"],
        tune=plan.sampler["tune"],
        chains=plan.sampler["chains"],
        target_accept=0.95,
    )


def _langevin(plan: StudyPlan) -> tuple[xr.DataTree, xr.DataTree]:
    """Noisy gradient descent and NUTS on ``y = a·b·x`` (n = 100, zero truth) at β = 1."""
    data = simulate_normal_crossing(100, (1, 1), random_seed=plan.seed)
    model = normal_crossing(data.x, data.y, (1, 1))
    nuts = sample_tempered(
        model,
        1.0,
        sampler=_nuts(plan),
        random_seed=plan.seed,
        progressbar=False,
    )
    noisy = noisy_gradient_descent(
        model,
        1.0,
        sampler=Langevin(
            step_size=5e-4,  # well below 2/(n max b²), the stiffest curvature on the cross's arms
            n_steps=plan.langevin_steps,
            thin=50,
            burn_in=5_000,
            chains=2,
        ),
        random_seed=plan.seed,
    )
    return noisy, nuts


def run_study(
    plan: StudyPlan,
    out: Path,
    *,
    max_workers: int | None = None,
    progressbar: bool = True,
) -> StudyResults:
    """Run every step of the study, the sweep's results stored in ``out / "sweep"``.

    Parameters
    ----------
    plan : StudyPlan
        From :func:`pymc_slt.study.plan.plan`.
    out : pathlib.Path
        The report folder (the caller has checked it may be written).
    max_workers : int, optional
        Worker processes of the sweep; default the number of cores.
    progressbar : bool, default True
        Show rich progress bars.

    Returns
    -------
    StudyResults
    """
    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    store = out / "sweep"
    with warnings.catch_warnings():
        # poor-mixing warnings are recorded per task in the store and shown in the report
        warnings.simplefilter("ignore", UserWarning)
        sweep = run_sweep(
            plan.tasks(), store=store, max_workers=max_workers, progressbar=progressbar
        )
        seconds["sweep"] = time.perf_counter() - t0
        t = time.perf_counter()
        collected = _collect(plan, sweep, store)
        seconds["post-processing"] = time.perf_counter() - t
        t = time.perf_counter()
        runs, transition, phase_draws = _phases(plan, progressbar)
        seconds["phase transition"] = time.perf_counter() - t
        t = time.perf_counter()
        noisy, nuts = _langevin(plan)
        seconds["langevin"] = time.perf_counter() - t
    prediction = rrr_phase_prediction(
        PHASE_SETUP["M"], PHASE_SETUP["N"], PHASE_SETUP["H"], PHASE_SETUP["singular_values"]
    )
    return StudyResults(
        plan=plan,
        sweep=sweep,
        phases=runs,
        phase_draws=phase_draws,
        transition=transition,
        prediction=prediction,
        langevin=noisy,
        langevin_nuts=nuts,
        seconds=seconds,
        **collected,
    )
