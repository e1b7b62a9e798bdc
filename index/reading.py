"""Find article files under the paths a user names and read each with the reader for its format.

Every failure of one file, whatever raised it, becomes one `ArticleError` line naming the file
(`read_articles` is the one guard), so no file can stop a run; a record of a news dump that
cannot be read is skipped alone, and the others are kept.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from stat import S_ISREG

from qa.index.read_json import read_records

from .article import Article
from .errors import ArticleError
from .limits import MAX_ARTICLE_BYTES
from .lines import has_words, one_line, storable
from .read_html import read_html
from .read_pdf import read_pdf
from .read_plain import read_markdown, read_plain

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
_SINGLE: dict[str, Callable[[Path, bytes], Article]] = {
    ".txt": read_plain,
    ".text": read_plain,
    ".md": read_markdown,
    ".markdown": read_markdown,
    ".html": read_html,
    ".htm": read_html,
    ".pdf": read_pdf,
}

Skipped = Callable[[str], None]
"""Hears the one line for each thing left out while the rest goes on (a record, a link)."""


def is_article_file(path: Path) -> bool:
    """True when the file's name says it is in a format we read."""
    return path.name.lower().endswith(SUFFIXES)


def find_article_files(
    root: Path,
    inside: Sequence[str] = (),
    follow_links: bool = False,
    skipped: Skipped | None = None,
) -> Iterator[Path]:
    """Every article file at or under `root`, sorted, skipping hidden entries and symlink loops.

    A symbolic link is followed when its target lies inside `root` or one of the folders in
    `inside` (the library's other folders); a link leading elsewhere (`notes.txt` ->
    `/etc/shadow`) is left out, and `skipped` hears why, unless `follow_links` is set."""
    if root.is_file():
        yield root
        return
    within = [os.path.realpath(folder) for folder in (str(root), *inside)]
    tell = skipped or (lambda line: None)

    def may_follow(path: Path) -> bool:
        """Is `path` (a link) one to follow? Tells `skipped` why not."""
        try:
            target = os.path.realpath(path, strict=True)
        except OSError as error:
            if error.errno == errno.ELOOP:
                tell(one_line(f"{path}: a symbolic link loop; skipped"))
            else:
                tell(one_line(f"{path}: a symbolic link to nothing ({error.strerror}); skipped"))
            return False
        if follow_links or any(_is_under(target, folder) for folder in within):
            return True
        tell(
            one_line(
                f"{path}: a symbolic link out of the library's folders (to {target}); skipped; "
                f"add that folder too, or index with: qa index add --follow-links"
            )
        )
        return False

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
        folders[:] = sorted(
            name
            for name in folders
            if not name.startswith(".")
            and (not os.path.islink(os.path.join(folder, name)) or may_follow(Path(folder, name)))
        )
        for name in sorted(files):
            path = Path(folder) / name
            if name.startswith(".") or not is_article_file(path):
                continue
            if not path.is_symlink() or may_follow(path):
                yield path


def _is_under(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def read_articles(
    path: Path,
    max_bytes: int = MAX_ARTICLE_BYTES,
    position: Callable[[int], None] | None = None,
    skipped: Skipped | None = None,
) -> Iterator[Article]:
    """The articles in one file; raises ArticleError naming the file when it cannot be read.

    Single-article files over `max_bytes` are refused unread, so memory stays bounded; news
    dumps in JSON Lines are streamed whatever their size, and `position` hears how many bytes of
    the file (compressed, for .gz) they have read so far. A record of a dump that cannot be read
    (bad JSON, over the size limit) is left out and `skipped` hears its one line; without
    `skipped`, it ends the file as an ArticleError.

    This is the one guard of reading: whatever a reader or a library it uses raises for one
    file (a RecursionError, pypdf's LimitReachedError, a bug) becomes an ArticleError for that
    file alone. Ctrl+C (KeyboardInterrupt) and SystemExit go through untouched."""
    try:
        for article in _read(path, max_bytes, position, skipped):
            yield storable_article(article)
    except ArticleError as error:
        raise ArticleError(one_line(str(error))) from error
    except Exception as error:  # the guard: one file's failure, whatever raised it
        raise ArticleError(failure_line(path, error)) from error


def failure_line(path: Path | str, error: BaseException) -> str:
    """The one line for a file (or record) whose reading raised `error`, whatever it is."""
    if isinstance(error, ArticleError):
        return one_line(str(error))
    if isinstance(error, FileNotFoundError):
        return one_line(f"{path}: the file disappeared before it could be read")
    if isinstance(error, OSError):
        if error.errno == errno.ELOOP:
            return one_line(f"{path}: a symbolic link loop; skipped")
        return cannot_read(path, error)
    if isinstance(error, MemoryError):  # one huge allocation for one file; the run goes on
        return one_line(f"{path}: too large to read in memory; skipped")
    if isinstance(error, RecursionError):
        return one_line(f"{path}: nested too deeply to read; skipped")
    return one_line(
        f"{path}: could not be read ({type(error).__name__}: {error}); skipped; "
        f"if the file opens elsewhere, please report this"
    )


def cannot_read(path: Path | str, error: OSError) -> str:
    """The one line for a file the system would not let us read."""
    return one_line(f"{path}: cannot read the file ({error.strerror or error})")


def storable_article(article: Article) -> Article:
    """The article with text that can be stored and printed (see `lines.storable`); its key
    and path keep the file's name exactly, to find the file again."""
    return replace(
        article,
        text=storable(article.text),
        title=storable(article.title),
        source=one_line(article.source),
        date=storable(article.date),
        author=storable(article.author),
    )


def _read(
    path: Path, max_bytes: int, position: Callable[[int], None] | None, skipped: Skipped | None
) -> Iterator[Article]:
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
        yield from read_records(path, position, max_bytes, skipped)
        return
    data = path.read_bytes()
    if not data.strip():
        raise ArticleError(f"{path}: the file is empty; skipped")
    reader = _SINGLE.get(path.suffix.lower())
    if reader is None:
        raise ArticleError(f"{path}: unsupported file type; supported: {', '.join(SUFFIXES)}")
    article = reader(path, data)
    if not has_words(article.text):
        raise ArticleError(f"{path}: no text found; skipped")
    yield article
