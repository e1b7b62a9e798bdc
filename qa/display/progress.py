"""A terminal progress bar (count, rate, time left) for indexing, drawn on stderr."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, Task, TaskID, TextColumn
from rich.table import Column
from rich.text import Text

from qa.index import BACKEND_NAMES, ProgressCallback

_LABELS = {"reading": "Reading", "embedding": "Embedding"}
CHOOSING = "choosing"
"""The phase in which the passage encoders are measured (the first run on a machine): a line
above the bars says so, and the time it takes is left out of the embedding rate."""
_UNITS = {"embedding": "passages"}
_BYTES = {"reading"}
"""Phases counted in bytes (reading: one large dump moves the bar as it streams)."""
_SURE_AFTER = 1.0
"""Seconds of work before a rate is shown: over a few milliseconds, one report of 256 passages
read as millions a second."""
NO_TIME = "-:--:--"


def _amounts(phase: str, done: int, total: int, seconds: float) -> tuple[str, str, str]:
    """The count ("12/40", "3.1/82.0 MB"), the rate ("25 passages/s", "4.20 MB/s") and the time
    left, all from the average since the phase began: reading a dump pauses while its batches
    are embedded, and an estimate from recent bursts alone promised minutes for hours of work."""
    per_second = done / seconds if done > 0 and seconds >= _SURE_AFTER else 0.0
    if total and done >= total:
        left = _clock(0)
    else:
        left = _clock((total - done) / per_second) if total and per_second else NO_TIME
    if phase in _BYTES:
        rate = _in_bytes(per_second) + "/s" if per_second else ""
        return _in_bytes(done, total if total else None), rate, left
    count = f"{done:,}/{total:,}" if total else f"{done:,}"
    rate = f"{per_second:,.1f}" if 0 < per_second < 10 else f"{per_second:,.0f}"
    rate = f"{rate} {_UNITS.get(phase, 'items')}/s" if per_second else ""
    return count, rate, left


def _in_bytes(amount: float, total: int | None = None) -> str:
    """ "3.1/82.3 MB", "3.1 kB", "512 B": bytes in the unit that reads best for the larger."""
    unit, scale = _byte_unit(int(max(amount, total or 0)))
    digits = 0 if scale == 1 else 1
    shown = f"{amount / scale:.{digits}f}"
    if total is not None:
        shown += f"/{total / scale:.{digits}f}"
    return f"{shown} {unit}"


def _byte_unit(size: int) -> tuple[str, float]:
    """The unit a byte count reads best in: seeds/ is 3 kB, which showed as "0.0/0.0 MB"."""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if size >= scale:
            return unit, scale
    return "B", 1.0


def _clock(seconds: float) -> str:
    whole = max(0, int(seconds + 0.5))
    return f"{whole // 3600}:{whole // 60 % 60:02d}:{whole % 60:02d}"


@dataclass
class PhaseClock:
    """One phase's progress as last reported, from which its figures are worked out afresh at
    every refresh: between two reports the elapsed time ticks and the time left counts down."""

    phase: str
    started: float
    """When the phase's work began."""
    done: int = 0
    total: int = 0
    reported: float = 0.0
    """When the last report came."""
    finished: float | None = None

    def report(self, done: int, total: int, now: float) -> None:
        self.done, self.total, self.reported = done, total, now
        if total and done >= total:
            self.finished = self.finished or now
        else:
            self.finished = None

    def line(self, now: float) -> str:
        """ "1,200/12,000  9.1 passages/s  0:02:13 elapsed  0:19:40 left", as of `now`."""
        end = self.finished or now
        count, rate, left = _amounts(
            self.phase, self.done, self.total, self.reported - self.started
        )
        if self.finished is None and left != NO_TIME:
            # Count down from the estimate made at the last report; when the count runs out
            # before the next report, the estimate was short: go back to the average as of now.
            ahead = _seconds(left) - (now - self.reported)
            left = (
                _clock(ahead)
                if ahead >= 1
                else _amounts(self.phase, self.done, self.total, now - self.started)[2]
            )
        parts = [
            count if self.reported else "starting…",
            rate,
            f"{_clock(end - self.started)} elapsed",
        ]
        if self.total or left != NO_TIME:
            parts.append(f"{left} left")
        return "  ".join(part for part in parts if part)


def _seconds(clock: str) -> int:
    hours, minutes, seconds = (int(part) for part in clock.split(":"))
    return hours * 3600 + minutes * 60 + seconds


class _Figures(ProgressColumn):
    """The phase's figures, worked out at every refresh (ten a second) so its clocks tick."""

    def __init__(self) -> None:
        super().__init__(table_column=Column(no_wrap=True))

    def render(self, task: Task) -> Text:
        clock: PhaseClock = task.fields["clock"]
        return Text(clock.line(time.monotonic()))


@contextmanager
def progress_bar(
    console: Console,
    enabled: bool = True,
    encoder: Callable[[], str | None] | None = None,
) -> Iterator[ProgressCallback]:
    """A callback for `Library.add` that draws one bar per phase while the block runs; the
    passage encoder is named once, above the bars, when `encoder` knows it ("onnx", "bf16"...).

    A phase's clock starts with its first report, or, when that report already counts work done
    (the first part of a batch embedded), at the last report of any phase: the work began after
    that. When reading reaches its end, the embedding bar appears at once, since what is left
    to embed is being embedded then."""
    if not enabled:
        yield lambda phase, done, total: None
        return
    columns = (
        TextColumn("{task.description}", table_column=Column(no_wrap=True)),
        BarColumn(bar_width=None),
        _Figures(),
    )
    with Progress(*columns, console=console, transient=False, expand=True) as progress:
        tasks: dict[str, TaskID] = {}
        clocks: dict[str, PhaseClock] = {}
        last = [time.monotonic()]  # when anything was last heard of
        told: list[str] = []  # the encoder, once named

        def start(phase: str, now: float, began: float) -> PhaseClock:
            clocks[phase] = PhaseClock(phase, began)
            tasks[phase] = progress.add_task(
                _LABELS.get(phase, phase), total=None, clock=clocks[phase]
            )
            return clocks[phase]

        def update(phase: str, done: int, total: int) -> None:
            now = time.monotonic()
            if phase == CHOOSING:
                choosing(done < total, now)
                return
            clock = clocks.get(phase) or start(phase, now, last[0] if done else now)
            if not clock.reported and done == 0:
                clock.started = now  # a pending bar whose work starts only now
            clock.report(done, total, now)
            progress.update(tasks[phase], completed=done, total=total or None)
            if phase == "embedding" and encoder is not None and not told and (used := encoder()):
                # A line above the bars, once: in the bar's label it cut the figures at 80 columns.
                progress.console.print(
                    f"Passages are embedded with {BACKEND_NAMES.get(used, used)}."
                )
                told.append(used)
            if phase == "reading" and clock.finished is not None and "embedding" not in clocks:
                start("embedding", now, now)
            last[0] = now

        def choosing(starts: bool, now: float) -> None:
            if starts:
                progress.console.print(
                    "Measuring which passage encoder is fastest on this machine "
                    "(once; a few seconds)…"
                )
                return
            # The embedding waited for the measurement: its work starts now.
            for clock in clocks.values():
                if clock.done == 0 and clock.finished is None:
                    clock.started = now
            last[0] = now

        yield update
        now = time.monotonic()
        for phase, clock in clocks.items():  # a clean end: every bar shows its work finished
            if clock.finished is None:
                clock.total = max(clock.total, clock.done)
                clock.reported, clock.finished = clock.reported or now, now
                progress.update(tasks[phase], completed=1, total=1)
