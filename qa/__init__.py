"""qa: question answering over your own articles, offline.

One import root, in floors that import only downwards (checked by tests/test_layout.py):

    qa.cli        the command line, the front door (qa/cli/)
    qa.tui        the chat in the terminal (tui/)
    qa.servers    the library for agents and apps: MCP and a local HTTP API (qa/servers/)
    qa.evaluation measuring answers (qa/evaluation/)
    qa.api        one conversation over a library, whichever face asks (qa/api/)
    qa.display    answers and progress as people read them (qa/display/)
    qa.workspace  saved chats and the libraries on this machine (qa/workspace/)
    qa.followups  reading a question after the turns before it (qa/followups/)
    qa.answering  retrieval, readers, answers with citations and confidence (qa/answering/)
    qa.config     settings, where data lives, a library's preferences (qa/config/)
    qa.index      articles, passages, embeddings and storage (index/)

This module re-exports what a program that asks a library needs.
"""

from __future__ import annotations

from qa.answering import (
    NOT_FOUND,
    Answer,
    Asker,
    Candidate,
    Citation,
    Extraction,
    Hit,
    Mode,
    NoArticles,
    QuestionError,
    Reader,
    SentenceReader,
    Thresholds,
    clean_question,
    open_asker,
    reciprocal_rank_fusion,
    retrieve,
)
from qa.api import Chat, CitationGone, Excerpt
from qa.config import (
    DEFAULT_MIN_CONFIDENCE,
    PreferenceError,
    Settings,
    data_home,
    library_folder,
    load_min_confidence,
    save_min_confidence,
)
from qa.followups import Conversation
from qa.index import QAError
from qa.workspace import ChatSummary, History

__all__ = [
    "DEFAULT_MIN_CONFIDENCE",
    "NOT_FOUND",
    "Answer",
    "Asker",
    "Candidate",
    "Chat",
    "ChatSummary",
    "Citation",
    "CitationGone",
    "Conversation",
    "Excerpt",
    "Extraction",
    "History",
    "Hit",
    "Mode",
    "NoArticles",
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
