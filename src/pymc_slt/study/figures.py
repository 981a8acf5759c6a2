"""The study report's figures: the package's plots, plus two that only a study over n has.

* :func:`criteria_gap_figure`: WBIC, BIC and WAIC minus the free energy F_n, against n, per model;
* :func:`phase_draws_figure`: the second singular value of B·A across the posterior at each n.

:func:`study_figures` builds all of them, keyed by file stem, each with a caption.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure

from pymc_slt.phases import rrr_phase, rrr_singular_values
from pymc_slt.plots import (
    plot_diagnostics,
    plot_energy_ladder,
    plot_fisher_spectrum,
    plot_free_energy,
    plot_langevin_vs_nuts,
    plot_phase_transition,
)

__all__ = ["criteria_gap_figure", "phase_draws_figure", "study_figures"]


def criteria_gap_figure(summary: pd.DataFrame) -> Figure:
    """WBIC − F, BIC − F and WAIC (−elpd_waic) − F against n, one panel per model.

    Watanabe (2013): WBIC − F = O_p(√log n) for any model; BIC − F ≈ (d/2 − λ) log n, which
    grows for singular models (λ < d/2) and stays O(1) for regular ones (dotted: that slope
    through the first point). WAIC estimates the generalization loss, not F; its difference
    from F is shown without error bars (its se is a spread over the data).
    Error bars: Monte-Carlo se of the criterion and of F combined.
    """
    keys = list(dict.fromkeys(summary["model"]))
    fig = Figure(figsize=(3.2 * len(keys), 3.0), layout="constrained")
    axes = fig.subplots(1, len(keys), squeeze=False)[0]
    series = {
        "WBIC − F": ("wbic", "wbic_se"),
        "BIC − F": ("bic", None),
        "WAIC − F": ("waic", None),  # its se is over the data, not Monte-Carlo: left out
    }
    for ax, key in zip(axes, keys, strict=True):
        rows = summary[summary["model"] == key].sort_values("n")
        n = rows["n"].to_numpy()
        f = rows["free_energy"].to_numpy()
        values = {"wbic": rows["wbic"], "bic": rows["bic"], "waic": -rows["elpd_waic"]}
        for label, (col, se_col) in series.items():
            gap = values[col].to_numpy() - f
            se = np.hypot(rows[se_col].to_numpy(), rows["log_z_se"].to_numpy()) if se_col else None
            ax.errorbar(n, gap, yerr=se, marker="o", capsize=2, label=label)
        lam, d = float(rows["lambda_theory"].iloc[0]), int(rows["d"].iloc[0])
        ax.plot(
            n,
            (d / 2 - lam) * np.log(n)
            - (d / 2 - lam) * np.log(n[0])
            + (rows["bic"].to_numpy()[0] - f[0]),
            "k:",
            lw=1,
            label="(d/2 − λ) log n",
        )
        ax.axhline(0, color="0.6", lw=0.8)
        ax.set_xscale("log")
        ax.set_xticks(n, [str(v) for v in n], minor=False)
        ax.minorticks_off()
        ax.set_xlabel("n")
        ax.set_title(f"{key} (d = {d}, λ = {lam:.3g})", fontsize=9)
    axes[0].set_ylabel("criterion − F_n (nats)")
    axes[-1].legend(fontsize=7)
    return fig


def phase_draws_figure(draws: dict[int, xr.DataTree]) -> Figure:
    """Posterior draws of the singular values (s1, s2) of B·A at each n (one data set).

    Draws are coloured by :func:`~pymc_slt.phases.sweep.rrr_phase`: the rank-1 phase has s2
    below the noise edge τ2 (dashed), the rank-2 phase above it.
    """
    ns = sorted(draws)
    fig = Figure(figsize=(3.0 * len(ns), 3.0), layout="constrained")
    axes = fig.subplots(1, len(ns), squeeze=False, sharey=True)[0]
    for ax, n in zip(axes, ns, strict=True):
        sv = np.asarray(rrr_singular_values(draws[n]))
        phase = rrr_phase(draws[n])
        s1, s2 = sv[..., 0].ravel(), sv[..., 1].ravel()
        high = np.asarray(phase).ravel() >= 2
        ax.scatter(s1[~high], s2[~high], s=4, alpha=0.4, color="0.5", label="rank 1")
        ax.scatter(s1[high], s2[high], s=4, alpha=0.4, color="C3", label="rank 2")
        ax.axhline(phase.attrs["thresholds"][1], color="k", ls="--", lw=0.8)
        ax.set_yscale("log")
        ax.set_title(f"n = {n}: {high.mean():.0%} rank 2", fontsize=9)
        ax.set_xlabel("s1 of B·A")
    axes[0].set_ylabel("s2 of B·A")
    axes[0].legend(fontsize=7, markerscale=3)
    return fig


def study_figures(results) -> dict[str, tuple[Figure, str]]:
    """Every figure of the report of ``results`` (a :class:`~pymc_slt.study.run.StudyResults`),
    keyed by file stem, with a caption."""
    summary = results.summary
    theory = {m.key: m.lam for m in results.plan.models}
    largest = max(results.plan.ns)
    free = summary.rename(columns={"log_z_se": "free_energy_se"})
    out = {
        "free_energy": (
            plot_free_energy(
                free[["model", "n", "free_energy", "free_energy_se", "min_energy"]], theory=theory
            ),
            "Free energy F_n = −log Z_n (SMC) against n, with the fit n L_n(ŵ) + λ̂ log n + c; "
            "right: the excess F_n − n L_n(ŵ) against log n, whose slope is λ (dashed: theory).",
        ),
        "energy_ladder": (
            plot_energy_ladder(results.ladders),
            f"E_β[n L_n(w)] against 1/β at n = {largest}: the slope is the learning coefficient "
            "λ (Watanabe 2013).",
        ),
        "fisher_spectrum": (
            plot_fisher_spectrum(results.spectra),
            f"Fisher information spectrum across the β = 1 posterior at n = {largest} (median "
            "and 5–95 % band over draws); eigenvalues under the dashed tolerance are flat "
            "directions.",
        ),
        "criteria": (
            criteria_gap_figure(summary),
            "WBIC, BIC and WAIC next to the free energy: each minus F_n, against n.",
        ),
        "phase_transition": (
            plot_phase_transition(results.transition, prediction=results.prediction),
            "Reduced-rank regression M = N = 4, H = 2 with truth singular values (1, 0.15): share "
            "of the posterior in the rank-2 phase and ΔF = F_rank1 − F_rank2 against n, with the "
            "prediction n ΔL − Δλ log n − Δm log log n.",
        ),
        "phase_draws": (
            phase_draws_figure(results.phase_draws),
            "Posterior draws of the singular values of B·A at each n (first data set): the "
            "posterior moves from the rank-1 singularity to the rank-2 truth.",
        ),
        "langevin": (
            plot_langevin_vs_nuts(
                results.langevin, results.langevin_nuts, var_names=("w[0]", "w[1]")
            ),
            "Noisy gradient descent (PyTensor gradients, Gaussian noise of temperature T = 1) over "
            "NUTS draws of the Gibbs posterior of y = a·b·x at β = 1: the same cross-shaped "
            "distribution.",
        ),
    }
    for key in theory:
        out[f"diagnostics_{key}"] = (
            plot_diagnostics(results.draws[f"{key}_n{largest}"]),
            f"ArviZ diagnostics of the β = 1 run of {key} at n = {largest}: rank plots, r̂, ESS.",
        )
    return out
