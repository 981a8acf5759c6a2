"""The marginal likelihood Z and free energy F = −log Z of a PyMC model, with a standard error.

.. math::

    Z_n = \\int φ(w) \\exp(-n L_n(w))\\, dw,\\qquad F_n = -\\log Z_n,\\qquad
    n L_n(w) = -\\sum_{i=1}^n \\log p(y_i \\mid x_i, w).

Methods
-------
``"bridge"`` (default)
    Bridge sampling (Meng & Wong 1996) from ordinary NUTS posterior draws on the unconstrained
    space (Gronau et al. 2017), by default with the warp-III transformation of Meng & Schilling
    (2002). The most accurate and the cheapest on unimodal posteriors (regular models);
    unreliable on multimodal ones, which it detects and warns about.
``"stepping_stone"``
    Stepping-stone sampling (Xie et al. 2011) over a ladder of tempered posteriors from the prior
    (β = 0) to the posterior (β = 1).
``"thermodynamic"``
    Thermodynamic integration :math:`\\log Z = \\int_0^1 E_β[-nL_n]\\,dβ` over the same ladder,
    with the variance-corrected trapezoid rule (Friel et al. 2014).
``"smc"``
    PyMC's sequential Monte Carlo, ``pm.sample_smc``, which moves between separated modes at
    small d (its independence kernel does not scale with the dimension).
``"hmc_smc"``
    Adaptive tempered SMC with HMC moves (BlackJAX on PyMC's JAX log density; needs
    ``pymc-slt[jax]``): for multimodal posteriors such as neural networks', where NUTS chains
    stay in one mode and bridge sampling fails or warns.

Which to use when, with the measurements behind each rule: the documentation's page "Choosing a
method for log Z" (``docs/evidence.md``). In short: bridge sampling on one mode; stepping stone
or HMC-SMC on a neural network's or any singular model's separated modes; two methods that agree
as the check.

References
----------
Meng, X.-L. & Wong, W. H. (1996). Statistica Sinica 6(4), 831–860.
https://www.jstor.org/stable/24306045

Meng, X.-L. & Schilling, S. (2002). Warp bridge sampling. Journal of Computational and Graphical
Statistics 11(3), 552–586. doi:10.1198/106186002457

Gronau, Q. F. et al. (2017). A tutorial on bridge sampling. J. Math. Psychol. 81, 80–97.
doi:10.1016/j.jmp.2017.09.005, arXiv:1703.05984

Xie, W. et al. (2011). Systematic Biology 60(2), 150–160. doi:10.1093/sysbio/syq085

Friel, N., Hurn, M. & Wyse, J. (2014). Statistics and Computing 24(5), 709–723.
doi:10.1007/s11222-013-9397-1
"""

from __future__ import annotations

import warnings
from dataclasses import replace
from functools import partial
from typing import Any, Literal

import numpy as np
import pymc as pm
import xarray as xr

from pymc_slt._validate import (
    check_continuous,
    spawn_seeds,
    validate_model,
    validate_positive_int,
)
from pymc_slt.base.bridge import PROPOSALS
from pymc_slt.base.draws import as_draws, draws_beta
from pymc_slt.base.spec import named_with_old_options
from pymc_slt.evidence.fallback import checked_bridge
from pymc_slt.evidence.methods import METHODS, EvidenceOptions, method_entry
from pymc_slt.evidence.prior_mass import check_proper_prior, stated_prior_mass
from pymc_slt.evidence.result import EvidenceJob, EvidenceResult, EvidenceWarning
from pymc_slt.sampling.samplers import (
    HMCSMC,
    NUTS,
    SAMPLERS,
    SMC,
    SamplerSpec,
    resolve_sampler,
)
from pymc_slt.sampling.tempered import n_parameters

__all__ = ["METHODS", "PROPOSALS", "EvidenceResult", "log_marginal_likelihood"]

Method = Literal["bridge", "stepping_stone", "thermodynamic", "smc", "hmc_smc"]
_LADDER_METHODS = ("stepping_stone", "thermodynamic")
_SMC_METHODS = ("smc", "hmc_smc")


def _validate_data(data: Any, method: str) -> xr.DataTree | None:
    if data is None:
        return None
    data = as_draws(data, f"method={method!r}", ("posterior",) if method == "bridge" else ())
    if method == "bridge" and not np.isclose(draws_beta(data), 1.0):
        raise ValueError(
            f"data holds draws at beta={data.attrs['beta']}; bridge sampling of log Z needs the "
            "ordinary posterior, beta=1.0."
        )
    if method in _SMC_METHODS and "sample_stats" not in data.children:
        raise ValueError(
            f"data has no sample_stats group; for method={method!r} pass "
            + ("pm.sample_smc's result." if method == "smc" else
               "sample_tempered(model, 1.0, sampler='hmc_smc')'s result.")
        )  # fmt: skip
    if method in _LADDER_METHODS and not any("beta" in c.attrs for c in data.children.values()):
        raise ValueError(
            f"data is not a ladder; for method={method!r} pass pymc_slt.sample_ladder(model, "
            "betas) with betas ending at 1.0. Draws at β = 1 alone (pm.sample's) serve "
            "method='bridge'."
        )
    return data


def log_marginal_likelihood(
    model: pm.Model,
    *,
    method: Method | EvidenceOptions = "bridge",
    data: xr.DataTree | None = None,
    sampler: str | SamplerSpec | None = None,
    random_seed: int | np.random.Generator | None = None,
    progressbar: bool = True,
    fallback: bool = True,
    **deprecated: Any,
) -> EvidenceResult:
    """Estimate :math:`\\log Z_n` (and :math:`F_n = -\\log Z_n`) of ``model`` with a standard error.

    Parameters
    ----------
    model : pymc.Model or bambi.Model
        A model with observed data and a proper prior on every free variable.
    method : str or options value, default "bridge"
        A name, ``"bridge"``, ``"stepping_stone"``, ``"thermodynamic"``, ``"smc"`` or
        ``"hmc_smc"`` (that method with its defaults), or a value holding the method's options:
        ``slt.Bridge(proposal="warp3")``, ``slt.SteppingStone(betas=None, n_betas=None)``,
        ``slt.Thermodynamic(betas=None, n_betas=None)`` (the registry
        :data:`pymc_slt.evidence.methods.METHODS`). See Notes. ``"bridge"`` is the most accurate
        on unimodal posteriors; for multimodal (singular) posteriors use ``"hmc_smc"`` (neural
        networks, d ≳ 5), ``"stepping_stone"`` or ``"smc"`` (small d). Bridge sampling that
        fails or warns is checked and, where the check says so, replaced (``fallback``).
        *Bridge's* ``proposal`` is ``bridgesampling``'s ``method``: ``"warp3"`` (the default)
        bridges the warp-III transform of the posterior (centred, scaled by the Cholesky factor
        of its covariance and symmetrized) to a standard normal, ``"normal"`` the posterior
        itself to a fitted normal; warp-III by measurement (``benchmarks/bridge_r.py``).
        *The ladders'* ``betas`` are rungs in (0, 1] ending at 1.0 (β = 0 is always added from
        exact prior draws), by default ``n_betas`` rungs equally spaced in thermodynamic length
        (Notes), ``n_betas`` by default about the thermodynamic length Λ within [16, 64].
    data : xarray.DataTree or arviz.InferenceData, optional
        Existing draws to reuse instead of sampling: posterior draws of ``model`` at β = 1
        (``"bridge"``: from :func:`pymc_slt.sample_tempered` or ``pm.sample``), a ladder from
        :func:`pymc_slt.sample_ladder` whose top rung is β = 1 (``"stepping_stone"``,
        ``"thermodynamic"``), the result of ``pm.sample_smc`` (``"smc"``) or of
        ``sample_tempered(model, 1.0, sampler="hmc_smc")`` (``"hmc_smc"``). ``draws``, ``tune``
        and ``chains`` are then ignored.
    sampler : NUTS, SMC, HMCSMC or {"nuts", "smc", "hmc_smc"}, optional
        What draws the posterior (``"bridge"``) or the rungs (``"stepping_stone"``,
        ``"thermodynamic"``), with its settings (:mod:`pymc_slt.sampling.samplers`; a name is
        the family's defaults): ``NUTS()`` by default (4 chains × 1000 draws per rung after 1000
        tuning steps), or :class:`~pymc_slt.SMC` / :class:`~pymc_slt.HMCSMC` (one pass through
        every rung). The SMC methods are their own sampler: ``method="smc"`` takes an
        :class:`~pymc_slt.SMC` (default ``SMC(draws=2000)`` particles per chain),
        ``method="hmc_smc"`` an :class:`~pymc_slt.HMCSMC` (default ``HMCSMC(draws=2000)``); they
        need at least 2 chains for a standard error. The ladder methods' NUTS rungs run at
        ``target_accept`` 0.95 (:data:`pymc_slt.evidence.path.LADDER_NUTS`) unless the value
        sets one (why, measured: docs/evidence.md, :data:`~pymc_slt.evidence.path.LADDER_NUTS`).
    random_seed : int or numpy.random.Generator, optional
        Same seed, same result.
    progressbar : bool, default True
        Show the samplers' progress.
    fallback : bool, default True
        ``"bridge"`` only. If bridge sampling raises (its iteration does not converge) or doubts
        its estimate (``diagnostics["doubt_kinds"]``: the chains' own log Z disagree, r̂ beyond
        the bound healthy chains of this length pass or above 1.05, more than 0.1 % divergent
        transitions, halves that disagree, an unordered mixture, one chain, or Pareto k̂ of the
        Gaussian fit with ``slt.Bridge(proposal="normal")``), check it by a method that moves
        between modes (:func:`pymc_slt.evidence.fallback.fallback`: ``"hmc_smc"`` with 250 particles
        per chain from d = 17 when JAX is installed, ``"stepping_stone"`` on the same
        ``draws``, ``tune``, ``chains`` and NUTS settings otherwise; with ``data``, as many
        draws and chains as it holds). The check's number replaces bridge sampling's only if it
        passes its own health checks and disagrees with it (then an ``EvidenceWarning`` says
        so); if it agrees, the more precise of the two answers, without a warning; if it is not
        healthy, bridge sampling's number stands with a warning that names every candidate
        (:func:`pymc_slt.evidence.fallback.settle`). ``diagnostics["fallback_from"]`` keeps
        the doubt, ``diagnostics["candidates"]`` each method's number. This reruns a sampler
        even when ``data`` is given. ``False`` returns bridge sampling's own estimate with its
        warning, or raises its error.
    **deprecated
        Until 0.3.0, with a ``DeprecationWarning``: ``betas``, ``n_betas`` (now
        ``method=slt.SteppingStone(…)`` or ``slt.Thermodynamic(…)``), ``bridge_proposal`` (now
        ``method=slt.Bridge(proposal=…)``), and ``draws``, ``tune``, ``chains``,
        ``sampler_kwargs`` (the sampler's settings in loose form beside a sampler name, see
        :func:`pymc_slt.sample_tempered`; ignored with ``data``).

    Returns
    -------
    EvidenceResult
        ``log_z``, ``se``, ``free_energy`` (= −log_z), ``method`` and ``diagnostics``:

        * ``"bridge"``: ``proposal`` (``"warp3"`` or ``"normal"``), ``log_z_halves`` and
          ``se_halves`` (proposal fitted to the first half of each chain and iterated on the
          second, then the other way round), ``n_eff``, ``pareto_khat`` of the ratios of the
          posterior to the fitted normal at that normal's draws (for either proposal),
          ``max_rhat`` and ``rhat_bound`` (the draw-aware bound of the parameter nearest to
          or furthest past it), ``log_z_chains``, ``se_chains`` and ``chains_p`` (each chain's
          own log Z, and the p-value of their agreement), ``n_divergences``, ``n_draws``,
          ``dim``, and ``doubts``: the problems that make the estimate doubtful and (with
          ``fallback``) checked, ``"; "``-joined (empty if none; a poor Gaussian fit under
          warp-III is reported, but no doubt), with their kinds in ``doubt_kinds``.
        * ``"stepping_stone"``: ``betas`` (with 0), ``log_ratios`` and ``se_steps`` per step,
          ``thermodynamic_length``, ``divergences`` per rung, ``problems``.
        * ``"thermodynamic"``: ``betas``, ``trapezoid`` (uncorrected rule), ``prior_segment``,
          ``se_monte_carlo``, ``se_discretisation``, ``mean_energy``, ``var_energy`` per rung.
        * ``"smc"``: ``log_z_chains``, ``se_dof`` (= chains − 1) and ``se_sd`` (the runs' sd
          over √C, before the Student-t factor), ``problems``.
        * ``"hmc_smc"``: as ``"smc"``, plus ``n_stages``, ``mean_acceptance``,
          ``min_ess_share`` and ``n_zero_likelihood`` per chain, ``collapsed_chains`` (left out
          of the estimate) and ``problems``.
        * after a check of ``"bridge"``: the answering method's own, plus ``fallback_from``
          and ``candidates``.
        * with a narrowing transform: ``transform_log_mass``, ``transform_log_mass_se`` and
          ``log_z_normalized``.

    Raises
    ------
    TypeError
        For a non-model, non-DataTree ``data``, or non-integer counts.
    ValueError
        For an unknown ``method`` (the valid ones are listed) or a bad option in its value, an
        option given for a method that has no such option, an improper prior (``pm.Flat``,
        ``pm.HalfFlat`` or any constant log density), discrete parameters with a NUTS-based method,
        ladder ``betas`` not ending at 1.0 or given beside ``data``, or ``data`` of the wrong
        kind.

    Warns
    -----
    EvidenceWarning
        ``"bridge"`` with ``fallback``: that log Z comes from another method and why, or that
        no method is healthy (every candidate named).
        ``"bridge"`` without it: its doubts (see ``fallback``), or a Gaussian that fits the
        posterior badly (Pareto k̂ > 0.7).
        ``"stepping_stone"``/``"thermodynamic"``: if a step of the ladder is too long, the
        discretisation error dominates, or a rung has more than 5 % divergent transitions.
        ``"hmc_smc"``: runs that collapsed (left out of the estimate) or spread.
        Any method: a narrowing transform (``ordered``) that leaves the prior unnormalized,
        with its mass and ``diagnostics["log_z_normalized"]``.
        The samplers' own mixing warnings pass through.

    Notes
    -----
    **Bridge sampling** (Meng & Wong 1996; Gronau et al. 2017). With :math:`q(θ)` the
    unnormalized posterior on the unconstrained space θ (prior × likelihood × Jacobian) and a
    proposal :math:`g`,

    .. math::

        Z = \\frac{E_g[q(θ)\\,h(θ)]}{E_{p}[g(θ)\\,h(θ)]},\\qquad
        h ∝ \\frac{1}{s_1 q(θ)/Z + s_2 g(θ)}.

    1. Map the posterior draws to the unconstrained space; split each chain in halves A and B.
    2. Fit the mean :math:`m` and covariance :math:`V = LL^\\top` (Cholesky) to A.
    3. The pair bridged, each with :math:`N_2 = |B|` proposal draws:

       * ``proposal="warp3"`` (warp-III, Meng & Schilling 2002; ``bridgesampling``'s
         ``method="warp3"``): the posterior centred, scaled and symmetrized,

         .. math::

             \\tilde q(z) = \\frac{|L|}{2}\\left[q(m + Lz) + q(m - Lz)\\right],\\qquad
             g = N(0, I),

         which has the same Z as q; its draws are :math:`z_j = L^{-1}(θ_j - m)` for θ_j in B
         (:math:`\\tilde q` and g are even in z, so the sign flip of warp-III is not needed).
         :math:`\\tilde q` matches g in mean, covariance *and* symmetry, so a skewed posterior
         (e.g. a logistic regression with strong effects, or a log-scale parameter) overlaps g
         more than it does any normal; it costs two evaluations of q per point.
       * ``proposal="normal"``: q itself and :math:`g = N(m, V)`.

       With :math:`l = \\log q - \\log g` (q̃ for warp-III) at B (:math:`l_1`) and at the
       proposals (:math:`l_2`), :math:`s_1 = N_\\mathrm{eff}/(N_\\mathrm{eff} + N_2)` (ESS of the
       draws in B), iterate :math:`\\hat Z ← \\frac{N_2^{-1}\\sum_i e^{l_{2i}}/(s_1 e^{l_{2i}} +
       s_2\\hat Z)}{N_1^{-1}\\sum_j 1/(s_1 e^{l_{1j}} + s_2 \\hat Z)}` to its fixed point.
    4. The relative MSE of :math:`\\hat Z` (Frühwirth-Schnatter 2004),
       :math:`\\mathrm{RE}^2 = \\frac{V_g(f_1)}{N_2 E_g(f_1)^2} + \\frac{V_p(f_2)}{N_\\mathrm{eff}
       E_p(f_2)^2}` with :math:`f_1 = p/(s_1 p + s_2 g)`, :math:`f_2 = g/(s_1 p + s_2 g)`,
       gives :math:`\\mathrm{se}(\\log\\hat Z) ≈ \\mathrm{RE}`; for warp-III, of the warped pair
       (p = q̃/Z, g = N(0, I)). (``bridgesampling`` reports no error for one ``warp3`` run.)
    5. Swap A and B, repeat, and average the two estimates and their standard errors (the
       average of the se's bounds the se of the mean whatever their correlation).

    It needs draws that weigh every mode correctly; NUTS chains stuck in different modes of a
    singular model do not (this is what the r̂ warning flags; if every chain sits in the same
    mode nothing in the draws can tell).

    **Ladder** (``"stepping_stone"``, ``"thermodynamic"``). Rung 0 is the prior itself, sampled
    exactly by ``pm.sample_prior_predictive`` (``draws × chains`` independent draws, whose
    :math:`nL_n` variance :math:`V_0` sets the schedule); rungs :math:`β_1 < … < β_K = 1` are
    NUTS runs of :func:`pymc_slt.sample_ladder`, by default equally spaced in the thermodynamic
    length :math:`\\int\\sqrt{\\operatorname{Var}_β[nL_n]}\\,dβ`, approximating
    :math:`\\operatorname{Var}_β[nL_n]` by :math:`V_0` at small β and :math:`d/(2β^2)` at large β:

    .. math::

        β_k = β_c\\left[(1 + 1/β_c)^{k/K} - 1\\right],\\qquad β_c = \\sqrt{d/(2V_0)},

    (d the number of unconstrained parameters): linear below β_c, geometric above, denser near 0
    than a power schedule :math:`(k/K)^5` where it matters and sparser where it does not.

    *Stepping stone* (Xie et al. 2011):

    .. math::

        \\log Z = \\sum_{k=0}^{K-1} \\log E_{β_k}\\!\\left[e^{-(β_{k+1}-β_k)\\,nL_n(w)}\\right],

    each term a log-sum-exp over the draws at :math:`β_k`, with delta-method variance
    :math:`\\operatorname{Var}(w)/(\\mathrm{ESS}_w\\,\\bar w^2)` of its weights :math:`w`.

    *Thermodynamic integration*:

    .. math::

        \\log Z = \\int_0^1 E_β[-nL_n(w)]\\,dβ,\\qquad
        \\frac{d}{dβ} E_β[nL_n] = -\\operatorname{Var}_β[nL_n].

    1. The steepest segment :math:`[0, β_1]` is the first stepping stone,
       :math:`\\log E_0[e^{-β_1 nL_n}]` over the prior draws (exact, no quadrature error).
    2. On :math:`[β_1, 1]`, the corrected trapezoid rule of Friel et al. (2014),
       :math:`\\sum_k \\frac{h_k}{2}(f_k + f_{k+1}) - \\frac{h_k^2}{12}(f'_{k+1} - f'_k)` with
       :math:`f = -E_β[nL_n]` and :math:`f' = \\operatorname{Var}_β[nL_n]` (a cubic Hermite
       rule; error :math:`O(h^4)`).
    3. Monte-Carlo variance :math:`\\sum_k ω_k^2 \\operatorname{Var}_{β_k}[nL_n]/\\mathrm{ESS}_k`
       (ω the trapezoid weights, ESS of :math:`nL_n` at each rung) plus that of step 1.
    4. Discretisation error by Richardson: :math:`|I_K - I_{K/2}|/15`, :math:`I_{K/2}` the rule on
       every other rung; se combines 3 and 4.

    Both ladder estimators have variance about :math:`Λ^2/N` for N effective draws in all
    (Gelman & Meng 1998), with :math:`Λ ≈ \\sqrt{d/2}\\log(1 + 1/β_c)`: honest but costly at
    large d, while bridge sampling is nearly exact on unimodal posteriors.

    **SMC**: ``pm.sample_smc`` runs ``chains`` independent populations of ``draws`` particles;
    each chain's final log marginal likelihood is read from ``sample_stats`` (whatever its
    layout), the chains are pooled as :math:`\\log\\frac1C\\sum_c \\hat Z_c` (each
    :math:`\\hat Z_c` is unbiased). (log Ẑ − log Z)/(sd/√C) is roughly Student-t with C − 1
    degrees of freedom (``se_dof``), so the reported se is sd/√C (``se_sd``) times
    :math:`t_{C-1,0.975}/z_{0.975}` (1.62 for 4 chains,
    :func:`pymc_slt.evidence.smc.t_factor`): ±2 se is then a 95 % interval, as for the other
    methods. With C = 2 chains the sd rests on one difference and the factor is 6.5; prefer ≥ 4
    chains. The spread across chains cannot show a bias they share (e.g. a kernel that mixes
    poorly at some stage). The same holds for ``"hmc_smc"``, whose collapsed runs are left out.

    Examples
    --------
    >>> import numpy as np, pymc as pm, pymc_slt as slt
    >>> from pymc_slt.exact import ConjugateLinearRegression
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(50, 2)); y = X @ [1.0, -1.0] + rng.normal(size=50)
    >>> exact = ConjugateLinearRegression(X, y, noise_sd=1.0, prior_sd=1.0)
    >>> res = slt.log_marginal_likelihood(exact.model(), sampler=slt.NUTS(draws=500), random_seed=1,
    ...                                   progressbar=False)
    >>> bool(abs(res.log_z - exact.log_evidence()) < 4 * res.se + 0.01)
    True
    """
    model = validate_model(model)
    check_proper_prior(model)
    spec, old = resolve_sampler(
        "log_marginal_likelihood",
        _validate_sampler(sampler, method),
        deprecated,
        default=method_entry(method)[0].default_sampler,
        replacements=_DEPRECATED,
    )
    entry, options = method_entry(_with_old_options(method, old))
    data = _validate_data(data, options.name)
    if data is not None and (getattr(options, "betas", None) or getattr(options, "n_betas", None)):
        raise ValueError("the ladder's betas come from data; drop betas/n_betas.")
    validate_positive_int(spec.chains, "chains", minimum=1 if "nuts" in entry.samplers else 2)
    if data is None and (options.name == "bridge" or isinstance(spec, NUTS)):
        check_continuous(model, f"method={options.name!r} with NUTS", "method='smc'")
    if not isinstance(fallback, bool):
        raise TypeError(f"fallback must be True or False, got {fallback!r}.")
    seeds = tuple(spawn_seeds(random_seed, 3))
    job = EvidenceJob(model, options.name, data, spec, seeds, progressbar, options)
    if options.name != "bridge" or not fallback:
        return stated_prior_mass(model, entry.run(job))
    if data is not None:  # the check runs as long as the draws the user passed
        sizes = data["posterior"].sizes
        spec = replace(spec, draws=int(sizes["draw"]), chains=max(int(sizes["chain"]), 2))
    result, message = checked_bridge(
        partial(entry.run, job),
        n_parameters(model),
        spec,
        lambda check, check_sampler: log_marginal_likelihood(
            model,
            method=check,
            sampler=check_sampler,
            random_seed=seeds[2],
            progressbar=progressbar,
        ),
    )
    if message:
        warnings.warn(message, EvidenceWarning, stacklevel=2)
    return stated_prior_mass(model, result)


#: The method options :func:`log_marginal_likelihood` took as its own arguments until sampler and
#: method values, and where they went.
_DEPRECATED = {
    "betas": "method=slt.SteppingStone(betas=…) or slt.Thermodynamic(betas=…)",
    "n_betas": "method=slt.SteppingStone(n_betas=…) or slt.Thermodynamic(n_betas=…)",
    "bridge_proposal": "method=slt.Bridge(proposal=…)",
}
_OPTION_FIELDS = {"betas": "betas", "n_betas": "n_betas", "bridge_proposal": "proposal"}


def _with_old_options(method: Any, old: dict[str, Any]) -> Any:
    """``method`` with the deprecated ``betas``/``n_betas``/``bridge_proposal`` put into its
    options value; a ``ValueError`` for one the method does not take."""
    if not old:
        return method
    entry, options = named_with_old_options(method, old, method_entry)
    fields = {_OPTION_FIELDS[name]: value for name, value in old.items()}
    for name, field_name in _OPTION_FIELDS.items():
        if name in old and not hasattr(options, field_name):
            takers = " or ".join(
                repr(m) for m, e in METHODS.items() if hasattr(e.options(), field_name)
            )
            raise ValueError(f"{name} applies to method={takers}, not method={method!r}; drop it.")
    return entry.options(**fields)


def _validate_sampler(sampler: Any, method: Any) -> Any:
    """``sampler`` if its family can draw for ``method`` (the SMC methods take only their own)."""
    entry, options = method_entry(method)
    method = options.name
    name = sampler.name if isinstance(sampler, NUTS | SMC | HMCSMC) else sampler
    if name is not None and name in SAMPLERS and name not in entry.samplers:
        raise ValueError(
            f"method={method!r} runs its own sampler; drop sampler={sampler!r} (or use "
            "method='bridge' or a ladder method with that sampler)."
        )
    return sampler
