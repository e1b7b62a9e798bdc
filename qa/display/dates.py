"""Article dates as people read them, in one form everywhere: "12 Jun 2022"."""

from __future__ import annotations

from datetime import date

from qa.index import iso_date


def shown_date(value: str) -> str:
    """The date for a citation line, the chat, the export: "12 Jun 2022", "Jun 2022" or "2022"
    (whatever form the article gave it in); text that is no date is shown as it is. --json keeps
    the stored ISO 8601 form."""
    iso = iso_date(value)
    parts = iso.split("-")
    try:
        if len(parts) == 3:
            return date.fromisoformat(iso).strftime("%d %b %Y").lstrip("0")
        if len(parts) == 2 and len(parts[0]) == 4:
            return date(int(parts[0]), int(parts[1]), 1).strftime("%b %Y")
    except ValueError:
        pass
    return iso
