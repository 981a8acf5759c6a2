"""Sweeps: task ids, bad input, the store, resume, interruption, failures, Dask.

Every sweep here runs tiny SMC tasks (100 particles × 2 chains, n ≤ 70) so a task takes about a
second; the reference table is computed once per module with a thread pool and every other way of
running the same tasks (resumed, interrupted, on Dask) must reproduce it exactly.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import contextlib
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from pymc_slt.commands import sweep as sweep_command
from pymc_slt.sweep.run import SweepTask, grid, run_sweep, run_task
from pymc_slt.sweep.store import MARKER, TASK_COLUMNS, netcdf_safe
from pymc_slt.sweep.worker import _task_context

ROOT = Path(__file__).resolve().parents[2]
MODEL = {
    "builder": "normal_crossing",
    "builder_kwargs": {"powers": [1, 1]},
    "simulator_kwargs": {"powers": [1, 1]},
}
SAMPLER = {"sampler": "smc", "draws": 100, "chains": 2}
SPEC = {"models": [MODEL], "n": [30, 50, 70], "seeds": [0, 1], "quantities": ["energy"]}
CONFIG = """\
n = [30, 50, 70]
seeds = [0, 1]
quantities = ["energy"]

[sampler]
sampler = "smc"
draws = 100
chains = 2

[[models]]
builder = "normal_crossing"
builder_kwargs = { powers = [1, 1] }
simulator_kwargs = { powers = [1, 1] }
"""
VALUES = ["energy", "energy_se", "divergences", "max_rhat"]


class CountingExecutor(cf.ThreadPoolExecutor):
    """A one-thread pool that records which tasks were submitted."""

    def __init__(self) -> None:
        super().__init__(max_workers=1)
        self.submitted: list[str] = []

    def submit(self, fn, /, *args, **kwargs):
        self.submitted.append(args[0].task_id)
        return super().submit(fn, *args, **kwargs)


def spec_tasks() -> list[SweepTask]:
    return grid(**SPEC, sampler=SAMPLER)


def comparable(df: pd.DataFrame) -> pd.DataFrame:
    """The columns that must not depend on how or when the tasks ran."""
    return df[[*TASK_COLUMNS, "status", *VALUES]].reset_index(drop=True)


def manifest_bytes(store: Path) -> dict[str, bytes]:
    return {p.stem: p.read_bytes() for p in (store / "manifest").glob("*.json")}


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[Path, pd.DataFrame]:
    """The uninterrupted sweep of SPEC: its store and table."""
    store = tmp_path_factory.mktemp("reference") / "store"
    with cf.ThreadPoolExecutor(max_workers=1) as pool:
        table = run_sweep(spec_tasks(), store=store, executor=pool, progressbar=False)
    assert (table["status"] == "ok").all(), table["error"].tolist()
    return store, table


# ---------------------------------------------------------------------------------------------
# Tasks and grids
# ---------------------------------------------------------------------------------------------


def test_task_id_hashes_content_not_spelling():
    a = SweepTask(
        builder="normal_crossing",
        builder_kwargs={"powers": (1, 1)},
        simulator_kwargs={"powers": [1, 1]},
        n=50,
        seed=3,
        quantities=["waic", "energy"],
        beta=1,
    )
    b = SweepTask(
        builder="normal_crossing",
        builder_kwargs={"powers": [1, 1]},
        simulator="normal_crossing",
        simulator_kwargs={"powers": [1, 1]},
        n=50,
        seed=3,
        quantities=("energy", "waic"),
        sampler={"draws": 1000, "tune": 1000, "chains": 4, "sampler": "nuts"},
    )
    assert a == b and a.task_id == b.task_id and len({a, b}) == 1
    assert SweepTask.from_dict(json.loads(json.dumps(a.to_dict()))) == a
    assert pickle.loads(pickle.dumps(a)).task_id == a.task_id
    assert len(pickle.dumps(a)) < 1000  # only the description travels to a worker
    other = SweepTask.from_dict({**a.to_dict(), "seed": 4})
    assert other.task_id != a.task_id
    assert a.seed_for("energy") != a.seed_for("data") == b.seed_for("data")


def test_grid_expands_models_n_seeds_and_betas():
    tasks = grid(
        [MODEL, {**MODEL, "builder_kwargs": {"powers": [1, 2]}}],
        n=[50, 100],
        seeds=[0, 1, 2],
        quantities=["energy", "wbic", "waic"],
        betas=[0.5, 1.0],
        options={"wbic": {"strict": True}},
    )
    # 2 models × 2 n × 3 seeds × (one β-free WBIC task + one energy/WAIC task per β)
    assert len(tasks) == 2 * 2 * 3 * 3 == len({t.task_id for t in tasks})
    free = [t for t in tasks if t.beta is None]
    assert len(free) == 12 and all(t.quantities == ("wbic",) for t in free)
    assert all(t.options == {"wbic": {"strict": True}} for t in free)
    assert {t.beta for t in tasks if t.beta is not None} == {0.5, 1.0}
    assert grid(**SPEC) == grid(**SPEC)  # deterministic order and content


@pytest.mark.parametrize(
    ("change", "error", "match"),
    [
        ({"builder": "resnet"}, ValueError, r"unknown builder 'resnet'; valid builders are \["),
        ({"quantities": ["evidence"]}, ValueError, r"unknown quantity 'evidence'.*'log_z'"),
        ({"quantities": []}, ValueError, "quantities is empty"),
        ({"simulator": "mnist"}, ValueError, "unknown simulator 'mnist'"),
        ({"builder_kwargs": {"H": 2}}, ValueError, "builder_kwargs of 'normal_crossing' do not"),
        ({"simulator_kwargs": {"powers": [1], "random_seed": 1}}, ValueError, "supplies itself"),
        ({"quantities": ["wbic"], "beta": 0.5}, ValueError, "none of .* depends on it"),
        ({"options": {"wbic": {}}}, ValueError, r"options given for \['wbic'\]"),
        ({"builder_kwargs": {"powers": object()}}, TypeError, "JSON-like"),
        ({"sampler": {"draw": 10}}, ValueError, r"unknown sampler option\(s\) \['draw'\]"),
        ({"sampler": {"sampler": "hmc"}}, ValueError, "'nuts', 'smc' or 'hmc_smc'"),
        ({"n": 0}, ValueError, "n must be >= 1"),
        ({"seed": -1}, ValueError, "seed must be >= 0"),
        ({"beta": -1.0}, ValueError, "beta must be finite and > 0"),
    ],
)
def test_bad_task_is_rejected_with_a_clear_error(change, error, match):
    base = {**MODEL, "n": 50, "seed": 0, "quantities": ["energy"]}
    with pytest.raises(error, match=match):
        SweepTask(**{**base, **change})


def test_bad_sweep_input_is_rejected(tmp_path):
    task = spec_tasks()[0]
    (tmp_path / "file").write_text("not a directory")
    with pytest.raises(ValueError, match="is a file"):
        run_sweep([task], store=tmp_path / "file")
    user_dir = tmp_path / "mine"
    user_dir.mkdir()
    (user_dir / "notes.txt").write_text("precious")
    with pytest.raises(ValueError, match="not a pymc-slt sweep store"):
        run_sweep([task], store=user_dir)
    assert [p.name for p in user_dir.iterdir()] == ["notes.txt"]  # nothing written
    with pytest.raises(TypeError, match="every task must be a SweepTask"):
        run_sweep([task.to_dict()], store=tmp_path / "s1")
    with pytest.raises(ValueError, match="no tasks"):
        run_sweep([], store=tmp_path / "s2")
    with pytest.raises(TypeError, match=r"concurrent\.futures\.Executor"):
        run_sweep([task], store=tmp_path / "s3", executor="tcp://scheduler:8786")
    with pytest.raises(ValueError, match=r"unknown key\(s\) \['model'\]"):
        run_sweep({**SPEC, "model": MODEL}, store=tmp_path / "s4")
    assert not (tmp_path / "s4").exists()


# ---------------------------------------------------------------------------------------------
# Store, resume, failures
# ---------------------------------------------------------------------------------------------


def test_store_layout_and_result_files(reference):
    store, table = reference
    assert json.loads((store / MARKER).read_text())["format"] == 1
    assert list(table["task_id"]) == [t.task_id for t in spec_tasks()]
    assert table["energy"].notna().all() and (table["attempts"] == 1).all()
    record = json.loads((store / "manifest" / f"{table.task_id[0]}.json").read_text())
    assert record["status"] == "ok" and record["task"] == spec_tasks()[0].to_dict()
    assert record["result"] == f"tasks/{table.task_id[0]}.nc"
    tree = xr.open_datatree(store / record["result"], engine="h5netcdf")
    assert float(tree["energy"]) == record["values"]["energy"]
    summary = pd.read_csv(store / "summary.csv")
    assert list(summary["task_id"]) == sorted(table["task_id"])


def test_resume_skips_finished_tasks(reference, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(reference[0], store)  # a store can be moved: paths inside are relative
    before = manifest_bytes(store)
    pool = CountingExecutor()
    again = run_sweep(spec_tasks(), store=store, executor=pool, progressbar=False)
    assert pool.submitted == []
    assert manifest_bytes(store) == before  # no record rewritten: attempts and timings unchanged
    pd.testing.assert_frame_equal(again, reference[1])


def test_resume_keeps_another_sweeps_results(reference, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(reference[0], store)
    before = {p.name: p.read_bytes() for p in (store / "tasks").iterdir()}
    new = grid(MODEL, n=40, seeds=0, quantities="energy", sampler=SAMPLER)
    pool = CountingExecutor()
    table = run_sweep(new, store=store, executor=pool, progressbar=False)
    assert pool.submitted == [new[0].task_id] and list(table["task_id"]) == pool.submitted
    assert all((store / "tasks" / name).read_bytes() == data for name, data in before.items())
    assert len(pd.read_csv(store / "summary.csv")) == len(before) + 1


def test_failing_task_is_recorded_and_retried_on_resume(tmp_path):
    bad_quantity = SweepTask(
        **MODEL,
        n=30,
        seed=0,
        quantities=["energy", "learning_coefficient"],
        sampler=SAMPLER,
        options={"learning_coefficient": {"method": "nonsense"}},
    )
    bad_data = SweepTask(
        builder="normal_crossing",
        builder_kwargs={"powers": [1, 1]},
        simulator_kwargs={"powers": [1, 1], "noise_sd": -1.0},
        n=30,
        seed=0,
        quantities=["energy"],
        sampler=SAMPLER,
    )
    good = spec_tasks()[0]
    pool = CountingExecutor()
    with pytest.warns(UserWarning, match="2 of 3 tasks failed"):
        table = run_sweep(
            [bad_quantity, bad_data, good], store=tmp_path, executor=pool, progressbar=False
        )
    assert list(table["status"]) == ["failed", "failed", "ok"]
    assert table["energy"].notna().tolist() == [True, False, True]  # the good quantity is kept
    assert table["error"][0].startswith("learning_coefficient: ValueError: method must be one of")
    assert table["error"][1].startswith("setup: ValueError: noise_sd must be finite and > 0")
    record = json.loads((tmp_path / "manifest" / f"{bad_quantity.task_id}.json").read_text())
    (error,) = record["errors"]
    assert error["type"] == "ValueError" and "Traceback" in error["traceback"]
    # retry_failed=False keeps the failures; the default retries exactly them
    pool = CountingExecutor()
    with pytest.warns(UserWarning, match="failed"):
        run_sweep([bad_quantity, bad_data, good], store=tmp_path, executor=pool, retry_failed=False)
    assert pool.submitted == []
    pool = CountingExecutor()
    with pytest.warns(UserWarning, match="failed"):
        table = run_sweep([bad_quantity, bad_data, good], store=tmp_path, executor=pool)
    assert sorted(pool.submitted) == sorted([bad_quantity.task_id, bad_data.task_id])
    assert list(table["attempts"]) == [2, 2, 1]


def test_worker_crash_is_recorded_as_a_failure(tmp_path):
    class BrokenExecutor(cf.ThreadPoolExecutor):
        def submit(self, fn, /, *args, **kwargs):
            return super().submit(_raise_lost)

    task = spec_tasks()[0]
    with BrokenExecutor(max_workers=1) as pool, pytest.warns(UserWarning, match="1 of 1"):
        table = run_sweep([task], store=tmp_path, executor=pool, progressbar=False)
    assert table["error"][0] == "worker: ConnectionError: worker lost"
    assert not (tmp_path / "tasks" / f"{task.task_id}.nc").exists()


def _raise_lost():
    raise ConnectionError("worker lost")


def test_warnings_are_kept_per_task_when_tasks_share_a_process():
    original = warnings.showwarning
    barrier = threading.Barrier(2)

    def task(i: int) -> list[str]:
        with _task_context() as caught:
            barrier.wait()
            warnings.warn(f"from task {i}", UserWarning, stacklevel=1)
            barrier.wait()  # both tasks warn while both are running
            warnings.warn(f"from task {i}", UserWarning, stacklevel=1)  # repeats are kept
        return caught

    with cf.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(task, [0, 1]))
    assert results == [["from task 0"] * 2, ["from task 1"] * 2]
    assert warnings.showwarning is original  # restored when the last task ended


# ---------------------------------------------------------------------------------------------
# Interruption (SIGKILL of the CLI) and Dask
# ---------------------------------------------------------------------------------------------

CLI = (
    "import argparse, sys\n"
    "from pymc_slt.commands import sweep\n"
    "parser = argparse.ArgumentParser()\n"
    "sweep.add_parser(parser.add_subparsers())\n"
    "args = parser.parse_args(sys.argv[1:])\n"
    "sys.exit(args.func(args))\n"
)


@pytest.mark.parametrize(
    "sig",
    [signal.SIGKILL, pytest.param(signal.SIGINT, marks=pytest.mark.slow)],
    ids=["SIGKILL", "SIGINT"],
)
def test_interrupt_then_resume_gives_the_same_table(reference, tmp_path, sig):
    config = tmp_path / "sweep.toml"
    config.write_text(CONFIG)
    tasks = sweep_command.read_config(config)
    assert tasks == spec_tasks()
    store = tmp_path / "store"
    log_path = tmp_path / "log.txt"
    argv = [sys.executable, "-c", CLI, "sweep", str(config), "--out", str(store)]
    with log_path.open("w") as log:
        proc = subprocess.Popen(
            [*argv, "--workers", "1", "--quiet"], stdout=log, stderr=log, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 240
        while not any((store / "manifest").glob("*.json")):
            assert proc.poll() is None, log_path.read_text()
            assert time.monotonic() < deadline, "no task finished in time"
            time.sleep(0.05)
        os.killpg(proc.pid, sig)  # the driver and its worker process, mid-sweep (as Ctrl-C does)
        code = proc.wait(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    assert code == (130 if sig == signal.SIGINT else -signal.SIGKILL), log_path.read_text()
    records = {p.stem: json.loads(p.read_text()) for p in (store / "manifest").glob("*.json")}
    done = {
        k: (store / "manifest" / f"{k}.json").read_bytes()
        for k, r in records.items()
        if r["status"] == "ok"
    }
    assert 0 < len(done) < len(tasks)
    for path in store.rglob("*"):  # only complete files, or temporaries that are ignored
        if path.is_dir() or path.name.endswith(".tmp"):
            continue
        if path.suffix == ".json":
            json.loads(path.read_text())
        elif path.suffix == ".nc":
            xr.open_datatree(path, engine="h5netcdf").close()
    for task_id in done:
        assert (store / "tasks" / f"{task_id}.nc").exists()
    # a worker killed by Ctrl-C may be recorded as failed ("worker" error): it is retried
    host = os.uname().nodename.split(".")[0]
    stale = store / "tasks" / f".x.nc.{host}.{proc.pid}.0123abcd.tmp"
    stale.write_text("half-written")  # what a kill during a write would leave

    pool = CountingExecutor()
    table = run_sweep(tasks, store=store, executor=pool, progressbar=False)
    assert sorted(pool.submitted) == sorted({t.task_id for t in tasks} - set(done))
    assert all(manifest_bytes(store)[task_id] == data for task_id, data in done.items())
    assert not list(store.rglob("*.tmp"))
    pd.testing.assert_frame_equal(comparable(table), comparable(reference[1]), check_exact=True)


def test_dask_local_cluster_runs_the_sweep(reference, tmp_path):
    distributed = pytest.importorskip("distributed")
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        table = run_sweep(
            spec_tasks(), store=tmp_path, executor=client.get_executor(), progressbar=False
        )
        hosts = {json.loads(p.read_text())["host"] for p in (tmp_path / "manifest").iterdir()}
    assert all(h.split(":")[1] != str(os.getpid()) for h in hosts)  # ran in the workers
    pd.testing.assert_frame_equal(comparable(table), comparable(reference[1]), check_exact=True)


# ---------------------------------------------------------------------------------------------
# The command line
# ---------------------------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pymc-slt")
    sweep_command.add_parser(parser.add_subparsers())
    return parser


def test_cli_help_documents_the_config():
    sub = _parser()._subparsers._group_actions[0].choices["sweep"]
    text = sub.format_help()
    assert "[[models]]" in text and "--scheduler ADDRESS" in text and "--workers N" in text


def test_shipped_example_config_is_valid():
    tasks = sweep_command.read_config(ROOT / "examples" / "sweep.toml")
    assert tasks and all(isinstance(t, SweepTask) for t in tasks)


def test_cli_rejects_a_bad_config(tmp_path, capsys):
    config = tmp_path / "bad.toml"
    config.write_text("threads = 4\n" + CONFIG)
    args = _parser().parse_args(["sweep", str(config), "--out", str(tmp_path / "out")])
    assert args.func(args) == 2
    assert "unknown key(s) ['threads']" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_cli_runs_and_resumes(reference, tmp_path, capsys):
    config = tmp_path / "sweep.toml"
    config.write_text(CONFIG)
    store = tmp_path / "store"
    shutil.copytree(reference[0], store)
    args = _parser().parse_args(["sweep", str(config), "--out", str(store), "--workers", "1"])
    assert args.func(args) == 0  # everything is done already: nothing runs
    assert f"6 of 6 tasks ok; table: {store / 'summary.csv'}" in capsys.readouterr().out


def test_task_cores_do_not_change_the_numbers():
    nuts = {"draws": 100, "tune": 100, "chains": 2}
    task = SweepTask(**MODEL, n=30, seed=0, quantities=["energy"], sampler=nuts)
    one, all_cores = run_task(task, cores=1), run_task(task, cores=None)
    assert one.status == all_cores.status == "ok", one.errors
    assert one.values == all_cores.values


def test_netcdf_safe_encodes_ragged_stats_as_json_without_warnings():
    ragged = np.empty(3, dtype=object)
    ragged[0], ragged[1], ragged[2] = np.array([np.nan, 2.0]), np.float64(np.nan), [1, 2]
    ds = xr.Dataset({"stage_logz": ("chain", ragged), "ok": ("chain", np.arange(3.0))})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = netcdf_safe(ds)
    first, second, third = (json.loads(t) for t in out["stage_logz"].values)
    assert np.isnan(first[0]) and first[1] == 2.0
    assert np.isnan(second) and third == [1, 2]
    assert out["ok"].dtype == float
