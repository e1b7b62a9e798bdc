"""The reader's training data: unanswerable passages and start/end labels on real word pieces."""

from __future__ import annotations

import random

import numpy as np
from support import FIXTURES
from transformers import AutoTokenizer

from qa.index import packaged_model_path
from training.negatives import make_negatives, without_answer_sentence
from training.squad import Example, load_examples
from training.train_reader import features, length_batches

EXAMPLES = [e for e in load_examples(FIXTURES / "tiny-squad.json") if e.answers]


def test_negatives_never_hold_the_answer() -> None:
    negatives = make_negatives(EXAMPLES, random.Random(0), 1.0, 1.0, 1.0)
    kinds = {negative.id.rsplit("#", 1)[1] for negative in negatives}
    assert kinds == {"topic", "cut", "other"}
    for negative in negatives:
        assert negative.answers == () and negative.answer_start == -1
        source = next(e for e in EXAMPLES if negative.id.startswith(e.id + "#"))
        assert not any(answer in negative.context for answer in source.answers)
        assert negative.question == source.question


def test_topical_negative_is_another_paragraph_of_the_same_article() -> None:
    negatives = make_negatives(EXAMPLES, random.Random(0), 1.0, 0.0, 0.0)
    assert negatives
    for negative in negatives:
        source = next(e for e in EXAMPLES if negative.id.startswith(e.id + "#"))
        same_article = {e.context for e in EXAMPLES if e.title == source.title}
        assert negative.context in same_article and negative.context != source.context


def test_answer_sentence_is_cut_out_and_the_rest_kept() -> None:
    context = "Paris is in France. The Seine runs through it. It has many bridges."
    example = Example("q", "t", context, "What river?", ("The Seine",), context.index("The Seine"))
    assert without_answer_sentence(example) == "Paris is in France. It has many bridges."
    twice = Example("q", "t", context + " The Seine floods.", "?", ("The Seine",), 20)
    assert without_answer_sentence(twice) is None  # the answer would still be there


def test_labels_point_at_the_answer_and_at_cls_when_it_is_absent() -> None:
    tokenizer = AutoTokenizer.from_pretrained(str(packaged_model_path()))
    negatives = make_negatives(EXAMPLES, random.Random(0), 1.0, 0.0, 0.0)
    data = features(tokenizer, EXAMPLES + negatives, max_length=96, stride=32)
    starts, ends = data["start_positions"], data["end_positions"]
    answered = 0
    for row in range(len(starts)):
        if starts[row]:
            answered += 1
            text = tokenizer.decode(data["input_ids"][row][starts[row] : ends[row] + 1])
            assert any(text == answer.lower() for e in EXAMPLES for answer in e.answers), text
    assert answered >= len(EXAMPLES)  # every answer fits some window
    assert (starts == 0).sum() >= len(negatives)


def test_length_batches_cover_every_window_once_with_similar_lengths() -> None:
    lengths = np.array([random.Random(i).randint(10, 256) for i in range(1000)])
    batches = length_batches(lengths, 32, random.Random(0))
    assert sorted(i for batch in batches for i in batch) == list(range(1000))
    spread = np.mean([lengths[b].max() - lengths[b].min() for b in batches])
    assert spread < 30  # random batches of 32 would spread over ~230
