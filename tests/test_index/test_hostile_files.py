"""Files that used to stop a run or lose articles: each now costs one line, and only itself."""

from __future__ import annotations

import gzip
import json
import logging
import os
import zlib
from pathlib import Path

import pytest
from support import FakeEmbedder, news_dump

from qa.index import ArticleError, Library, read_articles
from qa.index import reading as reading_module
from qa.index.decoding import decode_text
from qa.index.passages import MAX_SENTENCE_CHARS, split_sentences

GOOD = "Harbour wall approved\n\nThe council approved a new harbour wall on Thursday."


def add(tmp_path: Path, folder: Path, embedder: FakeEmbedder, **options: bool):  # type: ignore[no-untyped-def]
    library = Library(tmp_path / "lib", embedder)
    return library, library.add([folder], **options)


def one_line_each(failures: list[str]) -> None:
    """Every failure is one printable line naming a file."""
    for failure in failures:
        assert "\n" not in failure and "\x1b" not in failure
        failure.encode("utf-8")  # no lone surrogates: printable and storable


def deflated_pdf(inflated_bytes: int) -> bytes:
    """A one-page PDF whose page stream is `inflated_bytes` of spaces, deflated (a PDF "bomb"
    of a few hundred kB)."""
    squeezer = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    stream = b"".join(squeezer.compress(chunk) for _ in range(inflated_bytes >> 20))
    stream += squeezer.flush()
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources "
        b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return out


# -- item 1: one file never stops the run ----------------------------------------------------


def test_a_name_that_is_not_utf8_is_indexed_updated_and_removed(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    odd = Path(os.fsdecode(bytes(folder) + b"/caf\xe9 \xff.txt"))
    odd.write_text(GOOD)
    (folder / "other.txt").write_text("Ferry timetable\n\nThe ferry sails at noon.")
    library, report = add(tmp_path, folder, fake_embedder)
    assert report.failures == [] and report.articles_added == 2
    assert library.update().failures == []  # found again under the same name: unchanged
    assert library.status().stale_files == []
    assert library.remove([odd]) == 1
    assert library.status().articles == 1
    assert library.check() == []


def test_a_deeply_nested_json_file_is_one_line_and_the_rest_is_indexed(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "deep.json").write_text("[" * 200_000 + "]" * 200_000)
    (folder / "deep-line.jsonl").write_text(
        news_dump(2) + '{"text": ' + "[" * 200_000 + "]" * 200_000 + "}\n" + news_dump(1)
    )
    (folder / "good.txt").write_text(GOOD)
    _, report = add(tmp_path, folder, fake_embedder)
    one_line_each(report.failures)
    assert [f for f in report.failures if "deep.json: nested too deeply" in f]
    assert [f for f in report.failures if "deep-line.jsonl: line 3" in f and "deeply" in f]
    assert report.articles_added == 1 + 2  # good.txt and the dump's two distinct records


def test_a_pdf_bomb_is_refused_with_one_line_naming_it(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "bomb.pdf").write_bytes(deflated_pdf(100 << 20))
    (folder / "good.txt").write_text(GOOD)
    _, report = add(tmp_path, folder, fake_embedder)
    assert report.articles_added == 1
    [line] = report.failures
    assert "bomb.pdf" in line and "inflates past the safe limit" in line


def test_any_exception_from_a_reader_costs_that_file_alone(
    tmp_path: Path, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The class of bug, not its instances: whatever a reader raises stops only its file."""

    class Surprise(Exception):
        pass

    real = reading_module._SINGLE[".txt"]

    def reader(path: Path, data: bytes):  # type: ignore[no-untyped-def]
        if path.name.startswith("bad"):
            raise {"bad-1.txt": Surprise("odd"), "bad-2.txt": ZeroDivisionError("x")}[path.name]
        return real(path, data)

    monkeypatch.setitem(reading_module._SINGLE, ".txt", reader)
    folder = tmp_path / "news"
    folder.mkdir()
    for name in ("bad-1.txt", "bad-2.txt", "good.txt"):
        (folder / name).write_text(GOOD)
    _, report = add(tmp_path, folder, fake_embedder)
    assert report.articles_added == 1
    assert sorted(report.failures) == [
        f"{folder}/bad-1.txt: could not be read (Surprise: odd); skipped; "
        f"if the file opens elsewhere, please report this",
        f"{folder}/bad-2.txt: could not be read (ZeroDivisionError: x); skipped; "
        f"if the file opens elsewhere, please report this",
    ]


def test_ctrl_c_while_reading_still_stops_the_run(
    tmp_path: Path, fake_embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    def reader(path: Path, data: bytes):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    monkeypatch.setitem(reading_module._SINGLE, ".txt", reader)
    (tmp_path / "a.txt").write_text(GOOD)
    with pytest.raises(KeyboardInterrupt):
        list(read_articles(tmp_path / "a.txt"))


# -- item 3: a bad line is one skipped record --------------------------------------------------


def test_bad_lines_anywhere_in_a_dump_are_skipped_records(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl.gz"
    lines = [json.dumps({"id": n, "text": f"Story {n} ends here."}) for n in range(6)]
    lines[1] = '{"id": 1, "text": '
    lines[3] = "\x00\x01 not json at all"
    dump.write_bytes(gzip.compress("\n".join(lines).encode()))
    skipped: list[str] = []
    articles = list(read_articles(dump, skipped=skipped.append))
    assert [a.key.split("#")[1] for a in articles] == ["0", "2", "4", "5"]
    assert [line.split(": ", 1)[1][:6] for line in skipped] == ["line 2", "line 4"]


# -- item 6: links out of the library ---------------------------------------------------------


def test_links_out_of_the_library_are_skipped_unless_asked_for(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    secret = tmp_path / "private" / "shadow.txt"
    secret.parent.mkdir()
    secret.write_text("Passwords\n\nThe root password is swordfish.")
    folder = tmp_path / "notes"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.txt").write_text(GOOD)
    (folder / "notes.txt").symlink_to(secret)
    (folder / "outside").symlink_to(secret.parent)
    (folder / "inside.txt").symlink_to(folder / "good.txt")  # stays in: followed
    (folder / "sub" / "up").symlink_to(folder)  # a loop inside: neither hangs nor repeats
    library, report = add(tmp_path, folder, fake_embedder)
    assert report.articles_added == 1 and report.duplicates == 1
    assert not library.lexical_search('"swordfish"', 5)
    outside = [f for f in report.failures if "out of the library's folders" in f]
    assert len(outside) == 2 and all("--follow-links" in f for f in outside)
    # Asked for, it is followed, and remembered by later updates.
    _, report = add(tmp_path, folder, fake_embedder, follow_links=True)
    assert report.failures == [] and library.lexical_search('"swordfish"', 5)
    assert library.update().failures == [] and library.status().stale_files == []


def test_a_file_link_loop_is_called_a_loop_not_disappeared(
    tmp_path: Path, fake_embedder: FakeEmbedder
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD)
    (folder / "loop.txt").symlink_to(folder / "loop.txt")
    (folder / "gone.txt").symlink_to(folder / "nowhere.txt")
    _, report = add(tmp_path, folder, fake_embedder)
    assert report.articles_added == 1
    assert sorted(report.failures) == [
        f"{folder}/gone.txt: a symbolic link to nothing (No such file or directory); skipped",
        f"{folder}/loop.txt: a symbolic link loop; skipped",
    ]


# -- item 7: decoding ------------------------------------------------------------------------

TEXTS = {
    "french": (
        "La crème brûlée était délicieuse. Le garçon a mangé à la fenêtre du café.\n\n"
        "Le maire a inauguré le nouveau pont lundi; les travaux ont coûté très cher."
    ),
    "french-2": (
        "La crème brûlée était délicieuse. Le garçon a mangé à la fenêtre du café. Où est la "
        "bibliothèque? Nous irons à Noël chez ma soeur."
    ),
    "spanish-2": (
        "El niño pequeño jugaba en el jardín con su hermana. La señora Núñez preparó la cena "
        "para toda la familia."
    ),
    "spanish-3": (
        "El alcalde inauguró el puente el lunes. La obra costó dos millones de euros y duró "
        "tres años."
    ),
    "italian": (
        "Il sindaco ha inaugurato il nuovo ponte lunedì. I lavori sono durati tre anni e sono "
        "costati più del previsto, però la città è contenta."
    ),
    "spanish": (
        "El niño comió paella en la playa. ¿Dónde está la estación?\n\n"
        "Mañana iremos al campo con la señora García. “Qué día”, dijo él."
    ),
    "german": (
        "Die Straße in München war über Nacht gesperrt. Größere Fahrzeuge mussten einen "
        "Umweg über Düsseldorf fahren."
    ),
    "portuguese": (
        "O governo anunciou ontem novas medidas económicas. A inflação caiu para três por "
        "cento, disse o ministro à imprensa."
    ),
    "polish": (
        "Prezydent miasta otworzył w poniedziałek nowy most. Budowa trwała trzy lata i "
        "kosztowała dużo pieniędzy. Zażółć gęślą jaźń."
    ),
    "russian": (
        "Мэр города открыл новый мост в понедельник. Строительство длилось три года и стоило "
        "двести миллионов рублей."
    ),
    "turkish": (
        "Belediye başkanı pazartesi günü yeni köprüyü açtı. İnşaat üç yıl sürdü ve iki yüz "
        "milyon liraya mal oldu."
    ),
}
ENCODED = [
    ("french", "latin-1"),
    ("french-2", "latin-1"),
    ("spanish-2", "cp1252"),
    ("spanish-3", "latin-1"),
    ("italian", "cp1252"),
    ("spanish", "cp1252"),
    ("german", "latin-1"),
    ("portuguese", "cp1252"),
    ("polish", "cp1250"),
    ("russian", "cp1251"),
    ("turkish", "cp1254"),
]


@pytest.mark.parametrize(("language", "encoding"), ENCODED)
def test_legacy_code_pages_are_read_as_written(language: str, encoding: str) -> None:
    text = TEXTS[language]
    assert decode_text(text.encode(encoding), language) == text


@pytest.mark.parametrize("language", sorted(TEXTS))
def test_one_stray_byte_keeps_a_utf8_file_utf8(language: str) -> None:
    text = TEXTS[language]
    data = text.encode("utf-8")
    cut = data.index(b"\n\n") if b"\n\n" in data else len(data) // 2
    while data[cut] & 0xC0 == 0x80:  # at a character's first byte
        cut += 1
    damaged = data[:cut] + b"\xff" + data[cut:]
    assert decode_text(damaged, language).replace("\ufffd", "", 1) == text


# -- item 8: limits on decompressed content, records and sentences ---------------------------


def test_one_huge_record_in_a_small_gzip_is_skipped_with_the_limit(tmp_path: Path) -> None:
    dump = tmp_path / "dump.jsonl.gz"
    huge = json.dumps({"id": "big", "text": "word " * 400_000})  # 2 MB, about 10 kB gzipped
    dump.write_bytes(gzip.compress((news_dump(2) + huge + "\n" + news_dump(1)).encode()))
    skipped: list[str] = []
    articles = list(read_articles(dump, max_bytes=1_000_000, skipped=skipped.append))
    assert len(articles) == 3
    assert skipped == [
        f"{dump}: line 3 is 2.0 MB, over the 1.0 MB limit for one record; "
        f"skipped that record, the others are read"
    ]


def test_a_json_gz_that_inflates_past_the_limit_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b'{"text": "' + b" " * 3_000_000 + b'"}'))
    with pytest.raises(ArticleError, match=r"bomb.json.gz: decompresses to more than 1.0 MB"):
        list(read_articles(bomb, max_bytes=1_000_000))


def test_a_line_without_punctuation_is_quoted_in_pieces_with_exact_offsets() -> None:
    text = "Short first sentence. " + "word, " * 30_000 + "\n\nLast one."
    spans = split_sentences(text)
    assert max(span.end - span.start for span in spans) <= MAX_SENTENCE_CHARS
    assert len(spans) > 30_000 * 6 // MAX_SENTENCE_CHARS
    for span in spans:
        piece = text[span.start : span.end]
        assert piece == piece.strip() and piece
    covered = "".join(text[s.start : s.end] for s in spans)
    assert covered.replace(" ", "") == text.replace(" ", "").replace("\n", "")
    unbroken = "x" * 5000
    assert [s.end - s.start for s in split_sentences(unbroken)] == [1000] * 5


# -- item 10: HTML control references, pypdf notices -------------------------------------------


def test_html_with_control_character_references_keeps_its_page(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Ferry</title></head><body><article>"
        "<p>The ferry sails at noon&#8; from the harbour every day, weather permitting.</p>"
        "<p>Tickets cost&#27; five pounds&#x1b; and are sold on board by the crew.</p>"
        "</article></body></html>"
    )
    [article] = read_articles(page)
    assert "The ferry sails at noon" in article.text and "five pounds" in article.text


def test_pypdf_notices_do_not_print_without_the_file_name(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "broken.pdf"
    data = deflated_pdf(1 << 20)
    broken.write_bytes(data.replace(b"startxref\n", b"startxref\n9"))  # a wrong xref offset
    with caplog.at_level(logging.WARNING):
        try:
            list(read_articles(broken))
        except ArticleError as error:
            assert "broken.pdf" in str(error)
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]
