"""Question answering over a library: retrieval, extractive answers, citations, settings and CLI."""

from __future__ import annotations

from index import QAError

from .answer import Answer, Candidate, Citation
from .asker import NOT_FOUND, Asker, QuestionError, clean_question, open_asker
from .conversation import Conversation
from .history import ChatSummary, History
from .preferences import (
    DEFAULT_MIN_CONFIDENCE,
    PreferenceError,
    load_min_confidence,
    save_min_confidence,
)
from .readers.protocol import Reader
from .readers.sentence import Extraction, SentenceReader, Thresholds
from .retrieval import Hit, Mode, reciprocal_rank_fusion, retrieve
from .settings import Settings, data_home, library_folder

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "NOT_FOUND",
    "Answer",
    "Asker",
    "Candidate",
    "ChatSummary",
    "Citation",
    "Conversation",
    "Extraction",
    "History",
    "Hit",
    "Mode",
    "PreferenceError",
    "QAError",
    "QuestionError",
    "Reader",
    "SentenceReader",
    "Settings",
    "Thresholds",
    "clean_question",
    "data_home",
    "library_folder",
    "load_min_confidence",
    "open_asker",
    "reciprocal_rank_fusion",
    "retrieve",
    "save_min_confidence",
]
