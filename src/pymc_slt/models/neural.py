"""Neural-network builders: reduced-rank regression, one-hidden-layer tanh network, deep linear net.

These are the standard *singular* models: the parameter-to-function map is many-to-one (hidden
units can be permuted, rescaled between layers or switched off), the Fisher information is
degenerate on the set of true parameters, and the learning coefficient is below half the parameter
count, ``λ < d/2``.

* :func:`reduced_rank_regression`: ``y = B A x`` (a two-layer linear network), ``λ`` known exactly
  (Aoyagi & Watanabe 2005).
* :func:`tanh_network`: ``y = Σ_h b_h tanh(a_h·x [+ c_h])``; ``λ`` known for the zero-function
  truth.
* :func:`deep_linear_network`: ``y = W_L ⋯ W_1 x``; ``λ`` in Aoyagi (2024).

Every builder returns a plain ``pm.Model`` with data ``"x"`` and observed ``"y"``
(``pm.Normal(mu=f(x, w))``), Normal(0, ``prior_sd``²) priors on all weights (positive at the
singular truths, as the SLT values require), and no per-observation deterministics. Combine with
:mod:`pymc_slt.models.simulate`::

    B, A = reduced_rank_truth(4, 4, 1, random_seed=0)
    d = simulate_reduced_rank(500, B, A, random_seed=0)
    model = reduced_rank_regression(d.x, d.y, H=2)

The default ``prior_sd = 1.0`` keeps the non-identifiable directions (``B c``, ``A / c``) compact,
which NUTS needs; the learning coefficient does not depend on the prior as long as it is positive
and smooth at the truth.

References
----------
Aoyagi, M., & Watanabe, S. (2005). Stochastic complexities of reduced rank regression in Bayesian
estimation. Neural Networks 18(7), 924–933. https://doi.org/10.1016/j.neunet.2005.03.014

Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge University
Press. https://doi.org/10.1017/CBO9780511800474

Aoyagi, M. (2024). Consideration on the learning efficiency of multiple-layered neural networks
with linear units. Neural Networks 172, 106132. https://doi.org/10.1016/j.neunet.2024.106132
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from itertools import pairwise
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
)

__all__ = ["deep_linear_network", "reduced_rank_regression", "tanh_network"]


def reduced_rank_regression(
    x: Any,
    y: Any,
    H: int,
    *,
    prior_sd: float = 1.0,
    noise_sd: float | None = 1.0,
    name: str = "",
) -> pm.Model:
    """Reduced-rank regression ``y = B A x + ε``: a two-layer linear network with H hidden units.

    .. math::

        y_i \\mid x_i, A, B \\sim N_N(B A x_i,\\ σ^2 I_N), \\qquad
        A_{hm}, B_{kh} \\sim N(0, \\text{prior\\_sd}^2),

    with ``A`` of shape ``(H, M)`` (input → hidden) and ``B`` of shape ``(N, H)`` (hidden → output).

    Parameters
    ----------
    x : array, shape (n, M) or (n,)
        Inputs, finite (1-D means M = 1).
    y : array, shape (n, N) or (n,)
        Outputs, finite (1-D means N = 1; it is stored as ``(n, 1)``).
    H : int
        Number of hidden units (the rank of the model), >= 1.
    prior_sd : float, default 1.0
        Standard deviation of the Normal prior on every entry of ``A`` and ``B``.
    noise_sd : float or None, default 1.0
        Known noise standard deviation of every output; ``None`` adds a free
        ``"sigma" ~ HalfNormal(1)`` (one more parameter).
    name : str, default ""
        Name of the ``pm.Model`` (a non-empty name prefixes every variable, ``"name::A"``).

    Returns
    -------
    pymc.Model
        Free variables ``"A"`` (H, M) and ``"B"`` (N, H) (and ``"sigma"``); data ``"x"`` (n, M);
        observed ``"y"`` of shape (n, N), elementwise ``pm.Normal(mu=x @ A.T @ B.T)``.

    Raises
    ------
    TypeError
        If ``x``/``y`` is not numeric or ``H`` is not an int.
    ValueError
        If ``x`` or ``y`` holds NaN/inf or has more than 2 dimensions, ``len(x) != len(y)``,
        ``H < 1``, or ``prior_sd``/``noise_sd`` is not finite and > 0.

    Notes
    -----
    Parameter count ``d = H (M + N)`` (+1 with ``noise_sd=None``); the generic Fisher rank is
    ``H (M + N − H)`` (for ``H <= min(M, N)``): ``H²`` directions are flat because
    ``(B G⁻¹, G A)`` gives the same map for any invertible ``G``.

    With a true map of rank ``r <= H`` (Aoyagi & Watanabe 2005; ``slt.theory.rlct_reduced_rank(M,
    N, H, r)`` computes it):

    * if ``N + r <= M + H``, ``M + r <= N + H`` and ``H + r <= M + N``:
      ``λ = [2(H + r)(M + N) − (M − N)² − (H + r)²] / 8``, plus ``1/8`` if ``M + H + N + r`` is
      odd;
    * else if ``M + H < N + r``: ``λ = (HM − Hr + Nr)/2``;
    * else if ``N + H < M + r``: ``λ = (HN − Hr + Mr)/2``;
    * else (``M + N < H + r``): ``λ = MN/2``.

    E.g. ``(M, N, H, r) = (4, 3, 2, 1)`` gives ``λ = 4`` against ``d/2 = 7``.

    References
    ----------
    Aoyagi, M., & Watanabe, S. (2005). Stochastic complexities of reduced rank regression in
    Bayesian estimation. Neural Networks 18(7), 924–933.
    https://doi.org/10.1016/j.neunet.2005.03.014

    Examples
    --------
    >>> from pymc_slt.models.simulate import reduced_rank_truth, simulate_reduced_rank
    >>> B, A = reduced_rank_truth(4, 3, 1, random_seed=0)
    >>> d = simulate_reduced_rank(200, B, A, random_seed=0)
    >>> model = reduced_rank_regression(d.x, d.y, H=2)
    >>> [(v.name, v.type.shape) for v in model.free_RVs]
    [('A', (2, 4)), ('B', (3, 2))]
    """
    x = _as_matrix(x, "x")
    y = _as_matrix(y, "y")
    _check_same_n(x, y)
    H = validate_positive_int(H, "H")
    prior_sd = _f64(_positive_float(prior_sd, "prior_sd"))
    noise_sd = _positive_float(noise_sd, "noise_sd", allow_none=True)
    M, N = x.shape[1], y.shape[1]
    with pm.Model(name=_check_name(name)) as model:
        x_data = pm.Data("x", x)
        A = pm.Normal("A", mu=0.0, sigma=prior_sd, shape=(H, M))
        B = pm.Normal("B", mu=0.0, sigma=prior_sd, shape=(N, H))
        pm.Normal("y", mu=x_data @ A.T @ B.T, sigma=_noise(noise_sd), observed=y)
    return model


def tanh_network(
    x: Any,
    y: Any,
    H: int,
    *,
    bias: bool = False,
    prior_sd: float = 1.0,
    noise_sd: float | None = 1.0,
    name: str = "",
) -> pm.Model:
    """One-hidden-layer tanh network with scalar output: ``y = Σ_h b_h tanh(a_h·x [+ c_h]) + ε``.

    .. math::

        y_i \\mid x_i, a, b \\sim N\\Big(\\sum_{h=1}^H b_h \\tanh(a_h^\\top x_i + c_h),\\ σ^2\\Big),
        \\qquad a_{hm}, b_h, c_h \\sim N(0, \\text{prior\\_sd}^2).

    Parameters
    ----------
    x : array, shape (n, M) or (n,)
        Inputs, finite (1-D means M = 1).
    y : array, shape (n,)
        Outputs, finite.
    H : int
        Number of hidden units, >= 1.
    bias : bool, default False
        Add hidden-unit biases ``c_h`` (free variable ``"c"``). The known learning coefficient
        below is for ``bias=False``.
    prior_sd : float, default 1.0
        Standard deviation of the Normal prior on every weight.
    noise_sd : float or None, default 1.0
        Known noise standard deviation; ``None`` adds a free ``"sigma" ~ HalfNormal(1)``.
    name : str, default ""
        Name of the ``pm.Model`` (a non-empty name prefixes every variable, ``"name::a"``).

    Returns
    -------
    pymc.Model
        Free variables ``"a"`` (H, M), ``"b"`` (H,), and ``"c"`` (H,) if ``bias`` (and
        ``"sigma"``); data ``"x"`` (n, M); observed ``"y"`` (n,).

    Raises
    ------
    TypeError
        If ``x``/``y`` is not numeric, ``H`` is not an int or ``bias`` not a bool.
    ValueError
        If ``x`` or ``y`` holds NaN/inf or has the wrong number of dimensions,
        ``len(x) != len(y)``, ``H < 1``, or ``prior_sd``/``noise_sd`` is not finite and > 0.

    Notes
    -----
    Parameter count ``d = H (M + 1)``, plus ``H`` with ``bias=True`` and 1 with
    ``noise_sd=None``. The model is singular: permuting units, flipping the sign of
    ``(a_h, b_h)`` (or ``(a_h, b_h, c_h)``) and switching a unit off (``b_h = 0``, any ``a_h``)
    leave the function unchanged.

    For one input (``M = 1``), no bias, and the zero function as truth (data simulated with
    ``simulate_tanh_network(n)``), the learning coefficient is (Aoyagi & Watanabe 2005, IEICE;
    quoted in Watanabe 2009)

    .. math::

        λ = \\frac{H + i^2 + i}{4i + 2}, \\qquad i = \\lfloor \\sqrt{H} \\rfloor,

    e.g. ``λ = 1/2`` for ``H = 1`` (``b·tanh(a x) ≈ a b x``), against ``d/2 = H``
    (``slt.theory.rlct_tanh_network(H)``).

    References
    ----------
    Aoyagi, M., & Watanabe, S. (2005). Resolution of singularities and the generalization error
    with Bayesian estimation for layered neural network. IEICE Trans. J88-D-II(10), 2112–2124
    (in Japanese).

    Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge
    University Press. https://doi.org/10.1017/CBO9780511800474

    Examples
    --------
    >>> from pymc_slt.models.simulate import simulate_tanh_network
    >>> d = simulate_tanh_network(200, random_seed=0)
    >>> model = tanh_network(d.x, d.y, H=3)
    >>> [(v.name, v.type.shape) for v in model.free_RVs]
    [('a', (3, 1)), ('b', (3,))]
    """
    x = _as_matrix(x, "x")
    y = _as_data_vector(y, "y")
    _check_same_n(x, y)
    H = validate_positive_int(H, "H")
    bias = _check_bool(bias, "bias")
    prior_sd = _f64(_positive_float(prior_sd, "prior_sd"))
    noise_sd = _positive_float(noise_sd, "noise_sd", allow_none=True)
    with pm.Model(name=_check_name(name)) as model:
        x_data = pm.Data("x", x)
        a = pm.Normal("a", mu=0.0, sigma=prior_sd, shape=(H, x.shape[1]))
        b = pm.Normal("b", mu=0.0, sigma=prior_sd, shape=H)
        pre = x_data @ a.T
        if bias:
            pre = pre + pm.Normal("c", mu=0.0, sigma=prior_sd, shape=H)
        pm.Normal("y", mu=pt.tanh(pre) @ b, sigma=_noise(noise_sd), observed=y)
    return model


def deep_linear_network(
    x: Any,
    y: Any,
    widths: Sequence[int],
    *,
    prior_sd: float = 1.0,
    noise_sd: float | None = 1.0,
    name: str = "",
) -> pm.Model:
    """Deep linear network ``y = W_L ⋯ W_2 W_1 x + ε`` with hidden widths ``H_1, …, H_{L−1}``.

    .. math::

        y_i \\mid x_i, W \\sim N_N(W_L \\cdots W_1 x_i,\\ σ^2 I_N), \\qquad
        (W_l)_{jk} \\sim N(0, \\text{prior\\_sd}^2),

    with ``W_l`` of shape ``(H_l, H_{l−1})``, ``H_0 = M`` inputs and ``H_L = N`` outputs.

    Parameters
    ----------
    x : array, shape (n, M) or (n,)
        Inputs, finite.
    y : array, shape (n, N) or (n,)
        Outputs, finite (1-D is stored as ``(n, 1)``).
    widths : sequence of int
        Hidden widths ``(H_1, …, H_{L−1})``, at least one, each >= 1. ``widths=(H,)`` is
        :func:`reduced_rank_regression` with ``A = W1`` and ``B = W2``.
    prior_sd : float, default 1.0
        Standard deviation of the Normal prior on every weight.
    noise_sd : float or None, default 1.0
        Known noise standard deviation; ``None`` adds a free ``"sigma" ~ HalfNormal(1)``.
    name : str, default ""
        Name of the ``pm.Model`` (a non-empty name prefixes every variable, ``"name::W1"``).

    Returns
    -------
    pymc.Model
        Free variables ``"W1"``, …, ``"WL"`` (``L = len(widths) + 1``), ``"Wl"`` of shape
        ``(H_l, H_{l−1})`` (and ``"sigma"``); data ``"x"`` (n, M); observed ``"y"`` (n, N),
        elementwise ``pm.Normal(mu=x @ W1.T @ ⋯ @ WL.T)``.

    Raises
    ------
    TypeError
        If ``x``/``y`` is not numeric or ``widths`` is not a sequence of ints.
    ValueError
        If ``x`` or ``y`` holds NaN/inf or has more than 2 dimensions, ``len(x) != len(y)``,
        ``widths`` is empty or holds a width < 1, or ``prior_sd``/``noise_sd`` is not finite and
        > 0.

    Notes
    -----
    Parameter count ``d = Σ_{l=1}^{L} H_l H_{l−1}`` (+1 with ``noise_sd=None``). The function
    is the product ``W_L ⋯ W_1`` of rank at most ``min_l H_l``; Aoyagi (2024) gives the exact
    learning coefficient for a true product of rank ``r`` and shows it stays bounded as the
    number of layers grows, far below ``d/2``; ``slt.theory.rlct_deep_linear(M, N, widths, r)``
    computes it. For one hidden layer it is the reduced-rank value
    (``slt.theory.rlct_reduced_rank``).

    References
    ----------
    Aoyagi, M. (2024). Consideration on the learning efficiency of multiple-layered neural
    networks with linear units. Neural Networks 172, 106132.
    https://doi.org/10.1016/j.neunet.2024.106132

    Examples
    --------
    >>> from pymc_slt.models.simulate import reduced_rank_truth, simulate_reduced_rank
    >>> B, A = reduced_rank_truth(3, 2, 1, random_seed=0)
    >>> d = simulate_reduced_rank(100, B, A, random_seed=0)
    >>> model = deep_linear_network(d.x, d.y, widths=(2, 2))
    >>> [(v.name, v.type.shape) for v in model.free_RVs]
    [('W1', (2, 3)), ('W2', (2, 2)), ('W3', (2, 2))]
    """
    x = _as_matrix(x, "x")
    y = _as_matrix(y, "y")
    _check_same_n(x, y)
    hidden = _widths(widths)
    prior_sd = _f64(_positive_float(prior_sd, "prior_sd"))
    noise_sd = _positive_float(noise_sd, "noise_sd", allow_none=True)
    sizes = (x.shape[1], *hidden, y.shape[1])
    with pm.Model(name=_check_name(name)) as model:
        mu = pm.Data("x", x)
        for layer, (fan_in, fan_out) in enumerate(pairwise(sizes), 1):
            W = pm.Normal(f"W{layer}", mu=0.0, sigma=prior_sd, shape=(fan_out, fan_in))
            mu = mu @ W.T
        pm.Normal("y", mu=mu, sigma=_noise(noise_sd), observed=y)
    return model


def _widths(widths: Any) -> tuple[int, ...]:
    if isinstance(widths, str | bytes) or np.ndim(widths) != 1:
        raise TypeError(
            f"widths must be a sequence of hidden-layer widths such as (3, 2), got {widths!r}."
        )
    out = []
    for j, h in enumerate(widths):
        if isinstance(h, bool) or not isinstance(h, numbers.Integral):
            raise TypeError(f"widths must hold integers, got widths[{j}] = {h!r}.")
        if h < 1:
            raise ValueError(f"widths must hold widths >= 1, got widths[{j}] = {h}.")
        out.append(int(h))
    if not out:
        raise ValueError(
            "widths is empty; give at least one hidden width, e.g. (2,). With no hidden layer the "
            "model is a (regular) linear regression: use linear_regression."
        )
    return tuple(out)
