"""Gather what a reader training run on a lent GPU machine needs into .carry/ (under 64 MB).

    python -m training.carry        (or: make carry)

The base model goes as fp16 (45 MB instead of 90) with its tokenizer; the SQuAD files are copied
from ../shared/data. Then run training/device_train.sh there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"
TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "vocab.txt",
)
SQUAD_FILES = (DATA / "train" / "squad-v1.1-train.json.gz", DATA / "squad-v1.1-dev.split-dev.json")


def main(target: Path = ROOT / ".carry") -> None:
    import torch
    from transformers import AutoModel

    from qa.index import packaged_model_path

    source = packaged_model_path()
    model_folder = target / "minilm"
    model_folder.mkdir(parents=True, exist_ok=True)
    AutoModel.from_pretrained(str(source), dtype=torch.float16).save_pretrained(model_folder)
    # The package's own config (no fp16 dtype in it): training loads the weights as fp32.
    for name in ("config.json", *TOKENIZER_FILES):
        shutil.copyfile(source / name, model_folder / name)
    for data in SQUAD_FILES:
        shutil.copyfile(data, target / data.name)
    carried = [model_folder, *(target / data.name for data in SQUAD_FILES)]
    files = [p for path in carried for p in ([path] if path.is_file() else path.rglob("*"))]
    total = sum(path.stat().st_size for path in files if path.is_file())
    print(f"carry these ({total / 1e6:.1f} MB):", *(str(p.relative_to(ROOT)) for p in carried))


if __name__ == "__main__":
    main()
