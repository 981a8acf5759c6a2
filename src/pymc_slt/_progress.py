"""Progress display for long work: a rich progress bar that is a no-op when switched off."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = ["track"]


def track[T](items: Iterable[T], *, total: int, description: str, enabled: bool) -> Iterator[T]:
    """Yield ``items``, showing a rich progress bar (``description``, count, elapsed) if enabled."""
    if not enabled:
        yield from items
        return
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, transient=False) as progress:
        task = progress.add_task(description, total=total)
        for item in items:
            yield item
            progress.advance(task)
