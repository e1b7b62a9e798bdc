"""Whatever happens between runs (edits, copies, bad lines, interruptions, removals), the files,
SQLite and FAISS never disagree once a run is over: a property-based test."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import FakeEmbedder

import qa.index.sync
from qa.index import Library

TEXTS = [
    "The ferry sails at noon. It returns at dusk.",
    "The bridge opens in May. Traffic will be light.",
    "The pier closes at dusk. Anglers must leave early.",
    "The harbour wall was rebuilt. It cost two million.",
]
"""Few enough texts that records often become copies of one another."""


class Interrupting(FakeEmbedder):
    """Raises Ctrl+C's KeyboardInterrupt on the n-th call to encode (None: never)."""

    def __init__(self, calls: int | None) -> None:
        super().__init__()
        self.calls_left = calls

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if self.calls_left is not None:
            if self.calls_left == 0:
                raise KeyboardInterrupt
            self.calls_left -= 1
        return super().encode(texts)


record_edit = st.tuples(st.integers(0, 5), st.sampled_from([*TEXTS, None]))
step = st.one_of(
    st.tuples(st.just("edit"), record_edit),  # record n gets a text (None deletes it)
    st.tuples(st.just("note"), st.sampled_from([*TEXTS, None])),  # a text file, or none
    st.tuples(st.just("bad line"), st.booleans()),  # the dump ends in a broken line, or not
    st.tuples(st.just("run"), st.sampled_from([None, 0, 1, 2, 3])),  # interrupted at call n
    st.tuples(st.just("remove note"), st.booleans()),  # remove it (True) or add it back
)


def write_dump(folder: Path, records: dict[int, str], bad_line: bool) -> None:
    lines = [
        json.dumps({"id": n, "title": "Harbour", "text": t}) for n, t in sorted(records.items())
    ]
    if bad_line:
        lines.append('{"id": 99, "text": ')
    (folder / "dump.jsonl").write_text("\n".join(lines) + "\n")


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=1, max_size=12))
def test_no_sequence_of_edits_and_interruptions_leaves_a_difference(
    steps: list[tuple[str, object]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(qa.index.sync, "COMMIT_EVERY_PASSAGES", 2)  # many commits to stop between
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        articles, folder = root / "articles", root / "lib"
        articles.mkdir()
        note = articles / "note.txt"
        records: dict[int, str] = {0: TEXTS[0], 1: TEXTS[1]}
        bad_line = False
        write_dump(articles, records, bad_line)
        Library(folder, FakeEmbedder()).add([articles])
        for action, value in steps:
            if action == "edit":
                number, text = value  # type: ignore[misc]
                if text is None:
                    records.pop(number, None)
                else:
                    records[number] = text
                write_dump(articles, records, bad_line)
            elif action == "note":
                if value is None:
                    note.unlink(missing_ok=True)
                else:
                    note.write_text(f"Harbour\n\n{value}")
            elif action == "bad line":
                bad_line = bool(value)
                write_dump(articles, records, bad_line)
            elif action == "remove note":
                library = Library(folder, FakeEmbedder())
                named = bool(value) or note.exists()
                if value:
                    library.remove([note])
                elif named:
                    library.add([note])
                # Only the files that command did not name may wait for an update.
                waiting = [d for d in library.check() if d.fix == "update"]
                assert library.check() == waiting
                assert not (named and [d for d in waiting if str(note) in d.what])
            else:
                library = Library(folder, Interrupting(value))  # type: ignore[arg-type]
                try:
                    library.update()
                except KeyboardInterrupt:
                    # Stopped between commits: only files left to read may differ.
                    assert {d.fix for d in Library(folder, FakeEmbedder()).check()} <= {"update"}
                    continue
                assert Library(folder, FakeEmbedder()).check() == []
        library = Library(folder, FakeEmbedder())
        library.update()
        assert library.check() == []
        reopened = Library(folder, FakeEmbedder())
        assert len(reopened.vectors) == reopened.status().passages
        if not bad_line:
            # Every distinct text in the files is indexed exactly once.
            wanted = set(records.values())
            if note.exists() and not reopened.status().excluded:
                wanted.add(note.read_text())
            stored = {row[0] for row in reopened.store.db.execute("SELECT text FROM articles")}
            assert stored == wanted
