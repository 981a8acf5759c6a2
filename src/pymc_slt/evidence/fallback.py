"""What replaces bridge sampling when it fails or doubts itself, and when it may.

Bridge sampling needs draws that weigh every mode by its mass. When it raises (its iteration
does not converge) or doubts its estimate (``diagnostics["doubts"]``: the chains' own log Z
disagree beyond their se, r̂ beyond the bound healthy chains of that length pass, halves that
disagree, an unordered mixture, one chain; a poor Gaussian fit only with the normal proposal),
:func:`pymc_slt.log_marginal_likelihood` (by default) and :func:`pymc_slt.compare` run log Z by
a method that moves between modes, chosen by :func:`fallback`, and :func:`settle` decides which
answer stands:

===================================  ============================  ===========================
replacement                          bridge sampling ran           bridge sampling failed
===================================  ============================  ===========================
healthy, agrees (≤ 3 combined se)    the more precise of the two   —
                                     (both kept), no warning
healthy, disagrees                   the replacement's, warned     the replacement's, warned
fails its own checks or raises       bridge's, warned: no method   the replacement's, warned
                                     is healthy                    (or the error, if it raised)
===================================  ============================  ===========================

A replacement is healthy when its own run names no problem (``diagnostics["problems"]``:
stepping-stone rungs with divergences, steps too long, TI disagreeing; HMC-SMC runs that
collapsed or spread). A collapsed HMC-SMC run is never pooled. Every candidate's number, se and
problems stay in the result's ``diagnostics["candidates"]``, and the warning names them.

The rule exists because the old one (replace on r̂ > 1.01) replaced right answers by worse ones
on real data (the turtles probit models). The false-alarm and detection rates of the doubts, and
what the default path returns on the gallery and on real data, are in docs/evidence.md
("When the default path doubts bridge sampling: measured", "The default path on real data";
``benchmarks/fallback_alarms.py``, ``benchmarks/default_path.py``).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from pymc_slt.evidence.result import EvidenceResult, EvidenceWarning
from pymc_slt.sampling.diagnostics import PoorMixingWarning
from pymc_slt.sampling.hmc_smc import jax_installed
from pymc_slt.sampling.samplers import HMCSMC, NUTS, SamplerSpec

__all__ = [
    "AGREE_Z",
    "FALLBACK_HMC_SMC_DRAWS",
    "FALLBACK_HMC_SMC_MIN_DIM",
    "checked_bridge",
    "fallback",
    "first_line",
    "settle",
    "try_bridge",
]

#: Bridge sampling and its replacement agree when they differ by at most this many combined se.
AGREE_Z = 3.0

#: From this many free parameters on, bridge sampling falls back to HMC-SMC (with JAX).
FALLBACK_HMC_SMC_MIN_DIM = 17
#: Particles per chain of that HMC-SMC fallback.
FALLBACK_HMC_SMC_DRAWS = 250


def first_line(err: BaseException | Warning | str) -> str:
    """The first line of an exception's or a warning's message (its repr if it is empty)."""
    text = str(err).strip() or repr(err)
    return text.splitlines()[0]


def try_bridge(
    call: Callable[[], EvidenceResult],
    catch: tuple[type[BaseException], ...] = (RuntimeError, np.linalg.LinAlgError),
) -> tuple[EvidenceResult | None, str | None]:
    """Run bridge sampling; return its result, or why it is not to be trusted.

    Returns ``(result, None)`` if it neither raised one of ``catch`` nor doubts its estimate,
    otherwise ``(result or None, reason)``. The doubts are the result's own, typed in
    ``diagnostics["doubt_kinds"]`` and said in ``diagnostics["doubts"]`` (bridge sampling's
    problems, ``"; "``-joined, but a poor Gaussian fit under warp-III); no warning's text is
    read. The warnings that say a doubt are withheld (the caller's message repeats them); the
    others (the sampler's poor mixing) are passed on.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call()
            why = None
        except catch as err:
            result, why = None, f"bridge sampling failed ({type(err).__name__}: {first_line(err)})"
    warned = [w for w in caught if issubclass(w.category, EvidenceWarning)]
    kinds = () if result is None else result.diagnostics.get("doubt_kinds", ())
    if why is None and kinds:  # typed doubts (Doubt); their messages say why
        why = f"bridge sampling warned ({result.diagnostics['doubts'].rstrip('.')})"
    for w in caught:
        if why is None or w not in warned:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result, why


def fallback(d: int, spec: SamplerSpec) -> tuple[str, SamplerSpec, str]:
    """The method, its sampler and a note for log Z when bridge sampling fails.

    A tanh network's posterior has many separated modes; both fallbacks move between them
    (bridge sampling cannot). The choice by dimension follows their accuracy and time on tanh
    networks against agreed references (docs/benchmarks.md, "neural_evidence.py";
    ``benchmarks/neural_evidence.py``):

    * ``d ≥`` :data:`FALLBACK_HMC_SMC_MIN_DIM` (17) with JAX and BlackJAX installed:
      ``"hmc_smc"`` with :data:`FALLBACK_HMC_SMC_DRAWS` (250) particles in each of the run's
      ``chains`` (and the run's move settings when it ran HMC-SMC itself), where it is as
      accurate as the default stepping stone in a fraction of its time (whose ladder grows
      with d);
    * otherwise ``"stepping_stone"`` with the run's NUTS (or ``NUTS(draws=, chains=)`` of the
      run's SMC sampler), its rungs at the ladder's ``target_accept``
      (:data:`pymc_slt.evidence.path.LADDER_NUTS`) unless the value sets one.

    Parameters
    ----------
    d : int
        Free parameters of the model.
    spec : NUTS, SMC or HMCSMC
        The sampler value of the run that bridge sampling used.

    Returns
    -------
    tuple of (str, NUTS or HMCSMC, str)
        The method, its sampler value, and a note for the message.
    """
    if d >= FALLBACK_HMC_SMC_MIN_DIM and jax_installed():
        moves = spec.kwargs() if isinstance(spec, HMCSMC) else {}  # the user's HMC-SMC settings
        check = HMCSMC(draws=FALLBACK_HMC_SMC_DRAWS, chains=spec.chains, **moves)
        return "hmc_smc", check, f" ({spec.chains} × {FALLBACK_HMC_SMC_DRAWS} particles)"
    nuts = spec if isinstance(spec, NUTS) else NUTS(draws=spec.draws, chains=spec.chains)
    return "stepping_stone", nuts, note_jax(d)


def note_jax(d: int) -> str:
    """How to get the faster check where the stepping stone stands in for HMC-SMC."""
    if d >= FALLBACK_HMC_SMC_MIN_DIM:
        return " (pip install 'pymc-slt[jax]' for the faster method='hmc_smc')"
    return ""


def _summary(result: EvidenceResult | None, problems: str) -> dict[str, Any]:
    """A candidate's entry in ``diagnostics["candidates"]``."""
    if result is None:
        return {"log_z": np.nan, "se": np.nan, "problems": problems}
    return {"log_z": result.log_z, "se": result.se, "problems": problems}


def _line(method: str, entry: dict[str, Any]) -> str:
    number = (
        "no estimate" if np.isnan(entry["log_z"]) else f"{entry['log_z']:.3f} ± {entry['se']:.3f}"
    )
    return f"{method} {number}" + (f" ({entry['problems']})" if entry["problems"] else "")


def settle(
    bridge: EvidenceResult | None,
    why: str,
    method: str,
    rerun: Callable[[], EvidenceResult],
    note: str = "",
) -> tuple[EvidenceResult, str | None]:
    """Run the replacement ``method`` of doubted bridge sampling and decide which log Z stands.

    Parameters
    ----------
    bridge : EvidenceResult or None
        Bridge sampling's result, None if it raised.
    why : str
        Why it is doubted (from :func:`try_bridge`).
    method : str
        The replacement's name (from :func:`fallback`).
    rerun : callable
        Runs the replacement and returns its result.
    note : str, optional
        Said after the method's name (its settings, or how to get a faster one).

    Returns
    -------
    tuple of (EvidenceResult, str or None)
        The answer, with ``diagnostics["candidates"]`` (each method's ``log_z``, ``se`` and
        ``problems``) and ``fallback_from`` (``why``), and the message to warn with (None when
        the replacement confirms bridge sampling). See the module docstring for the rule.

    Raises
    ------
    RuntimeError
        If bridge sampling failed and the replacement raised too.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            other, error = rerun(), None
        except (RuntimeError, ValueError, FloatingPointError, np.linalg.LinAlgError) as err:
            other, error = None, f"{type(err).__name__}: {first_line(err)}"
    problems = error or "; ".join(other.diagnostics.get("problems", ()))
    candidates = {
        "bridge": _summary(bridge, why.removeprefix("bridge sampling ")),
        method: _summary(other, problems),
    }
    named = "; ".join(_line(m, c) for m, c in candidates.items())
    keep = {"candidates": candidates, "fallback_from": why}
    own = (EvidenceWarning, PoorMixingWarning)
    if other is None and bridge is None:
        raise RuntimeError(f"{why}, and method={method!r}, its replacement, raised {error}.")
    if other is not None and not problems:
        if bridge is not None and abs(other.log_z - bridge.log_z) <= AGREE_Z * np.hypot(
            other.se, bridge.se
        ):  # confirmed: the more precise answers, and the check's own warnings are not news
            return _with(bridge if bridge.se <= other.se else other, keep), None
        for w in caught:  # the replacement answers: its own warnings are the user's
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        return _with(other, keep), (
            f"{why}; log Z is from method={method!r}{note}, which passed its own checks, instead "
            f"({named}). fallback=False keeps bridge sampling's."
        )
    for w in caught:
        if not issubclass(w.category, own):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if bridge is not None:
        return _with(bridge, keep), (
            f"{why}, and method={method!r}{note}, its replacement, failed its own checks: no "
            "method is healthy. log Z is bridge sampling's, whose doubt is about the draws, not "
            f"the estimator ({named}). Remedy: more chains and draws, or method='hmc_smc' "
            "(sampler=slt.HMCSMC(draws=…), more particles: they start from the prior and weigh "
            "every mode)."
        )
    return _with(other, keep), (
        f"{why}; log Z is from method={method!r}{note}, which has problems of its own ({named}). "
        "Remedy: more chains and draws, or method='hmc_smc' (sampler=slt.HMCSMC(draws=…), more "
        "particles)."
    )


def _with(result: EvidenceResult, extra: dict[str, Any]) -> EvidenceResult:
    return replace(result, diagnostics={**result.diagnostics, **extra})


def checked_bridge(
    bridge: Callable[[], EvidenceResult] | str,
    d: int,
    spec: SamplerSpec,
    rerun: Callable[[str, SamplerSpec], EvidenceResult],
    catch: tuple[type[BaseException], ...] = (RuntimeError, np.linalg.LinAlgError),
) -> tuple[EvidenceResult, str | None]:
    """The default path of log Z, the one rule :func:`pymc_slt.log_marginal_likelihood` and
    :func:`pymc_slt.compare` both follow: bridge sampling (:func:`try_bridge`), and where it
    fails or doubts itself, the check :func:`fallback` chooses, settled by :func:`settle`.

    Parameters
    ----------
    bridge : callable or str
        Runs bridge sampling; or why it could not run (e.g. its draws failed).
    d : int
        Free parameters of the model.
    spec : NUTS, SMC or HMCSMC
        The sampler value of bridge sampling's run (see :func:`fallback`).
    rerun : callable ``(method, sampler) -> EvidenceResult``
        Runs the check.
    catch : tuple of exception types
        What bridge sampling may raise and still be replaced.

    Returns
    -------
    tuple of (EvidenceResult, str or None)
        The answer and the message to warn with (None when there is nothing to say).
    """
    result, why = (None, bridge) if isinstance(bridge, str) else try_bridge(bridge, catch)
    if why is None:
        return result, None
    method, check, note = fallback(d, spec)
    return settle(result, why, method, lambda: rerun(method, check), note)
