"""How long the chat takes to open a very long article: the window around the cited sentence
that qa shows against the whole text, in one process, alternately, three times each.

    python -m benchmarks.article_view [--megabytes 2]

The article is synthetic (paragraphs of news prose around one cited sentence) so the figure does
not depend on ../shared/data; prints JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time

from textual.app import App

from qa.answering.sources import ARTICLE_VIEW_CHARS, SourceView, window_around
from qa.tui.screens import ArticleScreen

PARAGRAPH = (
    "The harbour council met on Thursday and discussed the budget for the coming year in "
    "detail, with the ferry operator and the port authority both asking for more money. "
) * 4
CITED = "The ferry strike ended when Nordline raised wages."


def long_view(megabytes: float, limit: int) -> SourceView:
    """A view of a `megabytes` article as the chat builds it (qa.sources.window_around)."""
    half = "\n\n".join([PARAGRAPH.strip()] * int(megabytes * 1_000_000 / len(PARAGRAPH) / 2))
    text = f"{half}\n\n{CITED}\n\n{half}"
    start = text.index(CITED)
    end = start + len(CITED)
    first, last = window_around(text, start, end, limit)
    return SourceView(
        "Report",
        "report.txt",
        "",
        text[first:last],
        start - first,
        end - first,
        first,
        len(text) - last,
    )


async def seconds_to_open(view: SourceView) -> float:
    """From pushing the article screen to its first full layout, in a headless 110x40 app."""
    app: App[None] = App()
    async with app.run_test(size=(110, 40)) as pilot:
        began = time.perf_counter()
        await app.push_screen(ArticleScreen(view))
        await pilot.pause()
        return time.perf_counter() - began


def measure(megabytes: float = 2.0) -> dict[str, float]:
    """Median seconds to open the window qa shows and the whole article, and their ratio."""
    views = {
        "window": long_view(megabytes, ARTICLE_VIEW_CHARS),
        "whole": long_view(megabytes, 10**12),
    }
    times: dict[str, list[float]] = {name: [] for name in views}
    for _ in range(3):
        for name, view in views.items():
            times[name].append(asyncio.run(seconds_to_open(view)))
    window, whole = (statistics.median(times[name]) for name in ("window", "whole"))
    return {
        "article characters": float(len(views["whole"].text)),
        "window characters": float(len(views["window"].text)),
        "open window (s)": window,
        "open whole (s)": whole,
        "ratio": window / whole,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=2.0)
    args = parser.parse_args()
    print(json.dumps(measure(args.megabytes), indent=2))


if __name__ == "__main__":
    main()
