"""`qa index watch`: keep the library current while its folders change, until Ctrl+C."""

from __future__ import annotations

import json
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

import click

from qa.answering.asker import open_library
from qa.display.render import counted, safe
from qa.index.watch import LibraryWatcher, WatchEvent
from qa.index.watch_lock import refusal, running_watcher

from .engines import encoder_option, indexing_embedder
from .group import UserError, library_option, make_settings

STOPPED = 0
"""Ctrl+C is how a watcher is meant to end: it exits 0, having kept every committed change."""


def watch_command(index: click.Group) -> None:
    """Register `qa index watch` on the `qa index` group."""

    @index.command("watch")
    @click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
    @click.option("--json", "as_json", is_flag=True, help="One JSON event per line on stdout.")
    @click.option(
        "--settle",
        type=click.FloatRange(0.0, 60.0),
        default=1.0,
        envvar="QA_WATCH_SETTLE",
        show_default=True,
        help="Seconds a changed file must keep its size and time before it is read.",
    )
    @encoder_option
    @library_option
    def index_watch(
        paths: tuple[Path, ...], as_json: bool, settle: float, encoder: str, library: str | None
    ) -> None:
        """Keep the library current: index what changes in its folders as it happens.

        PATHS are added to the library first, as qa index add does. One line per change on
        stderr (+ added, ~ updated, > moved, - removed); --json prints one JSON object per
        event on stdout. Downloads in progress, office lock files and editors' temporary files
        are ignored; a folder whose disk is removed keeps its articles until it is back.
        Ctrl+C stops it (exit 0). One watcher per library: `qa index status` names it.

        \b
        Examples:
          qa index watch
          qa index watch ~/Downloads/articles --json
        """
        settings = make_settings(library)
        busy = running_watcher(settings.library)
        if busy is not None:
            raise UserError(str(refusal(settings.library, busy)))
        shelf = open_library(settings, indexing_embedder(encoder))
        if paths:
            report = shelf.add(list(paths))
            _say(WatchEvent("synced", report.passages_embedded, "added", report), as_json)
        if not shelf.exists or not shelf.store.roots():
            raise UserError(
                f"{settings.library} has no folders to watch; name one: qa index watch ~/news"
            )
        roots = shelf.store.roots()
        watcher = LibraryWatcher(shelf, lambda event: _say(event, as_json), settle=settle)
        watcher.start()
        click.echo(
            f"Watching {counted(len(roots), 'folder')} of {settings.library} "
            f"(Ctrl+C stops): {', '.join(safe(root) for root in roots)}",
            err=True,
        )
        _wait(watcher)
        if watcher.error is not None:
            raise UserError(f"the watcher stopped: {watcher.error}")


def _wait(watcher: LibraryWatcher) -> None:
    """Until the watcher ends; Ctrl+C or SIGTERM stops it cleanly (exit 0)."""

    def terminate(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, terminate)
    try:
        while watcher.running:
            watcher.join(0.5)  # short waits, so that Ctrl+C is heard at once
    except KeyboardInterrupt:
        click.echo("\nStopping…", err=True)
        watcher.stop()
        click.echo("Stopped watching; every change seen so far is in the index.", err=True)
        sys.exit(STOPPED)


def _say(event: WatchEvent, as_json: bool) -> None:
    """One line per event: for people on stderr (a batch that changed nothing is not said),
    as JSON on stdout."""
    if as_json:
        data: dict[str, object] = {"event": event.kind, "count": event.count}
        if event.detail:
            data["detail"] = event.detail
        click.echo(json.dumps(data))
        sys.stdout.flush()
    elif event.kind != "synced":
        click.echo(safe(event.line), err=True)


def watcher_line(folder: Path) -> tuple[str, dict[str, object] | None]:
    """The watcher row of `qa index status`: for people, and as JSON."""
    info = running_watcher(folder)
    if info is None:
        return "none (qa index watch keeps the index current as files change)", None
    return (
        f"{info.owner}, pid {info.pid}, since {info.since}",
        {"pid": info.pid, "owner": info.owner, "since": info.since},
    )
