"""The output folder of a subcommand: never write into a user's non-empty folder unasked."""

from __future__ import annotations

from pathlib import Path

__all__ = ["check_out"]


def check_out(out: Path | None, force: bool) -> None:
    """Raise ``FileExistsError`` if ``out`` is a file or a non-empty folder and not ``force``."""
    if out is not None and out.exists() and (not out.is_dir() or any(out.iterdir())) and not force:
        raise FileExistsError(
            f"--out {str(out)!r} exists and is not an empty folder; choose a new folder or pass "
            "--force to write into it."
        )
