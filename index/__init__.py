"""The indexer: reads articles, splits them into passages, embeds and stores them for search."""

from __future__ import annotations

from .article import Article
from .dates import iso_date
from .embedder import (
    BACKEND_NAMES,
    BACKENDS,
    DEFAULT_MODEL,
    Embedder,
    MiniLMEmbedder,
    onnx_inputs,
    packaged_model_path,
)
from .engine import Engine, LocalEngine
from .errors import (
    ArticleError,
    IndexCorrupt,
    IndexNotFound,
    IndexWriteError,
    LibraryBusy,
    ModelMismatch,
    ModelUnavailable,
    NotALibrary,
    QAError,
)
from .library import Library, LibraryStatus
from .manifest import FORMAT_VERSION
from .passages import (
    ChunkSettings,
    Passage,
    Span,
    approximate_token_count,
    make_passages,
    split_sentences,
)
from .reading import SUFFIXES, find_article_files, read_articles
from .report import ProgressCallback, SyncReport
from .store import StoredArticle, StoredPassage
from .writer import passage_input

__all__ = [
    "BACKENDS",
    "BACKEND_NAMES",
    "DEFAULT_MODEL",
    "FORMAT_VERSION",
    "SUFFIXES",
    "Article",
    "ArticleError",
    "ChunkSettings",
    "Embedder",
    "Engine",
    "IndexCorrupt",
    "IndexNotFound",
    "IndexWriteError",
    "Library",
    "LibraryBusy",
    "LibraryStatus",
    "LocalEngine",
    "MiniLMEmbedder",
    "ModelMismatch",
    "ModelUnavailable",
    "NotALibrary",
    "Passage",
    "ProgressCallback",
    "QAError",
    "Span",
    "StoredArticle",
    "StoredPassage",
    "SyncReport",
    "approximate_token_count",
    "find_article_files",
    "iso_date",
    "make_passages",
    "onnx_inputs",
    "packaged_model_path",
    "passage_input",
    "read_articles",
    "split_sentences",
]
