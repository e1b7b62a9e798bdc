"""Bring the index up to date with article files: embed only what is new or changed."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from .article import Article
from .embedder import Embedder
from .errors import ArticleError
from .passages import ChunkSettings, Passage, Span, make_passages, split_sentences
from .reading import find_article_files, read_articles
from .store import FileRecord, Store, UnreadableFile

ProgressCallback = Callable[[str, int, int], None]
"""Called with (phase, done, total) as work advances; total is 0 when unknown."""

COMMIT_EVERY_PASSAGES = 2048
"""Passages embedded between commits: an interrupted run keeps what it finished."""
EMBED_PART = 256
"""Passages encoded between two progress reports (a few seconds on a CPU)."""


@dataclass
class SyncReport:
    """What one indexing run did."""

    files_seen: int = 0
    files_unchanged: int = 0
    articles_added: int = 0
    articles_updated: int = 0
    articles_removed: int = 0
    articles_unchanged: int = 0
    duplicates: int = 0
    """Articles found again under another file: remembered as a second source, not re-indexed."""
    passages_embedded: int = 0
    failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    added_ids: list[int] = field(default_factory=list)
    removed_ids: list[int] = field(default_factory=list)


@dataclass
class _Pending:
    article: Article
    replaces: int | None
    passages: list[Passage]
    sentences: list[Span]
    aliases: list[Article] = field(default_factory=list)
    """Copies of the same article under other files, met in the same run."""


def file_stat(path: Path) -> tuple[int, int] | None:
    """(size, modification time in ns) of a file, or None when it cannot be read: what tells an
    unchanged file from a changed one without reading it."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _stamp(file: Path) -> tuple[int, int, int] | None:
    """(size, mtime, ctime) in ns: what tells an unreadable file from the same file fixed, even
    by a `chmod` that leaves the mtime alone; None when the file cannot be looked at."""
    try:
        stat = file.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns


def failed_before(file: Path, record: UnreadableFile | None) -> bool:
    """True when `file` is the very file that could not be read last time (same size, times)."""
    return record is not None and _stamp(file) == (record.size, record.mtime_ns, record.ctime_ns)


def _unreadable(key: str, file: Path, reason: str) -> UnreadableFile | None:
    stamp = _stamp(file)
    return None if stamp is None else UnreadableFile(key, *stamp, reason)


def files_under(roots: Iterable[str], report: SyncReport) -> dict[str, Path]:
    """Absolute path -> file for every article file under the roots; unreadable roots reported."""
    found: dict[str, Path] = {}
    for root in roots:
        root_path = Path(root)
        if not root_path.exists():
            continue
        try:
            for path in find_article_files(root_path):
                found[str(path)] = path
        except OSError as error:
            report.failures.append(f"{root}: cannot list this folder ({error})")
    return found


def is_under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def sync(
    store: Store,
    embedder: Embedder,
    chunking: ChunkSettings,
    roots: list[str],
    progress: ProgressCallback | None = None,
) -> SyncReport:
    """Index new and changed files under `roots`, forget files gone from them; commit in chunks."""
    started = time.monotonic()
    report = SyncReport()
    notify = progress or (lambda phase, done, total: None)
    known = store.files()
    on_disk = files_under(roots, report)
    report.files_seen = len(on_disk)

    unreadable = store.unreadable()
    # Files that vanished from a root the user indexed are forgotten.
    with store.db:
        for path in unreadable:
            if path not in on_disk and any(is_under(path, root) for root in roots):
                store.forget_unreadable(path)
        for path in known:
            if (
                path not in on_disk
                and any(is_under(path, root) for root in roots)
                and not Path(path).exists()
            ):
                report.articles_removed += known[path].articles
                report.removed_ids.extend(store.forget_file(path))
                store.bump_generation()

    changed: list[tuple[str, Path, tuple[int, int]]] = []
    for key, file in on_disk.items():
        stat = file_stat(file)
        if stat is None:
            report.failures.append(f"{file}: the file disappeared before it could be read")
            continue
        record = known.get(key)
        if failed_before(file, unreadable.get(key)):
            # Not read again until it changes, but still reported: it is still not indexed.
            report.failures.append(f"{unreadable[key].reason} (unchanged since the last try)")
        elif record is not None and (record.size, record.mtime_ns) == stat:
            report.files_unchanged += 1
        else:
            changed.append((key, file, stat))

    # Articles are embedded and committed while the files are still being read, a batch at a
    # time, so memory holds one batch however large the dump (it held the whole 82 MB dump).
    batch = _Batch(store, embedder, report, notify)
    finished_files: list[FileRecord] = []
    # Reading is counted in bytes, so one large dump moves the bar as it streams.
    total_bytes = sum(stat[0] for _, _, stat in changed)
    read_bytes = 0
    for key, file, stat in changed:
        notify("reading", read_bytes, total_bytes)

        def position(offset: int, before: int = read_bytes, size: int = stat[0]) -> None:
            notify("reading", before + min(offset, size), total_bytes)

        try:
            for item in _read_changed(
                store, key, file, chunking, embedder, report, batch.queued, position
            ):
                batch.add(item)
        except ArticleError as error:
            report.failures.append(str(error))
            failed = _unreadable(key, file, str(error))
            if failed is not None:
                with store.db:
                    store.record_unreadable(failed)
            continue
        finally:
            read_bytes += stat[0]
        finished_files.append(FileRecord(key, stat[0], stat[1], articles=0))
    notify("reading", total_bytes, total_bytes)
    batch.flush(final=True)

    with store.db:
        for record in finished_files:
            store.record_file(replace(record, articles=len(store.article_hashes(record.path))))
            if record.path in unreadable:  # it could not be read before; now it could
                store.forget_unreadable(record.path)
    report.seconds = time.monotonic() - started
    return report


def _read_changed(
    store: Store,
    key: str,
    path: Path,
    chunking: ChunkSettings,
    embedder: Embedder,
    report: SyncReport,
    queued: dict[str, _Pending],
    position: Callable[[int], None],
) -> Iterator[_Pending]:
    """Read one changed file; yield its new or edited articles, drop its vanished ones.

    An article whose title and text are already indexed (or queued) under another file is
    remembered as a second source of that article instead of being indexed twice."""
    existing = store.article_hashes(key)
    seen: set[str] = set()
    with store.db:
        for article in read_articles(path, position=position):
            if article.key in seen:
                continue  # a dump that repeats a record id: the first one counts
            seen.add(article.key)
            previous = existing.get(article.key)
            if previous is not None and previous[1] == article.content_hash:
                report.articles_unchanged += 1
                continue
            replaces = previous[0] if previous is not None and not previous[2] else None
            if previous is not None and previous[2]:
                store.remove_alias(article.key)  # its text changed: no longer a copy
            twin = store.article_with_text(article.text_hash)
            if twin is not None and twin != replaces:
                if replaces is not None:
                    report.removed_ids.extend(store.delete_article(replaces))
                    store.bump_generation()
                store.add_alias(twin, article)
                report.duplicates += 1
                continue
            if article.text_hash in queued:
                queued[article.text_hash].aliases.append(article)
                report.duplicates += 1
                continue
            passages = make_passages(article.text, embedder.count_tokens, chunking)
            if not passages:
                report.failures.append(f"{article.source}: no sentences found; skipped")
                continue
            item = _Pending(article, replaces, passages, split_sentences(article.text))
            queued[article.text_hash] = item
            yield item
        for article_key, (article_id, _, duplicate) in existing.items():
            if article_key in seen:
                continue
            report.articles_removed += 1
            if duplicate:
                store.remove_alias(article_key)
            else:
                report.removed_ids.extend(store.delete_article(article_id))
                store.bump_generation()


def passage_input(article: Article, passage: Passage) -> str:
    """What the embedder reads for a passage: the title gives context to the passage's text."""
    return f"{article.title}\n{article.text[passage.start : passage.end]}"


class _Batch:
    """Articles read but not yet embedded; embedded and committed every COMMIT_EVERY_PASSAGES
    passages, so an interrupted run keeps its progress and memory holds one batch."""

    def __init__(
        self, store: Store, embedder: Embedder, report: SyncReport, notify: ProgressCallback
    ) -> None:
        self.store, self.embedder, self.report, self.notify = store, embedder, report, notify
        self.items: list[_Pending] = []
        self.passages = 0
        self.embedded = 0
        self.queued: dict[str, _Pending] = {}
        """Read in this run and not committed yet, by text hash: a copy read later becomes an
        alias of the queued one (a committed one is found in the store instead)."""

    def add(self, item: _Pending) -> None:
        self.items.append(item)
        self.passages += len(item.passages)
        if self.passages >= COMMIT_EVERY_PASSAGES:
            self.flush()

    def flush(self, final: bool = False) -> None:
        """Embed and commit what is waiting; the total is known only once reading is over."""
        total = self.embedded + self.passages if final else 0
        if self.items:
            before = self.embedded
            self.embedded += _commit_batch(
                self.store,
                self.embedder,
                self.items,
                self.report,
                lambda done: self.notify("embedding", before + done, total),
            )
            for item in self.items:
                self.queued.pop(item.article.text_hash, None)
            self.items, self.passages = [], 0
        self.notify("embedding", self.embedded, total)


def _commit_batch(
    store: Store,
    embedder: Embedder,
    batch: list[_Pending],
    report: SyncReport,
    embedded: Callable[[int], None],
) -> int:
    texts = [passage_input(item.article, passage) for item in batch for passage in item.passages]
    # Encoded in parts, each reported, so the bar moves every few seconds within a commit.
    parts = []
    for start in range(0, len(texts), EMBED_PART):
        parts.append(embedder.encode(texts[start : start + EMBED_PART]))
        embedded(min(start + EMBED_PART, len(texts)))
    vectors = np.concatenate(parts)
    offset = 0
    with store.db:
        for item in batch:
            count = len(item.passages)
            if item.replaces is not None:
                report.removed_ids.extend(store.delete_article(item.replaces))
                report.articles_updated += 1
            else:
                report.articles_added += 1
            ids = store.insert_article(
                item.article, item.passages, item.sentences, vectors[offset : offset + count]
            )
            report.added_ids.extend(ids)
            article_id = store.article_with_text(item.article.text_hash)
            for alias in item.aliases:
                if article_id is not None:
                    store.add_alias(article_id, alias)
            offset += count
        store.bump_generation()
    report.passages_embedded += len(texts)
    return len(texts)
