"""What a per-model quantity computes from: the model, the run's sampler, its seeds and options,
and the draws it shares with the other quantities of the same run."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pymc as pm
import xarray as xr

from pymc_slt.sampling.points import best_draw
from pymc_slt.sampling.samplers import SamplerSpec
from pymc_slt.sampling.tempered import sample_tempered

__all__ = ["RunContext"]


@dataclass
class RunContext:
    """One model's run: what every quantity of :data:`pymc_slt.quantities.QUANTITIES` gets.

    Attributes
    ----------
    model : pymc.Model
        The model.
    sampler : NUTS, SMC or HMCSMC
        The run's sampler value; a quantity whose options name a sampler of their own uses that
        one (:func:`pymc_slt.sampling.samplers.with_run_sampler`).
    seed : callable ``str -> int``
        The seed of each purpose: ``"tempered"`` (the draws at ``beta``), ``"posterior"`` (the
        β = 1 draws, when ``beta`` is not 1), and each quantity's own name.
    options : mapping of str to mapping
        Extra keyword arguments per quantity (``{"log_z": {"method": "smc"}}``).
    beta : float or None
        The run's inverse temperature: ``"energy"``, ``"draws"`` and ``"waic"`` use the draws at
        it. At β = 1 those draws are the posterior's, and the quantities that need the
        posterior (LOO, BIC, bridge sampling, the point of the local λ and of the Fisher rank)
        reuse them; otherwise they sample the posterior themselves, or (λ's point, the Fisher
        rank) do without it.
    caller : str, optional
        The public function the run serves (``"compare"``): loose sampler settings in its
        options are deprecated there and warn; a sweep's options hold them as its JSON form.
    """

    model: pm.Model
    sampler: SamplerSpec
    seed: Callable[[str], int]
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    beta: float | None = 1.0
    caller: str | None = None
    _draws: xr.DataTree | None = field(default=None, init=False, repr=False)
    _posterior: xr.DataTree | None = field(default=None, init=False, repr=False)
    _best: dict[str, Any] | None = field(default=None, init=False, repr=False)
    _errors: dict[str, Exception] = field(default_factory=dict, init=False, repr=False)

    @property
    def at_posterior(self) -> bool:
        """Whether the run's own draws are the posterior's (β = 1)."""
        return self.beta is not None and float(self.beta) == 1.0

    def draws(self) -> xr.DataTree:
        """The draws at ``beta`` (sampled once, then shared; a failed run raises again)."""
        if self._draws is None:
            if self.beta is None:
                raise ValueError("this run has no beta; the quantity needs draws at a β.")
            self._draws = self._sample("tempered", self.beta)
        return self._draws

    def posterior(self) -> xr.DataTree:
        """The β = 1 draws: the run's own at β = 1, else sampled once with seed ``"posterior"``."""
        if self.at_posterior:
            return self.draws()
        if self._posterior is None:
            self._posterior = self._sample("posterior", 1.0)
        return self._posterior

    def _sample(self, purpose: str, beta: float) -> xr.DataTree:
        if purpose in self._errors:  # sampled once, failed: the same error, not a second run
            raise self._errors[purpose]
        try:
            return sample_tempered(
                self.model,
                beta,
                sampler=self.sampler,
                random_seed=self.seed(purpose),
                progressbar=False,
            )
        except Exception as err:
            self._errors[purpose] = err
            raise

    def best(self) -> dict[str, Any]:
        """The highest-likelihood β = 1 draw (one value per free variable)."""
        if self._best is None:
            self._best = best_draw(self.posterior(), self.model)[0]
        return self._best

    def options_for(self, quantity: str) -> dict[str, Any]:
        """A copy of ``options[quantity]`` (empty if none)."""
        return dict(self.options.get(quantity, {}))
