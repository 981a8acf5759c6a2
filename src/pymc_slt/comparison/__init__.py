"""One table over several models: evidence, information criteria and SLT quantities.

* :mod:`~pymc_slt.comparison.table`: :func:`compare` and the seeds it gives each run.
* :mod:`~pymc_slt.comparison.row`: one model's row, where a failed quantity is NaN with its reason
  and bridge sampling that fails falls back to HMC-SMC (d ≥ 17) or stepping stone.
"""

from pymc_slt.comparison.table import COLUMNS, compare, compare_seeds

__all__ = ["COLUMNS", "compare", "compare_seeds"]
