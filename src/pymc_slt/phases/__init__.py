"""Bayesian phase transitions: where the posterior lives as n grows, and local free energies.

A singular model's posterior does not shrink around one point. Split the parameter space into
regions :math:`W_k` ("phases"), each a neighbourhood of a singularity with its own loss
:math:`L(w_k)` and learning coefficient :math:`λ_k`; then the local free energy

.. math::

    F_k = -\\log Z_k,\\qquad Z_k = \\int_{W_k} φ(w)\\, e^{-β n L_n(w)}\\, dw,\\qquad
    F_k ≈ n L_n(w_k) + λ_k \\log n - (m_k - 1)\\log\\log n + O_p(1)

decides which phase holds the posterior: :math:`P(W_k \\mid D_n) = Z_k / Z = e^{-(F_k - F)}`.
A phase with a higher loss but a smaller λ wins at small n; one that fits better wins once
:math:`n\\,ΔL > Δλ \\log n`. Where the two local free energies cross, the posterior jumps.

* :func:`rrr_phase`, :func:`rrr_singular_values`: classify draws of a reduced-rank regression
  ``y = B A x`` by the effective rank of ``B·A``.
* :func:`phase_sweep`: sample the posterior over a grid of n (and data sets) and record, per run,
  the fraction of draws in each phase with its Monte-Carlo error and the local free energies.
* :func:`phase_transition`: per n, the fraction in the upper phase and
  :math:`ΔF = F_\\text{low} - F_\\text{high}`, and the n where ΔF crosses zero.
* :func:`predicted_transition_n`, :class:`PhasePrediction`: the asymptotic prediction.

References
----------
Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge University
Press. https://doi.org/10.1017/CBO9780511800474

Watanabe, S. (2018). *Mathematical Theory of Bayesian Statistics*, Ch. 9 (phase transitions).
CRC Press. https://doi.org/10.1201/9781315373010

Chen, Z., Lau, E., Mendel, J., Wei, S. & Murfet, D. (2023). Dynamical versus Bayesian phase
transitions in a toy model of superposition. arXiv:2310.06301

Aoyagi, M. & Watanabe, S. (2005). Stochastic complexities of reduced rank regression in Bayesian
estimation. Neural Networks 18(7), 924–933. https://doi.org/10.1016/j.neunet.2005.03.014
"""

from pymc_slt.phases.rrr import rrr_phase, rrr_singular_values
from pymc_slt.phases.sweep import phase_sweep
from pymc_slt.phases.transition import (
    PhasePrediction,
    PhaseTransition,
    phase_transition,
    predicted_transition_n,
    rrr_phase_prediction,
)

__all__ = [
    "PhasePrediction",
    "PhaseTransition",
    "phase_sweep",
    "phase_transition",
    "predicted_transition_n",
    "rrr_phase",
    "rrr_phase_prediction",
    "rrr_singular_values",
]
