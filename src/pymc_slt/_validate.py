"""Validators shared by the public functions.

Each raises a ``ValueError`` or ``TypeError`` whose message says which argument was wrong, what
it was, what is allowed and what to do instead. They are called at the public boundary, before any
compilation or sampling, so bad input never surfaces as an error from deep inside PyTensor.
"""

from __future__ import annotations

import numbers
import sys
import zlib
from collections.abc import Sequence
from typing import Any

import numpy as np
import pymc as pm

__all__ = [
    "as_pymc_model",
    "validate_beta",
    "validate_betas",
    "validate_model",
    "validate_positive_int",
    "validate_positive_real",
    "validate_random_seed",
    "validate_rtol",
]


def validate_beta(beta: Any, name: str = "beta") -> float:
    """Return ``beta`` as a float after checking it is a finite number > 0.

    Raises
    ------
    TypeError
        If ``beta`` is not a real number.
    ValueError
        If ``beta`` is not finite or not > 0.
    """
    if isinstance(beta, bool) or not isinstance(beta, numbers.Real | np.floating | np.integer):
        if isinstance(beta, np.ndarray) and beta.ndim == 0:
            beta = beta.item()
        else:
            raise TypeError(
                f"{name} must be a real number (the inverse temperature), got "
                f"{type(beta).__name__} {beta!r}; {name}=1.0 is the ordinary posterior."
            )
    value = float(beta)
    if not np.isfinite(value) or value <= 0:
        raise ValueError(
            f"{name} must be finite and > 0, got {value!r}; {name}=1.0 is the ordinary posterior, "
            f"0 < {name} < 1 flattens the likelihood and {name} > 1 sharpens it."
        )
    return value


def validate_betas(betas: Any, name: str = "betas") -> np.ndarray:
    """Return ``betas`` as a 1-D float array of finite, positive, distinct values.

    Raises
    ------
    TypeError
        If ``betas`` is a scalar, a string or holds non-numbers.
    ValueError
        If it is empty, not 1-D, or any entry is not finite and > 0, or values repeat.
    """
    if isinstance(betas, str | bytes) or np.ndim(betas) == 0:
        raise TypeError(
            f"{name} must be a 1-D sequence of inverse temperatures, got {type(betas).__name__} "
            f"{betas!r}; for a single value use sample_tempered(model, beta=...)."
        )
    try:
        arr = np.asarray(betas, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be a 1-D sequence of real numbers, got {betas!r}.") from err
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array of shape {arr.shape}.")
    if arr.size == 0:
        raise ValueError(
            f"{name} is empty; give at least one inverse temperature, e.g. [0.5, 1.0]."
        )
    bad = ~np.isfinite(arr) | (arr <= 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{name} must hold finite values > 0, got {name}[{i}] = {float(arr[i])!r}; "
            "beta=1.0 is the ordinary posterior."
        )
    if np.unique(arr).size != arr.size:
        raise ValueError(f"{name} holds repeated values {arr.tolist()}; give each beta once.")
    return arr


def validate_positive_real(value: Any, name: str, *, what: str, hint: str) -> float:
    """``value`` as a float, finite and > 0; ``what`` says what it is, ``hint`` what to pass."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be {what}, got {type(value).__name__} {value!r}.")
    number = float(value)
    if not np.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be finite and > 0, got {number!r}; {hint}.")
    return number


def validate_positive_int(value: Any, name: str, minimum: int = 1) -> int:
    """Return ``value`` as an int after checking it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{name} must be an integer >= {minimum}, got {type(value).__name__} {value!r}."
        )
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}, got {value}.")
    return int(value)


def validate_random_seed(random_seed: Any) -> int | None:
    """Return an int seed (or None) from an int, a ``numpy.random.Generator`` or None."""
    if random_seed is None:
        return None
    if isinstance(random_seed, np.random.Generator):
        return int(random_seed.integers(2**31))
    if isinstance(random_seed, bool) or not isinstance(random_seed, numbers.Integral):
        raise TypeError(
            "random_seed must be None, a non-negative int or a numpy Generator, got "
            f"{type(random_seed).__name__} {random_seed!r}."
        )
    if random_seed < 0:
        raise ValueError(f"random_seed must be >= 0, got {random_seed}.")
    return int(random_seed)


def spawn_sequences(random_seed: Any, k: int) -> list[np.random.SeedSequence]:
    """``k`` independent ``SeedSequence`` children of one user seed (None → fresh entropy).

    ``random_seed`` may also be a ``SeedSequence`` (to spawn a tree of seeds). This is the one
    place the package splits a seed; :func:`spawn_seeds` and :func:`named_seed` build on it.
    """
    if isinstance(random_seed, np.random.SeedSequence):
        return random_seed.spawn(k)
    return np.random.SeedSequence(validate_random_seed(random_seed)).spawn(k)


def spawn_seeds(random_seed: Any, k: int) -> list[int]:
    """``k`` independent int seeds from one user seed (None → fresh entropy).

    Each is ``SeedSequence(seed).spawn(k)[i].generate_state(1)[0]``, so a result depends only on
    the user's seed and its position.
    """
    return [int(c.generate_state(1)[0]) for c in spawn_sequences(random_seed, k)]


def named_seed(seed: int, name: str) -> int:
    """An int seed for the purpose ``name`` derived from ``seed``: ``SeedSequence([seed,
    crc32(name)])``, independent of every other name, so adding a purpose changes no other."""
    sequence = np.random.SeedSequence([int(seed), zlib.crc32(name.encode())])
    return int(sequence.generate_state(1)[0])


def as_pymc_model(model: Any, name: str = "model") -> pm.Model:
    """The PyMC model behind ``model``: a ``pm.Model`` itself, or a Bambi model's.

    A ``bambi.Model`` is built if it has not been (``model.build()``, as ``model.fit()`` would)
    and its PyMC model ``model.backend.model`` is returned; the Bambi object keeps it, so the
    parameters and observed data are the formula's. Every public function that takes a model
    passes it through here (via :func:`validate_model` where the data are checked too).

    Raises
    ------
    TypeError
        If ``model`` is neither a ``pm.Model`` nor a ``bambi.Model``.
    """
    if isinstance(model, pm.Model):
        return model
    # Bambi not imported means no Bambi model exists: no import (seconds) for plain PyMC models.
    bambi_model = getattr(sys.modules.get("bambi"), "Model", None)
    if bambi_model is not None and isinstance(model, bambi_model):
        if not getattr(model, "built", False) or model.backend is None:
            model.build()
        return model.backend.model
    raise TypeError(
        f"{name} must be a pymc.Model or a bambi.Model, got {type(model).__name__}; build it "
        "with `with pm.Model() as model: ...`, a builder from pymc_slt.models, or "
        "bambi.Model('y ~ x', data)."
    )


def validate_model(model: Any, name: str = "model") -> pm.Model:
    """The PyMC model of ``model`` (:func:`as_pymc_model`), checked to have finite observed data.

    Raises
    ------
    TypeError
        If ``model`` is neither a ``pm.Model`` nor a ``bambi.Model``.
    ValueError
        If it has no observed variable, or an observed variable holds NaN or inf (PyMC would
        silently impute those entries as parameters, which changes n and the likelihood).
    """
    model = as_pymc_model(model, name)
    if not model.observed_RVs:
        raise ValueError(
            f"{name} has no observed variable, so there is no likelihood to temper; pass "
            "`observed=` data to the likelihood, e.g. pm.Normal('y', mu, sigma, observed=y)."
        )
    for rv in model.observed_RVs:
        data = observed_array(model, rv.name)
        if data.dtype.kind in "fc" and not np.all(np.isfinite(data)):
            n_bad = int(np.size(data) - np.isfinite(data).sum())
            raise ValueError(
                f"observed data of {rv.name!r} in {name} holds {n_bad} NaN/inf value(s); drop or "
                "impute them before building the model (SLT quantities need fully observed data)."
            )
    if any(name.endswith("_unobserved") for name in model.named_vars) and any(
        name.endswith("_observed") for name in model.named_vars
    ):
        raise ValueError(
            f"{name} imputes missing observations (PyMC split an observed variable into "
            "'_observed'/'_unobserved' parts); drop the missing rows before building the model."
        )
    return model


def observed_array(model: pm.Model, name: str) -> np.ndarray:
    """The observed values of the observed variable ``name`` as a NumPy array."""
    from pymc.backends.arviz import extract_obs_data

    rv = model[name]
    return np.asarray(extract_obs_data(model.rvs_to_values[rv]))


def check_sequence_of_str(value: Sequence[str] | None, name: str) -> list[str] | None:
    """Return a list of names, accepting None, a single string or a sequence of strings."""
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    out = list(value)
    if not all(isinstance(v, str) for v in out):
        raise TypeError(f"{name} must be a string or a sequence of strings, got {value!r}.")
    return out


def validate_rtol(rtol: Any) -> float | None:
    """``rtol`` of a numerical rank: None, or a float in [0, 1)."""
    if rtol is None:
        return None
    if isinstance(rtol, bool) or not isinstance(rtol, numbers.Real):
        raise TypeError(f"rtol must be None or a real number, got {type(rtol).__name__}.")
    if not (np.isfinite(rtol) and 0 <= rtol < 1):
        raise ValueError(
            f"rtol must be finite and in [0, 1), got {rtol!r}; it is the threshold relative to "
            "the largest eigenvalue (None uses max(d, K)·eps)."
        )
    return float(rtol)


def discrete_free_variables(model: pm.Model) -> list[str]:
    """Names of the free variables of ``model`` that are discrete (int or bool dtype)."""
    return [rv.name for rv in model.free_RVs if not rv.dtype.startswith(("float", "complex"))]


def check_continuous(model: pm.Model, what: str, alternative: str) -> None:
    """Raise a ``ValueError`` naming the discrete free variables, if any, before sampling.

    ``what`` says what needs continuous parameters (e.g. "NUTS"), ``alternative`` what works
    instead for this entry point (e.g. "sampler='smc'").
    """
    discrete = discrete_free_variables(model)
    if discrete:
        raise ValueError(
            f"model has discrete free variable(s) {discrete}, but {what} needs continuous "
            "parameters. Marginalize them out (pymc_extras.marginalize, or write the mixture "
            f"with pm.Mixture / pm.NormalMixture), or use {alternative}."
        )


def check_initial_point(model: pm.Model) -> None:
    """Raise a ``ValueError`` naming each variable whose log density is −inf or NaN at the
    model's initial point, where the samplers start, with the remedy (``initval=``).

    PyMC's default initial value of an ``ordered`` transform, for one, is outside its
    support; nutpie would fail on it with a Rust backtrace.
    """
    point = model.initial_point()
    logps = model.point_logps(point)
    bad = {name: value for name, value in logps.items() if not np.isfinite(value)}
    if bad:
        where = ", ".join(f"log p({name}) = {value}" for name, value in bad.items())
        start = ", ".join(f"{k} = {np.round(v, 3).tolist()}" for k, v in point.items())
        raise ValueError(
            f"model's initial point is outside the support: {where} at the start values "
            f"{start} (unconstrained scale). Give the variable a start inside its support, "
            "e.g. pm.Normal('mu', 0, 5, shape=2, transform=pm.distributions.transforms.ordered, "
            "initval=[-1.0, 1.0]) for an ordered vector, or check the observed data against "
            "the likelihood's support."
        )
