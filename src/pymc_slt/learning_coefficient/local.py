"""The local learning coefficient λ̂(w*) (Lau et al. 2023), sampled with NUTS, not SGLD.

.. math::

    \\hat λ(w^*) = nβ\\left(E_{β,γ}[L_n(w)] - L_n(w^*)\\right),\\qquad
    p_{β,γ}(w) ∝ φ(w)\\, e^{-nβ L_n(w) - γ\\lVert w - w^*\\rVert^2/2},

the localized posterior of :func:`pymc_slt.models.localization.localize`. The pilot (β = 1,
γ = 0) that picks the default w* and the localized run share one nutpie compilation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import partial
from typing import Any, ClassVar

from pymc_slt._validate import spawn_seeds, validate_beta, validate_positive_real
from pymc_slt.base.spec import Spec, named_check
from pymc_slt.learning_coefficient.checks import (
    DEFAULT_NUTS,
    energy_stats,
    quiet_sampling,
    sampling_diagnostics,
    warn_mixing,
)
from pymc_slt.learning_coefficient.result import LambdaJob, LearningCoefficientResult
from pymc_slt.learning_coefficient.sgld import run_sgld_local
from pymc_slt.models.localization import localization_data, localize, validate_point
from pymc_slt.sampling.points import best_draw, point_energy
from pymc_slt.sampling.samplers import NUTS, SamplerSpec
from pymc_slt.sampling.sgld import SGLD
from pymc_slt.sampling.tempered import CompiledTempered

__all__ = [
    "RETRY_DIVERGENT_FRACTION",
    "RETRY_TARGET_ACCEPT",
    "LocalLambda",
    "local_estimate",
    "pilot_length",
    "run_local",
]

#: ``"local"`` with NUTS: if more than this fraction of the localized run's draws diverged (and
#: the user did not set ``target_accept``), the run is repeated once at ``RETRY_TARGET_ACCEPT``.
#: Divergences mark regions near the singular set that NUTS failed to enter, which biases λ̂.
RETRY_DIVERGENT_FRACTION = 0.005
RETRY_TARGET_ACCEPT = 0.99


@dataclass(frozen=True, kw_only=True, repr=False)
class LocalLambda(Spec):
    """``method=slt.LocalLambda(…)`` of :func:`pymc_slt.learning_coefficient` (the default):
    the local learning coefficient λ̂(w*) at one β, ``method="local"`` with its defaults.

    Parameters
    ----------
    beta : float, optional
        The inverse temperature, finite and > 0; default :math:`1/\\log n`
        (:func:`pymc_slt.base.fit.default_betas`).
    point : dict, optional
        The point :math:`w^*`, one value per free variable (constrained scale, the model's own
        parametrization), e.g. ``{"w": np.zeros(3)}``. Default: the draw of lowest
        :math:`n L_n` from the ordinary posterior (β = 1), from a short pilot
        (:func:`pilot_length`) on the same compiled model, or from ``data``.
    gamma : float, default 0.01
        Strength γ > 0 of the localization :math:`-γ/2 \\lVert w - w^*\\rVert^2`: weaker
        than any usual prior, so λ̂ is that of the whole tempered posterior measured from w*;
        raise it (and pass ``point``) to study one basin (the choice is discussed in
        :func:`pymc_slt.learning_coefficient`, Notes).
    """

    name: ClassVar[str] = "local"
    beta: float | None = None
    point: Mapping[str, Any] | None = None
    gamma: float = 0.01

    def __post_init__(self) -> None:
        if self.beta is not None:
            object.__setattr__(self, "beta", named_check("LocalLambda", validate_beta, self.beta))
        if self.point is not None and not isinstance(self.point, Mapping):
            raise TypeError(
                "LocalLambda(point=…) must be a dict of free-variable name -> value, got "
                f"{type(self.point).__name__}."
            )
        object.__setattr__(
            self,
            "gamma",
            validate_positive_real(
                self.gamma,
                "LocalLambda(gamma=…)",
                what="a real number > 0",
                hint="the default 0.01 localizes weakly, larger values confine the draws closer "
                "to the point",
            ),
        )


def _divergent_fraction(data) -> float:
    """Divergent transitions per kept draw of one run."""
    post = data["posterior"]
    return data.attrs.get("n_divergences", 0) / (post.sizes["chain"] * post.sizes["draw"])


def pilot_length(draws: int, tune: int) -> dict[str, int]:
    """Draws and tuning steps of the β = 1 pilot that picks the default w*.

    The pilot only has to find one low-energy draw, so it runs a quarter of ``draws`` (at
    least 100, or all of them if fewer) after half of ``tune`` (at least 200, or all of them
    if fewer): 37.5 % of a full run. The minimum of
    :math:`n L_n` over fewer draws is higher by a fraction of a nat, which moves λ̂ by β times
    that (about 0.01 for reduced rank (4, 3, 2, 1) at n = 1000, 0.3 %).
    """
    return {"draws": max(draws // 4, min(draws, 100)), "tune": max(tune // 2, min(tune, 200))}


def local_estimate(job: LambdaJob, spec: SamplerSpec, *, retry: bool) -> LearningCoefficientResult:
    """λ̂(w*) = β (E_{β,γ}[n L_n] − n L_n(w*)) under the localized tempered posterior, sampled
    with ``spec`` (retried once at :data:`RETRY_TARGET_ACCEPT` if ``retry`` and too many draws
    diverged).

    The pilot (β = 1, γ = 0) and the localized run share one compiled model: γ and w* are
    ``pm.Data`` of the :func:`localize` copy.
    """
    model, gamma = job.model, job.gamma
    pilot_seed, local_seed = spawn_seeds(job.random_seed, 2)
    center = None if job.point is None else validate_point(model, job.point)
    compiled = CompiledTempered(localize(model, center), spec.name)
    # only n L_n per draw is needed: never the chains × draws × n pointwise array
    sample = partial(quiet_sampling, compiled.sample, progressbar=job.progressbar, pointwise=False)
    if center is None:
        short = pilot_length(spec.draws, spec.tune)
        pilot = replace(spec, **(short if isinstance(spec, NUTS) else {"draws": short["draws"]}))
        pilot_run = sample(1.0, pilot, seed=pilot_seed, data=localization_data({}, 0.0))
        center, e_star = best_draw(pilot_run, model)
    else:
        e_star = point_energy(model, center)
    beta = float(job.betas[0])
    local_data = localization_data(center, gamma)
    data = sample(beta, spec, seed=local_seed, data=local_data)
    retried = retry and _divergent_fraction(data) > RETRY_DIVERGENT_FRACTION
    if retried:
        spec = replace(spec, target_accept=RETRY_TARGET_ACCEPT)
        data = sample(beta, spec, seed=local_seed, data=local_data)
    stats = energy_stats([data])
    estimate = beta * (stats["mean"][0] - e_star)
    se = beta * stats["se"][0]
    diag = {
        "n": job.n,
        **sampling_diagnostics([data], stats, spec.name),
        "gamma": gamma,
        "point": center,
        "point_energy": e_star,
        "target_accept": spec.target_accept if isinstance(spec, NUTS) else None,
        "retried": bool(retried),
    }
    warn_mixing(job.betas, diag, stacklevel=5)
    return LearningCoefficientResult(
        float(estimate), float(se), "local", job.betas, stats["mean"], diag
    )


def run_local(job: LambdaJob) -> tuple[LearningCoefficientResult, None]:
    """``method="local"``: λ̂(w*) at ``job.betas[0]``, w* = ``job.point`` or the pilot's best
    draw. With ``slt.SGLD`` it is :func:`~.sgld.run_sgld_local`. Unless the sampler value sets
    ``target_accept``, NUTS runs at
    :data:`~pymc_slt.learning_coefficient.checks.DEFAULT_NUTS` and retries once at
    :data:`RETRY_TARGET_ACCEPT` when too many draws diverged. Returns the result and no rungs
    (its best draw is its point)."""
    spec = job.sampler
    if isinstance(spec, SGLD):
        return run_sgld_local(job)
    retry = isinstance(spec, NUTS) and spec.target_accept is None
    if retry:
        spec = replace(spec, target_accept=DEFAULT_NUTS["target_accept"])
    return local_estimate(job, spec, retry=retry), None
