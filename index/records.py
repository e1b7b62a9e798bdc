"""Decide what happens to each article of a file being read: the record half of planning.

`plan_records` turns the articles read from one file into decisions (index it, keep it, note it
as a copy of another article, forget it) without writing anything; the writer applies them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from .article import Article
from .lines import one_line
from .passages import Passage, Span


@dataclass(frozen=True)
class StoredRecord:
    """What the index holds for one article key of a file."""

    article_id: int
    content_hash: str
    is_alias: bool
    """True when the key is remembered as a copy of another article, not indexed itself."""


@dataclass(frozen=True)
class Unchanged:
    """The article is indexed exactly as read: nothing to do."""

    key: str


@dataclass(frozen=True)
class IndexArticle:
    """Embed and store the article, replacing its previous version if it had one."""

    article: Article
    passages: list[Passage]
    sentences: list[Span]
    replaces: int | None
    """The article id of the previous version, deleted when this one is stored."""
    drops_alias: bool
    """The key was a copy of another article: that note goes."""


@dataclass(frozen=True)
class AliasArticle:
    """The same title and text is indexed (or about to be) already: remember a second source."""

    article: Article
    replaces: int | None
    drops_alias: bool


@dataclass(frozen=True)
class ForgetRecord:
    """The record is no longer in its file."""

    key: str
    stored: StoredRecord


@dataclass(frozen=True)
class EmptyArticle:
    """An article with no sentences: nothing to index, and its previous version goes."""

    article: Article
    replaces: int | None
    drops_alias: bool


Decision = Unchanged | IndexArticle | AliasArticle | ForgetRecord | EmptyArticle

Split = Callable[[Article], tuple[list[Passage], list[Span]]]
"""An article's passages and sentences (sentences are split once, for both)."""


def plan_records(
    articles: Iterable[Article],
    stored: dict[str, StoredRecord],
    has_twin: Callable[[Article, int | None], bool],
    split: Split,
    skipped: Callable[[str], None] | None = None,
) -> Iterator[Decision]:
    """Decisions for every article read from one file, then for its records that are gone.

    `has_twin(article, replaces)` says whether an article with the same title and text, other
    than `replaces`, is indexed or queued. Records that are gone are decided only once the whole
    file has been read: a file that breaks halfway forgets nothing. An article that cannot be
    split is left out, and `skipped` hears its one line (without `skipped`, the error is
    raised); its previous version, if any, stays."""
    seen: set[str] = set()
    for article in articles:
        if article.key in seen:
            continue  # a dump that repeats a record id: the first one counts
        seen.add(article.key)
        previous = stored.get(article.key)
        if previous is not None and previous.content_hash == article.content_hash:
            yield Unchanged(article.key)
            continue
        replaces = previous.article_id if previous is not None and not previous.is_alias else None
        drops_alias = previous is not None and previous.is_alias
        if has_twin(article, replaces):
            yield AliasArticle(article, replaces, drops_alias)
            continue
        try:
            passages, sentences = split(article)
        except Exception as error:  # one article's failure alone, whatever raised it
            if skipped is None:
                raise
            skipped(
                one_line(
                    f"{article.key}: cannot be split into passages "
                    f"({type(error).__name__}: {error}); skipped that article"
                )
            )
            continue
        if not passages:
            yield EmptyArticle(article, replaces, drops_alias)
            continue
        yield IndexArticle(article, passages, sentences, replaces, drops_alias)
    for key, record in stored.items():
        if key not in seen:
            yield ForgetRecord(key, record)
