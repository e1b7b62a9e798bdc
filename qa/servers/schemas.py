"""The shapes the servers send, as pydantic models: one definition gives the MCP tools their
output schemas and the HTTP API its OpenAPI description, so the two never drift apart."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

MAX_QUESTION = 2000
"""The longest question answered (`qa.answering.asker.MAX_QUESTION_CHARS`): a longer one is
refused with a clear error, never silently cut."""
MAX_LIMIT = 50
"""The most passages one search returns."""


class Shape(BaseModel):
    """Fields the product adds later are passed through, never refused."""

    model_config = ConfigDict(extra="allow")


class CitationOut(Shape):
    """A numbered citation: the exact sentence and where it stands in its article."""

    number: int
    title: str
    source: str
    date: str = Field(description="ISO 8601 date of the article, empty when unknown")
    sentence: str = Field(description="The sentence, verbatim from the article")
    sentence_start: int = Field(description="Character offset of the sentence in the article")
    sentence_end: int
    article_id: int = Field(description="Pass to `read` (with the offsets) for the context")
    passage_id: int
    page: int | None = None
    path: str = Field("", description="The article's file")


class CandidateOut(Shape):
    """Another possible short answer, copied from a cited sentence."""

    text: str
    score: float
    citation: int = Field(description="The number of the citation it comes from")
    start: int
    end: int


class ClosestOut(Shape):
    """The answer found below the confidence line, and its chance."""

    text: str
    confidence: float


class AnswerOut(Shape):
    """The answer as `qa ask --json` gives it, and the conversation it belongs to."""

    conversation: str = Field(
        description="Pass it back as `conversation` to ask a follow-up in the same conversation"
    )
    question: str
    found: bool = Field(description="False when your articles do not hold the answer")
    text: str = Field(description="The short answer, verbatim from the first citation")
    confidence: float | None = Field(description="0..1: the chance it is right; null if declined")
    sentence: str = Field(description="The first citation's sentence (empty when declined)")
    highlight: list[int] = Field(description="[start, end] of `text` inside `sentence`")
    citations: list[CitationOut]
    candidates: list[CandidateOut]
    also_in: list[int] = Field(description="Numbers of further citations that say the same")
    message: str = Field(description="Said instead of an answer ('Not found in your articles.')")
    read_as: str = Field(description="How a follow-up was read; empty when read as asked")
    decline: str = Field(description="Why it was declined: not_in_articles or below_line")
    closest: ClosestOut | None = None
    line: float = Field(description="The confidence line the answer was held to")
    unmet: list[str] = []
    unmet_nearby: list[str] = []


class FoundOut(Shape):
    """One ranked passage, with its citation and scores."""

    rank: int
    score: float
    cosine: float | None = None
    article_id: int
    passage_id: int
    title: str
    source: str
    date: str
    path: str = ""
    text: str = Field(description="The passage, verbatim")
    start: int = Field(description="Character offset of the passage in the article")
    end: int


class SearchOut(Shape):
    """The passages that best match a query, best first."""

    query: str
    results: list[FoundOut]


class ExcerptOut(Shape):
    """A slice of an article cut at sentences: around a citation, or the article's opening."""

    article_id: int
    title: str
    source: str
    date: str
    path: str = ""
    text: str = Field(description="Verbatim text of the article from `start` to `end`")
    start: int
    end: int
    length: int = Field(description="The whole article's length, to read on from `end`")


class StatusOut(Shape):
    """What the served library holds and whether the server can answer yet."""

    library: str = Field(description="The library's folder")
    ready: bool = Field(description="False while the models are still loading")
    model: str
    articles: int
    passages: int
    updated: str = Field(description="When the index was last written (ISO 8601)")
    roots: list[str] = Field(description="The folders and files the library reads")
    stale_files: list[str] = Field(description="Files new, changed or gone since the update")
    unreadable_files: list[str] = []


class LibraryOut(Shape):
    """One library on this machine."""

    name: str
    folder: str
    served: bool = Field(description="True for the library this server answers from")
    articles: int | None = Field(description="null when its index cannot be read")
    passages: int | None = None
    updated: str = ""


class LibrariesOut(Shape):
    """The libraries under $QA_HOME, and which one this server answers from."""

    libraries: list[LibraryOut]


class IndexOut(Shape):
    """What an indexing call did."""

    summary: str
    added: int
    updated: int
    removed: int
    unchanged: int


class ErrorOut(BaseModel):
    """The body of every HTTP error: one line saying what to do."""

    error: str
    kind: str = Field(description="The error's name, e.g. QuestionError, CitationGone")


def answer_out(conversation: str, answer: Any) -> AnswerOut:
    """The reply for an `Answer` (qa.answering.answer) asked in `conversation`."""
    return AnswerOut.model_validate({"conversation": conversation, **answer.to_dict()})
