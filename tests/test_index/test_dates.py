"""Dates are stored in ISO 8601 whatever form the source wrote them in."""

from __future__ import annotations

import pytest

from qa.index import iso_date


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2022/06/12", "2022-06-12"),  # RealTime QA
        ("26-FEB-1987 15:01:01.79", "1987-02-26"),  # Reuters
        ("2022-06-12T23:30:00+00:00", "2022-06-12"),
        ("Mon, 13 Jun 2022 10:00:00 GMT", "2022-06-13"),
        ("June 12, 2022", "2022-06-12"),
        ("12 June 2022", "2022-06-12"),
        ("1655020800", "2022-06-12"),  # seconds since 1970
        ("2022-06", "2022-06"),
        ("2005", "2005"),
        (" ", ""),
        ("yesterday", "yesterday"),  # no date it can read: kept
        ("2022-13-40", "2022-13-40"),
    ],
)
def test_dates_become_iso_8601(raw: str, iso: str) -> None:
    assert iso_date(raw) == iso
