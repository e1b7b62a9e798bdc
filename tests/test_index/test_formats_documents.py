"""Books and word-processor documents (EPUB, DOCX, ODT), written by the real writers."""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from formats_support import cited

from qa.index import ArticleError, read_articles

WALL = "The harbour wall at Porthleven is 340 metres long."
ORCHARD = "Frost on the fourth of May took half of the cherry crop."


def write_epub(path: Path) -> None:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("harbour-tales-1")
    book.set_title("Harbour Tales")
    book.set_language("en")
    book.add_author("Ann Lee")
    book.add_metadata("DC", "date", "2021-04-05")
    chapters = []
    for number, (name, sentence) in enumerate(
        [("The Wall", WALL), ("The Orchard", ORCHARD)], start=1
    ):
        chapter = epub.EpubHtml(title=name, file_name=f"text/chap{number}.xhtml", lang="en")
        chapter.content = (
            f"<html><body><h1>{name}</h1><p>{sentence} It was a long chapter of the book, "
            f"with more than one sentence in it.</p><p>Another paragraph follows here.</p>"
            f"</body></html>"
        )
        book.add_item(chapter)
        chapters.append(chapter)
    book.toc = tuple(chapters)
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    epub.write_epub(str(path), book)


def test_an_epub_chapter_is_an_article_titled_by_book_and_chapter(tmp_path: Path) -> None:
    path = tmp_path / "tales.epub"
    write_epub(path)
    wall, orchard = read_articles(path)  # the table of contents is no chapter
    assert wall.title == "Harbour Tales › The Wall"
    assert orchard.title == "Harbour Tales › The Orchard"
    assert (wall.author, wall.date, wall.source) == ("Ann Lee", "2021-04-05", str(path))
    assert wall.key != orchard.key and wall.key.startswith(str(path) + "#")
    stored = cited(tmp_path / "lib", path, WALL, "Porthleven")
    assert stored.article.title == "Harbour Tales › The Wall"


def test_a_truncated_epub_is_one_line(tmp_path: Path) -> None:
    whole = tmp_path / "whole.epub"
    write_epub(whole)
    cut = tmp_path / "cut.epub"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    with pytest.raises(ArticleError) as error:
        list(read_articles(cut))
    assert str(error.value).startswith(f"{cut}: not a readable EPUB book")
    assert "\n" not in str(error.value)


def test_an_epub_chapter_missing_from_the_zip_is_named_after_the_others(tmp_path: Path) -> None:
    whole = tmp_path / "whole.epub"
    write_epub(whole)
    holed = tmp_path / "holed.epub"
    with zipfile.ZipFile(whole) as source, zipfile.ZipFile(holed, "w") as target:
        for item in source.infolist():
            if not item.filename.endswith("chap1.xhtml"):
                target.writestr(item, source.read(item.filename))
    articles = []
    with pytest.raises(ArticleError, match=r"1 chapter skipped \(EPUB/text/chap1.xhtml"):
        articles.extend(read_articles(holed))
    assert [a.title for a in articles] == ["Harbour Tales › The Orchard"]


def test_docx_paragraphs_and_tables_with_title_from_properties(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("Harbour wall report", level=1)
    document.add_paragraph(WALL + " Work began in spring.")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Length"
    table.cell(0, 1).text = "340 metres"
    document.add_paragraph("")
    document.add_paragraph(ORCHARD)
    document.core_properties.title = "Council papers"
    document.core_properties.author = "Ruth Adeyemi"
    document.core_properties.created = datetime(2024, 3, 5, 9, 30)
    path = tmp_path / "report.docx"
    document.save(str(path))
    (article,) = read_articles(path)
    assert article.title == "Council papers"
    assert (article.author, article.date) == ("Ruth Adeyemi", "2024-03-05")
    assert article.source == str(path)
    assert article.text == (
        f"Harbour wall report\n\n{WALL} Work began in spring.\n\nLength\n\n340 metres\n\n{ORCHARD}"
    )
    cited(tmp_path / "lib", path, WALL, "Porthleven")


def test_docx_without_a_title_property_takes_its_first_heading(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = ""
    document.add_paragraph("A line before the heading.")
    document.add_heading("Minutes of the meeting", level=2)
    path = tmp_path / "minutes.docx"
    document.save(str(path))
    assert next(read_articles(path)).title == "Minutes of the meeting"


def test_odt_headings_and_paragraphs_with_metadata(tmp_path: Path) -> None:
    from odfdo import Document, Header, Paragraph

    document = Document("text")
    document.body.append(Header(1, "Orchard notes"))
    document.body.append(Paragraph(ORCHARD + " The growers met on Friday."))
    document.body.append(Paragraph(WALL))
    document.meta.set_initial_creator("Lena Fischer")
    document.meta.set_creation_date(datetime(2031, 6, 2, 8, 0))
    path = tmp_path / "orchard.odt"
    document.save(str(path))
    (article,) = read_articles(path)
    assert article.title == "Orchard notes"  # no title in the properties: the first heading
    assert (article.author, article.date) == ("Lena Fischer", "2031-06-02")
    assert article.text == f"Orchard notes\n\n{ORCHARD} The growers met on Friday.\n\n{WALL}"
    cited(tmp_path / "lib", path, ORCHARD, "cherry")


@pytest.mark.parametrize("name", ["broken.docx", "broken.odt"])
def test_a_document_that_is_not_a_zip_is_one_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"This is plain text saved under the wrong name.\n")
    with pytest.raises(ArticleError) as error:
        list(read_articles(path))
    assert str(error.value).startswith(f"{path}: not a readable")
    assert "\n" not in str(error.value)
