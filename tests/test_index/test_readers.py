"""Each article format is read with its text, title and metadata; bad files raise ArticleError."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from qa.index import ArticleError, find_article_files, read_articles, split_sentences


def one(path: Path):  # type: ignore[no-untyped-def]
    articles = list(read_articles(path))
    assert len(articles) == 1
    return articles[0]


def test_plain_text_takes_its_first_line_as_title(tmp_path: Path) -> None:
    path = tmp_path / "note.txt"
    path.write_text("\nSummit ends\n\nLeaders met on Friday.\r\nThey agreed.\n")
    article = one(path)
    assert article.title == "Summit ends"
    assert "\r" not in article.text
    assert article.source == str(path)


def test_markdown_title_comes_from_first_heading(articles: Path) -> None:
    article = one(articles / "harbour.md")
    assert article.title == "Town council approves new harbour wall"
    assert "340 metres" in article.text


def test_html_main_text_and_metadata(articles: Path) -> None:
    article = one(articles / "library.html")
    assert article.title == "Village library reopens after restoration"
    assert article.date == "2025-05-14"
    assert article.author == "Ruth Adeyemi"
    assert article.source == "https://example.org/news/library-reopens"
    assert "painted ceiling" in article.text
    assert "document.title" not in article.text  # scripts are never part of the text
    assert "Home" not in article.text.split("\n")[0]


def test_jsonl_records_become_articles_with_metadata(articles: Path) -> None:
    first, second = list(read_articles(articles / "orchard.jsonl"))
    assert first.title == "Orchard harvest hit by late frost"
    assert first.source == "https://example.org/orchard-frost"
    assert first.date == "2031-06-02"
    assert first.author == "Lena Fischer"
    assert first.key.endswith("orchard.jsonl#orchard-1")
    assert second.key != first.key


def test_gzipped_jsonl_and_json_arrays(tmp_path: Path) -> None:
    records = [
        {"headline": "A", "body": "First story text."},
        {"headline": "B", "body": "Second story text.", "link": "https://x.test/b"},
    ]
    (tmp_path / "dump.jsonl.gz").write_bytes(
        gzip.compress("\n".join(json.dumps(r) for r in records).encode())
    )
    (tmp_path / "dump.json").write_text(json.dumps({"articles": records}))
    for name in ("dump.jsonl.gz", "dump.json"):
        titles = [a.title for a in read_articles(tmp_path / name)]
        assert titles == ["A", "B"]
    assert list(read_articles(tmp_path / "dump.json"))[1].source == "https://x.test/b"


def test_records_with_wrong_field_types_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text(
        '{"text": 5}\n{"text": ["a"], "title": 3}\n"just a string"\n'
        '{"text": "Real text here.", "title": {"nested": 1}}\n'
    )
    articles = list(read_articles(path))
    assert [a.text for a in articles] == ["a", "Real text here."]


def write_pdf(path: Path, pages: list[str]) -> None:
    """A minimal valid PDF with one line of Helvetica text per page."""
    bodies = {
        1: "<< /Type /Catalog /Pages 2 0 R >>",
        3: "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    kids = []
    for number, text in enumerate(pages):
        page_id, content_id = 4 + 2 * number, 5 + 2 * number
        kids.append(f"{page_id} 0 R")
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET"
        bodies[page_id] = (
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>"
        )
        bodies[content_id] = f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream"
    bodies[2] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>"
    out = b"%PDF-1.4\n"
    offsets = []
    for number in sorted(bodies):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{bodies[number]}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(out)


def test_pdf_pages_keep_their_numbers(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    write_pdf(path, ["The first page speaks of harbours.", "The second page speaks of comets."])
    article = one(path)
    second = article.text.index("comets")
    assert article.page_at(article.text.index("harbours")) == 1
    assert article.page_at(second) == 2


@pytest.mark.parametrize("encoding", ["latin-1", "utf-16", "cp1252"])
def test_other_encodings_are_decoded(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("Café owners in Zürich said prices rose.".encode(encoding))
    assert "Café owners in Zürich" in one(path).text


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("broken.json", b"{not json", "not valid JSON"),
        ("cut.jsonl.gz", gzip.compress(b'{"text": "x"}\n' * 50)[:40], "gzip"),
        ("broken.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
    ],
)
def test_bad_files_raise_one_clear_error(
    tmp_path: Path, name: str, content: bytes, problem: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ArticleError) as raised:
        list(read_articles(path))
    assert str(path) in str(raised.value)
    assert problem.lower() in str(raised.value).lower()


def test_finding_files_skips_hidden_and_unknown_and_survives_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.txt").write_text("One.")
    (tmp_path / "a" / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "two.txt").write_text("Two.")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")
    found = list(find_article_files(tmp_path))
    assert found == [tmp_path / "a" / "one.txt"]


def test_html_blocks_are_apart_so_a_headline_is_its_own_sentence(tmp_path: Path) -> None:
    page = tmp_path / "blog.html"
    page.write_text(
        "<html><body><article><h1>Iran jails blogger for 14 years</h1>"
        "<p>A weblogger has been jailed.</p>"  # too short for the title rule of plain text
        "<p>Human rights groups condemned the sentence and called for his release.</p>"
        "<ul><li>Amnesty protested</li><li>The UN said nothing</li></ul>"
        "</article></body></html>"
    )
    article = one(page)
    sentences = [article.text[s.start : s.end] for s in split_sentences(article.text)]
    assert sentences[:2] == ["Iran jails blogger for 14 years", "A weblogger has been jailed."]
    assert sentences[-2:] == ["- Amnesty protested", "- The UN said nothing"]


_BODY = (
    "<h1>Jobs growth still slow in the US</h1><p>The US created fewer jobs than expected in "
    "January 2005, the worst month since 2003, a report published on 3 February 2005 said. "
    "Economists had forecast that 150,000 jobs would be created in the month.</p>"
)


@pytest.mark.parametrize(
    ("head", "inside", "date"),
    [
        (
            '<meta property="article:published_time" content="2005-02-04T10:00:00Z">',
            "",
            "2005-02-04",
        ),
        ('<meta name="date" content="2005/02/04">', "", "2005-02-04"),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", '
            '"datePublished": "2005-02-04"}</script>',
            "",
            "2005-02-04",
        ),
        ("", '<time datetime="2005-02-04">4 Feb</time>', "2005-02-04"),
        # No date in the metadata: none, though the text and title mention years and dates.
        ("<title>Jobs report of 3 February 2005</title>", "", ""),
        ("", "<p>Posted 2005-02-04 by the desk.</p>", ""),
    ],
)
def test_an_html_page_is_dated_by_its_metadata_only(
    tmp_path: Path, head: str, inside: str, date: str
) -> None:
    page = tmp_path / "jobs.html"
    page.write_text(
        f"<html><head>{head}</head><body><article>{inside}{_BODY}</article></body></html>"
    )
    assert one(page).date == date


def test_json_record_dates_are_stored_as_iso_8601(tmp_path: Path) -> None:
    feed = tmp_path / "wire.jsonl"
    feed.write_text(
        json.dumps({"title": "Cocoa", "body": "Showers fell.", "date": "26-FEB-1987 15:01:01.79"})
        + "\n"
    )
    assert one(feed).date == "1987-02-26"
