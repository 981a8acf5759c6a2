"""Classify draws of a reduced-rank regression ``y = B·A·x`` by the effective rank of ``B·A``.

Part of :mod:`pymc_slt.phases.sweep` (import from there): the phases of a reduced-rank
regression are the ranks of its coefficient matrix, and :func:`rrr_phase` labels each draw.

References
----------
Aoyagi, M. & Watanabe, S. (2005). Stochastic complexities of reduced rank regression in Bayesian
estimation. Neural Networks 18(7), 924–933. https://doi.org/10.1016/j.neunet.2005.03.014
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any, Literal

import numpy as np
import xarray as xr

from pymc_slt.base.draws import as_draws

__all__ = ["CLASSIFIERS", "positive", "rrr_phase", "rrr_singular_values"]

_THRESHOLDS = ("noise_edge",)

# --------------------------------------------------------------------------------------------
# classifying draws of a reduced-rank regression
# --------------------------------------------------------------------------------------------


def rrr_singular_values(data: Any, *, var_names: tuple[str, str] = ("A", "B")) -> xr.DataArray:
    """Singular values of the map ``B·A`` per draw, largest first.

    Parameters
    ----------
    data : xarray.DataTree or arviz.InferenceData
        Draws with a ``posterior`` group holding ``A`` (chain, draw, H, M) and ``B``
        (chain, draw, N, H), as :func:`pymc_slt.models.reduced_rank_regression` names them
        (``pymc_slt.sample_tempered``'s or ``pm.sample``'s).
    var_names : (str, str), default ("A", "B")
        Names of the input-to-hidden and hidden-to-output weights.

    Returns
    -------
    xarray.DataArray
        Dims ``(chain, draw, component)``, ``min(H, M, N)`` components, descending.
    """
    return _singular_values(as_draws(data, "the singular values of B·A", ("posterior",)), var_names)


def _singular_values(data: xr.DataTree, var_names: tuple[str, str]) -> xr.DataArray:
    """:func:`rrr_singular_values` of draws already checked by ``as_draws``."""
    A, B = _rrr_weights(data, var_names)
    k = min(A.shape[-2], A.shape[-1], B.shape[-2])
    sv = np.linalg.svd(B @ A, compute_uv=False)[..., :k]
    post = data["posterior"].to_dataset()
    coords = {d: post[d].values for d in ("chain", "draw") if d in post.coords}
    return xr.DataArray(
        sv,
        dims=("chain", "draw", "component"),
        coords={**coords, "component": np.arange(1, k + 1)},
        name="singular_value",
    )


def rrr_phase(
    data: Any,
    threshold: float | Literal["noise_edge"] = "noise_edge",
    *,
    var_names: tuple[str, str] = ("A", "B"),
    noise_sd: float = 1.0,
    edge_factor: float = 1.0,
) -> xr.DataArray:
    """The phase of each draw of a reduced-rank regression: the effective rank of ``B·A``.

    Draw ``w = (A, B)`` is in phase ``k`` when ``k`` singular values :math:`s_j(BA)` are above
    their thresholds :math:`τ_j`; with ``H`` hidden units the phases are ``0, …, H``.

    Parameters
    ----------
    data : xarray.DataTree or arviz.InferenceData
        Draws of ``A`` (H, M) and ``B`` (N, H), with ``attrs["n"]`` (as
        :func:`pymc_slt.sample_tempered` writes it) for ``threshold="noise_edge"``; draws of
        ``pm.sample`` have no ``n``: give a number as ``threshold``, or set
        ``data.attrs["n"]``.
    threshold : float or "noise_edge", default "noise_edge"
        A number: one fixed threshold :math:`τ_j = τ` for every singular value. ``"noise_edge"``:
        the size a singular value reaches from noise alone (Notes),
        :math:`τ_j = c\\,σ\\,(\\sqrt{M - j + 1} + \\sqrt{N - j + 1})/\\sqrt{n}`.
    var_names : (str, str), default ("A", "B")
        Names of the weights in ``data["posterior"]``.
    noise_sd : float, default 1.0
        The noise standard deviation σ of the model (``reduced_rank_regression``'s default).
    edge_factor : float, default 1.0
        The factor ``c`` of the noise edge (for a sensitivity check; ignored for a number).

    Returns
    -------
    xarray.DataArray
        Integer phase per draw, dims ``(chain, draw)``, named ``"phase"``; attrs hold the
        thresholds.

    Raises
    ------
    TypeError
        If ``data`` is not a DataTree or InferenceData, or ``threshold`` is neither a number
        nor a string.
    ValueError
        If ``threshold`` is an unknown string or not finite and > 0, ``noise_sd``/``edge_factor``
        is not > 0, the weights are missing, or ``attrs["n"]`` is missing for ``"noise_edge"``.

    Notes
    -----
    Why the noise edge. With the first ``j − 1`` components fitted, the least-squares estimate of
    the rest of the map is pure noise on an :math:`(N - j + 1) × (M - j + 1)` block with
    i.i.d. :math:`N(0, σ^2/n)` entries (inputs :math:`x ∼ N(0, I_M)`); its largest singular value
    is about :math:`σ(\\sqrt{M - j + 1} + \\sqrt{N - j + 1})/\\sqrt n` (Gordon's bound, the
    Marchenko–Pastur edge). So a component above :math:`τ_j` is more than noise can make: the
    draw has left the rank-:math:`(j - 1)` singularity. A fixed threshold would not work across
    n: at small n the posterior of the lower phase spreads over :math:`O(1/\\sqrt n)`, which
    exceeds a small true singular value, so draws of the low phase would count as the high one.
    A two-component mixture on :math:`\\log s_j` is no better here: in the docs/theory.md example
    (M = N = 4, H = 2, :math:`s_2 = 0.15`) the posterior of :math:`s_2` is unimodal at every n
    we sampled (100 to 3200); the phases are two ends of one connected posterior, and the
    threshold decides where one ends. That choice moves each :math:`F_k` by O(1), the same order
    as the :math:`O_p(1)` term of the asymptotics (``edge_factor`` shows by how much).

    Examples
    --------
    >>> import numpy as np, xarray as xr
    >>> from pymc_slt.phases import rrr_phase
    >>> A = np.zeros((1, 2, 2, 4)); A[..., 0, 0] = 1.0; A[0, 1, 1, 1] = 0.5
    >>> B = np.zeros((1, 2, 4, 2)); B[..., 0, 0] = 1.0; B[0, 1, 1, 1] = 0.5
    >>> post = xr.Dataset({"A": (("chain", "draw", "h", "m"), A),
    ...                    "B": (("chain", "draw", "o", "h"), B)})
    >>> dt = xr.DataTree.from_dict({"posterior": post}); dt.attrs["n"] = 400
    >>> rrr_phase(dt).values.tolist()  # the second draw has s2 = 0.25 > 2·√3/20
    [[1, 2]]
    """
    data = as_draws(data, "the phase of a reduced-rank regression", ("posterior",))
    sv = _singular_values(data, var_names)
    noise_sd = positive(noise_sd, "noise_sd")
    edge_factor = positive(edge_factor, "edge_factor")
    k = sv.sizes["component"]
    if isinstance(threshold, str):
        if threshold not in _THRESHOLDS:
            raise ValueError(
                f"threshold must be a positive number or one of {list(_THRESHOLDS)}, got "
                f"{threshold!r}."
            )
        if "n" not in data.attrs:
            raise ValueError(
                "threshold='noise_edge' needs the number of observations in data.attrs['n'] "
                "(pymc_slt.sample_tempered writes it); set it or give a number."
            )
        M = data["posterior"][var_names[0]].shape[-1]
        N = data["posterior"][var_names[1]].shape[-2]
        j = np.arange(1, k + 1)
        edge = np.sqrt(M - j + 1) + np.sqrt(N - j + 1)
        tau = edge_factor * noise_sd * edge / np.sqrt(float(data.attrs["n"]))
    else:
        tau = np.full(k, positive(threshold, "threshold"))
    phase = (sv > xr.DataArray(tau, dims="component")).sum("component").astype(int)
    phase.name = "phase"
    phase.attrs["thresholds"] = tau
    return phase


#: Named classifiers accepted by :func:`phase_sweep` (``classify="reduced_rank"``).
CLASSIFIERS: dict[str, Callable[[xr.DataTree], xr.DataArray]] = {"reduced_rank": rrr_phase}


def _rrr_weights(data: xr.DataTree, var_names: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    post = data["posterior"]
    missing = [v for v in var_names if v not in post.data_vars]
    if missing:
        raise ValueError(
            f"var_names {missing} not in the posterior (it holds {list(post.data_vars)}); pass "
            "var_names=(input_weights, output_weights) of the reduced-rank regression."
        )
    A = np.asarray(post[var_names[0]].transpose("chain", "draw", ...))
    B = np.asarray(post[var_names[1]].transpose("chain", "draw", ...))
    if A.ndim != 4 or B.ndim != 4 or A.shape[-2] != B.shape[-1]:
        raise ValueError(
            f"{var_names[0]} must be (chain, draw, H, M) and {var_names[1]} (chain, draw, N, H), "
            f"got {A.shape} and {B.shape}."
        )
    return A, B


def positive(value: Any, name: str) -> float:
    """``value`` as a float after checking it is a finite real number > 0."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}.")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be finite and > 0, got {value!r}.")
    return float(value)
