"""A terminal progress bar (count, rate, time left) for indexing, drawn on stderr."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from index import ProgressCallback

_LABELS = {"reading": "Reading articles", "embedding": "Embedding passages"}
_UNITS = {"embedding": "passages"}
_BYTES = {"reading"}
"""Phases counted in bytes (reading: one large dump moves the bar as it streams)."""


def _amounts(phase: str, done: int, total: int, seconds: float) -> tuple[str, str]:
    """The count ("12/40", "3.1/82.0 MB") and the rate ("25 passages/s", "4.2 MB/s")."""
    if phase in _BYTES:
        count = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
        rate = f"{done / 1e6 / seconds:.1f} MB/s" if done and seconds else ""
        return count, rate
    count = f"{done:,}/{total:,}" if total else f"{done:,}"
    rate = f"{done / seconds:,.0f} {_UNITS.get(phase, 'items')}/s" if done and seconds else ""
    return count, rate


@contextmanager
def progress_bar(console: Console, enabled: bool = True) -> Iterator[ProgressCallback]:
    """A callback for `Library.add` that draws one bar per phase while the block runs."""
    if not enabled:
        yield lambda phase, done, total: None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[count]}"),
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
                    _LABELS.get(phase, phase), total=total or None, count="", rate=""
                )
            # The average rate since the phase began: rich's own estimate needs two advances
            # and lags one update, so a one-batch run would never show a rate.
            seconds = time.monotonic() - started.setdefault(phase, time.monotonic())
            count, rate = _amounts(phase, done, total, seconds)
            progress.update(
                tasks[phase], completed=done, total=total or None, count=count, rate=rate
            )

        yield update
