"""Fuzzing the readers: a folder of hostile files and one good article, indexed whole.

Whatever the names (bytes that are not UTF-8, newlines, escape sequences, 255 bytes) and
contents (random bytes, truncated or deep JSON, broken PDF, HTML and gzip, mixed encodings),
`Library.add` finishes, indexes the good article, and gives every file either its articles or
one printable line naming it. The seed is fixed (derandomize) and the number of folders small,
so this runs in seconds in CI; before a release, run more with
`QA_FUZZ_EXAMPLES=2000 pytest tests/test_trust/test_reading_fuzz.py` (docs/reliability.md).
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import FakeEmbedder

from qa.index import Library
from qa.index.lines import one_line

EXAMPLES = int(os.environ.get("QA_FUZZ_EXAMPLES", "12"))
GOOD = "Lighthouse keeper retires\n\nThe zanzibarite lighthouse keeper retired on Friday."
SUFFIXES = [".txt", ".md", ".html", ".json", ".jsonl", ".json.gz", ".jsonl.gz", ".pdf"]
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R /Resources << /Font << /F1 << "
    b"/Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >> endobj\n"
    b"4 0 obj << /Length 44 >> stream\nBT /F1 12 Tf 10 10 Td (Harbour news.) Tj ET\n"
    b"endstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("\x00\x1b\n&#;<>"),
    max_size=300,
)

names = st.one_of(
    st.binary(min_size=1, max_size=30).map(lambda b: b.replace(b"/", b"_").replace(b"\x00", b"_")),
    st.sampled_from([b"new\nline", b"\x1b[31mred\x1b[0m", b"caf\xe9", b"\xff\xfe", b" spaced "]),
    st.integers(200, 240).map(lambda n: b"L" * n),
    TEXT.map(lambda t: t.replace("/", "_").replace("\x00", "_").encode("utf-8")[:60]),
)

json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["text", "title", "id", "url", "date", "author", "body", "articles"]),
            inner,
            max_size=4,
        )
    ),
    max_leaves=12,
)


@st.composite
def contents(draw: st.DrawFn) -> bytes:
    kind = draw(
        st.sampled_from(
            ["random", "deep", "json", "jsonl", "pdf", "html", "encoded", "gzip", "truncated"]
        )
    )
    if kind == "random":
        return draw(st.binary(max_size=2000))
    if kind == "deep":
        depth = draw(st.integers(1, 100_000))
        opener = draw(st.sampled_from(["[", '{"text": ', '{"a": [']))
        return (opener * depth).encode()
    if kind == "json":
        return json.dumps(draw(json_like)).encode()
    if kind == "jsonl":
        lines = draw(st.lists(json_like.map(json.dumps) | TEXT, max_size=6))
        return "\n".join(lines).encode("utf-8", "surrogatepass")
    if kind == "pdf":
        cut = draw(st.integers(0, len(MINIMAL_PDF)))
        noise = draw(st.binary(max_size=20))
        return MINIMAL_PDF[:cut] + noise + MINIMAL_PDF[cut + len(noise) :]
    if kind == "html":
        parts = draw(
            st.lists(
                st.sampled_from(
                    [
                        "<p>",
                        "</p>",
                        "<div>",
                        "<script>",
                        "&#8;",
                        "&#27;",
                        "&#0;",
                        "&#xD800;",
                        "&#99999999;",
                        "<!--",
                        "]]>",
                        "<meta charset=x>",
                    ]
                )
                | TEXT,
                max_size=20,
            )
        )
        return ("<html><body>" + "".join(parts)).encode("utf-8", "surrogatepass")
    if kind == "encoded":
        text = draw(TEXT)
        encoding = draw(st.sampled_from(["utf-8", "latin-1", "cp1250", "utf-16", "cp1251"]))
        data = text.encode(encoding, "replace")
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(max_size=3)) + data[at:]
    if kind == "gzip":
        return gzip.compress(draw(st.binary(max_size=500)))
    packed = gzip.compress(json.dumps({"text": draw(TEXT)}).encode())
    return packed[: draw(st.integers(0, len(packed)))]


hostile_files = st.lists(
    st.tuples(names, st.sampled_from(SUFFIXES), contents()), min_size=1, max_size=6
)


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(hostile_files)
def test_hostile_files_never_stop_a_run_nor_hide_the_good_article(
    files: list[tuple[bytes, str, bytes]],
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "articles"
        folder.mkdir()
        (folder / "good.txt").write_text(GOOD)
        written: list[Path] = []
        for number, (stem, suffix, content) in enumerate(files):
            name = b"%d-" % number + stem[:200] + suffix.encode()  # unique, never hidden
            path = Path(os.fsdecode(bytes(folder) + b"/" + name))
            path.write_bytes(content)
            written.append(path)
        library = Library(Path(scratch) / "lib", FakeEmbedder())
        report = library.add([folder])
        for failure in report.failures:
            assert "\n" not in failure and "\x1b" not in failure
            failure.encode("utf-8")  # printable: no lone surrogates
        assert library.lexical_search('"zanzibarite"', 5), report.failures
        indexed = {path for path, record in library.store.files().items() if record.articles}
        for path in written:
            shown = one_line(str(path))
            assert str(path) in indexed or any(shown in f for f in report.failures), (
                shown,
                report.failures,
            )
        assert library.update().articles_added == 0
        assert library.check() == []
        library.close()
