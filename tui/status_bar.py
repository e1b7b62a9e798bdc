"""The status bar and the header's library line: loading, counting, watching, refreshing."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from typing import TYPE_CHECKING, cast

from textual import work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import ProgressBar, Static

from qa import QAError
from qa.display.render import counted
from qa.index.watch import WatchEvent
from qa.workspace.libraries import library_stamp

from .answer_line import AnswerLineLabel
from .background import BackgroundIndexer

if TYPE_CHECKING:
    from .app import QAApp

LOADING = "Loading models…"
BACKGROUND = "Indexing changed articles in the background…"
WATCH_SECONDS = 3.0
"""How often the chat looks whether the library changed on disk (`qa index add` elsewhere)."""


class StatusBar(Horizontal):
    """What the chat is doing, a refresh's progress, and the answer line."""

    _stamp = 0
    keep_current = False
    _ready = False
    """Whether the models have loaded (the chat answers)."""
    _indexer: BackgroundIndexer | None = None
    """Index changes in the library's folders in the background (`qa chat`; off in tests that
    look at a stale library)."""

    def compose(self) -> ComposeResult:
        yield Static(LOADING, id="status")
        yield ProgressBar(id="progress", show_eta=True)
        yield AnswerLineLabel(id="answer-line")

    @property
    def chat(self) -> QAApp:
        return cast("QAApp", self.app)

    def say(self, text: str) -> None:
        """Show `text` as the chat's status."""
        self.query_one("#status", Static).update(text)

    @property
    def text(self) -> str:
        """The status shown now."""
        return str(self.query_one("#status", Static).render())

    # -- loading and the library line -------------------------------------------------------

    def load(self) -> None:
        """Load the library's models in a worker, noting its index's time to watch it."""
        self._stamp = library_stamp(self.chat.settings.library)
        self._warm_up()

    def watch_library(self, keep_current: bool = False) -> None:
        """From now on, look every few seconds whether the library changed on disk; with
        `keep_current`, index changes in its folders in the background as well."""
        self.keep_current = keep_current
        self._indexer = BackgroundIndexer(self._heard_watcher, self._watcher_progress)
        self.set_interval(WATCH_SECONDS, self._watch_library)
        if keep_current:
            self._keep()

    def _watch_library(self) -> None:
        """Refresh the header when the index changed on disk (`qa index add` in another
        shell): the manifest is replaced on every update, so its time is enough to look at."""
        if self.keep_current:
            self._keep()
        stamp = library_stamp(self.chat.settings.library)
        if stamp != self._stamp:
            self._stamp = stamp
            self._recount()

    @work(thread=True, exclusive=True, group="status")
    def _recount(self) -> None:
        # Another process committed (`qa index watch`, `qa index add`): the next question
        # opens the new index, after any question being answered now.
        self.chat.asker.with_library(lambda library: library.close())
        self._library_status()

    @work(thread=True, exclusive=True, group="keep")
    def _keep(self) -> None:
        if self._indexer is not None:
            self._indexer.keep(self.chat.asker)

    @property
    def watching(self) -> bool:
        """True while the chat's own watcher indexes its library's changes."""
        watcher = self._indexer.watcher if self._indexer is not None else None
        return watcher is not None and watcher.running

    def _from_watcher(self, callback: Callable[..., None], *args: object) -> None:
        # RuntimeError: the chat is closing, and nobody is left to tell.
        with suppress(RuntimeError):
            self.app.call_from_thread(callback, *args)

    def _heard_watcher(self, event: WatchEvent) -> None:
        self._from_watcher(self._background_event, event)

    def _watcher_progress(self, phase: str, done: int, total: int) -> None:
        self._from_watcher(self._background_progress, phase, done, total)

    def _background_progress(self, phase: str, done: int, total: int) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.display = True
        if total:
            bar.update(total=total, progress=done)
        self.say(BACKGROUND)

    def _background_event(self, event: WatchEvent) -> None:
        """A committed batch updates the header; what needs the user is said."""
        report = event.report
        if event.kind == "synced" and report is not None:
            self.query_one("#progress", ProgressBar).display = False
            changed = [
                f"{count} {name}"
                for count, name in (
                    (report.articles_added, "added"),
                    (report.articles_updated, "updated"),
                    (report.articles_moved, "moved"),
                    (report.articles_removed, "removed"),
                )
                if count
            ]
            if changed:
                self.say(f"Index kept current: {', '.join(changed)}.")
                self._recount()
            elif self.text == BACKGROUND:  # nothing had changed: back to what was said before
                self.say("Ready." if self._ready else LOADING)
        elif event.kind in ("missing", "back", "error", "busy"):
            self.say(event.line)
            self.chat.tell(event.detail, "warning")

    def on_unmount(self) -> None:
        if self._indexer is not None:
            self._indexer.stop()

    @work(thread=True, exclusive=True, group="load")
    def _warm_up(self) -> None:
        app = self.chat
        try:
            app.asker.warm_up()
        except QAError as error:
            app.call_from_thread(self.say, f"⚠ {error}")
            app.call_from_thread(
                self._set_subtitle, f"{app.library_name} · cannot answer: see below"
            )
            app.call_from_thread(app.show_welcome, error, [])
            return
        app.call_from_thread(self._say_ready)
        app.call_from_thread(app.show_welcome, None, app.asker.library.store.recent_titles(3))
        self._library_status()

    def _say_ready(self) -> None:
        """Say "Ready." unless something more useful (a reopened chat) is said already."""
        self._ready = True
        if self.text == LOADING:
            self.say("Ready.")

    def _library_status(self) -> None:
        """Count articles and look for changed files (in a worker: it touches the disk)."""
        app = self.chat
        try:
            status = app.asker.status()
        except QAError:
            return
        changed = len(status.stale_files)
        freshness = (
            f"{counted(changed, 'file')} changed: Ctrl+R refreshes" if changed else "index current"
        )
        if status.unreadable_files:  # `qa index status` names them and their problems
            freshness += f" · {counted(len(status.unreadable_files), 'unreadable file')}"
        app.call_from_thread(
            self._set_subtitle,
            f"{app.library_name} · {counted(status.articles, 'article')} · {freshness}",
        )

    def show_library(self) -> None:
        """The header names the library, still loading."""
        self._set_subtitle(f"{self.chat.library_name} · loading…")

    def _set_subtitle(self, text: str) -> None:
        self.app.sub_title = text

    # -- refreshing the index -----------------------------------------------------------------

    def refresh_index(self) -> None:
        """Index new and changed articles in a worker, with a progress bar."""
        self.say("Refreshing the index…")
        self.query_one("#progress", ProgressBar).display = True
        self._refresh()

    @work(thread=True, exclusive=True, group="refresh")
    def _refresh(self) -> None:
        app = self.chat

        def progress(phase: str, done: int, total: int) -> None:
            app.call_from_thread(self._progress, phase, done, total)

        try:
            report = app.asker.refresh(progress)
        except QAError as error:
            app.call_from_thread(self._refreshed, f"⚠ {error}", "error")
            return
        summary = (
            f"Index refreshed: {report.articles_added} added, {report.articles_updated} "
            f"updated, {report.articles_removed} removed."
        )
        if report.failures:
            summary += f" {counted(len(report.failures), 'file')} skipped."
        app.call_from_thread(
            self._refreshed, summary, "warning" if report.failures else "information"
        )
        self._library_status()

    def _progress(self, phase: str, done: int, total: int) -> None:
        if phase == "embedding" and not total:
            return  # embedding while reading: the reading bar's time left covers both
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=total or None, progress=done)
        self.say("Reading articles…" if phase == "reading" else "Embedding passages…")

    def _refreshed(self, message: str, severity: str) -> None:
        self.query_one("#progress", ProgressBar).display = False
        self.say(message)
        if severity != "information":
            self.chat.tell(message, severity)
