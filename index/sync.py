"""Bring the index up to date with article files: plan what changed, then let the writer apply it.

Articles are embedded and committed while the files are still being read, a batch at a time, so
memory holds one batch however large a news dump is, and an interrupted run keeps every batch it
committed.
"""

from __future__ import annotations

import time

from .engine import Engine
from .errors import ArticleError
from .plan import FOLLOW_LINKS, FilePlan, plan_files, scan
from .records import StoredRecord, plan_records
from .report import ProgressCallback, SyncReport
from .store import FileRecord, Store, UnreadableFile
from .writer import Writer

COMMIT_EVERY_PASSAGES = 2048
"""Passages embedded between commits: an interrupted run keeps what it finished."""


def plan_library(store: Store, roots: list[str]) -> FilePlan:
    """What an update of `roots` would read and forget, from the disk and the index alone."""
    exclusions = store.exclusions()
    follow = store.get_meta(FOLLOW_LINKS) == "1"
    disk = scan(roots, exclusions, follow, inside=store.roots())
    return plan_files(roots, exclusions, store.files(), store.unreadable(), disk)


def sync(
    store: Store,
    engine: Engine,
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
    report.known_failures = [
        f"{r.reason} (unchanged since the last try)" for r in plan.still_unreadable
    ]
    report.failures += report.known_failures
    writer = Writer(store, report)
    writer.forget_unreadable(plan.forget_unreadable)
    # Files that are gone are forgotten only after the new ones are read (`forget_moved`).
    embedded = 0

    def flush(final: bool = False) -> None:
        nonlocal embedded
        # The total is known only once reading is over.
        total = embedded + writer.passages_waiting if final else 0
        before = embedded
        embedded += writer.flush(
            engine.encode_parts, lambda done: notify("embedding", before + done, total)
        )
        notify("embedding", embedded, total)

    read_whole: list[FileRecord] = []
    broken: list[UnreadableFile] = []
    # Reading is counted in bytes, so one large dump moves the bar as it streams.
    total_bytes = sum(stamp.size for stamp in plan.read.values())
    for file in engine.read(plan.read, lambda done: notify("reading", done, total_bytes)):
        stored = {
            article_key: StoredRecord(*row)
            for article_key, row in store.article_hashes(file.key).items()
        }
        try:
            decisions = plan_records(
                file.articles, stored, writer.has_twin, file.split, file.skipped.append
            )
            for decision in decisions:
                writer.queue(decision)
                if writer.passages_waiting >= COMMIT_EVERY_PASSAGES:
                    flush()
        except ArticleError as error:
            # What was read before the bad part is kept; nothing is forgotten on its account.
            report.failures += file.skipped
            report.failures.append(str(error))
            stamp = file.stamp
            # Marked only with the records read before the bad part, once they are committed:
            # a mark committed first would make a stopped run skip them for good.
            broken.append(
                UnreadableFile(file.key, stamp.size, stamp.mtime_ns, stamp.ctime_ns, str(error))
            )
            continue
        report.failures += file.skipped  # records left out; the file's others are indexed
        read_whole.append(FileRecord(file.key, file.stamp.size, file.stamp.mtime_ns, articles=0))
    notify("reading", total_bytes, total_bytes)
    flush(final=True)
    writer.record_files(read_whole, broken)
    forget_moved(store, writer, plan, report)
    report.seconds = time.monotonic() - started
    return report


def forget_moved(store: Store, writer: Writer, plan: FilePlan, report: SyncReport) -> None:
    """Forget the files that are gone, once the new and changed ones are read and committed.

    A file that was moved or renamed is read under its new name while its old name is still
    indexed, so its articles were noted as copies of the indexed ones; forgetting the old name
    then hands each article, with its passages and vectors, to its copy (`Store.delete_article`)
    instead of embedding the same text again. Those articles are reported as moved."""
    moved = store.copies_in(plan.gone, list(plan.read))
    report.articles_removed += writer.forget_files(plan.gone) - moved
    report.duplicates -= moved
    report.articles_moved += moved
