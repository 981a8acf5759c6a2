"""JSON stores of the benchmarks' finished runs, written atomically.

A benchmark that takes hours stores each finished run at once, so an interrupt loses only the
run under way. The file is written to a temporary sibling and renamed into place, so an
interrupt never leaves half a file; :func:`updating` also holds a lock from reading to writing,
so two runs of one benchmark on two cores never drop each other's results.
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
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
        handle.write(json.dumps(store, indent=indent) + "\n")
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
