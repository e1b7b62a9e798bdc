"""The indexing progress bar: amount, rate, time elapsed and time left, one bar per phase."""

from __future__ import annotations

import io
import time

from rich.console import Console

from qa.progress import progress_bar


def test_each_phase_shows_its_count_rate_and_times() -> None:
    out = io.StringIO()
    with progress_bar(Console(file=out, width=120)) as update:
        update("reading", 0, 3_000_000)  # reading counts bytes: a large dump moves the bar
        time.sleep(0.1)  # the rate is measured between updates
        update("reading", 3_000_000, 3_000_000)
        update("embedding", 0, 1200)
        time.sleep(0.1)
        update("embedding", 1200, 1200)
    reading, embedding = out.getvalue().splitlines()
    assert reading.startswith("Reading articles") and " 3.0/3.0 MB " in reading
    assert " MB/s " in reading
    assert embedding.startswith("Embedding passages") and " 1,200/1,200 " in embedding
    assert " passages/s " in embedding
    assert embedding.endswith("elapsed 0:00:00 left")


def test_no_bar_when_output_is_for_scripts() -> None:
    out = io.StringIO()
    with progress_bar(Console(file=out, width=120), enabled=False) as update:
        update("reading", 1, 1)
    assert out.getvalue() == ""
