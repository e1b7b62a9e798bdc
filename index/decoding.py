"""Turn a file's bytes into text whatever its encoding (UTF-8, UTF-16, Latin-1...)."""

from __future__ import annotations

import codecs

from .errors import ArticleError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def looks_binary(data: bytes) -> bool:
    """True for data that is not text in any encoding we accept (NUL bytes outside UTF-16/32)."""
    sample = data[:8192]
    return b"\x00" in sample and not any(sample.startswith(bom) for bom, _ in _BOMS)


def decode_text(data: bytes, name: str) -> str:
    """Decode `data`, trying a BOM, then UTF-8, then charset detection; raise on binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return normalise_newlines(data.decode(encoding, errors="replace"))
    if looks_binary(data):
        raise ArticleError(f"{name}: looks like binary data, not text; skipped")
    try:
        return normalise_newlines(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:1_000_000]).best()
    encoding = best.encoding if best is not None else "latin-1"
    return normalise_newlines(data.decode(encoding, errors="replace"))


def normalise_newlines(text: str) -> str:
    """Use `\\n` line ends so offsets mean the same on every platform."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
