"""The libraries on this machine as the chat shows them: which there are, what one holds, a
cheap sign that one changed, and adding or removing a folder."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from qa.answering.asker import Asker
from qa.config.settings import data_home
from qa.index import Library, LibraryStatus, ProgressCallback, SyncReport
from qa.index.manifest import MANIFEST_NAME  # index/__init__ does not export it (yet)

WORKING_FOLDER = re.compile(r"\.(?:rebuilding|tmp|old)\b")
"""A folder an index command works in beside a library (`NAME.rebuilding` while a rebuild runs,
left behind by Ctrl+C or a crash): it holds a manifest too, but is no library of the user's."""


def library_names() -> list[str]:
    """The names of the indexed libraries under `data_home()/libraries`, sorted, without the
    working folders of index commands or hidden folders."""
    folder = data_home() / "libraries"
    if not folder.is_dir():
        return []
    return sorted(
        entry.name
        for entry in folder.iterdir()
        if is_library_name(entry.name) and (entry / MANIFEST_NAME).is_file()
    )


def is_library_name(name: str) -> bool:
    """False for a working folder (WORKING_FOLDER) and for a hidden one, which a name given
    to --library could not reach anyway (a leading "." makes it a path)."""
    return not name.startswith(".") and not WORKING_FOLDER.search(name)


def is_library(folder: Path) -> bool:
    """True when `folder` holds an index (its manifest)."""
    return (folder / MANIFEST_NAME).is_file()


def library_stamp(folder: Path) -> int:
    """Changes whenever the index is written (the manifest is replaced last, on every update);
    0 when there is no index. A stat, cheap enough to poll every few seconds."""
    try:
        return (folder / MANIFEST_NAME).stat().st_mtime_ns
    except OSError:
        return 0


@dataclass(frozen=True)
class Overview:
    """What the chat's library screen shows: each folder with its articles, what is wrong."""

    status: LibraryStatus
    folders: list[tuple[str, int]]
    """Each folder or file the library reads, with how many articles came from it."""


def overview(asker: Asker) -> Overview:
    """The library's folders with their article counts, its unreadable and changed files."""
    status = asker.status()
    return Overview(
        status, [(root, status.articles_per_root.get(root, 0)) for root in status.sources]
    )


def add_folder(asker: Asker, path: Path, progress: ProgressCallback | None = None) -> SyncReport:
    """Add a folder (or file) to the asker's library and index it, beside the open index; the
    asker switches to the new index on its next question."""
    updater = Library(asker.library.folder, asker.embedder, asker.library.chunking)
    try:
        report = updater.add([path], progress)
    finally:
        updater.close()
    asker.refresh()  # a re-check of unchanged files (no reading), and the asker reopens
    return report


def remove_folder(asker: Asker, path: Path) -> int:
    """Forget the articles read from `path` (the files stay); how many were forgotten."""
    updater = Library(asker.library.folder, asker.embedder, asker.library.chunking)
    try:
        removed = updater.remove([path])
    finally:
        updater.close()
    asker.refresh()
    return removed
