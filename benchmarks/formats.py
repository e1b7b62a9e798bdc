"""How fast each article format is read, and that a large web archive is read in bounded memory.

    python -m benchmarks.formats [--data ../shared/data] [--articles 300] [--warc-megabytes 1000]

Files are generated in a temporary folder from BBC News articles (../shared/data/news/
bbc-news-2225.jsonl.gz), each format written by its own writer, at sizes people keep: one
article per DOCX/ODT/EML/MHTML/SingleFile page (SingleFile pages carry their images inlined),
books of 20 chapters, feeds of 50 entries, one wallabag export, one mailbox, one gzipped WARC of
pages, images and requests. Reading is `read_articles` (no splitting, no embedding). The WARC
is read in a child process whose peak RSS is sampled as it advances. Prints JSON.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import io
import json
import mailbox
import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from email.message import EmailMessage
from email.mime.image import MIMEImage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from html import escape
from pathlib import Path
from typing import Any

from qa.index import read_articles

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
BBC = Path("news") / "bbc-news-2225.jsonl.gz"
NAV = "".join(f"<li><a href='/news/section-{n}'>Section {n}</a></li>" for n in range(120))
SCRIPT = "window.analytics=" + json.dumps({f"k{n}": "x" * 40 for n in range(400)}) + ";"
IMAGE = os.urandom(60_000)
Story = dict[str, str]


def stories(data: Path, count: int) -> list[Story]:
    with gzip.open(data / BBC, "rt", encoding="utf-8") as lines:
        return [json.loads(line) for _, line in zip(range(count), lines, strict=False)]


def page(story: Story) -> str:
    """A news page as a site serves it: navigation, scripts and a footer around the story."""
    body = "".join(f"<p>{escape(p)}</p>" for p in story["body"].split("\n") if p.strip())
    return (
        f"<html><head><title>{escape(story['title'])} - BBC News</title>"
        f"<script>{SCRIPT}</script></head><body><nav><ul>{NAV}</ul></nav><main><article>"
        f"<h1>{escape(story['title'])}</h1>{body}</article></main><footer>{NAV}</footer>"
        f"</body></html>"
    )


def paragraphs(story: Story) -> list[str]:
    return [line for line in story["body"].split("\n") if line.strip()]


def write_docx(folder: Path, batch: list[Story]) -> None:
    import docx

    for number, story in enumerate(batch):
        document = docx.Document()
        document.add_heading(story["title"], level=1)
        for text in paragraphs(story):
            document.add_paragraph(text)
        document.save(str(folder / f"{number}.docx"))


def write_odt(folder: Path, batch: list[Story]) -> None:
    from odfdo import Document, Header, Paragraph

    for number, story in enumerate(batch):
        document = Document("text")
        document.body.append(Header(1, story["title"]))
        for text in paragraphs(story):
            document.body.append(Paragraph(text))
        document.save(str(folder / f"{number}.odt"))


def write_epub(folder: Path, batch: list[Story]) -> None:
    from ebooklib import epub

    for first in range(0, len(batch), 20):
        book = epub.EpubBook()
        book.set_identifier(f"book-{first}")
        book.set_title(f"Stories {first}")
        chapters = []
        for number, story in enumerate(batch[first : first + 20]):
            chapter = epub.EpubHtml(title=story["title"], file_name=f"c{number}.xhtml")
            chapter.content = page(story)
            book.add_item(chapter)
            chapters.append(chapter)
        book.toc = tuple(chapters)
        book.add_item(epub.EpubNcx())
        book.add_item(epub.EpubNav())
        book.spine = chapters
        epub.write_epub(str(folder / f"{first}.epub"), book)


def mail(story: Story) -> EmailMessage:
    message = EmailMessage()
    message["Subject"], message["From"] = story["title"], "BBC News <news@example.org>"
    message["Date"] = "Wed, 03 Jan 2024 07:15:00 +0000"
    message.set_content(story["body"])
    message.add_alternative(page(story), subtype="html")
    return message


def write_eml(folder: Path, batch: list[Story]) -> None:
    for number, story in enumerate(batch):
        (folder / f"{number}.eml").write_bytes(bytes(mail(story)))


def write_mbox(folder: Path, batch: list[Story]) -> None:
    box = mailbox.mbox(folder / "news.mbox")
    for story in batch:
        box.add(mail(story))
    box.close()


def write_mhtml(folder: Path, batch: list[Story]) -> None:
    for number, story in enumerate(batch):
        archive = MIMEMultipart("related", type="text/html")
        archive["Subject"] = story["title"]
        part = MIMEText(page(story), "html", "utf-8")
        part["Content-Location"] = f"https://example.org/{story['id']}"
        archive.attach(part)
        archive.attach(MIMEImage(IMAGE, "png"))
        (folder / f"{number}.mhtml").write_bytes(archive.as_bytes())


def write_singlefile(folder: Path, batch: list[Story]) -> None:
    inlined = f'<img src="data:image/png;base64,{base64.b64encode(IMAGE).decode()}">' * 8
    for number, story in enumerate(batch):
        html = page(story).replace("<article>", f"<article>{inlined}")
        comment = f"<!--\n Page saved with SingleFile \n url: https://example.org/{number} \n-->"
        (folder / f"{number}.html").write_text(f"<!DOCTYPE html>{comment}{html}")


def write_rss(folder: Path, batch: list[Story]) -> None:
    encoded = "{http://purl.org/rss/1.0/modules/content/}encoded"
    for first in range(0, len(batch), 50):
        rss = ET.Element("rss", version="2.0")
        channel = ET.SubElement(rss, "channel")
        for story in batch[first : first + 50]:
            item = ET.SubElement(channel, "item")
            ET.SubElement(item, "title").text = story["title"]
            ET.SubElement(item, "link").text = f"https://example.org/{story['id']}"
            ET.SubElement(item, "pubDate").text = "Thu, 14 Sep 2023 08:00:00 GMT"
            ET.SubElement(item, encoded).text = "".join(f"<p>{p}</p>" for p in paragraphs(story))
        ET.ElementTree(rss).write(folder / f"{first}.rss", encoding="utf-8")


def write_wallabag(folder: Path, batch: list[Story]) -> None:
    entries = [
        {"is_archived": 0, "id": n, "title": s["title"], "url": f"https://example.org/{n}",
         "content": "".join(f"<p>{escape(p)}</p>" for p in paragraphs(s))}
        for n, s in enumerate(batch)
    ]  # fmt: skip
    (folder / "wallabag.json").write_text(json.dumps(entries))


def write_markdown(folder: Path, batch: list[Story]) -> None:
    for number, story in enumerate(batch):
        front = f"---\ntitle: {json.dumps(story['title'])}\nurl: https://example.org/{number}\n"
        body = "\n\n".join(paragraphs(story))
        (folder / f"{number}.md").write_text(f"{front}date_published: 2023-09-14\n---\n{body}\n")


def write_warc(path: Path, batch: list[Story], megabytes: float = 0) -> int:
    """A gzipped crawl: per page a request, the HTML response and six images; repeats the
    batch until the file holds `megabytes` (at least once). Returns the pages written."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    written = 0
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        while written < len(batch) or handle.tell() < megabytes * 1e6:
            story = batch[written % len(batch)]
            uri = f"https://example.org/{written}"
            for kind, body in [("text/html", page(story).encode())] + [("image/png", IMAGE)] * 6:
                http = StatusAndHeaders("200 OK", [("Content-Type", kind)], protocol="HTTP/1.1")
                record = writer.create_warc_record(
                    uri if kind == "text/html" else f"{uri}/{len(body)}.png",
                    "response", payload=io.BytesIO(body), http_headers=http,
                )  # fmt: skip
                writer.write_record(record)
            asked = f"GET /{written} HTTP/1.1\r\nHost: example.org\r\n\r\n".encode()
            writer.write_record(writer.create_warc_record(uri, "request", io.BytesIO(asked)))
            written += 1
    return written


WRITERS: dict[str, Callable[[Path, list[Story]], Any]] = {
    "docx": write_docx,
    "odt": write_odt,
    "epub": write_epub,
    "eml": write_eml,
    "mbox": write_mbox,
    "mhtml": write_mhtml,
    "singlefile-html": write_singlefile,
    "rss": write_rss,
    "wallabag-json": write_wallabag,
    "markdown-front-matter": write_markdown,
    "warc-gz": lambda folder, batch: write_warc(folder / "crawl.warc.gz", batch),
}


def throughput(folder: Path) -> dict[str, float]:
    files = sorted(path for path in folder.iterdir())
    size = sum(path.stat().st_size for path in files)
    next(read_articles(files[0]))  # the reader's libraries imported before the clock starts
    began = time.perf_counter()
    articles = sum(1 for path in files for _ in read_articles(path))
    seconds = time.perf_counter() - began
    return {
        "files": len(files),
        "megabytes": round(size / 1e6, 1),
        "articles": articles,
        "seconds": round(seconds, 2),
        "mb_per_s": round(size / 1e6 / seconds, 2),
        "articles_per_s": round(articles / seconds, 1),
    }


def unstripped(folder: Path) -> dict[str, float]:
    """The SingleFile pages read by the HTML reader with their inlined images left in: what
    stripping `data:` URIs before parsing saves."""
    from qa.index.read_html import read_html

    files = sorted(folder.iterdir())
    size = sum(path.stat().st_size for path in files)
    began = time.perf_counter()
    for path in files:
        read_html(path, path.read_bytes())
    seconds = time.perf_counter() - began
    return {"seconds": round(seconds, 2), "mb_per_s": round(size / 1e6 / seconds, 2)}


def bounded_read(path: Path) -> dict[str, Any]:
    """Read the archive in a fresh process; its peak RSS after each tenth of the file."""
    child = (
        "import json, resource, sys, time; from pathlib import Path;"
        "from qa.index import read_articles;"
        "size = Path(sys.argv[1]).stat().st_size; marks = []; began = time.perf_counter();"
        "peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024;"
        "note = lambda at: marks.append((round(at / size, 2), peak())) "
        "if at >= size * (len(marks) + 1) / 10 else None;"
        "count = sum(1 for _ in read_articles(Path(sys.argv[1]), position=note));"
        "print(json.dumps({'articles': count, 'seconds': round(time.perf_counter() - began, 1),"
        "'peak_rss_mb_by_fraction_read': marks, 'peak_rss_mb': peak()}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", child, str(path)], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(done.stdout)
    result["megabytes"] = round(path.stat().st_size / 1e6, 1)
    return result


def measure(data: Path, articles: int, warc_megabytes: float) -> dict[str, Any]:
    batch = stories(data, articles)
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="qa-formats-") as scratch:
        for name, write in WRITERS.items():
            folder = Path(scratch) / name
            folder.mkdir()
            write(folder, batch)
            results[name] = throughput(folder)
            if name == "singlefile-html":
                results["singlefile-html-images-left-in"] = unstripped(folder)
            print(name, results[name], file=sys.stderr)
        if warc_megabytes:
            big = Path(scratch) / "large.warc.gz"
            pages = write_warc(big, batch, warc_megabytes)
            results["large-warc-gz"] = {"pages_written": pages, **bounded_read(big)}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--articles", type=int, default=300, help="BBC stories per format")
    parser.add_argument("--warc-megabytes", type=float, default=1000.0)
    args = parser.parse_args()
    print(json.dumps(measure(args.data, args.articles, args.warc_megabytes), indent=2))


if __name__ == "__main__":
    main()
