"""Products with the Fisher information without its d × d matrix or the K × d Jacobian.

:math:`I v = J^\\top (J v) / n` with :math:`J = ∂o/∂θ` the Jacobian of the K outputs of
:mod:`pymc_slt.fisher.graph` (locations for ``kind="output"``, pointwise log-likelihoods for
``kind="score"``): :math:`Jv` is one push-forward of the model's own graph (PyTensor's
``pushforward``, a double pull-back) and :math:`J^\\top u` one pull-back with :math:`u = Jv` as
its cotangent. Both are in one PyTensor function of θ and a block of probes, vectorised over
the probes by ``vectorize_graph`` and compiled once per call, so neither J nor I is ever formed
and JAX is not needed. :func:`pymc_slt.base.rank.leading_eigenvalues` reads the spectrum from
those products; :func:`pymc_slt.fisher.fisher_rank` and :func:`pymc_slt.fisher.fisher_spectrum`
use this path with ``method="matrix_free"``.

Memory. A product runs the model's graph over all n observations (data are constants of a PyMC
graph, so it cannot be sliced by observation in general): one probe holds a few arrays the size
of the K outputs and of the model's intermediates. Probes go through in chunks of
:math:`c = \\max(1, ⌊\\mathtt{PRODUCT\\_BYTES} / (8 · \\mathtt{INTERMEDIATES} · \\max(K, d))⌋)`,
so the product's working memory stays near ``PRODUCT_BYTES`` (256 MiB) for a model whose
intermediates are no wider than its outputs (a network no wider than its output layer; a wider
hidden layer costs proportionally more). The eigen-solver holds about six d × b float64 blocks
(probes, products, their shifted sum, the Nyström factor, copies while the block grows), b the
final block (at most :data:`~pymc_slt.base.rank.GROWTH` × (rank + oversampling)).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytensor
import pytensor.tensor as pt
from pytensor.graph.replace import vectorize_graph

from pymc_slt.fisher.graph import _Compiled, _outputs

#: Bytes a chunk of probes may use for the product's intermediates (the bound above).
PRODUCT_BYTES = 2**28
#: Arrays of max(K, d) float64 one probe is taken to hold in the product's graph (a product
#: through a network holds about four the size of its outputs; twice that for margin).
INTERMEDIATES = 8


def _compile_products(model, kind: str) -> _Compiled:
    """θ (d,), V (c, d) ↦ V I(θ) (each row I v, I being symmetric), compiled once."""
    theta, outputs, _, context = _outputs(model, kind)
    tangent = theta.type()
    jv = pytensor.gradient.pushforward(outputs, theta, tangent, disconnected_outputs="ignore")
    # the cotangent jv is held fixed: this is Jᵀ(Jv), not the gradient of ‖Jv‖²/2
    jtjv = pytensor.gradient.pullback(outputs, theta, jv, disconnected_inputs="ignore")
    block = pt.matrix("block", shape=(None, theta.type.shape[0]), dtype=theta.dtype)
    products = vectorize_graph(jtjv / context.n, {tangent: block})
    fn = pytensor.function([theta, block], products, on_unused_input="ignore")
    fn.trust_input = True
    return replace(context, fn=fn)


def _chunk(n_terms: int, d: int) -> int:
    """Probes per call of the product function: the memory rule of the module docstring."""
    return max(1, PRODUCT_BYTES // (8 * INTERMEDIATES * max(n_terms, d)))


def _product(compiled: _Compiled, theta: np.ndarray, basis) -> Callable[[np.ndarray], np.ndarray]:
    """V (d', b) ↦ Qᵀ I(θ) Q V in chunks of probes; Q = ``basis`` (d × d', sparse; d' = d and
    Q = identity when None): the products on the free directions."""
    chunk = _chunk(compiled.n_terms, theta.shape[0])

    def product(block: np.ndarray) -> np.ndarray:
        full = block if basis is None else basis @ block
        out = np.empty(full.shape, dtype=compiled.dtype)
        for start in range(0, full.shape[1], chunk):
            probes = np.ascontiguousarray(full[:, start : start + chunk].T, dtype=compiled.dtype)
            out[:, start : start + chunk] = compiled.fn(theta, probes).T
        return out if basis is None else basis.T @ out

    return product
