"""The phase transition between two phases of a sweep: observed crossing and prediction.

Part of :mod:`pymc_slt.phases.sweep` (import from there): :func:`phase_transition` reads a
:func:`~pymc_slt.phases.sweep.phase_sweep` table, :func:`predicted_transition_n` and
:func:`rrr_phase_prediction` give the leading-order prediction.

References
----------
Watanabe, S. (2018). *Mathematical Theory of Bayesian Statistics*, Ch. 9 (phase transitions).
CRC Press. https://doi.org/10.1201/9781315373010
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import brentq

from pymc_slt.phases.rrr import positive

__all__ = [
    "PhasePrediction",
    "PhaseTransition",
    "phase_transition",
    "predicted_transition_n",
    "rrr_phase_prediction",
]

# --------------------------------------------------------------------------------------------
# the transition: observed and predicted
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhaseTransition:
    """Per-n summary of a :func:`phase_sweep` between a low and a high phase.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per n: ``n``, ``n_seeds``; ``fraction_high`` (mean over data sets of the share
        of draws in the high phase) and ``fraction_high_se``; ``delta_free_energy``
        :math:`ΔF = F_\\text{low} - F_\\text{high}` (mean over data sets) and
        ``delta_free_energy_se``; with free energies in the sweep, ``local_free_energy_low``
        and ``local_free_energy_high`` (means). Standard errors are the spread over data sets
        divided by √(number of data sets) (Monte-Carlo error included) when there are at least
        two, else the Monte-Carlo error.
    low, high : int
        The phase labels compared.
    observed_n : float
        Where :math:`ΔF` first changes sign from negative to non-negative, interpolated linearly
        in log n between the two grid points around it; NaN if it never does.
    """

    table: pd.DataFrame
    low: int
    high: int
    observed_n: float

    def __repr__(self) -> str:
        head = (
            f"PhaseTransition(low={self.low}, high={self.high}, observed_n={self.observed_n:.4g})"
        )
        return head + "\n" + self.table.to_string(index=False, float_format=lambda v: f"{v:.4g}")


def phase_transition(runs: pd.DataFrame, low: int, high: int) -> PhaseTransition:
    """Summarize a :func:`phase_sweep` table as a transition from phase ``low`` to ``high``.

    Parameters
    ----------
    runs : pandas.DataFrame
        The result of :func:`phase_sweep`.
    low, high : int
        The phase that holds the posterior at small n (higher loss, smaller λ) and the one that
        takes over.

    Returns
    -------
    PhaseTransition
        Per-n table and the observed crossing ``observed_n``.

    Raises
    ------
    TypeError
        If ``runs`` is not a DataFrame.
    ValueError
        If it lacks the :func:`phase_sweep` columns, or ``low``/``high`` are equal or absent.

    Notes
    -----
    Per data set, :math:`ΔF = \\log\\tilde p_\\text{high} - \\log\\tilde p_\\text{low}` with
    delta-method se :math:`\\mathrm{se}_\\text{high}/\\tilde p_\\text{high} +
    \\mathrm{se}_\\text{low}/\\tilde p_\\text{low}` (exact to first order for two exhaustive
    phases, conservative otherwise). Averaging :math:`ΔF` over data sets estimates the expected
    local free energies, as :math:`E[F_n]` is the object of the asymptotic theory.
    """
    if not isinstance(runs, pd.DataFrame):
        raise TypeError(f"runs must be phase_sweep's DataFrame, got {type(runs).__name__}.")
    needed = {"n", "data_seed", "phase", "fraction", "se", "relative_free_energy"}
    if not needed <= set(runs.columns):
        raise ValueError(
            f"runs lacks columns {sorted(needed - set(runs.columns))}; pass phase_sweep's result."
        )
    present = set(runs["phase"])
    if low == high or low not in present or high not in present:
        raise ValueError(
            f"low and high must be two different phases of runs {sorted(present)}, got "
            f"low={low!r}, high={high!r}."
        )
    by = runs.set_index(["n", "data_seed", "phase"])
    lo, hi = by.xs(low, level="phase"), by.xs(high, level="phase")
    per_seed = pd.DataFrame(
        {
            "fraction_high": hi["fraction"],
            "fraction_high_mc_se": hi["se"],
            "delta_free_energy": lo["relative_free_energy"] - hi["relative_free_energy"],
            "delta_free_energy_mc_se": lo["relative_free_energy_se"]
            + hi["relative_free_energy_se"],
        }
    )
    if "local_free_energy" in runs.columns:
        per_seed["local_free_energy_low"] = lo["local_free_energy"]
        per_seed["local_free_energy_high"] = hi["local_free_energy"]
    rows = []
    for n, group in per_seed.groupby(level="n"):
        k = len(group)
        row = {"n": int(n), "n_seeds": k}
        for col in ("fraction_high", "delta_free_energy"):
            mc = float(np.sqrt((group[f"{col}_mc_se"] ** 2).sum()) / k)
            spread = float(group[col].std(ddof=1) / np.sqrt(k)) if k > 1 else mc
            row[col] = float(group[col].mean())
            row[f"{col}_se"] = spread
        for col in ("local_free_energy_low", "local_free_energy_high"):
            if col in group:
                row[col] = float(group[col].mean())
        rows.append(row)
    table = pd.DataFrame(rows)
    return PhaseTransition(table, int(low), int(high), _first_crossing(table))


def _first_crossing(table: pd.DataFrame) -> float:
    log_n = np.log(table["n"].to_numpy(dtype=float))
    df = table["delta_free_energy"].to_numpy()
    for j in range(len(df) - 1):
        if df[j] < 0 <= df[j + 1]:
            t = -df[j] / (df[j + 1] - df[j])
            return float(np.exp(log_n[j] + t * (log_n[j + 1] - log_n[j])))
    return float("nan")


@dataclass(frozen=True, slots=True)
class PhasePrediction:
    """Asymptotic local free energies of two phases and where they cross.

    Attributes
    ----------
    delta_loss_per_point : float
        :math:`ΔL = L(w_\\text{low}) - L(w_\\text{high}) > 0`, the loss excess per observation
        of the low phase (for Gaussian noise of unit variance: half the squared distance of the
        regression functions).
    lambdas : (float, float)
        Learning coefficients :math:`(λ_\\text{low}, λ_\\text{high})`, with
        :math:`λ_\\text{low} < λ_\\text{high}`.
    multiplicities : (int, int), default (1, 1)
        Their multiplicities :math:`(m_\\text{low}, m_\\text{high})`.

    Notes
    -----
    .. math::

        ΔF(n) = F_\\text{low} - F_\\text{high} ≈ n\\,ΔL - (λ_\\text{high} - λ_\\text{low})\\log n
        - (m_\\text{low} - m_\\text{high})\\log\\log n,

    up to an :math:`O_p(1)` constant, which moves the crossing by about
    :math:`1/(ΔL - Δλ/n)` in n per nat.

    Examples
    --------
    >>> from pymc_slt.phases import PhasePrediction
    >>> round(PhasePrediction(0.15**2 / 2, (5.0, 6.0)).transition_n)
    563
    """

    delta_loss_per_point: float
    lambdas: tuple[float, float]
    multiplicities: tuple[int, int] = (1, 1)

    def __post_init__(self) -> None:
        dl = positive(self.delta_loss_per_point, "delta_loss_per_point")
        lam = _pair(self.lambdas, "lambdas", float)
        mult = _pair(self.multiplicities, "multiplicities", int)
        if not lam[0] < lam[1]:
            raise ValueError(
                f"lambdas must be (λ_low, λ_high) with λ_low < λ_high, got {lam}; a phase that "
                "fits better and is simpler always wins, so there is no transition."
            )
        if min(mult) < 1:
            raise ValueError(f"multiplicities must be >= 1, got {mult}.")
        object.__setattr__(self, "delta_loss_per_point", dl)
        object.__setattr__(self, "lambdas", lam)
        object.__setattr__(self, "multiplicities", mult)

    def delta_free_energy(self, n: Any) -> np.ndarray:
        """:math:`ΔF(n) = F_\\text{low} - F_\\text{high}` from the leading terms (n > 1)."""
        n = np.asarray(n, dtype=float)
        (l0, l1), (m0, m1) = self.lambdas, self.multiplicities
        return self.delta_loss_per_point * n - (l1 - l0) * np.log(n) - (m0 - m1) * np.log(np.log(n))

    @property
    def transition_n(self) -> float:
        """The largest n where :math:`ΔF(n) = 0` (beyond it the high phase wins)."""
        grid = np.geomspace(3.0, 1e15, 2000)
        g = self.delta_free_energy(grid)
        below = np.flatnonzero(g < 0)
        if below.size == 0:
            raise ValueError(
                "the local free energies never cross: the loss excess outweighs the complexity "
                f"gain at every n (ΔL = {self.delta_loss_per_point:g}, λ = {self.lambdas})."
            )
        j = below[-1]
        return float(brentq(self.delta_free_energy, grid[j], grid[j + 1]))


def _pair(value: Any, name: str, kind: type) -> tuple:
    if isinstance(value, str | bytes) or np.ndim(value) != 1 or len(value) != 2:
        raise TypeError(f"{name} must be a pair (low, high), got {value!r}.")
    for v in value:
        if isinstance(v, bool) or not isinstance(v, numbers.Real) or not np.isfinite(v):
            raise TypeError(f"{name} must hold two finite numbers, got {value!r}.")
        if kind is int and int(v) != v:
            raise TypeError(f"{name} must hold integers, got {value!r}.")
    return tuple(kind(v) for v in value)


def predicted_transition_n(
    delta_loss_per_point: float,
    lambdas: tuple[float, float],
    multiplicities: tuple[int, int] = (1, 1),
) -> float:
    """The n where the local free energies of two phases cross, from their leading terms.

    Solves :math:`n\\,ΔL = (λ_\\text{high} - λ_\\text{low})\\log n + (m_\\text{low} -
    m_\\text{high})\\log\\log n` for its largest root (see :class:`PhasePrediction`).

    Parameters
    ----------
    delta_loss_per_point : float
        Loss excess per observation of the low phase, > 0.
    lambdas : (float, float)
        :math:`(λ_\\text{low}, λ_\\text{high})`, increasing.
    multiplicities : (int, int), default (1, 1)
        :math:`(m_\\text{low}, m_\\text{high})`.

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        For a non-positive ``delta_loss_per_point``, ``lambdas`` not increasing, multiplicities
        < 1, or if the two never cross.

    Examples
    --------
    The docs/theory.md example: M = N = 4, H = 2, rank-2 truth with :math:`s_2 = 0.15`; the rank-1
    phase has :math:`ΔL = s_2^2/2`, :math:`(λ, m) = (5, 2)`, the rank-2 phase :math:`(6, 1)`
    (``slt.theory.rlct_reduced_rank(4, 4, 2, r, with_multiplicity=True)`` for r = 1, 2).

    >>> from pymc_slt.phases import predicted_transition_n
    >>> round(predicted_transition_n(0.15**2 / 2, (5.0, 6.0)))  # without log log n
    563
    >>> round(predicted_transition_n(0.15**2 / 2, (5.0, 6.0), (2, 1)))
    757
    """
    return PhasePrediction(delta_loss_per_point, lambdas, multiplicities).transition_n


def rrr_phase_prediction(
    M: int, N: int, H: int, singular_values: Sequence[float], *, noise_sd: float = 1.0
) -> PhasePrediction:
    """The two competing phases of reduced-rank regression at a truth with a small component.

    With a rank-k truth (``singular_values`` s_1 ≥ … ≥ s_k, k ≤ H, inputs x ~ N(0, I_M)), the
    phase "rank k − 1" drops the smallest component: loss excess :math:`ΔL = s_k^2/(2σ^2)` per
    observation and learning coefficient λ(M, N, H, k − 1); the phase "rank k" fits the truth
    with λ(M, N, H, k) (Aoyagi & Watanabe 2005, with multiplicities).

    Parameters
    ----------
    M, N, H : int
        Inputs, outputs and hidden units of the model.
    singular_values : sequence of float
        The truth's nonzero singular values (k of them, 1 ≤ k ≤ H).
    noise_sd : float, default 1.0
        Noise standard deviation σ.

    Returns
    -------
    PhasePrediction
        Low phase rank k − 1, high phase rank k.

    Examples
    --------
    >>> round(rrr_phase_prediction(4, 4, 2, (1.0, 0.15)).transition_n)
    757
    """
    from pymc_slt.theory import rlct_reduced_rank

    values = sorted((positive(s, "singular_values") for s in singular_values), reverse=True)
    k = len(values)
    if not 1 <= k <= H:
        raise ValueError(f"singular_values must hold 1 to H={H} values, got {k}.")
    sigma = positive(noise_sd, "noise_sd")
    low = rlct_reduced_rank(M, N, H, k - 1, with_multiplicity=True)
    high = rlct_reduced_rank(M, N, H, k, with_multiplicity=True)
    return PhasePrediction(
        values[-1] ** 2 / (2 * sigma**2),
        (low.lam, high.lam),
        (low.multiplicity, high.multiplicity),
    )
