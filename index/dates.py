"""Dates as the index stores them: ISO 8601 (`2022-06-12`), whatever form the source wrote."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime

_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?(?![\d])")
"""Year first: "2022-06-12", "2022/06/12", "2022-06-12T09:30:00Z", "2022-06"."""
_YEAR = re.compile(r"(1[89]\d\d|2\d\d\d)")
_EPOCH = re.compile(r"(\d{9,10}|\d{12,13})(\.\d+)?")
"""Seconds (or milliseconds) since 1970, as JSON feeds write a time."""
_WRITTEN = (
    "%d-%b-%Y",  # 26-FEB-1987 (Reuters)
    "%d %b %Y",
    "%d %B %Y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b. %d, %Y",
    "%A, %B %d, %Y",
    "%a, %d %b %Y",
)


def iso_date(raw: str) -> str:
    """`raw` as an ISO 8601 date (`2022-06-12`, or `2022-06` and `2022` when that is all it
    says); text that is no date it can read comes back stripped, unchanged."""
    text = raw.strip()
    if not text:
        return ""
    if _EPOCH.fullmatch(text):
        seconds = float(text) / (1000 if len(text.split(".")[0]) > 11 else 1)
        return datetime.fromtimestamp(seconds, UTC).date().isoformat()
    found = _ISO.match(text)
    if found is not None:
        year, month, day = found.groups()
        return _checked(int(year), int(month), int(day) if day else None) or text
    if _YEAR.fullmatch(text):
        return text
    written = _written(text)
    return written.isoformat() if written is not None else text


def _checked(year: int, month: int, day: int | None) -> str:
    """The date in ISO form, or "" when it is not a real date ("2022-13-40")."""
    try:
        if day is None:
            return date(year, month, 1).isoformat()[:7]
        return date(year, month, day).isoformat()
    except ValueError:
        return ""


def _written(text: str) -> date | None:
    """A date written out, "26-FEB-1987 15:01:01.79", "June 12, 2022" or an RFC 2822 time."""
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        pass
    words = text.split()
    for form in _WRITTEN:
        size = len(form.split())
        try:
            return datetime.strptime(" ".join(words[:size]), form).date()
        except ValueError:
            continue
    return None
