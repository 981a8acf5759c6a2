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
(:meth:`~pymc_slt.sampling.landscape.Curvature.top`). Against NUTS on the same localized
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
:data:`~pymc_slt.sampling.sgld_rounds.MIN_ROUNDS` rounds, when two successive windows agree
(the mean over chains of the change of a chain's mean energy is below 2 se, the spread of those
changes, or below 2 % of λ̂) and the chains of the last window agree with each other
(Cochran's Q p ≥ :data:`~pymc_slt.sampling.sgld_rounds.SETTLED_AGREEMENT`): a window test
alone stopped runs whose chains were still spread
along slow directions, 5 % low against NUTS.

**Bias of the step and the noise.** In a quadratic basin of Hessian H, SGLD with gradient
noise of covariance C is stationary at a covariance that exceeds :math:`H^{-1}` (Vollmer et al.
2016); to first order its mean energy exceeds the target's by :math:`ε\\,\\mathrm{tr}(H + C)/4`
(:func:`~pymc_slt.sampling.sgld_rounds.step_bias`, measured where the chains end and reported
as ``diagnostics["step_bias"]``). Against NUTS and across batch sizes this is exact on a
regular logistic regression (d = 5, n = 5·10⁴: λ̂ − bias 2.60 and 2.61 at noise ratios 18
and 4.3, against λ = 2.5 and NUTS 2.47) and on reduced rank 5→5→5 (n = 10⁴: 10.34, 10.44,
10.35, 10.19 at ratios 34, 17, 4.2 and 1.1, where λ̂ itself ran from 11.93 to 10.28), but
two to four times too large on a deep linear network of 512 weights, whose λ̂ barely moved
(31.7 to 32.2 between ratios 1.1 and 17). It is therefore reported, and warned about above
:data:`STEP_BIAS_SHARE` of λ̂ and 2 se, not subtracted. The default batch (256 rows, or
nβ/:data:`NOISE_RATIO_CHECKED` where larger) keeps it at a few per cent.

**Standard error.** The larger of the se from the ESS of the mean
(:func:`pymc_slt.base.energy.energy_mean`, arviz-stats: autocorrelation within chains) and the
spread of the chain means over √chains (slow directions that differ between chains but that
no window crosses), combined in quadrature with the change of the mean between the last two
windows (``diagnostics["drift"]``, in units of λ̂): what all chains still drift together,
which neither of the first two can see. On the deep linear network of 4,800 weights the
default run stopped at 565.9 with a Monte-Carlo se of 3.1 and a last change of −8.4; four
times as many steps gave 576.3 (λ = 584). The spread of one run is not used.

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
from pymc_slt._validate import spawn_seeds, validate_positive_int, validate_positive_real
from pymc_slt.base.spec import Spec
from pymc_slt.models.localization import validate_point
from pymc_slt.models.transforms import to_unconstrained
from pymc_slt.sampling.diagnostics import warn_poor_mixing
from pymc_slt.sampling.hmc_smc import _constrained_fn
from pymc_slt.sampling.landscape import Curvature, energy_function, find_minimum, gradient_norm
from pymc_slt.sampling.minibatch import minibatch_log_density
from pymc_slt.sampling.sgld_rounds import CURVATURE_CHAINS, sample_energies, step_bias
from pymc_slt.sampling.sgmcmc import SGLDChains

__all__ = ["NOISE_RATIO_CHECKED", "SGLD", "as_sgld", "noise_ratio", "sgld_energy"]

#: Cochran's Q p-value below which the chains are said to disagree.
AGREEMENT_ALPHA = 1e-3
#: The largest minibatch noise ratio nβ/|B| at which SGLD was checked against NUTS (reduced
#: rank and deep linear networks at n = 10⁴, batch 256: 4.24, within a few per cent). Near a
#: minimum the minibatch gradient's variance is about nβ/|B| times the curvature, and the
#: step's bias grows with it: a logistic regression at n = 5·10⁴ (ratio 18) came out +21 %
#: against NUTS, +10 % and +6.5 % with batches of 1,083 and 4,600. The default batch grows
#: with nβ to stay at or below it (:func:`default_batch`).
NOISE_RATIO_CHECKED = 4.25
#: The default batch when nβ is small enough: rows per step.
BATCH_ROWS = 256
#: :func:`step_bias` above this share of |λ̂| (and above 2 se) is warned about.
STEP_BIAS_SHARE = 0.05


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
        Observations per step; default 256, or nβ/4.25 where that is larger (at most n;
        :func:`~pymc_slt.sampling.sgld.default_batch`), which holds the minibatch noise in the
        range SGLD was checked in.
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


def _point_theta(model, density, point) -> np.ndarray:
    """A point given by free-variable name (constrained scale) as θ (unconstrained, flat)."""
    return density.ravel(to_unconstrained(model, validate_point(model, point)))


def _constrained_point(model, density, theta: np.ndarray) -> dict[str, np.ndarray]:
    """θ (unconstrained, flat) as a point by free-variable name (constrained scale)."""
    values = _constrained_fn(model, density.layout)(np.asarray(theta)[None, None])
    return {rv.name: np.asarray(values[rv.name].values[0, 0]) for rv in model.free_RVs}


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
    batch = default_batch(n, beta) if spec.batch_size is None else spec.batch_size
    if batch > n:
        raise ValueError(f"SGLD(batch_size=…) must be at most n = {n}, got {batch}.")
    if noise_ratio(n, beta, batch) > NOISE_RATIO_CHECKED:
        warnings.warn(
            f"the minibatch noise ratio nβ/|B| = {noise_ratio(n, beta, batch):.3g} is above "
            f"{NOISE_RATIO_CHECKED}, the largest at which SGLD was checked against NUTS; the "
            "step's bias grows with it (+21 % on a logistic regression at 18). Remedy: "
            f"the default batch_size (here {default_batch(n, beta)}), sampler=slt.NUTS(), or "
            "compare with it on a subset. SGLD runs all the same.",
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
    curvature = Curvature(density, beta)
    sigma = curvature.top(center) + gamma
    sampler = SGLDChains(density, center, beta, gamma, batch)

    def settings_for(positions: np.ndarray, k: int) -> tuple[float, np.ndarray | None]:
        """ε and the preconditioners of round ``k`` (module docstring, **Step size** and
        **Preconditioning**)."""
        if not spec.precondition:
            eps = spec.step_fraction / sigma if spec.step_size is None else spec.step_size
            return eps, None
        _, square = sampler.gradient_moments(positions, sample_seed + k)
        scales = 1 / np.maximum(np.sqrt(square), 1)
        if spec.step_size is not None:
            return spec.step_size, scales
        seen = [
            curvature.top(np.asarray(p), iterations=15, preconditioner=g) + gamma * float(g.max())
            for p, g in zip(positions[:CURVATURE_CHAINS], scales[:CURVATURE_CHAINS], strict=True)
        ]
        return spec.step_fraction / float(np.mean(seen)), scales

    rounds = sample_energies(
        sampler, energies_at, center, settings_for, spec, beta=beta, e_star=e_star,
        seed=sample_seed, progressbar=progressbar,
    )  # fmt: skip
    mean, se_chains, agreement, ess = rounds.summary
    drift = rounds.trace[-1]["change"]  # λ̂'s change between the last two windows
    se = float(np.hypot(se_chains, drift / beta if np.isfinite(drift) else 0.0))
    eps = rounds.trace[-1]["step_size"]  # of the last window
    bias = step_bias(sampler, curvature, rounds, gamma, seed=sample_seed)
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
        "step_bias": bias,
        "num_steps": rounds.steps,
        "settled": rounds.settled,
        "rounds": rounds.trace,
        "chains": spec.chains,
        "draws": spec.draws,
        "drift": drift,
        "energy_se": np.array([se]),
        "energy_rhat": np.array([np.nan]),
        "energy_ess": np.array([ess]),
        "seconds": time.perf_counter() - started,
    }
    _warn_run(beta * (mean - e_star), beta * se, diag, spec)
    return mean, se, diag


def _warn_run(estimate: float, se: float, diag: dict, spec: SGLD) -> None:
    """The warnings about the run (module docstring, **Failures**), each with its remedy;
    ``estimate`` is λ̂ (or its analogue β(E − n L_n(θ*)) for WBIC), ``se`` its se."""
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
            f"{diag['drift']:.3g} between the last two windows)"
        )
    p = diag["chain_agreement"]
    if p < AGREEMENT_ALPHA:
        problems.append(f"the chains disagree (Cochran's Q p = {p:.2g})")
    _warn_step_bias(estimate, se, diag, spec)
    warn_poor_mixing(
        problems,
        f"more steps (sampler=slt.SGLD(max_steps={2 * spec.max_steps})), a smaller step "
        f"(step_fraction={spec.step_fraction / 2:g}), or a larger gamma to hold the chains in "
        "one basin",
        what="The estimate and its diagnostics",
        stacklevel=6,
    )


def _warn_step_bias(estimate: float, se: float, diag: dict, spec: SGLD) -> None:
    """Warn when the first-order bias of the step and the minibatch noise
    (:func:`~pymc_slt.sampling.sgld_rounds.step_bias`) exceeds :data:`STEP_BIAS_SHARE` of
    |λ̂| and 2 se, with the remedy for its larger part."""
    bias, step, noise = (diag["step_bias"][k] for k in ("bias", "step", "noise"))
    if not bias > max(2 * se, STEP_BIAS_SHARE * abs(estimate)):
        return
    if noise >= step:
        batch = min(diag["n"], 4 * diag["batch_size"])
        remedy = f"a larger batch (sampler=slt.SGLD(batch_size={batch})) for the noise part"
    else:
        remedy = f"a smaller step (step_fraction={spec.step_fraction / 4:g}) for the step part"
    warnings.warn(
        f"SGLD's step and minibatch noise may bias λ̂ = β(E[n L_n] − n L_n(w*)) = "
        f"{estimate:.3g} up by as much as {bias:.3g} (a WBIC by that over β; the first-order "
        f"estimate ε(tr H + tr C)/4: {step:.3g} from the step, "
        f"{noise:.3g} from the noise; exact for a regular model, an overestimate in a "
        f"network's higher-order directions). Remedy: {remedy}. The estimate is returned "
        "as measured (diagnostics['step_bias']).",
        UserWarning,
        stacklevel=7,
    )


def default_batch(n: int, beta: float) -> int:
    """``SGLD(batch_size=None)``: :data:`BATCH_ROWS` observations per step, or more where nβ is
    large, so that the noise ratio nβ/|B| stays at most :data:`NOISE_RATIO_CHECKED`; at most
    n. At β = 1/log n the batch grows from n ≈ 1.1·10⁴ on (n = 10⁵: 2,044 rows)."""
    return min(n, max(BATCH_ROWS, int(np.ceil(n * beta / NOISE_RATIO_CHECKED))))


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
