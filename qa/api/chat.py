"""`Chat`: one conversation over one library, asked through any face."""

from __future__ import annotations

import threading

from qa.answering.answer import Answer
from qa.answering.asker import Asker, clean_question
from qa.answering.filters import Filters
from qa.answering.search import Found
from qa.followups.conversation import Conversation
from qa.index import LibraryStatus
from qa.workspace.history import History

from .reading import Excerpt, read_article


class Chat:
    """A conversation: its turns, where they are saved, and the asker that answers them.

    `history` keeps the turns with the library's saved chats (None keeps them in memory only);
    `chat_id` continues a saved chat, whose turns are loaded so that its follow-ups read right.
    One question at a time per conversation: a follow-up needs the answer before it.
    """

    def __init__(
        self, asker: Asker, history: History | None = None, chat_id: int | None = None
    ) -> None:
        self.asker = asker
        self.history = history
        self.chat_id = chat_id
        self.conversation = (
            history.load(chat_id) if history is not None and chat_id is not None else Conversation()
        )
        self._topic_start = 0
        """Turns before this index belong to an earlier topic: later questions are not read
        against them (they stay in the saved chat)."""
        self._lock = threading.Lock()

    @property
    def turns(self) -> list[tuple[str, Answer]]:
        """Every question and answer of this conversation, oldest first."""
        return list(self.conversation.turns)

    def ask(
        self, question: str, min_confidence: float | None = None, filters: Filters | None = None
    ) -> Answer:
        """Answer `question` read after this topic's turns, then keep (and save) the turn.

        `min_confidence` holds this answer to another line than the library's, for this
        question only; `filters` say which articles it may read and cite. A question that
        cannot be asked raises `QuestionError` and keeps nothing."""
        with self._lock:
            answer = self.answer(question, min_confidence, filters)
            self.keep(answer.question, answer)
        return answer

    def answer(
        self, question: str, min_confidence: float | None = None, filters: Filters | None = None
    ) -> Answer:
        """The answer to `question` read after this topic's turns, without keeping the turn:
        for a face that may still drop it (the chat's Esc), and then calls `keep`."""
        question = clean_question(question)
        topic = self._topic()
        conversation = topic if topic.turns else None
        return self.asker.ask(question, conversation, min_confidence, filters)

    def keep(self, question: str, answer: Answer) -> None:
        """Add a turn to the conversation and, when it is saved, to its saved chat (a new one,
        titled by its first question)."""
        self.conversation.add(question, answer)
        if self.history is None:
            return
        if self.chat_id is None:
            self.chat_id = self.history.new_chat(question)
        self.history.add_turn(self.chat_id, question, answer)

    def _topic(self) -> Conversation:
        return Conversation(self.conversation.turns[self._topic_start :])

    def new_topic(self) -> None:
        """Read the next questions on their own, as if the conversation had just begun; the
        earlier turns stay in it (and in the saved chat)."""
        with self._lock:
            self._topic_start = len(self.conversation.turns)

    def search(self, query: str, limit: int = 10, filters: Filters | None = None) -> list[Found]:
        """Passages ranked for `query` with what cites them, for a reader (or an agent) who
        would rather read than be answered; a search is no turn of the conversation."""
        return self.asker.search(query, limit, filters)

    def read(
        self, article_id: int, start: int | None = None, end: int | None = None, around: int = 1
    ) -> Excerpt:
        """The sentences of an article around `start`..`end` (a citation's offsets), with
        `around` sentences each side; its opening without offsets."""
        return self.asker.with_library(
            lambda library: read_article(library, article_id, start, end, around)
        )

    def status(self) -> LibraryStatus:
        """What the library holds: articles, passages, folders, last update, stale files."""
        return self.asker.status()
