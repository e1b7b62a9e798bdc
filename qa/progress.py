"""A terminal progress bar (count, rate, time left) for indexing, drawn on stderr."""

from __future__ import annotations

import time
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
        TextColumn("elapsed"),
        TimeRemainingColumn(),
        TextColumn("left"),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        tasks: dict[str, TaskID] = {}
        started: dict[str, float] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(
                    _LABELS.get(phase, phase), total=total or None, rate=""
                )
            # The average rate since the phase began: rich's own estimate needs two advances
            # and lags one update, so a one-batch run would never show a rate.
            seconds = time.monotonic() - started.setdefault(phase, time.monotonic())
            rate = (
                f"{done / seconds:,.0f} {_UNITS.get(phase, 'items')}/s" if done and seconds else ""
            )
            progress.update(tasks[phase], completed=done, total=total or None, rate=rate)

        yield update
