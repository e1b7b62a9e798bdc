"""Answer text compared as SQuAD compares it: two answers are the same answer when they agree
once case, punctuation, articles and spacing are set aside."""

from __future__ import annotations

import re
import string

_PUNCTUATION = set(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower-case, drop punctuation, articles and extra spaces (the official SQuAD script)."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    text = re.sub(r"\b(a|an|the)\b", " ", text)
    return " ".join(text.split())
