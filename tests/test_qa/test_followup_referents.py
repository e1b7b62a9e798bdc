"""What a follow-up points at when the product's own earlier answers are wrong, long or unsure:
cases from asking `tests/fixtures/followups.jsonl` end to end (`qa ask --follow-ups -`)."""

from __future__ import annotations

from qa import Answer, Citation, Conversation
from qa.followups.mentions import answer_mention


def answer(text: str, confidence: float = 0.8, title: str = "An article") -> Answer:
    """An answer found in an article called `title`."""
    citation = Citation(
        number=1,
        title=title,
        source="news.jsonl",
        date="2022-07-01",
        sentence=f"It was {text}.",
        sentence_start=0,
        sentence_end=len(text) + 7,
        article_id=1,
        passage_id=1,
    )
    return Answer("q", True, text, confidence, (6, 6 + len(text)), [citation])


def chat_of(*turns: tuple[str, Answer]) -> Conversation:
    chat = Conversation()
    for question, said in turns:
        chat.add(question, said)
    return chat


def test_the_topic_is_what_the_person_asked_about_not_an_answer_to_who() -> None:
    # The reader answered "Bowlen" (wrong): "the deal" is still the Broncos'.
    chat = chat_of(("Who bought the Denver Broncos?", answer("Bowlen")))
    assert chat.resolve("how much was the deal worth?") == (
        "how much was the Denver Broncos deal worth?"
    )
    # "they" was read as the Broncos once; the score is still Super Bowl 50's.
    chat = chat_of(
        ("Who won Super Bowl 50?", answer("Denver Broncos")),
        ("who did they beat?", answer("Carolina Panthers")),
    )
    assert chat.resolve("what was the final score?") == (
        "what was the final score of Super Bowl 50?"
    )
    # The answer to "which airline" is what the chat is about, not the airline it bought.
    chat = chat_of(("Which airline announced it would buy Spirit Airlines?", answer("JetBlue")))
    assert chat.resolve("what would the deal create?") == "what would the JetBlue deal create?"


def test_a_person_is_the_name_after_the_words_that_describe_them() -> None:
    chat = chat_of(("what was the MVP of Super Bowl 50?", answer("Denver linebacker Von Miller")))
    assert chat.resolve("what position does he play?") == "what position does Von Miller play?"
    chat = chat_of(
        ("Who became the youngest person to fly around the world solo?", answer("Mack Rutherford")),
        ("who held the record before him?", answer("his older sister Zara Rutherford")),
    )
    assert chat.resolve("how old was she?") == "how old was Zara Rutherford?"
    assert chat.resolve("how old is he?") == "how old is Mack Rutherford?"


def test_a_sentence_given_for_a_name_is_read_as_the_name_it_opens_with() -> None:
    sentence = (
        "Bed Bath & Beyond (BBBY) is reportedly dealing with cooled momentum and heated "
        "customers at its stores."
    )
    chat = chat_of(
        (
            "Which retailer was accused of cutting the air conditioning in its stores?",
            answer(sentence),
        )
    )
    assert chat.resolve("how much is its store traffic down year-over-year?") == (
        "how much is Bed Bath & Beyond's store traffic down year-over-year?"
    )
    assert chat.resolve("who made that claim?") == "who made the Bed Bath & Beyond claim?"
    # A sentence for "how" or "why" names nothing to point at.
    assert answer_mention("How did the plague spread?", sentence) is None
    assert answer_mention("Which retailer was accused?", f"In May, {sentence}") is None


def test_a_noun_said_before_keeps_what_it_was_of_and_is_then_it() -> None:
    chat = chat_of(
        ("What is the AAA national average for a gallon of regular gas?", answer("$4.52")),
    )
    assert chat.resolve("which state has the cheapest average?") == (
        "which state has the cheapest average for a gallon of regular gas?"
    )
    chat.add("which state has the cheapest average?", answer("South Carolina"))
    assert chat.resolve("what is it there?") == (
        "what is the cheapest average for a gallon of regular gas in South Carolina?"
    )
    # "them" is never the description of one thing ("the model of General Motors").
    chat = chat_of(
        ("Which automaker is offering to buy back its electric SUVs?", answer("General Motors"))
    )
    chat.add("what's the model called?", Answer("q", False, message="Not found."))
    assert chat.resolve("how much is the company offering them?") == (
        "how much is General Motors offering SUVs?"
    )


def test_the_group_nobody_named_is_the_one_the_cited_headline_names() -> None:
    headline = "Broncos sale to Walton group unanimously OKed by NFL owners"
    chat = chat_of(("Who bought the Denver Broncos?", answer("Bowlen", title=headline)))
    assert chat.resolve("who heads the group?") == "who heads the Walton group?"
    # A group the chat named comes first.
    chat = chat_of(
        ("Which group bought the Denver Broncos?", answer("Walton-Penner", title=headline))
    )
    assert chat.resolve("who heads the group?") == "who heads Walton-Penner?"


def test_a_fragment_naming_a_person_asks_who() -> None:
    chat = chat_of(
        ("Who won Super Bowl 50?", answer("Denver Broncos")),
        ("what was the final score?", answer("24–10")),
    )
    assert chat.resolve("and the MVP?") == "who was the MVP of Super Bowl 50?"
    chat = chat_of(("What is another term for year 12?", answer("lower sixth")))
    assert chat.resolve("and year 13?") == "What is another term for year 13?"


def test_a_thing_an_earlier_question_gave_an_owner_is_still_the_owners() -> None:
    chat = chat_of(("By what ratio did Alphabet split its shares?", answer("20-to-1")))
    assert chat.resolve("what did the price of one share drop to?") == (
        "what did the price of one Alphabet share drop to?"
    )
    # A question that names its own subject keeps it.
    assert chat.resolve("what did one Tesla share cost?") == "what did one Tesla share cost?"


def test_the_record_high_is_of_what_the_chat_is_about() -> None:
    chat = chat_of(
        ("What is the AAA national average for a gallon of regular gas?", answer("$4.52")),
        ("which state has the cheapest average?", answer("South Carolina")),
    )
    # "regular gas", not the name "AAA": a noun with a word before it is a subject too.
    assert chat.resolve("what was the record high?") == "what was the record high of regular gas?"
    chat = chat_of(("Which element has atomic number 8?", answer("oxygen")))
    assert chat.resolve("what is the element's symbol?") == "what is oxygen's symbol?"
