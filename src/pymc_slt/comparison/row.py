"""One model's row of :func:`pymc_slt.compare`: every quantity, and what went wrong with any.

A quantity that raises becomes NaN in its columns, and its reason goes to the row's
``problems`` (``"<quantity>: <error type>: <message>"``); the others are still computed. The
quantities that need the β = 1 draws (WAIC, LOO, BIC, the Fisher point, the default bridge
sampling and the local λ's point) are NaN with the reason "needs the β = 1 draws" if sampling
them failed. Default bridge sampling that raises or doubts its estimate is checked, and
replaced where the check says so, by a method that moves between modes, by the rule of
:mod:`pymc_slt.evidence.fallback` that :func:`pymc_slt.log_marginal_likelihood` follows too; a
replacement or a doubt left standing is said in ``problems``, and ``log_z_method`` names the
method that answered.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import arviz_stats as azs
import numpy as np
import pymc as pm

from pymc_slt.evidence.fallback import first_line
from pymc_slt.quantities import QUANTITIES, QuantityResult, RunContext
from pymc_slt.sampling.tempered import n_observations, n_parameters

__all__ = ["model_row"]

#: The quantities of a row, in the order they run, and how ``problems`` names each.
_QUANTITIES = {
    "waic": "waic",
    "loo": "loo",
    "bic": "bic",
    "fisher_rank": "fisher_rank",
    "log_z": "log_z",
    "wbic": "wbic",
    "learning_coefficient": "lambda",
}
#: Those that need the β = 1 draws themselves (bridge sampling's check runs without them).
_FROM_POSTERIOR = ("waic", "loo", "bic", "fisher_rank")
#: The seed of each purpose of the run, by :func:`~pymc_slt.comparison.table.compare_seeds`.
_SEEDS = {
    "tempered": "posterior",
    "log_z": "evidence",
    "wbic": "wbic",
    "learning_coefficient": "lambda",
}


class _Row:
    """The values and problems of one row, filled quantity by quantity."""

    def __init__(self, n: int, d: int) -> None:
        self.values: dict[str, Any] = {"n": n, "d": d}
        self.problems: list[str] = []
        self.elpds: dict[str, azs.ELPDData] = {}

    def attempt(self, quantity: str, fn: Callable[[], QuantityResult]) -> None:
        """Put ``fn()``'s columns in the row (its problems in ``problems``), or NaN and the
        reason if it raises."""
        label = _QUANTITIES[quantity]
        try:
            result = fn()
        except Exception as err:
            self.fail(quantity, f"{type(err).__name__}: {first_line(err)}")
            return
        self.values.update(result.values)
        if result.elpd is not None:
            self.elpds[quantity] = result.elpd
        self.problems += [f"{label}: {problem}" for problem in result.problems]

    def fail(self, quantity: str, reason: str) -> None:
        self.values.update(dict.fromkeys(QUANTITIES[quantity].columns, np.nan))
        self.problems.append(f"{_QUANTITIES[quantity]}: {reason}")


def model_row(
    model: pm.Model, seeds: dict[str, int], opts: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, azs.ELPDData]]:
    """All of :func:`pymc_slt.compare`'s columns for ``model``, with ``problems``, and the
    pointwise WAIC and LOO results (``{"waic": ..., "loo": ...}``, those that succeeded) from
    which the table takes the se of each difference.

    Every quantity comes from the registry :data:`pymc_slt.quantities.QUANTITIES`, on one
    :class:`~pymc_slt.quantities.RunContext` at β = 1 whose draws they share. ``opts`` holds
    ``sampler`` (a sampler value), ``evidence`` (keyword arguments of
    :func:`pymc_slt.log_marginal_likelihood`), ``lambda`` (of
    :func:`pymc_slt.learning_coefficient`) and ``fisher_kind``.
    """
    ctx = RunContext(
        model,
        opts["sampler"],
        seed=lambda purpose: seeds[_SEEDS[purpose]],
        options={
            "log_z": opts["evidence"],
            "learning_coefficient": opts["lambda"],
            "fisher_rank": {"kind": opts["fisher_kind"]},
        },
        beta=1.0,
        caller="compare",
    )
    row = _Row(n_observations(model), n_parameters(model))
    try:
        ctx.posterior()
        failed = False
    except Exception as err:
        row.problems.append(f"posterior (β = 1): {type(err).__name__}: {first_line(err)}")
        failed = True
    for quantity in _QUANTITIES:
        if failed and quantity in _FROM_POSTERIOR:
            row.fail(quantity, "needs the β = 1 draws, which failed")
        else:
            row.attempt(quantity, lambda q=quantity: QUANTITIES[q].compute(ctx))
    return {**row.values, "problems": "; ".join(row.problems)}, row.elpds
