"""Follow-ups resolve pronouns against earlier answers; chats are saved and reloaded intact."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from qa import Answer, Citation, Conversation, History


def answer(text: str, found: bool = True) -> Answer:
    citation = Citation(
        number=1,
        title="G7 meets",
        source="seeds/g7.txt",
        date="2017-04-11",
        sentence=f"The idea was raised by {text}.",
        sentence_start=10,
        sentence_end=40,
        article_id=1,
        passage_id=2,
    )
    return Answer(
        question="q",
        found=found,
        text=text,
        confidence=0.8,
        highlight=(23, 23 + len(text)),
        citations=[citation],
        message="" if found else "Not found in your articles.",
    )


def test_person_pronouns_point_at_the_latest_person_named() -> None:
    chat = Conversation()
    chat.add("who raised sanctions?", answer("Boris Johnson"))
    chat.add("where was the meeting?", answer("Lucca"))
    assert (
        chat.resolve("what did he say about Russia?") == "what did Boris Johnson say about Russia?"
    )
    assert chat.resolve("what was his role?") == "what was Boris Johnson's role?"
    assert chat.resolve("what happened there?") == "what happened in Lucca?"
    assert chat.resolve("who raised tariffs?") == "who raised tariffs?"  # stands on its own


def test_he_means_a_person_not_the_place_answer_of_a_where_question() -> None:
    chat = Conversation()
    chat.add("who raised sanctions?", answer("Boris Johnson"))
    chat.add("where was the meeting held?", answer("Lucca, Italy"))
    chat.add("what happened in Italy?", answer("a summit"))  # "Italy" is a place, not a subject
    assert chat.resolve("what did he say?") == "what did Boris Johnson say?"
    chat.add("what did he say about Russia?", answer("no consensus"))  # "Russia": an object
    assert chat.resolve("what did he say?") == "what did Boris Johnson say?"


def test_names_with_lowercase_particles_are_people_and_adjectives_are_not() -> None:
    chat = Conversation()
    chat.add("who is the Syrian president?", answer("Bashar al-Assad"))
    assert chat.resolve("who backs him?") == "who backs Bashar al-Assad?"
    chat = Conversation()
    chat.add("who is the Syrian president?", answer("", found=False))
    assert chat.resolve("who backs him?") == "who backs him?"  # not "who backs Syrian?"


def test_it_never_points_back_at_a_time_or_an_amount() -> None:
    chat = Conversation()
    chat.add("where did they meet?", answer("Lucca"))
    assert chat.resolve("how big is it?") == "how big is Lucca?"
    chat.add("when did they meet?", answer("early Tuesday"))
    assert chat.resolve("where is it?") == "where is Lucca?"  # still the town, not "Tuesday"
    chat.add("how many attended?", answer("seven ministers"))
    assert chat.resolve("who were they?") == "who were they?"


def test_he_can_mean_a_name_the_last_question_used() -> None:
    chat = Conversation()
    chat.add("who raised sanctions?", answer("Boris Johnson"))
    chat.add("what did Tillerson do?", answer("visited the site of a massacre"))
    assert chat.resolve("where was he going?") == "where was Tillerson going?"


def test_a_bare_question_word_asks_the_last_question_again() -> None:
    chat = Conversation()
    chat.add("who met in Lucca?", answer("G7 foreign ministers"))
    assert chat.resolve("when?") == "when did G7 foreign ministers met in Lucca?"
    assert chat.resolve("And where exactly?") == "where did G7 foreign ministers met in Lucca?"
    chat.add("when?", answer("early Tuesday"))
    # A chain of them keeps the question they all refer to.
    assert chat.resolve("why?") == "why did G7 foreign ministers met in Lucca?"
    chat.add("what did Alfano say about Russia?", answer("no consensus"))
    assert chat.resolve("why?") == "why did Alfano say about Russia?"
    assert chat.resolve("why is the sky blue?") == "why is the sky blue?"  # stands on its own
    assert chat.context("when?") == "no consensus G7 meets"


def test_context_is_added_only_for_questions_that_refer_back() -> None:
    chat = Conversation()
    assert chat.context("what did he say?") == ""
    chat.add("who raised sanctions?", answer("Boris Johnson"))
    assert chat.context("what did he say?") == "Boris Johnson G7 meets"
    assert chat.context("who won the cup?") == ""


def test_not_found_answers_are_not_referred_to() -> None:
    chat = Conversation()
    chat.add("who won?", answer("", found=False))
    assert chat.resolve("what did he say?") == "what did he say?"


def test_markdown_export_quotes_answers_and_citations() -> None:
    chat = Conversation()
    chat.add("who raised sanctions?", answer("Boris Johnson"))
    chat.add("who won?", answer("", found=False))
    chat.add("what did he say?", replace(answer("no consensus"), read_as="what did BJ say?"))
    text = chat.to_markdown()
    assert "## who raised sanctions?" in text
    assert "**Boris Johnson**" in text
    assert "1. G7 meets · seeds/g7.txt · 2017-04-11" in text
    assert "_Not found in your articles._" in text
    assert "## what did he say?\n\n_read as “what did BJ say?”_\n\n**no consensus**" in text


def test_history_round_trips_chats(tmp_path: Path) -> None:
    history = History(tmp_path)
    chat_id = history.new_chat("who raised sanctions?")
    history.add_turn(chat_id, "who raised sanctions?", answer("Boris Johnson"))
    follow_up = replace(answer("", found=False), read_as="what did Boris Johnson say?")
    history.add_turn(chat_id, "what did he say?", follow_up)
    history.close()
    reopened = History(tmp_path)
    [summary] = reopened.chats()
    assert (summary.title, summary.turns) == ("who raised sanctions?", 2)
    turns = reopened.load(chat_id).turns
    assert turns[0][1] == answer("Boris Johnson")
    assert turns[1] == ("what did he say?", follow_up)
