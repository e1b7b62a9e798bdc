"""The embedder: the int8 ONNX path (questions, and passages when chosen) matches torch."""

from __future__ import annotations

import numpy as np
import pytest

from index import MiniLMEmbedder
from index.embedder import _nvidia_gpu

TEXTS = [
    "Who raised the idea of new sanctions against Russia?",
    "Alfano says the idea was raised at a meeting in Lucca, Italy, by British Foreign "
    "Secretary Boris Johnson.",
    "The G7 foreign ministers met in Lucca. " * 30,  # longer than the model reads
    "short",
]


def test_onnx_vectors_match_the_torch_model() -> None:
    torch_model = MiniLMEmbedder(backend="torch")
    torch_vectors = torch_model.encode(TEXTS)
    onnx = MiniLMEmbedder(backend="onnx")
    for vectors in (onnx.encode(TEXTS), torch_model.encode_queries(TEXTS)):
        assert vectors.shape == (len(TEXTS), 384) and vectors.dtype == np.float32
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
        cosines = (vectors * torch_vectors).sum(axis=1)
        assert cosines.min() >= 0.995, cosines


def test_onnx_batches_keep_the_order_of_the_texts() -> None:
    onnx = MiniLMEmbedder(backend="onnx")
    texts = [f"{text} ({number})" for number in range(5) for text in TEXTS]  # several batches
    together = onnx.encode(texts)
    alone = np.stack([onnx.encode([text])[0] for text in texts])
    assert np.allclose(together, alone, atol=1e-4)


def test_on_a_cpu_passages_are_embedded_by_the_onnx_model() -> None:
    assert MiniLMEmbedder().backend == ("torch" if _nvidia_gpu() else "onnx")
    assert MiniLMEmbedder(device="cuda").backend == "torch"


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown backend"):
        MiniLMEmbedder(backend="tensorflow")


def test_quick_start_encodes_questions_like_the_optimised_model() -> None:
    quick = MiniLMEmbedder(quick_start=True).encode_queries(TEXTS)
    optimised = MiniLMEmbedder().encode_queries(TEXTS)
    assert ((quick * optimised).sum(axis=1) >= 0.9999).all()
