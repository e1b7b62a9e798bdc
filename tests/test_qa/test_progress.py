"""The indexing progress bar: amount, rate, time elapsed and time left, one bar per phase."""

from __future__ import annotations

import io
import time

from rich.console import Console

from qa.progress import _amounts, progress_bar


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


def test_time_left_comes_from_the_average_rate_since_the_phase_began() -> None:
    # 10 of 80 MB in 100 s: the rest takes 700 s, whatever the last burst looked like.
    assert _amounts("reading", 10_000_000, 80_000_000, 100.0) == (
        "10.0/80.0 MB",
        "0.10 MB/s",
        "0:11:40",
    )
    assert _amounts("embedding", 2841, 0, 40.0) == ("2,841", "71 passages/s", "-:--:--")
    assert _amounts("embedding", 0, 100, 0.0) == ("0/100", "", "-:--:--")
