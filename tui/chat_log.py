"""The conversation pane: asking in a worker (Esc cancels), a saved chat, its citations."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import work
from textual.containers import VerticalScroll
from textual.widgets import Static
from textual.worker import get_current_worker

from qa import NOT_FOUND, Answer, Conversation, NoArticles, QAError
from qa.answering.sanitize import one_line
from qa.display.render import citation_line, safe
from qa.index import IndexNotFound

from .chats import ChatList
from .clipboard import system_copy, told
from .sources import SourcesPane
from .widgets import CitationItem, Turn

if TYPE_CHECKING:
    from .app import QAApp


ADD_ARTICLES = "In the chat: Ctrl+L, then a, adds a folder of articles."


def in_the_chat(error: QAError) -> str:
    """An error as the chat says it: a missing index or an empty library also points at the
    chat's own way to add articles, not only at the shell command."""
    if isinstance(error, (IndexNotFound, NoArticles)):
        return f"{error}. {ADD_ARTICLES}"
    return str(error)


def welcome_text(problem: QAError | None, titles: list[str]) -> Text:
    """The empty chat's text: the problem to fix first, else what one can ask about."""
    if problem is not None:
        out = Text("Nothing to answer from yet\n\n", style="bold")
        out.append(in_the_chat(problem))
        return out
    out = Text("Ask a question about your articles, in your own words.\n\n", style="bold")
    for title in titles:
        out.append("Ask about: ", style="dim")
        out.append(f"{safe(title)}\n")
    out.append(
        "\nAnswers are quoted from the articles, with their sources; F1 lists the keys.",
        style="dim",
    )
    return out


class ChatLog(VerticalScroll, can_focus=False):
    """The scrolling conversation; focus goes to its citations, not to the log itself."""

    pending: Turn | None = None
    """The turn being answered, until its answer (or error) arrives or Esc cancels it."""

    @property
    def chat(self) -> QAApp:
        return cast("QAApp", self.app)

    # -- asking -------------------------------------------------------------------------------

    def ask(self, question: str) -> None:
        """Add a turn for `question` at the end and answer it in a worker."""
        self.query("#welcome").remove()
        turn = Turn(question)
        self.release()
        self.mount(turn)
        turn.scroll_visible(animate=False)
        self.pending = turn
        self.chat.set_status("Answering…  (Esc cancels)")
        self._answer(question, turn)

    @work(thread=True, exclusive=True, group="answer")
    def _answer(self, question: str, turn: Turn) -> None:
        worker = get_current_worker()
        app = self.chat
        try:
            answer = app.session.answer(question)
        except QAError as error:
            if not worker.is_cancelled:
                app.call_from_thread(self._failed, turn, in_the_chat(error))
            return
        except Exception as error:  # a fault of qa's own must cost this question, not the chat
            if not worker.is_cancelled:
                said = one_line(f"{type(error).__name__}: {error}")
                app.call_from_thread(
                    self._failed, turn, f"qa failed on this question ({said}); please report it"
                )
            return
        if not worker.is_cancelled:
            app.call_from_thread(self._answered, question, turn, answer)

    def show_welcome(self, problem: QAError | None, titles: list[str]) -> None:
        """On an empty chat: what to do first (add articles when there are none), and a few
        things to ask about, from the library's articles."""
        if self.query(Turn) or self.query("#welcome"):
            return
        self.mount(Static(welcome_text(problem, titles), id="welcome"))

    def _failed(self, turn: Turn, message: str) -> None:
        turn.show_message(f"⚠ {message}")
        self.pending = None
        self.chat.set_status("Ready.")

    def _answered(self, question: str, turn: Turn, answer: Answer) -> None:
        turn.show_answer(answer)
        app = self.chat
        first = app.chat_id is None
        app.session.keep(question, answer)
        if first:
            app.query_one(ChatList).reload()  # the chat is saved from its first question
        self.pending = None
        app.set_status("Ready.")
        items = list(turn.query(CitationItem))
        if items:
            app.query_one(SourcesPane).select(items[0])
        self.call_after_refresh(turn.scroll_visible, animate=False)

    def cancel(self) -> bool:
        """Stop answering the pending question, if any; whether there was one."""
        if self.pending is None:
            return False
        self.workers.cancel_group(self, "answer")
        self.pending.show_message("Cancelled.")
        self.pending = None
        return True

    def clear(self) -> None:
        """Empty the log for a new chat, at the top and no longer held at the end."""
        # Held at the end, an emptied log was scrolled past its content (Textual sets the
        # anchored offset unchecked: -34 after a long chat), and every answer after Ctrl+N was
        # drawn off-screen.
        self.remove_children()
        self.release()
        self.scroll_target_y = self.scroll_y = 0

    def release(self) -> None:
        """No longer hold the log at its end, and bring back an offset that holding left out of
        range: a chat shorter than the pane was held at a negative offset, under which a new
        turn was drawn below the pane's bottom."""
        self.anchor(False)
        if not 0 <= self.scroll_y <= self.max_scroll_y:
            self.scroll_target_y = self.scroll_y = min(max(self.scroll_y, 0), self.max_scroll_y)

    def show_chat(self, conversation: Conversation) -> None:
        """Draw a saved chat's turns, held at its last answer."""
        self.mount_all(Turn(question, answer) for question, answer in conversation.turns)
        # Held at the end while the answers are laid out (a scroll after one refresh could come
        # before they had their height), until the next question or the user scrolls.
        self.anchor()
        self.call_after_refresh(self._settle)

    def _settle(self) -> None:
        """A saved chat shorter than the pane is not held: held, it sat at the pane's bottom
        under a blank top (an offset below zero)."""
        if self.max_scroll_y == 0:
            self.release()

    def on_resize(self) -> None:
        # A narrower pane makes every turn taller: the view kept its offset and showed an older
        # turn, its "read as" line cut off, the newest answer off-screen. Keep what was read.
        self.call_after_refresh(self._keep_in_view)

    def _keep_in_view(self) -> None:
        if self.max_scroll_y == 0:
            self.release()
            return
        focused = self.app.focused
        if isinstance(focused, CitationItem) and focused in self.query(CitationItem):
            focused.scroll_visible(animate=False, immediate=True)
            return
        turns = self.query(Turn)
        if turns:
            self.scroll_to_widget(turns.last(), animate=False, top=True, immediate=True)

    # -- citations ----------------------------------------------------------------------------

    def move_citation(self, step: int, leave: bool = True) -> None:
        """From the focused citation to the previous or next one, through every answer; past
        the last one, back to the question box when `leave` (the arrows), else stay (j, k)."""
        items = list(self.query(CitationItem))
        focused = self.app.focused
        if not isinstance(focused, CitationItem) or focused not in items:
            return
        index = items.index(focused) + step
        if index >= len(items):
            if leave:
                self.app.query_one("#question").focus()
            else:
                self.chat.set_status("The last citation; Tab or Down goes to the question box.")
            return
        target = items[max(0, index)]
        target.focus()
        target.scroll_visible(animate=False)

    def focus_citations(self, selected: CitationItem | None) -> None:
        """From the question box to the selected citation (else the last answer's first)."""
        if selected is not None and selected.is_attached:
            selected.focus()
            return
        items = list(self.query(CitationItem))
        if items:
            first_of_last = next(i for i in items if i.parent is items[-1].parent)
            first_of_last.focus()

    def current_turn(self, selected: CitationItem | None) -> Turn | None:
        """The turn of the selected citation, else the last answered one."""
        if selected is not None and isinstance(selected.parent, Turn):
            return selected.parent
        answered = [turn for turn in self.query(Turn) if turn.answer is not None]
        return answered[-1] if answered else None

    def copy_answer(self, selected: CitationItem | None) -> None:
        """Copy the current answer and the citation it comes from to the clipboard; for a
        declined answer, why it was declined and the selected passage (one of the closest, none
        of which gives the answer, so [1] is no better than the one being read)."""
        turn = self.current_turn(selected)
        if turn is None or turn.answer is None:
            self.chat.tell("Nothing to copy yet.", "warning")
            return
        answer = turn.answer
        lines = [answer.text if answer.found else answer.message or NOT_FOUND]
        cited = answer.citations[:1]
        if not answer.found and selected is not None and selected.parent is turn:
            cited = [selected.citation]
        for citation in cited:
            lines.append(f"“{citation.sentence}” — {citation_line(citation)}")
        text = "\n".join(lines)
        self.app.copy_to_clipboard(text)  # the terminal's clipboard (OSC 52), also over ssh
        self.chat.tell(told(system_copy(text)))
