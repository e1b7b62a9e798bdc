"""The question's conditions looked up in the cited text, and declines that say why."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa import Asker, Settings
from qa.answering.answer import BELOW_LINE, NOT_IN_ARTICLES, Answer
from qa.answering.readers.conditions import (
    CONDITION_FEATURES,
    Condition,
    Text,
    check,
    conditions_of,
)
from qa.answering.readers.confidence import FEATURES, Calibrator
from qa.display.export import chat_markdown
from qa.followups import Conversation
from qa.index import Library, MiniLMEmbedder
from qa.workspace.history import answer_from_dict

ORDER = (
    "Ryanair orders 70 Boeing jets\n"
    "Budget airline Ryanair has placed an order for 70 Boeing 737 planes worth $4bn, "
    "its chief executive Michael O'Leary said on Tuesday. The Royal Bank of Scotland (RBS) "
    "arranged 1,250 million euros of the financing."
)
SENTENCE = "Budget airline Ryanair has placed an order for 70 Boeing 737 planes worth $4bn, "


def test_names_numbers_and_words_are_told_apart() -> None:
    found = conditions_of("How many Airbus planes did Ryanair order in 2013?")
    assert found == [
        Condition("Airbus", "name"),
        Condition("planes", "word"),
        Condition("Ryanair", "name"),
        Condition("order", "word"),
        Condition("2013", "number"),
    ]


def test_the_first_word_is_a_name_only_when_it_is_an_acronym() -> None:
    assert conditions_of("Describe the order") == [
        Condition("Describe", "word"),
        Condition("order", "word"),
    ]
    assert conditions_of("RBS lent how much?")[0] == Condition("RBS", "name")


def test_a_swapped_name_is_missing_and_the_rest_is_met() -> None:
    met = check("How many Airbus planes did Ryanair order?", SENTENCE, ORDER, ORDER)
    assert met.unmet("article") == ["Airbus"]
    assert met.unmet("sentence") == ["Airbus"]
    assert met.missing("article", "name") == 0.5
    assert met.missing("article", "word") == 0.0
    assert len(met.features()) == len(CONDITION_FEATURES)


def test_a_question_the_article_meets_has_nothing_missing() -> None:
    met = check("How many Boeing planes did Ryanair order?", SENTENCE, ORDER, ORDER)
    assert met.unmet("article") == [] and met.features() == [0.0] * len(CONDITION_FEATURES)


@pytest.mark.parametrize(
    ("question", "unmet"),
    [
        ("What did RBS arrange?", []),  # the article sets up "(RBS)"
        ("How many euros did the Royal Bank of Scotland arrange, 1250 million?", []),
        ("What did Mr O'Leary say?", []),
        ("How much is the Ryanair deal worth in yen?", ["deal", "yen"]),
        ("What did the Bank of England arrange?", ["England"]),
        ("How many planes did Ryanair order in 2013?", ["2013"]),
    ],
)
def test_aliases_the_article_sets_up_count_and_swaps_do_not(
    question: str, unmet: list[str]
) -> None:
    assert check(question, SENTENCE, ORDER, ORDER).unmet("article") == unmet


def test_a_name_is_met_by_its_plural_or_possessive_but_not_by_a_prefix() -> None:
    text = Text("Toyota's profits rose. Airbuses flew.")
    assert text.holds(Condition("Toyota", "name"))
    assert text.holds(Condition("Airbus", "name"))
    assert not Text("Airline profits rose.").holds(Condition("Air", "name"))


def test_the_calibrator_reads_the_condition_signals() -> None:
    assert FEATURES[-len(CONDITION_FEATURES) :] == CONDITION_FEATURES
    packaged = Calibrator.load()
    weights = dict(zip(packaged.names, packaged.weights, strict=True))
    # Fitted, not hand-set: a name the answer's article never mentions makes it less likely.
    assert weights["names not in article"] < 0


class _Sure(Calibrator):
    """A calibrator that says the same chance of every answer."""

    def __init__(self, chance: float) -> None:
        super().__init__()
        object.__setattr__(self, "chance", chance)

    def of_features(self, values: list[float]) -> float:
        return float(self.chance)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def airline_library(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: MiniLMEmbedder
) -> Library:
    folder = tmp_path_factory.mktemp("airline")
    (folder / "ryanair.txt").write_text(ORDER)
    library = Library(folder / "lib", real_embedder)
    library.add([folder / "ryanair.txt"])
    return library


def test_an_answer_below_the_line_says_what_it_found_and_what_is_missing(
    airline_library: Library,
) -> None:
    settings = Settings(library=airline_library.folder, min_confidence=0.6)
    asker = Asker(airline_library, settings, calibrator=_Sure(0.59))
    answer = asker.ask("How many Airbus planes did Ryanair order?")
    assert not answer.found and answer.decline == BELOW_LINE
    assert answer.closest == "70"
    assert answer.message.startswith("Found “70” (59%), below your 60% line.")
    assert "“Airbus”" in answer.message and answer.unmet == ["Airbus"]
    data = answer.to_dict()
    assert data["confidence"] is None  # no misleading confidence on a declined answer
    assert data["closest"] == {"text": "70", "confidence": 0.59}
    assert answer_from_dict(json.loads(json.dumps(data))) == answer


def test_an_answer_above_the_line_is_found_and_names_what_its_article_lacks(
    airline_library: Library,
) -> None:
    settings = Settings(library=airline_library.folder, min_confidence=0.5)
    answer = Asker(airline_library, settings, calibrator=_Sure(0.7)).ask(
        "How many Airbus planes did Ryanair order?"
    )
    assert answer.found and answer.text == "70" and answer.decline == ""
    assert answer.unmet_note == "Its article never mentions “Airbus”."
    assert answer.to_dict()["confidence"] == 0.7


def test_nothing_that_answers_is_not_in_the_articles(
    airline_library: Library, tmp_path: Path
) -> None:
    settings = Settings(library=airline_library.folder, min_confidence=0.05)
    answer = Asker(airline_library, settings, calibrator=_Sure(0.9)).ask(
        "Which composer wrote the opera Tosca?"
    )
    assert not answer.found and answer.decline == NOT_IN_ARTICLES
    assert answer.to_dict()["closest"] is None and answer.to_dict()["confidence"] is None
    chat = Conversation()
    chat.add("Which composer wrote the opera Tosca?", answer)
    below = Answer("q", False, message="Found “70” (3%), below your 5% line.", decline=BELOW_LINE)
    chat.add("How many Airbus planes did Ryanair order?", below)
    exported = chat_markdown(chat)
    assert "(not in the articles)" in exported and "(below the answer line)" in exported
