"""Feeds (RSS, Atom), read-later exports and web archives (WARC), written by real writers:
xml.etree for feeds, yaml and json for exports, warcio's WARCWriter for archives."""

from __future__ import annotations

import base64
import csv
import io
import json
import random
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from formats_support import cited

from qa.index import ArticleError, read_articles

BRIDGE = "The new footbridge over the Tamar opens to walkers on Saturday."
MARKET = "The covered market will keep its Sunday opening through the summer."
CONTENT = "http://purl.org/rss/1.0/modules/content/"
ATOM = "http://www.w3.org/2005/Atom"


def article_html(headline: str, sentence: str) -> str:
    return (
        f"<html><head><title>{headline}</title>"
        f'<meta property="article:published_time" content="2023-09-14T08:00:00Z"></head>'
        f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav><article>"
        f"<h1>{headline}</h1><p>{sentence} The council said the work finished two weeks "
        f"early and under budget, after a dry summer.</p><p>Residents had waited eleven "
        f"years for the crossing, which replaces a ferry withdrawn in 2012.</p></article>"
        f"<footer>Copyright Example News</footer></body></html>"
    )


def test_rss_entries_take_full_content_over_summary(tmp_path: Path) -> None:
    ET.register_namespace("content", CONTENT)
    rss = ET.Element("rss", version="2.0")
    channel = ET.SubElement(rss, "channel")
    ET.SubElement(channel, "title").text = "Example News"
    for number, (title, sentence) in enumerate([("Bridge opens", BRIDGE), ("Market", MARKET)]):
        item = ET.SubElement(channel, "item")
        ET.SubElement(item, "title").text = title
        ET.SubElement(item, "link").text = f"https://example.org/news/{number}"
        ET.SubElement(item, "guid").text = f"news-{number}"
        ET.SubElement(item, "pubDate").text = f"Thu, 1{number} Sep 2023 08:00:00 GMT"
        ET.SubElement(item, "description").text = "A short teaser."
        ET.SubElement(item, f"{{{CONTENT}}}encoded").text = (
            f"<p>{sentence} More detail follows in a second sentence.</p><p>A second "
            f"paragraph closes the story.</p>"
        )
    path = tmp_path / "news.rss"
    ET.ElementTree(rss).write(path, encoding="utf-8", xml_declaration=True)
    bridge, market = read_articles(path)
    assert (bridge.title, bridge.source, bridge.date) == (
        "Bridge opens",
        "https://example.org/news/0",
        "2023-09-10",
    )
    assert bridge.text.startswith(BRIDGE) and "teaser" not in bridge.text
    assert market.date == "2023-09-11" and bridge.key != market.key
    cited(tmp_path / "lib", path, MARKET, "covered")


def test_atom_entries_with_content(tmp_path: Path) -> None:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = "Example News"
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    ET.SubElement(entry, f"{{{ATOM}}}title").text = "Bridge opens"
    ET.SubElement(entry, f"{{{ATOM}}}link", href="https://example.org/bridge")
    ET.SubElement(entry, f"{{{ATOM}}}id").text = "tag:example.org,2023:bridge"
    ET.SubElement(entry, f"{{{ATOM}}}published").text = "2023-09-14T08:00:00Z"
    author = ET.SubElement(entry, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = "Tom Penrose"
    content = ET.SubElement(entry, f"{{{ATOM}}}content", type="html")
    content.text = f"<p>{BRIDGE}</p><p>It cost four million pounds.</p>"
    path = tmp_path / "news.atom"
    ET.ElementTree(feed).write(path, encoding="utf-8", xml_declaration=True)
    (article,) = read_articles(path)
    assert (article.title, article.source, article.date, article.author) == (
        "Bridge opens",
        "https://example.org/bridge",
        "2023-09-14",
        "Tom Penrose",
    )
    assert article.text == f"{BRIDGE}\n\nIt cost four million pounds."
    cited(tmp_path / "lib", path, BRIDGE, "footbridge")


def test_a_feed_that_is_not_xml_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.rss"
    path.write_text("<rss><channel><title>cut off")
    with pytest.raises(ArticleError, match=r"broken.rss: no entries in this RSS or Atom feed"):
        list(read_articles(path))


def test_a_wallabag_export_carries_the_text(tmp_path: Path) -> None:
    entries = [
        {
            "is_archived": 1,
            "is_starred": 0,
            "id": 41,
            "title": "Bridge opens",
            "url": "https://example.org/bridge",
            "content": article_html("Bridge opens", BRIDGE),
            "created_at": "2024-01-05T10:00:00+01:00",
            "published_at": "2023-09-14T08:00:00+01:00",
            "published_by": ["Tom Penrose"],
            "tags": [],
            "annotations": [],
            "domain_name": "example.org",
        },
        {"is_archived": 0, "id": 42, "title": "Empty", "url": "https://x.test", "content": ""},
    ]
    path = tmp_path / "All articles.json"
    path.write_text(json.dumps(entries))
    (article,) = read_articles(path)
    assert (article.title, article.source, article.date, article.author) == (
        "Bridge opens",
        "https://example.org/bridge",
        "2023-09-14",
        "Tom Penrose",
    )
    assert "<p>" not in article.text and "Home" not in article.text  # HTML read as a page
    cited(tmp_path / "lib", path, BRIDGE, "footbridge")


def test_an_omnivore_markdown_export_with_front_matter(tmp_path: Path) -> None:
    front = {
        "id": "7d1e",
        "title": "Bridge opens",
        "author": "Tom Penrose",
        "tags": ["local"],
        "date_saved": "2024-01-05",
        "date_published": "2023-09-14",
    }
    body = (
        "# Bridge opens\n\n#Omnivore\n\n[Read on Omnivore](https://omnivore.app/me/7d1e)\n"
        "[Read Original](https://example.org/bridge)\n\n## Content\n\n"
        f"{BRIDGE} It replaces a ferry.\n"
    )
    path = tmp_path / "Bridge opens.md"
    path.write_text(f"---\n{yaml.safe_dump(front)}---\n{body}")
    (article,) = read_articles(path)
    assert article.text == body  # the front matter is metadata, not text
    assert (article.title, article.source, article.date, article.author) == (
        "Bridge opens",
        "https://example.org/bridge",
        "2023-09-14",
        "Tom Penrose",
    )
    cited(tmp_path / "lib", path, f"{BRIDGE}", "footbridge")


def test_exports_of_links_alone_are_skipped_with_the_reason(tmp_path: Path) -> None:
    pocket = tmp_path / "ril_export.html"
    pocket.write_text(
        "<!DOCTYPE html><html><head><title>Pocket Export</title></head><body><h1>Unread</h1>"
        '<ul><li><a href="https://example.org/bridge" time_added="1694678400" tags="">'
        "Bridge opens</a></li></ul></body></html>"
    )
    table = io.StringIO()
    writer = csv.writer(table)
    writer.writerow(["title", "url", "time_added", "tags", "status"])
    writer.writerow(["Bridge opens", "https://example.org/bridge", "1694678400", "", "unread"])
    listed = tmp_path / "part_000000.csv"
    listed.write_text(table.getvalue())
    for path in (pocket, listed):
        with pytest.raises(ArticleError) as error:
            list(read_articles(path))
        assert "carries only links; qa fetches nothing" in str(error.value)
        assert str(error.value).startswith(str(path))


def write_warc(path: Path, pages: list[tuple[str, str]], gzip: bool) -> None:
    """An archive as a crawler writes it: a request and a response per page, with an image,
    a redirect and a missing page among them."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    def record(uri: str, status: str, kind: str, body: bytes, rec_type: str = "response"):  # type: ignore[no-untyped-def]
        headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
        return writer.create_warc_record(
            uri,
            rec_type,
            payload=io.BytesIO(body),
            http_headers=headers if rec_type == "response" else None,
            warc_headers_dict={"WARC-Date": "2024-02-01T10:00:00Z"},
        )

    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        writer.write_record(
            writer.create_warcinfo_record(path.name, {"software": "test", "format": "WARC"})
        )
        writer.write_record(record("https://example.org/", "301 Moved", "text/html", b""))
        for uri, html in pages:
            writer.write_record(record(uri, "200 OK", "text/html; charset=utf-8", html.encode()))
            writer.write_record(record(uri + "/logo.png", "200 OK", "image/png", b"\x89PNG" * 500))
        writer.write_record(record("https://example.org/gone", "404 Not Found", "text/html", b"no"))


@pytest.mark.parametrize("gzip", [False, True], ids=["warc", "warc.gz"])
def test_each_html_response_in_a_warc_is_an_article(tmp_path: Path, gzip: bool) -> None:
    path = tmp_path / ("crawl.warc.gz" if gzip else "crawl.warc")
    pages = [
        ("https://example.org/bridge", article_html("Bridge opens", BRIDGE)),
        ("https://example.org/market", article_html("Market stays open", MARKET)),
    ]
    write_warc(path, pages, gzip)
    bridge, market = read_articles(path)
    assert (bridge.source, bridge.title) == ("https://example.org/bridge", "Bridge opens")
    assert bridge.date == "2023-09-14"  # the page's own date, before the capture's
    assert market.source == "https://example.org/market" and bridge.key != market.key
    assert "Copyright" not in bridge.text
    stored = cited(tmp_path / "lib", path, MARKET, "covered")
    assert stored.article.source == "https://example.org/market"


def test_a_warc_page_without_a_date_is_dated_by_its_capture(tmp_path: Path) -> None:
    path = tmp_path / "undated.warc"
    page = article_html("Bridge opens", BRIDGE).replace(
        '<meta property="article:published_time" content="2023-09-14T08:00:00Z">', ""
    )
    write_warc(path, [("https://example.org/bridge", page)], gzip=False)
    assert next(read_articles(path)).date == "2024-02-01"


@pytest.mark.parametrize("gzip", [False, True], ids=["warc", "warc.gz"])
def test_a_truncated_warc_keeps_the_records_before_the_cut(tmp_path: Path, gzip: bool) -> None:
    whole = tmp_path / "whole.warc"
    pages = [
        ("https://example.org/bridge", article_html("Bridge opens", BRIDGE)),
        ("https://example.org/market", article_html("Market stays open", MARKET) + " " * 4000),
    ]
    write_warc(whole, pages, gzip)
    data = whole.read_bytes()
    market = "https://example.org/market"
    cut = tmp_path / ("cut.warc.gz" if gzip else "cut.warc")
    # cut inside the market page's record
    cut.write_bytes(_cut_gzip(data, market) if gzip else data[: data.index(market.encode()) + 3000])
    articles = []
    with pytest.raises(ArticleError) as error:
        articles.extend(read_articles(cut))
    assert [a.source for a in articles] == ["https://example.org/bridge"]
    assert str(error.value).startswith(f"{cut}: damaged or truncated WARC at record ")
    assert "\n" not in str(error.value)


def _cut_gzip(data: bytes, uri: str) -> bytes:
    """The gzipped archive cut in the middle of the member that holds `uri`'s response."""
    import gzip
    import zlib

    members, offset = [], 0
    while offset < len(data):
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        text = inflater.decompress(data[offset:])
        members.append((offset, text))
        offset = len(data) - len(inflater.unused_data)
    start = next(at for at, text in members if uri.encode() in text and b"text/html" in text)
    following = next(at for at, _ in members if at > start)
    assert gzip.decompress(data[:start])  # the members before it are whole
    return data[: (start + following) // 2]


def test_a_warc_page_over_the_record_limit_is_named_and_the_rest_read(tmp_path: Path) -> None:
    from qa.index.read_warc import read_warc

    path = tmp_path / "big.warc"
    huge = article_html("Market stays open", MARKET + " Padding." * 3000)
    write_warc(
        path,
        [
            ("https://example.org/huge", huge),
            ("https://example.org/bridge", article_html("Bridge opens", BRIDGE)),
        ],
        gzip=False,
    )
    articles = []
    with pytest.raises(
        ArticleError,
        match=r"1 record skipped \(record 3 \(https://example.org/huge\): over the 10.0 kB limit",
    ):
        articles.extend(read_warc(path, max_record_bytes=10_000))
    assert [a.source for a in articles] == ["https://example.org/bridge"]


def test_markdown_between_two_rules_is_text_not_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(f"---\n{BRIDGE}\n---\n\nMore notes.\n")
    assert next(read_articles(path)).text == f"---\n{BRIDGE}\n---\n\nMore notes.\n"


def test_a_warc_is_streamed_past_the_single_file_limit(tmp_path: Path) -> None:
    path = tmp_path / "crawl.warc"
    page = article_html("Story", BRIDGE) + " " * 10_000
    pages = [(f"https://example.org/{n}", page) for n in range(20)]
    write_warc(path, pages, gzip=False)
    positions: list[int] = []
    articles = read_articles(path, max_bytes=1_000, position=positions.append)
    first = next(articles)  # a file over `max_bytes` is still read, and record by record
    assert first.source == "https://example.org/0"
    assert 0 < positions[-1] < path.stat().st_size // 5
    assert len([first, *articles]) == 20


def test_a_csv_with_a_text_column_is_read_row_by_row(tmp_path: Path) -> None:
    table = io.StringIO()
    writer = csv.DictWriter(table, ["Title", "URL", "Text", "Date"])
    writer.writeheader()
    writer.writerow({"Title": "Bridge opens", "URL": "https://example.org/bridge",
                     "Text": f"{BRIDGE}\nIt replaces a ferry.", "Date": "2023-09-14"})  # fmt: skip
    path = tmp_path / "saved.csv"
    path.write_text(table.getvalue())
    (article,) = read_articles(path)
    assert (article.title, article.source, article.date) == (
        "Bridge opens",
        "https://example.org/bridge",
        "2023-09-14",
    )
    cited(tmp_path / "lib", path, BRIDGE, "footbridge")


def test_a_garbled_gzip_member_of_a_warc_is_one_line_and_prints_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    whole = tmp_path / "whole.warc.gz"
    # A page larger than warcio's 16 kB read buffer: damage past its first block is written
    # to stderr by warcio, not raised.
    noise = base64.b64encode(random.Random(5).randbytes(60_000)).decode()
    pages = [
        ("https://example.org/bridge", article_html("bridge", BRIDGE)),
        ("https://example.org/market", article_html("market", MARKET) + f"<!-- {noise} -->"),
        ("https://example.org/after", article_html("after", BRIDGE)),
    ]
    write_warc(whole, pages, gzip=True)
    data = bytearray(whole.read_bytes())
    middle = len(_cut_gzip(bytes(data), "https://example.org/market"))
    data[middle : middle + 40] = bytes(40)  # zeros inside the market page's compressed data
    garbled = tmp_path / "garbled.warc.gz"
    garbled.write_bytes(bytes(data))
    lines: list[str] = []
    articles = []
    try:  # warcio may find the next member again (a record left out) or lose its place (the end)
        articles.extend(read_articles(garbled, skipped=lines.append))
    except ArticleError as error:
        lines.append(str(error))
    assert articles[0].source == "https://example.org/bridge"
    assert "https://example.org/market" not in [a.source for a in articles]
    assert len(lines) == 1 and lines[0].startswith(f"{garbled}: ")
    assert "damaged" in lines[0] and "\n" not in lines[0]
    assert capfd.readouterr().err == ""  # warcio's own report is held, not printed
