"""Find article files under the paths a user names and read each with the reader for its format."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from stat import S_ISREG

from qa.index.read_json import read_records

from .article import Article
from .errors import ArticleError
from .read_html import read_html
from .read_pdf import read_pdf
from .read_plain import read_markdown, read_plain
from .temporary import is_temporary

SUFFIXES = (
    ".txt",
    ".text",
    ".md",
    ".markdown",
    ".html",
    ".htm",
    ".json",
    ".jsonl",
    ".ndjson",
    ".json.gz",
    ".jsonl.gz",
    ".ndjson.gz",
    ".pdf",
)
MAX_ARTICLE_BYTES = 50_000_000
"""Largest single-article file read (a news dump in JSON Lines may be any size)."""
_SINGLE: dict[str, Callable[[Path, bytes], Article]] = {
    ".txt": read_plain,
    ".text": read_plain,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
}


def is_article_file(path: Path) -> bool:
    """True when the file's name says it is in a format we read (and not an office lock such
    as `~$report.htm`: index/temporary.py)."""
    return path.name.lower().endswith(SUFFIXES) and not is_temporary(path.name)


def find_article_files(root: Path) -> Iterator[Path]:
    """Every article file at or under `root`, sorted, skipping hidden entries and symlink loops."""
    if root.is_file():
        yield root
        return
    seen: set[tuple[int, int]] = set()
    for folder, folders, files in os.walk(root, followlinks=True):
        try:
            stat = os.stat(folder)
        except OSError:
            folders[:] = []
            continue
        if (stat.st_dev, stat.st_ino) in seen:  # a symlink loop or a second link to one folder
            folders[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if not name.startswith(".") and is_article_file(path):
                yield path


def read_articles(
    path: Path,
    max_bytes: int = MAX_ARTICLE_BYTES,
    position: Callable[[int], None] | None = None,
) -> Iterator[Article]:
    """The articles in one file; raises ArticleError naming the file when it cannot be read.

    Single-article files over `max_bytes` are refused unread, so memory stays bounded; news
    dumps in JSON Lines are streamed whatever their size, and `position` hears how many bytes of
    the file (compressed, for .gz) they have read so far."""
    try:
        yield from _read(path, max_bytes, position)
    except FileNotFoundError as error:
        raise ArticleError(f"{path}: the file disappeared before it could be read") from error
    except OSError as error:
        raise ArticleError(cannot_read(path, error)) from error


def cannot_read(path: Path | str, error: OSError) -> str:
    """The one line for a file the system would not let us read."""
    return f"{path}: cannot read the file ({error.strerror or error})"


def _read(path: Path, max_bytes: int, position: Callable[[int], None] | None) -> Iterator[Article]:
    stat = path.stat()
    if not S_ISREG(stat.st_mode):
        raise ArticleError(f"{path}: not a regular file; skipped")
    name = path.name.lower()
    streamed = name.endswith((".jsonl", ".ndjson", ".jsonl.gz", ".ndjson.gz"))
    if stat.st_size > max_bytes and not streamed:
        raise ArticleError(
            f"{path}: {stat.st_size / 1e6:.0f} MB is too large for one article "
            f"(limit {max_bytes / 1e6:.0f} MB); split it into smaller files"
        )
    if stat.st_size == 0:
        raise ArticleError(f"{path}: the file is empty; skipped")
    if name.endswith((".json", ".json.gz")) or streamed:
        yield from read_records(path, position)
        return
    data = path.read_bytes()
    if not data.strip():
        raise ArticleError(f"{path}: the file is empty; skipped")
    reader = _SINGLE.get(path.suffix.lower())
    if reader is None:
        raise ArticleError(f"{path}: unsupported file type; supported: {', '.join(SUFFIXES)}")
    article = reader(path, data)
    if not article.text.strip():
        raise ArticleError(f"{path}: no text found; skipped")
    yield article
