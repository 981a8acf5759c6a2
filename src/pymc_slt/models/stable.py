"""A PyTensor rewrite that keeps a probit likelihood finite where Φ underflows.

``pm.math.invprobit(η)`` is :math:`Φ(η) = \\tfrac12\\operatorname{erfc}(-η/\\sqrt2)`, and a
Bernoulli (or Binomial) likelihood takes :math:`\\log p` and :math:`\\log(1 - p)` of it. In
double precision Φ(η) is 0 for η < −38, so the log-likelihood is −∞ there although its true value
is about :math:`-η^2/2` (−800 at η = −40). At small β the tempered posterior
:math:`φ(w)\\,e^{β \\log p(D|w)}` then has walls of zero density inside the prior's bulk: NUTS rungs
of a β ladder diverge on them (in issue 26's trial, 1766 of 4000 transitions at β = 7.6·10⁻⁵ on
a probit regression of the turtles data), and SMC particles there carry no weight.

PyTensor already stabilizes :math:`\\log\\operatorname{erfc}(x)` (``local_log_erfc``, an
asymptotic series for large x), but not through the constant factor ½ or the complement that
``invprobit`` and the Bernoulli log-probability put around it. :func:`local_log_scaled_erfc`
rewrites them by exact identities,

.. math::

    \\log(c\\,\\operatorname{erfc}(x)) = \\log c + \\log\\operatorname{erfc}(x),\\qquad
    \\log\\bigl(1 - \\tfrac12\\operatorname{erfc}(x)\\bigr)
    = \\log\\tfrac12 + \\log\\operatorname{erfc}(-x),

after which PyTensor's own rewrite applies. Importing :mod:`pymc_slt` registers it with
PyTensor's ``canonicalize`` and ``stabilize`` rewrites, so every compiled PyMC model in the
session (nutpie's, PyMC's, JAX's) gets it; the value changes only where Φ underflowed.
"""

from __future__ import annotations

import numpy as np
import pytensor.tensor as pt
from pytensor.graph.rewriting.basic import node_rewriter
from pytensor.tensor.exceptions import NotScalarConstantError
from pytensor.tensor.math import erfc, log, mul, sub
from pytensor.tensor.rewriting.basic import register_canonicalize, register_stabilize

__all__ = ["local_log_scaled_erfc"]


def _constant(var) -> float | None:
    """The one value of a constant tensor (every entry equal), else None."""
    try:
        value = np.asarray(pt.get_underlying_scalar_constant_value(var))
    except NotScalarConstantError:
        data = getattr(var, "data", None)
        if data is None:
            return None
        value = np.unique(np.asarray(data))
        if value.size != 1:
            return None
    return float(value.ravel()[0])


def _scaled_erfc(var) -> tuple[float, object] | None:
    """``(c, x)`` if ``var`` is ``c * erfc(x)`` with a positive constant c, else None."""
    node = var.owner
    if node is None or node.op != mul or len(node.inputs) != 2:
        return None
    for a, b in (node.inputs, node.inputs[::-1]):
        c = _constant(a)
        if c is not None and c > 0 and b.owner is not None and b.owner.op == erfc:
            return c, b.owner.inputs[0]
    return None


@register_canonicalize
@register_stabilize
@node_rewriter([log])
def local_log_scaled_erfc(fgraph, node):
    """``log(c·erfc(x)) → log c + log(erfc(x))`` and ``log(1 − ½erfc(x)) → log ½ +
    log(erfc(−x))``, so that PyTensor's ``local_log_erfc`` keeps them finite."""
    (arg,) = node.inputs
    out = node.outputs[0]
    found = _scaled_erfc(arg)
    if found is not None:
        new = pt.cast(np.log(found[0]), out.dtype) + log(erfc(found[1]))
    elif arg.owner is not None and arg.owner.op == sub:
        one, rest = arg.owner.inputs
        found = _scaled_erfc(rest)
        if _constant(one) != 1.0 or found is None or found[0] != 0.5:
            return None
        new = pt.cast(np.log(0.5), out.dtype) + log(erfc(-found[1]))
    else:
        return None
    if new.type.broadcastable != out.type.broadcastable or new.dtype != out.dtype:
        return None  # a constant that broadcast the shape: leave the graph as it is
    return [new]
