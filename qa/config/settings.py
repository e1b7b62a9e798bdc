"""The product's settings and the one place that decides where libraries live."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from qa.index import ChunkSettings

DEFAULT_LIBRARY = "default"


@dataclass(frozen=True)
class Settings:
    """Everything that shapes indexing and answering, passed down as plain values."""

    library: Path
    """The library's folder: its index, manifest and chat history."""
    chunking: ChunkSettings = field(default_factory=ChunkSettings)
    top_k: int = 5
    """Passages the answer extractor reads."""
    depth: int = 50
    """Passages each ranking contributes before fusion."""
    citations: int = 3
    """Citations shown at most with an answer."""
    min_confidence: float | None = None
    """Decline answers less likely than this to be right; None: the library's saved line
    (qa/config/preferences.py)."""


def data_home(environ: dict[str, str] | None = None) -> Path:
    """`$QA_HOME` if set, else the platform's user data directory for qa."""
    env = os.environ if environ is None else environ
    if env.get("QA_HOME"):
        return Path(env["QA_HOME"]).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("qa", appauthor=False))


def encoder_choice_file(environ: dict[str, str] | None = None) -> Path:
    """Where the passage encoder measured fastest on this machine is remembered
    (`index/encoder_choice.py`): one file per data directory, keyed inside by machine."""
    return data_home(environ) / "encoder-choice.json"


def library_folder(name_or_path: str | None, environ: dict[str, str] | None = None) -> Path:
    """A library's folder: a path as given, or a bare name under `data_home()/libraries`."""
    value = name_or_path or DEFAULT_LIBRARY
    if os.sep in value or value.startswith((".", "~")):
        return Path(value).expanduser().resolve()
    return data_home(environ) / "libraries" / value
