"""The chat's building blocks: the question box, one question-and-answer turn, the sources pane."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from qa import Answer, Citation
from qa.render import citation_line, safe, safe_block
from qa.sources import SourceView


class QuestionInput(Input):
    """The question box: Enter asks; up and down recall earlier questions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "recall(-1)", "Earlier question", show=False),
        Binding("down", "recall(1)", "Later question", show=False),
        Binding("tab", "app.focus_citations", "Citations", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(placeholder="Ask your articles…  (Enter to ask, F1 for help)", **kwargs)  # type: ignore[arg-type]
        self.asked: list[str] = []
        self._cursor = 0

    def remember(self, question: str) -> None:
        if not self.asked or self.asked[-1] != question:
            self.asked.append(question)
        self._cursor = len(self.asked)

    def action_recall(self, step: int) -> None:
        if not self.asked:
            return
        self._cursor = max(0, min(len(self.asked), self._cursor + step))
        self.value = self.asked[self._cursor] if self._cursor < len(self.asked) else ""
        self.cursor_position = len(self.value)


class CitationItem(Static, can_focus=True):
    """One numbered citation; selecting it shows the passage, Enter opens the article."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "open", "Open article")]

    class Selected(Message):
        def __init__(self, citation: Citation) -> None:
            super().__init__()
            self.citation = citation

    class Opened(Message):
        def __init__(self, citation: Citation) -> None:
            super().__init__()
            self.citation = citation

    def __init__(self, citation: Citation, quote: bool) -> None:
        line = Text(f"[{citation.number}] ", style="bold")
        line.append(citation_line(citation))
        if quote:
            line.append(f"\n    “{safe(citation.sentence)}”", style="dim")
        super().__init__(line)
        self.citation = citation

    def on_focus(self) -> None:
        self.post_message(self.Selected(self.citation))

    def on_click(self, event: events.Click) -> None:
        self.focus()
        if event.chain == 2:
            self.action_open()

    def action_open(self) -> None:
        self.post_message(self.Opened(self.citation))


def answer_body(answer: Answer) -> Text:
    """The short answer highlighted inside its sentence, or the not-found message."""
    if not answer.found:
        out = Text(answer.message or "Not found in your articles.", style="bold yellow")
        if answer.citations:
            out.append("\nThe closest passages:", style="dim")
        return out
    level = "green" if answer.confidence >= 0.7 else "yellow" if answer.confidence >= 0.4 else "red"
    out = Text()
    out.append(safe(answer.text), style="bold")
    out.append(f"  ● confidence {answer.confidence:.0%}\n", style=level)
    sentence = answer.sentence
    start, end = answer.highlight
    out.append("“" + safe(sentence[:start]))
    if sentence[start - 1 : start].isspace():
        out.append(" ")
    out.append(safe(sentence[start:end]), style="bold reverse")
    if sentence[end : end + 1].isspace():
        out.append(" ")
    out.append(safe(sentence[end:]) + "” [1]")
    if answer.also_said:
        out.append("\n" + answer.also_said, style="dim")
    return out


class Turn(Vertical):
    """One question and its answer (or a placeholder while it is being answered)."""

    def __init__(self, question: str) -> None:
        super().__init__(classes="turn")
        self.question = question
        self.answer: Answer | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text("› " + safe(self.question), style="bold"), classes="question")
        yield Static(Text("Searching your articles…", style="italic dim"), classes="answer")

    def show_answer(self, answer: Answer) -> None:
        self.answer = answer
        if answer.read_as:  # show how a follow-up was understood, so a misreading is visible
            heading = Text("› " + safe(self.question), style="bold")
            heading.append(f"\n  read as “{safe(answer.read_as)}”", style="not bold italic dim")
            self.query_one(".question", Static).update(heading)
        self.query_one(".answer", Static).update(answer_body(answer))
        for citation in answer.citations:
            self.mount(CitationItem(citation, quote=citation.number > 1 or not answer.found))

    def show_message(self, message: str) -> None:
        self.query_one(".answer", Static).update(Text(message, style="italic dim"))

    @property
    def searchable(self) -> str:
        parts = [self.question]
        if self.answer is not None:
            parts += [self.answer.text, self.answer.message]
            parts += [c.sentence + " " + c.title for c in self.answer.citations]
        return " ".join(parts).lower()


class ChatLog(VerticalScroll, can_focus=False):
    """The scrolling conversation; focus goes to its citations, not to the log itself."""


class SourcesPane(VerticalScroll):
    """The selected citation's passage, scrolled to the cited sentence, which is highlighted."""

    def compose(self) -> ComposeResult:
        yield Static(
            Text(
                "Sources\n\nSelect a citation to see its passage here; Enter opens the "
                "whole article.",
                style="dim",
            ),
            id="source-heading",
        )
        yield Static(id="source-before")
        yield Static(id="source-sentence")
        yield Static(id="source-after")

    @property
    def text(self) -> str:
        """Everything the pane shows, as plain text."""
        return "".join(str(widget.render()) for widget in self.query(Static))

    def show(self, view: SourceView) -> None:
        heading = Text(safe(view.title) + "\n", style="bold")
        heading.append(
            " · ".join(p for p in (safe(view.source), safe(view.date)) if p), style="dim"
        )
        self.query_one("#source-heading", Static).update(heading)
        self.query_one("#source-before", Static).update(Text(safe_block(view.before)))
        self.query_one("#source-sentence", Static).update(
            Text(safe_block(view.sentence), style="bold reverse")
        )
        self.query_one("#source-after", Static).update(Text(safe_block(view.after)))
        self.call_after_refresh(self._scroll_to_sentence)

    def _scroll_to_sentence(self) -> None:
        sentence = self.query_one("#source-sentence")
        self.scroll_to(y=max(0, sentence.virtual_region.y - 2), animate=False)
