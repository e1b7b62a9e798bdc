"""Questions made unanswerable by swapping one condition: training data for the condition check.

    python -m training.swap_conditions [--dataset ../shared/data/squad-v1.1-dev.split-dev.json]

Each answerable question about the first half of the dataset's articles (the half the confidence
is fitted on) gets one of its names, numbers or content words replaced by one of the same kind
taken from a question about another article, chosen so that the question's own article never
mentions it ("How many Boeing planes did Ryanair order?" -> "How many Airbus planes did Ryanair
order?"). The article then no longer answers the question, which is exactly the failure SQuAD
v2.0's unanswerable questions and a person's "in France?" produce: an answer-like span in a
passage about something else. The swapped questions count as wrong whatever they answer.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence

from qa.answering.readers.conditions import Condition, Text, conditions_of
from qa.evaluation.data import Dataset, GoldQuestion

SEED = 20
KINDS = ("name", "number", "word")
"""The kind swapped in each question, in turn: names first, as in the issue's examples."""


def swapped_questions(dataset: Dataset, share: float = 0.35) -> list[GoldQuestion]:
    """About `share` of the answerable questions about the first half of the articles, each
    with one condition swapped for another of its kind that its article does not mention."""
    middle = len(dataset.records) // 2
    texts = {r["id"]: Text(f"{r.get('title', '')}\n{r['text']}") for r in dataset.records}
    first = [r["id"] for r in dataset.records[:middle]]
    pool: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for question in dataset.questions:
        for condition in conditions_of(question.question):
            pool[condition.kind][question.article_key].append(condition.text)
    rng = random.Random(SEED)
    chosen = [q for q in dataset.questions if q.answers and q.article_key in first]
    chosen = [q for q in chosen if rng.random() < share]
    made = []
    for number, question in enumerate(chosen):
        kind_order = KINDS[number % len(KINDS) :] + KINDS[: number % len(KINDS)]
        swapped = _swap(question, texts[question.article_key], pool, kind_order, rng)
        if swapped:
            made.append(swapped)
    return made


def _swap(
    question: GoldQuestion,
    article: Text,
    pool: dict[str, dict[str, list[str]]],
    kinds: Sequence[str],
    rng: random.Random,
) -> GoldQuestion | None:
    conditions = conditions_of(question.question)
    for kind in kinds:
        own = [c for c in conditions if c.kind == kind and article.holds(c)]
        if not own:
            continue
        target = rng.choice(own)
        others = [
            text
            for key, found in pool[kind].items()
            if key != question.article_key
            for text in found
            if not article.holds(Condition(text, kind))
            and text.lower() != target.text.lower()
            # A word for a word of the same ending keeps the question grammatical, mostly:
            # "planes" for "jets", "quarterly" for "annually".
            and (kind != "word" or text[-2:].lower() == target.text[-2:].lower())
        ]
        if not others:
            continue
        replacement = rng.choice(sorted(set(others)))
        text = question.question.replace(target.text, replacement, 1)
        return GoldQuestion(f"{question.id}-swap", text, (), question.article_key)
    return None
