"""Where reading, splitting and embedding run: in this process, or on a cluster (index/cluster.py).

An engine hands the indexer each file's articles, in file order, and encodes passages; deciding
what to index and writing it stay with the one writer in this process either way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np

from .article import Article
from .embedder import Embedder
from .passages import ChunkSettings, Passage, Span, make_passages, split_sentences
from .plan import FileStamp
from .reading import read_articles
from .records import Split


@dataclass
class FileArticles:
    """One file's articles as an engine delivers them."""

    key: str
    stamp: FileStamp
    articles: Iterator[Article]
    """In file order; raises ArticleError where the file breaks, after the articles before it."""
    split: Split
    """An article's passages and sentences (split ahead of time by a cluster, or now)."""
    skipped: list[str] = field(default_factory=list)
    """One line for each record left out while the others were read, filled in as `articles`
    is read."""


EMBED_PART = 32
"""Passages encoded between two progress reports: under a second on a 2-core CPU (40 passages
a second), so the bar moves at least once a second; larger parts were no faster."""

Position = Callable[[int], None]
"""Hears the bytes read so far over all the files of a run."""


class Engine(Protocol):
    """Reads and splits articles, and encodes passages, for one indexing run."""

    def read(self, files: dict[str, FileStamp], position: Position) -> Iterator[FileArticles]:
        """The articles of each file, in the order given."""
        ...

    def encode_parts(self, texts: list[str]) -> Iterator[np.ndarray]:
        """Vectors for `texts` in consecutive parts, in order (progress is told between them)."""
        ...


def splitter(embedder: Embedder, chunking: ChunkSettings) -> Split:
    """Split an article into passages and sentences, splitting its sentences once for both."""

    def split(article: Article) -> tuple[list[Passage], list[Span]]:
        sentences = split_sentences(article.text)
        return make_passages(article.text, embedder.count_tokens, chunking, sentences), sentences

    return split


class LocalEngine:
    """Everything in this process: files read one after another, split as they are needed."""

    def __init__(self, embedder: Embedder, chunking: ChunkSettings) -> None:
        self.embedder = embedder
        self.split = splitter(embedder, chunking)

    def read(self, files: dict[str, FileStamp], position: Position) -> Iterator[FileArticles]:
        done = 0
        for key, stamp in files.items():

            def at(offset: int, before: int = done, size: int = stamp.size) -> None:
                position(before + min(offset, size))

            at(0)
            skipped: list[str] = []
            articles = read_articles(Path(key), position=at, skipped=skipped.append)
            yield FileArticles(key, stamp, articles, self.split, skipped)
            done += stamp.size
        position(done)

    def encode_parts(self, texts: list[str]) -> Iterator[np.ndarray]:
        for start in range(0, len(texts), EMBED_PART):
            yield self.embedder.encode(texts[start : start + EMBED_PART])
