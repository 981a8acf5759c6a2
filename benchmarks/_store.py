"""JSON stores of the benchmarks' finished runs, written atomically, and their results files.

A benchmark that takes hours stores each finished run at once, so an interrupt loses only the
run under way. The file is written to a temporary sibling and renamed into place, so an
interrupt never leaves half a file; :func:`updating` also holds a lock from reading to writing,
so two runs of one benchmark on two cores never drop each other's results.

A full (non ``--quick``) run writes ``benchmarks/results/<name>.json``: the package version, the
machine, Python and the command (:func:`result_meta`), the markdown ``table`` the docs include
(``docs/conf.py`` turns it into ``docs/_generated/<name>.md``) and, where the table merges
several commands, the ``rows`` it was built from (:func:`write_result`, :func:`update_result`).
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
import sys
import tempfile
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any


def load_json(path: Path) -> dict[str, Any]:
    """The stored runs at ``path``, or an empty store when there is no file yet."""
    return json.loads(path.read_text()) if path.exists() else {}


def save_json(path: Path, store: dict[str, Any], indent: int = 1) -> None:
    """Write ``store`` to ``path`` atomically (a temporary file, then a rename)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w") as handle:
        handle.write(json.dumps(store, indent=indent, default=float) + "\n")
    os.replace(tmp, path)


@contextmanager
def updating(path: Path, indent: int = 1) -> Iterator[dict[str, Any]]:
    """Load the store under an exclusive lock, let the caller change it, save it atomically."""
    with open(path.with_name(f".{path.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        store = load_json(path)
        yield store
        save_json(path, store, indent)


def result_meta(command: str) -> dict[str, str]:
    """What a results file states about how it was made: the package version, the machine,
    Python and the command (docs/conf.py prints it under each generated table)."""
    import platform
    import sys

    import pymc_slt

    return {
        "version": pymc_slt.__version__,
        "machine": f"{platform.machine()}, {platform.processor() or platform.system()}",
        "python": sys.version.split()[0],
        "command": command,
    }


RESULTS = Path(__file__).parent / "results"


def command_line() -> str:
    """The command running now, as the pages name it: ``[OMP_NUM_THREADS=k] [PYTHONPATH=p]
    .venv/bin/python benchmarks/NAME.py ARGS``."""
    env = [f"{k}={os.environ[k]}" for k in ("OMP_NUM_THREADS", "PYTHONPATH") if k in os.environ]
    script = f"benchmarks/{Path(sys.argv[0]).name}"
    return " ".join([*env, shlex.join([".venv/bin/python", script, *sys.argv[1:]])])


def fmt(value: float | None, spec: str) -> str:
    """``value`` formatted by ``spec``, or an en dash where there is none (None or NaN)."""
    return "–" if value is None or value != value else format(value, spec)


def markdown_table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A markdown table of ``rows`` under ``header``; cells are ``str``-ed, ``|`` escaped."""

    def line(cells: Sequence[object]) -> str:
        return "| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |"

    return "\n".join([line(header), "|" + "---|" * len(header), *map(line, rows)])


def write_result(name: str, command: str, table: str, **extra: Any) -> Path:
    """Write ``benchmarks/results/<name>.json``: :func:`result_meta` of ``command``, the markdown
    ``table`` and ``extra`` keys (e.g. the ``rows`` the table was built from)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    save_json(path, {**result_meta(command), "table": table, **extra})
    print(f"wrote {path}")
    return path


def update_result(
    name: str,
    rows: list[dict[str, Any]],
    key: Callable[[dict[str, Any]], Hashable],
    table: Callable[[list[dict[str, Any]]], str],
) -> Path:
    """Merge ``rows`` (each with its ``command``) into the rows of
    ``benchmarks/results/<name>.json`` (a stored row with the same ``key`` is replaced), rebuild
    the table from all of them and write the file; its command lists the rows' commands in
    order. A file moved from the hand-written pages holds no rows: the new rows replace it."""
    path = RESULTS / f"{name}.json"
    new = {key(r) for r in rows}
    kept = [r for r in load_json(path).get("rows", []) if key(r) not in new]
    merged = kept + rows
    command = "; ".join(dict.fromkeys(r["command"] for r in merged))
    return write_result(name, command, table(merged), rows=merged)
