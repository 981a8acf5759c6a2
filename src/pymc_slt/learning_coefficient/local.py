"""The local learning coefficient λ̂(w*) (Lau et al. 2023), sampled with NUTS, not SGLD.

.. math::

    \\hat λ(w^*) = nβ\\left(E_{β,γ}[L_n(w)] - L_n(w^*)\\right),\\qquad
    p_{β,γ}(w) ∝ φ(w)\\, e^{-nβ L_n(w) - γ\\lVert w - w^*\\rVert^2/2},

the localized posterior of :func:`pymc_slt.models.localization.localize`. The pilot (β = 1,
γ = 0) that picks the default w* and the localized run share one nutpie compilation.
"""

from __future__ import annotations

from pymc_slt._validate import spawn_seeds
from pymc_slt.learning_coefficient.checks import (
    DEFAULT_NUTS,
    energy_stats,
    quiet_sampling,
    sampling_diagnostics,
    warn_mixing,
)
from pymc_slt.learning_coefficient.result import LambdaJob, LearningCoefficientResult
from pymc_slt.models.localization import localization_data, localize, validate_point
from pymc_slt.sampling.points import best_draw, point_energy
from pymc_slt.sampling.samplers import loose_settings
from pymc_slt.sampling.tempered import CompiledTempered

__all__ = [
    "RETRY_DIVERGENT_FRACTION",
    "RETRY_TARGET_ACCEPT",
    "local_estimate",
    "pilot_length",
    "run_local",
]

#: ``"local"`` with NUTS: if more than this fraction of the localized run's draws diverged (and
#: the user did not set ``target_accept``), the run is repeated once at ``RETRY_TARGET_ACCEPT``.
#: Divergences mark regions near the singular set that NUTS failed to enter, which biases λ̂.
RETRY_DIVERGENT_FRACTION = 0.005
RETRY_TARGET_ACCEPT = 0.99


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


def local_estimate(
    model, arr, point, gamma, random_seed, run, n, *, retry: bool
) -> LearningCoefficientResult:
    """λ̂(w*) = β (E_{β,γ}[n L_n] − n L_n(w*)) under the localized tempered posterior.

    The pilot (β = 1, γ = 0) and the localized run share one compiled model: γ and w* are
    ``pm.Data`` of the :func:`localize` copy.
    """
    pilot_seed, local_seed = spawn_seeds(random_seed, 2)
    center = None if point is None else validate_point(model, point)
    compiled = CompiledTempered(localize(model, center), run["sampler"])
    settings = {k: run[k] for k in ("draws", "tune", "chains", "sampler_kwargs")}
    settings["progressbar"] = run["progressbar"]
    if center is None:
        short = {**settings, **pilot_length(run["draws"], run["tune"])}
        pilot = quiet_sampling(
            compiled.sample, 1.0, seed=pilot_seed, data=localization_data({}, 0.0), **short
        )
        center, e_star = best_draw(pilot, model)
    else:
        e_star = point_energy(model, center)
    beta = float(arr[0])
    local_data = localization_data(center, gamma)
    data = quiet_sampling(compiled.sample, beta, seed=local_seed, data=local_data, **settings)
    retried = retry and _divergent_fraction(data) > RETRY_DIVERGENT_FRACTION
    if retried:
        settings["sampler_kwargs"] = {
            **settings["sampler_kwargs"],
            "target_accept": RETRY_TARGET_ACCEPT,
        }
        data = quiet_sampling(compiled.sample, beta, seed=local_seed, data=local_data, **settings)
    stats = energy_stats([data])
    estimate = beta * (stats["mean"][0] - e_star)
    se = beta * stats["se"][0]
    diag = {
        "n": n,
        **sampling_diagnostics([data], stats, run["sampler"]),
        "gamma": gamma,
        "point": center,
        "point_energy": e_star,
        "target_accept": settings["sampler_kwargs"].get("target_accept")
        if run["sampler"] == "nuts"
        else None,
        "retried": bool(retried),
    }
    warn_mixing(arr, diag, stacklevel=5)
    return LearningCoefficientResult(float(estimate), float(se), "local", arr, stats["mean"], diag)


def run_local(job: LambdaJob) -> tuple[LearningCoefficientResult, None]:
    """``method="local"``: λ̂(w*) at ``job.betas[0]``, w* = ``job.point`` or the pilot's best
    draw. Unless the sampler value sets ``target_accept``, NUTS runs at
    :data:`~pymc_slt.learning_coefficient.checks.DEFAULT_NUTS` and retries once at
    :data:`RETRY_TARGET_ACCEPT` when too many draws diverged. Returns the result and no rungs
    (its best draw is its point)."""
    spec = job.sampler
    run = {
        **loose_settings(spec, DEFAULT_NUTS["target_accept"]),
        "progressbar": job.progressbar,
    }
    retry = spec.name == "nuts" and spec.target_accept is None
    result = local_estimate(
        job.model, job.betas, job.point, job.gamma, job.random_seed, run, job.n, retry=retry
    )
    return result, None
