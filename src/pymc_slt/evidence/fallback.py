"""What replaces bridge sampling when it fails or doubts itself, and how that is decided.

Bridge sampling needs draws that weigh every mode by its mass. When it raises (its iteration
does not converge) or warns (:class:`~pymc_slt.evidence.result.EvidenceWarning`: chains in
different modes, halves that disagree, an unordered mixture, one chain; a poor Gaussian fit only
with the normal proposal: warp-III is built for skewed posteriors),
:func:`pymc_slt.log_marginal_likelihood` (by default) and :func:`pymc_slt.compare` rerun log Z
by a method that moves between modes, chosen by :func:`fallback`, and say so.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from pymc_slt.evidence.result import EvidenceResult, EvidenceWarning
from pymc_slt.sampling.hmc_smc import jax_installed

__all__ = [
    "FALLBACK_HMC_SMC_DRAWS",
    "FALLBACK_HMC_SMC_MIN_DIM",
    "fallback",
    "first_line",
    "try_bridge",
]

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
    otherwise ``(result or None, reason)``. The doubts are the result's
    ``diagnostics["doubts"]`` (bridge sampling's problems, ``"; "``-joined, but a poor
    Gaussian fit under warp-III), or, for a result without them, the first
    :class:`EvidenceWarning`. The other warnings (the sampler's poor mixing; an
    :class:`EvidenceWarning` that is no doubt) are passed on.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = call()
            why = None
        except catch as err:
            result, why = None, f"bridge sampling failed ({type(err).__name__}: {first_line(err)})"
    warned = [w for w in caught if issubclass(w.category, EvidenceWarning)]
    if result is not None and "doubts" in result.diagnostics:
        doubts = result.diagnostics["doubts"]
    else:  # the problems, without bridge sampling's own remedy
        doubts = "; ".join(first_line(w.message).split(" Remedy: ")[0] for w in warned[:1])
    if why is None and doubts:
        why = f"bridge sampling warned ({doubts.rstrip('.')})"
    for w in caught:
        if why is None or w not in warned:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return result, why


def fallback(d: int, run: dict[str, Any], options: dict[str, Any]) -> tuple[str, dict, str]:
    """The method, its keyword arguments and a note for log Z when bridge sampling fails.

    A tanh network's posterior has many separated modes; both fallbacks move between them
    (bridge sampling cannot), and how well was measured on tanh networks against agreed
    references (``benchmarks/neural_evidence.py``, docs/evidence.md):

    * ``d ≥`` :data:`FALLBACK_HMC_SMC_MIN_DIM` (17) with JAX and BlackJAX installed:
      ``"hmc_smc"`` with :data:`FALLBACK_HMC_SMC_DRAWS` (250) particles in each of
      ``chains`` runs. On networks with d = 17, 32 and 34 it was within 0.15 nat of the
      agreed references over 3 seeds each, in 135–179 s, a third or less of the default
      stepping stone's time, whose ladder grows with d.
    * otherwise ``"stepping_stone"`` on the run's ``draws``, ``tune`` and ``chains`` (and the
      user's ladder options, and the run's NUTS settings), its NUTS rungs at the ladder's
      ``target_accept`` 0.95 (:data:`pymc_slt.evidence.path.LADDER_NUTS`) unless one is set.
      At d = 8 (a network with H = 2, reference −84.367) stepping stone at NUTS's default 0.8
      erred by +0.16, −0.54, +0.005, −0.49, +0.29, −0.73 over 6 seeds (41–73 s), at 0.95 by
      +0.18, −0.02, −0.13, +0.08, −0.03, +0.22, each within 2 se (60–77 s): divergences at
      small β bias the ladder. HMC-SMC with 4 × 250 particles was 0.11–0.32 nat low there.

    Parameters
    ----------
    d : int
        Free parameters of the model.
    run : dict
        The sampling settings of the run that bridge sampling used (``draws``, ``tune``,
        ``chains``, ``sampler``, ``sampler_kwargs``).
    options : dict
        The user's options for log Z (bridge sampling's own, ``bridge_proposal``, is dropped).

    Returns
    -------
    tuple of (str, dict, str)
        The method, the keyword arguments of :func:`pymc_slt.log_marginal_likelihood` besides
        ``method``, ``random_seed`` and ``progressbar``, and a note for the message.
    """
    options = {k: v for k, v in options.items() if k not in ("method", "bridge_proposal")}
    if d >= FALLBACK_HMC_SMC_MIN_DIM and jax_installed():
        chains = options.get("chains", run["chains"])
        kwargs = {"draws": FALLBACK_HMC_SMC_DRAWS, "chains": chains}
        if run["sampler"] == "hmc_smc" and run["sampler_kwargs"]:
            kwargs["sampler_kwargs"] = run["sampler_kwargs"]  # the user's HMC-SMC settings
        return "hmc_smc", kwargs, f" ({chains} × {FALLBACK_HMC_SMC_DRAWS} particles)"
    kwargs = {**options, **{k: run[k] for k in ("draws", "tune", "chains") if k not in options}}
    nuts = run["sampler"] == "nuts" and kwargs.get("sampler", "nuts") == "nuts"
    if nuts and run["sampler_kwargs"] and "sampler_kwargs" not in options:
        kwargs["sampler_kwargs"] = run["sampler_kwargs"]  # the user's NUTS settings
    note = ""
    if d >= FALLBACK_HMC_SMC_MIN_DIM:
        note = " (pip install 'pymc-slt[jax]' for the faster method='hmc_smc')"
    return "stepping_stone", kwargs, note
