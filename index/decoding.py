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
    """Decode `data`: by its BOM, else as UTF-8 (a few stray bytes replaced), else in the legacy
    code page it reads best in, Western European when that is as good; raise on binary data."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return normalise_newlines(data.decode(encoding, errors="replace"))
    if looks_binary(data):
        raise ArticleError(f"{name}: looks like binary data, not text; skipped")
    text = data.decode("utf-8", errors="replace")
    if mostly_utf8(data, text):
        return normalise_newlines(text)
    return normalise_newlines(data.decode(legacy_encoding(data), errors="replace"))


def mostly_utf8(data: bytes, text: str) -> bool:
    """Is `data` UTF-8 (decoded as `text`, errors replaced) with at most a few stray bytes?

    One bad byte (a truncated copy, a Latin-1 "é" pasted in) used to send a whole UTF-8 file to
    charset detection, which read every "é" as "Ã©". UTF-8 it is when its valid multi-byte
    characters are at least as many as its invalid sequences: text in a legacy code page has
    next to no valid UTF-8 sequences (an accented letter is followed by an ASCII one)."""
    high_bytes = len(data.translate(None, _ASCII))
    if not high_bytes:
        return True
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    if not invalid:
        return True
    # ASCII bytes decode one for one, so the other characters are the multi-byte ones.
    multi_byte = len(text) - (len(data) - high_bytes) - invalid
    return multi_byte >= invalid


_ASCII = bytes(range(128))
_WESTERN = "cp1252"
"""Windows Western European: a superset of Latin-1's letters, with curly quotes and dashes."""
_SHARED_LATIN = frozenset(
    (
        *("cp1250", "cp1257", "cp1258", "cp775", "cp850", "cp852", "cp858", "hp_roman8"),
        *("iso8859_2", "iso8859_3", "iso8859_4", "iso8859_10", "iso8859_13", "iso8859_14"),
        *("iso8859_15", "iso8859_16", "latin_1", "mac_iceland", "mac_latin2", "mac_roman"),
    )
)
"""Code pages whose letters overlap Western European's so much that detection cannot tell them
apart on a short text (it read French Latin-1 as cp1250: crème became crčme)."""


def legacy_encoding(data: bytes) -> str:
    """The code page `data` (not UTF-8) reads best in. Western European (cp1252) when detection
    is unsure: when it chose a look-alike Latin code page and cp1252 reads as cleanly, or found
    nothing; another when it reads clearly better (Polish cp1250, Russian cp1251, Shift JIS)."""
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    sample = data[:1_000_000]
    best = from_bytes(sample).best()
    try:
        western = sample.decode(_WESTERN)
    except UnicodeDecodeError:  # one of the five bytes cp1252 leaves undefined
        return best.encoding if best is not None else "latin-1"
    if best is None or best.encoding == _WESTERN:
        return _WESTERN
    unsure = best.encoding in _SHARED_LATIN
    western_mess = mess_ratio(western, maximum_threshold=1.0)
    if western_mess <= best.chaos or (unsure and western_mess <= best.chaos + 0.02):
        return _WESTERN
    return str(best.encoding)


def normalise_newlines(text: str) -> str:
    """Use `\\n` line ends so offsets mean the same on every platform."""
    return text.replace("\r\n", "\n").replace("\r", "\n")
