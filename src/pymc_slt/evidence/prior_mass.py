"""The prior's mass: none to speak of (an improper prior: Z undefined), or less than 1 (a
narrowing transform), and log Z for the renormalized prior.

PyMC's ``ordered`` transform (and any transform whose image is smaller than its distribution's
support, such as a user's ``Interval`` on a Normal) restricts the prior density to that image
without renormalizing it. Ordered ``Normal`` cutpoints with K exchangeable components keep mass
1/K!, so the model's log Z is log K! below what the same model with a normalized prior gives, and
a Bayes factor against a model without the transform is off by K! (6 for K = 3). Every method of
:func:`pymc_slt.log_marginal_likelihood` estimates the model's own log Z (the package never
changes a model's meaning); :func:`prior_mass` measures the mass the transforms keep, by forward
prior draws (``pm.draw``) that come back unchanged through the transforms, and the caller states
it in a warning and in ``diagnostics``, with the corrected value.
"""

from __future__ import annotations

import warnings
from dataclasses import replace

import numpy as np
import pymc as pm
from pymc.distributions.continuous import FlatRV, HalfFlatRV
from pytensor.graph.rewriting.utils import rewrite_graph
from pytensor.graph.traversal import ancestors

from pymc_slt._validate import named_seed
from pymc_slt.evidence.result import EvidenceResult, EvidenceWarning
from pymc_slt.models.prior_draws import draw_prior, inside_transforms, restricting_transforms

__all__ = ["PRIOR_MASS_DRAWS", "check_proper_prior", "prior_mass", "stated_prior_mass"]

#: Forward prior draws that measure the mass (its se is √((1 − m)/(N m)) on the log scale:
#: 0.007 for m = 1/6).
PRIOR_MASS_DRAWS = 20_000


def prior_mass(
    model: pm.Model, random_seed: int | None, draws: int = PRIOR_MASS_DRAWS
) -> tuple[list[str], float, float] | None:
    """``(variables, log mass, se)`` of the prior mass inside the model's narrowing transforms,
    or None when it has none (or keeps the whole support).

    The mass is the share m of ``draws`` forward prior draws inside every transform's image; its
    se on the log scale is the delta-method :math:`\\sqrt{(1 - m)/(N m)}`.
    """
    names = restricting_transforms(model)
    if not names:
        return None
    inside = inside_transforms(model, draw_prior(model, draws, random_seed))
    share = float(inside.mean())
    if share >= 1.0:
        return None
    if share == 0.0:
        return names, -np.inf, np.nan
    return names, float(np.log(share)), float(np.sqrt((1 - share) / (inside.size * share)))


def check_proper_prior(model: pm.Model) -> None:
    """Raise if a free variable has an improper prior (``pm.Flat``, ``pm.HalfFlat`` or a constant
    log density), for which Z is undefined."""
    for rv in model.free_RVs:
        value = model.rvs_to_values[rv]
        if isinstance(rv.owner.op, FlatRV | HalfFlatRV):
            kind = type(rv.owner.op).__name__.removesuffix("RV")
        else:
            logp = rewrite_graph(
                model.logp(vars=[rv], jacobian=False, sum=True),
                include=("canonicalize", "stabilize", "specialize"),
            )
            if value in set(ancestors([logp])):
                continue
            kind = "constant-density"
        raise ValueError(
            f"the prior of {rv.name!r} is improper ({kind}), so the marginal likelihood is "
            "undefined (an improper prior fixes Z only up to an arbitrary constant); give it a "
            "proper prior, e.g. "
            f"pm.Normal({rv.name!r}, 0, 10) or pm.HalfNormal({rv.name!r}, 10)."
        )


def stated_prior_mass(model: pm.Model, result: EvidenceResult) -> EvidenceResult:
    """``result`` with the prior mass a narrowing transform leaves out stated (once): in
    ``diagnostics`` (``transform_log_mass``, its se, and ``log_z_normalized`` for the renormalized
    prior) and in an :class:`EvidenceWarning`. See :mod:`pymc_slt.evidence.prior_mass`."""
    if "transform_log_mass" in result.diagnostics:
        return result
    found = prior_mass(model, named_seed(0, "prior_mass"))  # a property of the model: one seed
    if found is None:
        return result
    names, log_mass, se = found
    corrected = result.log_z - log_mass
    warnings.warn(
        f"the transform of {names} keeps only part of its distribution's support and PyMC does "
        f"not renormalize the prior there: the prior has mass {np.exp(log_mass):.4g} (1/K! for "
        "K exchangeable ordered components), so this log Z is that of an unnormalized prior, "
        f"{-log_mass:.3f} below the normalized prior's {corrected:.3f} (diagnostics"
        "['log_z_normalized']). Compare models by log_z_normalized unless the others share the "
        "same transform.",
        EvidenceWarning,
        stacklevel=3,
    )
    extra = {
        "transform_log_mass": log_mass,
        "transform_log_mass_se": se,
        "log_z_normalized": corrected,
    }
    return replace(result, diagnostics={**result.diagnostics, **extra})
