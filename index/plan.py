"""Decide which article files an indexing run must read or forget, before anything is written.

The pure half of plan/apply: `scan` looks at the disk, `plan_files` compares what it saw with
what the index remembers. `qa index add`, `update` and `status` all use the same plan, so what
status calls stale is exactly what the next update reads.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .lines import one_line
from .reading import find_article_files
from .store import FileRecord, UnreadableFile

FOLLOW_LINKS = "follow_links"
"""The meta key set to "1" when `qa index add --follow-links` asked for symbolic links to be
followed out of the library's folders: remembered, so later updates follow them too."""


@dataclass(frozen=True)
class FileStamp:
    """What tells a changed file from an unchanged one without reading it."""

    size: int
    mtime_ns: int
    ctime_ns: int
    """Status change time: `chmod` fixes an unreadable file without touching its mtime."""


def stamp(path: Path) -> FileStamp | None:
    """The file's stamp, or None when it cannot be looked at (gone, or no permission)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return FileStamp(stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns)


def is_under(path: str, root: str) -> bool:
    """True when `path` is `root` or lies inside it."""
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def is_excluded(path: str, roots: Iterable[str], exclusions: Iterable[str]) -> bool:
    """True when an exclusion covers `path` and no library folder named deeper inside that
    exclusion brings it back (`qa index add` of a file inside a removed folder)."""
    roots = list(roots)
    for excluded in exclusions:
        if is_under(path, excluded) and not any(
            is_under(path, root) and is_under(root, excluded) and root != excluded for root in roots
        ):
            return True
    return False


@dataclass
class DiskScan:
    """The article files found under the library's folders, each with its stamp."""

    files: dict[str, FileStamp | None] = field(default_factory=dict)
    """Absolute path -> stamp; None for a file listed but gone (or unreadable) a moment later."""
    failures: list[str] = field(default_factory=list)
    """Folders that could not be listed, one line each."""


def scan(
    roots: Iterable[str],
    exclusions: Iterable[str] = (),
    follow_links: bool = False,
    inside: Iterable[str] = (),
) -> DiskScan:
    """List every article file under `roots`, leaving out excluded files and folders.

    Symbolic links are followed where they stay inside `roots` or the folders in `inside`,
    anywhere when `follow_links` is set; the others are failures, one line each."""
    roots, exclusions = list(roots), list(exclusions)
    within = [*roots, *inside]
    found = DiskScan()
    for root in roots:
        root_path = Path(root)
        if not root_path.exists():
            continue
        try:
            for path in find_article_files(
                root_path, within, follow_links, skipped=found.failures.append
            ):
                key = str(path)
                if key not in found.files and not is_excluded(key, roots, exclusions):
                    found.files[key] = stamp(path)
        except OSError as error:
            found.failures.append(one_line(f"{root}: cannot list this folder ({error})"))
    return found


def failed_before(now: FileStamp | None, record: UnreadableFile | None) -> bool:
    """True when the file is the very one that could not be read last time (same stamp)."""
    return (
        record is not None
        and now is not None
        and (now.size, now.mtime_ns, now.ctime_ns)
        == (record.size, record.mtime_ns, record.ctime_ns)
    )


@dataclass
class FilePlan:
    """What one run must do with each file; nothing here has been done yet."""

    read: dict[str, FileStamp] = field(default_factory=dict)
    """New or changed files, to read: path -> the stamp seen when planning."""
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)
    """Indexed files no longer under the library's folders (deleted, or excluded): forget them."""
    still_unreadable: list[UnreadableFile] = field(default_factory=list)
    """Files that could not be read and have not changed since: not read again."""
    forget_unreadable: list[str] = field(default_factory=list)
    """Remembered unreadable files that are gone: nothing to report any more."""
    vanished: list[str] = field(default_factory=list)
    """Files listed but gone before they could be looked at."""
    excluded: list[str] = field(default_factory=list)
    """Exclusions that lie inside the planned folders."""
    failures: list[str] = field(default_factory=list)

    @property
    def stale(self) -> list[str]:
        """Files whose index entry is out of date: new, changed or gone."""
        return sorted(self.new + self.changed + self.gone)


def plan_files(
    roots: list[str],
    exclusions: list[str],
    known: dict[str, FileRecord],
    unreadable: dict[str, UnreadableFile],
    disk: DiskScan,
    exists: Callable[[str], bool] = os.path.exists,
) -> FilePlan:
    """Compare the disk with what the index remembers about the files under `roots`.

    `exists` guards the one destructive decision: a file that is missing from the listing but
    still on disk (its folder could not be listed) is not forgotten."""
    plan = FilePlan(failures=list(disk.failures))
    plan.excluded = [e for e in exclusions if any(is_under(e, root) for root in roots)]

    def in_scope(path: str) -> bool:
        return any(is_under(path, root) for root in roots)

    for path in sorted(known):
        if path in disk.files or not in_scope(path):
            continue
        if is_excluded(path, roots, exclusions) or not exists(path):
            plan.gone.append(path)
    for path in sorted(unreadable):
        if path not in disk.files and in_scope(path):
            plan.forget_unreadable.append(path)
    for path, now in sorted(disk.files.items()):
        if now is None:
            plan.vanished.append(path)
            plan.failures.append(one_line(f"{path}: the file disappeared before it could be read"))
        elif failed_before(now, unreadable.get(path)):
            plan.still_unreadable.append(unreadable[path])
        elif path in known and (known[path].size, known[path].mtime_ns) == (
            now.size,
            now.mtime_ns,
        ):
            plan.unchanged.append(path)
        else:
            (plan.changed if path in known else plan.new).append(path)
            plan.read[path] = now
    return plan
