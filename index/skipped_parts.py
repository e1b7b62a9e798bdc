"""The one line for a file that holds many articles when some of its parts could not be read."""

from __future__ import annotations

from pathlib import Path

from .errors import ArticleError

_SHOWN = 3


class SkippedParts:
    """Parts (messages, records, chapters) skipped while the rest of a file is read; once the
    file is read, `raise_if_any` turns them into one line after the articles that were kept."""

    def __init__(self, path: Path, part: str) -> None:
        self.path = path
        self.part = part
        self.reasons: list[str] = []

    def add(self, where: str, reason: str) -> None:
        """Note that the part at `where` ("message 3") was skipped for `reason`."""
        self.reasons.append(f"{where}: {reason}")

    def raise_if_any(self) -> None:
        """Raise one ArticleError naming the skipped parts (the first few, then a count)."""
        if not self.reasons:
            return
        shown = "; ".join(self.reasons[:_SHOWN])
        more = len(self.reasons) - _SHOWN
        rest = f"; and {more} more" if more > 0 else ""
        count = len(self.reasons)
        raise ArticleError(
            f"{self.path}: {count} {self.part}{'s' if count > 1 else ''} skipped ({shown}{rest}); "
            f"the others were indexed"
        )
