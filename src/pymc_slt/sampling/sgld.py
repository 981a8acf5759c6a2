"""Minibatch SGLD that sets and checks itself: the sampler value ``slt.SGLD`` and the mean
energy it estimates, for the local learning coefficient and WBIC of networks where NUTS is too
dear.

The local learning coefficient (:mod:`pymc_slt.learning_coefficient.sgld`) has the estimand of
``method="local"`` with NUTS (:mod:`~pymc_slt.learning_coefficient.local`),

.. math::

    \\hat λ(w^*) = β\\left(E_{β,γ}[n L_n(w)] - n L_n(w^*)\\right),\\qquad
    p_{β,γ}(θ) ∝ φ(w)\\left|\\frac{\\partial w}{\\partial θ}\\right|
    e^{-β n L_n(w) - γ\\lVert θ - θ^*\\rVert^2/2},

(WBIC: γ = 0, β = 1/log n, and the mean energy itself), with the expectation taken by SGLD
chains (BlackJAX's kernel, :mod:`pymc_slt.sampling.sgmcmc`)
on minibatch gradients, as in Lau et al. (2023) and devinterp, but with every setting chosen
and checked here:

**Point.** ``point=`` (mapped to the unconstrained space θ, where the chains move and the
localization acts), the lowest-energy draw of ``data=``, or a minimum of :math:`n L_n` found by
Adam (:func:`~pymc_slt.sampling.landscape.find_minimum`).

**Preconditioning** (``precondition=True``, the default). In a network's flat directions
(weights the data do not determine, and symmetries such as ``W₂ → W₂G``, ``W₁ → G⁻¹W₁``) the
posterior spreads to the scale of the prior, and a step small enough for the stiff directions
needs 10⁵–10⁶ steps to get there, while the curvature, and with it the step's bias, grows as
the weights do. pSGLD (Li et al. 2016) takes RMSProp's diagonal scale instead: at the start
of each round, per chain, g = 1/max(√V, 1) from the second moment V of its minibatch
gradients where it stands (16 batches), held constant through the round, so each round is
exact SGLD with a constant mass matrix (BlackJAX's kernel on θ/√g; the drift term of an
adapting g is never needed). The floor keeps any step from exceeding the unpreconditioned
one where the gradient is small (at θ*, the flat directions). ``precondition=False`` is
plain SGLD with ε fixed at θ*.

**Step size.** SGLD's stationary law is not the target: in a direction of curvature σ its
variance is inflated by :math:`1 + ε(σ + C)/2` to first order, C the variance of the
minibatch gradient there (:math:`C ≈ σ\\, nβ/|B|` near a minimum). Each round, ε is
``step_fraction`` over the largest curvature σ_max of the (preconditioned) Hessian of
:math:`β n L_n` plus γ, averaged over the chains where they stand
(:func:`~pymc_slt.sampling.landscape.curvature_function`). Against NUTS on the same localized
posterior (docs/benchmarks.md, ``networks.py --nuts``), ``step_fraction`` 0.02 agrees on
reduced rank 5→5→5 (within 1 se, n = 10³ and 10⁴) and is 2–4 % low on a deep linear network
of 512 weights (n = 10³; up to 2.6 combined se): smaller steps came out lower (0.005: −7 %,
0.01: −5 %), as chains that move less are further from equilibrium when a window test
passes. (Half the chains at ε/2 and Richardson extrapolation to ε = 0 were tried: the chains
at ε/2 settle more slowly, and the extrapolation carried their lag into λ̂, −10 to −20 % on
deep linear networks.)

**Length.** Chains start at θ*, where :math:`n L_n` is lowest, and climb to equilibrium. They
run in rounds that double the total (``first_round``, 2×, 4×, … steps, at most
``max_steps``); the window of a round is the second half of the run so far, where
``draws`` positions per chain are kept and their full-data energies evaluated, streamed
(:func:`~pymc_slt.sampling.landscape.energy_function`). The run stops, after at least
:data:`MIN_ROUNDS` rounds, when two successive windows agree (the mean over chains of the
change of a chain's mean energy is below 2 se, the spread of those changes, or below 2 % of
λ̂) and the chains of the last window agree with each other (Cochran's Q p ≥
:data:`SETTLED_AGREEMENT`): a window test alone stopped runs whose chains were still spread
along slow directions, 5 % low against NUTS.

**Standard error.** The larger of the se from the ESS of the mean
(:func:`pymc_slt.base.energy.energy_mean`, arviz-stats: autocorrelation within chains) and the
spread of the chain means over √chains (slow directions that differ between chains but that
no window crosses); the spread of one run is not used.

**Failures** get a warning with the remedy: a window that has not settled at ``max_steps``;
chains that disagree (Cochran's Q, :func:`pymc_slt.base.chains.chain_agreement`, p < 0.001);
λ̂ below 0 (the chains found lower :math:`n L_n` than θ*); energies that are not finite (ε
too large); θ* not a minimum (its gradient promises a drop of
:math:`\\lVert g\\rVert^2/(2σ_\\max)` in :math:`β n L_n`).

References
----------
Welling, M. & Teh, Y. W. (2011). Bayesian learning via stochastic gradient Langevin dynamics.
*ICML 2011*, 681–688.

Lau, E., Furman, Z., Wang, G., Murfet, D. & Wei, S. (2025). The local learning coefficient: a
singularity-aware complexity measure. *AISTATS 2025*. https://arxiv.org/abs/2308.12108

Li, C., Chen, C., Carlson, D. & Carin, L. (2016). Preconditioned stochastic gradient Langevin
dynamics for deep neural networks. *AAAI 2016*. https://arxiv.org/abs/1512.07666

Vollmer, S. J., Zygalakis, K. C. & Teh, Y. W. (2016). Exploration of the (non-)asymptotic bias
and variance of stochastic gradient Langevin dynamics. *JMLR* 17(159), 1–48.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from pymc_slt._deprecated import LOOSE_SAMPLER
from pymc_slt._progress import track
from pymc_slt._validate import spawn_seeds, validate_positive_int, validate_positive_real
from pymc_slt.base.chains import chain_agreement
from pymc_slt.base.energy import energy_mean
from pymc_slt.base.spec import Spec
from pymc_slt.models.localization import validate_point
from pymc_slt.models.transforms import to_unconstrained
from pymc_slt.sampling.diagnostics import warn_poor_mixing
from pymc_slt.sampling.hmc_smc import _constrained_fn
from pymc_slt.sampling.landscape import (
    curvature_function,
    energy_function,
    find_minimum,
    gradient_norm,
)
from pymc_slt.sampling.minibatch import minibatch_log_density
from pymc_slt.sampling.sgmcmc import SGLDChains

__all__ = ["NOISE_RATIO_CHECKED", "SGLD", "as_sgld", "noise_ratio", "sgld_energy"]

#: Cochran's Q p-value below which the chains are said to disagree.
AGREEMENT_ALPHA = 1e-3
#: A window whose halves differ by less than this share of |λ̂| (or 2 se) has settled.
SETTLED_SHARE = 0.02
#: The largest minibatch noise ratio nβ/|B| at which SGLD was checked against NUTS (reduced
#: rank and deep linear networks at n = 10⁴, batch 256: 4.24, within a few per cent). Near a
#: minimum the minibatch gradient's variance is about nβ/|B| times the curvature, and the
#: step's bias grows with it: a logistic regression at n = 5·10⁴ (ratio 18) came out +21 %
#: against NUTS, +10 % and +6.5 % with batches of 1,083 and 4,600.
NOISE_RATIO_CHECKED = 4.25
#: Rounds before a run may stop (steps: first_round × 2**(MIN_ROUNDS − 1)).
MIN_ROUNDS = 3
#: A window has settled only if its chains also agree (Cochran's Q p-value at least this).
SETTLED_AGREEMENT = 0.01
#: The chains (at most) where each round measures the curvature that sets ε.
CURVATURE_CHAINS = 4


def _int_at_least(value: Any, name: str, minimum: int) -> int:
    return validate_positive_int(value, f"SGLD({name}=…)", minimum=minimum)


@dataclass(frozen=True, kw_only=True, repr=False)
class SGLD(Spec):
    """``sampler=slt.SGLD(…)`` of :func:`pymc_slt.learning_coefficient` (``method="local"``)
    and :func:`pymc_slt.wbic`: minibatch SGLD with its step size, length and point chosen
    and checked automatically (:mod:`pymc_slt.learning_coefficient.sgld`). Needs JAX
    (``pip install 'pymc-slt[jax]'``) and a likelihood that splits into observations.

    Parameters
    ----------
    chains : int, default 8
        Parallel chains, >= 2 (their spread enters the se).
    step_size : float, optional
        ε; default ``step_fraction`` / σ_max (the largest curvature of β n L_n at the point).
    step_fraction : float, default 0.02
        ε σ_max when ``step_size`` is None.
    precondition : bool, default True
        pSGLD: each round, a constant diagonal preconditioner g = 1/max(√V, 1) per chain from
        the second moment V of its minibatch gradients where it stands (RMSProp's, Li et al.
        2016), and σ_max that of the preconditioned Hessian there (module docstring,
        **Preconditioning**).
    batch_size : int, optional
        Observations per step; default ``min(n, 256)``.
    first_round : int, default 4000
        Steps of the first round; each further round doubles the total.
    max_steps : int, default 64000
        The most steps per chain (rounds stop there, with a warning if not settled).
    draws : int, default 100
        Positions per chain whose full-data energy is evaluated, in the window of the last
        round.
    optimizer_steps : int, default 2000
        Adam steps of the search for w* when no point is given.
    """

    name: ClassVar[str] = "sgld"
    chains: int = 8
    step_size: float | None = None
    step_fraction: float = 0.02
    precondition: bool = True
    batch_size: int | None = None
    first_round: int = 4000
    max_steps: int = 64_000
    draws: int = 100
    optimizer_steps: int = 2000

    def __post_init__(self) -> None:
        _int_at_least(self.chains, "chains", 2)
        for name in ("step_size", "step_fraction"):
            value = getattr(self, name)
            if value is not None:
                validate_positive_real(
                    value,
                    f"SGLD({name}=…)",
                    what="a number > 0",
                    hint="leave it None for the automatic choice",
                )
        if not isinstance(self.precondition, bool):
            raise TypeError(
                f"SGLD(precondition=…) must be True or False, got {self.precondition!r}."
            )
        if not self.step_fraction < 1:
            raise ValueError(
                f"SGLD(step_fraction=…) must be below 1 (SGLD is unstable near ε σ_max = 2; "
                f"0.02 is the default), got {self.step_fraction!r}."
            )
        if self.batch_size is not None:
            _int_at_least(self.batch_size, "batch_size", 1)
        first = _int_at_least(self.first_round, "first_round", 2)
        if _int_at_least(self.max_steps, "max_steps", 2) < first:
            raise ValueError(
                f"SGLD(max_steps=…) ({self.max_steps}) must be at least first_round ({first})."
            )
        if _int_at_least(self.draws, "draws", 4) * 2 > first:
            raise ValueError(
                f"SGLD(draws=…) ({self.draws}) must be at most first_round / 2 ({first // 2})."
            )
        _int_at_least(self.optimizer_steps, "optimizer_steps", 1)


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
    """

    steps: int
    settled: bool
    summary: tuple[float, float, float, float]
    trace: list[dict[str, float]]


def _point_theta(model, density, point) -> np.ndarray:
    """A point given by free-variable name (constrained scale) as θ (unconstrained, flat)."""
    return density.ravel(to_unconstrained(model, validate_point(model, point)))


def _constrained_point(model, density, theta: np.ndarray) -> dict[str, np.ndarray]:
    """θ (unconstrained, flat) as a point by free-variable name (constrained scale)."""
    values = _constrained_fn(model, density.layout)(np.asarray(theta)[None, None])
    return {rv.name: np.asarray(values[rv.name].values[0, 0]) for rv in model.free_RVs}


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
    spec: SGLD,
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
            return SGLDRounds(step, False, summary, trace)
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
    return SGLDRounds(step, settled, summary, trace)


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


def sgld_energy(
    model,
    *,
    beta: float,
    gamma: float,
    point,
    spec: SGLD,
    random_seed,
    progressbar: bool,
) -> tuple[float, float, dict[str, Any]]:
    """:math:`E_{β,γ}[n L_n]` by SGLD, its se and the run's
    diagnostics (module docstring), with the warnings about the run itself.

    ``point`` (constrained, by name) is θ*, the chains' start and the localization's centre;
    None finds a minimum of :math:`n L_n` first. ``gamma`` = 0 samples the tempered posterior
    itself (WBIC).
    """
    started = time.perf_counter()
    density = minibatch_log_density(model)
    n = density.n
    batch = default_batch(n) if spec.batch_size is None else spec.batch_size
    if batch > n:
        raise ValueError(f"SGLD(batch_size=…) must be at most n = {n}, got {batch}.")
    if noise_ratio(n, beta, batch) > NOISE_RATIO_CHECKED:
        warnings.warn(
            f"the minibatch noise ratio nβ/|B| = {noise_ratio(n, beta, batch):.3g} is above "
            f"{NOISE_RATIO_CHECKED}, the largest at which SGLD was checked against NUTS; the "
            "step's bias grows with it (+21 % on a logistic regression at 18). Remedy: "
            "sampler=slt.NUTS(), or compare with it on a subset. SGLD runs all the same.",
            UserWarning,
            stacklevel=5,
        )
    optimize_seed, sample_seed = spawn_seeds(random_seed, 2)
    energies_at = energy_function(density)
    if point is None:
        found = find_minimum(
            density, steps=spec.optimizer_steps, batch_size=min(n, 1024), seed=optimize_seed
        )
        center, e_star, optimizer = found.theta, found.energy, found.steps
    else:
        center = _point_theta(model, density, point)
        e_star, optimizer = float(energies_at(center[None])[0]), 0
    top = curvature_function(density, beta)
    sigma = top(center) + gamma
    sampler = SGLDChains(density, center, beta, gamma, batch)

    def settings_for(positions: np.ndarray, k: int) -> tuple[float, np.ndarray | None]:
        """ε and the preconditioners of round ``k`` (module docstring, **Step size** and
        **Preconditioning**)."""
        if not spec.precondition:
            eps = spec.step_fraction / sigma if spec.step_size is None else spec.step_size
            return eps, None
        scales = 1 / np.maximum(np.sqrt(sampler.second_moment(positions, sample_seed + k)), 1)
        if spec.step_size is not None:
            return spec.step_size, scales
        seen = [
            top(np.asarray(p), iterations=15, preconditioner=g) + gamma * float(g.max())
            for p, g in zip(positions[:CURVATURE_CHAINS], scales[:CURVATURE_CHAINS], strict=True)
        ]
        return spec.step_fraction / float(np.mean(seen)), scales

    rounds = sample_energies(
        sampler, energies_at, center, settings_for, spec, beta=beta, e_star=e_star,
        seed=sample_seed, progressbar=progressbar,
    )  # fmt: skip
    mean, se, agreement, ess = rounds.summary
    eps = rounds.trace[-1]["step_size"]  # of the last window
    diag = {
        "n": n,
        "sampler": "sgld",
        "d": density.d,
        "gamma": gamma,
        "point": _constrained_point(model, density, center),
        "point_energy": e_star,
        "optimizer_steps": optimizer,
        "step_size": eps,
        "preconditioned": spec.precondition,
        "curvature_at_point": sigma,
        "chain_agreement": agreement,
        "gradient_drop": gradient_norm(density, center, beta) ** 2 / (2 * sigma),
        "batch_size": batch,
        "noise_ratio": noise_ratio(n, beta, batch),
        "num_steps": rounds.steps,
        "settled": rounds.settled,
        "rounds": rounds.trace,
        "chains": spec.chains,
        "draws": spec.draws,
        "energy_se": np.array([se]),
        "energy_rhat": np.array([np.nan]),
        "energy_ess": np.array([ess]),
        "seconds": time.perf_counter() - started,
    }
    _warn_run(beta * (mean - e_star), diag, spec)
    return mean, se, diag


def _warn_run(estimate: float, diag: dict, spec: SGLD) -> None:
    """The warnings about the run (module docstring, **Failures**), each with its remedy;
    ``estimate`` is λ̂ (or its analogue β(E − n L_n(θ*)) for WBIC)."""
    eps = diag["step_size"]
    if not np.isfinite(estimate):
        warnings.warn(
            f"SGLD energies are not finite at step size {eps:.3g}: the chains diverged. "
            f"Remedy: a smaller step, sampler=slt.SGLD(step_fraction={spec.step_fraction / 4:g})."
            " The estimate is NaN.",
            UserWarning,
            stacklevel=6,
        )
        return
    problems = []
    if not diag["settled"]:
        problems.append(
            f"λ̂ had not settled after {diag['num_steps']} steps per chain (it moved by "
            f"{diag['rounds'][-1]['change']:.3g} between the last two windows)"
        )
    p = diag["chain_agreement"]
    if p < AGREEMENT_ALPHA:
        problems.append(f"the chains disagree (Cochran's Q p = {p:.2g})")
    warn_poor_mixing(
        problems,
        f"more steps (sampler=slt.SGLD(max_steps={2 * spec.max_steps})), a smaller step "
        f"(step_fraction={spec.step_fraction / 2:g}), or a larger gamma to hold the chains in "
        "one basin",
        what="The estimate and its diagnostics",
        stacklevel=6,
    )


def default_batch(n: int) -> int:
    """``SGLD(batch_size=None)``: min(n, 256) observations per step."""
    return min(n, 256)


def noise_ratio(n: int, beta: float, batch: int) -> float:
    """nβ/|B|: the minibatch gradient's variance over the curvature, near a minimum."""
    return n * beta / batch


def as_sgld(sampler: Any, loose: Iterable[str] = ()) -> SGLD | None:
    """``sampler`` as an SGLD value (``"sgld"`` → its defaults), or None if it names another.

    ``loose`` are the keyword arguments a function got beside it; the deprecated loose sampler
    settings (``draws``, ``tune``, …) among them are refused with SGLD, whose run is set in the
    value.
    """
    sgld = sampler if isinstance(sampler, SGLD) else None
    if isinstance(sampler, str) and sampler == "sgld":
        sgld = SGLD()
    given = sorted(set(loose) & set(LOOSE_SAMPLER))
    if sgld is not None and given:
        raise ValueError(
            f"{given} given beside sampler={sampler!r}; set the run's length in slt.SGLD(…) "
            "instead."
        )
    return sgld
