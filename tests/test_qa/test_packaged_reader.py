"""Which reader and calibrator an installation gets: the trained span reader with its calibrator
when the model ships, else the sentence reader, uncalibrated, which still answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import Asker, Settings
from qa.answering.readers import confidence, packaged, span
from qa.answering.readers.confidence import Calibrator
from qa.answering.readers.packaged import default_calibrator, default_reader
from qa.answering.readers.sentence import SentenceReader
from qa.answering.readers.span import SpanReader
from qa.index import Library


@pytest.fixture
def no_trained_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installation without qa/models/reader.onnx."""
    monkeypatch.setattr(span, "MODEL_PATH", tmp_path / "reader.onnx")


@pytest.fixture
def trained_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An installation with a reader model file (never loaded here)."""
    model = tmp_path / "reader.onnx"
    model.write_bytes(b"")
    monkeypatch.setattr(span, "MODEL_PATH", model)


@pytest.mark.usefixtures("no_trained_reader")
def test_without_the_trained_model_the_sentence_reader_is_used_uncalibrated() -> None:
    reader = default_reader()
    assert isinstance(reader, SentenceReader)
    assert default_calibrator(reader) is None


@pytest.mark.usefixtures("trained_reader")
def test_with_the_trained_model_it_is_the_span_reader_with_its_calibrator() -> None:
    reader = default_reader()
    assert isinstance(reader, SpanReader)
    assert isinstance(default_calibrator(reader), Calibrator)


@pytest.mark.usefixtures("trained_reader")
def test_the_span_reader_goes_uncalibrated_when_the_calibrator_file_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(packaged, "CONFIDENCE_PATH", tmp_path / "confidence.json")
    assert default_calibrator(default_reader()) is None


def test_the_calibrator_is_only_for_the_span_reader() -> None:
    # Fitted on the trained reader's signals: the sentence reader never gets it, file or not.
    assert confidence.CONFIDENCE_PATH.exists()
    assert default_calibrator(SentenceReader()) is None


@pytest.mark.usefixtures("no_trained_reader")
def test_an_asker_without_the_trained_model_still_answers(seeds_library: Library) -> None:
    asker = Asker(seeds_library, Settings(library=seeds_library.folder))
    assert isinstance(asker.reader, SentenceReader)
    assert asker.calibrator is None
    answer = asker.ask("who raised sanctions?")
    assert answer.found and answer.text == "Boris Johnson"
