#!/bin/bash
# Train the reader on a lent GPU machine and bring back its fp16 weights (45 MB, in 15 MB parts).
#
#   here:        make carry      # .carry/: the base model and the SQuAD files (ignored by git)
#   GPU machine: bash training/device_train.sh [extra train_reader flags]
#                (carry the paths make carry prints; move qa/models/reader.onnx aside first,
#                since a call carries 64 MB in all)
#   here again:  cat weights.part* > reader-fp16.pt && python -m training.export_reader reader-fp16.pt
#
# The lent machine has torch and transformers but not this project's index dependencies (faiss,
# punkt), so training runs from a copy of training/ with the one qa module it reads.
set -euo pipefail
PYTHON=${PYTHON:-python3}
OUT=${OUT:-$PWD/device-out}
CARRY=$PWD/.carry
RUN=$(mktemp -d)
mkdir -p "$OUT" "$RUN/qa"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total --format=csv,noheader
cp -r training "$RUN/" && rm -rf "$RUN/training/work" && cp qa/eval_metrics.py "$RUN/qa/" && touch "$RUN/qa/__init__.py"
cd "$RUN"
# The full reference schedule; --time-budget (minutes) ends it early, re-estimated as it runs.
PYTHONUNBUFFERED=1 "$PYTHON" -m training.train_reader --model "$CARRY/minilm" \
  --data "$CARRY/squad-v1.1-train.json.gz" --eval-data "$CARRY/squad-v1.1-dev.split-dev.json" \
  --epochs 3 --batch-size 64 --lr 1e-4 --max-length 256 --stride 96 --eval-examples 1000 \
  --save-every 1000000 --work "$RUN/work" --weights-only "$RUN/reader-fp16.pt" \
  --time-budget 6 "$@" 2>&1 | grep -v "it/s\]" | tee "$OUT/train.log"
cp "$RUN/training/report.json" "$OUT/report.json"
split -b 15M -d "$RUN/reader-fp16.pt" "$OUT/weights.part"
sha256sum "$RUN/reader-fp16.pt" | sed "s|$RUN/||" > "$OUT/weights.sha256"
ls -la "$OUT"
