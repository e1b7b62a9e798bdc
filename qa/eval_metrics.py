"""Answer metrics with the official SQuAD normalisation: exact match and token F1."""

from __future__ import annotations

import collections
import re
import string
import unicodedata
from collections.abc import Sequence

_PUNCTUATION = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower-case, drop punctuation, articles and extra spaces (the official SQuAD script)."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())


def exact_match(prediction: str, truths: Sequence[str]) -> float:
    return max(
        (float(normalize_answer(prediction) == normalize_answer(t)) for t in truths), default=0.0
    )


def f1_score(prediction: str, truths: Sequence[str]) -> float:
    def f1(truth: str) -> float:
        predicted = normalize_answer(prediction).split()
        gold = normalize_answer(truth).split()
        same = sum((collections.Counter(predicted) & collections.Counter(gold)).values())
        if same == 0:
            return 0.0
        precision, recall = same / len(predicted), same / len(gold)
        return 2 * precision * recall / (precision + recall)

    return max((f1(t) for t in truths), default=0.0)


def contains_answer(text: str, truths: Sequence[str]) -> bool:
    """True when a normalised gold answer occurs as whole words in the normalised text; here
    typographic punctuation also separates words, so "Australia’s" holds "Australia"."""
    haystack = f" {normalize_answer(_unicode_punctuation_as_space(text))} "
    needles = (normalize_answer(_unicode_punctuation_as_space(t)) for t in truths)
    return any(f" {needle} " in haystack for needle in needles if needle)


def _unicode_punctuation_as_space(text: str) -> str:
    """Curly quotes, dashes and other non-ASCII punctuation as spaces (the official
    normalisation removes only ASCII punctuation, which news text often lacks)."""
    return "".join(
        " " if ord(ch) > 127 and unicodedata.category(ch).startswith("P") else ch for ch in text
    )


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]
