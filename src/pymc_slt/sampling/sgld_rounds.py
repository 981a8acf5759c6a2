"""The rounds of an SGLD run and what they measured: the chains advanced until two successive
windows agree, the mean energy with its se, and the first-order bias of that mean from the step
and the minibatch noise.

:mod:`pymc_slt.sampling.sgld` chooses the settings (point, step, preconditioner) and judges the
run; its docstring (**Length**, **Standard error**) states the rules implemented here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from pymc_slt._progress import track
from pymc_slt.base.chains import chain_agreement
from pymc_slt.base.energy import energy_mean
from pymc_slt.sampling.landscape import Curvature
from pymc_slt.sampling.sgmcmc import MOMENT_BATCHES, SGLDChains

__all__ = ["CURVATURE_CHAINS", "MIN_ROUNDS", "SGLDRounds", "sample_energies", "step_bias"]

#: A window whose halves differ by less than this share of |λ̂| (or 2 se) has settled.
SETTLED_SHARE = 0.02
#: Rounds before a run may stop (steps: first_round × 2**(MIN_ROUNDS − 1)).
MIN_ROUNDS = 3
#: A window has settled only if its chains also agree (Cochran's Q p-value at least this).
SETTLED_AGREEMENT = 0.01
#: The chains (at most) where each round measures the curvature that sets ε.
CURVATURE_CHAINS = 4


class RoundSettings(Protocol):
    """The settings of :class:`~pymc_slt.sampling.sgld.SGLD` that the rounds read."""

    chains: int
    draws: int
    first_round: int
    max_steps: int


@dataclass(frozen=True)
class SGLDRounds:
    """What :func:`sample_energies` produced.

    Attributes
    ----------
    steps : int
        Steps per chain.
    settled : bool
        Whether the run stopped because its last window settled (not at ``max_steps``).
    summary : tuple of float
        :func:`_summary` of :math:`n L_n` at the last window's positions (chains × draws):
        mean, se, the chains' agreement p-value, ESS.
    trace : list of dict
        Per round: ``steps`` (its end), ``step_size``, the window's mean ``energy`` and
        ``change``, the change of λ̂ from the round before (NaN for the first).
    positions : numpy.ndarray
        The chains' last positions, (chains, d).
    preconditioner : numpy.ndarray or None
        The last round's diagonal preconditioner per chain, (chains, d).
    """

    steps: int
    settled: bool
    summary: tuple[float, float, float, float]
    trace: list[dict[str, float]]
    positions: np.ndarray
    preconditioner: np.ndarray | None


def _settled(
    energies: np.ndarray, before: np.ndarray | None, beta: float, e_star: float
) -> tuple[bool, float]:
    """Whether a window agrees with the one ``before`` it (module docstring, **Length**), and
    the change of λ̂; without an earlier window, False.

    The change is the mean over chains of β (this window's mean energy − the earlier one's),
    its se the spread of those per-chain changes over √chains.
    """
    if before is None:
        return False, float("nan")
    diff = beta * (energies.mean(1) - before.mean(1))
    change, se = float(diff.mean()), float(diff.std(ddof=1) / np.sqrt(diff.size))
    lam = beta * (energies.mean() - e_star)
    return bool(abs(change) < max(2 * se, SETTLED_SHARE * max(abs(lam), 1.0))), change


def sample_energies(
    sampler: SGLDChains,
    energies_at,
    start: np.ndarray,
    settings_for,
    spec: RoundSettings,
    *,
    beta: float,
    e_star: float,
    seed: int,
    progressbar: bool,
) -> SGLDRounds:
    """Chains from θ*, in rounds, until two successive windows agree (module docstring,
    **Length**). ``settings_for(positions, round)`` gives ε and the preconditioners (or None)
    of the next round from the chains' positions."""
    chains = spec.chains
    keys = sampler.keys(seed, chains)
    positions, step = np.broadcast_to(start, (chains, start.size)), 0
    rounds = int(np.log2(spec.max_steps / spec.first_round)) + 1
    trace: list[dict[str, float]] = []
    target, settled, before = spec.first_round, False, None
    for k in track(range(rounds), total=rounds, description="SGLD rounds", enabled=progressbar):
        eps, scales = settings_for(positions, k)
        step_sizes = np.full(chains, eps)
        # keep `draws` positions spread over the second half of the run, ending at `target`
        thin = (target - target // 2) // spec.draws
        first = target - spec.draws * thin
        if first > step:  # burn-in: nothing kept
            positions, _, _ = sampler.advance(
                positions, keys, step_sizes, step, 1, first - step, scales
            )
        positions, draws, _ = sampler.advance(
            positions, keys, step_sizes, first, spec.draws, thin, scales
        )
        step = target
        energies = energies_at(draws.reshape(-1, draws.shape[-1])).reshape(chains, spec.draws)
        summary = _summary(energies)
        if not np.all(np.isfinite(energies)):
            trace.append({"steps": step, "step_size": eps, "energy": np.nan, "change": np.nan})
            return SGLDRounds(step, False, summary, trace, np.asarray(positions), scales)
        settled, change = _settled(energies, before, beta, e_star)
        settled &= k + 1 >= MIN_ROUNDS and summary[2] >= SETTLED_AGREEMENT
        trace.append(
            {
                "steps": step,
                "step_size": eps,
                "energy": float(energies.mean()),
                "change": change,
            }
        )
        if settled or 2 * target > spec.max_steps:
            break
        target, before = 2 * target, energies
    return SGLDRounds(step, settled, summary, trace, np.asarray(positions), scales)


def _summary(energies: np.ndarray) -> tuple[float, float, float, float]:
    """Mean energy, its se, Cochran's Q p-value that the chains agree, and the ESS of the
    mean. The se is the larger of the ESS-based one (autocorrelation within chains) and the
    spread of the chain means over √chains (what moves only between chains: the flat
    directions a window does not cross)."""
    mean, se, ess = energy_mean(energies)
    per_chain = [energy_mean(e[None]) for e in energies]
    means = np.array([m.mean for m in per_chain])
    p = chain_agreement(means, np.array([m.se for m in per_chain]))
    between = float(means.std(ddof=1) / np.sqrt(len(means)))
    return mean, max(se, between), p, ess


def step_bias(
    sampler: SGLDChains, curvature: Curvature, rounds: SGLDRounds, gamma: float, *, seed: int
) -> dict[str, float]:
    """The first-order bias of SGLD's mean energy from its step and its minibatch noise.

    In a quadratic basin of Hessian H, SGLD with step ε and gradient noise of covariance C
    (θ ← θ + ε ĝ + √(2ε) ξ) is stationary at a covariance Σ with
    :math:`HΣ + ΣH − εHΣH = 2I + εC`; to first order in ε the mean energy
    :math:`\\tfrac12\\mathrm{tr}(HΣ)` exceeds its exact d/2 by
    :math:`\\tfrac{ε}{4}\\,\\mathrm{tr}(H + C)` (both in the preconditioned coordinates
    θ/√g). Estimated with the last round's ε and preconditioner at the last positions of the
    first :data:`CURVATURE_CHAINS` chains: tr H (with γ) by Hutchinson's estimator
    (:meth:`~pymc_slt.sampling.landscape.Curvature.trace`), tr C from the variance of the
    minibatch gradient over :data:`~pymc_slt.sampling.sgmcmc.MOMENT_BATCHES` batches.

    Returns
    -------
    dict
        ``step`` (ε tr H/4), ``noise`` (ε tr C/4) and their sum ``bias``, in units of
        β n L_n (of λ̂).
    """
    eps = rounds.trace[-1]["step_size"]
    positions, scales = rounds.positions, rounds.preconditioner
    chains = min(len(positions), CURVATURE_CHAINS)
    if scales is None:
        scales = np.ones_like(positions)
    mean, square = sampler.gradient_moments(positions[:chains], seed)
    batches = MOMENT_BATCHES
    noise = float(np.mean(np.sum(scales[:chains] * (square - mean**2), axis=1)))
    noise *= batches / (batches - 1)
    hessian = np.mean(
        [
            curvature.trace(p, preconditioner=g, seed=seed + i) + gamma * float(g.sum())
            for i, (p, g) in enumerate(zip(positions[:chains], scales[:chains], strict=True))
        ]
    )
    step, noise = eps * float(hessian) / 4, eps * noise / 4
    return {"step": step, "noise": noise, "bias": step + noise}
