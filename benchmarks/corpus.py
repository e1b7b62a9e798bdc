"""The BBC News corpus the indexing benchmarks read: its first articles as one JSON Lines file."""

from __future__ import annotations

import gzip
from pathlib import Path


def bbc_folder(work: Path, data: Path, articles: int) -> Path:
    """A new folder `work/bbc` holding the first `articles` of `news/bbc-news-2225.jsonl.gz`
    as `bbc.jsonl`."""
    corpus = work / "bbc"
    corpus.mkdir()
    with gzip.open(data / "news" / "bbc-news-2225.jsonl.gz", "rt") as source:
        lines = [line for _, line in zip(range(articles), source, strict=False)]
    (corpus / "bbc.jsonl").write_text("".join(lines))
    return corpus
