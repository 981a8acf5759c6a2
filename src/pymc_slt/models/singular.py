"""Minimal singular models: the normal-crossing toy ``y = x ∏_j w_j^{k_j} + ε``.

Resolution of singularities (Hironaka) says that any analytic model, near its true parameters,
looks locally like a *normal crossing* ``K(w) = ∏_j w_j^{2k_j}`` in suitable coordinates; this
module builds that form directly, so its learning coefficient is known in closed form and the
estimators of :mod:`pymc_slt.analysis` can be checked against it.

References
----------
Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge University
Press. https://doi.org/10.1017/CBO9780511800474
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pymc as pm

from pymc_slt.models._arrays import (
    _as_data_vector,
    _check_name,
    _check_same_n,
    _f64,
    _noise,
    _positive_float,
    _powers,
)

__all__ = ["normal_crossing"]


def normal_crossing(
    x: Any,
    y: Any,
    powers: Sequence[int],
    *,
    prior_sd: float = 1.0,
    noise_sd: float | None = 1.0,
    name: str = "",
) -> pm.Model:
    """Normal-crossing regression ``y = x ∏_j w_j^{k_j} + ε`` with one vector parameter ``w``.

    .. math::

        y_i \\mid x_i, w \\sim N\\Big(x_i \\prod_{j=1}^{K} w_j^{k_j},\\ σ^2\\Big), \\qquad
        w_j \\sim N(0, \\text{prior\\_sd}^2).

    ``powers=(1, 1)`` is ``y = a b x``; ``powers=(1, 2)`` is ``y = a b² x``.

    Parameters
    ----------
    x : array, shape (n,)
        One finite input per observation (``(n, 1)`` is accepted).
    y : array, shape (n,)
        Outputs, finite.
    powers : sequence of int
        Exponents ``(k_1, …, k_K)``, each a positive integer.
    prior_sd : float, default 1.0
        Standard deviation of the Normal prior on each ``w_j`` (positive at ``w = 0``, as the
        theory requires).
    noise_sd : float or None, default 1.0
        Known noise standard deviation; ``None`` adds a free ``"sigma" ~ HalfNormal(1)``
        (one more parameter; the λ below assumes σ known).
    name : str, default ""
        Name of the ``pm.Model`` (a non-empty name prefixes every variable, ``"name::w"``).

    Returns
    -------
    pymc.Model
        One free variable ``"w"`` of shape ``(K,)`` with ``K = len(powers)`` (and ``"sigma"``);
        data ``"x"`` (n,); observed ``"y"`` (n,) = ``pm.Normal(mu=x * ∏_j w[j]**k_j)``.

    Raises
    ------
    TypeError
        If ``x``/``y`` is not numeric or ``powers`` is not a sequence of ints.
    ValueError
        If ``x`` or ``y`` is not 1-D or holds NaN/inf, ``len(x) != len(y)``, ``powers`` is empty
        or holds an exponent < 1, or ``prior_sd``/``noise_sd`` is not finite and > 0.

    Notes
    -----
    Parameter count ``d = K`` (+1 with ``noise_sd=None``). With ``E[x²] = 1`` and known σ the
    average log-loss excess is ``K(w) = ∏_j w_j^{2k_j} / (2σ²)``, already in normal-crossing form.
    At the truth ``w = 0`` (``simulate_normal_crossing(n, powers)``) the learning coefficient and
    its multiplicity are

    .. math::

        λ = \\min_j \\frac{1}{2k_j}, \\qquad m = \\#\\{j : 1/(2k_j) = λ\\},

    so ``a b x`` has ``λ = 1/2, m = 2`` and ``a b² x`` has ``λ = 1/4, m = 1``, against the
    regular ``d/2 = 1``. (``slt.theory.rlct_normal_crossing(powers)`` returns these.) The product
    is written as explicit multiplications, so gradients are exact at ``w = 0``. With ``K = 1``
    and ``k = 1`` the model is regular (``λ = 1/2 = d/2``).

    References
    ----------
    Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*, Ch. 2 and 6.
    Cambridge University Press. https://doi.org/10.1017/CBO9780511800474

    Examples
    --------
    >>> from pymc_slt.models.simulate import simulate_normal_crossing
    >>> d = simulate_normal_crossing(200, (1, 2), random_seed=0)
    >>> model = normal_crossing(d.x, d.y, powers=(1, 2))
    >>> model["w"].type.shape
    (2,)
    """
    x = _as_data_vector(x, "x")
    y = _as_data_vector(y, "y")
    _check_same_n(x, y)
    k = _powers(powers)
    prior_sd = _f64(_positive_float(prior_sd, "prior_sd"))
    noise_sd = _positive_float(noise_sd, "noise_sd", allow_none=True)
    with pm.Model(name=_check_name(name)) as model:
        x_data = pm.Data("x", x)
        w = pm.Normal("w", mu=0.0, sigma=prior_sd, shape=len(k))
        coef = w[0] ** k[0]
        for j in range(1, len(k)):
            coef = coef * w[j] ** k[j]
        pm.Normal("y", mu=x_data * coef, sigma=_noise(noise_sd), observed=y)
    return model
