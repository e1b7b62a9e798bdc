"""The library from inside the chat: its folders and articles, files it could not read; add or
remove a folder and re-index, with progress, without leaving the app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from qa import Asker, QAError
from qa.display.render import counted, safe
from qa.workspace.libraries import Overview, add_folder, overview, remove_folder

from .screens import Confirm, TextPrompt

Job = Callable[[Callable[[str, int, int], None]], str]
"""Indexing work run in a worker: takes a progress callback, returns what to say when done."""


class LibraryScreen(ModalScreen[None]):
    """What the library holds, and the keys to change it (a, d, u)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add a folder"),
        Binding("d,delete", "remove", "Remove folder"),
        Binding("u", "update", "Re-index"),
        Binding("escape", "dismiss", "Close"),
    ]

    def __init__(self, asker: Asker) -> None:
        super().__init__()
        self.asker = asker
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="library-box"):
            yield Static(Text("Reading the library…", style="dim"), id="library-summary")
            yield OptionList(id="library-folders")
            yield Static("", id="library-problems")
            with Horizontal(id="library-work"):
                yield Static("", id="library-status")
                yield ProgressBar(id="library-progress", show_eta=False)
            yield Static(
                Text(
                    "a: add a folder or file · d: remove the selected one · u: re-index "
                    "everything · Esc: close",
                    style="dim",
                )
            )

    def on_mount(self) -> None:
        self.query_one("#library-progress").display = False
        self.query_one(OptionList).focus()
        self._load()

    @work(thread=True, exclusive=True, group="library-overview")
    def _load(self) -> None:
        try:
            shown = overview(self.asker)
        except QAError as error:
            self.app.call_from_thread(self._say, f"⚠ {error}")
            return
        self.app.call_from_thread(self._show, shown)

    def _show(self, shown: Overview) -> None:
        status = shown.status
        summary = Text(f"{Path(status.folder).name}\n", style="bold")
        summary.append(
            f"{counted(status.articles, 'article')} · {counted(status.passages, 'passage')} · "
            f"{status.bytes_on_disk / 1e6:.1f} MB · last update {status.updated or 'never'}",
            style="dim",
        )
        self.query_one("#library-summary", Static).update(summary)
        folders = self.query_one(OptionList)
        folders.clear_options()
        folders.add_options(
            Option(f"{safe(root)}  ({counted(articles, 'article')})", id=root)
            for root, articles in shown.folders
        )
        if not shown.folders:
            folders.add_option(Option("No folders yet: press a to add one.", disabled=True))
        problems = Text()
        if status.stale_files:
            problems.append(
                f"{counted(len(status.stale_files), 'file')} changed since the last update: "
                "u re-indexes.\n",
                style="yellow",
            )
        if status.unreadable_files:
            problems.append(
                f"{counted(len(status.unreadable_files), 'file')} could not be read:\n",
                style="red",
            )
            for reason in status.unreadable_files[:8]:
                problems.append(f"  {safe(reason)}\n", style="red")
        self.query_one("#library-problems", Static).update(problems)

    def _say(self, message: str) -> None:
        self.query_one("#library-status", Static).update(message)

    def action_add(self) -> None:
        def chosen(where: str | None) -> None:
            if not where:
                return
            path = Path(where).expanduser()
            if not path.exists():
                self._say(f"⚠ {where} does not exist; type the path of a folder or file.")
                return
            self._run(
                f"Adding {path}…",
                lambda progress: _added(add_folder(self.asker, path, progress).articles_added),
            )

        self.app.push_screen(TextPrompt("Folder or file of articles to add:", ""), chosen)

    def action_remove(self) -> None:
        folders = self.query_one(OptionList)
        index = folders.highlighted
        option = folders.get_option_at_index(index) if index is not None else None
        if option is None or option.id is None:
            self._say("Select a folder to remove first.")
            return
        root = option.id

        def sure(yes: bool | None) -> None:
            if yes:
                self._run(
                    f"Removing {root}…",
                    lambda progress: (
                        f"Removed {counted(remove_folder(self.asker, Path(root)), 'article')}; "
                        "the files are left alone."
                    ),
                )

        self.app.push_screen(
            Confirm(f"Forget the articles read from {safe(root)}? The files stay."), sure
        )

    def action_update(self) -> None:
        self._run(
            "Re-indexing…",
            lambda progress: (
                f"Re-indexed: {counted(self.asker.refresh(progress).articles_added, 'article')}"
                " added."
            ),
        )

    def _run(self, doing: str, job: Job) -> None:
        if self.busy:
            self._say("Still working: wait for this to finish.")
            return
        self.busy = True
        self._say(doing)
        self.query_one("#library-progress").display = True
        self._work(job)

    @work(thread=True, exclusive=True, group="library-work")
    def _work(self, job: Job) -> None:
        def progress(phase: str, done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, phase, done, total)

        try:
            message = job(progress)
        except QAError as error:
            message = f"⚠ {error}"
        self.app.call_from_thread(self._finished, message)

    def _progress(self, phase: str, done: int, total: int) -> None:
        self.query_one("#library-progress", ProgressBar).update(total=total or None, progress=done)
        self._say("Reading articles…" if phase == "reading" else "Embedding passages…")

    def _finished(self, message: str) -> None:
        self.busy = False
        self.query_one("#library-progress").display = False
        self._say(message)
        self._load()


def _added(articles: int) -> str:
    return f"Added {counted(articles, 'article')}."
