"""What one indexing run did, as `qa index add`, `update` and `rebuild` report it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ProgressCallback = Callable[[str, int, int], None]
"""Called with (phase, done, total) as work advances; total is 0 when unknown."""


@dataclass
class SyncReport:
    """What one indexing run did."""

    files_seen: int = 0
    files_unchanged: int = 0
    articles_added: int = 0
    articles_updated: int = 0
    articles_removed: int = 0
    articles_unchanged: int = 0
    articles_moved: int = 0
    """Articles whose file was moved or renamed: re-linked by their text, not embedded again."""
    duplicates: int = 0
    """Articles found again under another file: remembered as a second source, not re-indexed."""
    passages_embedded: int = 0
    failures: list[str] = field(default_factory=list)
    known_failures: list[str] = field(default_factory=list)
    """The failures already reported by an earlier run, of files unchanged since (also in
    `failures`): a command need not fail again for them."""
    seconds: float = 0.0
    added_ids: list[int] = field(default_factory=list)
    """Passages committed to the database in this run: the vector file adds exactly these."""
    removed_ids: list[int] = field(default_factory=list)
    """Passages deleted by committed transactions: the vector file drops exactly these."""
