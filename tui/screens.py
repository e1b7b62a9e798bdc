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
from textual.widgets import Input, Static

from qa.render import safe, safe_block
from qa.sources import SourceView

KEYS: list[tuple[str, str]] = [
    ("Enter", "ask the question typed in the box"),
    ("Up / Down", "recall earlier questions (in the question box)"),
    ("Esc", "cancel the answer in progress (or close a screen)"),
    ("Tab / Shift+Tab", "move between the question box and the citations"),
    ("Enter on a citation", "open the whole article at the cited sentence"),
    ("Click a citation", "show its passage in the sources pane (double-click opens it)"),
    ("y", "copy the selected (or last) answer with its citation"),
    ("/  or  Ctrl+F", "find text in the chat; Enter jumps to the next match"),
    ("Ctrl+N", "new chat"),
    ("Ctrl+S", "show or hide the sources pane"),
    ("Ctrl+B", "show or hide the saved chats"),
    ("Ctrl+R", "refresh the index from your article folders"),
    ("Ctrl+P", "command palette: new chat, refresh, switch library, export, toggle sources"),
    ("F1  or  ?", "this help"),
    ("Ctrl+Q", "quit"),
    ("Ctrl+A/E/W/U/K", "readline editing in the question box"),
]


class HelpScreen(ModalScreen[None]):
    """Every key the chat understands."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,question_mark,q", "dismiss", "Close")
    ]

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
            " · ".join(p for p in (safe(view.source), safe(view.date)) if p), style="dim"
        )
        with Vertical(id="article-box"):
            yield Static(heading, id="article-heading")
            with VerticalScroll(id="article-body"):
                if view.omitted_before:
                    yield Static(_omitted(view.omitted_before, "before", view.source))
                yield Static(Text(safe_block(view.before)))
                yield Static(Text(safe_block(view.sentence), style="bold reverse"), id="cited")
                yield Static(Text(safe_block(view.after)))
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
    """Asks for the library to switch to: a name under $QA_HOME or a folder path."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss('')", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="prompt-box"):
            yield Static("Switch library: a name (e.g. work) or a folder path. Esc cancels.")
            yield Input(placeholder="library name or path", id="library-input")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())
