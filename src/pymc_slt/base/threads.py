"""The threading environment of a run: recorded with its draws, and pinned where it decides them.

NUTS trajectories are chaotic: floating-point sums rounded in another order part them from the
first differing bit. nutpie runs its chains in parallel threads, and each chain's log density
calls BLAS (through SciPy, from PyTensor's Numba backend). A multithreaded OpenBLAS called from
several threads at once splits or serializes the work depending on which call gets its thread
pool first, so the same seed gave other draws, and other estimates, from run to run under load
(a reduced-rank λ̂ of 4.11 or 4.34 with one seed). :func:`one_blas_thread` around a sampler run
makes the draws a function of the seed alone; :func:`threads` is recorded beside every draw and
result all the same.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import scipy.linalg  # noqa: F401  (loads SciPy's BLAS, which the Numba backend calls)
from threadpoolctl import threadpool_info, threadpool_limits

__all__ = ["one_blas_thread", "threads"]


def threads() -> str:
    """``OMP_NUM_THREADS`` and the thread count of each loaded BLAS, as kept in a DataTree's
    ``attrs["threads"]`` and a result's ``diagnostics["threads"]``."""
    blas = [f"{i['internal_api']} {i['num_threads']}" for i in threadpool_info()
            if i.get("user_api") == "blas"]  # fmt: skip
    omp = os.environ.get("OMP_NUM_THREADS", "unset")
    return f"OMP_NUM_THREADS={omp}; BLAS threads: {', '.join(blas) or 'none loaded'}"


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """Every loaded BLAS limited to one thread while the block runs (``threadpoolctl``).

    Around samplers that run chains in parallel threads (nutpie): the chains then never share a
    BLAS thread pool, so their arithmetic, and the draws, depend on the seed alone. It costs
    nothing when there are at least as many chains as cores, which the chains already fill.
    """
    with threadpool_limits(limits=1, user_api="blas"):
        yield
