"""Samplers as values: one small frozen type per sampler family, its settings and its defaults
stated once.

>>> import pymc_slt as slt
>>> slt.NUTS(draws=2000, target_accept=0.95)
NUTS(draws=2000, tune=1000, chains=4, target_accept=0.95, options={})
>>> slt.HMCSMC(draws=250).chains
4

Every function of pymc-slt that samples takes one as ``sampler=``: ``slt.sample_tempered(model,
sampler=slt.NUTS(chains=8))``, ``slt.log_marginal_likelihood(model, method="stepping_stone",
sampler=slt.NUTS(target_accept=0.99))``. A name (``"nuts"``, ``"smc"``, ``"hmc_smc"``) stays a
shorthand for that family's defaults. A setting the family does not have is an error when the
value is built (``slt.SMC(tune=500)`` raises ``TypeError``), not deep in a run.

Design: BlackJAX builds a kernel value from its settings (``blackjax.nuts(logdensity, step_size,
inverse_mass_matrix)``, its ``as_top_level_api``) and NumPyro separates the kernel from the run
(``MCMC(NUTS(model, target_accept_prob=0.8), num_warmup=…, num_samples=…, num_chains=…)``). Here
the run's lengths live in the sampler value because they mean different things per family (an
SMC's ``draws`` are particles, and it has no ``tune``), under the names PyMC users know
(``draws``, ``tune``, ``chains``); the seed and the progress bar stay arguments of the function
that samples, as in ``pm.sample``.

``NUTS.target_accept`` left at None takes the default of the method that samples, stated once in
that method's module where it was measured (the thermodynamic ladder's 0.95,
:data:`pymc_slt.evidence.path.LADDER_NUTS`; the local λ̂'s 0.9,
:data:`pymc_slt.learning_coefficient.checks.DEFAULT_NUTS`), else nutpie's own (0.8).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from types import MappingProxyType
from typing import Any, ClassVar, Literal

import numpy as np

from pymc_slt._deprecated import LOOSE_SAMPLER, take_deprecated
from pymc_slt.base.spec import Spec

__all__ = [
    "HMCSMC",
    "NUTS",
    "SAMPLERS",
    "SMC",
    "SamplerSpec",
    "as_sampler",
    "resolve_sampler",
    "with_run_sampler",
]


def _positive_int(value: Any, name: str, family: str, minimum: int = 1) -> None:
    """A ``TypeError`` for a non-integer, a ``ValueError`` for one below ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{family}({name}=…) must be an integer >= {minimum}, got {value!r}.")
    if value < minimum:
        raise ValueError(f"{family}({name}=…) must be an integer >= {minimum}, got {value!r}.")


def _share(value: Any, name: str, family: str) -> None:
    """A ``TypeError`` for a non-number, a ``ValueError`` outside (0, 1)."""
    if isinstance(value, bool) or not isinstance(value, int | float | np.floating):
        raise TypeError(f"{family}({name}=…) must be a number in (0, 1), got {value!r}.")
    if not 0 < value < 1:
        raise ValueError(f"{family}({name}=…) must be a number in (0, 1), got {value!r}.")


def _options(value: Any, family: str, reserved: tuple[str, ...]) -> Mapping[str, Any]:
    """``options`` as a read-only mapping; the settings the type holds itself are refused."""
    if not isinstance(value, Mapping):
        raise TypeError(f"{family}(options=…) must be a dict, got {type(value).__name__}.")
    clash = sorted(set(value) & set(reserved))
    if clash:
        raise ValueError(
            f"{family}(options=…) holds {clash}, which {family} takes itself or which "
            f"pymc-slt sets; pass them as {family}({clash[0]}=…) or as the function's argument "
            "(random_seed, progressbar)."
        )
    return MappingProxyType(dict(value))


class _Tempering(Spec):
    """An SMC family: its ``draws`` are particles and it has no tuning phase."""

    @property
    def tune(self) -> int:
        """No tuning phase: 0 (the moves adapt between stages)."""
        return 0


@dataclass(frozen=True, kw_only=True, repr=False)
class NUTS(Spec):
    """nutpie's NUTS (diagonal mass matrix adapted during ``tune``).

    Parameters
    ----------
    draws, tune, chains : int
        Kept draws and tuning steps per chain; number of chains.
    target_accept : float, optional
        Step-size adaptation's target acceptance rate; None takes the sampling method's own
        default (see the module docstring).
    options : dict, optional
        Other keyword arguments of ``nutpie.sample`` (e.g. ``{"maxdepth": 8}``).
    """

    name: ClassVar[str] = "nuts"
    draws: int = 1000
    tune: int = 1000
    chains: int = 4
    target_accept: float | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _positive_int(self.draws, "draws", "NUTS")
        _positive_int(self.tune, "tune", "NUTS", minimum=0)
        _positive_int(self.chains, "chains", "NUTS")
        if self.target_accept is not None:
            _share(self.target_accept, "target_accept", "NUTS")
        reserved = ("draws", "tune", "chains", "target_accept", "seed", "progress_bar")
        object.__setattr__(self, "options", _options(self.options, "NUTS", reserved))

    def kwargs(self, target_accept: float | None = None) -> dict[str, Any]:
        """Keyword arguments for ``nutpie.sample`` besides the run's lengths: ``options`` and
        ``target_accept`` (this value's, else the given method default, else nutpie's)."""
        chosen = self.target_accept if self.target_accept is not None else target_accept
        return {**self.options, **({} if chosen is None else {"target_accept": chosen})}


@dataclass(frozen=True, kw_only=True, repr=False)
class SMC(_Tempering):
    """PyMC's sequential Monte Carlo, ``pm.sample_smc`` (independent Metropolis–Hastings moves;
    fine at small d, it stops mixing past a handful of parameters).

    Parameters
    ----------
    draws : int
        Particles per chain.
    chains : int
        Independent SMC runs.
    options : dict, optional
        Other keyword arguments of ``pm.sample_smc`` (e.g. ``{"threshold": 0.6}``).
    """

    name: ClassVar[str] = "smc"
    draws: int = 1000
    chains: int = 4
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        _positive_int(self.draws, "draws", "SMC")
        _positive_int(self.chains, "chains", "SMC")
        reserved = ("draws", "chains", "random_seed", "progressbar", "model", "cores")
        object.__setattr__(self, "options", _options(self.options, "SMC", reserved))

    def kwargs(self, target_accept: float | None = None) -> dict[str, Any]:
        """Keyword arguments for ``pm.sample_smc`` besides ``draws`` and ``chains``."""
        return dict(self.options)


@dataclass(frozen=True, kw_only=True, repr=False)
class HMCSMC(_Tempering):
    """Adaptive tempered SMC with HMC (or NUTS) moves, BlackJAX on PyMC's JAX log density
    (:mod:`pymc_slt.sampling.hmc_smc`; ``pip install 'pymc-slt[jax]'``).

    Parameters
    ----------
    draws : int
        Particles per chain.
    chains : int
        Independent runs.
    target_ess : float
        Each stage's β step keeps this share of the particles' effective sample size.
    num_mcmc_steps, num_integration_steps : int
        Moves per stage, and leapfrog steps per HMC move.
    target_accept : float
        The HMC step size adapts between stages towards this acceptance rate.
    kernel : {"hmc", "nuts"}
        The move kernel.
    """

    name: ClassVar[str] = "hmc_smc"
    draws: int = 1000
    chains: int = 4
    target_ess: float = 0.5
    num_mcmc_steps: int = 5
    num_integration_steps: int = 128
    target_accept: float = 0.7
    kernel: Literal["hmc", "nuts"] = "hmc"

    def __post_init__(self) -> None:
        for key in ("draws", "chains", "num_mcmc_steps", "num_integration_steps"):
            _positive_int(getattr(self, key), key, "HMCSMC")
        for key in ("target_ess", "target_accept"):
            _share(getattr(self, key), key, "HMCSMC")
        if self.kernel not in ("hmc", "nuts"):
            raise ValueError(
                f"HMCSMC(kernel=…) must be one of ['hmc', 'nuts'], got {self.kernel!r}."
            )

    def kwargs(self, target_accept: float | None = None) -> dict[str, Any]:
        """The move settings (everything but ``draws`` and ``chains``)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _RUN}


SamplerSpec = NUTS | SMC | HMCSMC
#: The sampler families by name; a name is a shorthand for the family's defaults.
SAMPLERS: dict[str, type[NUTS] | type[SMC] | type[HMCSMC]] = {
    cls.name: cls for cls in (NUTS, SMC, HMCSMC)
}
_RUN = ("draws", "tune", "chains")


def as_sampler(
    sampler: str | SamplerSpec | None,
    *,
    draws: int | None = None,
    tune: int | None = None,
    chains: int | None = None,
    sampler_kwargs: Mapping[str, Any] | None = None,
    default: SamplerSpec | None = None,
) -> SamplerSpec:
    """The sampler value a function runs: ``sampler`` itself, or built from a name and the
    loose settings (``draws``, ``tune``, ``chains``, ``sampler_kwargs``) that functions took
    before sampler values existed.

    Parameters
    ----------
    sampler : str, NUTS, SMC, HMCSMC or None
        A value, a family's name, or None for ``default`` (else ``NUTS()``).
    draws, tune, chains : int, optional
        Override the family's defaults; not allowed beside a value (set them in it).
    sampler_kwargs : dict, optional
        The family's other settings: NUTS's ``target_accept`` and nutpie options, SMC's
        ``pm.sample_smc`` options, HMCSMC's fields.
    default : NUTS, SMC or HMCSMC, optional
        What None means (a method's own default sampler).

    Returns
    -------
    NUTS, SMC or HMCSMC

    Examples
    --------
    >>> from pymc_slt.sampling.samplers import as_sampler
    >>> as_sampler("nuts", draws=500, sampler_kwargs={"target_accept": 0.9}).target_accept
    0.9
    >>> as_sampler("smc", tune=1000).draws  # SMC has no tune; a loose one is ignored
    1000
    """
    loose = {"draws": draws, "tune": tune, "chains": chains}
    given = {k: v for k, v in loose.items() if v is not None}
    if isinstance(sampler, NUTS | SMC | HMCSMC):
        if given or sampler_kwargs:
            names = sorted([*given, *(["sampler_kwargs"] if sampler_kwargs else [])])
            raise ValueError(
                f"{names} given beside sampler={sampler!r}; set them in the sampler value, e.g. "
                f"slt.{type(sampler).__name__}(draws=…), and drop them."
            )
        return sampler
    if sampler is None:
        base = default if default is not None else NUTS()
    elif isinstance(sampler, str) and sampler in SAMPLERS:
        base = default if type(default) is SAMPLERS[sampler] else SAMPLERS[sampler]()
    else:
        raise ValueError(
            f"sampler must be one of {list(SAMPLERS)} or a value slt.NUTS(…), slt.SMC(…), "
            f"slt.HMCSMC(…), got {sampler!r}."
        )
    if sampler_kwargs is not None and not isinstance(sampler_kwargs, Mapping):
        raise TypeError(
            f"sampler_kwargs must be a dict or None, got {type(sampler_kwargs).__name__}."
        )
    extra = dict(sampler_kwargs or {})
    if "tune" in given and not isinstance(base, NUTS):  # SMC samplers have no tuning phase:
        _positive_int(given.pop("tune"), "tune", type(base).__name__, minimum=0)  # checked, unused
    if isinstance(base, NUTS):
        if "target_accept" in extra:
            given["target_accept"] = extra.pop("target_accept")
        if extra:
            given["options"] = {**base.options, **extra}
        return replace(base, **given)
    if isinstance(base, SMC):
        return replace(base, **given, **({"options": {**base.options, **extra}} if extra else {}))
    unknown = sorted(set(extra) - {f.name for f in fields(HMCSMC)} - set(_RUN))
    if unknown:
        raise ValueError(
            f"sampler_kwargs has unknown key(s) {unknown} for sampler='hmc_smc'; valid keys: "
            f"{sorted(f.name for f in fields(HMCSMC) if f.name not in _RUN)}."
        )
    return replace(base, **given, **extra)


def resolve_sampler(
    function: str,
    sampler: str | SamplerSpec | None,
    deprecated: Mapping[str, Any],
    default: SamplerSpec | None = None,
    replacements: Mapping[str, str] | None = None,
) -> tuple[SamplerSpec, dict[str, Any]]:
    """The sampler value a public function runs, from ``sampler`` and its ``**deprecated``
    keyword arguments (the loose ``draws``, ``tune``, ``chains``, ``sampler_kwargs``, with a
    ``DeprecationWarning``; :mod:`pymc_slt._deprecated`).

    Parameters
    ----------
    function : str
        The public function's name, for the messages.
    sampler : str, NUTS, SMC, HMCSMC or None
        As the function got it.
    deprecated : mapping
        The function's ``**deprecated`` keyword arguments.
    default : NUTS, SMC or HMCSMC, optional
        What None means (see :func:`as_sampler`).
    replacements : mapping, optional
        The function's other deprecated names and their replacements.

    Returns
    -------
    tuple of (NUTS, SMC or HMCSMC; dict)
        The sampler value, and the other deprecated arguments given (not None).
    """
    old = take_deprecated(
        function, deprecated, {**LOOSE_SAMPLER, **(replacements or {})}, stacklevel=4
    )
    loose = {key: old.pop(key) for key in list(old) if key in LOOSE_SAMPLER}
    return as_sampler(sampler, **loose, default=default), old


def with_run_sampler(
    options: Mapping[str, Any],
    spec: SamplerSpec,
    families: tuple[str, ...],
    default: SamplerSpec,
    function: str | None = None,
) -> dict[str, Any]:
    """Keyword arguments of one quantity's function (``options``) with the sampler it runs, the
    one rule :func:`pymc_slt.compare` and the sweep share.

    The quantity's own ``sampler`` (a value, or a name) wins; otherwise the run's ``spec``
    where its family can draw for the method (``families``), else the method's ``default``.
    Loose ``draws``, ``tune``, ``chains``, ``sampler_kwargs`` in ``options`` change that
    sampler's settings: deprecated in :func:`pymc_slt.compare` (``function`` names it, for
    the warning), the JSON form of a sampler in a sweep's options (``function`` None).
    ``options`` with ``data`` are returned as they are (nothing is sampled).
    """
    options = dict(options)
    if "data" in options:
        return options
    loose = {key: options.pop(key) for key in LOOSE_SAMPLER if key in options}
    if function is not None:
        take_deprecated(function, loose, LOOSE_SAMPLER, stacklevel=5)
    given = options.get("sampler")
    if given is None:
        base = spec if spec.name in families else default
        options["sampler"] = as_sampler(base.name, **loose, default=base) if loose else base
    elif loose:
        options["sampler"] = as_sampler(given, **loose, default=default)
    return options
