"""The answer line in the chat: the lowest chance of being right at which the chat still answers,
shown in the status bar and chosen from measured choices or typed (saved per library)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from qa import DEFAULT_MIN_CONFIDENCE, PreferenceError, QAError
from qa.display.chance import parse_chance, percent

if TYPE_CHECKING:
    from .app import QAApp


@dataclass(frozen=True)
class LineChoice:
    """One line offered in the chat, with what it did on measured questions."""

    line: float
    answered: float
    """Share of the questions answered (not declined) at this line."""
    right: float
    """Share of those answers that were exactly right (EM)."""


CHOICES: list[LineChoice] = [
    LineChoice(0.05, 0.943, 0.675),
    LineChoice(0.1, 0.918, 0.689),
    LineChoice(0.2, 0.847, 0.722),
    LineChoice(0.3, 0.755, 0.762),
    LineChoice(0.5, 0.571, 0.830),
    LineChoice(0.7, 0.325, 0.899),
]
"""The rows of the risk-coverage table in docs/quality.md ("The answer/decline line"), fitting
half: every second of its 3,103 SQuAD questions (1,552), each scored by a calibrator fitted on
the other articles' fold. Only measured lines are offered (a test checks the figures against the
table); any other is typed."""

WHERE_MEASURED = (
    "Measured on Wikipedia questions (docs/quality.md); on news, fewer answers are right."
)


def describe(choice: LineChoice) -> str:
    """What a line does, in the words of its measured row."""
    return f"answers {choice.answered:.0%} of questions, {choice.right:.0%} of them right"


def parse_line(typed: str) -> float:
    """The line a person typed: a probability ("0.45") or a percentage ("45%" or "45")."""
    return parse_chance(typed, "an answer line", ", or pick one from the list")


class AnswerLineLabel(Static):
    """ "Answer line: 5%" at the right of the status bar; a click changes it."""

    def show(self, line: float | None) -> None:
        """Show `line`, or that the saved one cannot be read (None)."""
        self.update("Answer line: ?" if line is None else f"Answer line: {percent(line)}")

    async def on_click(self, event: events.Click) -> None:
        event.stop()
        await self.app.run_action("answer_line")

    @property
    def chat(self) -> QAApp:
        return cast("QAApp", self.app)

    def read(self) -> float | None:
        """The library's answer line, or None (said in a toast) when its preferences.json
        cannot be read: the chat still opens, and asking says the same error."""
        try:
            return self.chat.asker.min_confidence
        except QAError as error:
            self.chat.tell(f"⚠ {error}", "error")
            return None

    def show_current(self) -> None:
        """Show the library's line as it is now."""
        self.show(self.read())

    def choose(self) -> None:
        """Open the prompt that picks or types a new line."""
        prompt = AnswerLinePrompt(self.read(), self.chat.library_name)
        self.app.push_screen(prompt, self.set_line)

    def set_line(self, line: float | None) -> None:
        """Answer the next question with `line` and keep it for this library (None: cancelled)."""
        if line is None:
            return
        try:
            self.chat.asker.set_min_confidence(line, save=True)
        except QAError as error:
            self.chat.tell(f"⚠ {error}", "error")
            return
        self.show_current()
        self.chat.tell(
            f"Answer line: {percent(line)}. From the next question, answers less likely than "
            f"that to be right are declined (kept for {self.chat.library_name})."
        )


class AnswerLinePrompt(ModalScreen[float | None]):
    """Pick the answer line from the measured choices, or type one; a bad value is said in the
    prompt, which stays open to fix it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, current: float | None, library: str) -> None:
        super().__init__()
        self.current = current
        self.library = library

    def compose(self) -> ComposeResult:
        now = percent(self.current) if self.current is not None else "unreadable"
        with Vertical(id="prompt-box"):
            yield Static(
                f"Answer line, now {now}: answer only when at least this likely to be right "
                f"(else “Not found”). Saved for the library “{self.library}”."
            )
            yield OptionList(
                *[Option(_option_text(choice), id=str(choice.line)) for choice in CHOICES],
                id="line-list",
            )
            yield Input(placeholder="or type one, e.g. 45% or 0.45", id="line-input")
            yield Static("", id="line-error")
            yield Static(
                Text(f"{WHERE_MEASURED}\nEnter picks, Esc cancels.", style="dim"),
            )

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        lines = [choice.line for choice in CHOICES]
        options.highlighted = lines.index(self.current) if self.current in lines else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(float(event.option.id or DEFAULT_MIN_CONFIDENCE))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            line = parse_line(event.value)
        except PreferenceError as error:
            shown = self.query_one("#line-error", Static)
            shown.update(Text(f"⚠ {error}", style="bold red"))
            shown.display = True
            return
        self.dismiss(line)


def _option_text(choice: LineChoice) -> Text:
    text = Text(f"{percent(choice.line):>4}  ", style="bold")
    text.append(describe(choice))
    if choice.line == DEFAULT_MIN_CONFIDENCE:
        text.append("  (default)", style="dim")
    return text
