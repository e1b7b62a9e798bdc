"""Follow folders with watchfiles and hand on the changes that can matter to a library.

The watcher's eyes (index/watch.py decides what to do with what they see): one thread per kind
of root, each reading watchfiles' Rust notifier, the way `watchfiles.watch` does, except that
the notifier is created before the thread starts, so its watches are in place by the time
`follow` returns and the update that follows it misses nothing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .plan import is_under
from .reading import is_article_file
from .temporary import is_temporary

if TYPE_CHECKING:
    from watchfiles._rust_notify import RustNotify

DELETED = 3
"""watchfiles' code for a deleted path (`watchfiles.Change.deleted`)."""

Follower = tuple[threading.Thread, threading.Event]
"""A thread that follows some folders, and the event that stops it."""


def follow(roots: list[str], quiet: float, hand_on: Callable[[set[str]], None]) -> list[Follower]:
    """Start following `roots`: folders recursively, and the folders that hold single files
    (not recursively; a save-by-rename replaces the file itself). `hand_on` hears each group
    of changed paths that can matter, on a follower's thread."""
    from watchfiles._rust_notify import RustNotify  # watchfiles.watch, minus its generator

    folders = [r for r in roots if os.path.isdir(r)]
    parents = sorted({str(Path(r).parent) for r in roots if not os.path.isdir(r)})
    parents = [p for p in parents if os.path.isdir(p)]
    followers: list[Follower] = []
    for paths, recursive in ((folders, True), (parents, False)):
        if not paths:
            continue
        try:
            notify = RustNotify(paths, False, False, 300, recursive, True)
        except OSError:
            continue  # a folder vanished meanwhile: the watcher's next look at the roots says so
        stop = threading.Event()
        thread = threading.Thread(
            target=_follower,
            args=(notify, stop, roots, quiet, hand_on),
            name="qa-watch-follow",
            daemon=True,
        )
        thread.start()
        followers.append((thread, stop))
    return followers


def stop_following(followers: list[Follower]) -> None:
    for _, stop in followers:
        stop.set()
    for thread, _ in followers:
        thread.join(5.0)


def _follower(
    notify: RustNotify,
    stop: threading.Event,
    roots: list[str],
    quiet: float,
    hand_on: Callable[[set[str]], None],
) -> None:
    """Hand on each group of changes that can matter, until `stop`."""
    debounce = max(1, int(quiet * 1000))
    step = max(1, min(50, int(quiet * 500)))
    try:
        while not stop.is_set():
            changes = notify.watch(debounce, step, 5000, stop)
            if isinstance(changes, str):  # "timeout"; "stop" ends the loop above
                continue
            paths = {path for change, path in changes if matters(change, path, roots)}
            if paths:
                hand_on(paths)
    except (OSError, RuntimeError):
        # A watched folder vanished under the watcher: its next look at the roots says so
        # and follows what is left.
        return
    finally:
        notify.close()


def matters(change: int, path: str, roots: list[str]) -> bool:
    """Whether a change can matter to the library: an article file (or a folder) under its
    roots, not hidden, not a temporary or lock file; anything deleted that may have been a
    folder."""
    inside = next((root for root in roots if is_under(path, root)), None)
    if inside is None:
        return False
    parts = Path(os.path.relpath(path, inside)).parts if path != inside else ()
    if any(part.startswith(".") for part in parts) or is_temporary(Path(path).name):
        return False
    return change == DELETED or is_article_file(Path(path)) or os.path.isdir(path)
