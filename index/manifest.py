"""The small JSON file that says what an index folder holds and how it was built."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from .errors import IndexCorrupt, ModelMismatch

FORMAT_VERSION = 3
"""3: sentences end at block boundaries (a headline is no longer glued to the first sentence),
HTML blocks are set a blank line apart and dated by their metadata only: what an index built by
format 2 stores for the same files differs, so it is rebuilt."""
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
    """What a library's database is known by, kept here so that a lost or replaced database is
    noticed and can be rebuilt: "database" (the id in its meta table), "roots" and
    "exclusions" (what `qa index rebuild` reads when the database cannot say). In `extra`, so
    a qa that does not know them still reads the manifest."""

    @property
    def database(self) -> str:
        """The id of the database this manifest describes ("" before ids, or before the
        library's first update)."""
        return str(self.extra.get("database", ""))

    @property
    def roots(self) -> list[str]:
        """The folders and files the library reads, as of its last update."""
        return [str(root) for root in self.extra.get("roots", [])]

    @property
    def exclusions(self) -> list[str]:
        """What `qa index remove` left out of those folders, as of the last update."""
        return [str(path) for path in self.extra.get("exclusions", [])]

    def remember(self, database: str, roots: list[str], exclusions: list[str]) -> None:
        """Record the database's id and what the library reads (saved with the manifest)."""
        self.extra.update(database=database, roots=roots, exclusions=exclusions)

    def description(self) -> dict[str, Any]:
        """What the manifest says of how the index was built (kept in the database too)."""
        return {
            "model": self.model,
            "dimension": self.dimension,
            "chunking": self.chunking,
            "format": self.format,
        }

    @property
    def had_database(self) -> bool:
        """True once a database has been written for this manifest: an update has run."""
        return bool(self.database or self.generation or self.articles or self.vectors_bytes)

    def save(self, folder: Path) -> None:
        """Write atomically so a reader never sees half a manifest; a failed write (a full
        disk) leaves the old manifest and no temporary file."""
        path = folder / MANIFEST_NAME
        temporary = path.with_name(path.name + ".tmp")
        try:
            temporary.write_text(json.dumps(asdict(self), indent=2, sort_keys=True) + "\n")
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        """Read the manifest; its `format` is checked before its fields, so a library made by
        a newer qa says so instead of looking damaged."""
        path = folder / MANIFEST_NAME
        try:
            raw = json.loads(path.read_text())
            if not isinstance(raw, dict):
                raise ValueError("not a JSON object")
            _check_format(raw.get("format"), path)
            return cls(**raw)
        except (OSError, ValueError, TypeError) as error:
            raise IndexCorrupt(
                f"the index manifest {path} is unreadable ({error}); rebuild it "
                f"with: qa index rebuild"
            ) from error

    def check_compatible(self, model: str, dimension: int, chunking: dict[str, int]) -> None:
        """Refuse an index built by another model or chunking, saying how to rebuild."""
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


def _check_format(found: object, path: Path) -> None:
    """Refuse a manifest of another format before reading any other field of it."""
    if found == FORMAT_VERSION:
        return
    if isinstance(found, int) and found > FORMAT_VERSION:
        raise ModelMismatch(
            f"this library was made by a newer qa (index format {found}; this qa reads format "
            f"{FORMAT_VERSION}); upgrade qa, or rebuild it for this one with: qa index rebuild"
        )
    if isinstance(found, int):
        raise ModelMismatch(
            f"this index has format {found}, this qa reads format {FORMAT_VERSION}; "
            f"rebuild it with: qa index rebuild"
        )
    raise ValueError(f"its format is {found!r}, not a version number")
