"""Regular model builders: linear, polynomial and logistic regression.

A model is *regular* when the map from parameters to distributions is one-to-one and the Fisher
information is positive definite at the truth. Then the posterior is asymptotically Gaussian and
the learning coefficient and singular fluctuation both equal half the parameter count,

.. math::

    λ = ν = d/2, \\qquad m = 1,

so the free energy is :math:`F_n = n L_n(w_0) + (d/2) \\log n + O_p(1)` (BIC).

Every builder returns a plain ``pm.Model`` with the inputs as ``pm.Data("x")`` and the likelihood
as the observed variable ``"y"`` (``pm.Normal`` with ``mu=`` the regression function, or
``pm.Bernoulli`` with ``logit_p=``), and no per-observation deterministics. Combine with the
simulators of :mod:`pymc_slt.models.simulate`::

    d = simulate_linear(200, [1.0, -0.5], random_seed=0)
    model = linear_regression(d.x, d.y)

References
----------
Schwarz, G. (1978). Estimating the dimension of a model. Ann. Statist. 6(2), 461–464.
https://doi.org/10.1214/aos/1176344136

Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge University
Press. https://doi.org/10.1017/CBO9780511800474
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pymc as pm
import pytensor.tensor as pt

from pymc_slt._validate import validate_positive_int
from pymc_slt.models._arrays import (
    _as_data_vector,
    _as_matrix,
    _check_bool,
    _check_name,
    _check_same_n,
    _f64,
    _noise,
    _positive_float,
    _real_array,
)

__all__ = ["linear_regression", "logistic_regression", "polynomial_regression"]


def linear_regression(
    x: Any,
    y: Any,
    *,
    prior_sd: float = 10.0,
    noise_sd: float | None = 1.0,
    intercept: bool = False,
    name: str = "",
) -> pm.Model:
    """Linear regression with Gaussian noise: ``y_i = x_i·w [+ w_0] + ε_i``.

    .. math::

        y_i \\mid x_i, w \\sim N(x_i^\\top w + w_0,\\ σ^2), \\qquad
        w_j, w_0 \\sim N(0, \\text{prior\\_sd}^2).

    Parameters
    ----------
    x : array, shape (n, p) or (n,)
        Inputs, finite. A 1-D array is one feature, ``(n, 1)``.
    y : array, shape (n,)
        Outputs, finite.
    prior_sd : float, default 10.0
        Standard deviation of the zero-mean Normal prior on each coefficient (weakly informative
        for standardized data, so the likelihood dominates and ``λ = d/2`` shows cleanly).
    noise_sd : float or None, default 1.0
        Known noise standard deviation σ (the SLT reference values assume it known). ``None``
        gives σ a ``HalfNormal(1)`` prior as the free variable ``"sigma"``, which adds one
        parameter to ``d`` (standardize ``y`` first).
    intercept : bool, default False
        Add a free intercept ``"intercept"`` (one more parameter).
    name : str, default ""
        Name of the ``pm.Model``. PyMC prefixes every variable of a named model (``"name::w"``),
        so leave it empty unless you nest models.

    Returns
    -------
    pymc.Model
        Free variables ``"w"`` (shape ``(p,)``), optionally ``"intercept"`` and ``"sigma"``; data
        ``"x"`` (shape ``(n, p)``); observed ``"y"`` = ``pm.Normal(mu=x @ w [+ intercept])``.

    Raises
    ------
    TypeError
        If ``x`` or ``y`` is not numeric, or an option has the wrong type.
    ValueError
        If ``x`` or ``y`` holds NaN/inf or has the wrong number of dimensions, ``len(x) !=
        len(y)``, or ``prior_sd``/``noise_sd`` is not finite and > 0.

    Notes
    -----
    Parameter count ``d = p + intercept + (noise_sd is None)``. The model is regular wherever
    ``x`` has full column rank, so ``λ = ν = d/2`` and ``m = 1`` (see
    ``slt.theory.rlct_regular(d)``).

    References
    ----------
    Schwarz, G. (1978). Estimating the dimension of a model. Ann. Statist. 6(2), 461–464.
    https://doi.org/10.1214/aos/1176344136

    Examples
    --------
    >>> from pymc_slt.models.simulate import simulate_linear
    >>> d = simulate_linear(100, [1.0, 0.0, -2.0], random_seed=0)
    >>> model = linear_regression(d.x, d.y)
    >>> [v.name for v in model.free_RVs]
    ['w']
    """
    x = _as_matrix(x, "x")
    y = _as_data_vector(y, "y")
    _check_same_n(x, y)
    prior_sd = _f64(_positive_float(prior_sd, "prior_sd"))
    noise_sd = _positive_float(noise_sd, "noise_sd", allow_none=True)
    intercept = _check_bool(intercept, "intercept")
    with pm.Model(name=_check_name(name)) as model:
        x_data = pm.Data("x", x)
        w = pm.Normal("w", mu=0.0, sigma=prior_sd, shape=x.shape[1])
        mu = x_data @ w
        if intercept:
            mu = mu + pm.Normal("intercept", mu=0.0, sigma=prior_sd)
        pm.Normal("y", mu=mu, sigma=_noise(noise_sd), observed=y)
    return model


def polynomial_regression(
    x: Any,
    y: Any,
    degree: int,
    *,
    prior_sd: float = 10.0,
    noise_sd: float | None = 1.0,
    name: str = "",
) -> pm.Model:
    """Polynomial regression of one input: ``y_i = Σ_{k=0}^{D} w_k x_i^k + ε_i``.

    .. math::

        y_i \\mid x_i, w \\sim N\\Big(\\sum_{k=0}^{D} w_k x_i^k,\\ σ^2\\Big), \\qquad
        w_k \\sim N(0, \\text{prior\\_sd}^2).

    Parameters
    ----------
    x : array, shape (n,)
        One finite input per observation (``(n, 1)`` is accepted). Keep it in a moderate range
        such as [-1, 1]: powers of large inputs make the design ill-conditioned.
    y : array, shape (n,)
        Outputs, finite.
    degree : int
        Polynomial degree ``D >= 0``; coefficients ``w_0`` (constant) to ``w_D``.
    prior_sd : float, default 10.0
        Standard deviation of the zero-mean Normal prior on each coefficient.
    noise_sd : float or None, default 1.0
        Known noise standard deviation; ``None`` adds a free ``"sigma" ~ HalfNormal(1)``
        (one more parameter).
    name : str, default ""
        Name of the ``pm.Model`` (a non-empty name prefixes every variable, ``"name::w"``).

    Returns
    -------
    pymc.Model
        Free variable ``"w"`` of shape ``(D + 1,)`` in ascending powers (and ``"sigma"`` if
        ``noise_sd=None``); data ``"x"`` (shape ``(n,)``); observed ``"y"``.

    Raises
    ------
    TypeError
        If ``x``/``y`` is not numeric or ``degree`` is not an int.
    ValueError
        If ``x`` or ``y`` is not 1-D or holds NaN/inf, ``len(x) != len(y)``, ``degree < 0``, or
        ``prior_sd``/``noise_sd`` is not finite and > 0.

    Notes
    -----
    Parameter count ``d = D + 1 + (noise_sd is None)``. With at least ``D + 1`` distinct inputs
    the design has full rank and the model is regular: ``λ = ν = d/2``, ``m = 1``.

    References
    ----------
    Schwarz, G. (1978). Estimating the dimension of a model. Ann. Statist. 6(2), 461–464.
    https://doi.org/10.1214/aos/1176344136

    Examples
    --------
    >>> from pymc_slt.models.simulate import simulate_polynomial
    >>> d = simulate_polynomial(100, [0.5, 0.0, 1.0], random_seed=0)
    >>> model = polynomial_regression(d.x, d.y, degree=2)
    >>> model["w"].type.shape
    (3,)
    """
    x = _as_data_vector(x, "x")
    y = _as_data_vector(y, "y")
    _check_same_n(x, y)
    degree = validate_positive_int(degree, "degree", minimum=0)
    prior_sd = _f64(_positive_float(prior_sd, "prior_sd"))
    noise_sd = _positive_float(noise_sd, "noise_sd", allow_none=True)
    with pm.Model(name=_check_name(name)) as model:
        x_data = pm.Data("x", x)
        w = pm.Normal("w", mu=0.0, sigma=prior_sd, shape=degree + 1)
        design = pt.stack([x_data**k for k in range(degree + 1)], axis=1)
        pm.Normal("y", mu=design @ w, sigma=_noise(noise_sd), observed=y)
    return model


def logistic_regression(
    x: Any,
    y: Any,
    *,
    prior_sd: float = 2.5,
    intercept: bool = False,
    name: str = "",
) -> pm.Model:
    """Logistic regression: ``y_i ~ Bernoulli(σ(x_i·w [+ w_0]))``.

    .. math::

        \\operatorname{logit} P(y_i = 1 \\mid x_i, w) = x_i^\\top w + w_0, \\qquad
        w_j, w_0 \\sim N(0, \\text{prior\\_sd}^2).

    Parameters
    ----------
    x : array, shape (n, p) or (n,)
        Inputs, finite. A 1-D array is one feature.
    y : array, shape (n,)
        Labels, each 0 or 1 (bool is accepted).
    prior_sd : float, default 2.5
        Standard deviation of the zero-mean Normal prior on each coefficient (a weakly
        informative scale on the logit scale for standardized inputs, Gelman et al. 2008; it
        keeps the posterior proper under separation).
    intercept : bool, default False
        Add a free intercept ``"intercept"``.
    name : str, default ""
        Name of the ``pm.Model`` (a non-empty name prefixes every variable, ``"name::w"``).

    Returns
    -------
    pymc.Model
        Free variables ``"w"`` (shape ``(p,)``) and optionally ``"intercept"``; data ``"x"``;
        observed ``"y"`` = ``pm.Bernoulli(logit_p=x @ w [+ intercept])``.

    Raises
    ------
    TypeError
        If ``x``/``y`` is not numeric or an option has the wrong type.
    ValueError
        If ``x`` holds NaN/inf, ``y`` is not 1-D or holds values other than 0 and 1,
        ``len(x) != len(y)``, or ``prior_sd`` is not finite and > 0.

    Notes
    -----
    Parameter count ``d = p + intercept``; regular for full-rank ``x``: ``λ = ν = d/2``, ``m = 1``.

    References
    ----------
    Gelman, A., Jakulin, A., Pittau, M. G., & Su, Y.-S. (2008). A weakly informative default
    prior distribution for logistic and other regression models. Ann. Appl. Stat. 2(4),
    1360–1383. https://doi.org/10.1214/08-AOAS191

    Examples
    --------
    >>> from pymc_slt.models.simulate import simulate_logistic
    >>> d = simulate_logistic(200, [2.0, -1.0], random_seed=0)
    >>> model = logistic_regression(d.x, d.y, intercept=True)
    >>> [v.name for v in model.free_RVs]
    ['w', 'intercept']
    """
    x = _as_matrix(x, "x")
    y = _binary_vector(y)
    _check_same_n(x, y)
    prior_sd = _f64(_positive_float(prior_sd, "prior_sd"))
    intercept = _check_bool(intercept, "intercept")
    with pm.Model(name=_check_name(name)) as model:
        x_data = pm.Data("x", x)
        w = pm.Normal("w", mu=0.0, sigma=prior_sd, shape=x.shape[1])
        eta = x_data @ w
        if intercept:
            eta = eta + pm.Normal("intercept", mu=0.0, sigma=prior_sd)
        pm.Bernoulli("y", logit_p=eta, observed=y)
    return model


def _binary_vector(y: Any) -> np.ndarray:
    arr = _as_data_vector(_real_array(y, "y"), "y")
    bad = (arr != 0) & (arr != 1)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"y must hold binary labels 0/1 for logistic regression, got y[{i}] = {arr[i]!r}; "
            "recode the classes as 0 and 1."
        )
    return arr.astype(np.int64)
