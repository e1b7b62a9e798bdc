"""Bring the index up to date with article files: plan what changed, then let the writer apply it.

Articles are embedded and committed while the files are still being read, a batch at a time, so
memory holds one batch however large a news dump is, and an interrupted run keeps every batch it
committed.
"""

from __future__ import annotations

import time
from pathlib import Path

from .article import Article
from .embedder import Embedder
from .errors import ArticleError
from .passages import ChunkSettings, Passage, Span, make_passages, split_sentences
from .plan import FilePlan, plan_files, scan
from .reading import read_articles
from .records import StoredRecord, plan_records
from .report import ProgressCallback, SyncReport
from .store import FileRecord, Store, UnreadableFile
from .writer import Writer

COMMIT_EVERY_PASSAGES = 2048
"""Passages embedded between commits: an interrupted run keeps what it finished."""


def plan_library(store: Store, roots: list[str]) -> FilePlan:
    """What an update of `roots` would read and forget, from the disk and the index alone."""
    exclusions = store.exclusions()
    return plan_files(roots, exclusions, store.files(), store.unreadable(), scan(roots, exclusions))


def sync(
    store: Store,
    embedder: Embedder,
    chunking: ChunkSettings,
    roots: list[str],
    progress: ProgressCallback | None = None,
    report: SyncReport | None = None,
) -> SyncReport:
    """Index new and changed files under `roots`, forget files gone from them.

    `report` is filled in as the run goes, so a caller still has it when the run is stopped."""
    started = time.monotonic()
    notify = progress or (lambda phase, done, total: None)
    plan = plan_library(store, roots)
    report = report if report is not None else SyncReport()
    report.files_seen = len(plan.read) + len(plan.unchanged) + len(plan.still_unreadable)
    report.files_unchanged = len(plan.unchanged)
    report.failures += plan.failures
    # Not read again until it changes, but still reported: it is still not indexed.
    report.failures += [f"{r.reason} (unchanged since the last try)" for r in plan.still_unreadable]
    writer = Writer(store, report)
    writer.forget_unreadable(plan.forget_unreadable)
    report.articles_removed += writer.forget_files(plan.gone)

    def split(article: Article) -> tuple[list[Passage], list[Span]]:
        sentences = split_sentences(article.text)
        return make_passages(article.text, embedder.count_tokens, chunking, sentences), sentences

    embedded = 0

    def flush(final: bool = False) -> None:
        nonlocal embedded
        # The total is known only once reading is over.
        total = embedded + writer.passages_waiting if final else 0
        before = embedded
        embedded += writer.flush(embedder, lambda done: notify("embedding", before + done, total))
        notify("embedding", embedded, total)

    read_whole: list[FileRecord] = []
    # Reading is counted in bytes, so one large dump moves the bar as it streams.
    total_bytes = sum(stamp.size for stamp in plan.read.values())
    read_bytes = 0
    for key, stamp in plan.read.items():
        notify("reading", read_bytes, total_bytes)

        def position(offset: int, before: int = read_bytes, size: int = stamp.size) -> None:
            notify("reading", before + min(offset, size), total_bytes)

        try:
            stored = {
                article_key: StoredRecord(*row)
                for article_key, row in store.article_hashes(key).items()
            }
            articles = read_articles(Path(key), position=position)
            for decision in plan_records(articles, stored, writer.has_twin, split):
                writer.queue(decision)
                if writer.passages_waiting >= COMMIT_EVERY_PASSAGES:
                    flush()
        except ArticleError as error:
            # What was read before the bad part is kept; nothing is forgotten on its account.
            report.failures.append(str(error))
            writer.record_unreadable(
                UnreadableFile(key, stamp.size, stamp.mtime_ns, stamp.ctime_ns, str(error))
            )
            continue
        finally:
            read_bytes += stamp.size
        read_whole.append(FileRecord(key, stamp.size, stamp.mtime_ns, articles=0))
    notify("reading", total_bytes, total_bytes)
    flush(final=True)
    writer.record_files(read_whole)
    report.seconds = time.monotonic() - started
    return report
