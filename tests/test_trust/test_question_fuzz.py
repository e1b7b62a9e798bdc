"""Fuzzed questions over a small real library: any text at all is answered, declined, or
refused with one line (QuestionError), never an exception of another kind.

Derandomized and few examples, for CI; a longer run before a release (docs/reliability.md):
    QA_FUZZ_EXAMPLES=3000 pytest tests/test_trust/test_question_fuzz.py
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import FIXTURES, SEEDS, FakeEmbedder

from qa import Answer, Asker, Conversation, QuestionError, Settings
from qa.answering.readers import SentenceReader
from qa.display.script_json import UNSAFE_IN_JSON, json_for_scripts
from qa.index import Library

EXAMPLES = int(os.environ.get("QA_FUZZ_EXAMPLES", "25"))

WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x85\xa0\u1680\u2000\u2028\u2029\u202f\u3000"
questions = st.one_of(
    st.text(max_size=80),  # any characters but surrogates: controls, marks, RTL, CJK, emoji
    st.text(st.sampled_from(WHITESPACE), max_size=30),
    st.text(st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp"]), max_size=40),
    # Long: a fragment repeated to any length, past the limit too.
    st.builds(
        lambda part, times: part * times, st.text(min_size=1, max_size=12), st.integers(1, 400)
    ),
    st.builds(" ".join, st.lists(st.sampled_from(["the", "of", "who", "?", "“", "AND", "*", '"']))),
)
fuzzed = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    """The fixture articles and the seed, with the fast fake embedder."""
    folder = tmp_path_factory.mktemp("fuzz-articles")
    shutil.copytree(FIXTURES / "articles", folder / "articles")
    shutil.copy(SEEDS / "000_be1cfe4c88351585.txt", folder / "articles")
    library = Library(tmp_path_factory.mktemp("fuzz-library"), FakeEmbedder())
    library.add([folder / "articles"])
    yield library
    library.close()


@pytest.fixture(scope="module")
def asker(library: Library) -> Asker:
    """The light sentence reader, loaded once: hundreds of questions go through it."""
    return Asker(library, Settings(library=library.folder), reader=SentenceReader())


@pytest.fixture(scope="module")
def trained(library: Library) -> Asker:
    """The packaged ONNX span reader and its calibrator, over the fake embedder's passages."""
    return Asker(library, Settings(library=library.folder))


def answered_or_refused(asker: Asker, question: str, conversation: Conversation | None) -> None:
    """The one property: an Answer that holds together, or a one-line QuestionError."""
    try:
        answer = asker.ask(question, conversation)
    except QuestionError as error:
        message = str(error)
        assert message and "\n" not in message
        return
    assert isinstance(answer, Answer)
    if answer.found:
        assert answer.text and answer.text in answer.sentence
    else:
        assert answer.message
    # What --json would print: valid, one line, nothing a terminal obeys.
    printed = json_for_scripts(answer.to_dict())
    assert json.loads(printed) == json.loads(json.dumps(answer.to_dict()))
    assert "\n" not in printed and not UNSAFE_IN_JSON.search(printed)


@fuzzed
@given(question=questions)
def test_any_question_is_answered_declined_or_refused(asker: Asker, question: str) -> None:
    answered_or_refused(asker, question, None)


@pytest.fixture(scope="module")
def first_turn(asker: Asker) -> tuple[str, Answer]:
    first = "who raised sanctions?"
    return first, asker.ask(first)


@settings(fuzzed, max_examples=max(8, EXAMPLES // 2))
@given(question=questions)
def test_any_follow_up_is_answered_declined_or_refused(
    asker: Asker, first_turn: tuple[str, Answer], question: str
) -> None:
    conversation = Conversation()
    conversation.add(*first_turn)
    answered_or_refused(asker, question, conversation)


@settings(fuzzed, max_examples=max(6, EXAMPLES // 4))
@given(question=questions)
def test_the_trained_reader_answers_declines_or_refuses_any_question(
    trained: Asker, question: str
) -> None:
    answered_or_refused(trained, question, None)
