"""What linking PyTensor to a BLAS changes: the C backend with and without one (issue 28).

A pip install gives PyTensor no BLAS it can find, so ``pymc_slt`` points it at the OpenBLAS of
the ``scipy-openblas32`` wheel (``pymc_slt._link_blas``). This script times, on one thread, with
that BLAS and without it (``PYTENSOR_FLAGS=blas__ldflags=``, which ``pymc_slt`` leaves alone):

* ``logp+dlogp``: one evaluation of the log density and its gradient
  (``model.logp_dlogp_function()``), per call in the fastest of 7 batches of calls;
* ``loglik x100``: ``pm.compute_log_likelihood`` of 100 draws (one chain), the fastest of five
  warm calls, so it includes PyMC's graph rewriting and the compile-cache lookup;

for a reduced-rank regression 5→5→5 (d = 50) and a deep linear network 8→16→16→8 (d = 512)
with n = 10,000 observations, x ~ N(0, I), N(0, 1) priors and N(0, 1) noise, under the default
backend (Numba, which calls SciPy's BLAS whatever ``blas__ldflags`` says) and the C backend
(``linker=cvm``, the one ``blas__ldflags`` is for). Each setting runs in its own process with
its own compile directory, so caches never mix. Run: ``.venv/bin/python benchmarks/blas.py``;
the table goes to ``benchmarks/results/blas.json`` with the package version, the machine and the
command.

``--quick`` times the reduced-rank regression at n = 2,000 on the C backend only, and asserts
that the BLAS run linked the wheel's OpenBLAS (``blas__ldflags`` set and the library loaded by
the compiled functions), that the no-BLAS run linked none, and that both give the same log
density, gradient and pointwise log-likelihood to 1e-10 (relative); it writes no results file.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _store import command_line, markdown_table, write_result

N = 10_000
N_QUICK = 2_000
DRAWS = 100
TOL = 1e-10
#: model name -> layer widths (input, ..., output); the weights are the parameters
MODELS = {"rrr 5→5→5": (5, 5, 5), "deep linear 8→16→16→8": (8, 16, 16, 8)}
BACKENDS = {"numba (default)": {}, "C (cvm)": {"linker": "cvm"}}
OPERATIONS = ("logp+dlogp", "loglik x100")


def _model(widths: tuple[int, ...], n: int):
    """``slt.models.deep_linear_network`` (W ~ N(0, 1), unit noise) on data from weights drawn at
    scale 1/sqrt(fan-in), and ``DRAWS`` prior-scale draws of its weights (one chain)."""
    from pymc_slt.models import deep_linear_network

    rng = np.random.default_rng(0)
    shapes = [(fan_out, fan_in) for fan_in, fan_out in itertools.pairwise(widths)]
    x = rng.normal(size=(n, widths[0]))
    mean = x
    for fan_out, fan_in in shapes:
        mean = mean @ (rng.normal(size=(fan_out, fan_in)) / np.sqrt(fan_in)).T
    model = deep_linear_network(x, mean + rng.normal(size=mean.shape), widths[1:-1])
    draws = {
        f"W{i}": rng.normal(size=(1, DRAWS, *shape)) for i, shape in enumerate(shapes, start=1)
    }
    return model, draws


def _best_per_call(fn, batches: int = 7, seconds: float = 0.2) -> float:
    """Seconds per call of ``fn``: the fastest of ``batches`` batches of about ``seconds`` each
    (the fastest, not the median, because other processes on the machine only ever add time)."""
    fn()
    start, calls = time.perf_counter(), 0
    while time.perf_counter() - start < seconds:
        fn()
        calls += 1
    times = []
    for _ in range(batches):
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        times.append((time.perf_counter() - start) / calls)
    return min(times)


def _worker(n: int, models: list[str], out: Path) -> None:
    """One setting (fixed by PYTENSOR_FLAGS): time each model, save its numbers to ``out``."""
    import arviz_base as azb
    import pymc as pm
    import pytensor
    from threadpoolctl import threadpool_info

    import pymc_slt  # noqa: F401  (links the BLAS, unless blas__ldflags is set)

    timings, arrays = {}, {}
    for name in models:
        model, draws = _model(MODELS[name], n)
        fn = model.logp_dlogp_function(ravel_inputs=True)
        fn.set_extra_values({})
        point = np.concatenate([draws[v.name][0, 0].ravel() for v in model.value_vars])
        logp, dlogp = fn(point)
        idata = azb.from_dict({"posterior": draws})

        def loglik(model=model, idata=idata):
            return pm.compute_log_likelihood(
                idata, model=model, extend_inferencedata=False, progressbar=False
            )

        ll = loglik()["y"].values  # the first call compiles
        per_call = _best_per_call(lambda fn=fn, point=point: fn(point))
        best = min(_timed(loglik) for _ in range(5))
        timings[name] = {"logp+dlogp": per_call, "loglik x100": best}
        arrays |= {f"{name}/logp": logp, f"{name}/dlogp": dlogp, f"{name}/loglik": ll}
    blas = [i["filepath"] for i in threadpool_info() if i.get("user_api") == "blas"]
    np.savez(out.with_suffix(".npz"), **arrays)
    out.write_text(
        json.dumps(
            {
                "ldflags": pytensor.config.blas__ldflags,
                "linker": pytensor.config.linker,
                "wheel_blas_loaded": any("scipy_openblas32" in path for path in blas),
                "timings": timings,
            }
        )
    )


def _timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _run(backend: str, blas: bool, n: int, models: list[str], tmp: Path) -> dict:
    """Run :func:`_worker` in a fresh process for one (backend, BLAS) setting."""
    state = "blas" if blas else "noblas"
    compiledir = Path(tempfile.gettempdir()) / "pymc_slt_bench_blas" / state
    flags = {"base_compiledir": str(compiledir), **BACKENDS[backend]}
    if not blas:
        flags["blas__ldflags"] = ""
    threads = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    env = {
        **os.environ,
        **threads,
        "NUMBA_NUM_THREADS": "1",
        "PYTENSOR_FLAGS": ",".join(f"{k}={v}" for k, v in flags.items()),
    }
    out = tmp / f"{backend.split()[0]}_{state}.json"
    cmd = [sys.executable, __file__, "--worker", str(out), "--n", str(n), *models]
    subprocess.run(cmd, env=env, check=True)
    result = json.loads(out.read_text())
    with np.load(out.with_suffix(".npz")) as data:
        result["arrays"] = dict(data)
    return result


def _max_relative_difference(a: dict, b: dict) -> float:
    """The largest |a - b| / max(1, max |a|) over the arrays both runs computed."""
    return max(
        float(np.max(np.abs(a[k] - b[k])) / max(1.0, float(np.max(np.abs(a[k]))))) for k in a
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run that checks itself")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--n", type=int, default=N, help=argparse.SUPPRESS)
    parser.add_argument("models", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.n, args.models, args.worker)
        return

    n = N_QUICK if args.quick else N
    models = list(MODELS)[:1] if args.quick else list(MODELS)
    backends = ["C (cvm)"] if args.quick else list(BACKENDS)
    header = ["model", "d", "n", "backend", "operation", "ms without BLAS", "ms with BLAS"]
    header.append("speed-up")
    print(f"{header[0]:<24}{header[1]:>5}{header[2]:>7}  {header[3]:<17}{header[4]:<13}", end="")
    print(f"{header[5]:>16}{header[6]:>14}{header[7]:>10}")
    rows, runs = [], {}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in backends:
            off, on = (_run(backend, blas, n, models, Path(tmp)) for blas in (False, True))
            runs[backend] = (off, on)
            assert not off["ldflags"] and not off["wheel_blas_loaded"], off["ldflags"]
            if backend.startswith("C"):
                assert "scipy_openblas" in on["ldflags"] and on["wheel_blas_loaded"], on["ldflags"]
            for name in models:
                d = sum(a * b for a, b in itertools.pairwise(MODELS[name]))
                for op in OPERATIONS:
                    t_off, t_on = off["timings"][name][op], on["timings"][name][op]
                    row = {"model": name, "d": d, "n": n, "backend": backend, "operation": op}
                    rows.append(row | {"ms_without": 1e3 * t_off, "ms_with": 1e3 * t_on})
                    print(f"{name:<24}{d:>5}{n:>7}  {backend:<17}{op:<13}", end="")
                    print(f"{1e3 * t_off:>16.2f}{1e3 * t_on:>14.2f}{t_off / t_on:>10.2f}")
    reference = runs[backends[0]][0]["arrays"]
    diff = max(_max_relative_difference(reference, r["arrays"]) for p in runs.values() for r in p)
    print(f"largest relative difference between the settings: {diff:.1e} (bound {TOL:g})")
    assert diff <= TOL, diff
    if not args.quick:
        _write(rows, diff)


def _ms(row: dict) -> tuple[str, str, str]:
    """A row's milliseconds without and with BLAS, and the speed-up, as table cells."""
    off, on = row["ms_without"], row["ms_with"]
    return f"{off:.2f}", f"{on:.2f}", f"{off / on:.2f}"


def _write(rows: list[dict], diff: float) -> None:
    header = ["model", "d", "n", "backend", "operation", "ms without BLAS", "ms with BLAS"]
    cells = [
        (r["model"], r["d"], f"{r['n']:,}", r["backend"], r["operation"], *_ms(r)) for r in rows
    ]
    note = (
        "one thread; BLAS: the scipy-openblas32 wheel's OpenBLAS, linked by pymc_slt; without:"
        " PYTENSOR_FLAGS=blas__ldflags=; largest relative difference between the settings'"
        f" logp, gradient and pointwise log-likelihood {diff:.1e}; load"
        f" {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    table = markdown_table([*header, "speed-up"], cells)
    write_result("blas", command_line(), f"{table}\n\n{note}", rows=rows)


if __name__ == "__main__":
    main()
