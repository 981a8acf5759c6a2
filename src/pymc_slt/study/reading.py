"""The plain-words reading of a study: one sentence per finding, computed from its numbers.

Each sentence compares an estimate with what singular learning theory predicts (docs/theory.md):
λ̂ against the known λ and against d/2 (regular models have λ = d/2), the Fisher rank against d,
the growth of F_n − n L_n(ŵ) against λ log n, WBIC and BIC against F_n, ν̂ against d/2, and the
phase transition's crossing against its prediction. "Agrees" means within 2 standard errors or
10 %, whichever is wider; otherwise the sentence gives the gap.
"""

from __future__ import annotations

import numpy as np
from scipy import stats

from pymc_slt.learning_coefficient.free_energy_fit import fit_free_energy
from pymc_slt.study.run import StudyResults

__all__ = ["reading"]


def _agrees(estimate: float, se: float, target: float) -> bool:
    return abs(estimate - target) <= max(2 * se, 0.1 * abs(target))


def _posterior_rank(spectrum) -> str:
    """ "rank r in p % of the posterior draws", as :func:`pymc_slt.fisher_rank` counts."""
    mu = np.asarray(spectrum.transpose(..., "eigen")).reshape(-1, spectrum.sizes["eigen"])
    ranks = (mu > spectrum.attrs["rtol"] * np.maximum(mu[:, :1], 0.0)).sum(axis=1)
    values, counts = np.unique(ranks, return_counts=True)
    top = int(np.argmax(counts))
    return f"rank {values[top]} in {counts[top] / ranks.size:.0%} of the posterior draws"


def _lambda_sentence(row, regular: bool, spectrum) -> str:
    lam, se, theory, d = row["lambda_hat"], row["lambda_se"], row["lambda_theory"], int(row["d"])
    verdict = (
        "agrees with"
        if _agrees(lam, se, theory)
        else f"is {lam - theory:+.2f} ({(lam - theory) / theory:+.0%}, the finite-n bias of "
        "singular models discussed in the Notes of slt.learning_coefficient) off"
    )
    kind = (
        "as for every regular model, λ = d/2"
        if regular
        else f"well below d/2 = {d / 2:g}: the model is singular"
    )
    rank = int(row["fisher_rank"])
    flat = "full rank" if rank == d else f"{d - rank} flat direction{'s' * (d - rank > 1)}"
    return (
        f"{row['label']} (n = {row['n']}): λ̂ = {lam:.2f} ± {se:.2f} {verdict} the theory "
        f"λ = {theory:.3g} ({kind}). Its Fisher information has rank {rank} of d = {d} at a "
        f"generic (prior) point ({flat}), and {_posterior_rank(spectrum)} (near the truth the "
        "small eigenvalues fall under the tolerance)."
    )


def reading(results: StudyResults) -> list[str]:
    """What the study found: one paragraph per model, then the phase transition and Langevin."""
    summary = results.summary
    largest = max(results.plan.ns)
    lines = []
    for spec in results.plan.models:
        rows = summary[summary["model"] == spec.key].sort_values("n")
        top = rows[rows["n"] == largest].iloc[0]
        sentences = [_lambda_sentence(top, spec.regular, results.spectra[spec.key])]
        if len(rows) >= 2:
            fit = fit_free_energy(
                rows["n"], rows["free_energy"], rows["min_energy"], rows["log_z_se"]
            )
            sentences.append(
                "The free energy's excess F_n − n L_n(ŵ) grows like "
                f"{fit.lam:.2f} log n over n = {rows['n'].min()}–{largest} (theory λ = "
                f"{spec.lam:.3g}; a rough check over a short range of n: the fit also absorbs "
                "the (m − 1) log log n term and the O(1) gap between n L_n(ŵ) and n L_n(w0), "
                "and each F_n carries its own Monte-Carlo error)."
            )
        d = int(top["d"])
        gap_wbic = top["wbic"] - top["free_energy"]
        gap_bic = top["bic"] - top["free_energy"]
        sentences.append(
            f"At n = {largest}: WBIC − F = {gap_wbic:+.2f} nats (O(√log n) by "
            f"Watanabe 2013), BIC − F = {gap_bic:+.2f} nats (BIC charges d/2 = {d / 2:g} "
            f"per log n, theory λ = {spec.lam:.3g}: (d/2 − λ) log n = "
            f"{(d / 2 - spec.lam) * np.log(largest):.1f}); ν̂ = {top['nu_hat']:.2f} "
            f"(regular models: d/2 = {d / 2:g})."
        )
        lines.append(" ".join(sentences))
    transition, pred = results.transition, results.prediction
    table = transition.table
    first, last = table.iloc[0], table.iloc[-1]
    observed = (
        f"the local free energies cross at n ≈ {transition.observed_n:.0f}"
        if np.isfinite(transition.observed_n)
        else "no crossing was seen on this grid of n"
    )
    lines.append(
        f"Phase transition (reduced-rank regression, M = N = 4, H = 2, truth s = (1, 0.15)): the "
        f"share of the posterior in the rank-2 phase goes from {first['fraction_high']:.0%} at "
        f"n = {first['n']:.0f} to {last['fraction_high']:.0%} at n = {last['n']:.0f}; "
        f"{observed} (interpolated on a grid of {len(table)} n, {int(first['n_seeds'])} data "
        f"set(s)), against the prediction n ≈ {pred.transition_n:.0f} from "
        f"n ΔL = Δλ log n + Δm log log n (λ = {pred.lambdas[0]:g} → {pred.lambdas[1]:g}); the "
        "prediction leaves out O(1) terms, each nat of which moves the crossing by about "
        f"{1 / pred.delta_loss_per_point:.0f} in n."
    )
    noisy, nuts = (
        np.abs(np.prod(t["posterior"]["w"].values, axis=-1)).ravel()
        for t in (results.langevin, results.langevin_nuts)
    )
    ks = float(stats.ks_2samp(noisy, nuts).statistic)
    lines.append(
        "Noisy gradient descent at temperature T = 1 and NUTS at β = 1 draw the same "
        "cross-shaped Gibbs posterior of y = a·b·x: median |a·b| "
        f"{np.median(noisy):.3f} against {np.median(nuts):.3f}, Kolmogorov–Smirnov distance "
        f"{ks:.3f}. Gradient descent with Gaussian noise samples p_β(w) ∝ φ(w) exp(−β n L_n(w)) "
        "instead of stopping at one minimum."
    )
    return lines
