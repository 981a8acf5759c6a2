"""Exact learning coefficients (RLCTs) that are proved in the literature.

The learning coefficient ``λ`` (real log canonical threshold, RLCT) and its multiplicity ``m``
fix the leading terms of the Bayes free energy (Watanabe 2009):

.. math::

    F_n = n L_n(w_0) + λ \\log n - (m - 1) \\log\\log n + O_p(1),

and, when the truth is in the model, of the expected Bayes generalization error,
``E[G_n] = λ/n + o(1/n)``. A regular model
with ``d`` parameters has ``λ = d/2`` and ``m = 1`` (BIC); a singular model has ``λ <= d/2``.

The functions here are pure Python: no sampling, exact rational arithmetic inside, a float (or
an :class:`RLCT` pair) out. They are the reference values against which the estimators in
:mod:`pymc_slt.learning_coefficient.estimate` are tested.

* :func:`rlct_regular`, :func:`singular_fluctuation_regular`: ``λ = ν = d/2``.
* :func:`rlct_normal_crossing`: ``y = x·∏_j w_j^{k_j} + ε`` at ``w = 0``.
* :func:`rlct_reduced_rank`: reduced-rank regression ``y = B A x + ε``
  (Aoyagi & Watanabe 2005), i.e. a linear network with one hidden layer.
* :func:`rlct_deep_linear`: deep linear network ``y = W_L ⋯ W_1 x + ε`` (Aoyagi 2024).
* :func:`rlct_tanh_network`: ``y = Σ_h b_h tanh(a_h x) + ε`` with the zero function as truth.

For the singular BIC (Drton & Plummer 2017, :func:`pymc_slt.selection.sbic`), the tables
``λ_ij, m_ij`` of a model ``i`` at a truth in its submodel ``j``, as a :class:`LambdaTable`:

* :func:`reduced_rank_lambdas`: reduced-rank regression of rank ``i`` at a rank-``j`` truth.
* :func:`factor_analysis_lambdas`: ``k`` factors at an ``l``-factor truth (off-diagonal values
  are upper bounds).
* :func:`gaussian_mixture_lambdas`: Gaussian mixtures (off-diagonal values are upper bounds).
* :func:`binomial_mixture_lambdas`: binomial mixtures (off-diagonal values are upper bounds).

Every value assumes, as the cited theorems do, Gaussian noise of known variance, inputs whose
second-moment matrix is positive definite, and a prior that is positive and bounded on a
neighbourhood of the true parameters (e.g. a Normal prior).

References
----------
Watanabe, S. (2009). *Algebraic Geometry and Statistical Learning Theory*. Cambridge
University Press. https://doi.org/10.1017/CBO9780511800474
"""

from pymc_slt.theory.rlct import (
    RLCT,
    rlct_deep_linear,
    rlct_normal_crossing,
    rlct_reduced_rank,
    rlct_regular,
    rlct_tanh_network,
    singular_fluctuation_regular,
)
from pymc_slt.theory.sbic import (
    LambdaTable,
    binomial_mixture_lambdas,
    factor_analysis_lambdas,
    gaussian_mixture_lambdas,
    reduced_rank_lambdas,
)

__all__ = [
    "RLCT",
    "LambdaTable",
    "binomial_mixture_lambdas",
    "factor_analysis_lambdas",
    "gaussian_mixture_lambdas",
    "reduced_rank_lambdas",
    "rlct_deep_linear",
    "rlct_normal_crossing",
    "rlct_reduced_rank",
    "rlct_regular",
    "rlct_tanh_network",
    "singular_fluctuation_regular",
]

#: ``doctest.testmod(pymc_slt.theory)`` runs the examples of the re-exported functions too.
__test__ = {name: globals()[name] for name in __all__}
