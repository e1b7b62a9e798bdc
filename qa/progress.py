"""A terminal progress bar (count, rate, time left) for indexing, drawn on stderr."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from index import ProgressCallback

_LABELS = {"reading": "Reading articles", "embedding": "Embedding passages"}
_UNITS = {"reading": "files", "embedding": "passages"}


@contextmanager
def progress_bar(console: Console, enabled: bool = True) -> Iterator[ProgressCallback]:
    """A callback for `Library.add` that draws one bar per phase while the block runs."""
    if not enabled:
        yield lambda phase, done, total: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        tasks: dict[str, TaskID] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(
                    _LABELS.get(phase, phase), total=total or None, rate=""
                )
            task = progress.tasks[tasks[phase]]
            speed = task.speed
            rate = f"{speed:,.0f} {_UNITS.get(phase, 'items')}/s" if speed else ""
            progress.update(tasks[phase], completed=done, total=total or None, rate=rate)

        yield update
