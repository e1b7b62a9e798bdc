"""Which articles a question or a search may use: folders, a date range, sources."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from qa.index import QAError
from qa.index.plan import is_under  # index/__init__ does not export it

DATE_FORMS = "YYYY-MM-DD, YYYY-MM, YYYY, today, yesterday, 7d (7 days ago) or 2w (2 weeks ago)"
"""The dates `--since` and `--until` accept, as the error message lists them."""

_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})")
_ISO_YEAR = re.compile(r"\d{4}")
_AGO = re.compile(r"(\d{1,5})\s*([dw])")


class FilterError(QAError):
    """A filter cannot be used as typed."""


@dataclass(frozen=True)
class Filters:
    """Which articles a question or a search may use."""

    folders: tuple[str, ...] = ()
    """An article matches when its file lies inside one of these (absolute, resolved)."""
    since: str | None = None
    """ISO date YYYY-MM-DD, inclusive; articles without a date are left out when set."""
    until: str | None = None
    """ISO date YYYY-MM-DD, inclusive; articles without a date are left out when set."""
    sources: tuple[str, ...] = ()
    """An article matches when its source (URL or path) contains one of these, ignoring case."""

    def __bool__(self) -> bool:
        """True when any filter is set."""
        return bool(self.folders or self.since or self.until or self.sources)

    @classmethod
    def parse(
        cls,
        folders: Iterable[str | Path] = (),
        since: str | None = None,
        until: str | None = None,
        sources: Iterable[str] = (),
        *,
        today: date | None = None,
    ) -> Filters:
        """Filters from what a person typed: folders resolved to absolute paths, dates read
        in one of DATE_FORMS (`since` from the first day a month or year names, `until` to
        its last); raises FilterError on a date it cannot read or a range that is empty."""
        # One folder or source given alone, not in a list, is one, not a list of letters.
        folders = [folders] if isinstance(folders, str | Path) else folders
        sources = [sources] if isinstance(sources, str) else sources
        today = today or date.today()
        start = read_date(since, today, first=True) if since else None
        end = read_date(until, today, first=False) if until else None
        if start and end and start > end:
            raise FilterError(
                f"--since {since} is after --until {until}: give the earlier date to --since"
            )
        kept = tuple(dict.fromkeys(s.strip() for s in sources if s.strip()))
        return cls(
            folders=tuple(
                dict.fromkeys(str(Path(f).expanduser().resolve()) for f in folders if str(f))
            ),
            since=start,
            until=end,
            sources=kept,
        )

    def describe(self) -> str:
        """The filters in a few words ("in ~/news/bbc, since 2024-01-01"), for a message."""
        parts = [f"in {', '.join(self.folders)}"] if self.folders else []
        if self.since:
            parts.append(f"since {self.since}")
        if self.until:
            parts.append(f"until {self.until}")
        if self.sources:
            parts.append(f"from {' or '.join(self.sources)}")
        return ", ".join(parts)

    def to_dict(self) -> dict[str, object]:
        """The filters as JSON-ready values (for --json output and the servers)."""
        return {
            "folders": list(self.folders),
            "since": self.since,
            "until": self.until,
            "sources": list(self.sources),
        }


def read_date(typed: str, today: date, *, first: bool) -> str:
    """`typed` as an ISO day; a month or a year stands for its first day when `first`, else
    its last (so `--until 2024` keeps all of 2024)."""
    text = typed.strip().lower()
    try:
        if text == "today":
            return today.isoformat()
        if text == "yesterday":
            return (today - timedelta(days=1)).isoformat()
        if found := _AGO.fullmatch(text):
            days = int(found[1]) * (7 if found[2] == "w" else 1)
            return (today - timedelta(days=days)).isoformat()
        if found := _ISO_DAY.fullmatch(text):
            return date(int(found[1]), int(found[2]), int(found[3])).isoformat()
        if found := _ISO_MONTH.fullmatch(text):
            year, month = int(found[1]), int(found[2])
            day = 1 if first else calendar.monthrange(year, month)[1]
            return date(year, month, day).isoformat()
        if _ISO_YEAR.fullmatch(text):
            year = int(text)
            return (date(year, 1, 1) if first else date(year, 12, 31)).isoformat()
    except (ValueError, OverflowError):
        pass
    raise FilterError(f"cannot read the date {typed!r}: type {DATE_FORMS}, e.g. 2024-03-01")


def folder_warnings(filters: Filters, roots: Iterable[str]) -> list[str]:
    """One line for each folder filter that matches nothing it could: a path that does not
    exist, or one outside every folder the library reads (its articles cannot be in it)."""
    roots = list(roots)
    warnings: list[str] = []
    for folder in filters.folders:
        if not any(is_under(folder, root) or is_under(root, folder) for root in roots):
            warnings.append(
                f"{folder} is not in this library (it reads {', '.join(roots) or 'nothing yet'}); "
                f"add it with: qa index add {folder}"
            )
        elif not Path(folder).exists():
            warnings.append(f"{folder} does not exist; only articles indexed from it are used")
    return warnings
