"""The learning coefficient λ (real log canonical threshold) of a PyMC model, from tempered draws.

Three estimators, all built on the tempered posterior :math:`p_β(w) ∝ φ(w)\\exp(-β n L_n(w))`
and the expansion (Watanabe 2013; theory page of the documentation, docs/theory.md)

.. math::

    E_β[n L_n(w)] = n L_n(w_0) + \\frac{λ}{β} + O_p\\big(\\sqrt{λ/β}\\big):

``"local"`` (default)
    The local learning coefficient of Lau et al. (2023) at a point :math:`w^*`,
    :math:`\\hat λ(w^*) = nβ(E_{β,γ}[L_n] - L_n(w^*))`, sampled with NUTS (not SGLD) under the
    localized posterior of :mod:`pymc_slt.learning_coefficient.local`.
``"ladder"``
    Weighted least-squares slope of :math:`E_β[n L_n]` against :math:`1/β` over a few β from
    :math:`1/\\log n` up (one :func:`~pymc_slt.sampling.tempered.sample_ladder` call).
``"two_temperature"``
    Watanabe's two-point difference at :math:`β_{1,2} = (1/\\log n)(1 \\pm 1/\\sqrt{2\\log n})`.

The arithmetic lives in :mod:`pymc_slt.base.fit`.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import replace
from operator import itemgetter
from typing import Any, Literal

import numpy as np
import pymc as pm
import xarray as xr

from pymc_slt._deprecated import LOOSE_SAMPLER
from pymc_slt._validate import (
    validate_betas,
    validate_model,
)
from pymc_slt.base.draws import as_draws, draws_beta
from pymc_slt.base.fit import default_betas
from pymc_slt.base.spec import named_with_old_options
from pymc_slt.learning_coefficient.choice import choose_local_sampler
from pymc_slt.learning_coefficient.local import LocalLambda
from pymc_slt.learning_coefficient.methods import LambdaOptions, estimator_entry
from pymc_slt.learning_coefficient.result import (
    LambdaJob,
    LearningCoefficientResult,
    ladder_dataset,
)
from pymc_slt.learning_coefficient.slope import ladder_children
from pymc_slt.sampling.diagnostics import MULTIMODAL_SAMPLER
from pymc_slt.sampling.points import best_draw, prior_tail
from pymc_slt.sampling.samplers import SamplerSpec, resolve_sampler
from pymc_slt.sampling.sgld import as_sgld
from pymc_slt.sampling.tempered import n_observations, n_parameters

__all__ = ["LearningCoefficientResult", "ladder_dataset", "learning_coefficient"]

Method = Literal["local", "ladder", "two_temperature"]

#: A best fit whose prior density is below that of all but this share of prior draws lies in the
#: prior's far tail (see :func:`_check_bound`).
PRIOR_TAIL = 0.01


def _method_betas(options: LambdaOptions, n: int) -> np.ndarray:
    """The ascending inverse temperatures of ``options`` (its defaults for ``n``)."""
    given = options.beta if isinstance(options, LocalLambda) else options.betas
    if given is None:
        return default_betas(n, options.name)
    return np.atleast_1d(np.asarray(given, dtype=float))


#: The estimator options :func:`learning_coefficient` took as its own arguments until method
#: values, and where they went.
_DEPRECATED = {
    "betas": "method=slt.LocalLambda(beta=…), slt.LadderSlope(betas=…) or "
    "slt.TwoTemperature(betas=…)",
    "point": "method=slt.LocalLambda(point=…)",
    "gamma": "method=slt.LocalLambda(gamma=…)",
}


def _with_old_options(method: Any, old: dict[str, Any]) -> Any:
    """``method`` with the deprecated ``betas``/``point``/``gamma`` put into its options value;
    a ``ValueError`` for one the estimator does not take."""
    if not old:
        return method
    entry, options = named_with_old_options(method, old, estimator_entry)
    for name in ("point", "gamma"):
        if name in old and not isinstance(options, LocalLambda):
            raise ValueError(f"{name} is only used by method='local', not method={method!r}.")
    if "betas" in old and isinstance(options, LocalLambda):
        betas = old.pop("betas")
        if np.ndim(betas) == 0 and not isinstance(betas, str | bytes):
            betas = [betas]
        arr = validate_betas(betas)
        if arr.size != 1:
            raise ValueError(
                f"betas for method='local' must hold exactly 1 value(s), got {arr.tolist()}; "
                "betas=None picks them from n."
            )
        old["beta"] = float(arr[0])
    return entry.options(**old)


def learning_coefficient(
    model: pm.Model,
    *,
    method: Method | LambdaOptions = "local",
    data: xr.DataTree | None = None,
    sampler: str | SamplerSpec | None = None,
    random_seed: int | np.random.Generator | None = None,
    progressbar: bool = True,
    **deprecated: Any,
) -> LearningCoefficientResult:
    """Estimate the learning coefficient λ (RLCT) of ``model`` from tempered posterior draws.

    Parameters
    ----------
    model : pymc.Model or bambi.Model
        Any PyMC model with observed data (not modified). Only its graph and data are used.
    method : str or options value, default "local"
        A name (that estimator with its defaults) or a value holding its options (the registry
        :data:`pymc_slt.learning_coefficient.methods.ESTIMATORS`):

        * ``"local"`` or ``slt.LocalLambda(beta=None, point=None, gamma=0.01)``:
          :math:`\\hat λ = β(E_{β,γ}[n L_n] - n L_n(w^*))` at one β, by default
          :math:`1/\\log n` (the most accurate of the three in our benchmark, see Notes). Its
          ``point`` w* is one value per free variable (constrained scale, the model's own
          parametrization), e.g. ``{"w": np.zeros(3)}``; by default the draw of lowest
          :math:`n L_n` from the ordinary posterior (β = 1), sampled first by a short pilot (the
          sampler's chains, a quarter of its draws after half its tuning steps) from the same
          compiled model as the localized run. ``gamma`` > 0 is the strength of the
          localization :math:`-γ/2 \\lVert w - w^*\\rVert^2`.
        * ``"ladder"`` or ``slt.LadderSlope(betas=None)``: slope of :math:`E_β[n L_n]` against
          :math:`1/β` over two or more β, by default four geometrically spaced over
          :math:`[1/\\log n, 4/\\log n]` (one compiled model).
        * ``"two_temperature"`` or ``slt.TwoTemperature(betas=None)``: Watanabe's two-point
          slope, by default at :math:`β_{1,2} = (1/\\log n)(1 \\mp 1/\\sqrt{2\\log n})`.
    data : xarray.DataTree or arviz.InferenceData, optional
        Draws to reuse instead of sampling them here. For ``"ladder"`` and
        ``"two_temperature"``: a :func:`pymc_slt.sample_ladder` result (its rungs give the
        β; the value's ``betas`` must then be None). For ``"local"``: draws of the ordinary
        posterior (β = 1, e.g. :func:`pymc_slt.sample_tempered`, or a ``pm.sample`` result
        after ``pm.compute_log_likelihood(idata, model=model)``), whose lowest-:math:`n L_n`
        draw becomes :math:`w^*` instead of running the pilot (``point`` must then be None).
    sampler : NUTS, SMC, HMCSMC, SGLD or {"nuts", "smc", "hmc_smc", "sgld"}, optional
        What samples each β (:mod:`pymc_slt.sampling.samplers`). Default NUTS, except for
        ``"local"`` on a model with n·d above 200,000
        (:data:`~pymc_slt.learning_coefficient.choice.SGLD_SIZE`), where full-data NUTS takes
        from ten minutes to hours: there ``slt.SGLD()``, minibatch SGLD that chooses its step
        size, length and point itself and checks them (:mod:`pymc_slt.sampling.sgld`; needs
        JAX and a likelihood that splits into observations, else NUTS with a warning). Its
        batch grows with nβ to hold the minibatch noise ratio :math:`nβ/|B|` in the range it
        was checked in; where it would have to grow, a model of at most 20 parameters or of
        n·d at most 2·10⁶ keeps NUTS (:mod:`pymc_slt.learning_coefficient.choice`).
        ``diagnostics["sampler_choice"]`` says which ran and why. ``slt.SGLD`` serves
        ``"local"`` only. NUTS's ``target_accept`` defaults to 0.9 here
        (:data:`~pymc_slt.learning_coefficient.checks.DEFAULT_NUTS`, see Notes on mixing);
        setting it yourself
        (``slt.NUTS(target_accept=…)``) turns off the ``"local"`` retry at 0.99.
        :class:`~pymc_slt.SMC` and :class:`~pymc_slt.HMCSMC` move between separated modes
        (slower; see Notes on mixing); HMCSMC (BlackJAX tempered SMC with HMC moves) scales to
        neural networks and samples a whole ladder in one pass.
    random_seed : int or numpy.random.Generator, optional
        Same seed, same estimate.
    progressbar : bool, default True
        Show sampling progress.
    **deprecated
        Until 0.3.0, with a ``DeprecationWarning``: ``betas``, ``point``, ``gamma`` (now in the
        method value), and ``draws``, ``tune``, ``chains``, ``sampler_kwargs`` (the sampler's
        settings in loose form beside a sampler name, see :func:`pymc_slt.sample_tempered`).

    Returns
    -------
    LearningCoefficientResult
        ``estimate``, ``se``, ``method``, ``betas``, ``energies`` and ``diagnostics`` (see
        :class:`LearningCoefficientResult`).

    Raises
    ------
    TypeError
        ``model`` is not a ``pm.Model``, ``gamma`` or ``betas`` is not numeric, ``point`` is not
        a dict.
    ValueError
        Unknown ``method`` (the message lists the valid ones); ``betas`` not finite and > 0,
        repeated, or of the wrong count for ``method``; ``gamma`` not finite and > 0; ``point``
        missing a free variable, naming an unknown one, of the wrong shape, not finite or
        outside the support, or given with a method other than ``"local"``; fewer than 3
        observations; a model with no observed variable.

    Warns
    -----
    UserWarning
        If :math:`n L_n` mixed poorly at some β (r̂ > 1.01 or bulk ESS < 100 per chain) or
        there were divergences; the estimate is returned all the same. Poor r̂ of individual
        parameters is *not* reported: non-identified parameters of singular models never mix,
        and λ̂ depends only on :math:`n L_n`. Also if λ̂ exceeds d/2 by more than 2 se, which no
        model allows (λ ≤ d/2), with the likely causes; it then stores
        ``diagnostics["prior_tail"]`` (:func:`pymc_slt.sampling.prior_tail` of the best draw)
        and, below 1 %, says the best fit lies in the prior's far tail.

    Notes
    -----
    **Estimators.** With :math:`n L_n(w) = -\\sum_i \\log p(y_i \\mid x_i, w)` and
    :math:`E_β` the tempered posterior mean (docs/theory.md),

    .. math::

        E_β[n L_n] = n L_n(w_0) + \\frac{λ}{β} + O_p\\big(\\sqrt{λ/β}\\big).

    ``"ladder"`` fits :math:`E_β[n L_n] = a + λ/β` by weighted least squares with weights
    :math:`1/\\mathrm{se}_β^2`, where :math:`\\mathrm{se}_β` is the Monte-Carlo error of
    :math:`E_β[n L_n]` from its effective sample size; the slope's se is inflated by
    :math:`\\sqrt{χ^2/(k-2)}` when the rungs scatter more than that. ``"two_temperature"`` is
    the same with two rungs, :math:`\\hat λ = (E_{β_1} - E_{β_2})/(1/β_1 - 1/β_2)` (Watanabe
    2013). ``"local"`` samples

    .. math::

        p_{β,γ}(w) ∝ φ(w) \\exp\\big(-nβ L_n(w) - \\tfrac{γ}{2}\\lVert w - w^*\\rVert^2\\big),
        \\qquad \\hat λ(w^*) = nβ\\big(E_{β,γ}[L_n(w)] - L_n(w^*)\\big)

    (Lau et al. 2023) with NUTS. Unlike devinterp we keep the prior φ: it is part of the
    user's model, keeps the target proper as γ → 0, and enters λ̂ only at O(1/log n).
    The localization acts on the constrained (model) scale, where ``point`` is given. Its se
    is β times the Monte-Carlo error of the energy (``point`` is held fixed).

    **Choice of γ.** The localization adds γ to the curvature of every direction. In a
    regular direction of curvature :math:`nβ I` it shrinks that direction's ½ by the factor
    :math:`nβI/(nβI + γ)`; in a singular (flat) direction it acts as a prior of width
    :math:`1/\\sqrt{γ}` and lowers λ̂ much more (the log terms below). A large γ confines the
    draws to the basin of :math:`w^*` but biases λ̂ down, far down at devinterp's γ = 100
    (measured in docs/benchmarks.md, section ``lambda_settings.py``). The default γ = 0.01 is
    weaker than any usual prior, so λ̂ is effectively that of the whole tempered posterior
    measured from :math:`w^*`; raise γ (and pass ``point``) to study one basin of a
    multimodal model.

    **Finite-n bias.** From the asymptotic expansion of the partition function
    :math:`Z(β) = \\int φ(w) e^{-nβ L_n(w)} dw`,

    .. math::

        \\log Z(β) = -β\\, n L_n(w_0) - λ \\log(nβ) + (m - 1)\\log Λ + O(1),
        \\qquad Λ = \\log(nβ) + c,

    where m is the multiplicity and c a constant set by the prior and the geometry at the
    singularity, so :math:`E_β[n L_n] = -\\partial_β \\log Z`
    :math:`= n L_n(w_0) + [λ - (m-1)/Λ]/β`. Then the slope estimators (``ladder``,
    ``two_temperature``) converge to :math:`λ - (m-1)(1/Λ + 1/Λ^2)` and ``local`` to
    :math:`λ - (m-1)/Λ + β(n L_n(w_0) - n L_n(w^*))`, whose last term (≥ 0 when
    :math:`w^*` is near the minimum of :math:`L_n`) partly offsets the first. For
    ``y = a·b·x`` (m = 2) with N(0, 1) priors, :math:`c = \\log(s/2) + 4\\log 2 - γ_E`
    (:math:`s` the mean of :math:`x^2`) and at n = 1000, β = 1/log n: Λ ≈ 6.5, so the slope
    estimators give ≈ 0.32 and the local one ≈ 0.35 instead of 0.5, as ``rlct.py`` finds. The
    correction decays like 1/log n (still −17 % at n = 10⁶) and cannot be estimated from
    the data: fitting an extra :math:`κ/(β\\log(nβ))` term over a wide ladder made the
    standard error a large fraction of λ at our budget, and the data fluctuation changes the shape
    of :math:`E_β` at large nβ. For m = 1 the next pole gives corrections of relative size
    :math:`(nβ)^{-(λ'-λ)}` (``a·b²·x``: :math:`(nβ)^{-1/4}`, −10 to −25 % for the slopes).
    Larger β shortens both, but above β ≈ 1 the posterior resolves the minimum set of
    :math:`L_n` itself (for ``a·b²·x`` the smooth curve :math:`ab^2 = \\hat c`, of RLCT ½),
    and every estimate drifts up to that empirical value. Hence the defaults, ``local`` at
    β = 1/log n and a ladder over :math:`[1/\\log n, 4/\\log n]`, where the estimates of the zoo
    models are closest to λ: λ̂/λ against 1/β for both kinds of estimator is measured in
    docs/benchmarks.md, section ``lambda_settings.py``.

    **Mixing.** NUTS explores the singular set of these small models within one chain (the
    energy's r̂ stays ≤ 1.01 although the parameters' does not), at the cost of some
    divergences near the crossing of :math:`\\{ab = 0\\}`, which is why ``target_accept``
    defaults to 0.9 here rather than nutpie's 0.8. Divergences mark regions NUTS failed to
    enter, so ``"local"`` repeats its localized run once at ``target_accept = 0.99`` when more
    than 0.5 % of its draws diverged (on the same compiled model, so it costs one more
    sampling run, seconds for small models); ``diagnostics`` records ``target_accept`` and
    ``retried``. What the retry changes on ``a·b²·x`` is measured in docs/benchmarks.md,
    section ``lambda_settings.py``. For posteriors with separated modes, ``sampler="smc"``
    moves between them.

    References
    ----------
    Watanabe, S. (2013). A widely applicable Bayesian information criterion. JMLR 14,
    867–897. https://jmlr.org/papers/v14/watanabe13a.html

    Lau, E., Murfet, D., & Wei, S. (2023). Quantifying degeneracy in singular models via the
    learning coefficient. arXiv:2308.12108 (v2: Lau, Furman, Wang, Murfet & Wei, "The local
    learning coefficient: a singularity-aware complexity measure", AISTATS 2025).
    https://arxiv.org/abs/2308.12108

    Furman, Z., & Lau, E. (2024). Estimating the local learning coefficient at scale.
    arXiv:2402.03698. https://arxiv.org/abs/2402.03698

    Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge
    University Press. https://doi.org/10.1017/CBO9780511800474

    Examples
    --------
    >>> import numpy as np, pymc as pm
    >>> import pymc_slt as slt
    >>> from pymc_slt.learning_coefficient.estimate import learning_coefficient
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(200, 2)); y = x @ [1.0, -0.5] + rng.normal(size=200)
    >>> with pm.Model() as model:
    ...     w = pm.Normal("w", 0, 10, shape=2)
    ...     obs = pm.Normal("y", x @ w, 1.0, observed=y)
    >>> res = learning_coefficient(model, method="ladder",
    ...                            sampler=slt.NUTS(draws=300, tune=300, chains=2),
    ...                            random_seed=1, progressbar=False)
    >>> bool(abs(res.estimate - 1.0) < 0.3)  # regular model: λ = d/2 = 1
    True
    """
    model = validate_model(model)
    sgld = as_sgld(sampler, deprecated)
    spec, old = resolve_sampler(
        "learning_coefficient", None if sgld else sampler, deprecated, replacements=_DEPRECATED
    )
    entry, options = estimator_entry(_with_old_options(method, old))
    local = isinstance(options, LocalLambda)
    if sgld is not None and not local:
        raise ValueError(
            f"sampler={sampler!r} serves method='local' only (one β); method={options.name!r} "
            "needs draws at several β: use sampler=slt.NUTS(…) or slt.HMCSMC(…)."
        )
    n = n_observations(model)
    if n < 3:
        raise ValueError(
            f"the model has n = {n} observation(s); the learning coefficient needs n >= 3 "
            "(log n sets the temperatures), and is only meaningful for n in the hundreds or more."
        )
    reuse = _validate_data(data, options)
    choice = None
    if sgld is not None:
        spec, choice = sgld, "sgld: sampler given"
    elif local and sampler is None and not set(deprecated) & set(LOOSE_SAMPLER):
        spec, choice = choose_local_sampler(model, n, float(_method_betas(options, n)[0]), spec)
    point = (
        best_draw(reuse, model)[0]
        if local and reuse is not None
        else getattr(options, "point", None)
    )
    arr = _method_betas(options, n) if not isinstance(reuse, list) else _rungs(reuse, options.name)
    job = LambdaJob(
        model,
        options.name,
        arr,
        n,
        spec,
        random_seed,
        progressbar,
        rungs=reuse if isinstance(reuse, list) else None,
        point=point,
        gamma=options.gamma if local else 0.0,
    )
    result, rungs = entry.run(job)
    if choice is not None:
        result = replace(result, diagnostics={**result.diagnostics, "sampler_choice": choice})
    if rungs is None:
        return _check_bound(result, model, lambda: result.diagnostics["point"])
    return _check_bound(
        result, model, lambda: min((best_draw(c, model) for c in rungs), key=itemgetter(1))[0]
    )


def _check_bound(
    result: LearningCoefficientResult, model: pm.Model, best: Callable[[], dict[str, np.ndarray]]
) -> LearningCoefficientResult:
    """Warn if λ̂ exceeds d/2 by more than 2 se: λ ≤ d/2 always (Watanabe 2009, Thm 7.1).

    The warning names the likely cause. If the best fit ``best()`` (w* of ``"local"``, the
    lowest :math:`n L_n` over the runs otherwise; found only when the warning fires) lies in the
    prior's far tail (:func:`prior_tail` below :data:`PRIOR_TAIL`, stored as
    ``diagnostics["prior_tail"]``), the prior still shapes the posterior at this n: the case of
    the H = 2 tanh network of docs/benchmarks.md ("neural_lambda.py"), whose least-squares fit
    needs output weights many prior sd out and whose λ̂ exceeds d/2 at larger n, while the best
    draws of the runs with λ̂ ≤ d/2 lie well inside the prior.
    """
    d = n_parameters(model)
    if not np.isfinite(result.estimate) or result.estimate <= d / 2 + 2 * result.se:
        return result  # a NaN estimate has had its own warning
    try:
        tail = prior_tail(model, best())
    except Exception:  # a diagnostic of the warning only: never lose the estimate to it
        tail = np.nan
    result = replace(result, diagnostics={**result.diagnostics, "prior_tail": tail})
    head = (
        f"λ̂ = {result.estimate:.3g} ± {result.se:.2g} exceeds d/2 = {d / 2:g} by more than 2 se, "
        "but λ ≤ d/2 for every model (d free parameters). "
    )
    bias = result.diagnostics.get("step_bias", {}).get("bias", 0.0)
    if result.estimate - bias <= d / 2 + 2 * result.se:
        cause = (
            f"SGLD's step and minibatch noise bias it up by as much as {bias:.3g} "
            "(diagnostics['step_bias']): a larger batch_size or a smaller step_fraction in "
            "sampler=slt.SGLD(…) lowers it."
        )
    elif tail < PRIOR_TAIL:
        cause = (
            f"The best fit lies in the prior's far tail (its prior density is below that of "
            f"{1 - tail:.1%} of prior draws): at this n the prior still shapes the tempered "
            "posterior, and λ̂ is pre-asymptotic. Compare λ̂ at larger n, or reconsider the "
            "prior's scale."
        )
    else:
        cause = (
            "Either the draws do not represent the tempered posterior: it is multimodal (use "
            f"{MULTIMODAL_SAMPLER}, more chains), or for method='local' w* is not near a "
            "minimum of n L_n (pass point=, or a longer pilot); or n is still below the "
            "asymptotic regime: the tempered posterior sits in a worse-fitting phase of larger "
            "volume than the best fit's (compare λ̂ at larger n, or betas further from 0)."
        )
    warnings.warn(head + cause + " The estimate is still returned.", UserWarning, stacklevel=3)
    return result


def _validate_data(data: Any, options: LambdaOptions) -> xr.DataTree | list[xr.DataTree] | None:
    """``data`` checked for the estimator: the β = 1 draws (local) or the ladder's rungs."""
    if data is None:
        return None
    method = options.name
    if isinstance(options, LocalLambda):
        data = as_draws(data, "method='local'", ("posterior", "log_likelihood"))
        if options.point is not None:
            raise ValueError("give point or data (whose best draw becomes the point), not both.")
        if not np.isclose(draws_beta(data), 1.0):
            raise ValueError(
                f"data holds draws at beta={data.attrs['beta']}; method='local' picks w* from "
                "the ordinary posterior, beta=1.0."
            )
        return data
    data = as_draws(data, f"method={method!r}")
    if options.betas is not None:
        raise ValueError("the ladder's betas come from data; drop betas.")
    children = ladder_children(data)
    if not children:
        raise ValueError(
            f"data is not a ladder; for method={method!r} pass pymc_slt.sample_ladder(model, "
            "betas). Draws at one β (pm.sample's are at β = 1) serve method='local', which "
            "takes its centre w* from them."
        )
    return children


def _rungs(children: list[xr.DataTree], method: str) -> np.ndarray:
    """The β of reused rungs, checked against what ``method`` needs."""
    arr = np.array([float(child.attrs["beta"]) for child in children])
    need = {"ladder": arr.size >= 2, "two_temperature": arr.size == 2}[method]
    if not need:
        raise ValueError(
            f"method={method!r} needs {'at least 2' if method == 'ladder' else 'exactly 2'} "
            f"rungs, data has {arr.size}: {arr.tolist()}."
        )
    return arr
