"""The sentence reader (the spaCy baseline) and the thresholds that say when its best sentence
is an answer: typed phrases at exact offsets, and an honest low score for what is not there."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qa.answering.readers.protocol import Extraction
from qa.answering.readers.sentence import SentenceReader, Thresholds
from qa.answering.retrieval import Hit, retrieve
from qa.index import (
    Article,
    Library,
    MiniLMEmbedder,
    Span,
    StoredArticle,
    StoredPassage,
    split_sentences,
)

BRIDGE = (
    "The harbour bridge at Kelso was finished in the spring. "
    "Mayor Janet Holloway opened the bridge on 12 March 1998. "
    "The bridge cost 4 million pounds to build. "
    "Its steel arches were designed in Glasgow."
)
JOHNSON_SENTENCE = (
    "Alfano says the idea was raised at a meeting in Lucca, Italy, by British "
    "Foreign Secretary Boris Johnson."
)


class SentencesOf:
    """Stands in for a Library: the reader only asks it where a passage's sentences are."""

    def sentences(self, passage: StoredPassage) -> list[Span]:
        spans = split_sentences(passage.article.article.text)
        return [s for s in spans if s.end > passage.start and s.start < passage.end]


def hit(text: str, cosine: float = 0.1, article_id: int = 1) -> Hit:
    """The whole of `text` as one retrieved passage, as similar to the question as `cosine`."""
    article = StoredArticle(article_id, Article(f"k{article_id}", text, "t", "s", "p"))
    return Hit(StoredPassage(article_id, article, 0, len(text)), 1.0, cosine, 1, 1)


def read(reader: SentenceReader, question: str, *hits: Hit) -> list[Extraction]:
    return reader.extract(question, list(hits), SentencesOf())  # type: ignore[arg-type]


def quoted(extraction: Extraction) -> tuple[str, str]:
    """The extraction's sentence and answer as they stand in the article."""
    text = extraction.hit.passage.article.article.text
    sentence, answer = extraction.sentence, extraction.answer
    return text[sentence.start : sentence.end], text[answer.start : answer.end]


@pytest.fixture(scope="module")
def reader() -> SentenceReader:
    return SentenceReader()


@pytest.mark.parametrize(
    ("question", "expected", "label"),
    [
        # The same sentence holds a person and a date: the question word picks between them.
        ("who opened the bridge?", "Janet Holloway", "PERSON"),
        ("when did the mayor open the bridge?", "12 March 1998", "DATE"),
        ("how much did the bridge cost?", "4 million pounds", "MONEY"),
        ("where were the steel arches designed?", "Glasgow", "GPE"),
    ],
)
def test_the_question_word_picks_an_entity_of_its_type(
    reader: SentenceReader, question: str, expected: str, label: str
) -> None:
    best = read(reader, question, hit(BRIDGE))[0]
    sentence, answer = quoted(best)
    assert answer == expected
    assert {ent.text: ent.label_ for ent in reader.nlp(sentence).ents}[answer] == label
    assert best.answerable >= 0.5


def test_every_answer_lies_inside_its_sentence_at_exact_offsets(reader: SentenceReader) -> None:
    sentences = set(split_sentences(BRIDGE))
    for question in ("who opened the bridge?", "when was the bridge finished?", "what cost?"):
        for extraction in read(reader, question, hit(BRIDGE)):
            sentence, answer = extraction.sentence, extraction.answer
            assert sentence in sentences
            assert sentence.start <= answer.start < answer.end <= sentence.end
            phrase = quoted(extraction)[1]
            assert phrase == phrase.strip() and phrase in quoted(extraction)[0]


def test_the_seed_question_gets_boris_johnson_from_a_real_library(
    reader: SentenceReader, seeds_library: Library, real_embedder: MiniLMEmbedder
) -> None:
    question = "who raised sanctions?"
    hits = retrieve(seeds_library, question, real_embedder.encode_queries([question])[0])
    best = reader.extract(question, hits, seeds_library)[0]
    sentence, answer = quoted(best)
    assert (sentence, answer) == (JOHNSON_SENTENCE, "Boris Johnson")
    assert best.answerable >= 0.5


def test_a_question_the_passage_does_not_answer_is_not_answerable(
    reader: SentenceReader,
) -> None:
    extractions = read(reader, "what is the boiling point of mercury?", hit(BRIDGE, cosine=0.1))
    assert extractions
    assert all(e.coverage == 0.0 and e.answerable < 0.5 for e in extractions)


def test_the_reader_judges_with_its_own_thresholds_and_the_hits_cosine(
    reader: SentenceReader,
) -> None:
    question = "what is the boiling point of mercury?"
    # No word in common, but a passage this similar answers whatever the overlap ...
    assert read(reader, question, hit(BRIDGE, cosine=0.6))[0].answerable >= 0.5
    # ... unless the reader was given a stricter line.
    strict = SentenceReader(thresholds=Thresholds(sure_cosine=0.9))
    strict.nlp = reader.nlp  # share the loaded spaCy model
    assert read(strict, question, hit(BRIDGE, cosine=0.6))[0].answerable < 0.5


def test_why_and_what_said_questions_are_answered_by_the_whole_sentence(
    reader: SentenceReader,
) -> None:
    for question in ("why did the mayor open the bridge?", "what did the mayor say?"):
        sentence, answer = quoted(read(reader, question, hit(BRIDGE))[0])
        assert answer == sentence


def test_no_content_words_or_no_hits_give_no_candidates(reader: SentenceReader) -> None:
    assert read(reader, "who is it?", hit(BRIDGE)) == []
    assert read(reader, "who opened the bridge?") == []


def test_top_sentences_bounds_the_candidates_best_first(reader: SentenceReader) -> None:
    two = SentenceReader(top_sentences=2)
    two.nlp = reader.nlp
    extractions = read(two, "who opened the bridge?", hit(BRIDGE))
    assert len(extractions) == 2
    assert extractions[0].score >= extractions[1].score
    assert len(read(reader, "who opened the bridge?", hit(BRIDGE))) == 4


def test_the_sentence_after_a_match_gets_half_its_credit_but_only_in_the_same_passage(
    reader: SentenceReader,
) -> None:
    question = "who opened the bridge?"
    matching, after = "Mayor Janet Holloway opened the bridge.", "Crowds cheered loudly."
    same = {quoted(e)[0]: e.coverage for e in read(reader, question, hit(f"{matching} {after}"))}
    assert same == {matching: 1.0, after: 0.5}
    # The next passage's first sentence does not follow this one's last.
    apart = read(reader, question, hit(matching, article_id=1), hit(after, article_id=2))
    assert {quoted(e)[0]: e.coverage for e in apart} == {matching: 1.0, after: 0.0}


# -- thresholds --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("coverage", "cosine", "answers"),
    [
        (0.34, 0.15, True),  # both minimums, exactly
        (0.33, 0.15, False),
        (0.34, 0.14, False),
        (0.0, 0.55, True),  # a passage this similar answers without overlap
        (0.0, 0.54, False),
        (0.6, 0.0, True),  # a sentence that holds this much of the question answers anyway
        (0.6, -0.3, True),
        (0.59, 0.14, False),
        (0.0, 0.0, False),
    ],
)
def test_the_half_line_is_crossed_exactly_when_a_threshold_is_met(
    coverage: float, cosine: float, answers: bool
) -> None:
    assert (Thresholds().answerable(coverage, cosine) >= 0.5) is answers


@given(
    st.floats(0.0, 1.0),
    st.floats(-1.0, 1.0),
    st.floats(0.0, 1.0),
    st.floats(0.0, 1.0),
)
def test_answerable_never_falls_as_coverage_or_cosine_rises(
    coverage: float, cosine: float, more_coverage: float, more_cosine: float
) -> None:
    thresholds = Thresholds()
    low = thresholds.answerable(coverage, cosine)
    assert 0.0 <= low <= 1.0
    assert thresholds.answerable(coverage + more_coverage, cosine) >= low
    assert thresholds.answerable(coverage, min(cosine + more_cosine, 1.0)) >= low


def test_a_dissimilar_passage_counts_as_no_similarity_and_strength_is_capped() -> None:
    thresholds = Thresholds()
    assert thresholds.answerable(0.3, -0.8) == thresholds.answerable(0.3, 0.0)
    assert thresholds.answerable(1.0, 1.0) == 1.0
    assert thresholds.answerable(0.0, 0.0) == 0.0


def test_other_thresholds_move_the_line() -> None:
    assert Thresholds().answerable(0.4, 0.3) >= 0.5
    assert Thresholds(min_coverage=0.5).answerable(0.4, 0.3) < 0.5
    assert Thresholds(min_cosine=0.35).answerable(0.4, 0.3) < 0.5
    assert Thresholds(sure_coverage=0.3).answerable(0.4, 0.0) >= 0.5
