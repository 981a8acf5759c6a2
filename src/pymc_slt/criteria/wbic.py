"""WBIC, the widely applicable Bayesian information criterion (Watanabe 2013).

:func:`wbic` averages :math:`n L_n(w)` over the tempered posterior at :math:`β^* = 1/\\log n`.
Given a model it samples that posterior with :func:`pymc_slt.sample_tempered`; given draws it
checks they were taken at β*. The standard error is the Monte-Carlo standard error of that mean,
from the effective sample size of the :math:`n L_n` draws (:func:`pymc_slt.base.energy_mean`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pymc as pm
import xarray as xr

from pymc_slt._validate import validate_model, validate_positive_int
from pymc_slt.base.draws import as_draws, draws_beta
from pymc_slt.base.energy import energy_mean
from pymc_slt.base.loglik import OBS_DIM, pointwise_log_likelihood
from pymc_slt.base.result import Result
from pymc_slt.sampling.diagnostics import ESS_PER_CHAIN_MIN, warn_poor_mixing
from pymc_slt.sampling.samplers import SamplerSpec, resolve_sampler
from pymc_slt.sampling.sgld import as_sgld, sgld_energy
from pymc_slt.sampling.tempered import n_observations, sample_tempered

__all__ = ["WBICResult", "wbic"]

#: Relative tolerance of the check β = 1/log n on given draws.
BETA_RTOL = 1e-9


@dataclass(frozen=True, slots=True)
class WBICResult(Result):
    """WBIC with its Monte-Carlo standard error.

    Attributes
    ----------
    estimate : float
        :math:`\\mathrm{WBIC} = E_{β^*}[n L_n(w)]`, estimated by the mean over draws; on the
        scale of the free energy :math:`F_n = -\\log Z_n` (lower is better).
    se : float
        Monte-Carlo standard error of ``estimate``,
        :math:`\\mathrm{sd}(n L_n) / \\sqrt{\\mathrm{ESS}}`.
    beta : float
        Inverse temperature of the draws, :math:`β^* = 1/\\log n`.
    n : int
        Number of observations.
    ess : float
        Effective sample size of the :math:`n L_n` draws (for the mean).
    method : str
        ``"wbic"``.
    diagnostics : Mapping
        Read-only: ``beta``, ``n`` and ``ess`` again, as every result carries them.
    wbic : float
        ``estimate`` (a property).
    """

    estimate: float
    se: float
    beta: float
    n: int
    ess: float
    method: str = "wbic"
    diagnostics: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._freeze(beta=self.beta, n=self.n, ess=self.ess)

    @property
    def wbic(self) -> float:
        """``estimate``: WBIC on the free-energy scale."""
        return self.estimate

    def __repr__(self) -> str:
        return (
            f"WBIC at β = {self.beta:.4g} (1/log n = {1 / np.log(self.n):.4g}), n = {self.n}\n\n"
            f"      Estimate       SE\n"
            f"wbic  {self.wbic:8.2f}  {self.se:7.2f}\n\n"
            f"ESS of n L_n draws: {self.ess:.0f}"
        )


def _check_n(n: Any) -> int:
    n = validate_positive_int(n, "n (number of observations)")
    if n < 2:
        raise ValueError(
            f"WBIC needs n >= 2 observations, got n = {n}: its inverse temperature 1/log n "
            "requires log n > 0."
        )
    return n


def _from_draws(data: xr.DataTree, *, strict: bool) -> WBICResult:
    log_lik = pointwise_log_likelihood(data)
    n = _check_n(int(data.attrs.get("n", log_lik.sizes[OBS_DIM])))
    beta_star = 1.0 / np.log(n)
    if "beta" not in data.attrs:
        raise ValueError(
            "data.attrs has no 'beta': draws without it (pm.sample's) are from the ordinary "
            f"posterior, β = 1, but WBIC averages n L_n at β* = 1/log n = {beta_star:.4g} "
            f"(n = {n}). Call wbic(model) to sample at β*, or pass "
            "pymc_slt.sample_tempered(model, beta=1/np.log(n)). Draws at β = 1 serve "
            "slt.learning_coefficient(model, data=idata) (its centre w*) and slt.waic; "
            "data.attrs['beta'] = 1.0 with strict=False gives E_1[n L_n], which is not WBIC."
        )
    beta = draws_beta(data)
    if strict and abs(beta - beta_star) > BETA_RTOL * beta_star:
        raise ValueError(
            f"data was sampled at beta = {beta:.6g}, not at WBIC's β* = 1/log n = "
            f"{beta_star:.6g} (n = {n}). Sample with pymc_slt.sample_tempered(model, "
            f"beta=1/np.log({n})), or call wbic(model); strict=False returns E_β[n L_n] at the "
            "data's own beta instead."
        )
    if not np.all(np.isfinite(log_lik.values)):
        raise ValueError(
            "n L_n(w) is not finite for some draws (NaN or inf in the log_likelihood group); "
            "check the model and the draws."
        )
    nln = -log_lik.sum(OBS_DIM)
    if nln.sizes["draw"] < 4:
        raise ValueError(
            f"WBIC needs at least 4 draws per chain to estimate its standard error, got "
            f"{nln.sizes['draw']}; sample more draws."
        )
    mean, se, ess = energy_mean(nln.values)
    need = ESS_PER_CHAIN_MIN * nln.sizes["chain"]
    if not ess >= need:
        warn_poor_mixing(
            [
                f"of n L_n: its effective sample size is {ess:.0f} < {need} "
                f"({ESS_PER_CHAIN_MIN} per chain), so the WBIC standard error is unreliable"
            ],
            "sample more draws or chains",
            what="WBIC and its se",
            stacklevel=3,
        )
    return WBICResult(estimate=mean, se=se, beta=beta, n=n, ess=ess)


def wbic(
    model: pm.Model | None = None,
    *,
    data: xr.DataTree | None = None,
    sampler: str | SamplerSpec | None = None,
    random_seed: int | np.random.Generator | None = None,
    progressbar: bool = True,
    strict: bool = True,
    **deprecated: Any,
) -> WBICResult:
    """Widely applicable Bayesian information criterion, :math:`E_{β^*}[n L_n(w)]`.

    Parameters
    ----------
    model : pymc.Model or bambi.Model, optional
        The model, sampled here at :math:`β^* = 1/\\log n` with
        :func:`pymc_slt.sample_tempered`. Give ``model`` or ``data``.
    data : xarray.DataTree or arviz.InferenceData, optional
        Draws to reuse instead of sampling: a DataTree with a ``log_likelihood`` group and
        ``attrs["beta"]`` (and ``attrs["n"]``; without it n is counted from the
        log-likelihood, observations along the first axis), e.g.
        ``slt.sample_tempered(model, beta=1 / np.log(n))``. Takes precedence over ``model``.
    sampler : NUTS, SMC, HMCSMC, SGLD or {"nuts", "smc", "hmc_smc", "sgld"}, default NUTS()
        What samples at β*, as in :func:`pymc_slt.sample_tempered` (ignored with ``data``).
        ``slt.SGLD(…)`` (needs JAX) runs minibatch SGLD from a minimum of :math:`n L_n`, with
        no localization, its step size and length chosen as for the local learning
        coefficient (:mod:`pymc_slt.sampling.sgld`), and returns the mean energy
        extrapolated to step size 0; ``diagnostics`` holds the run's settings and checks. For
        networks where full-data NUTS is too dear.
    random_seed : int or numpy.random.Generator, optional
        Same seed, same number (ignored for a DataTree).
    progressbar : bool, default True
        Show the sampler's progress (ignored for a DataTree).
    strict : bool, default True
        For a DataTree, require ``attrs["beta"]`` to equal :math:`1/\\log n` (relative
        tolerance 1e-9). With ``strict=False`` any β is accepted and the result is
        :math:`E_β[n L_n]` at the data's β (reported in ``beta``), which is WBIC only at β*.
    **deprecated
        ``draws``, ``tune``, ``chains``, ``sampler_kwargs``: the sampler's settings in loose
        form, beside a sampler name (see :func:`pymc_slt.sample_tempered`), until 0.3.0.

    Returns
    -------
    WBICResult
        ``estimate`` (also ``wbic``), its Monte-Carlo standard error ``se``, ``beta``
        (= β*), ``n`` and the ``ess`` of the :math:`n L_n` draws.

    Raises
    ------
    TypeError
        If ``model`` is not a ``pm.Model`` or ``data`` not a DataTree, or neither is given.
    ValueError
        If n < 2 (:math:`\\log n` must be > 0); for a DataTree, if it has no
        ``log_likelihood`` group or ``attrs["beta"]``, was not sampled at β* (with
        ``strict=True``), has non-finite log-likelihoods or fewer than 4 draws per chain.

    Warns
    -----
    PoorMixingWarning
        If the effective sample size of the :math:`n L_n` draws is below 100 per chain (the
        standard error is then unreliable); the sampler also warns on poor mixing.

    Notes
    -----
    .. math::

        \\mathrm{WBIC} = E_{β^*}[n L_n(w)]
        = \\frac{\\int n L_n(w)\\, φ(w) \\exp(-β^* n L_n(w))\\, dw}
               {\\int φ(w) \\exp(-β^* n L_n(w))\\, dw},\\qquad β^* = \\frac{1}{\\log n},

    with :math:`n L_n(w) = -\\sum_i \\log p(y_i \\mid x_i, w)`. Watanabe (2013) proves
    :math:`\\mathrm{WBIC} = F_n + O_p(\\sqrt{\\log n})` with :math:`F_n = -\\log Z_n(1)`, so WBIC
    shares the free energy's leading terms :math:`n L_n(w_0) + λ \\log n` even for singular
    models, where BIC's :math:`(d/2) \\log n` is wrong. The standard error is that of a Markov
    chain mean, :math:`\\mathrm{sd}_w(n L_n)/\\sqrt{\\mathrm{ESS}}`; it measures Monte-Carlo error
    only, not the :math:`O_p(\\sqrt{\\log n})` gap to :math:`F_n`.

    References
    ----------
    .. [1] Watanabe, S. (2013). A widely applicable Bayesian information criterion. JMLR 14,
       867–897. https://jmlr.org/papers/v14/watanabe13a.html, arXiv:1208.6338.
    .. [2] Friel, N., McKeone, J. P., Oates, C. J. & Pettitt, A. N. (2017). Investigation of the
       widely applicable Bayesian information criterion. Statistics and Computing 27, 833–844.
       https://doi.org/10.1007/s11222-016-9657-y, arXiv:1501.05447.

    Examples
    --------
    >>> import numpy as np, pymc as pm, pymc_slt as slt
    >>> from pymc_slt.criteria.wbic import wbic
    >>> rng = np.random.default_rng(0)
    >>> with pm.Model() as model:
    ...     w = pm.Normal("w", 0, 1)
    ...     _ = pm.Normal("y", w, 1, observed=rng.normal(size=50))
    >>> res = wbic(model, sampler=slt.NUTS(draws=500, tune=500, chains=2), random_seed=1,
    ...            progressbar=False)
    >>> res.n, round(res.beta, 4)
    (50, 0.2556)
    """
    sgld = as_sgld(sampler, deprecated)
    spec, _ = resolve_sampler("wbic", None if sgld else sampler, deprecated)
    if not isinstance(strict, bool):
        raise TypeError(f"strict must be True or False, got {strict!r}.")
    if data is not None:
        return _from_draws(as_draws(data, "WBIC", ("log_likelihood",)), strict=strict)
    if isinstance(model, xr.DataTree):
        raise TypeError(
            "model is an xarray.DataTree; pass draws as data=..., e.g. wbic(data=draws), "
            "or a pm.Model to sample at β* = 1/log n."
        )
    if model is None:
        raise TypeError(
            "give model (sampled here at β* = 1/log n) or data (draws already taken at β*)."
        )
    model = validate_model(model)
    n = _check_n(n_observations(model))
    if sgld is not None:
        beta = 1.0 / np.log(n)
        mean, se, diag = sgld_energy(
            model, beta=beta, gamma=0.0, point=None, spec=sgld, random_seed=random_seed,
            progressbar=progressbar,
        )  # fmt: skip
        ess = float(diag["energy_ess"][0])
        return WBICResult(estimate=mean, se=se, beta=beta, n=n, ess=ess, diagnostics=diag)
    draws_tree = sample_tempered(
        model,
        beta=1.0 / np.log(n),
        sampler=spec,
        random_seed=random_seed,
        progressbar=progressbar,
    )
    return _from_draws(draws_tree, strict=True)
