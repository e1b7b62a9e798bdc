"""Answer a question from a library: retrieve passages, extract a verbatim answer, cite it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Protocol, TypeVar

from qa.config.preferences import check_min_confidence, load_min_confidence, save_min_confidence
from qa.config.settings import DEFAULT_LIBRARY, Settings, data_home
from qa.index import (
    Embedder,
    Library,
    LibraryStatus,
    MiniLMEmbedder,
    ProgressCallback,
    QAError,
    SyncReport,
    iso_date,
)

from .answer import NOT_IN_ARTICLES, Answer, Candidate, Citation, unmet_note
from .filters import Filters
from .normalize import normalize_answer
from .readers.confidence import Calibrator, CandidateSignals, same_answer
from .readers.decline import candidate_signals, corroborated, decline_reason, text_of
from .readers.packaged import default_calibrator, default_reader
from .readers.protocol import Extraction, Reader
from .retrieval import Hit, Mode, retrieve
from .sanitize import strip_controls
from .search import Found, found_passages

T = TypeVar("T")


class ResolvedQuestion(Protocol):
    """A question as a conversation reads it (`qa.followups.Resolution` is one)."""

    @property
    def text(self) -> str:
        """The question with what it points back at filled in."""
        ...

    @property
    def context(self) -> str:
        """Words from earlier turns that the search may add."""
        ...


class FollowUpContext(Protocol):
    """What the asker needs of a conversation (`qa.followups.Conversation` is one): how a
    question reads after the turns so far. A protocol, so that answering does not depend on
    the follow-up engine that sits above it."""

    def resolution(self, question: str) -> ResolvedQuestion:
        """How `question` reads after the turns so far."""
        ...


NOT_FOUND = "Not found in your articles."


MAX_QUESTION_CHARS = 2000
"""The longest question asked (after cleaning); a longer one is refused rather than cut: the
reader reads only its first 64 word pieces, so a cut question would be answered as something
the user did not ask, and text this long is nearly always a paste gone wrong."""


class QuestionError(QAError):
    """The question cannot be asked as typed."""


class NoArticles(QAError):
    """The library has no articles to answer from: it is empty, or not made yet."""


def no_articles(folder: Path) -> NoArticles:
    """The error for an empty library at `folder`, with the command that fills it."""
    libraries = data_home() / "libraries"
    if folder == libraries / DEFAULT_LIBRARY:
        add = "qa index add PATH"
    elif folder.parent == libraries:
        add = f"qa index add --library {folder.name} PATH"
    else:
        add = f"qa index add --library {folder} PATH"
    return NoArticles(f"the library {folder} has no articles yet: add some with {add}")


def clean_question(question: str) -> str:
    """The question without escape sequences, control characters or lone surrogates, spaces
    collapsed; QuestionError when nothing is left or it is longer than MAX_QUESTION_CHARS."""
    cleaned = " ".join(strip_controls(_whole_characters(question), " ").split())
    if not cleaned:
        raise QuestionError(
            'the question is empty: type a question, e.g. qa ask "who raised sanctions?"'
        )
    if len(cleaned) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(cleaned):,} characters long, over the "
            f"{MAX_QUESTION_CHARS:,} a question may have: ask it in fewer words"
        )
    return cleaned


def _whole_characters(text: str) -> str:
    """`text` with surrogate pairs joined and lone surrogates (undecodable bytes read with
    `surrogateescape`, broken JSON) made U+FFFD: the tokenizer and SQLite take only whole
    characters."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


class Asker:
    """Turns questions into answers over one library; models load on first use."""

    def __init__(
        self,
        library: Library,
        settings: Settings,
        reader: Reader | None = None,
        mode: Mode = Mode.HYBRID,
        calibrator: Calibrator | None = None,
    ) -> None:
        self.library = library
        self.settings = settings
        self.reader: Reader = reader or default_reader()
        self.mode = mode
        self.calibrator = calibrator or default_calibrator(self.reader)
        """Turns the trained reader's signals into the chance of being right; None for other
        readers, whose own corroborated score is shown."""
        # One question at a time per library; a refresh swaps the index in between questions.
        self._lock = threading.Lock()

    @cached_property
    def embedder(self) -> Embedder:
        return self.library.embedder

    @property
    def min_confidence(self) -> float:
        """The answer/decline line: answers less likely than this to be right are declined
        (`Settings.min_confidence` when given, else the library's saved line)."""
        if self.settings.min_confidence is not None:
            return self.settings.min_confidence
        return load_min_confidence(self.library.folder)

    def set_min_confidence(self, value: float, save: bool = True) -> None:
        """Use `value` as the answer/decline line from the next question on; `save` keeps it
        as this library's line (the chat's setting, `qa ask --min-confidence P --remember`)."""
        check_min_confidence(value)
        if save:
            save_min_confidence(self.library.folder, value)
        self.settings = replace(self.settings, min_confidence=value)

    def confidence(self, question: str, extractions: list[Extraction], hits: list[Hit]) -> float:
        """0..1: the chance that the best extraction is the right answer (calibrated for the
        trained reader; for other readers, their own score corroborated across mentions)."""
        return self._judged(question, extractions, hits)[0]

    def _judged(
        self, question: str, extractions: list[Extraction], hits: list[Hit]
    ) -> tuple[float, CandidateSignals | None]:
        """The confidence, and what the calibrator read of the best extraction (None for
        readers without a calibrator, or without an extraction)."""
        if not extractions:
            return 0.0, None
        signals = candidate_signals(question, extractions, hits)
        if self.calibrator is None:
            return corroborated(extractions), signals[0]
        return self.calibrator.probability(question, signals), signals[0]

    def retrieve(
        self, question: str, context: str = "", filters: Filters | None = None
    ) -> list[Hit]:
        """The passages to read, best first; `context` (earlier turns) shapes the search too,
        and `filters` say which articles it may use."""
        return self._retrieve(question, context, filters, self.settings.top_k)

    def _retrieve(
        self, question: str, context: str, filters: Filters | None, limit: int
    ) -> list[Hit]:
        query = f"{question} {context}".strip() if context else question
        vector = self.embedder.encode_queries([query])[0]
        return retrieve(
            self.library,
            query,
            vector,
            limit=limit,
            depth=max(self.settings.depth, limit),
            mode=self.mode,
            filters=filters,
        )

    def search(self, query: str, limit: int = 10, filters: Filters | None = None) -> list[Found]:
        """The `limit` passages that best match `query`, best first, without reading them for
        an answer (`qa search`); `filters` say which articles may come. Passages that share
        no word with the query and are far from it in meaning are left out (`matches`)."""
        if limit < 1:
            raise QuestionError(f"cannot show {limit} passages: give a limit of 1 or more")
        query = clean_question(query)
        with self._lock:
            if not self.library.exists or not self.library.passage_count():
                raise no_articles(self.library.folder)
            # Ranked deeper than asked: a near-miss of the dense ranking may come before a
            # passage that holds the query's words, and is then left out.
            hits = self._retrieve(query, "", filters, max(limit, self.settings.depth))
        return found_passages(hits)[:limit]

    def warm_up(self) -> None:
        """Load the models and the index now rather than on the first question."""
        with self._lock:
            self.library.manifest()
            self.embedder.encode_queries(["warm up"])
            _ = self.library.vectors
            self.reader.warm_up()

    def status(self) -> LibraryStatus:
        with self._lock:
            return self.library.status()

    def with_library(self, look: Callable[[Library], T]) -> T:
        """Run `look` on the library under the asker's lock: a refresh in another thread closes
        and swaps the library, so nothing may touch it from outside meanwhile."""
        with self._lock:
            return look(self.library)

    def refresh(self, progress: ProgressCallback | None = None) -> SyncReport:
        """Re-index the library's folders beside the open index, then switch to the new one."""
        updater = Library(self.library.folder, self.embedder, self.library.chunking)
        try:
            report = updater.update(progress)
        finally:
            updater.close()
        with self._lock:
            self.library.close()  # reopened, now current, on the next question
        return report

    def ask(
        self,
        question: str,
        conversation: FollowUpContext | None = None,
        min_confidence: float | None = None,
        filters: Filters | None = None,
    ) -> Answer:
        """The answer to `question`, or a "not found" answer citing the closest passages.

        With a `conversation`, follow-ups ("what did he say?") are read in its light;
        `min_confidence` holds this answer alone to another line than the library's; with
        `filters`, only the articles they keep are read and cited."""
        if min_confidence is not None:
            check_min_confidence(min_confidence)
        with self._lock:
            return self._ask(question, conversation, min_confidence, filters)

    def _ask(
        self,
        question: str,
        conversation: FollowUpContext | None,
        line: float | None,
        filters: Filters | None,
    ) -> Answer:
        question = clean_question(question)
        # Said plainly, not as "Not found in your articles": there is nothing to search.
        if not self.library.exists or not self.library.passage_count():
            raise no_articles(self.library.folder)
        if conversation is None:
            hits = self.retrieve(question, filters=filters)
            return self.answer_hits(question, hits, question, line)
        # A follow-up is searched with the last answer's words too ("when?" alone finds nothing).
        resolved = conversation.resolution(question)
        hits = self.retrieve(resolved.text, resolved.context, filters)
        return self.answer_hits(question, hits, resolved.text, line)

    def answer_hits(
        self, question: str, hits: list[Hit], read_as: str = "", line: float | None = None
    ) -> Answer:
        """The answer found in already retrieved passages (`read_as`: the question resolved;
        `line`: the answer/decline line, the library's when None)."""
        read_as = read_as or question
        resolved = read_as if read_as != question else ""
        extractions = self.reader.extract(read_as, hits, self.library) if hits else []
        citations, numbers = _citations(extractions, self.settings.citations)
        confidence, best_signals = self._judged(read_as, extractions, hits)
        line = self.min_confidence if line is None else line
        unmet = list(best_signals.unmet) if best_signals else []
        unmet_nearby = list(best_signals.unmet_nearby) if best_signals else []
        reason = decline_reason(extractions, confidence, line)
        if reason:
            nothing = Answer(
                question,
                found=False,
                citations=citations
                or _passage_citations(hits, self.library, self.settings.citations),
                message=NOT_FOUND,
                confidence=round(confidence, 3),
                read_as=resolved,
                decline=reason,
                line=line,
            )
            if reason == NOT_IN_ARTICLES:
                return nothing
            found_text = text_of(extractions[0])
            return replace(
                nothing,
                message=below_line_message(found_text, confidence, line, unmet, unmet_nearby),
                closest=found_text,
                unmet=unmet,
                unmet_nearby=unmet_nearby,
                candidates=_candidates(extractions, numbers),
            )
        best = extractions[0]
        text = best.hit.passage.article.article.text
        candidates = _candidates(extractions, numbers)
        answer_text = text[best.answer.start : best.answer.end]
        same = normalize_answer(answer_text)
        also_in = sorted(
            {
                numbers[extraction_key(e)]
                for e in extractions[1:]
                if extraction_key(e) in numbers
                and numbers[extraction_key(e)] != 1
                and same_answer(normalize_answer(text_of(e)), same)
            }
        )
        return Answer(
            question,
            found=True,
            text=answer_text,
            also_in=also_in,
            confidence=round(confidence, 3),
            highlight=(
                best.answer.start - best.sentence.start,
                best.answer.end - best.sentence.start,
            ),
            citations=citations,
            candidates=candidates,
            read_as=resolved,
            line=line,
            unmet=unmet,
            unmet_nearby=unmet_nearby,
        )


def below_line_message(
    found: str, confidence: float, line: float, unmet: list[str], unmet_nearby: list[str]
) -> str:
    """ "Found “70” (3%), below your 5% line." and, when the answer's text leaves out part of
    the question, which words: the likeliest reason the answer is unlikely."""
    said = f"Found “{strip_controls(found, ' ')}” ({confidence:.0%}), below your {line:.0%} line."
    note = unmet_note(unmet, unmet_nearby)
    return f"{said} {note}" if note else said


def _candidates(
    extractions: list[Extraction], numbers: dict[tuple[int, int], int]
) -> list[Candidate]:
    """One candidate per distinct answer text among the cited sentences, best first."""
    candidates: list[Candidate] = []
    for extraction in extractions:
        candidate = text_of(extraction)
        if (
            any(c.text == candidate for c in candidates)
            or extraction_key(extraction) not in numbers
        ):
            continue
        candidates.append(
            Candidate(
                candidate,
                round(extraction.score, 4),
                numbers[extraction_key(extraction)],
                extraction.answer.start,
                extraction.answer.end,
            )
        )
    return candidates


def open_library(settings: Settings, embedder: Embedder | None = None) -> Library:
    """The library that `settings` names, with the packaged model by default."""
    return Library(settings.library, embedder or MiniLMEmbedder(), settings.chunking)


def open_asker(settings: Settings, embedder: Embedder | None = None) -> Asker:
    """An asker over the library that `settings` names."""
    return Asker(open_library(settings, embedder), settings)


def extraction_key(extraction: Extraction) -> tuple[int, int]:
    return extraction.hit.passage.article.id, extraction.sentence.start


def _citations(
    extractions: list[Extraction], limit: int
) -> tuple[list[Citation], dict[tuple[int, int], int]]:
    """One citation per distinct sentence, in the extractions' order, numbered from 1."""
    citations: list[Citation] = []
    numbers: dict[tuple[int, int], int] = {}
    for extraction in extractions:
        key = extraction_key(extraction)
        if key in numbers or len(citations) >= limit:
            continue
        numbers[key] = len(citations) + 1
        citations.append(
            _cite(numbers[key], extraction.hit, extraction.sentence.start, extraction.sentence.end)
        )
    return citations, numbers


def _passage_citations(hits: list[Hit], library: Library, limit: int) -> list[Citation]:
    """The first sentence of each of the closest passages, when no sentence matched at all."""
    citations: list[Citation] = []
    for hit in hits[:limit]:
        sentences = library.sentences(hit.passage)
        first = sentences[0] if sentences else None
        start, end = (first.start, first.end) if first else (hit.passage.start, hit.passage.end)
        citations.append(_cite(len(citations) + 1, hit, start, end))
    return citations


def _cite(number: int, hit: Hit, start: int, end: int) -> Citation:
    stored = hit.passage.article
    article = stored.article
    return Citation(
        number=number,
        title=article.title,
        source=article.source,
        date=iso_date(article.date),  # a library read before dates were ISO 8601 may hold others
        sentence=article.text[start:end],
        sentence_start=start,
        sentence_end=end,
        article_id=stored.id,
        passage_id=hit.passage.id,
        page=article.page_at(start),
        path=article.path,
    )
