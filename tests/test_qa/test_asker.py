"""End to end with the real model: verbatim answers, exact citations, and honest "not found"."""

from __future__ import annotations

from pathlib import Path

import pytest

from qa import NOT_FOUND, Asker, QuestionError, Settings, clean_question
from qa.answering.readers.decline import corroborated
from qa.answering.readers.protocol import Extraction
from qa.answering.retrieval import Hit
from qa.index import Article, Library, MiniLMEmbedder, Span, StoredArticle, StoredPassage

JOHNSON_SENTENCE = (
    "Alfano says the idea was raised at a meeting in Lucca, Italy, by British "
    "Foreign Secretary Boris Johnson."
)


@pytest.fixture(scope="module")
def asker(seeds_library: Library) -> Asker:
    return Asker(seeds_library, Settings(library=seeds_library.folder))


def test_the_seed_question_names_boris_johnson_in_its_sentence(asker: Asker) -> None:
    answer = asker.ask("who raised sanctions?")
    assert answer.found
    assert "Boris Johnson" in answer.text
    assert answer.sentence == JOHNSON_SENTENCE
    start, end = answer.highlight
    assert answer.sentence[start:end] == answer.text
    first = answer.citations[0]
    assert first.number == 1
    assert (
        first.title == "G7 group meets with Middle East officials to discuss way forward in Syria"
    )
    assert first.source.endswith("000_be1cfe4c88351585.txt")


def test_citations_point_at_the_exact_sentence_in_the_article(
    asker: Asker, seeds_library: Library
) -> None:
    answer = asker.ask("who raised sanctions?")
    for citation in answer.citations:
        text = seeds_library.article(citation.article_id).article.text
        assert text[citation.sentence_start : citation.sentence_end] == citation.sentence
    for candidate in answer.candidates:
        citation = answer.citations[candidate.citation - 1]
        text = seeds_library.article(citation.article_id).article.text
        assert text[candidate.start : candidate.end] == candidate.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("When did the U.S. fire missiles at a Syrian airbase?", "Friday"),
        ("Who says there is no consensus for new sanctions?", "Alfano"),
        ("Who did Theresa May speak to on Monday?", "Donald Trump"),
        ("Where did the G7 foreign ministers meet?", "Lucca"),
    ],
)
def test_other_questions_about_the_seed(asker: Asker, question: str, expected: str) -> None:
    answer = asker.ask(question)
    assert answer.found and expected in answer.text


@pytest.mark.parametrize(
    "question", ["who won the 2022 world cup?", "what is the boiling point of mercury?"]
)
def test_questions_the_articles_cannot_answer_are_declined(asker: Asker, question: str) -> None:
    answer = asker.ask(question)
    assert not answer.found
    assert answer.message == NOT_FOUND
    assert answer.text == ""
    assert answer.citations  # the closest passages are still shown


def test_questions_are_cleaned_of_control_characters_and_escapes() -> None:
    assert clean_question("\x1b[31mwho\x1b[0m raised\x07 sanctions?\n") == "who raised sanctions?"
    with pytest.raises(QuestionError, match="empty"):
        clean_question("  \t\n \x1b[2J ")


def test_a_huge_or_foreign_question_gets_an_answer_or_one_line_not_a_traceback(
    asker: Asker,
) -> None:
    # Refused, not cut: the reader reads only the start, so a cut question is answered as
    # something the user did not ask (tests/test_qa/test_long_questions.py has the lengths).
    with pytest.raises(QuestionError, match="49,999 characters long, over the 2,000"):
        asker.ask("sanctions " * 5000)
    assert not asker.ask("¿Quién propuso las sanciones? 谁提出了制裁？").text.startswith("\x1b")


def test_an_answer_given_by_several_articles_cites_them_all(
    tmp_path: Path, real_embedder: MiniLMEmbedder
) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "one.txt").write_text(
        "Ferry strike ends\n\nThe ferry strike ended on Monday after "
        "the operator Nordline raised wages by six percent."
    )
    (folder / "two.txt").write_text(
        "Islanders relieved\n\nIslanders cheered as ferries sailed "
        "again. Nordline raised wages to end the ferry strike."
    )
    library = Library(tmp_path / "lib", real_embedder)
    library.add([folder])
    answer = Asker(library, Settings(library=tmp_path / "lib")).ask(
        "Who raised wages to end the ferry strike?"
    )
    assert answer.found and "Nordline" in answer.text
    assert answer.also_in
    others = {answer.citations[n - 1].article_id for n in answer.also_in}
    assert others - {answer.citations[0].article_id}  # the other article is cited too


TOLD_TWICE = "Her breakthrough was Grease. Fans still sing songs from Grease. She sang in Xanadu."


def _candidate(article_id: int, answer: str, occurrence: int, answerable: float) -> Extraction:
    """A candidate answer found at the `occurrence`-th mention of `answer` in TOLD_TWICE."""
    start = -1
    for _ in range(occurrence + 1):
        start = TOLD_TWICE.index(answer, start + 1)
    article = StoredArticle(article_id, Article(f"k{article_id}", TOLD_TWICE, "t", "s", "p"))
    hit = Hit(StoredPassage(article_id, article, 0, len(TOLD_TWICE)), 1.0, 0.5, 1, 1)
    span = Span(start, start + len(answer))
    return Extraction(hit, span, span, 1.0, 0.0, answerable)


def test_an_answer_given_in_several_places_is_surer_than_any_one_of_them() -> None:
    twice = [_candidate(1, "Grease", 0, 0.4), _candidate(1, "Grease", 1, 0.3)]
    assert corroborated(twice) == pytest.approx(1 - 0.6 * 0.7)
    assert corroborated([*twice, _candidate(2, "Grease", 0, 0.5)]) == pytest.approx(
        1 - 0.6 * 0.7 * 0.5
    )


def test_the_same_words_read_twice_or_another_answer_add_nothing() -> None:
    best = _candidate(1, "Grease", 0, 0.4)
    overlapping_passage = _candidate(1, "Grease", 0, 0.3)  # the same mention, read again
    other_answer = _candidate(1, "Xanadu", 0, 0.45)
    assert corroborated([best, overlapping_passage, other_answer]) == pytest.approx(0.4)
    assert corroborated([]) == 0.0


class _Told:
    """A reader that finds the given candidates whatever the question."""

    def __init__(self, *candidates: Extraction) -> None:
        self.candidates = list(candidates)

    def extract(self, question: str, hits: list[Hit], library: Library) -> list[Extraction]:
        return self.candidates

    def warm_up(self) -> None:
        pass


def test_the_decision_and_the_confidence_shown_count_every_place_that_agrees(
    seeds_library: Library,
) -> None:
    settings = Settings(library=seeds_library.folder, min_confidence=0.5)
    once = _candidate(1, "Grease", 0, 0.4)
    twice = [once, _candidate(1, "Grease", 1, 0.3)]
    hits = [once.hit]
    declined = Asker(seeds_library, settings, _Told(once)).answer_hits("Which film?", hits)
    assert not declined.found and declined.confidence == 0.4
    answered = Asker(seeds_library, settings, _Told(*twice)).answer_hits("Which film?", hits)
    assert answered.found and answered.text == "Grease"
    assert answered.confidence == pytest.approx(0.58)
    assert answered.also_in  # the second mention is cited as saying the same
