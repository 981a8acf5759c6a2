"""The singular BIC of Drton & Plummer (2017) over a finite poset of models."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["chain_order", "sbic"]


def chain_order(k: int) -> np.ndarray:
    """The poset ``0 ≺ 1 ≺ … ≺ k − 1`` as :func:`sbic` takes it: ``order[i, j] = j <= i``.

    Examples
    --------
    >>> chain_order(3).astype(int)
    array([[1, 0, 0],
           [1, 1, 0],
           [1, 1, 1]])
    """
    return np.tril(np.ones((k, k), dtype=bool))


def sbic(
    loglik: Any,
    lambdas: Any,
    multiplicities: Any,
    n: float,
    *,
    prior: Any = None,
    order: Any = None,
    dims: Any = None,
) -> pd.DataFrame:
    """Singular BIC (Drton & Plummer 2017) of ``K`` models ordered by inclusion.

    Model ``i`` has maximum log-likelihood ``loglik[i]``; for each submodel ``j ⪯ i`` (``j = i``
    included), ``λ_ij`` and ``m_ij`` are the learning coefficient and multiplicity of model
    ``i`` at a truth in general position in model ``j``. With

    .. math::

        L'_{ij} = P(Y \\mid \\hat π_i)\\, n^{-λ_{ij}} (\\log n)^{m_{ij} - 1},

    the minimal models get ``L'(M_i) = L'_{ii}`` and every further model, in topological order,
    the positive root ``L = L'(M_i)`` of

    .. math::

        p_i L^2 + \\Big(\\sum_{j \\prec i} L'(M_j) p_j - L'_{ii} p_i\\Big) L
        - \\sum_{j \\prec i} L'_{ij} L'(M_j) p_j = 0,

    ``L'(M_i)`` approximating the marginal likelihood ``P(Y | M_i)``. Drton & Plummer's
    ``sBIC(M_i) = \\log L'(M_i)``; this function reports it, like BIC, on the **free-energy
    scale** ``−\\log L'(M_i)`` (≈ ``F = −log Z``, lower is better), next to
    ``bic = −loglik + (d_i/2) \\log n``.

    Parameters
    ----------
    loglik : array_like, shape (K,)
        Maximum log-likelihood of each model, finite.
    lambdas : array_like, shape (K, K)
        ``lambdas[i, j] = λ_ij``, read only where ``order[i, j]`` is True; finite and >= 0
        (0 is a model without free parameters, e.g. rank-0 regression with known noise).
    multiplicities : array_like, shape (K, K)
        ``multiplicities[i, j] = m_ij``, read where ``order[i, j]``; integers >= 1.
    n : float
        Sample size, > 1.
    prior : array_like, shape (K,), optional
        Prior probabilities (or weights) of the models, > 0; normalised here. Default uniform.
    order : array_like of bool, shape (K, K), optional
        The poset: ``order[i, j]`` is True iff model ``j`` is a submodel of model ``i``
        (``j ⪯ i``). It must be reflexive, antisymmetric and transitive. Default
        :func:`chain_order` ``(K)``: ``0 ≺ 1 ≺ … ≺ K − 1``.
    dims : array_like, shape (K,), optional
        Parameter counts ``d_i`` for the ``bic`` column. Default ``2 λ_ii``, which is the
        dimension when each model is regular at its own generic points (true of every family
        in :mod:`pymc_slt.selection`); pass ``dims`` when ``λ_ii < d_i/2``.

    Returns
    -------
    pandas.DataFrame
        One row per model (index ``model`` = 0..K−1) with columns ``loglik``, ``lambda``
        (``λ_ii``), ``m`` (``m_ii``), ``dim``, ``bic``, ``sbic`` (both ``≈ −log Z``, lower is
        better), ``posterior`` (``∝ p_i L'(M_i)``, summing to 1) and ``selected`` (True on the
        posterior mode, which is the lowest ``sbic`` under a uniform prior).
        ``df.attrs["selected"]`` and ``df.attrs["selected_bic"]`` hold the indices chosen by
        sBIC and by BIC (lowest ``bic − log p_i``), ``df.attrs["n"]`` the sample size.

    Raises
    ------
    TypeError
        If an argument is not numeric (``order`` not boolean).
    ValueError
        If shapes disagree, ``order`` is not a partial order, a ``λ`` is negative or not
        finite, an ``m`` is not an integer >= 1, a log-likelihood is not finite, ``n <= 1`` or
        a prior weight is not > 0.

    Notes
    -----
    Everything is computed in log space, model by model: the quadratic is divided by ``p_i``
    and its coefficients scaled by their own magnitude before the root is taken (the form
    ``2c / (|b| + \\sqrt{b^2 + 4c})`` when ``b > 0``), so ``n = 10^5`` and log-likelihoods of
    ``−10^6`` neither overflow nor lose the poor models to underflow.

    Exact relation to BIC: if ``λ_ij = λ_ii`` and ``m_ij = 1`` for every ``j ⪯ i``, the
    quadratic factors as ``(L − L'_{ii})(p_i L + Σ_{j≺i} L'(M_j) p_j) = 0``, so
    ``sbic = −loglik + λ_ii log n`` exactly, for every prior: with ``λ_ii = d_i/2`` it is BIC.

    The sBIC R package (0.2.0, ``R/sBIC-Function.R``) drops the ``(log n)^{m_ii − 1}`` factor
    from ``L'_ii``; here it is kept, as in the paper. The two agree whenever ``m_ii = 1``,
    which holds for every family of the package.

    References
    ----------
    Drton, M., & Plummer, M. (2017). A Bayesian information criterion for singular models.
    Journal of the Royal Statistical Society B 79(2), 323–380.
    https://doi.org/10.1111/rssb.12187

    Examples
    --------
    Two nested models, the larger singular at the smaller (``λ_10 = 1 < λ_11 = 1.5``):

    >>> df = sbic([-100.0, -98.0], [[0.5, np.nan], [1.0, 1.5]], [[1, 0], [1, 1]], n=100)
    >>> df["bic"].round(3).tolist(), df["sbic"].round(3).tolist()
    ([102.303, 104.908], [102.303, 102.969])
    >>> df.attrs["selected"]
    0
    """
    ll = _vector(loglik, "loglik")
    k = ll.size
    n_value = _sample_size(n)
    poset = chain_order(k) if order is None else _order(order, k)
    lam = _table(lambdas, "lambdas", k, poset)
    mult = _table(multiplicities, "multiplicities", k, poset)
    _check_lambdas(lam, poset)
    _check_multiplicities(mult, poset)
    log_p = np.log(_prior(prior, k))
    dim = 2 * np.diag(lam) if dims is None else _dims(dims, k)

    log_n = np.log(n_value)
    log_log_n = np.log(log_n)
    # log L'_ij, only meaningful where poset[i, j]
    log_lp = ll[:, None] - lam * log_n + (mult - 1) * log_log_n
    log_l = np.empty(k)
    for i in np.argsort(poset.sum(axis=1), kind="stable"):  # down-sets grow along the order
        below = np.flatnonzero(poset[i] & (np.arange(k) != i))
        log_l[i] = _root(log_lp[i, i], log_lp[i, below], log_l[below], log_p[below], log_p[i])

    bic = -ll + 0.5 * dim * log_n
    score = log_l + log_p
    posterior = np.exp(score - score.max())
    posterior /= posterior.sum()
    selected = int(np.argmax(score))
    df = pd.DataFrame(
        {
            "loglik": ll,
            "lambda": np.diag(lam),
            "m": np.diag(mult).astype(int),
            "dim": dim,
            "bic": bic,
            "sbic": -log_l,
            "posterior": posterior,
            "selected": np.arange(k) == selected,
        },
        index=pd.RangeIndex(k, name="model"),
    )
    df.attrs.update(selected=selected, selected_bic=int(np.argmin(bic - log_p)), n=n_value)
    return df


def _root(log_a: float, log_lij: Any, log_lj: Any, log_pj: Any, log_pi: float) -> float:
    """``log`` of the positive root of ``x² + (b − a) x − c = 0`` (the quadratic over ``p_i``).

    ``a = L'_ii``, ``b = Σ_j L'(M_j) p_j / p_i``, ``c = Σ_j L'_ij L'(M_j) p_j / p_i``, all
    given by their logs; ``b = c = 0`` (no submodel) gives ``x = a``.
    """
    if len(log_lj) == 0:
        return float(log_a)
    log_b = _logsumexp(log_lj + log_pj) - log_pi
    log_c = _logsumexp(log_lij + log_lj + log_pj) - log_pi
    scale = max(log_a, log_b, 0.5 * log_c)
    a, b = np.exp(log_a - scale), np.exp(log_b - scale)
    log_c_scaled = log_c - 2 * scale
    delta = a - b
    disc = np.sqrt(delta * delta + 4 * np.exp(log_c_scaled))
    if delta >= 0:
        return float(scale + np.log(0.5 * (delta + disc)))
    return float(scale + np.log(2.0) + log_c_scaled - np.log(disc - delta))


def _logsumexp(x: np.ndarray) -> float:
    top = float(np.max(x))
    return top + float(np.log(np.sum(np.exp(x - top))))


# --------------------------------------------------------------------------------------------
# validation
# --------------------------------------------------------------------------------------------


def _numeric(value: Any, name: str, what: str) -> np.ndarray:
    if isinstance(value, str | bytes):
        raise TypeError(f"{name} must be {what}, got the string {value!r}.")
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be {what}, got {type(value).__name__} {value!r}.") from err
    return arr


def _vector(value: Any, name: str) -> np.ndarray:
    arr = _numeric(value, name, "a 1-D array of maximum log-likelihoods, one per model")
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(
            f"{name} must be a non-empty 1-D array (one entry per model), got shape {arr.shape}."
        )
    if not np.all(np.isfinite(arr)):
        i = int(np.flatnonzero(~np.isfinite(arr))[0])
        raise ValueError(
            f"{name}[{i}] = {float(arr[i])} is not finite; every model needs a finite maximum "
            "log-likelihood (refit the model, or drop it from the collection)."
        )
    return arr


def _sample_size(n: Any) -> float:
    if isinstance(n, bool) or not isinstance(n, numbers.Real):
        raise TypeError(f"n must be the sample size (a number > 1), got {type(n).__name__} {n!r}.")
    value = float(n)
    if not np.isfinite(value) or value <= 1:
        raise ValueError(
            f"n must be finite and > 1, got {n!r}; pass the number of observations (log log n "
            "must be defined)."
        )
    return value


def _order(order: Any, k: int) -> np.ndarray:
    arr = np.asarray(order)
    if arr.dtype != bool:
        raise TypeError(
            f"order must be a boolean (K, K) array with order[i, j] = True iff model j is a "
            f"submodel of model i, got dtype {arr.dtype}; e.g. chain_order(K) for a chain."
        )
    if arr.shape != (k, k):
        raise ValueError(
            f"order must have shape (K, K) = ({k}, {k}) to match loglik, got {arr.shape}."
        )
    if not arr.diagonal().all():
        i = int(np.flatnonzero(~arr.diagonal())[0])
        raise ValueError(
            f"order is not reflexive: order[{i}, {i}] is False; every model is a submodel of "
            "itself, so set the diagonal to True."
        )
    both = arr & arr.T & ~np.eye(k, dtype=bool)
    if both.any():
        i, j = (int(v) for v in np.argwhere(both)[0])
        raise ValueError(
            f"order is not antisymmetric: order[{i}, {j}] and order[{j}, {i}] are both True, so "
            f"models {i} and {j} would be submodels of each other; merge them or drop one edge."
        )
    closure = (arr.astype(int) @ arr.astype(int)) > 0
    missing = closure & ~arr
    if missing.any():
        i, j = (int(v) for v in np.argwhere(missing)[0])
        raise ValueError(
            f"order is not transitive: model {j} is below a submodel of model {i} but "
            f"order[{i}, {j}] is False; pass the transitive closure (set it to True)."
        )
    return arr


def _table(value: Any, name: str, k: int, poset: np.ndarray) -> np.ndarray:
    arr = _numeric(value, name, "a (K, K) numeric array indexed [model, submodel]")
    if arr.shape != (k, k):
        raise ValueError(
            f"{name} must have shape (K, K) = ({k}, {k}) to match loglik, got {arr.shape}; "
            f"{name}[i, j] is read for every submodel j of model i."
        )
    return np.where(poset, arr, 0.0)


def _check_lambdas(lam: np.ndarray, poset: np.ndarray) -> None:
    bad = poset & ~(np.isfinite(lam) & (lam >= 0))
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise ValueError(
            f"lambdas[{i}, {j}] = {float(lam[i, j])} must be finite and >= 0 (a learning "
            f"coefficient; model {j} is a submodel of model {i}, so this entry is used)."
        )


def _check_multiplicities(mult: np.ndarray, poset: np.ndarray) -> None:
    bad = poset & ~(np.isfinite(mult) & (mult >= 1) & (mult == np.round(mult)))
    if bad.any():
        i, j = (int(v) for v in np.argwhere(bad)[0])
        raise ValueError(
            f"multiplicities[{i}, {j}] = {float(mult[i, j])} must be an integer >= 1 (the order of "
            "the pole of the zeta function; 1 for a regular model)."
        )


def _prior(prior: Any, k: int) -> np.ndarray:
    if prior is None:
        return np.full(k, 1.0 / k)
    arr = _numeric(prior, "prior", "a 1-D array of positive model weights")
    if arr.shape != (k,):
        raise ValueError(f"prior must have shape ({k},), one weight per model, got {arr.shape}.")
    if not np.all(np.isfinite(arr) & (arr > 0)):
        i = int(np.flatnonzero(~(np.isfinite(arr) & (arr > 0)))[0])
        raise ValueError(
            f"prior[{i}] = {float(arr[i])} must be finite and > 0; drop a model rather than giving "
            "it prior weight 0 (weights are normalised, e.g. prior=None is uniform)."
        )
    return arr / arr.sum()


def _dims(dims: Any, k: int) -> np.ndarray:
    arr = _numeric(dims, "dims", "a 1-D array of parameter counts")
    if arr.shape != (k,):
        raise ValueError(f"dims must have shape ({k},), one count per model, got {arr.shape}.")
    if not np.all(np.isfinite(arr) & (arr >= 0)):
        raise ValueError(f"dims must hold finite counts >= 0, got {arr.tolist()}.")
    return arr
