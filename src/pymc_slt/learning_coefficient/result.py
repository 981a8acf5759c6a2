"""The result of :func:`pymc_slt.learning_coefficient` and its energies as a Dataset."""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import xarray as xr

from pymc_slt.base.result import Result

__all__ = ["LambdaJob", "LearningCoefficientResult", "ladder_dataset"]


@dataclass(frozen=True)
class LambdaJob:
    """The one argument of every λ estimator's ``run`` (the registry
    :data:`pymc_slt.learning_coefficient.methods.ESTIMATORS`), validated by
    :func:`pymc_slt.learning_coefficient`.

    Attributes
    ----------
    model : pymc.Model
        The model.
    method : str
        The estimator's name (one ``run`` serves ``"ladder"`` and ``"two_temperature"``).
    betas : numpy.ndarray
        The inverse temperatures, ascending.
    n : int
        Observations.
    sampler : NUTS, SMC or HMCSMC
        What samples; NUTS's ``target_accept`` None takes :data:`~.checks.DEFAULT_NUTS`.
    random_seed : int, Generator or None
        The seed.
    progressbar : bool
        Show sampling progress.
    rungs : list of xarray.DataTree, optional
        Reused ladder rungs (slope estimators).
    point : dict, optional
        w* (``"local"``).
    gamma : float
        Localization strength (``"local"``).
    """

    model: Any
    method: str
    betas: np.ndarray
    n: int
    sampler: Any
    random_seed: Any = None
    progressbar: bool = True
    rungs: list | None = None
    point: Mapping[str, Any] | None = None
    gamma: float = 0.0


@dataclass(frozen=True, slots=True)
class LearningCoefficientResult(Result):
    """An estimate of the learning coefficient λ and how it was obtained.

    Attributes
    ----------
    estimate : float
        :math:`\\hat λ`.
    se : float
        Its standard error: Monte-Carlo error of the energies, and for ``"ladder"`` the
        scatter of the rungs about the line when it exceeds that (Birge ratio). It does not
        include the finite-n bias discussed in :func:`learning_coefficient`.
    method : str
        ``"ladder"``, ``"two_temperature"`` or ``"local"``.
    betas : numpy.ndarray
        Inverse temperatures sampled, ascending.
    energies : numpy.ndarray
        :math:`E_β[n L_n(w)]` at each β (tempered, or localized for ``"local"``).
    diagnostics : dict
        ``n`` (observations), ``energy_se`` (Monte-Carlo error of each energy),
        ``energy_rhat`` and ``energy_ess`` (r̂ and bulk ESS of :math:`n L_n` per β),
        ``n_divergences``, ``max_rhat`` and ``min_ess_bulk`` (worst over all parameters and β),
        ``sampler``; for ``"ladder"`` also ``intercept`` (≈ :math:`n L_n(w_0)`) and ``chi2``; for
        ``"local"`` also ``gamma``, ``point`` (:math:`w^*`), ``point_energy``
        (:math:`n L_n(w^*)`), ``target_accept`` (of the run kept; None for SMC) and
        ``retried`` (whether the localized run was repeated at a higher ``target_accept``
        because of divergences).
    """

    estimate: float
    se: float
    method: str
    betas: np.ndarray
    energies: np.ndarray
    diagnostics: Mapping[str, Any] = field(default_factory=dict)

    def _arrays(self) -> dict[str, tuple[str, np.ndarray]]:
        return {"betas": ("rung", self.betas), "energies": ("rung", self.energies)}

    def __post_init__(self) -> None:
        self._freeze()

    @property
    def lam(self) -> float:
        """``estimate``: :math:`\\hat λ`."""
        return self.estimate

    def __repr__(self) -> str:
        n = self.diagnostics.get("n", "?")
        head = f"LearningCoefficientResult(method={self.method!r}, n={n})"
        lines = [head, f"{'':>10}{'Estimate':>12}{'SE':>10}"]
        lines.append(f"{'λ̂':>10}{self.estimate:>12.4f}{self.se:>10.4f}")
        lines.append(f"{'β':>10}{'E_β[nL_n]':>12}{'SE':>10}{'r̂':>8}{'ESS':>8}")
        ses = self.diagnostics.get("energy_se", [np.nan] * len(self.betas))
        rhats = self.diagnostics.get("energy_rhat", [np.nan] * len(self.betas))
        esss = self.diagnostics.get("energy_ess", [np.nan] * len(self.betas))
        for b, e, s, r, k in zip(self.betas, self.energies, ses, rhats, esss, strict=True):
            lines.append(f"{b:>10.4f}{e:>12.3f}{s:>10.3f}{r:>8.3f}{k:>8.0f}")
        if self.method == "local":
            lines.append(
                f"{'':>10}γ = {self.diagnostics['gamma']:.4g}, "
                f"n L_n(w*) = {self.diagnostics['point_energy']:.3f}"
            )
        return "\n".join(lines)


def ladder_dataset(result: LearningCoefficientResult, theory: float | None = None) -> xr.Dataset:
    """The energies of ``result`` along β, as :func:`~pymc_slt.plots.free_energy.plot_energy_ladder`
    and netCDF take them.

    Returns
    -------
    xarray.Dataset
        Data variables ``energy`` (:math:`E_β[n L_n(w)]`) and ``energy_se`` along ``beta``
        (coordinate = ``result.betas``); attrs ``estimate`` and ``se`` (:math:`\\hat λ`),
        ``method``, ``n`` when known and ``theory`` when given.

    Raises
    ------
    TypeError
        If ``result`` is not a :class:`LearningCoefficientResult` or ``theory`` not a number.
    ValueError
        If ``theory`` is not finite.
    """
    if not isinstance(result, LearningCoefficientResult):
        raise TypeError(
            f"result must be a LearningCoefficientResult (from learning_coefficient), got "
            f"{type(result).__name__}."
        )
    betas = np.asarray(result.betas, dtype=float)
    se = result.diagnostics.get("energy_se", np.full(betas.shape, np.nan))
    attrs: dict[str, Any] = {
        "estimate": float(result.estimate),
        "se": float(result.se),
        "method": result.method,
    }
    if result.diagnostics.get("n") is not None:
        attrs["n"] = int(result.diagnostics["n"])
    if theory is not None:
        if isinstance(theory, bool) or not isinstance(theory, numbers.Real):
            raise TypeError(f"theory must be a real number (λ) or None, got {theory!r}.")
        if not np.isfinite(theory):
            raise ValueError(f"theory must be finite, got {theory!r}.")
        attrs["theory"] = float(theory)
    return xr.Dataset(
        {
            "energy": ("beta", np.asarray(result.energies, dtype=float)),
            "energy_se": ("beta", np.asarray(se, dtype=float)),
        },
        coords={"beta": betas},
        attrs=attrs,
    )
