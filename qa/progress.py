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
)

from index import ProgressCallback

_LABELS = {"reading": "Reading articles", "embedding": "Embedding passages"}
_UNITS = {"embedding": "passages"}
_BYTES = {"reading"}
"""Phases counted in bytes (reading: one large dump moves the bar as it streams)."""


def _amounts(phase: str, done: int, total: int, seconds: float) -> tuple[str, str, str]:
    """The count ("12/40", "3.1/82.0 MB"), the rate ("25 passages/s", "4.20 MB/s") and the time
    left, all from the average since the phase began: reading a dump pauses while its batches
    are embedded, and an estimate from recent bursts alone promised minutes for hours of work."""
    per_second = done / seconds if done and seconds else 0.0
    if total and done >= total:
        left = "0:00:00"
    else:
        left = _clock((total - done) / per_second) if total and per_second else "-:--:--"
    if phase in _BYTES:
        count = f"{done / 1e6:.1f}/{total / 1e6:.1f} MB" if total else f"{done / 1e6:.1f} MB"
        rate = f"{per_second / 1e6:.2f} MB/s" if per_second else ""
        return count, rate, left
    count = f"{done:,}/{total:,}" if total else f"{done:,}"
    rate = f"{per_second:,.0f} {_UNITS.get(phase, 'items')}/s" if per_second else ""
    return count, rate, left


def _clock(seconds: float) -> str:
    whole = int(seconds + 0.5)
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


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
        TextColumn("{task.fields[left]}"),
        TextColumn("left"),
    )
    with Progress(*columns, console=console, transient=False) as progress:
        tasks: dict[str, TaskID] = {}
        started: dict[str, float] = {}

        def update(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = progress.add_task(
                    _LABELS.get(phase, phase), total=total or None, count="", rate="", left=""
                )
            seconds = time.monotonic() - started.setdefault(phase, time.monotonic())
            count, rate, left = _amounts(phase, done, total, seconds)
            progress.update(
                tasks[phase],
                completed=done,
                total=total or None,
                count=count,
                rate=rate,
                left=left,
            )

        yield update
