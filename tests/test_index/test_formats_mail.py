"""Mail (mbox, .eml) and saved web pages (MHTML, SingleFile HTML), written by the stdlib's own
mail writers where the format is MIME."""

from __future__ import annotations

import base64
import mailbox
import os
from email.message import EmailMessage
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest
from formats_support import cited
from support import FakeEmbedder

from qa.index import Article, ArticleError, Library, read_articles, read_saved_page
from qa.index.read_html import read_html as real_read_html

FERRY = "The night ferry to Roscoff will stop running in October."
TIDE = "Spring tides will cover the lower car park twice this week."
NEWSLETTER_HTML = (
    "<html><head><title>Coastal Weekly</title></head><body>"
    "<div class='header'><a href='https://example.org'>View in browser</a></div>"
    f"<h1>Ferry timetable changes</h1><p>{FERRY} The operator blamed rising fuel costs, "
    "and said the day crossings would continue through the winter.</p>"
    "<p>Passengers with winter bookings will be offered refunds or a transfer to the day "
    "sailings, the company said in a statement on Monday.</p></body></html>"
)


def message(subject: str, sender: str, date: str, text: str = "", html: str = "") -> EmailMessage:
    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["Date"] = subject, sender, date
    if text:
        mail.set_content(text)
    if html:
        if text:
            mail.add_alternative(html, subtype="html")
        else:
            mail.set_content(html, subtype="html")
    return mail


def broken_message() -> bytes:
    """A message whose base64 body was mangled in transit (mail that no client can show)."""
    return (
        b"From: Broken Sender <broken@example.org>\nSubject: Garbled\n"
        b"Date: Tue, 02 Jan 2024 10:00:00 +0000\nMIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        b"VGhpcyBpcyBub3Qg!!!@@@###YmFzZTY0IGF0IGFsbA=\n"
    )


def newsletters(path: Path) -> None:
    """A mailbox of three messages, the second of them garbled."""
    box = mailbox.mbox(path)
    box.add(
        message(
            "Tide tables",
            "Harbour Office <office@example.org>",
            "Mon, 01 Jan 2024 08:00:00 +0000",
            text=f"Hello all,\n\n{TIDE}\n",
        )
    )
    box.add(broken_message())
    box.add(
        message(
            "Ferry news",
            "Coastal Weekly <news@example.org>",
            "Wed, 03 Jan 2024 07:15:00 +0000",
            html=NEWSLETTER_HTML,
        )
    )
    box.flush()
    box.close()


def test_each_mbox_message_is_an_article_and_a_broken_one_is_skipped_alone(
    tmp_path: Path,
) -> None:
    path = tmp_path / "newsletters.mbox"
    newsletters(path)
    articles = []
    with pytest.raises(ArticleError) as error:
        articles.extend(read_articles(path))
    assert str(error.value) == (
        f"{path}: 1 message skipped (message 2: damaged message "
        f"(InvalidBase64CharactersDefect)); the others were indexed"
    )
    tide, ferry = articles
    assert (tide.title, tide.author, tide.date) == ("Tide tables", "Harbour Office", "2024-01-01")
    assert tide.text == f"Hello all,\n\n{TIDE}"  # the text/plain body as sent
    assert (ferry.title, ferry.author, ferry.date) == ("Ferry news", "Coastal Weekly", "2024-01-03")
    assert FERRY in ferry.text and "View in browser" not in ferry.text  # through the HTML reader
    assert tide.key != ferry.key
    stored = cited(tmp_path / "lib", path, FERRY, "Roscoff")
    assert stored.article.title == "Ferry news"


def test_an_eml_prefers_its_plain_text_part(tmp_path: Path) -> None:
    mail = message(
        "Ferry news",
        "news@example.org",
        "Wed, 03 Jan 2024 07:15:00 +0000",
        text=f"{FERRY}\n\nMore next week.\n",
        html=NEWSLETTER_HTML,
    )
    path = tmp_path / "ferry.eml"
    path.write_bytes(bytes(mail))
    (article,) = read_articles(path)
    assert article.text == f"{FERRY}\n\nMore next week."
    assert (article.title, article.author, article.source) == (
        "Ferry news",
        "news@example.org",
        str(path),
    )
    cited(tmp_path / "lib", path, FERRY, "Roscoff")


def test_an_eml_with_no_text_is_one_line(tmp_path: Path) -> None:
    mail = EmailMessage()
    mail["Subject"] = "Scan"
    mail.add_attachment(
        b"%PDF-1.4 binary", maintype="application", subtype="pdf", filename="scan.pdf"
    )
    path = tmp_path / "scan.eml"
    path.write_bytes(bytes(mail))
    with pytest.raises(ArticleError, match=r"scan.eml: no text in the message; skipped$"):
        list(read_articles(path))


def test_mhtml_page_with_its_location_and_date(tmp_path: Path) -> None:
    archive = MIMEMultipart("related", type="text/html")
    archive["Subject"] = "Ferry timetable changes"
    archive["Date"] = "Thu, 04 Jan 2024 12:00:00 +0000"
    archive["Snapshot-Content-Location"] = "https://example.org/news/ferry"
    page = MIMEText(NEWSLETTER_HTML, "html", "utf-8")
    page["Content-Location"] = "https://example.org/news/ferry"
    archive.attach(page)
    image = MIMEImage(b"\x89PNG\r\n\x1a\n" + os.urandom(2000), "png")
    image["Content-Location"] = "https://example.org/logo.png"
    archive.attach(image)
    path = tmp_path / "ferry.mhtml"
    path.write_bytes(archive.as_bytes())
    (article,) = read_articles(path)
    assert article.source == "https://example.org/news/ferry"
    assert article.date == "2024-01-04"  # the page states none: the day it was saved
    assert article.title == "Ferry timetable changes"
    stored = cited(tmp_path / "lib", path, FERRY, "Roscoff")
    assert stored.article.source == "https://example.org/news/ferry"


def singlefile_page(images: int) -> bytes:
    picture = base64.b64encode(os.urandom(300_000)).decode()
    inlined = "".join(
        f'<img src="data:image/png;base64,{picture}" alt="harbour view">' for _ in range(images)
    )
    return (
        "<!DOCTYPE html> <html lang=en><!--\n Page saved with SingleFile \n"
        " url: https://example.org/news/tides \n"
        " saved date: Fri Jan 05 2024 09:00:00 GMT+0000 (Coordinated Universal Time)\n-->"
        "<head><meta charset=utf-8><title>Spring tides</title>"
        "<style>body{background:url(data:image/png;base64,"
        f"{picture})}}</style></head><body><article><h1>Spring tides</h1>{inlined}"
        f"<p>{TIDE} The harbour office asked drivers to park on the hill instead, and to "
        "check the tide tables before leaving a car by the water.</p></article></body></html>"
    ).encode()


def test_a_singlefile_page_keeps_its_address_and_none_of_its_inlined_images(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tides.html"
    path.write_bytes(singlefile_page(images=8))  # about 3 MB, nearly all of it images
    (article,) = read_articles(path)
    assert article.source == "https://example.org/news/tides"
    assert article.title == "Spring tides"
    assert "base64" not in article.text and "data:" not in article.text
    cited(tmp_path / "lib", path, TIDE, "car")


def test_inlined_images_are_stripped_before_the_page_is_parsed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed: list[bytes] = []

    def read_html(path: Path, data: bytes) -> Article:
        parsed.append(data)
        return real_read_html(path, data)

    monkeypatch.setattr(read_saved_page, "read_html", read_html)
    path = tmp_path / "tides.html"
    path.write_bytes(singlefile_page(images=8))
    next(read_articles(path))
    (markup,) = parsed
    assert len(markup) < 5_000 < path.stat().st_size // 100  # the parser sees the page alone
    assert b'<img src="data:," alt="harbour view">' in markup


def test_a_page_saved_by_the_browser_names_where_it_came_from(tmp_path: Path) -> None:
    path = tmp_path / "saved.htm"
    path.write_text(
        "<!DOCTYPE html>\n<!-- saved from url=(0031)https://example.org/news/ferry -->\n"
        + NEWSLETTER_HTML
    )
    assert next(read_articles(path)).source == "https://example.org/news/ferry"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("notes.mbox", b"Just some notes, no messages.\n", "no messages in this mbox"),
        ("image.eml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50, "looks like binary data"),
    ],
)
def test_mail_files_that_hold_no_mail_are_one_line(
    tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ArticleError) as error:
        list(read_articles(path))
    assert str(error.value).startswith(f"{path}: {reason}")


def test_indexing_an_mbox_tells_the_broken_message_and_keeps_the_file(tmp_path: Path) -> None:
    path = tmp_path / "newsletters.mbox"
    newsletters(path)
    library = Library(tmp_path / "lib", FakeEmbedder())
    report = library.add([path])
    assert report.failures == [
        f"{path}: message 2: damaged message (InvalidBase64CharactersDefect); skipped that "
        f"message, the others are read"
    ]
    assert report.articles_added == 2
    assert library.status().unreadable_files == []  # the file was read, bar one message
    again = library.update()
    assert (again.articles_added, again.articles_removed, again.failures) == (0, 0, [])
    library.close()
