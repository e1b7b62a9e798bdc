"""Parts of a file of many articles (messages, records, chapters) left out while the others are
read: each told on its own line as it happens, or all in one line once the file is read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .errors import ArticleError
from .lines import one_line

_SHOWN = 3


class SkippedParts:
    """The parts of one file left out. With `skipped` (as indexing reads), each part's line goes
    there and the file counts as read; without it, `raise_if_any` raises one ArticleError for
    them all once the file's other articles are read."""

    def __init__(self, path: Path, part: str, skipped: Callable[[str], None] | None) -> None:
        self.path = path
        self.part = part
        self.skipped = skipped
        self.reasons: list[str] = []

    def add(self, where: str, reason: str) -> None:
        """Leave out the part at `where` ("message 3") for `reason`."""
        if self.skipped is not None:
            self.skipped(
                one_line(
                    f"{self.path}: {where}: {reason}; skipped that {self.part}, the others are read"
                )
            )
            return
        self.reasons.append(f"{where}: {reason}")

    def raise_if_any(self) -> None:
        """Raise one ArticleError naming the parts left out (the first few, then a count)."""
        if not self.reasons:
            return
        shown = "; ".join(self.reasons[:_SHOWN])
        more = len(self.reasons) - _SHOWN
        rest = f"; and {more} more" if more > 0 else ""
        count = len(self.reasons)
        raise ArticleError(
            one_line(
                f"{self.path}: {count} {self.part}{'s' if count > 1 else ''} skipped "
                f"({shown}{rest}); the others were indexed"
            )
        )
