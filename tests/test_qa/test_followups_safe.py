"""Follow-ups never damage a question: one with a subject of its own is read as typed, and a
fragment fills the slot of its kind in the last question as read (issue 20, item 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import Answer, Citation, Conversation
from qa.evaluation.followups import load_chats, readings_with_gold_answers

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def answer(text: str) -> Answer:
    citation = Citation(
        number=1,
        title="News",
        source="news.jsonl",
        date="2005-01-01",
        sentence=f"It was {text}.",
        sentence_start=0,
        sentence_end=len(text) + 7,
        article_id=1,
        passage_id=1,
    )
    return Answer("q", True, text, 0.8, (6, 6 + len(text)), [citation])


def chat_of(*turns: tuple[str, str]) -> Conversation:
    chat = Conversation()
    for question, text in turns:
        chat.add(question, answer(text))
    return chat


def test_no_standalone_question_is_rewritten_after_unrelated_turns() -> None:
    """tests/fixtures/standalone-after-unrelated.jsonl (qa.evaluation.standalone): every turn,
    the earlier ones with their fixed answers and the last, read exactly as typed."""
    chats = load_chats(FIXTURES / "standalone-after-unrelated.jsonl")
    assert len(chats) >= 200
    tally = readings_with_gold_answers(chats)
    rewritten = [o for o in tally.outcomes if not o.read_right]
    assert [(o.turn.question, o.reading) for o in rewritten] == []


@pytest.mark.parametrize(
    ("earlier", "question"),
    [
        (("who raised sanctions?", "Boris Johnson"), "Who is the chief executive of Qantas?"),
        (
            ("Who is the deputy prime minister of Canada?", "Chrystia Freeland"),
            "Who is the chief financial officer of Qantas?",
        ),
        (("What is the capital of Canada?", "Ottawa"), "Where is the firm based?"),
        (("Which country did Bill Gates visit?", "India"), "Where is the firm based?"),
        (("Who is the president of France?", "Jacques Chirac"), "Who runs the company?"),
    ],
)
def test_a_question_with_its_own_subject_is_read_as_typed(
    earlier: tuple[str, str], question: str
) -> None:
    assert chat_of(earlier).resolve(question) == question


def test_a_new_name_keeps_the_questions_own_descriptions_but_not_a_named_one() -> None:
    chat = chat_of(("Which company makes the iPod?", "Apple"))
    question = "After cancelling the show, what did the BBC tell the public?"
    assert chat.resolve(question) == question
    chat = chat_of(("What treaty ended the French Wars of Religion?", "Edict of Nantes"))
    assert chat.resolve("what did the edict grant the Huguenots?") == (
        "what did Edict of Nantes grant the Huguenots?"
    )


def test_fragments_fill_the_slot_of_their_kind_in_the_last_question_as_read() -> None:
    chat = chat_of(("who raised sanctions?", "Boris Johnson"), ("when?", "Tuesday"))
    reading = chat.resolve("and in France?")
    assert reading.endswith(" in France?") and "sanctions" in reading
    chat = chat_of(("When will Boeing deliver the planes?", "next year"))
    assert chat.resolve("and Airbus?") == "When will Airbus deliver the planes?"
    chat = chat_of(("How many Boeing jets did Ryanair order from Seattle?", "100"))
    assert chat.resolve("and Airbus?") == "How many Airbus jets did Ryanair order from Seattle?"
    chat = chat_of(("how many swings did the recall affect?", "2 million"))
    assert chat.resolve("and rockers?") == "how many rockers did the recall affect?"
    # A slot only after "was": any other last word is a verb or a noun's end.
    chat = chat_of(("In 1940, what share of Fresno's population was Asian?", "8.4%"))
    assert chat.resolve("and black?") == "In 1940, what share of Fresno's population was black?"


def test_every_typed_word_survives_a_fragment_reading() -> None:
    chat = chat_of(("who raised sanctions?", "Boris Johnson"), ("when?", "Tuesday"))
    for fragment in ("and in France?", "and Airbus?", "what about 2013?"):
        reading = chat.resolve(fragment).lower()
        words = fragment.lower().rstrip("?").split()
        assert all(w in reading for w in words if w not in ("and", "what", "about")), reading
