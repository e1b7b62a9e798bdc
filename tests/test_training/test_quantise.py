"""Quantising an exported reader: int8 where it is safe, the first layer in float, fp16 storage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import torch
from onnx import TensorProto
from transformers import BertConfig, BertForQuestionAnswering

from training.export_reader import INPUTS, to_onnx
from training.quantise import quantise, store_half


def _tiny_reader(path: Path) -> dict[str, np.ndarray]:
    """A small random BERT span model exported like the real one; returns a sample input."""
    torch.manual_seed(0)
    config = BertConfig(
        vocab_size=500,
        hidden_size=64,
        num_hidden_layers=2,
        num_attention_heads=4,
        intermediate_size=128,
        max_position_embeddings=64,
    )
    model = BertForQuestionAnswering(config).eval()
    ids = torch.randint(5, 500, (2, 24))
    sample = (ids, torch.ones_like(ids), torch.zeros_like(ids))
    to_onnx(model, sample, path)
    return {name: tensor.numpy() for name, tensor in zip(INPUTS, sample, strict=True)}


def _run(path: Path, inputs: dict[str, np.ndarray]) -> np.ndarray:
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return np.concatenate(session.run(None, inputs), axis=1)


def test_first_layer_stays_float_the_rest_is_int8(tmp_path: Path) -> None:
    source, target = tmp_path / "fp32.onnx", tmp_path / "int8.onnx"
    inputs = _tiny_reader(source)
    quantise(source, target)
    nodes = onnx.load(str(target)).graph.node
    float_matmuls = [n.name for n in nodes if n.op_type == "MatMul" and "layer.0" in n.name]
    int8_matmuls = [n.name for n in nodes if n.op_type == "MatMulInteger"]
    assert any("/attention/self/query/" in name for name in float_matmuls)
    assert int8_matmuls and not any("layer.0" in name for name in int8_matmuls)
    assert any("layer.1" in name for name in int8_matmuls)
    expected, got = _run(source, inputs), _run(target, inputs)
    assert np.corrcoef(expected.ravel(), got.ravel())[0, 1] > 0.99


def test_half_storage_halves_the_weights_and_keeps_the_outputs(tmp_path: Path) -> None:
    source, target = tmp_path / "fp32.onnx", tmp_path / "half.onnx"
    inputs = _tiny_reader(source)
    store_half(source, target, min_size=1_000)
    weights = onnx.load(str(target)).graph.initializer
    assert any(w.data_type == TensorProto.FLOAT16 for w in weights)
    assert not any(w.data_type == TensorProto.FLOAT and np.prod(w.dims) >= 1_000 for w in weights)
    assert target.stat().st_size < 0.6 * source.stat().st_size
    np.testing.assert_allclose(_run(target, inputs), _run(source, inputs), atol=1e-2)
