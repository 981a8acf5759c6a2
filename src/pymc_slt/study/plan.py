"""What ``pymc-slt study`` runs: the zoo's models, the data sizes and the sampling effort.

Four models of the zoo, each with a known truth and a known learning coefficient λ:

=================== ============================================== ==== ===== =========
key                 model                                          d    λ     kind
=================== ============================================== ==== ===== =========
``polynomial``      ``y = w0 + w1 x + w2 x²`` (degree-2 truth)     3    3/2   regular
``normal_crossing`` ``y = a·b·x`` with truth a·b = 0               2    1/2   singular
``reduced_rank``    ``Y = B A X``, M = 4, N = 3, H = 2, rank 1     14   4     singular
``tanh``            ``y = Σ_h b_h tanh(a_h x)``, H = 3, zero truth 6    5/6   singular
=================== ============================================== ==== ===== =========

(d, the number of free parameters, is read off each built model.)

(λ from :mod:`pymc_slt.theory`: ``rlct_regular``, ``rlct_normal_crossing``,
``rlct_reduced_rank`` (Aoyagi & Watanabe 2005) and ``rlct_tanh_network``.) Each is run at several
n as tasks of :func:`pymc_slt.run_sweep`, so the study uses every core, keeps finished work when it
is interrupted, and resumes with ``--force`` into the same folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pymc_slt import theory
from pymc_slt.sweep.run import SweepTask

__all__ = ["MODELS", "StudyModel", "StudyPlan", "plan"]


@dataclass(frozen=True, slots=True)
class StudyModel:
    """One model of the study: a sweep model table plus what theory says about it."""

    key: str
    label: str
    spec: dict[str, Any]
    lam: float
    regular: bool


MODELS: tuple[StudyModel, ...] = (
    StudyModel(
        "polynomial",
        "polynomial regression, degree 2",
        {
            "builder": "polynomial_regression",
            "builder_kwargs": {"degree": 2, "prior_sd": 2.0},
            "simulator_kwargs": {"coefs": [0.5, -1.0, 0.8]},
        },
        theory.rlct_regular(3),
        True,
    ),
    StudyModel(
        "normal_crossing",
        "y = a·b·x, zero truth",
        {
            "builder": "normal_crossing",
            "builder_kwargs": {"powers": [1, 1]},
            "simulator_kwargs": {"powers": [1, 1]},
        },
        theory.rlct_normal_crossing([1, 1]).lam,
        False,
    ),
    StudyModel(
        "reduced_rank",
        "reduced-rank regression M=4, N=3, H=2, rank-1 truth",
        {
            "builder": "reduced_rank_regression",
            "builder_kwargs": {"H": 2},
            "simulator_kwargs": {"M": 4, "N": 3, "r": 1},
        },
        theory.rlct_reduced_rank(4, 3, 2, 1),
        False,
    ),
    StudyModel(
        "tanh",
        "tanh network H=3, zero truth",
        {"builder": "tanh_network", "builder_kwargs": {"H": 3}, "simulator_kwargs": {}},
        theory.rlct_tanh_network(3),
        False,
    ),
)


@dataclass(frozen=True, slots=True)
class StudyPlan:
    """Sizes and effort of one study (``quick`` or full).

    Attributes
    ----------
    ns : tuple of int
        Data sizes n; the learning-coefficient ladder figure and the criteria table use the
        largest.
    sampler : dict
        ``draws``, ``tune``, ``chains`` of every NUTS run (per rung for ladders).
    smc_draws : int
        Particles per SMC chain for log Z (SMC runs ``sampler["chains"]`` chains).
    phase_ns, phase_seeds : tuple of int
        Data sizes and data sets of the phase-transition run (reduced rank M = N = 4, H = 2).
    langevin_steps : int
        Steps of the noisy-gradient-descent run compared with NUTS.
    expected_minutes : int
        Wall time measured on 2 cores (stated by ``--help`` and the report); the full study's
        was measured before NUTS ran with one BLAS thread and is likely less now.
    """

    quick: bool
    seed: int
    ns: tuple[int, ...]
    sampler: dict[str, int]
    smc_draws: int
    phase_ns: tuple[int, ...]
    phase_seeds: tuple[int, ...]
    langevin_steps: int
    expected_minutes: int
    models: tuple[StudyModel, ...] = field(default=MODELS)

    @property
    def chains(self) -> int:
        """Chains of every run, NUTS and SMC."""
        return self.sampler["chains"]

    def _task(self, model: StudyModel, n: int, **kwargs: Any) -> SweepTask:
        return SweepTask(**model.spec, n=n, seed=self.seed, sampler=self.sampler, **kwargs)

    def evidence_task(self, model: StudyModel, n: int) -> SweepTask:
        """log Z (SMC), WBIC, λ̂ (local) and the Fisher rank at a prior draw."""
        return self._task(
            model,
            n,
            quantities=("log_z", "wbic", "learning_coefficient", "fisher_rank"),
            # SMC with the study's chains (SMC's own default is 4)
            options={"log_z": {"method": "smc", "draws": self.smc_draws, "chains": self.chains}},
        )

    def posterior_task(self, model: StudyModel, n: int) -> SweepTask:
        """The β = 1 draws, E[n L_n], WAIC, LOO and BIC (from the same draws)."""
        return self._task(model, n, quantities=("energy", "waic", "loo", "bic", "draws"), beta=1.0)

    def ladder_task(self, model: StudyModel) -> SweepTask:
        """The λ ladder (E_β[n L_n] over β) at the largest n."""
        return self._task(
            model,
            max(self.ns),
            quantities=("learning_coefficient",),
            options={"learning_coefficient": {"method": "ladder"}},
        )

    def tasks(self) -> list[SweepTask]:
        """The whole sweep: per model × n an evidence and a posterior task, per model a ladder."""
        out = []
        for m in self.models:
            for n in self.ns:
                out += [self.evidence_task(m, n), self.posterior_task(m, n)]
            out.append(self.ladder_task(m))
        return out


def plan(*, quick: bool, seed: int) -> StudyPlan:
    """The quick (``--quick``, a few minutes) or the full study for ``seed``."""
    if quick:
        return StudyPlan(
            quick=True,
            seed=seed,
            ns=(100, 300, 1000),
            sampler={"draws": 400, "tune": 400, "chains": 2},
            smc_draws=1000,
            phase_ns=(100, 250, 600, 1500, 3200),
            phase_seeds=(0,),
            langevin_steps=20_000,
            expected_minutes=3,
        )
    return StudyPlan(
        quick=False,
        seed=seed,
        ns=(100, 200, 500, 1000, 2000, 5000),
        sampler={"draws": 1000, "tune": 1000, "chains": 4},
        smc_draws=2000,
        phase_ns=(100, 200, 400, 800, 1600, 3200),
        phase_seeds=(0, 1, 2),
        langevin_steps=200_000,
        expected_minutes=66,
    )
