"""Find in the chat: the words marked, "2 of 5", next and previous, marks cleared on close."""

from __future__ import annotations

import re
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.widgets import Input, Static

from .widgets import Turn


class FindBar(Horizontal):
    """The find bar over the question box (`/` on a citation, or Ctrl+F)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "step(1)", "Next match", show=False),
        Binding("up", "step(-1)", "Previous match", show=False),
    ]

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.matches: list[Turn] = []
        """The turn of each match of the text, in the order they appear."""
        self.current = 0

    def compose(self) -> ComposeResult:
        yield Input(
            placeholder="Find in this chat… (Enter/Down: next, Up: previous, Esc: close)",
            id="find",
        )
        yield Static("", id="find-count")

    def open(self) -> None:
        self.display = True
        self.query_one(Input).focus()

    def close(self) -> None:
        """The bar goes, and its marks with it."""
        self.display = False
        for turn in self.screen.query(Turn):
            turn.remove_class("found")
            turn.mark(None)
        self.matches = []

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_step(1)

    def search(self, text: str) -> None:
        """Mark every match of `text` in the chat and go to the first."""
        needle = text.strip()
        pattern = re.compile(re.escape(needle), re.IGNORECASE) if needle else None
        self.matches = []
        for turn in self.screen.query(Turn):
            self.matches += [turn] * turn.mark(pattern)
        self.current = 0
        self._show()

    def action_step(self, step: int) -> None:
        """The next (1) or previous (-1) match, round the end."""
        if self.matches:
            self.current = (self.current + step) % len(self.matches)
        self._show()

    def _show(self) -> None:
        count = self.query_one("#find-count", Static)
        for turn in self.screen.query(Turn):
            turn.remove_class("found")
        if not self.matches:
            count.update("no match" if self.query_one(Input).value.strip() else "")
            return
        turn = self.matches[self.current]
        turn.add_class("found")
        turn.scroll_visible(animate=False)
        count.update(f"{self.current + 1} of {len(self.matches)}")
