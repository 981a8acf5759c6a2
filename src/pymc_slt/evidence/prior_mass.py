"""The prior mass a narrowing transform leaves out, and log Z for the renormalized prior.

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

import numpy as np
import pymc as pm

from pymc_slt.models.prior_draws import draw_prior, inside_transforms, restricting_transforms

__all__ = ["PRIOR_MASS_DRAWS", "prior_mass"]

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
