"""The small JSON file that says what an index folder holds and how it was built."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import IndexCorrupt, ModelMismatch

FORMAT_VERSION = 2
MANIFEST_NAME = "manifest.json"


@dataclass
class Manifest:
    """Format version, model, chunking and the state of the vector file, written last."""

    model: str
    dimension: int
    chunking: dict[str, int]
    format: int = FORMAT_VERSION
    generation: int = 0
    """The database generation the vector file matches."""
    vectors_bytes: int = 0
    vectors_count: int = 0
    articles: int = 0
    passages: int = 0
    updated: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def save(self, folder: Path) -> None:
        """Write atomically so a reader never sees half a manifest."""
        path = folder / MANIFEST_NAME
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")
        os.replace(temporary, path)

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST_NAME
        try:
            raw = json.loads(path.read_text())
            return cls(**raw)
        except (OSError, ValueError, TypeError) as error:
            raise IndexCorrupt(
                f"the index manifest {path} is unreadable ({error}); rebuild it "
                f"with: qa index rebuild"
            ) from error

    def check_compatible(self, model: str, dimension: int, chunking: dict[str, int]) -> None:
        """Refuse an index built by another format, model or chunking, saying how to rebuild."""
        if self.format != FORMAT_VERSION:
            raise ModelMismatch(
                f"this index has format {self.format}, this qa reads format "
                f"{FORMAT_VERSION}; rebuild it with: qa index rebuild"
            )
        if self.model != model or self.dimension != dimension:
            raise ModelMismatch(
                f"this index was built with {self.model} ({self.dimension} dims), "
                f"not {model} ({dimension} dims); rebuild it with: qa index rebuild"
            )
        if self.chunking != chunking:
            raise ModelMismatch(
                f"this index was built with chunking {self.chunking}, not "
                f"{chunking}; rebuild it with: qa index rebuild"
            )
