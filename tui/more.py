"""What a citation's keys do beyond the chat: open the source in the person's own programs,
bring a turn's question back to edit, show an answer at length."""

from __future__ import annotations

import subprocess
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import SuspendNotSupported
from textual.widgets import Static

from qa import QAError
from qa.display.opening import every_candidate, open_citation, paragraph_around
from qa.display.render import safe_block

from .widgets import CitationItem, QuestionInput, Turn

if TYPE_CHECKING:
    from .app import QAApp


def open_in_program(app: QAApp, item: CitationItem | None) -> None:
    """The cited article in $EDITOR or $PAGER at its sentence (the chat steps aside until the
    program ends), or a web article in the browser."""
    if item is None:
        app.tell("Select a citation first (Tab), then o opens its article.", "warning")
        return

    def run(command: list[str]) -> None:
        try:
            with app.suspend():
                subprocess.run(command, check=False)
        except SuspendNotSupported:  # no terminal to hand over (a test, a web console)
            subprocess.run(command, check=False)

    try:
        app.tell(open_citation(item.citation, run=run))
    except QAError as error:
        app.tell(f"cannot open the article: {error}", "error")


def edit_question(app: QAApp, turn: Turn | None) -> None:
    """Bring `turn`'s question back into the box, to change and ask again."""
    if turn is None:
        app.tell("Nothing to edit yet.", "warning")
        return
    box = app.query_one(QuestionInput)
    box.value = turn.question
    box.cursor_position = len(turn.question)
    box.focus()
    app.set_status("Edit the question; Enter asks it again (Esc leaves the box as it is).")


def show_at_length(app: QAApp, turn: Turn | None) -> None:
    """Under `turn`'s answer: the paragraph around its sentence and every distinct answer
    found, each with its citation (again: hides them)."""
    if turn is None or turn.answer is None:
        app.tell("Nothing to show at length yet.", "warning")
        return
    shown = turn.query(".more")
    if shown:
        shown.remove()
        return
    answer = turn.answer
    out = Text()
    if answer.found and answer.citations:
        citation = answer.citations[0]
        try:
            text = app.asker.with_library(
                lambda library: library.article(citation.article_id).article.text
            )
        except (QAError, KeyError) as error:
            app.tell(f"cannot read the article: {error}", "error")
            return
        out.append("In full\n", style="bold")
        out.append(
            safe_block(paragraph_around(text, citation.sentence_start, citation.sentence_end))
        )
        out.append("\n\n")
    if answer.candidates:
        out.append("Every answer found\n", style="bold")
        out.append_text(every_candidate(answer))
    answer_text = turn.query_one(".answer", Static)
    turn.mount(Static(out, classes="more"), after=answer_text)
