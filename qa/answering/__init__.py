"""Answering: retrieve passages, read the answer out of them, cite it, and say how sure."""

from __future__ import annotations

from .answer import Answer, Candidate, Citation
from .asker import (
    NOT_FOUND,
    Asker,
    NoArticles,
    QuestionError,
    clean_question,
    open_asker,
    open_library,
)
from .filters import FilterError, Filters
from .normalize import normalize_answer
from .readers.protocol import Extraction, Reader
from .readers.sentence import SentenceReader, Thresholds
from .retrieval import Hit, Mode, reciprocal_rank_fusion, retrieve
from .search import Found

__all__ = [
    "NOT_FOUND",
    "Answer",
    "Asker",
    "Candidate",
    "Citation",
    "Extraction",
    "FilterError",
    "Filters",
    "Found",
    "Hit",
    "Mode",
    "NoArticles",
    "QuestionError",
    "Reader",
    "SentenceReader",
    "Thresholds",
    "clean_question",
    "normalize_answer",
    "open_asker",
    "open_library",
    "reciprocal_rank_fusion",
    "retrieve",
]
