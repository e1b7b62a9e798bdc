"""The noun phrases of a question that a fragment may stand in for: "the Orange Revolution" in
"when did the Orange Revolution happen?", cut where the phrase ends and the rest of the question
(its verb, a preposition, an adverb) goes on, so a rewrite keeps every word but the phrase."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .nouns import (
    ADVERBS,
    AUXILIARIES,
    DO_SUPPORT,
    ING_NOUNS,
    LY_NOUNS,
    PARTICIPLES,
    PREPOSITIONS,
    QUESTION_WORDS,
    VERBS,
    word_set,
)

_TOKEN = re.compile(r"[\w'’-]+(?:\.[\w'’-]+)*\.?|&|[^\w\s]")
_NUMBERED = re.compile(r"\b[a-z]+\s+\d+\b")
"""A noun and its number: "year 12", "round 3"."""
_OPENERS = word_set("the its his her their")
_CONTRACTIONS = word_set("what's who's where's when's how's why's it's that's there's here's")
_CONTRACTIONS |= word_set("he's she's let's")
_BE = word_set("is are was were") | _CONTRACTIONS
"""After these, a phrase may be followed by a verb in -ing: "why is the euro falling?"."""
_FUNCTION_WORDS = word_set(
    "a an the this that these those his her its their my our your some any each every no "
    "another i you he she it we they me him us them"
)
_DETERMINERS = word_set("a an this that these those some any each every another")
"""Words that may open the complement after "of" ("the price of a barrel")."""
_JOINING = word_set("and or nor but if because while whether be been being")
"""Words that end a phrase and may come before its verb ("did the king or the queen ...")."""
_BOUNDARIES = PREPOSITIONS | ADVERBS
"""Words that end a phrase but may follow its verb: their phrase may still be missing a verb."""
_MAX_WORDS = 4
"""Words after the opener; a longer run is a clause, not something a fragment replaces."""

Token = tuple[str, int, int]


def phrases(question: str) -> list[str]:
    """Noun phrases of a question that a fragment may stand in for, in order: "the Orange
    Revolution", "its holding company", "BSkyB's holding company", "year 12"."""
    tokens = _tokens(question)
    spans = [(tokens[span.first][1], tokens[span.last][2]) for span in _spans(tokens)]
    numbered = [
        (m.start(), m.end())
        for m in _NUMBERED.finditer(question)
        if not any(start < m.end() and m.start() < end for start, end in spans)
    ]
    return [question[start:end] for start, end in sorted(spans + numbered)]


def phrase_end(question: str, start: int) -> int | None:
    """Where the phrase that opens at `start` ends ("the euro" in "... of the euro fall?"), or
    None when no phrase opens there."""
    tokens = _tokens(question)
    ends = {tokens[span.first][1]: tokens[span.last][2] for span in _spans(tokens)}
    return ends.get(start)


def whole_phrases(question: str) -> list[str]:
    """The noun phrases with what their "of" says, in order: "the price of oil" in "why did the
    price of oil rise?", "the head of the airline", "Boeing's share of the market". A fragment
    that has an "of" of its own replaces all of such a phrase, or the old complement stays
    behind ("the price of gold of oil")."""
    tokens = _tokens(question)
    spans = _spans(tokens)
    starting = {span.first: span for span in spans}
    found: list[str] = []
    covered = -1
    for span in spans:
        if span.first <= covered:
            continue  # the complement of the phrase before: "the airline" in "the head of ..."
        covered = _complement_end(tokens, span, starting)
        found.append(question[tokens[span.first][1] : tokens[covered][2]])
    return found


@dataclass(frozen=True)
class _Span:
    """A phrase found in a question's tokens."""

    first: int
    """The token that opens it: "the", "its", "BSkyB's"."""
    last: int
    """Its last token."""
    subject: str
    """What it waits for as a subject when an "of" follows it ("do": a bare verb): its
    complement ends before that verb too."""


def _tokens(question: str) -> list[Token]:
    return [(t.group(), t.start(), t.end()) for t in _TOKEN.finditer(question)]


def _spans(tokens: list[Token]) -> list[_Span]:
    """The phrases that open with "the", "its" or a possessive name, in order."""
    spans: list[_Span] = []
    waiting = ""  # "did the head of the airline resign": "the airline" is still the subject
    i = 0
    while i < len(tokens):
        if not _opens(tokens[i][0]):
            i += 1
            continue
        waiting = _subject_of(_plain(tokens[i - 1][0]) if i else "", waiting)
        end = _extent(tokens, i)
        stop, then = _stop(tokens, end)
        words = [word for word, _, _ in tokens[i + 1 : end]]
        kept = _head(words, stop, waiting, then)
        carried = stop in PREPOSITIONS or stop in _JOINING
        waiting = waiting if kept == len(words) and carried else ""
        if kept > 0 and _short(words[:kept]):
            spans.append(_Span(i, i + kept, waiting))
        i += kept + 1
    return spans


def _complement_end(tokens: list[Token], span: _Span, starting: dict[int, _Span]) -> int:
    """The last token of the phrase with the "of" complements that follow it: "the price of
    oil", "the head of the board of the bank", "the price of a barrel"."""
    last, subject = span.last, span.subject
    while last + 2 < len(tokens) and _plain(tokens[last + 1][0]) == "of":
        start = last + 2
        if start in starting:  # "of the airline": a phrase the finder already cut
            last, subject = starting[start].last, starting[start].subject
            continue
        # A bare complement ("of oil", "of France", "of a barrel") is cut as a phrase would
        # be, with "of" (or its determiner) as the word that opens it.
        opener = start if _plain(tokens[start][0]) in _DETERMINERS else last + 1
        end = _extent(tokens, opener)
        stop, then = _stop(tokens, end)
        words = [word for word, _, _ in tokens[opener + 1 : end]]
        kept = _head(words, stop, subject, then) if words else 0
        if not (kept > 0 and _short(words[:kept])):
            break
        last = opener + kept
    return last


def _short(words: list[str]) -> bool:
    """Whether the words after an opener are few enough for a phrase: the owner ("the Bank
    of England's") and what it owns ("chief economist") are counted apart."""
    owner = max((n + 1 for n, word in enumerate(words) if _opens(word)), default=0)
    return owner <= _MAX_WORDS and len(words) - owner <= _MAX_WORDS


def _plain(word: str) -> str:
    return word.lower().replace("’", "'")


def _opens(word: str) -> bool:
    """ "the", "its", or a possessive name ("BSkyB's"), but not "what's" or "it's"."""
    plain = _plain(word)
    return plain in _OPENERS or (plain.endswith("'s") and plain not in _CONTRACTIONS)


def _subject_of(before: str, waiting: str) -> str:
    """What the phrase is the subject of: "do" after "did"/"will" (a bare verb follows it),
    "be" after "is"/"was" (a verb in -ing may follow it), else what the phrase it hangs from
    ("the head of", "the king or") was waiting for."""
    if before in DO_SUPPORT:
        return "do"
    if before in _BE:
        return "be"
    return waiting if before in PREPOSITIONS or before in _JOINING else ""


def _extent(tokens: list[Token], opener: int) -> int:
    """The index of the first token past the words that may belong to the phrase."""
    end = opener + 1
    while end < len(tokens):
        word = tokens[end][0]
        name_goes_on = (
            word == "of"
            and tokens[end - 1][0][0].isupper()
            and end + 1 < len(tokens)
            and tokens[end + 1][0][0].isupper()
        )  # "the Treaty of Versailles", "the Bank of England"
        if not name_goes_on and _ends(word, end == opener + 1, tokens[opener][0]):
            break
        end += 1
    return end


def _ends(word: str, first: bool, opener: str) -> bool:
    """Whether a word is past the end of the phrase: a function word, a verb, a preposition
    or an adverb. Capitalised words continue a name ("the Orange Revolution")."""
    plain = _plain(word)
    if word == "&":
        return False
    if not word[0].isalnum() or plain in _FUNCTION_WORDS or plain in _JOINING:
        return True
    if plain in QUESTION_WORDS:
        return True
    if word[0].isupper() or word[0].isdigit():
        return False
    if plain in AUXILIARIES or plain.endswith("n't") or plain in VERBS:
        return True
    # Right after "the" a preposition is an adjective ("the past year", "the inside story");
    # after "her" it may be a preposition ("what did he tell her about it?").
    return plain in _BOUNDARIES and (not first or _plain(opener) == "her")


def _stop(tokens: list[Token], end: int) -> tuple[str, str]:
    """The word that ended a phrase (lower-case) and the word after it (as written)."""
    stop = _plain(tokens[end][0]) if end < len(tokens) else ""
    then = tokens[end + 1][0] if end + 1 < len(tokens) else ""
    return stop, then


def _head(words: list[str], stop: str, subject: str, then: str = "") -> int:
    """How many of the words are the phrase: up to its head noun, without the participles,
    adverbs and verbs that ran on after it. `then` is the word after `stop`."""
    kept = _trim(words, progressive=subject == "be")
    # Before "of" and its complement is a noun ("the chief executive of Qantas"), seldom a
    # verb; so is the word before an adverb that a verb follows ("the new jet first fly").
    has_complement = stop == "of" and then[:1].isalnum()
    if (
        subject == "do"
        and _may_follow_verb(stop)
        and not (has_complement or _verb_after_adverb(stop, then))
    ):
        # "when did the Orange Revolution happen?": a verb must follow the subject, so when
        # none ended the phrase, the phrase has run over it.
        verb = _verb_after_subject(words[:kept])
        if verb is not None:
            return _trim(words[:verb], progressive=False)
    return kept


def _may_follow_verb(stop: str) -> bool:
    """Whether the word that ended a phrase could come after a verb (the end of the question,
    a preposition, an adverb, an object): if so, the verb may be inside the phrase."""
    if not stop or not stop[0].isalnum():
        return True
    return stop in _BOUNDARIES or stop in _FUNCTION_WORDS or stop in QUESTION_WORDS


def _verb_after_adverb(stop: str, then: str) -> bool:
    """Whether the adverb that ended a phrase comes before the verb, not after it: "when did
    Boeing's new jet first fly?" (not "why did the bridge collapse so quickly?")."""
    plain = _plain(then)
    return (
        stop in ADVERBS
        and then.isalpha()
        and then[0].islower()
        and plain not in _FUNCTION_WORDS | _JOINING | _BOUNDARIES | QUESTION_WORDS
        and plain not in AUXILIARIES
        and not _not_a_head(then)  # "so quickly": an adverb in -ly, no verb
    )


def _trim(words: list[str], progressive: bool) -> int:
    """How many words are left once participles and adverbs at the end are cut: "its holding
    company called" is "its holding company", "the bridge collapse quickly" drops "quickly";
    after "is", "the euro falling" drops "falling"."""
    kept = len(words)
    while kept > 1 and (
        _not_a_head(words[kept - 1]) or (progressive and _progressive(words[kept - 1]))
    ):
        kept -= 1
    return kept


def _not_a_head(word: str) -> bool:
    """A word a noun phrase cannot end on: a participle or an adverb in -ly."""
    plain = _plain(word)
    if not word[0].islower():
        return False
    if plain in PARTICIPLES:
        return True
    participle = plain.endswith("ed") and not plain.endswith("eed") and plain != "hundred"
    adverb = plain.endswith("ly") and plain not in LY_NOUNS
    return len(plain) > 4 and (participle or adverb)


def _progressive(word: str) -> bool:
    """A verb in -ing ("falling", "doing"), not a noun ("building") nor "thing" or "king"."""
    plain = _plain(word)
    stem = plain[:-3]
    return (
        word[0].islower()
        and plain.endswith("ing")
        and len(plain) >= 5
        and any(vowel in stem for vowel in "aeiouy")
        and plain not in ING_NOUNS
    )


def _verb_after_subject(words: list[str]) -> int | None:
    """Where the bare verb is in the words after "did"/"will" and its subject: the last
    lower-case word, since what follows a verb is its object ("the minister tell Putin") or
    an -ing verb ("the airline stop flying"), and the subject's own words come before it.
    None when no word would be left for the subject."""
    lower = [n for n, word in enumerate(words) if word[0].islower()]
    while len(lower) > 1 and _progressive(words[lower[-1]]):
        lower.pop()
    return lower[-1] if lower and lower[-1] > 0 else None
