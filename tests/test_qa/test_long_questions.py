"""Questions of every length and shape up to MAX_QUESTION_CHARS, read by the real packaged
reader: each is answered or declined, never a crash; a longer one is refused in one line."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from qa import Asker, QuestionError, Settings, clean_question
from qa.answering.asker import MAX_QUESTION_CHARS
from qa.answering.readers.confidence import corroboration
from qa.answering.readers.span import MAX_QUESTION_TOKENS, SpanReader
from qa.cli import cli
from qa.index import Library

SHAPES = {
    "one long word": "a",
    "many short words": "who raised new sanctions on Syria ",
    "only punctuation": "?!.,;:'\"()[]{}<>/\\|-_*&^%$#@~`+= ",
    "only stop words": "the of and to in is was it that what which who ",
    "right to left": "من رفع العقوبات الجديدة على سوريا؟ ",
    "emoji": "😀🦀🛢️👩‍👩‍👧 ",
    "CJK without spaces": "谁在意大利提出了对叙利亚的新制裁",
    "FTS5 syntax": '"AND OR NOT NEAR( * ^ : -" ',
    "combining marks": "e\u0301a\u0308o\u0302 ",
}


def sized(seed: str, length: int) -> str:
    """`seed` repeated to exactly `length` characters, with no space at either end."""
    text = (seed * (length // len(seed) + 1))[:length]
    return text if text == text.strip() else text.strip().ljust(length, "x")


@pytest.fixture(scope="module")
def asker(seeds_library: Library) -> Asker:
    return Asker(seeds_library, Settings(library=seeds_library.folder))


def test_the_reader_shortens_a_question_longer_than_a_window() -> None:
    # Measuring the question with the pair tokenizer raised "Truncation error: Second sequence
    # not provided" once it passed a window (256 word pieces, about 1,100 characters).
    reader = SpanReader()
    question = sized("who raised new sanctions on Syria ", 1200)
    shortened = reader._shorten(question)
    assert question.startswith(shortened) and len(shortened) < len(question)
    pieces = reader.question_tokenizer.encode(shortened, add_special_tokens=False)
    assert len(pieces.ids) == MAX_QUESTION_TOKENS
    [span] = reader.best_spans(question, ["Boris Johnson raised sanctions at Lucca."])
    assert span.end > span.start


@pytest.mark.parametrize("shape", SHAPES)
def test_a_question_of_the_longest_length_is_answered_or_declined(asker: Asker, shape: str) -> None:
    question = sized(SHAPES[shape], MAX_QUESTION_CHARS)
    assert len(clean_question(question)) == MAX_QUESTION_CHARS
    answer = asker.ask(question)
    assert answer.found or answer.message
    if answer.found:
        assert answer.text and answer.text in answer.sentence


@pytest.mark.parametrize("length", [1, 1100])
def test_questions_of_other_lengths_are_answered_or_declined(asker: Asker, length: int) -> None:
    answer = asker.ask(sized("who raised sanctions? ", length))
    assert answer.found or answer.message


def test_a_question_over_the_limit_is_refused_in_one_line(asker: Asker) -> None:
    with pytest.raises(QuestionError, match=r"2,001 characters long, over the 2,000") as error:
        asker.ask("a" * (MAX_QUESTION_CHARS + 1))
    assert "\n" not in str(error.value)


def test_lone_surrogates_in_a_question_become_replacement_characters(asker: Asker) -> None:
    # The tokenizer refused them with a TypeError: a C locale reads bad bytes as surrogates.
    assert clean_question("who \udcff raised \ud83d\ude00?") == "who \ufffd raised 😀?"
    assert asker.ask("who \udcff raised sanctions?").found


def test_an_answer_that_normalises_to_nothing_still_agrees_with_itself() -> None:
    # "the" normalises to "": the best agreed with no candidate, and log(0 places) crashed.
    assert corroboration(["the", "an"], [(1, 0), (2, 0)], [0.4, 0.3]).places == 1


def test_a_batch_skips_a_bad_line_and_goes_on(
    seeds_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = Asker.answer_hits

    def faulty(self: Asker, question: str, *args: object, **kwargs: object) -> object:
        if question.startswith("boom"):
            raise RuntimeError("a fault of qa's own\nover two lines")
        return original(self, question, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Asker, "answer_hits", faulty)
    lines = [
        "who raised sanctions?",
        "a" * (MAX_QUESTION_CHARS + 1),
        "boom",
        "who \udcff",  # cannot be encoded: replaced below
        "who is the Italian foreign minister?",
    ]
    stdin = "\n".join(lines).encode("utf-8", "surrogateescape")
    result = CliRunner().invoke(
        cli, ["ask", "--json", "--library", str(seeds_library.folder), "-"], input=stdin
    )
    assert result.exit_code == 0, result.output
    answers = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(answers) == 3
    assert answers[0]["found"] and answers[-1]["text"] == "Angelino Alfano"
    assert answers[1]["question"] == "who \ufffd"
    errors = result.stderr.splitlines()
    assert errors[0].startswith("qa: line 2 skipped: the question is 2,001 characters long")
    assert errors[1] == (
        "qa: line 3 skipped: qa could not answer it (RuntimeError: a fault of qa's own over "
        "two lines); please report this"
    )
    assert "3 questions" in errors[-1] and "2 lines skipped" in errors[-1]
