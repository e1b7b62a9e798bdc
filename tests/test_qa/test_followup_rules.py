"""The follow-up rules one at a time: which turns are fragments ("and in Germany?"), how a
fragment is put into the last question, and which names a question holds."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa import Answer
from qa.followups import Resolver
from qa.followups.fragments import asking_for, fragment_of, substitute
from qa.followups.mentions import names_in
from qa.followups.nouns import Kind
from qa.followups.phrases import phrases, whole_phrases

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
        ("and the cost of the old tunnel?", "the cost of the old tunnel"),  # "of": two phrases
        ("and Airbus's new jet?", "Airbus's new jet"),
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


# -- a phrase with "of" or an owner is replaced whole ----------------------------------------


@pytest.mark.parametrize(
    ("reading", "fragment", "expected"),
    [
        ("why did the price of oil rise?", "the price of gold", "why did the price of gold rise?"),
        (
            "why did the price of crude oil rise in 2015?",
            "the price of gold",
            "why did the price of gold rise in 2015?",
        ),
        (
            "who is the president of France?",
            "the president of Germany",
            "who is the president of Germany?",
        ),
        (
            "when did the head of the airline resign?",
            "the head of the bank",
            "when did the head of the bank resign?",
        ),
        (
            "what was the cost of the new bridge?",
            "the cost of the old tunnel",
            "what was the cost of the old tunnel?",
        ),
        # The same complement, another head; a chain of "of"s is one phrase.
        (
            "what did the king of Spain say?",
            "the queen of Spain",
            "what did the queen of Spain say?",
        ),
        (
            "when did the head of the board of the bank resign?",
            "the head of the airline",
            "when did the head of the airline resign?",
        ),
        (
            "what did the head of the IMF say?",  # neither part the same: still the whole
            "the chief economist of the Fed",
            "what did the chief economist of the Fed say?",
        ),
        (
            "when did the chief executive of the airline resign?",
            "the chief executive of the bank",
            "when did the chief executive of the bank resign?",
        ),
        (
            "how much did the price of a barrel fall?",
            "the price of a tonne",
            "how much did the price of a tonne fall?",
        ),
    ],
)
def test_a_fragment_with_of_replaces_the_phrase_with_its_complement(
    reading: str, fragment: str, expected: str
) -> None:
    assert substitute(reading, NOT_FOUND, fragment) == expected


@pytest.mark.parametrize(
    ("reading", "fragment", "expected"),
    [
        ("when will Boeing's new jet fly?", "Airbus's new jet", "when will Airbus's new jet fly?"),
        (
            "when did Boeing's new jet first fly?",
            "Airbus's new jet",
            "when did Airbus's new jet first fly?",
        ),
        # Another head: the whole phrase goes.
        ("why did Apple's shares fall?", "Google's profits", "why did Google's profits fall?"),
        (
            "what did Boeing's chief executive say about the crash?",
            "Airbus's boss",
            "what did Airbus's boss say about the crash?",
        ),
        # The same head: only the owner changes, and the old phrase's other words stay.
        ("when will Boeing's new jet fly?", "Airbus's", "when will Airbus's new jet fly?"),
        ("when will Boeing's new jet fly?", "Airbus's jet", "when will Airbus's new jet fly?"),
        (
            "why did the company's shares fall sharply?",
            "Google's shares",
            "why did Google's shares fall sharply?",
        ),
        (
            "who is the Bank of England's chief economist?",
            "the Fed's chief economist",
            "who is the Fed's chief economist?",
        ),
        # No owned phrase: the phrase with the same head, never a name (Boeing's place).
        ("when will the new jet fly?", "Airbus's new jet", "when will Airbus's new jet fly?"),
        (
            "When will Boeing deliver the planes?",
            "Airbus's new planes",
            "When will Boeing deliver Airbus's new planes?",
        ),
    ],
)
def test_a_possessive_fragment_replaces_the_possessive_phrase(
    reading: str, fragment: str, expected: str
) -> None:
    assert substitute(reading, NOT_FOUND, fragment) == expected


@pytest.mark.parametrize(
    ("question", "found"),
    [
        ("why did the price of oil rise", ["the price of oil"]),
        ("why did the price of crude oil first fall", ["the price of crude oil"]),
        ("when did the head of the airline resign", ["the head of the airline"]),
        # Before "of" is a noun, not the verb: "executive" stays.
        ("did the chief executive of the airline resign", ["the chief executive of the airline"]),
        ("what did the king of Spain tell the Pope", ["the king of Spain", "the Pope"]),
        ("when will Boeing's new jet fly", ["Boeing's new jet"]),
    ],
)
def test_whole_phrases_take_their_complements(question: str, found: list[str]) -> None:
    assert whole_phrases(question) == found


@pytest.mark.parametrize(
    ("reading", "follow_up", "expected"),
    [
        (
            "how much did the value of the pound fall?",
            "and the value of the euro?",
            "how much did the value of the euro fall?",  # not "the euro pound fall"
        ),
        (
            "why did the price of oil rise?",
            "and the price of gold?",
            "why did the price of gold rise?",
        ),
        ("why did Apple's shares fall?", "and Google's shares?", "why did Google's shares fall?"),
    ],
)
def test_the_chat_reads_whole_phrase_fragments(reading: str, follow_up: str, expected: str) -> None:
    assert Resolver([(reading, NOT_FOUND)]).resolve(follow_up).text == expected


def test_a_person_before_of_is_asked_for_with_who() -> None:
    question = "what was the captain of the team?"  # the head is "captain", not "team"
    assert asking_for(question, "the captain of the team") == "who was the captain of the team?"


_WHOLE_FRAMES = [
    "why did {} rise?",
    "when did {} first fall?",
    "what was {} in 2015?",
    "who is {}?",
    "how much did {} grow since 2010?",
    "what did {} say about the crash?",
    "why is {} falling?",
    "did {} really change that?",
    "what did Boris Johnson say about {}?",
]
_HEADS = ["the price", "the head", "the chief executive", "the value"]
_COMPLEMENTS = ["oil", "crude oil", "the airline", "France", "a barrel", "the Bank of England"]
_OWNERS = ["Boeing", "the company", "Apple", "the Bank of England"]
_OWNED = ["new jet", "shares", "chief executive", "holding company"]


@st.composite
def whole_slots(draw: st.DrawFn) -> tuple[str, str]:
    """An old phrase and a fragment of its kind: both with "of", or both with an owner."""
    if draw(st.booleans()):
        heads, rests = (st.sampled_from(_HEADS), st.sampled_from(_COMPLEMENTS))
        old, new = (f"{draw(heads)} of {draw(rests)}" for _ in range(2))
    else:
        owners, rests = (st.sampled_from(_OWNERS), st.sampled_from(_OWNED))
        old = f"{draw(owners)}'s {draw(rests)}"
        new = f"{draw(owners)}'s" + draw(st.sampled_from(["", f" {draw(rests)}"]))
    return old, new


@given(st.sampled_from(_WHOLE_FRAMES), whole_slots())
def test_a_whole_phrase_rewrite_keeps_the_question_and_the_fragment(
    frame: str, slot: tuple[str, str]
) -> None:
    phrase, fragment = slot
    rewrite = substitute(frame.format(phrase), NOT_FOUND, fragment)
    assert rewrite is not None
    before, after = (words_of(part) for part in frame.split("{}"))
    words = words_of(rewrite)
    assert words[: len(before)] == before
    assert words[len(words) - len(after) :] == after
    # In the slot: the fragment's words in order, and nothing that was in neither phrase
    # (only the owner changes when the rest is already there).
    slot_words = words[len(before) : len(words) - len(after)]
    rest = iter(slot_words)
    assert all(word in rest for word in words_of(fragment))
    assert set(slot_words) <= set(words_of(fragment)) | set(words_of(phrase))
    assert len(slot_words) <= len(words_of(fragment)) + len(words_of(phrase)) - 1


# -- the rest of the question survives -------------------------------------------------------


@pytest.mark.parametrize(
    ("reading", "fragment", "expected"),
    [
        # A verb at the end: the phrase ends before it, known verb or not.
        (
            "when did the Orange Revolution happen?",
            "the Rose Revolution",
            "when did the Rose Revolution happen?",
        ),
        ("how did the old bridge collapse?", "the new bridge", "how did the new bridge collapse?"),
        ("what did the prime minister say?", "the chancellor", "what did the chancellor say?"),
        ("when was the treaty signed?", "the armistice", "when was the armistice signed?"),
        ("why is the euro falling?", "the pound", "why is the pound falling?"),
        # A preposition or particle at the end.
        (
            "what was the Orange Revolution about?",
            "the Rose Revolution",
            "what was the Rose Revolution about?",
        ),
        ("what is the film based on?", "the play", "what is the play based on?"),
        ("when did the merger go through?", "the takeover", "when did the takeover go through?"),
        # A verb with an object, an adverb, a name or an -ing verb after it.
        (
            "when will the airline deliver the planes?",
            "the manufacturer",
            "when will the manufacturer deliver the planes?",
        ),
        (
            "why did the company's shares fall sharply?",
            "the bank's shares",
            "why did the bank's shares fall sharply?",
        ),
        (
            "what did the minister tell Putin?",
            "the chancellor",
            "what did the chancellor tell Putin?",
        ),
        (
            "when did the airline stop flying to Cuba?",
            "the carrier",
            "when did the carrier stop flying to Cuba?",
        ),
        # The subject reaches over "of": the verb still follows it.
        (
            "when did the head of the airline resign?",
            "the national airline",
            "when did the head of the national airline resign?",
        ),
        # A name goes on over "of"; a preposition right after "the" is an adjective.
        (
            "what did the Treaty of Versailles establish?",
            "the Treaty of Paris",
            "what did the Treaty of Paris establish?",
        ),
        ("what changed in the past year?", "the past decade", "what changed in the past decade?"),
    ],
)
def test_the_words_around_the_replaced_phrase_stay(
    reading: str, fragment: str, expected: str
) -> None:
    assert substitute(reading, NOT_FOUND, fragment) == expected


@pytest.mark.parametrize(
    ("question", "found"),
    [
        ("when did the Orange Revolution happen", ["the Orange Revolution"]),
        ("what is its holding company called", ["its holding company"]),
        ("when will the planes be delivered", ["the planes"]),  # "be": no verb to cut
        ("how long did the old bridge last", ["the old bridge"]),  # "last" is the verb here
        ("when did the injured arrive", ["the injured"]),  # one word: the head, even in -ed
        ("where is the new building", ["the new building"]),  # a noun in -ing
        ("who was the first woman to fly", ["the first woman"]),
        ("what did he tell her about the plan", ["the plan"]),  # "her about": no phrase
        ("what's the company called", ["the company"]),  # "what's" opens nothing
        ("did the king or the queen abdicate", ["the king", "the queen"]),
        ("what was taught in year 12", ["year 12"]),
        ("when did Boeing's new jet first fly", ["Boeing's new jet"]),  # the verb after "first"
        ("why did the bridge collapse so quickly", ["the bridge"]),  # "so quickly" after it
    ],
)
def test_a_phrase_ends_where_the_rest_of_the_question_begins(
    question: str, found: list[str]
) -> None:
    assert phrases(question) == found


_FRAMES = [
    "when did {} happen?",
    "what was {} about?",
    "what did {} say?",
    "when will {} deliver the planes?",
    "why did {} collapse so quickly?",
    "what was {} named after?",
    "why was {} shut down?",
    "what did {} tell Putin?",
    "who led {} in Ukraine?",
    "did {} really say that?",
    "when did {} finally sign the deal?",
    "what did Boris Johnson say about {}?",
    "where is {} based now?",
    "how much has {} grown since 2010?",
    "how long did {} last?",
    "what did {} give the workers?",
    "why is {} struggling?",
]
_SLOTS = [
    ("the Orange Revolution", "the Rose Revolution"),
    ("the prime minister", "the foreign minister"),
    ("its holding company", "its parent company"),
    ("the king", "the queen"),
    ("the airline's chief executive", "the bank's chief executive"),
    ("the old wooden bridge", "the new bridge"),
]


@pytest.mark.parametrize(("frame", "slot"), list(itertools.product(_FRAMES, _SLOTS)))
def test_a_rewrite_keeps_every_word_outside_the_replaced_phrase(
    frame: str, slot: tuple[str, str]
) -> None:
    phrase, fragment = slot
    rewrite = substitute(frame.format(phrase), NOT_FOUND, fragment)
    assert rewrite is not None
    before, after = (words_of(part) for part in frame.split("{}"))
    words = words_of(rewrite)
    # The question's own words, in order, on both sides of the fragment, and nothing lost.
    assert words[: len(before)] == before
    assert words[len(words) - len(after) :] == after
    assert words[len(before) : len(words) - len(after)] == words_of(fragment)


def words_of(text: str) -> list[str]:
    return re.findall(r"[\w'’]+", text)


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
