"""Opening a citation: the passage or the article, the cited sentence exactly where it stands."""

from __future__ import annotations

from pathlib import Path

from support import FakeEmbedder

from qa import Citation
from qa.answering.sources import article_view
from qa.index import Library

PARAGRAPH = "The harbour council met on Thursday and talked about the budget for a long time. " * 5
CITED = "The ferry strike ended when Nordline raised wages."


def long_article_library(tmp_path: Path, paragraphs: int) -> tuple[Library, str]:
    text = "Harbour report\n\n" + "\n\n".join(
        [PARAGRAPH.strip()] * paragraphs + [CITED] + [PARAGRAPH.strip()] * paragraphs
    )
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "report.txt").write_text(text)
    library = Library(tmp_path / "lib", FakeEmbedder())
    library.add([folder])
    return library, text


def cite(library: Library, text: str) -> Citation:
    start = text.index(CITED)
    [article_id] = {passage.article.id for passage in library.passages([1]).values()}
    return Citation(
        1, "Harbour report", "report.txt", "", CITED, start, start + len(CITED), article_id, 1
    )


def test_an_article_is_shown_whole_with_the_sentence_at_its_offsets(tmp_path: Path) -> None:
    library, text = long_article_library(tmp_path, 3)
    view = article_view(library, cite(library, text))
    assert view.text == text
    assert view.sentence == CITED
    assert (view.omitted_before, view.omitted_after) == (0, 0)


def test_a_very_long_article_is_shown_around_the_sentence_from_paragraph_to_paragraph(
    tmp_path: Path,
) -> None:
    library, text = long_article_library(tmp_path, 200)  # about 83,000 characters
    view = article_view(library, cite(library, text), limit=20_000)
    assert view.sentence == CITED
    assert len(view.text) <= 20_000
    assert view.omitted_before > 0 and view.omitted_after > 0
    # What is shown is the article's own text, whole paragraphs, at the offsets given.
    shown_from = view.omitted_before
    assert text[shown_from : shown_from + len(view.text)] == view.text
    assert text[shown_from - 2 : shown_from] == "\n\n" and view.text.startswith("The harbour")
    assert view.text.endswith("a long time.")
    assert shown_from + len(view.text) + view.omitted_after == len(text)
