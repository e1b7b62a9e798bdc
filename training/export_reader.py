"""Export the trained reader to ONNX, quantise it, and keep the quantised model only if F1 holds."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .quantise import quantise
from .spans import reading_scores
from .squad import Example

INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def onnx_scores(
    path: Path, tokenizer: Any, examples: list[Example], max_length: int, stride: int
) -> dict[str, float]:
    """EM/F1 of an ONNX reader under onnxruntime (gold paragraph given)."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 2
    session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])

    def run(enc: Any) -> tuple[np.ndarray, np.ndarray]:
        start, end = session.run(None, {k: enc[k].astype(np.int64) for k in INPUTS})
        return start, end

    return reading_scores(run, tokenizer, examples, max_length, stride, "np")


class _Logits(torch.nn.Module):
    """The QA model with plain tensor outputs, for export."""

    def __init__(self, model: Any) -> None:
        super().__init__()
        self.model = model

    def forward(
        self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        out = self.model(
            input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
        )
        return out.start_logits, out.end_logits


def to_onnx(model: Any, sample: tuple[torch.Tensor, ...], path: Path) -> None:
    """Write the span model as fp32 ONNX with the reader's inputs and outputs, batch and length
    dynamic; `sample` is (input_ids, attention_mask, token_type_ids) for tracing."""
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        _Logits(model),
        sample,
        str(path),
        input_names=list(INPUTS),
        output_names=["start_logits", "end_logits"],
        dynamic_axes={**{k: axes for k in INPUTS}, "start_logits": axes, "end_logits": axes},
        opset_version=17,
        dynamo=False,
    )


def export(
    model: Any, tokenizer: Any, output: Path, examples: list[Example], max_length: int, stride: int
) -> dict[str, Any]:
    """Write `output` (int8 if it loses under one F1 point, else fp32); returns both scores."""
    model.eval()
    work = Path(tempfile.mkdtemp())
    fp32, int8 = work / "reader-fp32.onnx", work / "reader-int8.onnx"
    sample = tokenizer("who?", "someone did.", return_tensors="pt")
    to_onnx(model, tuple(sample[k] for k in INPUTS), fp32)
    quantise(fp32, int8)
    scores = {
        "onnx_fp32": onnx_scores(fp32, tokenizer, examples, max_length, stride),
        "onnx_int8": onnx_scores(int8, tokenizer, examples, max_length, stride),
    }
    keep_int8 = scores["onnx_fp32"]["f1"] - scores["onnx_int8"]["f1"] < 1.0
    output.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(int8 if keep_int8 else fp32, output)
    shutil.rmtree(work, ignore_errors=True)
    return {**scores, "shipped": "int8" if keep_int8 else "fp32", "bytes": output.stat().st_size}


def main() -> None:
    """Export fine-tuned weights saved by `train_reader --weights-only` and record the scores."""
    import argparse
    import json

    from transformers import AutoModelForQuestionAnswering, AutoTokenizer

    from qa.index import packaged_model_path

    from .squad import held_out_examples

    root = Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("weights", type=Path, help="the .pt file train_reader --weights-only wrote")
    parser.add_argument(
        "--eval-data", type=Path, default=root.parent / "shared/data/squad-v1.1-dev.split-dev.json"
    )
    parser.add_argument("--eval-examples", type=int, default=400)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--output", type=Path, default=root / "qa" / "models" / "reader.onnx")
    parser.add_argument("--report", type=Path, default=root / "training" / "report.json")
    args = parser.parse_args()

    tokenizer = AutoTokenizer.from_pretrained(str(packaged_model_path()))
    model = AutoModelForQuestionAnswering.from_pretrained(
        str(packaged_model_path()), dtype=torch.float32
    )
    state = torch.load(args.weights, map_location="cpu", weights_only=True)
    model.load_state_dict({key: value.float() for key, value in state.items()})
    held_out = held_out_examples(args.eval_data, args.seed, args.eval_examples)
    report = json.loads(args.report.read_text()) if args.report.exists() else {}
    hyper = report.get("hyperparameters", {})
    length, stride = hyper.get("max_length", 256), hyper.get("stride", 96)
    scores = export(model, tokenizer, args.output, held_out, length, stride)
    report.setdefault("held_out", {})["exported"] = {"questions": len(held_out), **scores}
    args.report.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(scores, indent=2))


if __name__ == "__main__":
    main()
