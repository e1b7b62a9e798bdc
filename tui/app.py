"""The chat app: ask in the box, read answers with citations, open sources, keep past chats."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, ProgressBar, Static
from textual.worker import get_current_worker

from qa import Answer, Asker, Conversation, History, QAError, Settings, library_folder, open_asker
from qa.answering.sanitize import one_line
from qa.answering.sources import article_view, passage_view
from qa.display.export import chat_markdown
from qa.display.render import citation_line, counted
from qa.workspace.libraries import is_library, library_names, library_stamp

from .answer_line import AnswerLineLabel, AnswerLinePrompt, percent
from .chats import ChatItem, ChatList
from .find import FindBar
from .library_screen import LibraryScreen
from .paste import install as install_paste_filter
from .screens import ArticleScreen, Confirm, HelpScreen, LibraryPrompt, TextPrompt
from .widgets import ChatLog, CitationItem, QuestionInput, SourcesPane, Turn

AskerFactory = Callable[[Settings], Asker]

LOADING = "Loading models…"
WATCH_SECONDS = 3.0
"""How often the chat looks whether the library changed on disk (`qa index add` elsewhere)."""


class QAApp(App[None]):
    """`qa chat`: a conversation with your articles."""

    CSS_PATH = "qa.tcss"
    TITLE = "qa"
    # Only keys with Ctrl or F: printable keys belong to the question box wherever the focus
    # is, and the one-key commands (y, /, j, k, r, d) live on the widgets whose footer shows them.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("ctrl+n", "new_chat", "New"),
        Binding("ctrl+s", "toggle_sources", "Sources", show=False),
        Binding("ctrl+b", "toggle_sidebar", "Chats"),
        Binding("ctrl+r", "refresh_index", "Refresh"),
        Binding("f1", "help", "Help"),
        Binding("ctrl+f", "find", "Find", show=False),
        Binding("ctrl+l", "library", "Library", show=False),
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
        self._stamp = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield ChatList(id="sidebar")
            yield ChatLog(id="conversation")
            yield SourcesPane(id="sources")
        yield FindBar(id="find-bar")
        with Horizontal(id="status-bar"):
            yield Static(LOADING, id="status")
            yield ProgressBar(id="progress", show_eta=True)
            yield AnswerLineLabel(id="answer-line")
        yield QuestionInput(id="question")
        yield Footer(compact=True)  # at 80 columns the footer was cut ("^r Refr")

    def on_mount(self) -> None:
        self.query_one("#sources").display = self.size.width >= 100
        self.query_one("#question").focus()
        self._show_library()
        self._show_answer_line()
        self._reload_chat_list()
        self._reopen_last_chat()
        self._stamp = library_stamp(self.settings.library)
        self.set_interval(WATCH_SECONDS, self._watch_library)
        self._warm_up()

    def _reopen_last_chat(self) -> None:
        """Start where the last run ended: its chat, at its last answer; earlier questions
        ready for Up."""
        self.query_one(QuestionInput).recall_from(self.history.questions())
        last = self.history.last_chat()
        if last is not None:
            self.open_chat(last.id)
            self._set_status(
                f"Reopened your last chat, “{last.title}” ({counted(last.turns, 'question')})."
                " Ctrl+N starts a new one."
            )

    def _watch_library(self) -> None:
        """Refresh the header when the index changed on disk (`qa index add` in another
        shell): the manifest is replaced on every update, so its time is enough to look at."""
        stamp = library_stamp(self.settings.library)
        if stamp != self._stamp:
            self._stamp = stamp
            self._recount()

    @work(thread=True, exclusive=True, group="status")
    def _recount(self) -> None:
        self._library_status()

    # -- loading and library status ---------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def _warm_up(self) -> None:
        try:
            self.asker.warm_up()
        except QAError as error:
            self.call_from_thread(self._set_status, f"⚠ {error}")
            self.call_from_thread(
                self._set_subtitle, f"{self._library_name()} · cannot answer: see below"
            )
            return
        self.call_from_thread(self._say_ready)
        self._library_status()

    def _say_ready(self) -> None:
        """Say "Ready." unless something more useful (a reopened chat) is said already."""
        if self._status_text() == LOADING:
            self._set_status("Ready.")

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

    def _status_text(self) -> str:
        return str(self.query_one("#status", Static).render())

    def tell(self, message: str, severity: str = "information") -> None:
        """A toast, replacing any still shown: one at a time, never a pile."""
        self.clear_notifications()
        self.notify(message, severity=severity)  # type: ignore[arg-type]

    # -- asking -------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "question":
            return
        question = one_line(event.value)
        if not question:
            self._set_status("Type a question first.")
            return
        box = self.query_one(QuestionInput)
        box.remember(question)
        self.history.remember_question(question)
        box.value = ""
        turn = Turn(question)
        log = self.query_one(ChatLog)
        log.anchor(False)
        log.mount(turn)
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
        find = self.query_one(FindBar)
        if find.display:
            find.close()
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
            view = self.asker.with_library(lambda library: passage_view(library, item.citation))
        except (QAError, KeyError) as error:
            self.tell(f"cannot show this source: {error}", "error")
            return
        self.query_one(SourcesPane).show(view)

    def on_citation_item_opened(self, message: CitationItem.Opened) -> None:
        try:
            view = self.asker.with_library(lambda library: article_view(library, message.citation))
        except (QAError, KeyError) as error:
            self.tell(f"cannot open this article: {error}", "error")
            return
        self.push_screen(ArticleScreen(view))

    # -- keys ---------------------------------------------------------------------------------

    def on_key(self, event: events.Key) -> None:
        """A printable key that nothing took (no widget's binding, not a text box) is the start
        of a question: it goes to the question box, as in lazygit or oterm."""
        # (A text box never lets a printable key through; keys typed quickly after the first
        # were sent to the citation before the focus moved, and arrive here all the same.)
        if (
            not event.is_printable
            or event.character is None
            or isinstance(self.screen, ModalScreen)
            or event.key in self.active_bindings
        ):
            return
        event.stop()
        box = self.query_one(QuestionInput)
        # Focus moves now, not after the queued keys: in a terminal the rest of a typed word is
        # already waiting, and its "y" went to the citation as Copy.
        self.screen.set_focus(box)
        box.insert_text_at_cursor(event.character)

    def on_question_input_pasted(self, message: QuestionInput.Pasted) -> None:
        if message.lines > 1:
            self._set_status(f"Pasted {message.lines} lines as one question.")
        elif message.cleaned:
            self._set_status("Pasted, without its control characters.")

    def action_move_citation(self, step: int) -> None:
        """From the focused citation to the previous or next one, through every answer; past
        the last one, back to the question box."""
        items = list(self.query(CitationItem))
        focused = self.focused
        if not isinstance(focused, CitationItem) or focused not in items:
            return
        index = items.index(focused) + step
        if index >= len(items):
            self.query_one("#question").focus()
            return
        target = items[max(0, index)]
        target.focus()
        target.scroll_visible(animate=False)

    def action_focus_citations(self) -> None:
        """From the question box to the selected citation (else the last answer's first)."""
        if self.selected is not None and self.selected.is_attached:
            self.selected.focus()
            return
        items = list(self.query(CitationItem))
        if items:
            first_of_last = next(i for i in items if i.parent is items[-1].parent)
            first_of_last.focus()

    def action_library(self) -> None:
        self.push_screen(LibraryScreen(self.asker))

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_toggle_sources(self) -> None:
        sources = self.query_one("#sources")
        sources.display = not sources.display

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#sidebar", ChatList)
        sidebar.display = not sidebar.display
        if sidebar.display:
            if sidebar.index is None and sidebar.children:
                sidebar.index = 0
            sidebar.focus()

    def action_copy(self) -> None:
        turn = self._current_turn()
        if turn is None or turn.answer is None:
            self.tell("Nothing to copy yet.", "warning")
            return
        answer = turn.answer
        lines = [answer.text or answer.message]
        for citation in answer.citations[:1]:
            lines.append(f"“{citation.sentence}” — {citation_line(citation)}")
        self.copy_to_clipboard("\n".join(lines))
        self.tell("Copied the answer and its citation.")

    def _current_turn(self) -> Turn | None:
        if self.selected is not None and isinstance(self.selected.parent, Turn):
            return self.selected.parent
        answered = [turn for turn in self.query(Turn) if turn.answer is not None]
        return answered[-1] if answered else None

    def action_find(self) -> None:
        self.query_one(FindBar).open()

    # -- chats, export, libraries, refresh ----------------------------------------------------

    def action_new_chat(self) -> None:
        self.conversation = Conversation()
        self.chat_id = None
        self.selected = None
        self.query_one("#conversation").remove_children()
        self.query_one(SourcesPane).clear()
        self.query_one("#question").focus()
        self._set_status("New chat.")

    def _reload_chat_list(self) -> None:
        self.query_one("#sidebar", ChatList).show(self.history.chats())

    def on_list_view_selected(self, event: ChatList.Selected) -> None:
        if isinstance(event.item, ChatItem):
            self.open_chat(event.item.chat.id)

    def open_chat(self, chat_id: int) -> None:
        """Show a saved chat at its last answer; new questions continue it."""
        self.action_new_chat()
        self.chat_id = chat_id
        self.conversation = self.history.load(chat_id)
        pane = self.query_one("#conversation", ChatLog)
        pane.mount_all(Turn(question, answer) for question, answer in self.conversation.turns)
        # Held at the end while the answers are laid out (a scroll after one refresh could come
        # before they had their height), until the next question or the user scrolls.
        pane.anchor()
        self._set_status(
            f"Opened a saved chat ({counted(len(self.conversation.turns), 'question')})."
        )

    def on_chat_list_rename(self, message: ChatList.Rename) -> None:
        self._rename(message.chat.id, message.chat.title)

    def _rename(self, chat_id: int, title: str) -> None:
        def renamed(new_title: str | None) -> None:
            if new_title:
                self.history.rename(chat_id, new_title)
                self._reload_chat_list()
                self._set_status(f"Renamed the chat to “{new_title}”.")

        self.push_screen(TextPrompt("New title for this chat:", title), renamed)

    def on_chat_list_delete(self, message: ChatList.Delete) -> None:
        self._delete(message.chat.id, message.chat.title)

    def _delete(self, chat_id: int, title: str) -> None:
        def deleted(sure: bool | None) -> None:
            if sure:
                self.history.delete(chat_id)
                if chat_id == self.chat_id:
                    self.action_new_chat()
                self._reload_chat_list()
                self._set_status(f"Deleted the chat “{title}”.")

        self.push_screen(Confirm(f"Delete the chat “{title}” and its answers?"), deleted)

    def _this_chat(self) -> tuple[int, str] | None:
        chat = next((c for c in self.history.chats() if c.id == self.chat_id), None)
        if chat is None:
            self.tell("No saved chat is open: ask a question first.", "warning")
            return None
        return chat.id, chat.title

    def action_rename_chat(self) -> None:
        chat = self._this_chat()
        if chat is not None:
            self._rename(*chat)

    def action_delete_chat(self) -> None:
        chat = self._this_chat()
        if chat is not None:
            self._delete(*chat)

    def action_export(self) -> None:
        if not self.conversation.turns:
            self.tell("Nothing to export yet.", "warning")
            return
        default = self.export_folder / time.strftime("qa-chat-%Y%m%d-%H%M%S.md")
        self.push_screen(TextPrompt("Save the chat as Markdown to:", str(default)), self.export_to)

    def export_to(self, where: str | None) -> None:
        if not where:
            return
        path = Path(where).expanduser()
        if not path.is_absolute():
            path = self.export_folder / path
        try:
            path.write_text(chat_markdown(self.conversation), encoding="utf-8")
        except OSError as error:
            self.tell(f"cannot write {path}: {error.strerror}; pick another path", "error")
            return
        self._set_status(f"Exported the chat to {path}")

    def action_switch_library(self) -> None:
        self.push_screen(LibraryPrompt(library_names(), self._library_name()), self.switch_library)

    def switch_library(self, name: str | None) -> None:
        """Open another library; one that does not exist yet is created only when confirmed."""
        if not name:
            return
        folder = library_folder(name)
        if is_library(folder):
            self._open_library(folder)
            return

        def create(sure: bool | None) -> None:
            if sure:
                self._open_library(folder)

        known = ", ".join(library_names()) or "none yet"
        self.push_screen(
            Confirm(f"There is no library at {folder} (libraries: {known}). Create it?"), create
        )

    def _open_library(self, folder: Path) -> None:
        self.settings = replace(self.settings, library=folder)
        self.asker = self.asker_factory(self.settings)
        if self._owns_history:
            self.history.close()
        self.history = History(self.settings.library)
        self._owns_history = True
        self.action_new_chat()
        self._reload_chat_list()
        self._show_library()
        self._show_answer_line()
        self._stamp = library_stamp(folder)
        self.query_one(QuestionInput).recall_from(self.history.questions())
        self._set_status(LOADING)
        self._warm_up()

    # -- the answer line ----------------------------------------------------------------------

    def _answer_line(self) -> float | None:
        """The library's answer line, or None (said in a toast) when its preferences.json
        cannot be read: the chat still opens, and asking says the same error."""
        try:
            return self.asker.min_confidence
        except QAError as error:
            self.tell(f"⚠ {error}", "error")
            return None

    def _show_answer_line(self) -> None:
        self.query_one(AnswerLineLabel).show(self._answer_line())

    def action_answer_line(self) -> None:
        prompt = AnswerLinePrompt(self._answer_line(), self._library_name())
        self.push_screen(prompt, self.set_answer_line)

    def set_answer_line(self, line: float | None) -> None:
        """Answer the next question with `line` and keep it for this library (None: cancelled)."""
        if line is None:
            return
        try:
            self.asker.set_min_confidence(line, save=True)
        except QAError as error:
            self.tell(f"⚠ {error}", "error")
            return
        self._show_answer_line()
        self.tell(
            f"Answer line: {percent(line)}. From the next question, answers less likely than "
            f"that to be right are declined (kept for {self._library_name()})."
        )

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
        self._set_status(message)
        if severity != "information":
            self.tell(message, severity)

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
            "Library: folders and files",
            "What is indexed; add or remove a folder, re-index (Ctrl+L)",
            self.action_library,
        )
        yield SystemCommand(
            "Answer line: when to answer",
            "Answer only when at least this likely to be right; kept for this library",
            self.action_answer_line,
        )
        yield SystemCommand("Rename this chat", "Give this chat a title", self.action_rename_chat)
        yield SystemCommand(
            "Delete this chat", "Forget this chat and its answers", self.action_delete_chat
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
    install_paste_filter()
    return QAApp(settings, asker_factory, export_folder, history)
