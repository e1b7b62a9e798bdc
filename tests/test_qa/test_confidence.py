"""The confidence shown with an answer: the packaged calibrator, the kinds of answer questions
ask for, the trust metrics of `qa eval`, and the per-library answer/decline line."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import FakeEmbedder

from qa import Asker, Settings
from qa.answering.readers.confidence import (
    CONFIDENCE_PATH,
    FEATURES,
    Calibrator,
    CandidateSignals,
    features,
    word_coverage,
)
from qa.answering.readers.kinds import fits, question_kind
from qa.answering.readers.span import COSINE_WEIGHT, SpanReader
from qa.config.preferences import (
    DEFAULT_MIN_CONFIDENCE,
    PREFERENCES_NAME,
    PreferenceError,
    load_min_confidence,
    save_min_confidence,
)
from qa.evaluation.metrics import auroc, expected_calibration_error, reliability, risk_coverage
from qa.index import Library

PACKAGED = Calibrator.load()
READER = SpanReader()  # only its calibration is used: the ONNX model is never loaded


def _reading(
    text: str,
    margin: float,
    cosine: float = 0.5,
    rank: int = 0,
    at: int = 0,
    article: int = 1,
    dated: bool = True,
) -> CandidateSignals:
    """A candidate as the trained reader would report it, its scores derived as the reader's."""
    return CandidateSignals(
        text=text,
        margin=margin,
        null=4.0,
        cosine=cosine,
        rank=rank,
        place=(article, at),
        answerable=READER.answerable(margin, cosine),
        score=margin + COSINE_WEIGHT * cosine,
        coverage=0.8,
        passage_coverage=0.9,
        both=True,
        dated=dated,
    )


def test_the_packaged_calibrator_loads_and_says_what_it_was_fitted_on() -> None:
    assert CONFIDENCE_PATH.name == "confidence.json"
    assert CONFIDENCE_PATH.parent == Path(READER.model).parent  # beside the reader
    assert PACKAGED.names == list(FEATURES)
    assert "first 12 articles" in PACKAGED.fitted_on
    assert any(weight != 0.0 for weight in PACKAGED.weights)


def test_a_surer_reader_means_a_higher_confidence() -> None:
    rival = _reading("1998", 2.0, rank=1, at=90)
    shown = [
        PACKAGED.probability("When did the strike end?", [_reading("1999", margin), rival])
        for margin in range(-8, 16)
    ]
    assert shown == sorted(shown)
    assert shown[0] < 0.3 < 0.7 < shown[-1]


@settings(max_examples=200, deadline=None)
@given(
    margin=st.floats(-60, 60),
    cosine=st.floats(-1, 1),
    rank=st.integers(0, 4),
    others=st.lists(st.tuples(st.floats(-60, 60), st.sampled_from(["Nordline", "42", "x"]))),
    question=st.sampled_from(["Who won?", "How many ferries?", "Why?", "", "when"]),
)
def test_the_confidence_is_a_probability(
    margin: float,
    cosine: float,
    rank: int,
    others: list[tuple[float, str]],
    question: str,
) -> None:
    found = [_reading("Nordline", margin, cosine, rank)]
    found += [_reading(text, m, at=n + 1) for n, (m, text) in enumerate(others)]
    values = features(question, found)
    # A NaN or infinite feature would hide behind the clamp below; none may arise.
    assert len(values) == len(FEATURES) and all(math.isfinite(v) for v in values), values
    z = PACKAGED.bias + sum(
        w * (v - m) / s
        for w, v, m, s in zip(
            PACKAGED.weights, values, PACKAGED.means, PACKAGED.scales, strict=True
        )
    )
    shown = PACKAGED.probability(question, found)
    assert shown == pytest.approx(1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z)))), abs=1e-12)
    assert 0.0 <= shown <= 1.0
    assert PACKAGED.probability(question, []) == 0.0


def test_word_coverage_counts_the_question_words_a_sentence_repeats() -> None:
    question = "Who raised sanctions on Russia?"
    assert word_coverage(question, "The EU sanctioned Russia in March.") == pytest.approx(2 / 3)
    assert word_coverage(question, "Brussels raised sanctions on Russia.") == 1.0
    assert word_coverage(question, "Nothing here.") == 0.0
    assert word_coverage("Who?", "anything") == 0.0  # no content words to look for


def test_the_features_count_the_articles_read_and_whether_the_answer_is_dated() -> None:
    one_article = [_reading("Nordline", 9.0), _reading("Rigs", 2.0, at=40)]
    two_articles = [_reading("Nordline", 9.0), _reading("Rigs", 2.0, at=40, article=2)]
    at = FEATURES.index
    assert features("Who won?", one_article)[at("articles")] == 0.5
    assert features("Who won?", two_articles)[at("articles")] == 1.0
    undated = [_reading("Nordline", 9.0, dated=False)]
    assert features("Who won?", undated)[at("dated")] == 0.0
    assert features("Who won?", one_article)[at("dated")] == 1.0


def test_news_answers_are_shown_less_sure_than_the_same_scores_in_an_encyclopedia() -> None:
    # Fitted on news questions as well: at the same reader scores, answers from dated articles
    # that many articles report were right less often (docs/quality.md, "Trust").
    question = "How much did Rosneft pay for Yugansk?"
    reference = PACKAGED.probability(
        question,
        [_reading("$9.3bn", 8.0, dated=False), _reading("$540m", 3.0, 0.5, 1, 70, dated=False)],
    )
    news = PACKAGED.probability(
        question, [_reading("$9.3bn", 8.0), _reading("$540m", 3.0, 0.5, 1, 70, article=2)]
    )
    assert news < reference


def test_a_calibrator_fitted_on_other_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "confidence.json"
    Calibrator(names=["margin"], means=[0.0], scales=[1.0], weights=[1.0]).save(path)
    with pytest.raises(ValueError, match="refit"):
        Calibrator.load(path)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How much did Rosneft pay for Yugansk?", "amount"),
        ("how many ferries sailed?", "amount"),
        ("When did the strike end?", "time"),
        ("In what year was it founded?", "time"),
        ("Who was president when the war began?", "person"),
        ("Where did the leak occur?", "place"),
        ("Which country hosted the G7?", "place"),
        ("What did he say about Russia?", "what"),
        ("Why did they leave?", "why"),
        ("Tell me about Lucca", "other"),
    ],
)
def test_questions_say_what_kind_of_answer_they_ask_for(question: str, kind: str) -> None:
    assert question_kind(question) == kind


def test_answers_are_checked_against_the_kind_asked_for() -> None:
    assert fits("amount", "$9.3bn") == fits("amount", "three ferries") == 1.0
    assert fits("amount", "Rosneft") == 0.0
    assert fits("time", "early Tuesday") == fits("time", "1999") == 1.0
    assert fits("time", "Boris Johnson") == 0.0
    assert fits("person", "Boris Johnson") == 1.0
    assert fits("person", "the 1999 strike") == 0.0
    assert fits("what", "anything") == 0.5


def test_calibration_error_on_answers_with_known_bins() -> None:
    # Two answers at 0.9, one right (a gap of 0.4); two at 0.2, none right (a gap of 0.2).
    confidences, correct = [0.9, 0.9, 0.2, 0.2], [True, False, False, False]
    assert reliability(confidences, correct) == [(0.2, 0.0, 2), (0.9, 0.5, 2)]
    assert expected_calibration_error(confidences, correct) == pytest.approx(0.3)
    assert expected_calibration_error([1.0, 0.05], [True, False]) == pytest.approx(0.025)
    assert expected_calibration_error([], []) == 0.0


def test_auroc_counts_right_answers_ranked_above_wrong_ones() -> None:
    # Right at 0.9 and 0.7, wrong at 0.8 and 0.1: three of the four pairs are in order.
    assert auroc([0.9, 0.8, 0.7, 0.1], [True, False, True, False]) == pytest.approx(0.75)
    assert auroc([0.5, 0.5], [True, False]) == 0.5  # a tie counts half
    assert auroc([0.2, 0.9], [False, True]) == 1.0
    assert auroc([0.2, 0.9], [True, True]) == 0.5  # nothing to tell apart


# Forty answers with confidences rounded to hundredths, so that ties and bin edges (0.3, 0.5,
# 0.8, 1.0) occur; the figures below were computed by the hand-written rank sum and binning
# before auroc moved to scikit-learn, and must not move.
PINNED_CONFIDENCES = [
    0.63, 0.9, 0.78, 0.23, 0.3, 0.87, 0.01, 0.82, 0.8, 0.47, 0.3, 0.28, 0.25, 0.45, 0.5, 0.55,
    1.0, 0.79, 0.62, 0.99, 0.22, 0.16, 0.61, 0.04, 0.04, 0.51, 0.47, 0.92, 0.63, 0.51, 0.5, 0.25,
    0.01, 0.19, 0.69, 0.2, 0.37, 0.0, 0.83, 0.15,
]  # fmt: skip
PINNED_RIGHT = [bool(int(c)) for c in "1110010110001111110100000111010000100011"]


def test_trust_figures_on_fixed_answers_are_pinned() -> None:
    assert auroc(PINNED_CONFIDENCES, PINNED_RIGHT) == pytest.approx(0.8825, abs=1e-12)
    assert expected_calibration_error(PINNED_CONFIDENCES, PINNED_RIGHT) == pytest.approx(
        0.163, abs=1e-12
    )
    # Bins are closed on the left: both 0.3s count in the 0.3-0.4 bin, both 0.5s in 0.5-0.6, and
    # 1.0 in the last bin.
    points = reliability(PINNED_CONFIDENCES, PINNED_RIGHT)
    assert [n for _, _, n in points] == [5, 3, 6, 3, 3, 5, 5, 2, 4, 4]
    assert [value for point in points for value in point] == pytest.approx(
        [
            value
            for point in [
                (0.02, 0.0, 5),
                (1 / 6, 1 / 3, 3),
                (1.43 / 6, 1 / 6, 6),
                (0.97 / 3, 0.0, 3),
                (1.39 / 3, 2 / 3, 3),
                (0.514, 0.8, 5),
                (0.636, 0.4, 5),
                (0.785, 1.0, 2),
                (0.83, 1.0, 4),
                (0.9525, 1.0, 4),
            ]
            for value in point
        ],
        abs=1e-12,
    )


def test_auroc_refuses_confidences_and_answers_that_do_not_pair() -> None:
    with pytest.raises(ValueError):
        auroc([0.2, 0.9, 0.5], [True, False])


def test_risk_coverage_keeps_the_most_confident_answers() -> None:
    table = risk_coverage([0.5, 0.9, 0.7, 0.8, 0.6], [False, True, False, True, True])
    assert {c: a for c, (a, _) in table.items()} == pytest.approx(
        {1.0: 3 / 5, 0.8: 3 / 4, 0.6: 2 / 3, 0.4: 1.0, 0.2: 1.0}
    )
    assert table[0.8][1] == 0.6  # the line that keeps 80%: the fourth most confident answer


def test_the_line_is_saved_per_library(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    assert load_min_confidence(first) == DEFAULT_MIN_CONFIDENCE
    save_min_confidence(first, 0.8)
    assert load_min_confidence(first) == 0.8
    assert load_min_confidence(second) == DEFAULT_MIN_CONFIDENCE
    assert json.loads((first / PREFERENCES_NAME).read_text()) == {"min_confidence": 0.8}
    with pytest.raises(PreferenceError, match="from 0 to 1"):
        save_min_confidence(first, 80)
    (second / PREFERENCES_NAME).parent.mkdir()
    (second / PREFERENCES_NAME).write_text("{not json")
    with pytest.raises(PreferenceError, match="delete it"):
        load_min_confidence(second)


def test_the_chat_sets_the_line_through_the_asker(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    asker = Asker(Library(folder, FakeEmbedder()), Settings(library=folder), reader=READER)
    assert asker.calibrator is not None  # the trained reader gets the packaged calibrator
    assert asker.min_confidence == DEFAULT_MIN_CONFIDENCE
    asker.set_min_confidence(0.65)
    assert asker.min_confidence == 0.65
    reopened = Asker(Library(folder, FakeEmbedder()), Settings(library=folder), reader=READER)
    assert reopened.min_confidence == 0.65  # kept for the library
    reopened.set_min_confidence(0.1, save=False)
    assert reopened.min_confidence == 0.1 and load_min_confidence(folder) == 0.65
    with pytest.raises(PreferenceError):
        reopened.set_min_confidence(-0.1)
