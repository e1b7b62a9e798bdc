"""The trained extractive reader: an ONNX span model that finds the answer inside passages."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from qa.index import Library, ModelUnavailable, Span, onnx_inputs, packaged_model_path

from ..retrieval import Hit
from .furniture import is_furniture, tidy_edges, whole_amount
from .protocol import Extraction

MODEL_PATH = Path(__file__).resolve().parents[2] / "models" / "reader.onnx"
CALIBRATION_PATH = MODEL_PATH.with_suffix(".json")
"""Bias and temperature that turn the reader's answer-vs-null margin into a 0..1 confidence."""
MAX_ANSWER_TOKENS = 30
MAX_QUESTION_TOKENS = 64
"""Longer questions are cut, so every window keeps room for the passage (as in SQuAD training)."""
COSINE_WEIGHT = 8.0
"""How much the question-passage cosine adds to the reader's margin when ranking candidates
(chosen on the SQuAD dev split: margin + 8 cosine over the top 5 passages gave F1 53.2, the margin
alone 52.0, the raw span score 44.3)."""
_TOP = 20


@dataclass(frozen=True)
class SpanScore:
    """The reader's best answer in one passage; offsets are into the passage text."""

    score: float
    """start + end logit of the span."""
    null: float
    """start + end logit of [CLS]: the reader's vote for "no answer here"."""
    start: int
    end: int

    @property
    def margin(self) -> float:
        return self.score - self.null


@dataclass(frozen=True)
class Calibration:
    """Maps (reader margin, retrieval cosine) to a confidence; 0.5 is the answer/decline line."""

    bias: float = 0.0
    temperature: float = 2.0
    cosine_weight: float = 4.0
    cosine_center: float = 0.3

    @classmethod
    def load(cls, path: Path) -> Calibration:
        if not path.exists():
            return cls()
        return cls(**json.loads(path.read_text()))


def default_reader_available() -> bool:
    """True when the trained reader ships with this installation."""
    return MODEL_PATH.exists()


class SpanReader:
    """Reads (question, passage) pairs with the packaged ONNX model under onnxruntime."""

    def __init__(
        self,
        model: Path = MODEL_PATH,
        max_length: int = 256,
        stride: int = 96,
        threads: int = 2,
        calibration: Calibration | None = None,
    ) -> None:
        self.model = model
        self.max_length = max_length
        self.stride = stride
        self.threads = threads
        self.calibration = calibration or Calibration.load(CALIBRATION_PATH)

    @cached_property
    def session(self) -> Any:
        if not self.model.exists():
            raise ModelUnavailable(
                f"the reader model {self.model} is missing; train it with: "
                f"python -m training.train_reader"
            )
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = self.threads
        return onnxruntime.InferenceSession(
            str(self.model), options, providers=["CPUExecutionProvider"]
        )

    @cached_property
    def tokenizer(self) -> Any:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(packaged_model_path() / "tokenizer.json"))
        tokenizer.enable_truncation(self.max_length, stride=self.stride, strategy="only_second")
        tokenizer.no_padding()
        return tokenizer

    @cached_property
    def question_tokenizer(self) -> Any:
        """The tokenizer without truncation, to measure a question alone: the pair tokenizer's
        `only_second` truncation refuses a single sequence longer than a window."""
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(packaged_model_path() / "tokenizer.json"))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return tokenizer

    def warm_up(self) -> None:
        """Load the model and tokenizers now rather than on the first question."""
        _ = self.session, self.tokenizer, self.question_tokenizer

    def best_spans(self, question: str, passages: list[str]) -> list[SpanScore]:
        """The best span of each passage (every window of a long passage is read)."""
        return [spans[0] for spans in self.top_spans(question, passages, 1)]

    def top_spans(self, question: str, passages: list[str], count: int) -> list[list[SpanScore]]:
        """The `count` best spans of each passage, best first (every window of a long passage is
        read); each carries the passage's "no answer" score."""
        question = self._shorten(question)
        windows: list[tuple[int, Any]] = []
        for number, encoding in enumerate(
            self.tokenizer.encode_batch([(question, passage) for passage in passages])
        ):
            windows.append((number, encoding))
            windows.extend((number, extra) for extra in encoding.overflowing)
        if not windows:
            return []
        start_logits, end_logits = self.session.run(
            None, onnx_inputs([encoding for _, encoding in windows])
        )
        spans = [
            _best_spans(start_logits[row], end_logits[row], encoding, passages[number], count)
            for row, (number, encoding) in enumerate(windows)
        ]
        nulls = start_logits[:, 0] + end_logits[:, 0]
        best: list[list[SpanScore]] = []
        for number in range(len(passages)):
            rows = [row for row, (owner, _) in enumerate(windows) if owner == number]
            # A passage votes "no answer" only as strongly as its least sure window does.
            null = float(min(nulls[row] for row in rows))
            found = sorted((s for row in rows for s in spans[row]), key=lambda s: -s.score)
            best.append([replace(s, null=null) for s in found[:count]] or [_NO_SPAN])
        return best

    def _shorten(self, question: str) -> str:
        """The question cut to MAX_QUESTION_TOKENS word pieces, at a token boundary."""
        encoding = self.question_tokenizer.encode(question, add_special_tokens=False)
        if len(encoding.ids) <= MAX_QUESTION_TOKENS:
            return question
        return question[: encoding.offsets[MAX_QUESTION_TOKENS - 1][1]]

    def answerable(self, margin: float, cosine: float) -> float:
        """0..1: how likely the span answers the question, from the reader and retrieval."""
        c = self.calibration
        value = (margin - c.bias) / c.temperature + c.cosine_weight * (cosine - c.cosine_center)
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, value))))

    def extract(self, question: str, hits: list[Hit], library: Library) -> list[Extraction]:
        """Candidate answers from the hits, best first, each inside its sentence."""
        return self.extractions(
            hits, library, self.best_spans(question, [h.passage.text for h in hits])
        )

    def extractions(
        self, hits: list[Hit], library: Library, spans: list[SpanScore]
    ) -> list[Extraction]:
        """The candidate answers that `spans` (one per hit, from `best_spans`) make, best first."""
        extractions = []
        for hit, span in zip(hits, spans, strict=True):
            start = hit.passage.start + span.start
            end = hit.passage.start + span.end
            if end <= start:
                continue
            sentence, answer = _sentence_around(library, hit, start, end)
            likely = self.answerable(span.margin, hit.cosine)
            extractions.append(
                Extraction(
                    hit,
                    sentence,
                    answer,
                    score=span.margin + COSINE_WEIGHT * hit.cosine,
                    coverage=0.0,
                    answerable=likely,
                    margin=span.margin,
                    null=span.null,
                )
            )
        extractions.sort(key=lambda extraction: -extraction.score)
        return extractions


def _best_spans(
    start_logits: np.ndarray, end_logits: np.ndarray, encoding: Any, passage: str, count: int
) -> list[SpanScore]:
    """The `count` highest-scoring spans of one window that are not page furniture."""
    sequence = encoding.sequence_ids
    offsets = encoding.offsets
    size = len(encoding.ids)
    starts = [i for i in np.argsort(start_logits[:size])[::-1][:_TOP] if sequence[i] == 1]
    ends = [i for i in np.argsort(end_logits[:size])[::-1][:_TOP] if sequence[i] == 1]
    pairs = sorted(
        (
            (float(start_logits[s] + end_logits[e]), s, e)
            for s in starts
            for e in ends
            if s <= e < s + MAX_ANSWER_TOKENS
        ),
        reverse=True,
    )
    found: list[SpanScore] = []
    for score, s, e in pairs:
        # Word pieces can cut an amount ("A" "$" "245" "m"): the span takes all of it.
        span = whole_amount(passage, offsets[s][0], offsets[e][1])
        if not is_furniture(passage, span.start, span.end):
            found.append(SpanScore(score, 0.0, span.start, span.end))
            if len(found) == count:
                break
    return found


_NO_SPAN = SpanScore(-math.inf, 0.0, 0, 0)
"""A passage without any span to offer (extract skips it: it ends where it starts)."""


def _sentence_around(library: Library, hit: Hit, start: int, end: int) -> tuple[Span, Span]:
    """The sentence holding the answer's start, and the answer cut to end inside it (a span that
    runs on into the next sentence is nearly always too long)."""
    sentences = library.sentences(hit.passage)
    sentence = next((s for s in sentences if s.start <= start < s.end), None)
    if sentence is None:
        return Span(start, end), Span(start, end)
    text = hit.passage.article.article.text
    return sentence, tidy_edges(text, start, min(end, sentence.end))
