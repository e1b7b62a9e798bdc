"""Dates print in one form everywhere: citation lines, the export and the chat."""

from __future__ import annotations

import pytest

from qa.display.dates import shown_date


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("2022-06-12", "12 Jun 2022"),
        ("2022-06-02", "2 Jun 2022"),
        ("2022/06/12", "12 Jun 2022"),  # stored raw by an older index
        ("26-FEB-1987 15:01:01.79", "26 Feb 1987"),
        ("2022-06", "Jun 2022"),
        ("2005", "2005"),
        ("", ""),
        ("spring", "spring"),
    ],
)
def test_one_date_format(stored: str, shown: str) -> None:
    assert shown_date(stored) == shown


def test_citation_lines_and_the_export_show_dates_alike() -> None:
    from qa import Answer, Citation, Conversation
    from qa.display.export import chat_markdown
    from qa.display.render import citation_line

    cited = Citation(1, "Dollar falls", "news.jsonl#7", "2022/06/12", "It fell.", 0, 8, 1, 1)
    chat = Conversation()
    chat.add("what fell?", Answer("what fell?", True, text="It", citations=[cited]))
    assert citation_line(cited) == "Dollar falls · news.jsonl#7 · 12 Jun 2022"
    assert "1. Dollar falls · news.jsonl#7 · 12 Jun 2022: “It fell.”" in chat_markdown(chat)
