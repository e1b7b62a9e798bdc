"""The chat app: ask in the box, read answers with citations, open sources, keep past chats."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Label, ListItem, ListView, ProgressBar, Static
from textual.worker import get_current_worker

from qa import Answer, Asker, Conversation, History, QAError, Settings, library_folder, open_asker
from qa.render import citation_line, counted
from qa.sources import article_view, passage_view

from .screens import ArticleScreen, HelpScreen, LibraryPrompt
from .widgets import ChatLog, CitationItem, QuestionInput, SourcesPane, Turn

AskerFactory = Callable[[Settings], Asker]


class ChatItem(ListItem):
    """A saved chat in the sidebar."""

    def __init__(self, chat_id: int, title: str) -> None:
        super().__init__(Label(title))
        self.chat_id = chat_id


class QAApp(App[None]):
    """`qa chat`: a conversation with your articles."""

    CSS_PATH = "qa.tcss"
    TITLE = "qa"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("ctrl+n", "new_chat", "New chat"),
        Binding("ctrl+s", "toggle_sources", "Sources"),
        Binding("ctrl+b", "toggle_sidebar", "Chats"),
        Binding("ctrl+r", "refresh_index", "Refresh"),
        Binding("f1,question_mark", "help", "Help"),
        Binding("y", "copy", "Copy answer", show=False),
        Binding("slash,ctrl+f", "find", "Find", show=False),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(
        self,
        settings: Settings,
        asker_factory: AskerFactory = open_asker,
        export_folder: Path | None = None,
        history: History | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.asker_factory = asker_factory
        self.export_folder = export_folder or Path.cwd()
        self.asker = asker_factory(settings)
        self._owns_history = history is None  # a history handed in is closed by its owner
        self.history = history or History(settings.library)
        self.conversation = Conversation()
        self.chat_id: int | None = None
        self.pending: Turn | None = None
        self.selected: CitationItem | None = None
        self._matches: list[Turn] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield ListView(id="sidebar")
            yield ChatLog(id="conversation")
            yield SourcesPane(id="sources")
        yield Input(placeholder="Find in this chat… (Enter: next match, Esc: close)", id="find")
        with Horizontal(id="status-bar"):
            yield Static("Loading models…", id="status")
            yield ProgressBar(id="progress", show_eta=True)
        yield QuestionInput(id="question")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sources").display = self.size.width >= 100
        self.query_one("#question").focus()
        self._show_library()
        self._reload_chat_list()
        self._warm_up()

    # -- loading and library status ---------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def _warm_up(self) -> None:
        try:
            self.asker.warm_up()
        except QAError as error:
            self.call_from_thread(self._set_status, f"⚠ {error}")
            self.call_from_thread(self.notify, str(error), severity="error", timeout=10)
            return
        self.call_from_thread(self._set_status, "Ready.")
        self._library_status()

    def _library_status(self) -> None:
        """Count articles and look for changed files (in a worker: it touches the disk)."""
        try:
            status = self.asker.status()
        except QAError:
            return
        changed = len(status.stale_files)
        freshness = (
            f"{counted(changed, 'file')} changed: Ctrl+R refreshes" if changed else "index current"
        )
        if status.unreadable_files:  # `qa index status` names them and their problems
            freshness += f" · {counted(len(status.unreadable_files), 'unreadable file')}"
        self.call_from_thread(
            self._set_subtitle,
            f"{self._library_name()} · {counted(status.articles, 'article')} · {freshness}",
        )

    def _library_name(self) -> str:
        return self.settings.library.name

    def _show_library(self) -> None:
        self._set_subtitle(f"{self._library_name()} · loading…")

    def _set_subtitle(self, text: str) -> None:
        self.sub_title = text

    def _set_status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    # -- asking -------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "find":
            self._find_next(event.value)
            return
        if event.input.id != "question":
            return
        question = event.value.strip()
        if not question:
            self.notify("Type a question first.", severity="warning")
            return
        box = self.query_one(QuestionInput)
        box.remember(question)
        box.value = ""
        turn = Turn(question)
        self.query_one("#conversation").mount(turn)
        turn.scroll_visible(animate=False)
        self.pending = turn
        self._set_status("Answering…  (Esc cancels)")
        self._answer(question, turn)

    @work(thread=True, exclusive=True, group="answer")
    def _answer(self, question: str, turn: Turn) -> None:
        worker = get_current_worker()
        try:
            answer = self.asker.ask(question, self.conversation)
        except QAError as error:
            if not worker.is_cancelled:
                self.call_from_thread(self._failed, turn, str(error))
            return
        if not worker.is_cancelled:
            self.call_from_thread(self._answered, question, turn, answer)

    def _failed(self, turn: Turn, message: str) -> None:
        turn.show_message(f"⚠ {message}")
        self.notify(message, severity="error")
        self.pending = None
        self._set_status("Ready.")

    def _answered(self, question: str, turn: Turn, answer: Answer) -> None:
        turn.show_answer(answer)
        self.conversation.add(question, answer)
        if self.chat_id is None:
            self.chat_id = self.history.new_chat(question)
            self._reload_chat_list()
        self.history.add_turn(self.chat_id, question, answer)
        self.pending = None
        self._set_status("Ready.")
        items = list(turn.query(CitationItem))
        if items:
            self._select(items[0])
        self.call_after_refresh(turn.scroll_visible, animate=False)

    def action_cancel(self) -> None:
        find = self.query_one("#find", Input)
        if find.has_focus:
            find.display = False
            self.query_one("#question").focus()
            return
        if self.pending is not None:
            self.workers.cancel_group(self, "answer")
            self.pending.show_message("Cancelled.")
            self.pending = None
            self._set_status("Cancelled.")

    # -- citations and sources --------------------------------------------------------------

    def on_citation_item_selected(self, message: CitationItem.Selected) -> None:
        item = next((i for i in self.query(CitationItem) if i.citation is message.citation), None)
        if item is not None:
            self._select(item)

    def _select(self, item: CitationItem) -> None:
        if self.selected is not None:
            self.selected.remove_class("selected")
        self.selected = item
        item.add_class("selected")
        try:
            view = passage_view(self.asker.library, item.citation)
        except (QAError, KeyError) as error:
            self.notify(f"cannot show this source: {error}", severity="error")
            return
        self.query_one(SourcesPane).show(view)

    def on_citation_item_opened(self, message: CitationItem.Opened) -> None:
        try:
            view = article_view(self.asker.library, message.citation)
        except (QAError, KeyError) as error:
            self.notify(f"cannot open this article: {error}", severity="error")
            return
        self.push_screen(ArticleScreen(view))

    # -- keys ---------------------------------------------------------------------------------

    def action_focus_citations(self) -> None:
        """From the question box to the selected citation (else the last answer's first)."""
        if self.selected is not None and self.selected.is_attached:
            self.selected.focus()
            return
        items = list(self.query(CitationItem))
        if items:
            first_of_last = next(i for i in items if i.parent is items[-1].parent)
            first_of_last.focus()

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_toggle_sources(self) -> None:
        sources = self.query_one("#sources")
        sources.display = not sources.display

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#sidebar", ListView)
        sidebar.display = not sidebar.display
        if sidebar.display:
            if sidebar.index is None and sidebar.children:
                sidebar.index = 0
            sidebar.focus()

    def action_copy(self) -> None:
        turn = self._current_turn()
        if turn is None or turn.answer is None:
            self.notify("Nothing to copy yet.", severity="warning")
            return
        answer = turn.answer
        lines = [answer.text or answer.message]
        for citation in answer.citations[:1]:
            lines.append(f"“{citation.sentence}” — {citation_line(citation)}")
        self.copy_to_clipboard("\n".join(lines))
        self.notify("Copied the answer and its citation.")

    def _current_turn(self) -> Turn | None:
        if self.selected is not None and isinstance(self.selected.parent, Turn):
            return self.selected.parent
        answered = [turn for turn in self.query(Turn) if turn.answer is not None]
        return answered[-1] if answered else None

    def action_find(self) -> None:
        find = self.query_one("#find", Input)
        find.display = True
        find.focus()

    def _find_next(self, text: str) -> None:
        needle = text.strip().lower()
        for turn in self.query(Turn):
            turn.remove_class("found")
        if not needle:
            return
        matches = [turn for turn in self.query(Turn) if needle in turn.searchable]
        if not matches:
            self.notify(f"“{text}” is not in this chat.", severity="warning")
            return
        previous = self._matches
        index = 0
        if previous and previous[0] in matches and matches == previous:
            index = 1 % len(matches)
            matches = matches[index:] + matches[:index]
        self._matches = matches
        matches[0].add_class("found")
        matches[0].scroll_visible(animate=False)
        self.notify(f"{len(matches)} match(es) for “{text}”.")

    # -- chats, export, libraries, refresh ----------------------------------------------------

    def action_new_chat(self) -> None:
        self.conversation = Conversation()
        self.chat_id = None
        self.selected = None
        self.query_one("#conversation").remove_children()
        self.query_one("#question").focus()
        self._set_status("New chat.")

    def _reload_chat_list(self) -> None:
        sidebar = self.query_one("#sidebar", ListView)
        sidebar.clear()
        sidebar.extend(
            ChatItem(chat.id, f"{chat.title} ({chat.turns})") for chat in self.history.chats()
        )

    def on_list_view_selected(self, event: ListView.Selected) -> None:
        if isinstance(event.item, ChatItem):
            self.open_chat(event.item.chat_id)

    def open_chat(self, chat_id: int) -> None:
        """Show a saved chat; new questions continue it."""
        self.action_new_chat()
        self.chat_id = chat_id
        self.conversation = self.history.load(chat_id)
        pane = self.query_one("#conversation")
        for question, answer in self.conversation.turns:
            turn = Turn(question)
            pane.mount(turn)
            turn.call_after_refresh(turn.show_answer, answer)
        self._set_status(f"Opened a saved chat ({len(self.conversation.turns)} questions).")

    def action_export(self) -> None:
        if not self.conversation.turns:
            self.notify("Nothing to export yet.", severity="warning")
            return
        path = self.export_folder / time.strftime("qa-chat-%Y%m%d-%H%M%S.md")
        try:
            path.write_text(self.conversation.to_markdown(), encoding="utf-8")
        except OSError as error:
            self.notify(f"cannot write {path}: {error.strerror}", severity="error")
            return
        self.notify(f"Exported the chat to {path}")

    def action_switch_library(self) -> None:
        self.push_screen(LibraryPrompt(), self.switch_library)

    def switch_library(self, name: str | None) -> None:
        if not name:
            return
        self.settings = replace(self.settings, library=library_folder(name))
        self.asker = self.asker_factory(self.settings)
        if self._owns_history:
            self.history.close()
        self.history = History(self.settings.library)
        self._owns_history = True
        self.action_new_chat()
        self._reload_chat_list()
        self._show_library()
        self._set_status("Loading models…")
        self._warm_up()

    def action_refresh_index(self) -> None:
        self._set_status("Refreshing the index…")
        self.query_one("#progress", ProgressBar).display = True
        self._refresh()

    @work(thread=True, exclusive=True, group="refresh")
    def _refresh(self) -> None:
        def progress(phase: str, done: int, total: int) -> None:
            self.call_from_thread(self._progress, phase, done, total)

        try:
            report = self.asker.refresh(progress)
        except QAError as error:
            self.call_from_thread(self._refreshed, f"⚠ {error}", "error")
            return
        summary = (
            f"Index refreshed: {report.articles_added} added, {report.articles_updated} "
            f"updated, {report.articles_removed} removed."
        )
        if report.failures:
            summary += f" {counted(len(report.failures), 'file')} skipped."
        self.call_from_thread(
            self._refreshed, summary, "warning" if report.failures else "information"
        )
        self._library_status()

    def _progress(self, phase: str, done: int, total: int) -> None:
        if phase == "embedding" and not total:
            return  # embedding while reading: the reading bar's time left covers both
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=total or None, progress=done)
        self._set_status("Reading articles…" if phase == "reading" else "Embedding passages…")

    def _refreshed(self, message: str, severity: str) -> None:
        self.query_one("#progress", ProgressBar).display = False
        self._set_status("Ready.")
        self.notify(message, severity=severity)  # type: ignore[arg-type]

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("New chat", "Start a new conversation", self.action_new_chat)
        yield SystemCommand(
            "Refresh index", "Index new and changed articles now", self.action_refresh_index
        )
        yield SystemCommand(
            "Switch library", "Open another library by name or folder", self.action_switch_library
        )
        yield SystemCommand(
            "Export chat as Markdown", "Write this chat to a Markdown file", self.action_export
        )
        yield SystemCommand(
            "Toggle sources", "Show or hide the sources pane", self.action_toggle_sources
        )
        for chat in self.history.chats()[:20]:
            yield SystemCommand(
                f"Open chat: {chat.title}",
                counted(chat.turns, "question"),
                lambda chat_id=chat.id: self.open_chat(chat_id),
            )

    def on_unmount(self) -> None:
        if self._owns_history:
            self.history.close()


def make_app(
    settings: Settings,
    asker_factory: AskerFactory = open_asker,
    export_folder: Path | None = None,
    history: History | None = None,
) -> QAApp:
    """The chat app over the library in `settings`; tests pass their own parts."""
    return QAApp(settings, asker_factory, export_folder, history)
