"""PyMC's own sequential Monte Carlo, ``pm.sample_smc``: ``sampler="smc"``.

PyMC's SMC tempers the likelihood and the ``pm.Potential`` terms together from ``pm.draw``'s
forward prior, moving particles with an independence Metropolis–Hastings kernel; it moves
between separated modes at small d, but its kernel does not scale with the dimension (see
:mod:`pymc_slt.sampling.hmc_smc` for the HMC-move SMC that does).
"""

from __future__ import annotations

import logging
import warnings

import pymc as pm
import xarray as xr

from pymc_slt.models.prior_draws import restricting_transforms
from pymc_slt.sampling.samplers import SMC

__all__ = ["check_smc_supports", "run_smc"]


def run_smc(model: pm.Model, spec: SMC, *, seed: int, progressbar: bool) -> xr.DataTree:
    """``pm.sample_smc`` with ``spec``'s particles, chains and options, one core per chain run
    and PyMC's 4-chain advice silenced.

    With ``progressbar=False`` PyMC's SMC log lines ("Initializing SMC sampler...") are
    silenced too. Models with a transform narrower than its distribution's support are refused
    before sampling (see :func:`check_smc_supports`).
    """
    check_smc_supports(model)
    smc_logger = logging.getLogger("pymc.smc.sampling")
    level = smc_logger.level
    if not progressbar:
        smc_logger.setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="We recommend running at least 4 chains")
        try:
            return pm.sample_smc(
                draws=spec.draws,
                model=model,
                chains=spec.chains,
                cores=1,
                random_seed=seed,
                progressbar=progressbar,
                compute_convergence_checks=False,
                **spec.kwargs(),
            )
        finally:
            smc_logger.setLevel(level)


def check_smc_supports(model: pm.Model) -> None:
    """Raise a ``ValueError`` if ``pm.sample_smc`` would sample the wrong prior.

    SMC starts from ``pm.draw`` prior draws, which ignore a transform that keeps only part of a
    distribution's support (``ordered``, a user's ``Interval``): about half of the particles of a
    two-component ordered mixture start outside the model and log Z comes out wrong with no
    warning.
    """
    restricted = restricting_transforms(model)
    if restricted:
        raise ValueError(
            f"variable(s) {restricted} have a transform narrower than their distribution's "
            "support (e.g. 'ordered'); pm.sample_smc starts from pm.draw prior draws, which "
            "ignore it, and would give wrong draws and a wrong log Z. Use sampler='nuts', and "
            "for log Z method='bridge', 'stepping_stone' or 'thermodynamic' (their prior draws "
            "are reweighted to the model's prior)."
        )
