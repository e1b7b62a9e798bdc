"""How an answer is chosen: the readers that find candidate spans, the page furniture they never
answer with, the calibrated confidence, and the line between answering and declining."""

from __future__ import annotations

from .decline import IN_ARTICLES, corroborated, decline_reason
from .furniture import is_furniture, tidy_edges
from .packaged import default_calibrator, default_reader
from .protocol import Extraction, Reader
from .sentence import SentenceReader, Thresholds

__all__ = [
    "IN_ARTICLES",
    "Extraction",
    "Reader",
    "SentenceReader",
    "Thresholds",
    "corroborated",
    "decline_reason",
    "default_calibrator",
    "default_reader",
    "is_furniture",
    "tidy_edges",
]
