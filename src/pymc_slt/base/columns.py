"""The table columns each quantity yields, defined once.

:func:`pymc_slt.compare`, the sweep's quantities (:mod:`pymc_slt.quantities`) and the study
all turn results into rows of a table; each quantity's columns are named and computed here, so
the three tables agree on what ``wbic_se`` or ``nu_hat`` means. The functions read only the
attributes of the results (duck typing), so this module needs none of the estimators.

================ ===================================================================
quantity         columns
================ ===================================================================
evidence         ``log_z``, ``log_z_se``, ``free_energy`` (= −log_z; its se is log_z_se)
WBIC             ``wbic``, ``wbic_se``, ``wbic_beta``
WAIC             ``elpd_waic``, ``elpd_waic_se``, ``p_waic``, ``nu_hat``
LOO              ``elpd_loo``, ``elpd_loo_se``
BIC              ``min_energy`` (n L_n at the maximum likelihood), ``bic``
learning coeff.  ``lambda_hat``, ``lambda_se``
Fisher rank      ``fisher_rank``
================ ===================================================================
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = [
    "bic_columns",
    "evidence_columns",
    "fisher_columns",
    "lambda_columns",
    "loo_columns",
    "waic_columns",
    "wbic_columns",
]


def evidence_columns(result: Any) -> dict[str, float]:
    """``log_z``, ``log_z_se`` and ``free_energy`` of an ``EvidenceResult``."""
    return {
        "log_z": float(result.estimate),
        "log_z_se": float(result.se),
        "free_energy": -float(result.estimate),
    }


def wbic_columns(result: Any) -> dict[str, float]:
    """``wbic``, ``wbic_se`` and ``wbic_beta`` (β* = 1/log n) of a ``WBICResult``."""
    return {"wbic": float(result.estimate), "wbic_se": float(result.se), "wbic_beta": result.beta}


def waic_columns(result: Any) -> dict[str, float]:
    """``elpd_waic``, its se, ``p_waic`` (= β V_n) and ``nu_hat`` of ``slt.waic``'s result."""
    return {
        "elpd_waic": float(result.elpd),
        "elpd_waic_se": float(result.se),
        "p_waic": float(result.p),
        "nu_hat": float(result.singular_fluctuation),
    }


def loo_columns(result: Any) -> dict[str, float]:
    """``elpd_loo`` and ``elpd_loo_se`` of an arviz-stats ``ELPDData`` (kind ``"loo"``)."""
    return {"elpd_loo": float(result.elpd), "elpd_loo_se": float(result.se)}


def bic_columns(max_log_likelihood: float, d: int, n: int) -> dict[str, float]:
    """``min_energy`` = :math:`n L_n(\\hat w)` and ``bic`` = :math:`n L_n(\\hat w) + (d/2)\\log n`.

    BIC is on the free-energy scale (Schwarz 1978), like ``free_energy`` and ``wbic``.
    """
    min_energy = -float(max_log_likelihood)
    return {"min_energy": min_energy, "bic": min_energy + 0.5 * d * float(np.log(n))}


def lambda_columns(result: Any) -> dict[str, float]:
    """``lambda_hat`` and ``lambda_se`` of a ``LearningCoefficientResult``."""
    return {"lambda_hat": float(result.estimate), "lambda_se": float(result.se)}


def fisher_columns(rank: Any) -> dict[str, int]:
    """``fisher_rank``: the numerical rank as a plain int."""
    return {"fisher_rank": int(rank)}
