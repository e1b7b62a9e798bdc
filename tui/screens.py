"""Screens over the chat: help, a whole article, and the library prompt."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from qa.answering.sources import SourceView
from qa.display.dates import shown_date
from qa.display.render import beside_sentence, safe, safe_block

KEYS: list[tuple[str, str]] = [
    ("Enter", "ask the question typed in the box"),
    ("Up / Down", "recall earlier questions, also from earlier runs (in the question box)"),
    ("Esc", "cancel the answer in progress (or close a screen, the find bar)"),
    ("Tab / Shift+Tab", "move between the question box and the citations"),
    (
        "Up / Down,  j / k",
        "on a citation: the previous or next one, through every answer (j/k stop at the ends)",
    ),
    ("Enter on a citation", "open the whole article at the cited sentence"),
    ("o  on a citation", "open the article in $EDITOR or $PAGER at that line (a URL: browser)"),
    ("y  on a citation", "copy that answer with its citation (also to xclip, wl-copy, pbcopy)"),
    ("e  on a citation", "bring that turn's question back into the box, to edit and ask again"),
    ("l  on a citation", "that answer at length: its paragraph and every answer found"),
    ("Click a citation", "show its passage in the sources pane (double-click opens it)"),
    ("Typing anywhere", "goes to the question box (keys such as y act where the footer shows)"),
    ("/  or  Ctrl+F", "find in the chat; Enter or Down: next match, Up: previous"),
    ("Ctrl+N", "new chat"),
    ("Ctrl+T", "new topic: the next question is read on its own, not as a follow-up"),
    ("Ctrl+S", "show or hide the sources pane"),
    ("Ctrl+B", "saved chats, newest first; r renames, d deletes, Enter opens"),
    ("Ctrl+R", "refresh the index from your article folders"),
    ("Ctrl+L", "the library: folders and articles, unreadable files; add, remove, re-index"),
    (
        "Ctrl+P",
        "command palette: new chat, refresh, switch library, export, rename, delete, answer line",
    ),
    ("F1", "this help"),
    ("Ctrl+Q", "quit (the chat is saved; the next start reopens it)"),
    ("Ctrl+A/E/W/U/K", "readline editing in the question box"),
]


class HelpScreen(ModalScreen[None]):
    """Every key the chat understands."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        # A grid wraps each meaning inside its own column, and the box scrolls, so the help reads
        # well in an 80x24 terminal too.
        keys = Table.grid(padding=(0, 2))
        keys.add_column(style="bold", no_wrap=True)
        keys.add_column()
        for key, meaning in KEYS:
            keys.add_row(key, meaning)
        follow_ups = Text(
            '"what did he say?" or a bare "when?" is read with the chat so far; the line under '
            "such a question shows how it was read."
        )
        with VerticalScroll(id="help-box"):
            yield Static(
                Group(
                    Text("Keys\n", style="bold"),
                    keys,
                    Text("\nFollow-ups\n", style="bold"),
                    follow_ups,
                    Text("\nAnswer line\n", style="bold"),
                    Text(
                        "The percentage with an answer is its chance of being right. The chat "
                        "declines answers less likely than the answer line at the bottom right; "
                        "click it or choose Answer line in Ctrl+P to change it for this library."
                    ),
                    Text("\nEsc closes this help; the arrows scroll it.", style="dim"),
                )
            )


class ArticleScreen(ModalScreen[None]):
    """A whole article, scrolled to the cited sentence, which is highlighted."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "dismiss", "Close")]

    def __init__(self, view: SourceView) -> None:
        super().__init__()
        self.view = view

    def compose(self) -> ComposeResult:
        view = self.view
        heading = Text(safe(view.title) + "\n", style="bold")
        heading.append(
            " · ".join(p for p in (safe(view.source), safe(shown_date(view.date))) if p),
            style="dim",
        )
        with Vertical(id="article-box"):
            yield Static(heading, id="article-heading")
            with VerticalScroll(id="article-body"):
                if view.omitted_before:
                    yield Static(_omitted(view.omitted_before, "before", view.source))
                before, after = beside_sentence(safe_block(view.before), safe_block(view.after))
                yield Static(Text(before))
                yield Static(Text(safe_block(view.sentence), style="bold reverse"), id="cited")
                yield Static(Text(after), id="after-cited")
                if view.omitted_after:
                    yield Static(_omitted(view.omitted_after, "after", view.source))
            yield Static(Text("Esc closes the article.", style="dim"))

    def on_mount(self) -> None:
        self.call_after_refresh(self._scroll_to_sentence)

    def _scroll_to_sentence(self) -> None:
        self.query_one("#cited").scroll_visible(top=True, animate=False)


def _omitted(characters: int, where: str, source: str) -> Text:
    """The note that stands for the part of a very long article that is not shown."""
    return Text(
        f"[{characters:,} more characters {where} this part of a long article: "
        f"the whole text is in {safe(source)}]\n",
        style="italic dim",
    )


class LibraryPrompt(ModalScreen[str]):
    """Asks for the library to switch to: one of those listed, another name, or a folder."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss('')", "Cancel")]

    def __init__(self, names: list[str], current: str) -> None:
        super().__init__()
        self.names = names
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box"):
            yield Static("Switch library: pick one, or type a name or a folder path. Esc cancels.")
            options = OptionList(*[Option(name, id=name) for name in self.names], id="library-list")
            options.display = bool(self.names)
            yield options
            yield Input(
                placeholder="library name or path",
                id="library-input",
                suggester=SuggestFromList(self.names, case_sensitive=False),
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.names:
            options.highlighted = (
                self.names.index(self.current) if self.current in self.names else 0
            )
            options.focus()
        else:
            self.query_one(Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id or "")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())


class TextPrompt(ModalScreen[str]):
    """Asks for one line of text (a chat's new title, where to save an export)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss('')", "Cancel")]

    def __init__(self, question: str, value: str) -> None:
        super().__init__()
        self.question = question
        self.initial = value

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box"):
            yield Static(f"{self.question}  Enter accepts, Esc cancels.")
            yield Input(value=self.initial, id="prompt-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())


class Confirm(ModalScreen[bool]):
    """A yes-or-no question (delete a chat, create a library)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "dismiss(True)", "Yes"),
        Binding("n,escape", "dismiss(False)", "No"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box"):
            yield Static(f"{self.question}\n\ny: yes    n or Esc: no")
