"""The follow-up rules one at a time: which turns are fragments ("and in Germany?"), how a
fragment is put into the last question, and which names a question holds."""

from __future__ import annotations

import pytest

from qa import Answer
from qa.followups.fragments import fragment_of, substitute
from qa.followups.mentions import names_in
from qa.followups.nouns import Kind

NOT_FOUND = Answer("q", False)


def found(text: str) -> Answer:
    return Answer("q", True, text)


# -- fragment_of -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "fragment"),
    [
        ("and in Germany?", "in Germany"),
        ("what about 2013?", "2013"),
        ("How about the MVP?", "the MVP"),
        ("And what about the British ones?", "the British ones"),
        ("but Airbus?", "Airbus"),
        ("ok, the year before?", "the year before"),
        ("  and in France?!  ", "in France"),
        ("and his brother?", "his brother"),  # a pronoun may open the fragment
        ("and the big red London bus?", "the big red London bus"),  # five words: still one
    ],
)
def test_a_fragment_is_what_follows_its_opening_word(question: str, fragment: str) -> None:
    assert fragment_of(question) == fragment


@pytest.mark.parametrize(
    "question",
    [
        "in Germany?",  # no "and"/"what about": a question of its own
        "and?",
        "and the big old red London bus?",  # six words: a question, not a fragment
        "and when did he go?",  # an auxiliary: a clause with its own verb
        "and Boeing did too?",
        "and where in Germany?",  # a question word: left to the bare-question rules
        "and the man he met?",  # a pronoun inside: a clause about someone
    ],
)
def test_turns_that_are_not_fragments(question: str) -> None:
    assert fragment_of(question) is None


# -- substitute --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("reading", "answer", "fragment", "expected"),
    [
        # A year for the last year; "the year before/after" counts from it.
        (
            "How many cars did Toyota sell between 2010 and 2013?",
            NOT_FOUND,
            "2015",
            "How many cars did Toyota sell between 2010 and 2015?",
        ),
        (
            "how many were sold in 2013?",
            NOT_FOUND,
            "the year before",
            "how many were sold in 2012?",
        ),
        ("how many were sold in 2013?", NOT_FOUND, "the year after", "how many were sold in 2014?"),
        ("what happened before the war?", NOT_FOUND, "after", "what happened after the war?"),
        ("what lies north of Paris?", NOT_FOUND, "south of Lyon", "what lies south of Lyon?"),
        # A prepositional phrase for one with the same preposition, else added.
        (
            "how many lived in the French colonies?",
            NOT_FOUND,
            "in the British ones",
            "how many lived in the British ones?",
        ),
        ("when did he say it?", NOT_FOUND, "in France", "when did he say it in France?"),
        # A name for a name, a place for a place, never the last answer.
        (
            "When will Boeing deliver the planes?",
            NOT_FOUND,
            "Airbus",
            "When will Airbus deliver the planes?",
        ),
        ("Who sells planes in Germany?", NOT_FOUND, "France", "Who sells planes in France?"),
        (
            "Did Boeing or Emirates order the jets?",
            found("Boeing"),
            "Airbus",
            "Did Boeing or Airbus order the jets?",
        ),
        # What is counted, a phrase with the same head or shape, a possessed phrase.
        (
            "how many swings did the recall affect?",
            NOT_FOUND,
            "rockers",
            "how many rockers did the recall affect?",
        ),
        (
            "who led the Orange Revolution in Ukraine?",
            NOT_FOUND,
            "the Rose Revolution",
            "who led the Rose Revolution in Ukraine?",
        ),
        (
            "what was the cost of the new bridge?",
            NOT_FOUND,
            "that bridge",
            "what was the cost of that bridge?",
        ),
        ("what was taught in year 12?", NOT_FOUND, "year 13", "what was taught in year 13?"),
        (
            "what is its holding company called?",
            NOT_FOUND,
            "the parent",
            "what is the parent called?",
        ),
        # The answer, when the reading already holds it.
        (
            "when did Boris Johnson raise sanctions?",
            found("Boris Johnson"),
            "the prime minister",
            "when did the prime minister raise sanctions?",
        ),
        # What follows "was" at the end; a plural with no slot asks the same for them.
        (
            "what share of Fresno's population was Asian?",
            NOT_FOUND,
            "black",
            "what share of Fresno's population was black?",
        ),
        ("what do they make?", NOT_FOUND, "studios", "what do they make for studios?"),
    ],
)
def test_the_fragment_takes_the_place_of_what_it_replaces(
    reading: str, answer: Answer, fragment: str, expected: str
) -> None:
    assert substitute(reading, answer, fragment) == expected


@pytest.mark.parametrize(
    ("reading", "fragment"),
    [
        ("what happened in the war?", "after"),  # no "before" to swap
        ("what did the company make?", "1991"),  # no year to replace
        ("Who sells planes in Germany?", "Airbus"),  # the only name is a place
        ("the winner of the race was who?", "second"),  # "was who" is no slot
        ("what do they make?", "quickly"),
    ],
)
def test_a_fragment_with_no_place_in_the_question_gives_nothing(
    reading: str, fragment: str
) -> None:
    assert substitute(reading, NOT_FOUND, fragment) is None


# -- names_in ----------------------------------------------------------------------------------


def named(question: str) -> list[tuple[str, str]]:
    return [(mention.text, mention.role) for mention in names_in(question)]


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("who raised sanctions?", []),
        ("What did Boris Johnson say?", [("Boris Johnson", "actor")]),  # "What" opens, no name
        ("did Tillerson meet Putin?", [("Tillerson", "actor"), ("Putin", "subject")]),
        ("who raised sanctions in Lucca, Italy?", [("Lucca, Italy", "place")]),
        ("what rose in the Dow?", [("Dow", "place")]),  # "in the": still a place
        ("who ruled in what is now Germany?", [("Germany", "place")]),
        ("who is the president of France?", [("France", "subject")]),  # "of" sets no place
        ("In Germany, who leads?", [("Germany", "place")]),
        ("When did the House of Guise fall?", [("House of Guise", "subject")]),
        ("What does Bed Bath & Beyond sell?", [("Bed Bath & Beyond", "actor")]),
        ("Did Apple and the others sue?", [("Apple", "actor")]),  # "and" needs a name after
        ("Who won Super Bowl 50?", [("Super Bowl 50", "subject")]),
        ("Who won Super Bowl 2016?", [("Super Bowl", "subject")]),  # a year is not in a name
        ("Who owns BSkyB's holding company?", [("BSkyB", "subject")]),
        ("who met al-Assad in Damascus?", [("al-Assad", "subject"), ("Damascus", "place")]),
    ],
)
def test_names_with_their_roles(question: str, names: list[tuple[str, str]]) -> None:
    assert named(question) == names


def test_a_place_is_a_place_and_other_names_are_left_open() -> None:
    lucca, johnson = names_in("did Boris Johnson speak in Lucca?")[::-1]
    assert (lucca.kind, johnson.kind) == (Kind.PLACE, Kind.THING)


def test_names_say_whether_they_are_plural() -> None:
    plurals = {m.text: m.plural for m in names_in("Did the Normans beat Sweden and Finland?")}
    assert plurals == {"Normans": True, "Sweden and Finland": True}
    assert [m.plural for m in names_in("Did LeBron James sign?")] == [False]
