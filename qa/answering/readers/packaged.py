"""The packaged reader and calibrator: the trained span reader when it is installed, else the
sentence reader."""

from __future__ import annotations

from .confidence import CONFIDENCE_PATH, Calibrator
from .protocol import Reader
from .sentence import SentenceReader


def default_calibrator(reader: Reader) -> Calibrator | None:
    """The packaged calibrator for the trained reader, when both are installed."""
    from .span import SpanReader

    if isinstance(reader, SpanReader) and CONFIDENCE_PATH.exists():
        return Calibrator.load(CONFIDENCE_PATH)
    return None


def default_reader() -> Reader:
    """The trained span reader when it is installed, else the sentence reader."""
    from .span import SpanReader, default_reader_available

    return SpanReader() if default_reader_available() else SentenceReader()
