"""log Z of small Bayesian tanh networks: pymc-slt's methods against stored nested-sampling refs.

Data (every case): ``rng = np.random.default_rng(0); x = rng.uniform(-2, 2, 200);
y = np.sin(1.5 * x) + rng.normal(0, 0.3, 200)``. Priors: every weight and bias ~ N(0, 1),
sigma ~ HalfNormal(0.5); ``y ~ N(net(x), sigma)``.

Cases:

* ``h2``, ``h5``, ``h10``: one tanh hidden layer of H units with biases, d = 3H + 2;
* ``deep``: 1 → 4 → 4 → 1 tanh with biases (d = 34);
* ``zero``: H = 3 (d = 11) on pure noise, ``y = rng.normal(0, 0.3, 200)`` (the same draw as the
  noise above, so the same x).

There is no exact log Z, so ``--references`` runs independent reference methods and stores each
run in ``benchmarks/neural_references.json``:

* ``dynesty``: static nested sampling (``--nlive``, default 500 live points, multi-ellipsoid
  bound, ``--dynesty-sample`` moves, default random slices: dynesty's default choice at d < 10,
  uniform draws in the ellipsoids, did not finish h2 in 600 s here), ``dlogz=0.01``) on the
  unit cube with the exact prior transform (``norm.ppf``; ``0.5·halfnorm.ppf`` for sigma) and
  a NumPy log-likelihood; its ``logzerr`` as se;
* ``nautilus``: neural-network-boundary importance nested sampling (``--nautilus-live``, default
  2000 live points, ``discard_exploration=True``), same transform, vectorized likelihood; it
  reports no se (the spread over seeds is the check); ``--nautilus-timeout`` stops it and the
  run is stored as ``"timed out"`` (not used for the reference);
* ``hmc_smc_long``: ``method="hmc_smc"`` with ``--long-particles`` (default 4000) particles per
  chain, 4 chains, 5 HMC moves of 256 leapfrog steps per stage (long trajectories are what
  moves the particles between a network's modes; see ``pymc_slt.sampling.hmc_smc``);
* ``stepping_stone_long``: ``method="stepping_stone"`` on 64 rungs of 4 NUTS chains × 2000
  draws (1000 tuning steps, ``target_accept`` 0.95).

Per method the mean over its finished seeds is taken; the reference is *agreed* when two
independent methods agree within 0.1 nat, and is then the mean of the agreeing methods' means.
Stored runs are never replaced (a seed already stored for a method is skipped) unless
``--overwrite``; new seeds are appended. After ``--references`` (or ``--show``) the stored runs
of a case go to ``benchmarks/results/neural_evidence_references_<case>.json`` as a table, with
the package version, the machine and the runs' commands.

The default mode runs our methods (``bridge``, ``stepping_stone``, ``smc`` = PyMC's SMC,
``hmc_smc``; defaults of ``slt.log_marginal_likelihood``, 4 chains) over ``--seeds`` and prints
per run: log Z, se, seconds, the error against the agreed reference (else against each
reference method's mean), whether |error| ≤ 0.2 and whether |error| ≤ 2 se, and the warnings or
the exception. The runs go to ``benchmarks/results/neural_evidence_<case>.json`` with the package
version, the machine and the commands, merged with the runs stored there (a run of the same
method, settings and seed is replaced), under a table whose errors are against the agreed
reference stored now. Timings (wall clock, including compilation) are indicative only: the
machine was shared (2 cores, another job on one).

    .venv/bin/python benchmarks/neural_evidence.py --references h2 h5 [--ref-methods dynesty
        nautilus hmc_smc_long] [--ref-seeds 1 2] [--nlive 500] [--nautilus-live 2000]
        [--nautilus-timeout 600] [--overwrite]
    .venv/bin/python benchmarks/neural_evidence.py h2 h5 [--methods bridge stepping_stone smc
        hmc_smc] [--seeds 1 2 3]

``--quick`` runs ``hmc_smc`` on h2 at 4 × 100 particles, seed 1 (about 20 s), stores nothing,
and asserts |error| < 4 se + 0.1 nat against the agreed reference (0.1: how closely the
reference methods agree); the stored reference runs are not repeated, and no results file is
written.

The measurements live in the results files, not here: each stored reference run and each run of
our methods carries the command that made it, and the tables of docs/benchmarks.md (section
"neural_evidence.py") are generated from ``benchmarks/results/neural_evidence_*.json``. Since
2026-12-05 the ladder's rungs run at ``target_accept`` 0.95 by default
(``pymc_slt.evidence.path.LADDER_NUTS``); ``--target-accept 0.8`` reproduces the older rows. The
lab notes of how the references came to be agreed (dynesty's seeds disagreeing by up to 1.3 nat,
nautilus not leaving its exploration phase in 600 s) are in the git history of this file.
"""

from __future__ import annotations

import argparse
import math
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pymc as pm
from _store import (
    command_line,
    fmt,
    load_json,
    markdown_table,
    update_result,
    updating,
    write_result,
)
from scipy import special

from pymc_slt.evidence.marginal_likelihood import log_marginal_likelihood
from pymc_slt.evidence.methods import METHODS
from pymc_slt.sampling.samplers import as_sampler

N = 200
NOISE_SD = 0.3
SIGMA_SCALE = 0.5
AGREE_NAT = 0.1
OK_NAT = 0.2
REFERENCES = Path(__file__).with_name("neural_references.json")
#: case name -> (hidden layer widths, pure noise?)
CASES: dict[str, tuple[tuple[int, ...], bool]] = {
    "h2": ((2,), False),
    "h5": ((5,), False),
    "h10": ((10,), False),
    "deep": ((4, 4), False),
    "zero": ((3,), True),
}
REF_METHODS = ("dynesty", "nautilus", "hmc_smc_long", "stepping_stone_long")
OURS = ("bridge", "stepping_stone", "smc", "hmc_smc")
LONG_SETTINGS = {"num_integration_steps": 256, "num_mcmc_steps": 5}
LONG_LADDER = {"n_betas": 64, "draws": 2000, "tune": 1000, "chains": 4,
               "sampler_kwargs": {"target_accept": 0.95}}  # fmt: skip


@dataclass(frozen=True)
class Case:
    """A network, its data, the PyMC model and the NumPy pieces for the nested samplers."""

    name: str
    widths: tuple[int, ...]
    x: np.ndarray
    y: np.ndarray

    @property
    def shapes(self) -> list[tuple[str, tuple[int, ...]]]:
        """Names and shapes of the weights, in the order of the flat parameter vector."""
        out, fan_in = [], 1
        for k, width in enumerate(self.widths, start=1):
            out += [(f"W{k}", (width,) if k == 1 else (fan_in, width)), (f"b{k}", (width,))]
            fan_in = width
        k = len(self.widths) + 1
        return [*out, (f"W{k}", (fan_in,)), (f"b{k}", ())]

    @property
    def dim(self) -> int:
        return sum(math.prod(shape) for _, shape in self.shapes) + 1

    def model(self) -> pm.Model:
        with pm.Model() as m:
            h = self.x[:, None]
            params = {name: pm.Normal(name, 0, 1, shape=shape) for name, shape in self.shapes}
            s = pm.HalfNormal("sigma", SIGMA_SCALE)
            for k, _ in enumerate(self.widths, start=1):
                w = params[f"W{k}"]
                h = pm.math.tanh((h * w if k == 1 else h @ w) + params[f"b{k}"])
            out = len(self.widths) + 1
            pm.Normal("y", h @ params[f"W{out}"] + params[f"b{out}"], s, observed=self.y)
        return m

    def prior_transform(self, u: np.ndarray) -> np.ndarray:
        """Unit cube → (weights…, sigma), for one point (d,) or a batch (m, d)."""
        theta = np.empty_like(u)
        theta[..., :-1] = special.ndtri(u[..., :-1])  # = stats.norm.ppf, without its overhead
        theta[..., -1] = SIGMA_SCALE * special.ndtri(0.5 + 0.5 * u[..., -1])  # = halfnorm.ppf
        return theta

    def loglike(self, theta: np.ndarray) -> np.ndarray | float:
        """Gaussian log-likelihood of one point (d,) or a batch (m, d)."""
        t = np.atleast_2d(theta)
        m, i, params = len(t), 0, []
        for _, shape in self.shapes:
            size = math.prod(shape)
            params.append(t[:, i : i + size].reshape(m, *shape))
            i += size
        h = np.tanh(self.x[None, :, None] * params[0][:, None, :] + params[1][:, None, :])
        for k in range(1, len(self.widths)):
            w, b = params[2 * k], params[2 * k + 1]
            h = np.tanh(np.einsum("mnj,mjk->mnk", h, w) + b[:, None, :])
        mu = np.einsum("mnj,mj->mn", h, params[-2]) + params[-1][:, None]
        sigma = t[:, -1]
        with np.errstate(divide="ignore", invalid="ignore"):
            r2 = np.sum((self.y[None, :] - mu) ** 2, axis=1)
            ll = -0.5 * N * np.log(2 * np.pi) - N * np.log(sigma) - 0.5 * r2 / sigma**2
        ll = np.where(sigma > 0, ll, -np.inf)
        return ll if theta.ndim == 2 else float(ll[0])


def make_case(name: str) -> Case:
    widths, noise_only = CASES[name]
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, N)
    noise = rng.normal(0, NOISE_SD, N)
    y = noise if noise_only else np.sin(1.5 * x) + noise
    return Case(name, widths, x, y)


# ---------------------------------------------------------------- references


def run_dynesty(
    case: Case, seed: int, nlive: int, sample: str, progress: bool = False
) -> dict[str, Any]:
    import dynesty

    settings = {"nlive": nlive, "bound": "multi", "sample": sample, "dlogz": 0.01}
    start = time.perf_counter()
    sampler = dynesty.NestedSampler(
        case.loglike,
        case.prior_transform,
        case.dim,
        nlive=nlive,
        bound="multi",
        sample=sample,
        rstate=np.random.default_rng(seed),
    )
    sampler.run_nested(dlogz=0.01, print_progress=progress)
    res = sampler.results
    return {
        "log_z": float(res.logz[-1]),
        "se": float(res.logzerr[-1]),
        "seconds": time.perf_counter() - start,
        "status": "finished",
        "settings": settings | {"ncall": int(np.sum(res.ncall)), "version": dynesty.__version__},
    }


def run_nautilus(case: Case, seed: int, n_live: int, timeout: float) -> dict[str, Any]:
    import nautilus

    start = time.perf_counter()
    sampler = nautilus.Sampler(
        case.prior_transform, case.loglike, case.dim, n_live=n_live, vectorized=True, seed=seed
    )
    success = sampler.run(discard_exploration=True, timeout=timeout, verbose=False)
    return {
        "log_z": float(sampler.log_z),
        "se": None,
        "seconds": time.perf_counter() - start,
        "status": "finished" if success else f"timed out ({timeout:g} s)",
        "settings": {
            "n_live": n_live,
            "discard_exploration": True,
            "timeout": timeout,
            "n_like": int(sampler.n_like),
            "n_eff": float(sampler.n_eff),
            "version": nautilus.__version__,
        },
    }


def as_values(method: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The stored JSON form of a run's settings (``draws``, ``tune``, ``chains``,
    ``sampler_kwargs``, ``n_betas``, ``betas``) as ``log_marginal_likelihood``'s ``method`` and
    ``sampler`` values (its own defaults where a setting is absent)."""
    entry = METHODS[method]
    settings = {k: v for k, v in settings.items() if v is not None}
    ladder = {k: settings.pop(k) for k in ("n_betas", "betas") if k in settings}
    sampler = as_sampler(None, **settings, default=entry.default_sampler)
    return {"method": entry.options(**ladder), "sampler": sampler}


def run_long(case: Case, seed: int, method: str, **settings: Any) -> dict[str, Any]:
    """One long run of our ``method`` (``"hmc_smc"`` or ``"stepping_stone"``) as a reference."""
    start = time.perf_counter()
    res = log_marginal_likelihood(
        case.model(), random_seed=seed, progressbar=False, **as_values(method, settings)
    )
    return {
        "log_z": float(res.log_z),
        "se": float(res.se),
        "seconds": time.perf_counter() - start,
        "status": "finished",
        "settings": settings,
    }


def load_references() -> dict[str, Any]:
    return load_json(REFERENCES)


def agreement(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-method means of the finished runs and whether two methods agree within 0.1 nat."""
    means: dict[str, float] = {}
    for method in REF_METHODS:
        values = [r["log_z"] for r in runs if r["method"] == method and r["status"] == "finished"]
        if values:
            means[method] = float(np.mean(values))
    best: tuple[float, list[str]] | None = None
    names = list(means)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            gap = abs(means[a] - means[b])
            if best is None or gap < best[0]:
                best = (gap, [a, b])
    agreed = best is not None and best[0] <= AGREE_NAT
    if agreed:  # every method within 0.1 nat of both of the closest pair joins them
        methods = [m for m in names if all(abs(means[m] - means[a]) <= AGREE_NAT for a in best[1])]
        reference = float(np.mean([means[m] for m in methods]))
    else:
        methods, reference = [], None
    return {
        "method_means": means,
        "agreed": agreed,
        "agreed_methods": methods,
        "reference": reference,
        "closest_gap": None if best is None else best[0],
        "rule": f"two independent methods' means within {AGREE_NAT} nat",
    }


def store(case: Case, run: dict[str, Any], overwrite: bool) -> None:
    with updating(REFERENCES, indent=2) as refs:
        _add_run(refs, case, run, overwrite)


def _add_run(refs: dict[str, Any], case: Case, run: dict[str, Any], overwrite: bool) -> None:
    entry = refs.setdefault(
        case.name,
        {"widths": list(case.widths), "dim": case.dim, "noise_only": CASES[case.name][1]},
    )
    runs = entry.setdefault("runs", [])
    same = [
        i for i, r in enumerate(runs) if (r["method"], r["seed"]) == (run["method"], run["seed"])
    ]
    if same and overwrite:
        runs[same[0]] = run
    else:
        runs.append(run)
    entry.update(agreement(runs))


def references(case: Case, args: argparse.Namespace) -> None:
    stored = load_references().get(case.name, {}).get("runs", [])
    for method in args.ref_methods:
        for seed in args.ref_seeds:
            if not args.overwrite and any(
                (r["method"], r["seed"]) == (method, seed) for r in stored
            ):
                print(f"{case.name}: {method} seed {seed} already stored (use --overwrite)")
                continue
            print(f"{case.name} (d={case.dim}): {method} seed {seed} ...", flush=True)
            if method == "dynesty":
                run = run_dynesty(case, seed, args.nlive, args.dynesty_sample, args.progress)
            elif method == "nautilus":
                run = run_nautilus(case, seed, args.nautilus_live, args.nautilus_timeout)
            elif method == "hmc_smc_long":
                run = run_long(case, seed, "hmc_smc", draws=args.long_particles, chains=4,
                               sampler_kwargs=LONG_SETTINGS)  # fmt: skip
            else:
                run = run_long(case, seed, "stepping_stone", **LONG_LADDER)
            run = {"method": method, "seed": seed, **run, "command": command_line()}
            store(case, run, args.overwrite)
            se = "   -" if run["se"] is None else f"{run['se']:.3f}"
            print(
                f"  log Z = {run['log_z']:.3f} ± {se}  ({run['seconds']:.0f} s, {run['status']})",
                flush=True,
            )
    print_references(case.name)


def print_references(name: str) -> None:
    entry = load_references().get(name)
    if not entry:
        print(f"{name}: no stored references")
        return
    print(f"\n{name} (d={entry['dim']}) stored references")
    header = f"{'method':<14}{'seed':>5}{'log Z':>10}{'se':>8}{'seconds':>9}  status"
    print(header)
    print("-" * len(header))
    for r in entry["runs"]:
        se = f"{r['se']:>8.3f}" if r["se"] is not None else f"{'-':>8}"
        head = f"{r['method']:<14}{r['seed']:>5}{r['log_z']:>10.3f}{se}{r['seconds']:>9.0f}"
        print(f"{head}  {r['status']}")
    means = ", ".join(f"{m} {v:.3f}" for m, v in entry["method_means"].items())
    print(f"means: {means}")
    if entry["agreed"]:
        print(f"AGREED reference {entry['reference']:.3f} ({' + '.join(entry['agreed_methods'])})")
    else:
        gap = entry["closest_gap"]
        print("NOT agreed" + ("" if gap is None else f" (closest gap {gap:.3f} nat)"))
    print(flush=True)
    command = "; ".join(dict.fromkeys(r["command"] for r in entry["runs"]))
    write_result(f"neural_evidence_references_{name}", command, references_markdown(name, entry))


def _ref_settings(run: dict[str, Any]) -> str:
    """A reference run's settings in words, and its status unless it finished."""
    s, method = run["settings"], run["method"]
    if method == "dynesty":
        words = f"{s['nlive']} live, {s['sample']}"
    elif method == "nautilus":
        words = f"{s['n_live']} live"
    elif method == "hmc_smc_long":
        kw = s["sampler_kwargs"]
        words = (f"{s['chains']} × {s['draws']} particles, {kw['num_mcmc_steps']} moves × "
                 f"{kw['num_integration_steps']} leapfrog")  # fmt: skip
    else:
        words = f"{s['n_betas']} rungs, {s['chains']} × {s['draws']} NUTS draws"
        words += f", target_accept {s['sampler_kwargs']['target_accept']:g}"
    return words + ("" if run["status"] == "finished" else f"; {run['status']}")


def references_markdown(name: str, entry: dict[str, Any]) -> str:
    """The stored reference runs of a case as a table, the methods' means and the agreement."""
    runs = sorted(entry["runs"], key=lambda r: (REF_METHODS.index(r["method"]), r["seed"]))
    cells = [
        [r["method"], r["seed"], f"{r['log_z']:.3f}", fmt(r["se"], ".3f"),
         f"{r['seconds']:.0f}", _ref_settings(r)]
        for r in runs
    ]  # fmt: skip
    table = markdown_table(["method", "seed", "log Z", "se", "seconds", "settings"], cells)
    means = ", ".join(f"{m} {v:.3f}" for m, v in entry["method_means"].items())
    if entry["agreed"]:
        verdict = (f"**Agreed reference {entry['reference']:.3f}**: the mean of the means of "
                   f"{' and '.join(entry['agreed_methods'])}, {entry['closest_gap']:.3f} nat "
                   "apart.")  # fmt: skip
    else:
        gap = entry["closest_gap"]
        verdict = "Not agreed" + ("." if gap is None else f" (closest gap {gap:.3f} nat).")
    title = f"{name} (d = {entry['dim']}): stored reference runs"
    return f"{title}\n\n{table}\n\nMeans: {means}. {verdict}"


# ---------------------------------------------------------------- our methods


def run_ours(
    case: Case,
    method: str,
    seed: int,
    draws: int | None = None,
    chains: int = 4,
    settings: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One run of our ``method``; ``settings[method]`` are extra keyword arguments for it."""
    extra = (settings or {}).get(method, {})
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            res = log_marginal_likelihood(
                case.model(),
                random_seed=seed,
                progressbar=False,
                **as_values(method, {"draws": draws, "chains": chains, **extra}),
            )
            log_z, se, error = res.log_z, res.se, ""
        except Exception as exc:  # reported in the row
            log_z, se, error = np.nan, np.nan, f"{type(exc).__name__}: {exc}"
    seconds = time.perf_counter() - start
    notes = []
    for w in caught:
        if w.category.__module__.startswith("pymc_slt") or issubclass(w.category, UserWarning):
            text = f"{w.category.__name__}: {str(w.message).splitlines()[0][:90]}"
            if text not in notes:
                notes.append(text)
    if error:
        notes.insert(0, error.splitlines()[0][:120])
    return {"log_z": log_z, "se": se, "seconds": seconds, "notes": notes}


def ours(
    case: Case,
    methods: list[str],
    seeds: list[int],
    draws: int | None = None,
    chains: int = 4,
    settings: dict[str, dict[str, Any]] | None = None,
) -> None:
    entry = load_references().get(case.name, {})
    if entry.get("agreed"):
        targets = {"ref": entry["reference"]}
    else:
        targets = dict(entry.get("method_means", {}))
    label = (
        f"agreed reference {targets['ref']:.3f}"
        if "ref" in targets
        else "no agreed reference; errors vs each reference method's mean: "
        + ", ".join(f"{m} {v:.3f}" for m, v in targets.items())
    )
    effort = ("default draws" if draws is None else f"draws={draws}") + f", chains={chains}"
    effort += "".join(f", {method} {kwargs}" for method, kwargs in (settings or {}).items())
    print(f"\n{case.name} (d={case.dim}, {effort}): {label}", flush=True)
    err_cols = "".join(f"{'err ' + t:>16}{'≤0.2':>5}{'≤2se':>5}" for t in targets)
    header = f"{'method':<16}{'seed':>5}{'log Z':>10}{'se':>8}{'seconds':>9}{err_cols}  notes"
    print(header)
    print("-" * len(header), flush=True)
    rows = []
    for method in methods:
        for seed in seeds:
            r = run_ours(case, method, seed, draws, chains, settings)
            label = settings_label(draws, chains, (settings or {}).get(method, {}))
            rows.append({"method": method, "settings": label, "seed": seed, **r,
                         "command": command_line()})  # fmt: skip
            cells = ""
            for value in targets.values():
                err = r["log_z"] - value
                ok = "yes" if abs(err) <= OK_NAT else "no"
                cover = "yes" if abs(err) <= 2 * r["se"] else "no"
                if not np.isfinite(err):
                    ok = cover = "-"
                cells += f"{err:>+16.3f}{ok:>5}{cover:>5}"
            print(
                f"{method:<16}{seed:>5}{r['log_z']:>10.3f}{r['se']:>8.3f}{r['seconds']:>9.0f}"
                f"{cells}  {'; '.join(r['notes'])}",
                flush=True,
            )
    update_result(
        f"neural_evidence_{case.name}", rows, _ours_key, lambda rs: ours_markdown(case.name, rs)
    )


def settings_label(draws: int | None, chains: int, extra: dict[str, Any]) -> str:
    """A run's settings in words: chains × draws, then the method's extra settings."""
    flat = {**{k: v for k, v in extra.items() if k != "sampler_kwargs"},
            **extra.get("sampler_kwargs", {})}  # fmt: skip
    return ", ".join(
        [f"{chains} × {draws or 'default'} draws", *(f"{k}={v}" for k, v in flat.items())]
    )


def _ours_key(row: dict[str, Any]) -> tuple:
    return row["method"], row["settings"], row["seed"]


def ours_markdown(name: str, rows: list[dict[str, Any]]) -> str:
    """Our runs of a case as a table; errors against the agreed reference stored now."""
    entry = load_references().get(name, {})
    ref = entry.get("reference") if entry.get("agreed") else None
    cells = []
    for r in rows:
        err = np.nan if ref is None or r["log_z"] is None else r["log_z"] - ref
        ok = cover = "–"
        if np.isfinite(err):
            ok = "yes" if abs(err) <= OK_NAT else "no"
            cover = "yes" if abs(err) <= 2 * r["se"] else "no"
        cells.append(
            [r["method"], r["settings"], r["seed"], fmt(r["log_z"], ".3f"), fmt(r["se"], ".3f"),
             fmt(r["seconds"], ".0f"), fmt(err, "+.3f"), ok, cover, "; ".join(r["notes"])]
        )  # fmt: skip
    header = ["method", "settings", "seed", "log Z", "se", "seconds", "error", "≤ 0.2", "≤ 2 se"]
    table = markdown_table([*header, "notes"], cells)
    against = (
        "no agreed reference" if ref is None else f"errors against the agreed reference {ref:.3f}"
    )
    return f"{name} (d = {entry.get('dim', '?')}): {against}\n\n{table}"


def quick() -> None:
    """HMC-SMC on h2 at 4 × 100 particles, seed 1, against the agreed reference."""
    reference = load_references()["h2"]["reference"]
    r = run_ours(make_case("h2"), "hmc_smc", seed=1, draws=100)
    error, bound = r["log_z"] - reference, 4 * r["se"] + AGREE_NAT
    print(f"h2 hmc_smc 4 × 100: log Z {r['log_z']:.3f} ± {r['se']:.3f} ({r['seconds']:.0f} s), "
          f"reference {reference:.3f}: |error| {abs(error):.3f} (bound 4 se + {AGREE_NAT} = "
          f"{bound:.3f}) {'; '.join(r['notes'])}")  # fmt: skip
    assert abs(error) < bound, r


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", metavar="CASE", help=f"any of {', '.join(CASES)}")
    parser.add_argument("--references", nargs="+", choices=list(CASES), metavar="CASE")
    parser.add_argument("--ref-methods", nargs="+", choices=REF_METHODS, default=["dynesty"])
    parser.add_argument("--ref-seeds", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--nlive", type=int, default=500)
    parser.add_argument("--dynesty-sample", default="rslice")
    parser.add_argument("--nautilus-live", type=int, default=2000)
    parser.add_argument("--nautilus-timeout", type=float, default=600.0)
    parser.add_argument("--long-particles", type=int, default=4000)
    parser.add_argument("--overwrite", action="store_true")
    parser.add_argument("--progress", action="store_true", help="dynesty's progress line")
    parser.add_argument("--methods", nargs="+", choices=OURS, default=list(OURS))
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    parser.add_argument(
        "--draws", type=int, help="draws (particles) per chain of our methods; default theirs"
    )
    parser.add_argument("--chains", type=int, default=4, help="chains (SMC runs) of our methods")
    parser.add_argument(
        "--integration-steps",
        type=int,
        help="leapfrog steps per HMC move of hmc_smc (default: the package's, 128)",
    )
    parser.add_argument("--n-betas", type=int, help="rungs of stepping_stone (default: its own)")
    parser.add_argument(
        "--target-accept",
        type=float,
        help="NUTS target_accept of stepping_stone's rungs (default: the package's, 0.95)",
    )
    parser.add_argument("--show", nargs="+", choices=list(CASES), metavar="CASE")
    parser.add_argument("--quick", action="store_true", help="h2 by hmc_smc at 4 × 100, checked")
    args = parser.parse_args()
    if args.quick:
        quick()
        return
    if unknown := set(args.cases) - set(CASES):
        parser.error(f"unknown cases {sorted(unknown)}; choose from {list(CASES)}")
    for name in args.references or []:
        references(make_case(name), args)
    for name in args.show or []:
        print_references(name)
    settings: dict[str, dict[str, Any]] = {}
    if args.integration_steps is not None:
        settings["hmc_smc"] = {"sampler_kwargs": {"num_integration_steps": args.integration_steps}}
    if args.n_betas is not None:
        settings.setdefault("stepping_stone", {})["n_betas"] = args.n_betas
    if args.target_accept is not None:
        settings.setdefault("stepping_stone", {})["sampler_kwargs"] = {
            "target_accept": args.target_accept
        }
    for name in args.cases:
        ours(make_case(name), args.methods, args.seeds, args.draws, args.chains, settings)


if __name__ == "__main__":
    main()
