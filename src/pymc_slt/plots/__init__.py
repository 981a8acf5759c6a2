"""Figures for pymc-slt results (matplotlib).

Conventions: every function takes results, tables or DataTrees, an optional ``fig`` (multi-panel
figures) or ``ax`` (single-panel ones) to draw into, and returns the
:class:`matplotlib.figure.Figure`. No function calls ``plt.show()`` or leaves anything in
pyplot's global state: figures are built with the object-oriented API, so they work under any
backend (including Agg on a headless machine); save them with ``fig.savefig(path)``.

* :func:`plot_criteria`: F, WBIC, BIC, WAIC and LOO of several models, each relative to its best
  model (:func:`pymc_slt.compare`).
* :func:`plot_compare`: ArviZ's comparison plot (:func:`arviz_plots.plot_compare`) of the
  ``elpd_loo``/``elpd_waic`` columns of :func:`pymc_slt.compare`, or of ELPD results.
* :func:`plot_free_energy`: :math:`F_n` against n and :math:`F_n - n L_n(\\hat w)` against
  :math:`\\log n`, whose slope is λ (:mod:`pymc_slt.learning_coefficient.free_energy_fit`).
* :func:`plot_energy_ladder`: :math:`E_β[n L_n]` against :math:`1/β`, whose slope is λ
  (:func:`pymc_slt.learning_coefficient.estimate.ladder_dataset`).
* :func:`plot_fisher_spectrum`: the Fisher information spectrum across posterior draws and its
  numerical rank (:mod:`pymc_slt.fisher.information`).
* :func:`plot_diagnostics`: arviz-plots rank plots with r̂ and bulk ESS (ArviZ 1.x).
* :func:`plot_phase_transition`: the fraction of the posterior in the high phase and the local
  free-energy difference against n (:mod:`pymc_slt.phases.sweep`).
* :func:`plot_langevin_vs_nuts`: noisy gradient descent over NUTS draws in a parameter plane,
  with marginal histograms (:mod:`pymc_slt.sampling.langevin`).
"""

from pymc_slt.plots.compare import plot_compare
from pymc_slt.plots.draws import plot_diagnostics, plot_fisher_spectrum
from pymc_slt.plots.dynamics import plot_langevin_vs_nuts, plot_phase_transition
from pymc_slt.plots.free_energy import plot_criteria, plot_energy_ladder, plot_free_energy

__all__ = [
    "plot_compare",
    "plot_criteria",
    "plot_diagnostics",
    "plot_energy_ladder",
    "plot_fisher_spectrum",
    "plot_free_energy",
    "plot_langevin_vs_nuts",
    "plot_phase_transition",
]
