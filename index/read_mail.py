"""Read mail: a saved message (.eml) or a mailbox (.mbox), each message an article (newsletters
are the point): the subject its title, the sender its author, the Date header its date."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path

from .article import Article
from .dates import iso_date
from .decoding import looks_binary, normalise_newlines
from .errors import ArticleError
from .html_part import html_part
from .limits import MAX_ARTICLE_BYTES, size_text
from .skipped_parts import SkippedParts

_DAMAGED = ("InvalidBase64", "MissingHeaderBodySeparator", "StartBoundaryNotFound")
"""Defects that leave a message's text garbled or cut; such a message is skipped, not indexed."""


def read_eml(path: Path, data: bytes) -> Article:
    """One saved message."""
    if looks_binary(data):
        raise ArticleError(f"{path}: looks like binary data, not a mail message; skipped")
    message = _parse(data)
    article = message_article(path, message, key=str(path))
    if isinstance(article, str):
        raise ArticleError(f"{path}: {article}; skipped")
    return article


def read_mbox(
    path: Path,
    position: Callable[[int], None] | None = None,
    skipped: Callable[[str], None] | None = None,
) -> Iterator[Article]:
    """Every message of an mbox, one at a time, so a mailbox of any size is read in bounded
    memory; a message that cannot be read (or is over the size limit of one article) is left
    out alone (see `SkippedParts`)."""
    import mailbox

    left_out = SkippedParts(path, "message", skipped)
    box = mailbox.mbox(path, create=False)
    done = 0
    keys: list[str] = []
    try:
        keys = box.keys()  # scans the file once for the "From " lines; messages stay on disk
        for number, key in enumerate(keys, 1):
            where = f"message {number}"
            with box.get_file(key) as message_file:
                data = message_file.read(MAX_ARTICLE_BYTES + 1)
            done += len(data)
            if position is not None:
                position(done)
            if len(data) > MAX_ARTICLE_BYTES:
                left_out.add(
                    where, f"over the {size_text(MAX_ARTICLE_BYTES)} limit for one article"
                )
                continue
            message = _parse(data)
            article = message_article(path, message, key=f"{path}#{_identity(message, number)}")
            if isinstance(article, str):
                left_out.add(where, article)
            else:
                yield article
    finally:
        box.close()
    if not keys:
        raise ArticleError(f"{path}: no messages in this mbox (none begins with a From line)")
    left_out.raise_if_any()


def _identity(message: EmailMessage, number: int) -> str:
    """The Message-ID, which names a message wherever it moves in the mailbox; else its place."""
    try:
        identity = str(message.get("Message-ID", "")).strip().strip("<>")
    except (ValueError, TypeError, IndexError):  # a header the parser cannot read
        identity = ""
    return identity or str(number)


def _parse(data: bytes) -> EmailMessage:
    from email import policy
    from email.parser import BytesParser

    message = BytesParser(policy=policy.default).parsebytes(data)
    assert isinstance(message, EmailMessage)  # the default policy makes EmailMessage objects
    return message


def message_article(path: Path, message: EmailMessage, key: str) -> Article | str:
    """The message as an article, or the reason it cannot be one."""
    try:
        subject = " ".join(str(message.get("Subject", "")).split())
        sender = str(message.get("From", ""))
        date = iso_date(str(message.get("Date", "")))
    except (ValueError, TypeError, IndexError) as error:  # a header the parser cannot read
        return f"unreadable header ({error})"
    text = _plain_text(message)
    html = None if text else _html_part(message)
    # Base64 damage is only found while decoding, so the check follows it.
    damage = _damage(message)
    if damage:
        return f"damaged message ({damage})"
    source = str(path) if key == str(path) else key
    if html is not None:
        page = html_part(path, html, subject)
        text = page.text if page is not None else ""
        source = page.source if page is not None and page.source != str(path) else source
    if not text.strip():
        return "no text in the message"
    if "\x00" in text:
        return "binary data, not text"
    name, address = parseaddr(sender)
    return Article(
        key=key,
        text=text,
        title=subject or text.split("\n")[0][:120],
        source=source,
        path=str(path),
        date=date,
        author=name or address,
    )


def _damage(message: EmailMessage) -> str:
    for part in message.walk():
        for defect in part.defects:
            if type(defect).__name__.startswith(_DAMAGED):
                return type(defect).__name__
    return ""


def _plain_text(message: EmailMessage) -> str:
    """The text/plain body, preferred over HTML: it is what the sender wrote as text."""
    part = message.get_body(preferencelist=("plain",))
    if part is None or part.get_content_disposition() == "attachment":
        return ""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        text = payload.decode(charset, errors="replace")
    except LookupError:  # a charset Python does not know
        text = payload.decode("utf-8", errors="replace")
    return normalise_newlines(text).strip()


def _html_part(message: EmailMessage) -> bytes | None:
    part = message.get_body(preferencelist=("html",))
    return utf8_payload(part) if isinstance(part, EmailMessage) else None


def utf8_payload(part: EmailMessage) -> bytes | None:
    """A text part's decoded body in UTF-8 (the HTML reader then needs to guess nothing)."""
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return None
    charset = (part.get_content_charset() or "utf-8").lower()
    if charset in ("utf-8", "utf8"):
        return payload
    try:
        return payload.decode(charset, errors="replace").encode("utf-8")
    except LookupError:  # a charset Python does not know: left to the HTML reader to guess
        return payload
