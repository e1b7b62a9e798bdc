"""The embedder: the int8 ONNX path (questions, and passages when chosen) matches torch."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest

from qa.index import MiniLMEmbedder, encoder_choice

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


@pytest.mark.parametrize("gpu", [False, True])
def test_auto_embeds_passages_with_torch_on_a_gpu_and_int8_onnx_on_a_cpu_without_bf16(
    monkeypatch: pytest.MonkeyPatch, gpu: bool
) -> None:
    # What this machine has (a GPU, bf16 units) is faked: the choice is tested, not the machine.
    monkeypatch.setattr("qa.index.embedder._nvidia_gpu", lambda: gpu)
    monkeypatch.setattr(encoder_choice, "cpu_flags", lambda: {"avx512f", "avx512_vnni"})
    assert MiniLMEmbedder().backend == ("torch" if gpu else "onnx")
    assert MiniLMEmbedder(device="cuda").backend == "torch"
    assert MiniLMEmbedder(backend="bf16").backend == "bf16"  # forced: GPU or not


@pytest.mark.parametrize(("backend", "closest"), [("onnx", 0.995), ("bf16", 0.99)])
def test_each_cpu_encoder_embeds_passages_like_fp32_torch(backend: str, closest: float) -> None:
    # Both CPU encoders run on every machine (bf16 without hardware units too, only slower),
    # whichever one `auto` would measure fastest here.
    forced = MiniLMEmbedder(backend=backend)
    vectors = forced.encode(TEXTS)
    assert forced.backend == backend
    assert vectors.shape == (len(TEXTS), 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = (vectors * MiniLMEmbedder(backend="torch").encode(TEXTS)).sum(axis=1)
    assert cosines.min() >= closest, cosines
    assert not np.allclose(vectors, MiniLMEmbedder(backend="torch").encode(TEXTS), atol=1e-6)


def test_an_unknown_backend_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown backend"):
        MiniLMEmbedder(backend="tensorflow")


def test_quick_start_encodes_questions_like_the_optimised_model() -> None:
    quick = MiniLMEmbedder(quick_start=True).encode_queries(TEXTS)
    optimised = MiniLMEmbedder().encode_queries(TEXTS)
    assert ((quick * optimised).sum(axis=1) >= 0.9999).all()


class FakeClock:
    """Time that moves only when a fake encoder works: each text costs its encoder's price."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def encoder(self, name: str, price: float, log: list[str]) -> Callable[[Sequence[str]], None]:
        def encode(texts: Sequence[str]) -> None:
            log.append(name)
            self.now += price * len(texts)

        return encode


def test_the_measurement_interleaves_the_encoders_and_takes_their_rates() -> None:
    clock, log = FakeClock(), list[str]()
    encoders = {"bf16": clock.encoder("bf16", 0.01, log), "onnx": clock.encoder("onnx", 0.02, log)}
    rates = encoder_choice.measure(encoders, ["text"] * 10, rounds=3, clock=clock)
    assert rates == {"bf16": pytest.approx(100.0), "onnx": pytest.approx(50.0)}
    assert log == ["bf16", "onnx"] * 4  # one untimed pass to load, then three interleaved
    assert encoder_choice.fastest(rates) == "bf16"


def test_the_choice_is_measured_once_per_machine_and_remembered(tmp_path: Path) -> None:
    clock, log = FakeClock(), list[str]()
    path = tmp_path / "home" / "encoder-choice.json"
    encoders = {"bf16": clock.encoder("bf16", 0.03, log), "onnx": clock.encoder("onnx", 0.02, log)}
    assert encoder_choice.choose(path, "cpu A", encoders, clock=clock) == "onnx"
    measured = len(log)
    assert measured > 0 and json.loads(path.read_text())["backend"] == "onnx"
    assert encoder_choice.choose(path, "cpu A", encoders, clock=clock) == "onnx"
    assert len(log) == measured  # remembered: nothing encoded again
    # Another CPU or library version measures again; a damaged file too.
    slow_onnx = {"bf16": clock.encoder("bf16", 0.01, log), "onnx": clock.encoder("onnx", 0.02, log)}
    assert encoder_choice.choose(path, "cpu B", slow_onnx, clock=clock) == "bf16"
    path.write_text("{not json")
    assert encoder_choice.choose(path, "cpu B", slow_onnx, clock=clock) == "bf16"
    assert encoder_choice.remembered(path, "cpu B") == "bf16"


def test_the_machine_key_names_the_cpu_and_the_libraries() -> None:
    key = encoder_choice.machine_key(threads=2)
    assert "2 threads" in key and "onnxruntime=" in key and "torch=" in key


def test_without_a_file_auto_goes_by_the_cpu_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qa.index.embedder._nvidia_gpu", lambda: False)
    monkeypatch.setattr(encoder_choice, "cpu_flags", lambda: {"avx512f", "amx_bf16"})
    assert MiniLMEmbedder().backend == "bf16"
    monkeypatch.setattr(encoder_choice, "cpu_flags", lambda: {"avx512f", "avx512_vnni"})
    assert MiniLMEmbedder().backend == "onnx"


def test_auto_uses_the_remembered_choice_and_bf16_matches_fp32(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import torch

    monkeypatch.setattr("qa.index.embedder._nvidia_gpu", lambda: False)
    path = tmp_path / "encoder-choice.json"
    key = encoder_choice.machine_key(torch.get_num_threads())
    path.write_text(json.dumps({"key": key, "backend": "bf16"}))
    chosen = MiniLMEmbedder(choice_file=path)
    assert chosen.backend == "bf16"
    vectors = chosen.encode(TEXTS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = (vectors * MiniLMEmbedder(backend="torch").encode(TEXTS)).sum(axis=1)
    assert cosines.min() >= 0.99, cosines
