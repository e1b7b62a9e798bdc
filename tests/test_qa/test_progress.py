"""The indexing progress bar: amount, rate, time elapsed and time left, one bar per phase."""

from __future__ import annotations

import io
import time

import pytest
from rich.console import Console

from qa.display import progress as progress_module
from qa.display.progress import PhaseClock, _amounts, progress_bar


class FakeTime:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    fake = FakeTime()
    monkeypatch.setattr(progress_module.time, "monotonic", fake.monotonic)
    return fake


def test_each_phase_shows_its_count_rate_and_times(clock: FakeTime) -> None:
    out = io.StringIO()
    with progress_bar(Console(file=out, width=120)) as update:
        update("reading", 0, 3_000_000)  # reading counts bytes: a large dump moves the bar
        clock.now += 2
        update("reading", 3_000_000, 3_000_000)
        update("embedding", 0, 1200)
        clock.now += 10
        update("embedding", 1200, 1200)
    reading, embedding = out.getvalue().splitlines()
    assert reading.startswith("Reading") and " 3.0/3.0 MB  1.5 MB/s  0:00:02 elapsed" in reading
    assert embedding.startswith("Embedding") and " 1,200/1,200  120 passages/s " in embedding
    assert embedding.endswith("0:00:10 elapsed  0:00:00 left")


def test_at_80_columns_nothing_is_cut(clock: FakeTime) -> None:
    out = io.StringIO()
    with progress_bar(Console(file=out, width=80)) as update:
        update("reading", 0, 82_300_000)
        clock.now += 3725
        update("reading", 12_000_000, 82_300_000)
        update("embedding", 123_456, 0)
    for line in out.getvalue().splitlines():
        assert len(line) <= 80 and "…" not in line
    reading = out.getvalue().splitlines()[0]
    assert reading.endswith("12.0/82.3 MB  3.2 kB/s  1:02:05 elapsed  6:03:42 left")


def test_a_first_report_with_work_done_is_timed_from_the_last_report(clock: FakeTime) -> None:
    # A 40-record file: reading ends, then 152 passages take 15 s to embed and are reported
    # once. Timed from that one report, the rate read 6,875 passages/s (really about 10).
    out = io.StringIO()
    with progress_bar(Console(file=out, width=120)) as update:
        update("reading", 0, 40_000)
        clock.now += 1
        update("reading", 40_000, 40_000)
        clock.now += 15
        update("embedding", 152, 152)
    embedding = out.getvalue().splitlines()[1]
    assert " 152/152  10 passages/s  0:00:15 elapsed" in embedding


def test_embedding_bar_appears_as_soon_as_reading_ends(clock: FakeTime) -> None:
    out = io.StringIO()
    console = Console(file=out, width=120)
    with progress_bar(console) as update:
        update("reading", 0, 40_000)
        update("reading", 40_000, 40_000)
        clock.now += 7  # the last batch is being embedded: no report yet
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == ["Reading", "Embedding"]


def test_time_left_counts_down_between_reports() -> None:
    phase = PhaseClock("embedding", started=0.0)
    phase.report(100, 1000, now=10.0)  # 10/s: 90 s left
    assert phase.line(10.0).endswith("0:00:10 elapsed  0:01:30 left")
    assert phase.line(40.0).endswith("0:00:40 elapsed  0:01:00 left")  # no new report: ticks
    # Past the estimate with no report, the time left is the average rate's as of now.
    assert phase.line(130.0).endswith("0:02:10 elapsed  0:19:30 left")


def test_no_rate_until_a_second_of_work_and_never_a_negative_one() -> None:
    assert _amounts("embedding", 256, 0, -0.0001) == ("256", "", "-:--:--")
    assert _amounts("embedding", 256, 1000, 0.2) == ("256/1,000", "", "-:--:--")
    assert _amounts("embedding", 9, 152, 1.0)[1] == "9.0 passages/s"


def test_time_left_comes_from_the_average_rate_since_the_phase_began() -> None:
    # 10 of 80 MB in 100 s: the rest takes 700 s, whatever the last burst looked like.
    assert _amounts("reading", 10_000_000, 80_000_000, 100.0) == (
        "10.0/80.0 MB",
        "100.0 kB/s",
        "0:11:40",
    )
    assert _amounts("embedding", 2841, 0, 40.0) == ("2,841", "71 passages/s", "-:--:--")
    assert _amounts("embedding", 0, 100, 0.0) == ("0/100", "", "-:--:--")


def test_small_files_are_counted_in_kilobytes_not_zero_megabytes() -> None:
    assert _amounts("reading", 3_100, 3_100, 2.0)[0] == "3.1/3.1 kB"
    assert _amounts("reading", 0, 512, 0.0)[0] == "0/512 B"


def test_no_bar_when_output_is_for_scripts() -> None:
    out = io.StringIO()
    with progress_bar(Console(file=out, width=120), enabled=False) as update:
        update("reading", 1, 1)
    assert out.getvalue() == ""


def test_the_bar_redraws_between_reports() -> None:
    out = io.StringIO()
    console = Console(file=out, width=100, force_terminal=True)
    with progress_bar(console) as update:
        update("embedding", 0, 1000)
        time.sleep(1.3)  # no report: the elapsed clock must still move on screen
    assert "0:00:01 elapsed" in out.getvalue()


def test_the_encoder_is_named_once_when_it_is_known(clock: FakeTime) -> None:
    out = io.StringIO()
    chosen: list[str] = []
    encoder = lambda: chosen[0] if chosen else None  # noqa: E731
    with progress_bar(Console(file=out, width=80), encoder=encoder) as update:
        update("reading", 0, 82_300_000)
        clock.now += 3725
        update("reading", 82_300_000, 82_300_000)
        update("embedding", 0, 0)  # the encoder is chosen at the first passages embedded
        chosen.append("onnx")
        clock.now += 3600
        update("embedding", 123_456, 1_234_567)
        update("embedding", 123_457, 1_234_567)
    named, reading, embedding = out.getvalue().splitlines()
    assert named == "Passages are embedded with int8 ONNX."
    assert reading.startswith("Reading ") and embedding.startswith("Embedding ")
    assert embedding.endswith("1:00:00 elapsed  9:00:00 left") and len(embedding) <= 80
