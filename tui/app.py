"""The chat app: ask in the box, read answers with citations, open sources, keep past chats.

The app composes the panes, holds what they share (the library's asker, the saved chats, the
open conversation), keeps the app-wide keys and routes messages; each pane owns its own work:
tui/chat_log.py asks, tui/sources.py shows citations, tui/chats.py renames and deletes,
tui/status_bar.py loads and refreshes, tui/answer_line.py sets the line."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Header, Input, Static

from qa import Asker, Chat, Conversation, History, QAError, Settings, open_asker
from qa.answering.sanitize import one_line
from qa.display.render import counted

from .answer_line import AnswerLineLabel
from .chat_log import ChatLog
from .chats import ChatItem, ChatList
from .commands import palette_commands
from .export import export_chat
from .find import FindBar
from .library_screen import LibraryScreen
from .library_switch import ask_for_library
from .more import edit_question, open_in_program, show_at_length
from .paste import install as install_paste_filter
from .screens import HelpScreen
from .sources import SourcesPane
from .status_bar import StatusBar
from .widgets import CitationItem, QuestionInput

AskerFactory = Callable[[Settings], Asker]


class QAApp(App[None]):
    """`qa chat`: a conversation with your articles."""

    CSS_PATH = "qa.tcss"
    TITLE = "qa"
    # Only keys with Ctrl or F: printable keys belong to the question box wherever the focus
    # is, and the one-key commands (y, /, j, k, r, d) live on the widgets whose footer shows them.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", show=False),
        Binding("ctrl+n", "new_chat", "New"),
        Binding("ctrl+t", "new_topic", "New topic", show=False),
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
        keep_current: bool = False,
    ) -> None:
        super().__init__()
        self.keep_current = keep_current
        """Index changes in the library's folders in the background (tui/background.py)."""
        self.settings = settings
        self.asker_factory = asker_factory
        self.export_folder = export_folder or Path.cwd()
        self.asker = asker_factory(settings)
        self.owns_history = history is None
        """Whether the chat closes its history (one handed in is closed by its owner)."""
        self.history = history or History(settings.library)
        self.session = Chat(self.asker, self.history)
        """The open conversation: its turns, its saved chat, the asker that answers it."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            yield ChatList(id="sidebar")
            yield ChatLog(id="conversation")
            yield SourcesPane(id="sources")
        yield FindBar(id="find-bar")
        yield StatusBar(id="status-bar")
        yield QuestionInput(id="question")
        yield Footer(compact=True)  # at 80 columns the footer was cut ("^r Refr")

    def on_mount(self) -> None:
        self.query_one("#sources").display = self.size.width >= 100
        self.query_one("#question").focus()
        bar = self.query_one(StatusBar)
        bar.show_library()
        self.query_one(AnswerLineLabel).show_current()
        self.query_one(ChatList).reload()
        self._reopen_last_chat()
        bar.watch_library(self.keep_current)
        bar.load()

    def _reopen_last_chat(self) -> None:
        """Start where the last run ended: its chat, at its last answer; earlier questions
        ready for Up."""
        self.query_one(QuestionInput).recall_from(self.history.questions())
        last = self.history.last_chat()
        if last is not None:
            self.open_chat(last.id)
            self.set_status(
                f"Reopened your last chat, “{last.title}” ({counted(last.turns, 'question')})."
                " Ctrl+N starts a new one."
            )

    # -- what the panes share ----------------------------------------------------------------

    @property
    def library_name(self) -> str:
        """The open library's name, as the header and prompts show it."""
        return self.settings.library.name

    @property
    def selected(self) -> CitationItem | None:
        """The citation whose passage the sources pane shows."""
        return self.query_one(SourcesPane).selected

    def set_status(self, text: str) -> None:
        """Say `text` in the status bar."""
        self.query_one(StatusBar).say(text)

    def tell(self, message: str, severity: str = "information") -> None:
        """A toast, replacing any still shown: one at a time, never a pile."""
        self.clear_notifications()
        self.notify(message, severity=severity)  # type: ignore[arg-type]

    def show_welcome(self, problem: QAError | None, titles: list[str]) -> None:
        """On an empty chat, what to do first or what to ask about (from the status bar's
        loading worker, which found out)."""
        self.query_one(ChatLog).show_welcome(problem, titles)

    @property
    def conversation(self) -> Conversation:
        """The open chat's turns, oldest first."""
        return self.session.conversation

    @property
    def chat_id(self) -> int | None:
        """The open chat's id among the saved chats; None until its first question."""
        return self.session.chat_id

    # -- messages from the panes ---------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "question":
            return
        question = one_line(event.value)
        if not question:
            self.set_status("Type a question first.")
            return
        box = self.query_one(QuestionInput)
        box.remember(question)
        self.history.remember_question(question)
        box.value = ""
        self.query_one(ChatLog).ask(question)

    def on_citation_item_selected(self, message: CitationItem.Selected) -> None:
        item = next((i for i in self.query(CitationItem) if i.citation is message.citation), None)
        if item is not None:
            self.query_one(SourcesPane).select(item)

    def on_citation_item_opened(self, message: CitationItem.Opened) -> None:
        self.query_one(SourcesPane).open_article(message.citation)

    def on_question_input_pasted(self, message: QuestionInput.Pasted) -> None:
        if message.lines > 1:
            self.set_status(f"Pasted {message.lines} lines as one question.")
        elif message.cleaned:
            self.set_status("Pasted, without its control characters.")

    def on_input_changed(self, event: Input.Changed) -> None:
        # The paste's notice is about the box's text: it goes with it (it stayed after Ctrl+U).
        if event.input.id == "question" and not event.value:
            bar = self.query_one(StatusBar)
            if bar.text.startswith("Pasted"):
                bar.say("Ready.")

    def on_list_view_selected(self, event: ChatList.Selected) -> None:
        if isinstance(event.item, ChatItem):
            self.open_chat(event.item.chat.id)

    def on_chat_list_rename(self, message: ChatList.Rename) -> None:
        self.query_one(ChatList).rename_chat(message.chat.id, message.chat.title)

    def on_chat_list_delete(self, message: ChatList.Delete) -> None:
        self.query_one(ChatList).delete_chat(message.chat.id, message.chat.title)

    def on_paste(self, event: events.Paste) -> None:
        """A paste while a citation has the focus goes to the question box, as typing does
        (it was lost)."""
        if isinstance(self.screen, ModalScreen) or isinstance(self.focused, Input):
            return
        event.stop()
        box = self.query_one(QuestionInput)
        self.screen.set_focus(box)
        box.post_message(events.Paste(event.text))

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

    # -- actions: the app's keys, the palette, and the panes' "app." bindings ----------------

    def action_cancel(self) -> None:
        find = self.query_one(FindBar)
        if find.display:
            find.close()
            self.query_one("#question").focus()
            return
        if self.query_one(ChatLog).cancel():
            self.set_status("Cancelled.")

    def action_move_citation(self, step: int, leave: bool = True) -> None:
        self.query_one(ChatLog).move_citation(step, leave)

    def action_focus_citations(self) -> None:
        self.query_one(ChatLog).focus_citations(self.selected)

    def action_copy(self) -> None:
        # The citation `y` was pressed on, else the one shown in the sources pane: that one
        # can lag a key behind (its Selected message still queued).
        self.query_one(ChatLog).copy_answer(self.citation_in_hand)

    @property
    def citation_in_hand(self) -> CitationItem | None:
        """The citation a key was pressed on, else the one the sources pane shows."""
        focused = self.focused
        return focused if isinstance(focused, CitationItem) else self.selected

    def action_open_source(self) -> None:
        open_in_program(self, self.citation_in_hand)

    def action_edit_turn(self) -> None:
        edit_question(self, self.query_one(ChatLog).current_turn(self.citation_in_hand))

    def action_long_answer(self) -> None:
        show_at_length(self, self.query_one(ChatLog).current_turn(self.citation_in_hand))

    def action_new_topic(self) -> None:
        """Follow-ups from here on are read without the turns before (the chat goes on)."""
        if not self.conversation.turns:
            self.set_status("A new topic already: nothing asked yet.")
            return
        self.session.new_topic()  # the turns before stay in the chat and its saved copy
        log = self.query_one(ChatLog)
        log.mount(Static("── new topic ──", classes="topic"))
        log.scroll_end(animate=False)
        self.query_one("#question").focus()
        self.set_status("New topic: the next question is read on its own.")

    def action_find(self) -> None:
        self.query_one(FindBar).open()

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
            sidebar.reload()  # its counts were those of when the open chat began: "0 questions"
            if sidebar.index is None and sidebar.children:
                sidebar.index = 0
            sidebar.focus()
        else:  # the focus was left on the hidden list: Tab then typed into the question box
            self.query_one("#question").focus()

    def action_new_chat(self) -> None:
        self.session = Chat(self.asker, self.history)
        self.query_one(ChatLog).clear()
        self.query_one(SourcesPane).clear()
        self.query_one("#question").focus()
        self.set_status("New chat.")

    def open_chat(self, chat_id: int) -> None:
        """Show a saved chat at its last answer; new questions continue it."""
        self.action_new_chat()
        self.session = Chat(self.asker, self.history, chat_id)
        self.query_one(ChatLog).show_chat(self.conversation)
        self.set_status(
            f"Opened a saved chat ({counted(len(self.conversation.turns), 'question')})."
        )

    def action_rename_chat(self) -> None:
        chats = self.query_one(ChatList)
        chat = chats.open_one()
        if chat is not None:
            chats.rename_chat(*chat)

    def action_delete_chat(self) -> None:
        chats = self.query_one(ChatList)
        chat = chats.open_one()
        if chat is not None:
            chats.delete_chat(*chat)

    def action_export(self) -> None:
        export_chat(self)

    def action_switch_library(self) -> None:
        ask_for_library(self)

    def action_answer_line(self) -> None:
        self.query_one(AnswerLineLabel).choose()

    def action_refresh_index(self) -> None:
        self.query_one(StatusBar).refresh_index()

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield from palette_commands(self)

    def on_unmount(self) -> None:
        if self.owns_history:
            self.history.close()


def make_app(
    settings: Settings,
    asker_factory: AskerFactory = open_asker,
    export_folder: Path | None = None,
    history: History | None = None,
    keep_current: bool = False,
) -> QAApp:
    """The chat app over the library in `settings`; tests pass their own parts. With
    `keep_current` (as `qa chat` runs it) changed articles are indexed in the background."""
    install_paste_filter()
    return QAApp(settings, asker_factory, export_folder, history, keep_current)
