"""Sweep tasks: small, picklable, content-hashed descriptions of one unit of work.

A :class:`SweepTask` names a model builder of the zoo and a simulator (with their keyword
arguments, JSON-like values only), the number of observations ``n``, a seed, the quantities to
compute, the inverse temperature β (for β-dependent quantities) and sampler options. It carries no
data: the worker simulates the data from the seed. Its :attr:`SweepTask.task_id` is a hash of the
canonical JSON of all of this, so a sweep resumed later (or elsewhere) recognizes finished work by
content, whatever order or grid the tasks came from.
"""

from __future__ import annotations

import hashlib
import inspect
import itertools
import json
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pymc_slt import models as zoo
from pymc_slt._validate import named_seed, validate_beta, validate_positive_int
from pymc_slt.quantities import BETA_QUANTITIES, QUANTITIES
from pymc_slt.sampling.samplers import NUTS, SAMPLERS, as_sampler
from pymc_slt.sweep.zoo import BUILDERS, DEFAULT_SIMULATOR, SIMULATORS

__all__ = ["SweepTask", "grid", "grid_from_config"]

#: Version of the task schema, part of every task id (bumped only if the hashed content changes).
TASK_SCHEMA = 1


#: Sampler options of a task and their defaults (those of :func:`pymc_slt.sample_tempered`).
SAMPLER_DEFAULTS: Mapping[str, Any] = {
    **{key: getattr(NUTS(), key) for key in ("draws", "tune", "chains")},
    "sampler": NUTS.name,
}
_SAMPLER_KEYS = (*SAMPLER_DEFAULTS, "sampler_kwargs")


def _canonical(value: Any, where: str) -> Any:
    """``value`` as plain JSON data (tuples and arrays → lists, NumPy scalars → Python)."""
    if value is None or isinstance(value, str | bool):
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray):
        return _canonical(value.tolist(), where)
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{where} keys must be strings, got {key!r}.")
            out[key] = _canonical(item, f"{where}[{key!r}]")
        return dict(sorted(out.items()))
    if isinstance(value, list | tuple):
        return [_canonical(item, where) for item in value]
    raise TypeError(
        f"{where} must hold JSON-like values (numbers, strings, booleans, None, lists, tables) so "
        f"the task can be hashed and shipped to a worker, got {type(value).__name__} {value!r}."
    )


def _check_name(name: Any, registry: Mapping[str, Any], what: str) -> str:
    if name not in registry:
        raise ValueError(f"unknown {what} {name!r}; valid {what}s are {sorted(registry)}.")
    return name


def _check_signature(fn: Callable, kwargs: dict, skip: int, what: str) -> None:
    """Bind ``kwargs`` to ``fn`` after its first ``skip`` positional parameters (x, y or n)."""
    params = list(inspect.signature(fn).parameters.values())
    reserved = {p.name for p in params[:skip]} | {"random_seed"}
    taken = sorted(reserved & set(kwargs))
    if taken:
        raise ValueError(
            f"{what} sets {taken}, which the sweep supplies itself (data come from n and the "
            "task seed); remove them."
        )
    try:
        inspect.signature(fn).bind(*([None] * skip), **kwargs)
    except TypeError as err:
        allowed = [p.name for p in params[skip:] if p.name != "random_seed"]
        raise ValueError(f"{what} do not fit {fn.__name__}{allowed}: {err}.") from err


def _check_sampler(sampler: Any) -> dict[str, Any]:
    sampler = _canonical(sampler or {}, "sampler")
    if not isinstance(sampler, dict):
        raise TypeError(f"sampler must be a table of options, got {sampler!r}.")
    unknown = sorted(set(sampler) - set(_SAMPLER_KEYS))
    if unknown:
        raise ValueError(
            f"unknown sampler option(s) {unknown}; valid ones are {list(_SAMPLER_KEYS)}."
        )
    out = {**SAMPLER_DEFAULTS, **sampler}
    if out["sampler"] not in SAMPLERS:
        raise ValueError(
            f"sampler 'sampler' must be 'nuts', 'smc' or 'hmc_smc', got {out['sampler']!r}."
        )
    as_sampler(  # the sampler families check their own settings
        out["sampler"],
        draws=out["draws"],
        tune=out["tune"],
        chains=out["chains"],
        sampler_kwargs=out.get("sampler_kwargs"),
    )
    return dict(sorted(out.items()))


def _check_quantities(quantities: Any) -> tuple[str, ...]:
    if isinstance(quantities, str):
        quantities = (quantities,)
    names = tuple(quantities)
    if not names:
        raise ValueError(f"quantities is empty; choose from {sorted(QUANTITIES)}.")
    for name in names:
        _check_name(name, QUANTITIES, "quantity")
    return tuple(sorted(set(names)))


@dataclass(frozen=True, slots=True, kw_only=True)
class SweepTask:
    """One unit of a sweep: simulate data, build a model, compute some quantities.

    Every argument is plain data (numbers, strings, lists, tables), so a task pickles into a
    few hundred bytes and its content hashes to :attr:`task_id`.

    Parameters
    ----------
    builder : str
        A model builder of the zoo, one of :data:`BUILDERS` (e.g. ``"reduced_rank_regression"``),
        called as ``builder(x, y, **builder_kwargs)``.
    n : int
        Number of observations to simulate, >= 1.
    seed : int
        Seed of the task, >= 0. The data and each quantity's sampler get their own seeds derived
        from it (:meth:`seed_for`), so the same task gives the same numbers anywhere.
    quantities : sequence of str
        Names in :data:`~pymc_slt.quantities.QUANTITIES` (``"energy"``, ``"draws"``,
        ``"waic"``, ``"loo"``, ``"bic"``, ``"wbic"``, ``"learning_coefficient"``, ``"log_z"``,
        ``"fisher_rank"``).
    builder_kwargs : mapping, optional
        Keyword arguments of the builder (e.g. ``{"H": 2}``).
    simulator : str, optional
        One of :data:`SIMULATORS`; default the one matching ``builder``.
    simulator_kwargs : mapping, optional
        Keyword arguments of the simulator after ``n`` (e.g. ``{"M": 3, "N": 3, "r": 1}``).
    beta : float, optional
        Inverse temperature of the β-dependent quantities (``"energy"``, ``"draws"``,
        ``"waic"``); default 1.0 when one is requested. Must be left unset otherwise.
    sampler : mapping, optional
        ``draws``, ``tune``, ``chains`` (defaults 1000, 1000, 4), ``sampler`` (``"nuts"`` or
        ``"smc"``) and the ``sampler_kwargs`` table of :func:`pymc_slt.sample_tempered`.
    options : mapping, optional
        Extra keyword arguments per quantity, e.g. ``{"learning_coefficient": {"method":
        "two_temperature"}, "log_z": {"method": "smc"}}``.

    Raises
    ------
    ValueError
        For an unknown builder, simulator, quantity or sampler option, keyword arguments that do
        not fit the builder or simulator, ``beta`` given without a β-dependent quantity, or
        options for a quantity that is not requested.
    TypeError
        For values that are not JSON-like, or a non-integer ``n`` or ``seed``.

    Examples
    --------
    >>> task = SweepTask(builder="normal_crossing", builder_kwargs={"powers": [1, 1]},
    ...                  simulator_kwargs={"powers": [1, 1]}, n=50, seed=0,
    ...                  quantities=["energy"], beta=0.5)
    >>> task.task_id == SweepTask.from_dict(task.to_dict()).task_id
    True
    """

    builder: str
    n: int
    seed: int
    quantities: tuple[str, ...]
    builder_kwargs: dict[str, Any] = field(default_factory=dict)
    simulator: str | None = None
    simulator_kwargs: dict[str, Any] = field(default_factory=dict)
    beta: float | None = None
    sampler: dict[str, Any] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        def put(name: str, value: Any) -> None:
            object.__setattr__(self, name, value)

        builder = _check_name(self.builder, BUILDERS, "builder")
        simulator = _check_name(
            DEFAULT_SIMULATOR[builder] if self.simulator is None else self.simulator,
            SIMULATORS,
            "simulator",
        )
        put("simulator", simulator)
        put("n", validate_positive_int(self.n, "n"))
        put("seed", validate_positive_int(self.seed, "seed", minimum=0))
        put("quantities", _check_quantities(self.quantities))
        builder_kwargs = _canonical(dict(self.builder_kwargs), "builder_kwargs")
        simulator_kwargs = _canonical(dict(self.simulator_kwargs), "simulator_kwargs")
        _check_signature(BUILDERS[builder], builder_kwargs, 2, f"builder_kwargs of {builder!r}")
        _check_signature(
            SIMULATORS[simulator], simulator_kwargs, 1, f"simulator_kwargs of {simulator!r}"
        )
        put("builder_kwargs", builder_kwargs)
        put("simulator_kwargs", simulator_kwargs)
        uses_beta = any(q in BETA_QUANTITIES for q in self.quantities)
        if self.beta is not None and not uses_beta:
            raise ValueError(
                f"beta is set but none of {list(self.quantities)} depends on it; β is used by "
                f"{sorted(BETA_QUANTITIES)}. Leave beta unset for the others."
            )
        put(
            "beta",
            validate_beta(self.beta) if self.beta is not None else 1.0 if uses_beta else None,
        )
        put("sampler", _check_sampler(self.sampler))
        options = _canonical(dict(self.options), "options")
        stray = sorted(set(options) - set(self.quantities))
        if stray:
            raise ValueError(
                f"options given for {stray}, which are not among the quantities "
                f"{list(self.quantities)}."
            )
        if not all(isinstance(v, dict) for v in options.values()):
            raise TypeError(
                f"options must map quantity names to tables of keywords, got {options}."
            )
        put("options", options)

    def __hash__(self) -> int:
        return hash(self.task_id)

    def to_dict(self) -> dict[str, Any]:
        """The task as plain JSON data (what :attr:`task_id` hashes); see :meth:`from_dict`."""
        return {
            "schema": TASK_SCHEMA,
            "builder": self.builder,
            "builder_kwargs": self.builder_kwargs,
            "simulator": self.simulator,
            "simulator_kwargs": self.simulator_kwargs,
            "n": self.n,
            "seed": self.seed,
            "beta": self.beta,
            "quantities": list(self.quantities),
            "sampler": self.sampler,
            "options": self.options,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SweepTask:
        """Rebuild a task from :meth:`to_dict` output (e.g. a manifest entry)."""
        fields = {k: v for k, v in data.items() if k != "schema"}
        return cls(**fields)

    @property
    def task_id(self) -> str:
        """16 hex digits of the SHA-256 of the canonical JSON of :meth:`to_dict`."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    @property
    def model_label(self) -> str:
        """``builder(k=v, …)``: the model column of the sweep table."""
        return _call_label(self.builder, self.builder_kwargs)

    @property
    def data_label(self) -> str:
        """``simulator(k=v, …)``: the data column of the sweep table."""
        return _call_label(self.simulator, self.simulator_kwargs)

    def seed_for(self, purpose: str) -> int:
        """An int seed for ``purpose`` (``"data"`` or a quantity), derived from :attr:`seed`.

        Independent of the other quantities of the task, so adding a quantity to a task does not
        change the numbers of the others.
        """
        return named_seed(self.seed, purpose)

    def simulate(self) -> zoo.SimulatedData:
        """Simulate the task's data with :meth:`seed_for` ``("data")``."""
        return SIMULATORS[self.simulator](
            self.n, **self.simulator_kwargs, random_seed=self.seed_for("data")
        )

    def build(self, data: zoo.SimulatedData) -> Any:
        """The PyMC model of the task for ``data``."""
        return BUILDERS[self.builder](data.x, data.y, **self.builder_kwargs)


def _call_label(name: str, kwargs: Mapping[str, Any]) -> str:
    args = ", ".join(f"{k}={json.dumps(v, separators=(',', ':'))}" for k, v in kwargs.items())
    return f"{name}({args})"


def _as_list(value: Any, name: str) -> list[Any]:
    if isinstance(value, str | bytes | Mapping):
        raise TypeError(f"{name} must be a number or a sequence of numbers, got {value!r}.")
    if np.ndim(value) == 0:
        return [value]
    out = list(value)
    if not out:
        raise ValueError(f"{name} is empty; give at least one value.")
    return out


_MODEL_KEYS = ("builder", "builder_kwargs", "simulator", "simulator_kwargs")


def grid(
    models: Mapping[str, Any] | Iterable[Mapping[str, Any]],
    *,
    n: int | Sequence[int],
    seeds: int | Sequence[int],
    quantities: str | Sequence[str],
    betas: float | Sequence[float] | None = None,
    sampler: Mapping[str, Any] | None = None,
    options: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[SweepTask]:
    """Expand models × n × seeds × β into a list of :class:`SweepTask`.

    β-dependent quantities (``"energy"``, ``"draws"``, ``"waic"``) get one task per β; the
    others (``"log_z"``, ``"wbic"``, ``"learning_coefficient"``, ``"fisher_rank"``) get one task
    per model × n × seed with β unset, so nothing is computed twice.

    Parameters
    ----------
    models : mapping or sequence of mappings
        Each with ``builder`` and optionally ``builder_kwargs``, ``simulator`` and
        ``simulator_kwargs`` (as in :class:`SweepTask`).
    n : int or sequence of int
        Numbers of observations.
    seeds : int or sequence of int
        Task seeds (an int is one seed).
    quantities : str or sequence of str
        Quantities computed by every task.
    betas : float or sequence of float, optional
        Inverse temperatures of the β-dependent quantities; default 1.0.
    sampler : mapping, optional
        Sampler options of every task.
    options : mapping, optional
        Extra keyword arguments per quantity.

    Returns
    -------
    list of SweepTask
        In the order models, n, seeds, then the β-free task before the β tasks; duplicates
        (same content) appear once.

    Raises
    ------
    ValueError, TypeError
        As :class:`SweepTask`, plus unknown keys in a model table or empty lists.

    Examples
    --------
    >>> tasks = grid({"builder": "normal_crossing", "builder_kwargs": {"powers": [1, 1]},
    ...               "simulator_kwargs": {"powers": [1, 1]}},
    ...              n=[50, 100], seeds=[0, 1], quantities=["energy", "wbic"], betas=[0.5, 1.0])
    >>> len(tasks)  # 2 n × 2 seeds × (1 WBIC task + 2 β tasks)
    12
    """
    specs = [models] if isinstance(models, Mapping) else list(models)
    if not specs:
        raise ValueError("models is empty; give at least one {'builder': ...} table.")
    for spec in specs:
        if not isinstance(spec, Mapping):
            raise TypeError(f"each model must be a table with a 'builder' key, got {spec!r}.")
        unknown = sorted(set(spec) - set(_MODEL_KEYS))
        if unknown or "builder" not in spec:
            raise ValueError(
                f"a model table needs 'builder' and may have {list(_MODEL_KEYS[1:])}; got keys "
                f"{sorted(spec)}."
            )
    names = _check_quantities(quantities)
    with_beta = tuple(q for q in names if q in BETA_QUANTITIES)
    without_beta = tuple(q for q in names if q not in BETA_QUANTITIES)
    beta_list = [1.0] if betas is None else _as_list(betas, "betas")
    options = dict(options or {})
    stray = sorted(set(options) - set(names))
    if stray:
        raise ValueError(f"options given for {stray}, which are not among the quantities {names}.")
    tasks: dict[str, SweepTask] = {}
    for spec, size, seed in itertools.product(specs, _as_list(n, "n"), _as_list(seeds, "seeds")):
        common = {**spec, "n": size, "seed": seed, "sampler": sampler or {}}
        variants = [(without_beta, None)] if without_beta else []
        variants += [(with_beta, beta) for beta in beta_list] if with_beta else []
        for qs, beta in variants:
            opts = {q: options[q] for q in qs if q in options}
            task = SweepTask(**common, quantities=qs, beta=beta, options=opts)
            tasks.setdefault(task.task_id, task)
    return list(tasks.values())


_GRID_KEYS = ("models", "n", "seeds", "quantities", "betas", "sampler", "options")
_REQUIRED_KEYS = ("models", "n", "seeds", "quantities")


def grid_from_config(config: Mapping[str, Any], source: str = "config") -> list[SweepTask]:
    """:func:`grid` of a configuration table (a parsed TOML file), checking its keys first.

    Raises
    ------
    ValueError
        For unknown or missing keys (named, with the valid ones), then as :func:`grid`.
    """
    unknown = sorted(set(config) - set(_GRID_KEYS))
    if unknown:
        raise ValueError(f"{source}: unknown key(s) {unknown}; valid keys are {list(_GRID_KEYS)}.")
    missing = [k for k in _REQUIRED_KEYS if k not in config]
    if missing:
        raise ValueError(f"{source}: missing key(s) {missing} (required: {list(_REQUIRED_KEYS)}).")
    return grid(**config)
