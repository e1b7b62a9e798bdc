"""Question answering over a library: retrieval, extractive answers, citations, settings and CLI."""

from __future__ import annotations

from .answer import Answer, Candidate, Citation
from .asker import NOT_FOUND, Asker, QuestionError, Thresholds, clean_question
from .extractor import Extraction, SentenceReader
from .retrieval import Hit, Mode, reciprocal_rank_fusion, retrieve
from .settings import Settings, data_home, library_folder

__all__ = [
    "NOT_FOUND",
    "Answer",
    "Asker",
    "Candidate",
    "Citation",
    "Extraction",
    "Hit",
    "Mode",
    "QuestionError",
    "SentenceReader",
    "Settings",
    "Thresholds",
    "clean_question",
    "data_home",
    "library_folder",
    "reciprocal_rank_fusion",
    "retrieve",
]
