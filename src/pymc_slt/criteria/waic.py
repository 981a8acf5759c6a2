"""WAIC, the functional variance V_n and the singular fluctuation ν (Watanabe 2010).

:func:`waic` returns an :class:`ELPDDataWAIC`, a subclass of ArviZ's ``ELPDData`` of kind
``"waic"``, so ``arviz_stats.compare`` ranks several WAIC results and ``arviz_plots.plot_compare``
draws the table. It also carries the functional variance :math:`V_n` and the singular fluctuation
:math:`\\hat ν`. The arithmetic lives in the array function :func:`_waic_from_loglik`.

ArviZ 1.x has no WAIC; at β = 1 the numbers here equal those of the last ArviZ that had it
(``arviz.waic`` of ArviZ 0.23, log scale), which ``tests/analysis/test_waic.py`` checks to 1e-6.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, NamedTuple

import numpy as np
import xarray as xr
from arviz_stats.utils import ELPDData
from numpy.lib.array_utils import normalize_axis_tuple
from scipy.special import logsumexp

from pymc_slt.base.draws import as_draws, draws_beta
from pymc_slt.base.loglik import OBS_DIM, pointwise_log_likelihood, require_pointwise

__all__ = ["ELPDDataWAIC", "TemperedDrawsWarning", "waic"]


class TemperedDrawsWarning(UserWarning):
    """WAIC or LOO computed from draws at β ≠ 1, which model comparison does not assume."""


#: Pointwise posterior variance of log p(y_i | w) above which WAIC may be unreliable
#: (Vehtari, Gelman & Gabry 2017, section 2.2; the threshold of legacy ArviZ).
VAR_WARN = 0.4


@dataclass(kw_only=True, repr=False)
class ELPDDataWAIC(ELPDData):
    """WAIC result: ArviZ's ``ELPDData`` (kind ``"waic"``) plus the SLT quantities.

    Attributes
    ----------
    elpd, se, p, n_samples, n_data_points, scale, warning, elpd_i
        As in ``arviz_stats.ELPDData``: ``elpd`` is :math:`\\mathrm{elpd}_{WAIC} = -n W_n`,
        ``se`` its standard error, ``p`` is :math:`p_{WAIC} = β V_n`, ``scale`` is ``"log"``,
        ``warning`` is True if some pointwise variance exceeds 0.4, and ``elpd_i`` (dims
        ``obs_id``) holds the pointwise terms when ``pointwise=True``. ``good_k`` and
        ``pareto_k`` are None (no importance sampling).
    beta : float
        Inverse temperature β of the draws (``data.attrs["beta"]``, 1.0 if absent).
    functional_variance : float
        :math:`V_n = \\sum_i \\operatorname{Var}_w[\\log p(y_i \\mid x_i, w)]`.
    singular_fluctuation : float
        :math:`\\hat ν = β V_n / 2`; :math:`d/2` for a regular model with d parameters.
    p_waic_i : xarray.DataArray or None
        Pointwise :math:`β \\operatorname{Var}_w[\\log p(y_i \\mid x_i, w)]` (dims ``obs_id``)
        when ``pointwise=True``.
    """

    _kind: ClassVar[str] = "waic"

    beta: float
    functional_variance: float
    singular_fluctuation: float
    p_waic_i: xr.DataArray | None = None

    def _table(self) -> str:
        return (
            super()._table()
            + f"\n\nfunctional variance V_n = {self.functional_variance:.2f}, "
            + f"singular fluctuation ν̂ = β V_n / 2 = {self.singular_fluctuation:.2f} "
            + f"(β = {self.beta:.4g})"
        )


class _WAICTerms(NamedTuple):
    """Output of :func:`_waic_from_loglik`; pointwise arrays have the non-sample shape."""

    elpd: float
    se: float
    p: float
    elpd_i: np.ndarray
    var_i: np.ndarray
    n_samples: int
    warning: bool


def _waic_from_loglik(
    log_lik: np.ndarray, axis: tuple[int, ...] = (0, 1), beta: float = 1.0
) -> _WAICTerms:
    """WAIC terms from an array of :math:`\\log p(y_i \\mid x_i, w_s)`.

    Parameters
    ----------
    log_lik : ndarray
        Log-likelihood values; the axes in ``axis`` index draws :math:`w_s`, every other
        element is one observation.
    axis : tuple of int, default (0, 1)
        Sample axes (chain and draw).
    beta : float, default 1.0
        Inverse temperature of the draws; it multiplies the functional variance in the penalty.

    Returns
    -------
    _WAICTerms
        ``elpd`` :math:`= \\sum_i (\\mathrm{lppd}_i - β v_i)`, ``se``
        :math:`= \\sqrt{n \\operatorname{var}(\\mathrm{elpd}_i)}`, ``p`` :math:`= β \\sum_i v_i`,
        the pointwise ``elpd_i`` and ``var_i`` :math:`= v_i`, ``n_samples`` and ``warning``
        (some :math:`v_i > 0.4`). Variances use ``ddof=0``, as legacy ArviZ did.
    """
    log_lik = np.asarray(log_lik, dtype=float)
    axis = normalize_axis_tuple(axis, log_lik.ndim)
    n_samples = int(np.prod([log_lik.shape[a] for a in axis]))
    lppd_i = logsumexp(log_lik, axis=axis) - np.log(n_samples)
    var_i = np.var(log_lik, axis=axis)
    elpd_i = lppd_i - beta * var_i
    return _WAICTerms(
        elpd=float(elpd_i.sum()),
        se=float(np.sqrt(elpd_i.size * np.var(elpd_i))),
        p=float(beta * var_i.sum()),
        elpd_i=elpd_i,
        var_i=var_i,
        n_samples=n_samples,
        warning=bool(np.any(var_i > VAR_WARN)),
    )


def _var_names(var_name: object) -> list[str] | None:
    """``var_name`` as a non-empty list of names (or None for all), with clear errors."""
    if var_name is None:
        return None
    if isinstance(var_name, str):
        return [var_name]
    if not isinstance(var_name, Sequence) or not all(isinstance(v, str) for v in var_name):
        raise TypeError(
            f"var_name must be None, a string or a sequence of strings (observed variable names "
            f"in the log_likelihood group), got {type(var_name).__name__} {var_name!r}."
        )
    if not var_name:
        raise ValueError("var_name is empty; give at least one name, or None for all.")
    return list(var_name)


def waic(
    data: xr.DataTree, *, var_name: str | Sequence[str] | None = None, pointwise: bool = True
) -> ELPDDataWAIC:
    """Widely applicable information criterion, with the functional variance and ν̂.

    Parameters
    ----------
    data : xarray.DataTree, arviz.InferenceData or xarray.Dataset
        Draws with a ``log_likelihood`` group of elementwise :math:`\\log p(y_i \\mid x_i, w)`
        (as :func:`pymc_slt.sample_tempered` writes it; add it to a ``pm.sample`` result with
        ``pm.compute_log_likelihood(idata, model=model)``). Its ``attrs["beta"]`` is the inverse
        temperature of the draws (1.0 if absent, as for ``pm.sample``'s). An ``xarray.Dataset``
        is read as the ``log_likelihood`` group itself (β from its attrs).
    var_name : str or sequence of str, optional
        Observed variable(s) to use. Default: all, combined as in
        :func:`pymc_slt.base.loglik.pointwise_log_likelihood` (observations along each variable's
        first axis, trailing axes summed; variables of equal length are added per observation,
        others are concatenated).
    pointwise : bool, default True
        Keep the pointwise ``elpd_i`` and ``p_waic_i``; ``arviz_stats.compare`` needs them.

    Returns
    -------
    ELPDDataWAIC
        ``elpd`` :math:`= -n W_n`, ``se``, ``p`` :math:`= β V_n`, ``n_samples``,
        ``n_data_points`` :math:`= n`, ``scale="log"``, ``warning``, ``elpd_i`` and, beyond
        ArviZ, ``beta``, ``functional_variance`` :math:`V_n`, ``singular_fluctuation``
        :math:`\\hat ν = β V_n/2` and ``p_waic_i``.

    Raises
    ------
    TypeError
        If ``data`` is not a DataTree/InferenceData/Dataset or ``var_name`` is not a string
        (or strings).
    ValueError
        If ``data`` has no ``log_likelihood`` group, ``var_name`` is not in it, it holds
        non-finite values, there are fewer than 2 draws, or ``attrs["beta"]`` is not > 0.

    Warns
    -----
    UserWarning
        If some pointwise :math:`\\operatorname{Var}_w[\\log p(y_i \\mid x_i, w)]` exceeds 0.4,
        where WAIC may start to fail (Vehtari, Gelman & Gabry 2017); PSIS-LOO
        (``arviz_stats.loo``) is the more robust choice then.

    Notes
    -----
    With :math:`E_w` and :math:`\\operatorname{Var}_w` over the draws (Watanabe 2010),

    .. math::

        W_n = T_n + \\frac{β}{n} V_n,\\qquad
        T_n = -\\frac1n \\sum_{i=1}^n \\log E_w[p(y_i \\mid x_i, w)],\\qquad
        V_n = \\sum_{i=1}^n \\operatorname{Var}_w[\\log p(y_i \\mid x_i, w)],

    reported as ArviZ does: :math:`\\mathrm{elpd}_{WAIC} = -n W_n`, :math:`p_{WAIC} = β V_n`,
    :math:`\\mathrm{se} = \\sqrt{n \\operatorname{var}_i(\\mathrm{elpd}_i)}`. At β = 1 (the
    ordinary posterior, and the only case legacy ArviZ knew) this is docs/theory.md's
    :math:`W_n = T_n + V_n/n`; for β ≠ 1 it is Watanabe's WAIC of the tempered posterior.
    Since :math:`E[V_n] \\to 2ν/β`, the singular fluctuation is estimated by
    :math:`\\hat ν = β V_n / 2`; regular models have :math:`ν = d/2`, singular ones
    :math:`ν < d/2` in general. :math:`V_n` depends on the data set, so :math:`\\hat ν`
    scatters around ν from one data set to another.

    References
    ----------
    .. [1] Watanabe, S. (2010). Asymptotic equivalence of Bayes cross validation and widely
       applicable information criterion in singular learning theory. JMLR 11, 3571–3594.
       https://jmlr.org/papers/v11/watanabe10a.html, arXiv:1004.2316.
    .. [2] Vehtari, A., Gelman, A. & Gabry, J. (2017). Practical Bayesian model evaluation using
       leave-one-out cross-validation and WAIC. Statistics and Computing 27, 1413–1432.
       https://doi.org/10.1007/s11222-016-9696-4, arXiv:1507.04544.

    Examples
    --------
    >>> import numpy as np, pymc as pm, pymc_slt as slt
    >>> from pymc_slt.criteria.waic import waic
    >>> rng = np.random.default_rng(0)
    >>> with pm.Model() as model:
    ...     w = pm.Normal("w", 0, 1)
    ...     _ = pm.Normal("y", w, 1, observed=rng.normal(size=50))
    >>> dt = slt.sample_tempered(model, sampler=slt.NUTS(draws=500, tune=500, chains=2),
    ...                          random_seed=1, progressbar=False)
    >>> res = waic(dt)
    >>> res.kind, res.n_data_points
    ('waic', 50)
    >>> 0.2 < res.singular_fluctuation < 0.8   # ν = d/2 = 0.5 for this regular model
    True
    """
    names = _var_names(var_name)
    if not isinstance(pointwise, bool):
        raise TypeError(f"pointwise must be True or False, got {pointwise!r}.")
    if not isinstance(data, xr.Dataset):
        data = as_draws(data, "WAIC", ("log_likelihood",))
    require_pointwise(data, "WAIC")
    log_lik = pointwise_log_likelihood(data, names)
    beta = draws_beta(data)
    values = log_lik.values
    if not np.all(np.isfinite(values)):
        n_bad = int(values.size - np.isfinite(values).sum())
        raise ValueError(
            f"the log_likelihood group holds {n_bad} non-finite value(s) (NaN or -inf); WAIC "
            "needs finite log p(y_i | w) for every draw. Check the model or drop those draws."
        )
    if values.shape[0] * values.shape[1] < 2:
        raise ValueError(
            f"WAIC needs at least 2 draws to estimate a variance, got {values.shape[0]} chain(s) "
            f"x {values.shape[1]} draw(s); sample more draws."
        )
    if not np.isclose(beta, 1.0):
        warnings.warn(
            f"data holds draws at beta={beta:.4g}, not 1: this WAIC estimates the generalization "
            "loss of the tempered posterior (Watanabe 2010, eq. (21)), and ν̂ its singular "
            "fluctuation, which is what a study of β wants but not what model comparison with "
            "LOO, log Z or arviz_stats.compare assumes. For model comparison sample at "
            "beta=1.0.",
            TemperedDrawsWarning,
            stacklevel=2,
        )
    terms = _waic_from_loglik(values, axis=(0, 1), beta=beta)
    if terms.warning:
        warnings.warn(
            f"For one or more observations the posterior variance of log p(y_i | w) exceeds "
            f"{VAR_WARN}, where WAIC may start to fail (Vehtari, Gelman & Gabry 2017, "
            "arXiv:1507.04544). Cross-check with PSIS-LOO (arviz_stats.loo).",
            UserWarning,
            stacklevel=2,
        )
    pointwise_arrays = {}
    if pointwise:
        pointwise_arrays = {
            "elpd_i": xr.DataArray(terms.elpd_i, dims=[OBS_DIM], name="elpd_waic"),
            "p_waic_i": xr.DataArray(beta * terms.var_i, dims=[OBS_DIM], name="p_waic"),
        }
    v_n = float(terms.var_i.sum())
    return ELPDDataWAIC(
        elpd=terms.elpd,
        se=terms.se,
        p=terms.p,
        n_samples=terms.n_samples,
        n_data_points=int(terms.elpd_i.size),
        scale="log",
        warning=terms.warning,
        good_k=None,
        beta=beta,
        functional_variance=v_n,
        singular_fluctuation=beta * v_n / 2,
        **pointwise_arrays,
    )
