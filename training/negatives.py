"""Passages that do not answer a question, so the reader learns to say "no answer" for them.

Three kinds, as retrieval serves them at question time:
- another paragraph of the same article that shares the most words with the question (topical);
- the gold paragraph with the answer's sentence cut out (the SQuAD 2.0 kind: plausible, but the
  answer is not there);
- a paragraph of another article (off-topic, as for questions about articles not in the library).
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from dataclasses import replace

from .squad import Example

_WORD = re.compile(r"\w+")
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+[\"')\]]*|$)\s*")
_STOPWORDS = frozenset(
    {
        *("a", "an", "and", "are", "as", "at", "be", "by", "did", "do", "does", "for", "from"),
        *("had", "has", "have", "how", "in", "is", "it", "its", "of", "on", "or", "that", "the"),
        *("this", "to", "was", "were", "what", "when", "where", "which", "who", "whom", "whose"),
        *("why", "with"),
    }
)


def content_words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOPWORDS}


def _holds_answer(context: str, answers: tuple[str, ...]) -> bool:
    return any(answer in context for answer in answers)


def without_answer_sentence(example: Example) -> str | None:
    """The paragraph with the sentence holding the answer removed; None if the answer remains."""
    for match in _SENTENCE.finditer(example.context):
        if match.start() <= example.answer_start < match.end():
            rest = example.context[: match.start()] + example.context[match.end() :]
            if rest.strip() and not _holds_answer(rest, example.answers):
                return rest
            return None
    return None


def _unanswerable(example: Example, context: str, kind: str) -> Example:
    return replace(example, id=f"{example.id}#{kind}", context=context, answers=(), answer_start=-1)


def make_negatives(
    examples: list[Example],
    rng: random.Random,
    same_article: float,
    answer_removed: float,
    other_article: float,
) -> list[Example]:
    """Unanswerable examples: each kind drawn for that fraction of `examples`."""
    paragraphs: dict[str, list[str]] = defaultdict(list)
    for example in examples:
        if not paragraphs[example.title] or paragraphs[example.title][-1] != example.context:
            paragraphs[example.title].append(example.context)
    words = {title: [content_words(p) for p in texts] for title, texts in paragraphs.items()}
    titles = sorted(paragraphs)
    negatives = []
    for example in examples:
        if rng.random() < same_article:
            asked = content_words(example.question)
            candidates = [
                (len(asked & bag), i)
                for i, bag in enumerate(words[example.title])
                if paragraphs[example.title][i] != example.context
                and not _holds_answer(paragraphs[example.title][i], example.answers)
            ]
            if candidates:
                _, best = max(candidates)
                negatives.append(_unanswerable(example, paragraphs[example.title][best], "topic"))
        if rng.random() < answer_removed:
            rest = without_answer_sentence(example)
            if rest is not None:
                negatives.append(_unanswerable(example, rest, "cut"))
        if rng.random() < other_article:
            title = rng.choice(titles)
            if title != example.title:
                context = rng.choice(paragraphs[title])
                if not _holds_answer(context, example.answers):
                    negatives.append(_unanswerable(example, context, "other"))
    return negatives
