"""One table over several models: evidence, information criteria and SLT quantities side by side.

:func:`compare` runs, for each model, the package's own estimators on the same data and collects
their numbers in one ``pandas.DataFrame`` on the **free-energy scale** (lower is better for
``free_energy``, ``wbic`` and ``bic``; ``elpd_*`` are log scores, higher is better, as in ArviZ).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping
from typing import Any, Literal

import arviz_stats as azs
import numpy as np
import pandas as pd
import pymc as pm
from pymc.backends.arviz import find_observations

from pymc_slt._progress import track
from pymc_slt._validate import (
    spawn_seeds,
    spawn_sequences,
    validate_model,
    validate_random_seed,
)
from pymc_slt.comparison.row import model_row
from pymc_slt.evidence.methods import EvidenceOptions, method_entry
from pymc_slt.learning_coefficient.methods import LambdaOptions, estimator_entry
from pymc_slt.sampling.samplers import SamplerSpec, resolve_sampler

__all__ = ["COLUMNS", "compare", "compare_seeds"]

#: Columns of :func:`compare`, in order.
COLUMNS = (
    "n",
    "d",
    "log_z",
    "log_z_se",
    "free_energy",
    "wbic",
    "wbic_se",
    "wbic_beta",
    "elpd_waic",
    "elpd_waic_se",
    "p_waic",
    "elpd_loo",
    "elpd_loo_se",
    "elpd_waic_dse",
    "elpd_loo_dse",
    "min_energy",
    "bic",
    "lambda_hat",
    "lambda_se",
    "nu_hat",
    "fisher_rank",
    "log_z_method",
    "fisher_kind",
    "problems",
)
_STEPS = ("posterior", "evidence", "wbic", "lambda")


def compare_seeds(random_seed: int | None, names: list[str]) -> dict[str, dict[str, int]]:
    """The integer seeds :func:`compare` gives each model and step.

    Model k (in the order of ``names``) gets ``SeedSequence(random_seed).spawn(K)[k]``, which is
    spawned again into one seed per step: ``posterior`` (draws at β = 1 for WAIC, LOO, ν̂, BIC and
    the Fisher point), ``evidence``, ``wbic`` and ``lambda``. Calling the separate functions with
    these seeds reproduces the table.
    """
    per_model = spawn_sequences(random_seed, len(names))
    return {
        name: dict(zip(_STEPS, spawn_seeds(seq, len(_STEPS)), strict=True))
        for name, seq in zip(names, per_model, strict=True)
    }


def _observed_signature(model: pm.Model) -> list[np.ndarray]:
    return [np.asarray(v) for v in find_observations(model).values()]


def _check_same_data(models: Mapping[str, pm.Model]) -> None:
    names = list(models)
    ref = _observed_signature(models[names[0]])
    for name in names[1:]:
        other = _observed_signature(models[name])
        same = len(other) == len(ref) and all(
            a.shape == b.shape and np.array_equal(a, b) for a, b in zip(ref, other, strict=True)
        )
        if not same:
            raise ValueError(
                f"models {names[0]!r} and {name!r} have different observed data; evidence, WAIC "
                "and BIC are only comparable on the same data. Build every model on the same y."
            )


def compare(
    models: Mapping[str, pm.Model],
    *,
    sampler: str | SamplerSpec | None = None,
    evidence: str | EvidenceOptions | Mapping[str, Any] | None = None,
    learning_coefficient: str | LambdaOptions | Mapping[str, Any] | None = None,
    fisher_kind: Literal["auto", "output", "score"] = "auto",
    sbic: Mapping[str, float] | None = None,
    random_seed: int | np.random.Generator | None = None,
    progressbar: bool = True,
    **deprecated: Any,
) -> pd.DataFrame:
    """Compare models on the same data by evidence, WBIC, WAIC, LOO, BIC and SLT quantities.

    Parameters
    ----------
    models : mapping of str to pymc.Model or bambi.Model
        At least one model; all must have the same observed data.
    sampler : NUTS, SMC, HMCSMC or {"nuts", "smc", "hmc_smc"}, default NUTS()
        The sampler, with its settings, of every run (the β = 1 draws, WBIC, λ, and the draws
        of bridge sampling and of a ladder method), as in :func:`pymc_slt.sample_tempered`;
        e.g. ``slt.NUTS(target_accept=0.95)``, or :class:`~pymc_slt.HMCSMC` for multimodal
        posteriors.
    evidence : str, method value or mapping, optional
        How log Z is estimated: a method of :func:`pymc_slt.log_marginal_likelihood` (its name
        or options value, e.g. ``"smc"`` or ``slt.SteppingStone(n_betas=32)``), or a mapping of
        that function's keyword arguments (``{"method": …, "sampler": …, "fallback": …}``; a
        ``sampler`` there overrides ``sampler`` for log Z). Default its own defaults, except
        that the default bridge sampling reuses the β = 1 draws that also give WAIC, LOO and
        ν̂ (no second run).
    learning_coefficient : str, estimator value or mapping, optional
        How λ is estimated: an estimator of :func:`pymc_slt.learning_coefficient` (its name or
        options value, e.g. ``"two_temperature"`` or ``slt.LocalLambda(gamma=0.1)``), or a
        mapping of that function's keyword arguments (``{"method": …, "sampler": …}``).
        Default its own defaults, with the local estimator's point :math:`w^*` the
        highest-likelihood draw of the β = 1 run (as it would pick itself) unless the value
        sets one.
    fisher_kind : {"auto", "output", "score"}, default "auto"
        Form of the Fisher information whose rank is reported; ``"auto"`` takes the output
        form where every likelihood has a location parameter and the score form otherwise
        (mixtures, negative binomial, multivariate likelihoods), per model.
    sbic : mapping of str to float, optional
        The singular BIC of each model (one value per name in ``models``), on the free-energy
        scale, as the ``sbic`` column of :func:`pymc_slt.sbic_reduced_rank`,
        :func:`pymc_slt.sbic_factor_analysis` or :func:`pymc_slt.sbic_gaussian_mixture` gives
        it for the same candidates on the same data; it becomes an ``sbic`` column after
        ``bic``. sBIC needs the family's maximum-likelihood fits and λ table, which a
        ``pm.Model`` does not carry, so it is computed by the family function and passed
        here, e.g. ``sbic=dict(zip(names, frame["sbic"]))``.
    random_seed : int or numpy.random.Generator, optional
        Seeds every run (see :func:`compare_seeds`); the same seed gives the same table.
    progressbar : bool, default True
        Show a rich progress bar over the models.
    **deprecated
        Until 0.3.0, with a ``DeprecationWarning``: ``evidence_options`` (now ``evidence``),
        ``learning_coefficient_options`` (now ``learning_coefficient``), and ``draws``,
        ``tune``, ``chains``, ``sampler_kwargs`` (the sampler's settings in loose form beside a
        sampler name, see :func:`pymc_slt.sample_tempered`).

    Returns
    -------
    pandas.DataFrame
        Indexed by model name, **sorted by** ``log_z`` (best first), with the columns
        :data:`COLUMNS`:

        * ``n``, ``d``: observations and free parameters;
        * ``log_z``, ``log_z_se``, ``free_energy``: :math:`\\log Z_n`, its standard error and
          :math:`F_n = -\\log Z_n`;
        * ``wbic``, ``wbic_se``: :math:`E_{β^*}[n L_n]`, :math:`β^* = 1/\\log n` (≈ F_n);
        * ``elpd_waic``, ``elpd_waic_se``, ``elpd_loo``, ``elpd_loo_se``: ArviZ-convention
          expected log predictive densities (higher is better); ``elpd_waic_dse`` and
          ``elpd_loo_dse``: the se of each model's difference from the best one (0 for it),
          from :func:`arviz_stats.compare` on the pointwise terms — the se to judge a
          difference by;
        * ``bic``: :math:`-\\max_w \\sum_i \\log p(y_i|x_i,w) + (d/2)\\log n`, on the scale of
          F_n and WBIC (half the textbook BIC), with the maximum found by L-BFGS from the
          highest-likelihood posterior draw;
        * ``lambda_hat``, ``lambda_se``: learning coefficient λ̂ (default estimator);
        * ``nu_hat``: singular fluctuation :math:`\\hat ν = V_n/2` from WAIC at β = 1;
        * ``fisher_rank``: rank of the Fisher information at the highest-likelihood posterior
          draw (``d`` for a regular model there, less for a singular one), of the form in
          ``fisher_kind``;
        * ``log_z_method``: the evidence method that gave ``log_z``;
        * ``problems``: what failed for this model, empty if nothing did. A quantity that
          raises is NaN in its columns and its reason is here; default bridge sampling that
          fails or warns is replaced by a method that moves between modes, and that is said
          here too: ``"hmc_smc"`` with 250 particles per chain from d = 17 free parameters on
          (if JAX is installed), ``"stepping_stone"`` below (see
          :func:`pymc_slt.evidence.fallback.fallback` for the measurements behind the choice;
          ``evidence={"fallback": False}`` keeps bridge sampling's own estimate).

    Raises
    ------
    TypeError
        If ``models`` is not a mapping of names to ``pm.Model``.
    ValueError
        If it is empty, the models' observed data differ, ``fisher_kind`` is unknown, or
        ``sbic`` does not give one finite value for each model.

    Warns
    -----
    UserWarning
        Once, naming the models with problems (see the ``problems`` column); the table is
        returned all the same.

    Notes
    -----
    Asymptotically :math:`F_n ≈ n L_n(w_0) + λ \\log n`, :math:`\\mathrm{WBIC} = F_n +
    O_p(\\sqrt{\\log n})` and :math:`\\mathrm{BIC} = n L_n(\\hat w) + (d/2) \\log n`; for a
    singular model BIC over-penalizes (λ < d/2) while F_n and WBIC do not (Watanabe 2013).

    References
    ----------
    Watanabe, S. (2013). A widely applicable Bayesian information criterion. JMLR 14, 867–897.
    https://jmlr.org/papers/v14/watanabe13a.html

    Examples
    --------
    >>> import numpy as np, pymc as pm, pymc_slt as slt
    >>> x = np.linspace(-1, 1, 60); y = 0.5 * x + np.random.default_rng(0).normal(size=60)
    >>> with pm.Model() as line:
    ...     w = pm.Normal("w", 0, 1, shape=2)
    ...     _ = pm.Normal("y", w[0] + w[1] * x, 1.0, observed=y)
    >>> with pm.Model() as product:
    ...     a = pm.Normal("a", 0, 1); b = pm.Normal("b", 0, 1)
    ...     _ = pm.Normal("y", a * b * x, 1.0, observed=y)
    >>> table = slt.compare({"line": line, "a*b*x": product},
    ...                     sampler=slt.NUTS(draws=300, tune=300, chains=2),
    ...                     random_seed=0, progressbar=False)  # doctest: +SKIP
    """
    if not isinstance(models, Mapping):
        raise TypeError(f"models must be a dict of name -> pm.Model, got {type(models).__name__}.")
    if not models:
        raise ValueError("models is empty; pass e.g. {'linear': model_a, 'quadratic': model_b}.")
    for name in models:
        if not isinstance(name, str):
            raise TypeError(f"model names must be strings, got {name!r}.")
    models = {name: validate_model(m, name=f"models[{name!r}]") for name, m in models.items()}
    _check_same_data(models)
    if fisher_kind not in ("auto", "output", "score"):
        raise ValueError(f"fisher_kind must be 'auto', 'output' or 'score', got {fisher_kind!r}.")
    sbic_values = None if sbic is None else _sbic_values(sbic, list(models))
    seeds = compare_seeds(validate_random_seed(random_seed), list(models))
    spec, old = resolve_sampler("compare", sampler, deprecated, replacements=_DEPRECATED)
    opts = {
        "sampler": spec,
        "evidence": _keyword_arguments(
            "evidence", evidence, old.get("evidence_options"), method_entry
        ),
        "lambda": _keyword_arguments(
            "learning_coefficient",
            learning_coefficient,
            old.get("learning_coefficient_options"),
            estimator_entry,
        ),
        "fisher_kind": fisher_kind,
    }
    rows, elpds = {}, {}
    for name in track(models, total=len(models), description="compare", enabled=progressbar):
        rows[name], elpds[name] = model_row(models[name], seeds[name], opts)
    for kind in ("waic", "loo"):
        for name, dse in _difference_se(elpds, kind).items():
            rows[name][f"elpd_{kind}_dse"] = dse
    table = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=list(COLUMNS))
    table.index.name = "model"
    if sbic_values is not None:
        table = with_sbic(table, sbic_values)
    troubled = [name for name in table.index if table.loc[name, "problems"]]
    if troubled:
        warnings.warn(
            f"compare: {len(troubled)} of {len(table)} model(s) had problems ({troubled}); "
            "the 'problems' column says what (a quantity that failed is NaN, one that was "
            "replaced or doubted names the method that answered).",
            UserWarning,
            stacklevel=2,
        )
    return table.sort_values("log_z", ascending=False, na_position="last")


#: The arguments :func:`compare` had until method values, and what replaces them.
_DEPRECATED = {
    "evidence_options": "evidence= (a method, its value, or the same dict)",
    "learning_coefficient_options": "learning_coefficient= (an estimator, its value, or the same "
    "dict)",
}


def _keyword_arguments(
    name: str, given: Any, old: Mapping[str, Any] | None, entry: Callable[[Any], Any]
) -> dict[str, Any]:
    """``evidence``/``learning_coefficient`` as keyword arguments of their function: a method
    (name or value, checked by ``entry``) becomes ``{"method": given}``, a mapping is copied;
    ``old`` is the deprecated ``*_options`` form of the same."""
    if old is not None:
        if given is not None:
            raise ValueError(f"give {name}= or its deprecated *_options form, not both.")
        given = old
    if given is None:
        return {}
    if isinstance(given, Mapping):
        return dict(given)
    entry(given)  # a ValueError listing the valid names
    return {"method": given}


def _sbic_values(sbic: Any, names: list[str]) -> dict[str, float]:
    """``sbic`` checked against the models' names: one finite float each, or a ValueError."""
    if not isinstance(sbic, Mapping):
        raise TypeError(f"sbic must be a dict of model name -> sBIC, got {type(sbic).__name__}.")
    missing, extra = sorted(set(names) - set(sbic)), sorted(set(sbic) - set(names))
    if missing or extra:
        raise ValueError(
            f"sbic must give one value per model: missing {missing}, unknown {extra}. Map the "
            "family frame's rows to the model names, e.g. dict(zip(names, frame['sbic']))."
        )
    values = {name: float(sbic[name]) for name in names}
    bad = [name for name, v in values.items() if not np.isfinite(v)]
    if bad:
        raise ValueError(f"sbic must be finite; it is not for {bad}.")
    return values


def with_sbic(table: pd.DataFrame, sbic: Mapping[str, float]) -> pd.DataFrame:
    """``table`` with an ``sbic`` column (by model name) inserted after ``bic``."""
    out = table.copy()
    out.insert(out.columns.get_loc("bic") + 1, "sbic", [sbic[name] for name in out.index])
    return out


def _difference_se(elpds: dict[str, dict[str, azs.ELPDData]], kind: str) -> dict[str, float]:
    """se of each model's elpd difference from the best model (0 for it), by
    :func:`arviz_stats.compare` on the pointwise terms; NaN with fewer than 2 models."""
    have = {name: e[kind] for name, e in elpds.items() if kind in e}
    if len(have) < 2:
        return dict.fromkeys(elpds, np.nan)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            paired = azs.compare(have)
    except Exception:
        return dict.fromkeys(elpds, np.nan)
    return {name: float(paired.loc[name, "dse"]) if name in have else np.nan for name in elpds}
