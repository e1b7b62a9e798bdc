"""The chat's building blocks: the question box, a citation, one question-and-answer turn."""

from __future__ import annotations

import re
from typing import ClassVar

from rich.cells import cell_len
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Static

from qa import NOT_FOUND, Answer, Citation
from qa.answering.sanitize import one_line
from qa.display.dates import shown_date
from qa.display.render import candidates_line, quoted_answer, safe, shown_candidates


class QuestionInput(Input):
    """The question box: Enter asks; up and down recall earlier questions (kept per library)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "recall(-1)", "Earlier question", show=False),
        Binding("down", "recall(1)", "Later question", show=False),
        Binding("tab", "app.focus_citations", "Citations", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        # No select-all on focus: a key typed elsewhere lands here and must not be replaced.
        super().__init__(
            placeholder="Ask your articles…  (Enter to ask, F1 for help)",
            select_on_focus=False,
            **kwargs,  # type: ignore[arg-type]
        )
        self.asked: list[str] = []
        self._cursor = 0

    class Pasted(Message):
        """A paste was cleaned: `lines` lines joined into one question."""

        def __init__(self, lines: int, cleaned: bool) -> None:
            super().__init__()
            self.lines = lines
            self.cleaned = cleaned

    def remember(self, question: str) -> None:
        if question in self.asked:  # a repeat moves to the end, as in a shell with erasedups
            self.asked.remove(question)
        self.asked.append(question)
        self._cursor = len(self.asked)

    def recall_from(self, questions: list[str]) -> None:
        """Start from questions asked before (in earlier runs of the chat)."""
        self.asked = list(questions)
        self._cursor = len(self.asked)

    def _on_paste(self, event: events.Paste) -> None:
        # Textual keeps only a paste's first line, escape bytes included: a question pasted from
        # a terminal or a document arrives whole, on one line, without control sequences.
        event.stop()
        event.prevent_default()  # Input's own paste handler must not insert it again
        text = one_line(event.text)
        if text:
            selection = self.selection
            if selection.is_empty:
                self.insert_text_at_cursor(text)
            else:
                self.replace(text, *selection)
        lines = len([line for line in event.text.splitlines() if line.strip()])
        self.post_message(self.Pasted(lines, text != event.text.strip()))

    def action_recall(self, step: int) -> None:
        if not self.asked:
            return
        self._cursor = max(0, min(len(self.asked), self._cursor + step))
        self.value = self.asked[self._cursor] if self._cursor < len(self.asked) else ""
        self.cursor_position = len(self.value)


REMOVED = "this article has been removed from the library"


class CitationItem(Static, can_focus=True):
    """One numbered citation; selecting it shows the passage, Enter opens the article."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open"),
        Binding("up", "app.move_citation(-1)", "Previous", show=False),
        Binding("down", "app.move_citation(1)", "Next", show=False),
        # j and k stop at the ends: past the last they went to the question box, and a held j
        # typed "jjj" into it.
        Binding("k", "app.move_citation(-1, False)", "Previous", show=False),
        Binding("j", "app.move_citation(1, False)", "Next", show=False),
        Binding("y", "app.copy", "Copy"),
        Binding("o", "app.open_source", "Open in editor", show=False),
        Binding("e", "app.edit_turn", "Edit question", show=False),
        Binding("l", "app.long_answer", "At length", show=False),
        Binding("slash", "app.find", "Find"),
    ]

    class Selected(Message):
        def __init__(self, citation: Citation) -> None:
            super().__init__()
            self.citation = citation

    class Opened(Message):
        def __init__(self, citation: Citation) -> None:
            super().__init__()
            self.citation = citation

    def __init__(self, citation: Citation, quote: bool) -> None:
        super().__init__()
        self.citation = citation
        self.quote = quote
        self.marked: re.Pattern[str] | None = None
        """Words to mark (a find in the chat)."""
        self.removed = False
        """Its article is no longer in the library (tui/sources.py found it gone)."""

    def render(self) -> Table:
        # The number in a column of its own, so that wrapped lines hang under the title; drawn
        # at the width it has, so that the path is shortened at a folder rather than wrapped in
        # the middle of a name.
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True, style="bold")
        grid.add_column(ratio=1)
        grid.add_row(f"[{self.citation.number}]", self.text(max(20, self.content_size.width - 5)))
        return grid

    def text(self, width: int = 80) -> Text:
        """Title · date · page, the path, and the quoted sentence, marked by a find."""
        citation = self.citation
        details = [safe(citation.title), safe(shown_date(citation.date))]
        if citation.page:
            details.append(f"p. {citation.page}")
        line = Text(" · ".join(part for part in details if part))
        line.append("\n" + fit_path(safe(citation.source), width), style="dim")
        if self.quote:
            line.append(f"\n“{safe(citation.sentence)}”", style="dim")
        if self.removed:
            line.append(f"\n⚠ {REMOVED}", style="yellow")
        return marked(line, self.marked)

    @property
    def searchable(self) -> str:
        return f"{self.citation.title} {self.citation.source} {self.citation.sentence}"

    def on_focus(self) -> None:
        self.post_message(self.Selected(self.citation))

    def on_click(self, event: events.Click) -> None:
        self.focus()
        if event.chain == 2:
            self.action_open()

    def action_open(self) -> None:
        self.post_message(self.Opened(self.citation))


LIKELY_RIGHT = 0.7
"""From here the dot is green: the answers kept at a 0.7 line were right 85% of the time
(risk-coverage table in docs/quality.md: 85.2 EM on the fitting half, 84.3 on held-out articles)."""
MORE_RIGHT_THAN_WRONG = 0.5
"""Under this the dot is red: the confidence is the calibrated chance of being right, so such an
answer is more likely wrong than right."""


def confidence_colour(confidence: float) -> str:
    """The dot's colour for a calibrated chance of being right.

    The bands are fixed on the same scale as the person's answer line, not moved with it, so a
    colour means the same whatever the line: with the line at 0.5 an answer just above it is
    yellow (right about half the time, not "sure"); under the default line 0.05, answers between
    0.05 and 0.5 are shown but red, a warning that they are more likely guesses than facts; with
    the line at 0.7 or above, every answer shown is green, which is what that person asked for.
    (The old 0.4 for red was set on the uncalibrated score, where most answers showed 90%+.)"""
    if confidence >= LIKELY_RIGHT:
        return "green"
    if confidence >= MORE_RIGHT_THAN_WRONG:
        return "yellow"
    return "red"


def answer_body(answer: Answer) -> Text:
    """The short answer highlighted inside its sentence, or why it was declined.

    A decline has no dot: a question that nothing answers has no meaningful confidence, and
    an answer found below the line gives its chance in its message ("Found “70” (3%), below
    your 5% line."), where a coloured dot would make it look like an answer."""
    if not answer.found:
        out = Text(safe(answer.message) or NOT_FOUND, style="bold yellow")
        candidates = shown_candidates(answer)
        if candidates:
            out.append("\n")
            out.append_text(candidates_line("Candidates", candidates))
        if answer.citations:
            out.append("\nThe closest passages:", style="dim")
        return out
    out = Text()
    out.append(safe(answer.text), style="bold")
    out.append(
        f"  ● confidence {answer.confidence:.0%}\n", style=confidence_colour(answer.confidence)
    )
    out.append_text(quoted_answer(answer))
    if answer.unmet_note:  # what the question asks that the cited text never mentions
        out.append("\n" + safe(answer.unmet_note), style="yellow")
    if answer.also_said:
        out.append("\n" + answer.also_said, style="dim")
    others = shown_candidates(answer)
    if others:
        out.append("\n")
        out.append_text(candidates_line("Other candidates", others))
    return out


class Turn(Vertical):
    """One question and its answer (or a placeholder while it is being answered)."""

    def __init__(self, question: str, answer: Answer | None = None) -> None:
        super().__init__(classes="turn")
        self.question = question
        self.answer = answer
        self._answer_text = (
            answer_body(answer)
            if answer is not None
            else Text("Searching your articles…", style="italic dim")
        )
        self._marked: re.Pattern[str] | None = None

    def compose(self) -> ComposeResult:
        # The "›" sits in its own column, so a long question's wrapped lines hang under its text.
        with Horizontal(classes="question-row"):
            yield Static("›", classes="prompt")
            yield Static(self._question_text(), classes="question")
        yield Static(self._answer_text, classes="answer")
        if self.answer is not None:  # a saved chat: drawn whole at once
            yield from self._citation_items(self.answer)

    def _question_text(self) -> Text:
        heading = Text(safe(self.question), style="bold")
        if self.answer is not None and self.answer.read_as:
            # How a follow-up was understood, so that a misreading is plain to see.
            heading.append(f"\nread as “{safe(self.answer.read_as)}”", style="not bold italic dim")
        return heading

    def _citation_items(self, answer: Answer) -> list[CitationItem]:
        return [
            CitationItem(citation, quote=citation.number > 1 or not answer.found)
            for citation in answer.citations
        ]

    def show_answer(self, answer: Answer) -> None:
        self.answer = answer
        self._answer_text = answer_body(answer)
        self._redraw()
        self.mount_all(self._citation_items(answer))

    def show_message(self, message: str) -> None:
        self._answer_text = Text(message, style="italic dim")
        self._redraw()

    def mark(self, pattern: re.Pattern[str] | None) -> int:
        """Mark every match of `pattern` in the question, answer and citations (None clears
        the marks); the number of matches marked."""
        self._marked = pattern
        self._redraw()
        for item in self.query(CitationItem):
            item.marked = pattern
            item.refresh()
        if pattern is None:
            return 0
        texts = [self.question, self._answer_text.plain]
        texts += [item.searchable for item in self.query(CitationItem)]
        return sum(len(pattern.findall(text)) for text in texts)

    def _redraw(self) -> None:
        self.query_one(".question", Static).update(marked(self._question_text(), self._marked))
        self.query_one(".answer", Static).update(marked(self._answer_text, self._marked))


MARK_STYLE = "bold black on yellow"


def marked(text: Text, pattern: re.Pattern[str] | None) -> Text:
    """`text` with every match of `pattern` marked (a copy; the original is left as it was)."""
    if pattern is None:
        return text
    copy = text.copy()
    copy.highlight_regex(pattern, style=MARK_STYLE)
    return copy


def fit_path(path: str, width: int) -> str:
    """A path that fits `width` cells: whole when it fits, else its end from a folder boundary,
    after "…/", so a name is never cut in the middle by a wrap."""
    if cell_len(path) <= width:
        return path
    parts = path.split("/")
    tail = parts[-1]
    for part in reversed(parts[:-1]):
        if cell_len(f"…/{part}/{tail}") > width:
            break
        tail = f"{part}/{tail}"
    return f"…/{tail}"
