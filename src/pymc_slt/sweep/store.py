"""The on-disk store of a sweep: one result file and one manifest record per task, atomically.

Layout of a store directory::

    pymc-slt-sweep.json        marker: this directory is a pymc-slt sweep store (format version)
    tasks/<task_id>.nc         the task's result: a DataTree (netCDF4 via h5netcdf) whose root
                               holds one scalar per number and whose children hold stored trees
                               (e.g. ``draws``)
    manifest/<task_id>.json    the task, status ("ok"/"failed"), values, errors, warnings,
                               attempts, timings, host
    summary.csv                the table of every task in the store, rebuilt after each run

Every file is written to a temporary name in its own directory (``.<name>.<host>.<pid>.<rand>.tmp``)
and moved into place with :func:`os.replace`, so a reader (or a resumed sweep) sees either the
complete old file, the complete new one, or none. The result file is written before the manifest;
a task counts as finished only when its manifest says so, so a sweep killed between the two
writes simply redoes that task. Temporary files left by a killed process on this host are removed
when the store is opened again; pymc-slt writes nothing else and refuses a non-empty directory
that is not a store.
"""

from __future__ import annotations

import json
import os
import re
import socket
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from pymc_slt._version import __version__

__all__ = ["SweepStore", "netcdf_safe", "table"]

STORE_FORMAT = 1
MARKER = "pymc-slt-sweep.json"
_TMP = re.compile(r"^\.(?P<name>.+)\.(?P<host>[^.]+)\.(?P<pid>\d+)\.[0-9a-f]{8}\.tmp$")
#: Columns of the sweep table that describe the task (the rest are run facts and values).
TASK_COLUMNS = ("task_id", "model", "data", "n", "seed", "beta", "quantities", "sampler")
RUN_COLUMNS = ("status", "attempts", "seconds", "error")


def _host() -> str:
    return socket.gethostname().split(".")[0].replace(".", "-") or "host"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` on a temporary sibling of ``path``, fsync it, then rename it over."""
    tmp = path.with_name(f".{path.name}.{_host()}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _write_json(path: Path, data: Mapping[str, Any]) -> None:
    _atomic_write(path, lambda tmp: tmp.write_text(json.dumps(data, indent=1, default=float)))


def netcdf_safe(ds: xr.Dataset) -> xr.Dataset:
    """Object-dtype variables (ragged SMC stats, nutpie messages) as JSON text per element."""
    out = ds.copy()
    for name, var in ds.data_vars.items():
        if var.dtype == object:
            text = [_json_element(e) for e in var.values.ravel()]
            out[name] = var.copy(data=np.array(text, dtype=str).reshape(var.shape))
    return out


def _json_element(element: object) -> str:
    """One object-array element as JSON (arrays as lists, NaN as JSON's ``NaN``)."""
    if isinstance(element, np.ndarray):
        element = element.tolist()
    return json.dumps(element, default=float)


class SweepStore:
    """A sweep store directory (see the module docstring for the layout).

    Parameters
    ----------
    path : str or os.PathLike
        A new or empty directory (created with its parents), or an existing store.

    Raises
    ------
    ValueError
        If ``path`` is a file, a non-empty directory without the store marker, or a store of an
        unknown format.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if self.path.exists() and not self.path.is_dir():
            raise ValueError(
                f"store {str(self.path)!r} is a file; give a directory (new, empty, or a previous "
                "sweep's store) to hold the results."
            )
        marker = self.path / MARKER
        if marker.exists():
            self._check_marker(marker)
        elif self.path.exists() and any(self.path.iterdir()):
            raise ValueError(
                f"store {str(self.path)!r} is a non-empty directory that is not a pymc-slt sweep "
                f"store (no {MARKER}); pymc-slt writes only into new or empty directories or its "
                "own stores, so choose another path."
            )
        self.tasks_dir.mkdir(parents=True, exist_ok=True)
        self.manifest_dir.mkdir(exist_ok=True)
        if not marker.exists():
            _write_json(marker, {"format": STORE_FORMAT, "pymc_slt": __version__})
        self._remove_stale_temporaries()

    @staticmethod
    def _check_marker(marker: Path) -> None:
        try:
            fmt = json.loads(marker.read_text())["format"]
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{marker} is not a valid pymc-slt store marker: {err}.") from err
        if fmt != STORE_FORMAT:
            raise ValueError(
                f"{marker.parent} is a sweep store of format {fmt}; this pymc-slt reads format "
                f"{STORE_FORMAT}. Use a new directory or the pymc-slt version that wrote it."
            )

    @property
    def tasks_dir(self) -> Path:
        """``<store>/tasks``: one result file per task."""
        return self.path / "tasks"

    @property
    def manifest_dir(self) -> Path:
        """``<store>/manifest``: one JSON record per task."""
        return self.path / "manifest"

    def result_path(self, task_id: str) -> Path:
        """``<store>/tasks/<task_id>.nc``."""
        return self.tasks_dir / f"{task_id}.nc"

    def _remove_stale_temporaries(self) -> None:
        """Delete our temporary files whose writer (a process on this host) is gone."""
        for folder in (self.path, self.tasks_dir, self.manifest_dir):
            for tmp in folder.glob(".*.tmp"):
                match = _TMP.match(tmp.name)
                if match and match["host"] == _host() and not _pid_alive(int(match["pid"])):
                    tmp.unlink(missing_ok=True)

    def record(self, task_id: str) -> dict[str, Any] | None:
        """The manifest record of ``task_id``, or None if the task has not finished."""
        path = self.manifest_dir / f"{task_id}.json"
        if not path.exists():
            return None
        try:
            return json.loads(path.read_text())
        except ValueError as err:
            raise ValueError(
                f"manifest {path} is not valid JSON ({err}); it was edited by hand. Delete it to "
                "rerun that task."
            ) from err

    def records(self) -> list[dict[str, Any]]:
        """Every manifest record of the store, sorted by task id."""
        ids = sorted(p.stem for p in self.manifest_dir.glob("*.json"))
        return [r for r in (self.record(i) for i in ids) if r is not None]

    def is_done(self, task_id: str, *, retry_failed: bool) -> bool:
        """True if ``task_id`` finished (or failed, when ``retry_failed`` is False)."""
        rec = self.record(task_id)
        if rec is None:
            return False
        if rec["status"] == "ok":
            return self.result_path(task_id).exists()
        return not retry_failed

    def write(self, record: Mapping[str, Any], tree: xr.DataTree | None) -> None:
        """Write a finished task: its result file (if ``tree``), then its manifest record."""
        task_id = record["task_id"]
        if tree is not None:
            tree = tree.map_over_datasets(netcdf_safe)
            _atomic_write(
                self.result_path(task_id), lambda tmp: tree.to_netcdf(tmp, engine="h5netcdf")
            )
        _write_json(self.manifest_dir / f"{task_id}.json", record)

    def write_summary(self, table: pd.DataFrame) -> Path:
        """Write ``table`` to ``<store>/summary.csv`` (atomically) and return the path."""
        path = self.path / "summary.csv"
        _atomic_write(path, lambda tmp: table.to_csv(tmp, index=False))
        return path


def table(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """The tidy sweep table: one row per task record, task columns, run columns, then values."""
    rows, value_names = [], {}
    for rec in records:
        task = rec["task"]
        sampler = task["sampler"]
        errors = rec.get("errors", [])
        first = errors[0] if errors else None
        row = {
            "task_id": rec["task_id"],
            "model": rec["model"],
            "data": rec["data"],
            "n": task["n"],
            "seed": task["seed"],
            "beta": np.nan if task["beta"] is None else task["beta"],
            "quantities": ",".join(task["quantities"]),
            "sampler": f"{sampler['sampler']}(draws={sampler['draws']}, tune={sampler['tune']}, "
            f"chains={sampler['chains']})",
            "status": rec["status"],
            "attempts": rec["attempts"],
            "seconds": rec["seconds"],
            "error": None
            if first is None
            else f"{first['where']}: {first['type']}: {first['message']}",
        }
        for name, value in rec["values"].items():
            value_names.setdefault(name, None)
            row[name] = value
        rows.append(row)
    columns = [*TASK_COLUMNS, *RUN_COLUMNS, *value_names]
    return pd.DataFrame(rows, columns=columns)
