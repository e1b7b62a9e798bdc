"""Crashes and failures lose nothing: killed runs, concurrent runs, write errors, damaged files."""

from __future__ import annotations

import errno
import fcntl
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from support import FakeEmbedder

from qa.index import IndexWriteError, Library, LibraryBusy
from qa.index.library import VECTORS_NAME
from qa.index.lock import LOCK_NAME
from qa.index.vectors import VectorIndex

TESTS = Path(__file__).resolve().parent.parent

# A writer in its own process: the fake embedder made slow and announcing each batch, so a test
# can kill it at a chosen point of the run whatever the machine's speed, and small commits, so
# there is progress to keep.
WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {tests!r})
    from pathlib import Path
    from support import FakeEmbedder
    import qa.index.sync
    from qa.index import Library

    class Slow(FakeEmbedder):
        def encode(self, texts):
            print("encoding", flush=True)
            time.sleep(0.2)
            return super().encode(texts)

    qa.index.sync.COMMIT_EVERY_PASSAGES = 4
    Library(Path({library!r}), Slow()).add([Path({articles!r})])
    print("complete", flush=True)
""")


def write_articles(folder: Path, count: int, edition: str = "first") -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        sentences = " ".join(
            f"Story {number} sentence {s} of the {edition} edition mentions topic{number}."
            for s in range(12)
        )
        (folder / f"story-{number:03d}.txt").write_text(f"Story {number}\n\n{sentences}")


def start_writer(library: Path, articles: Path) -> subprocess.Popen[str]:
    code = WRITER.format(tests=str(TESTS), library=str(library), articles=str(articles))
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


def wait_until_locked(folder: Path, seconds: float = 60.0) -> None:
    """Block until another process holds the library's update lock (a loaded machine can take
    a while to start the writer)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with open(folder / LOCK_NAME, "a+") as handle:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return
            fcntl.flock(handle, fcntl.LOCK_UN)
        time.sleep(0.05)
    raise AssertionError("the writer never took the lock")


def check_usable(folder: Path, complete: bool = False, writing: bool = False) -> int:
    """The library opens, its vectors match its passages, search answers, and `qa index check`
    finds nothing but files left to read (nothing at all after a `complete` run; not run while
    another process is `writing`, as check waits for writers); returns the number of articles."""
    embedder = FakeEmbedder()
    library = Library(folder, embedder)
    if not library.exists:
        return 0
    if not writing:
        differences = library.check()
        assert differences == [] if complete else {d.fix for d in differences} <= {"update"}, [
            str(d) for d in differences
        ]
    status = library.status()
    assert len(library.vectors) == status.passages
    if status.passages:
        hits = library.dense_search(embedder.encode(["story sentence topic"])[0], 3)
        assert hits and set(library.passages([i for i, _ in hits])) == {i for i, _ in hits}
    library.close()
    return status.articles


def test_killing_indexing_at_random_moments_never_breaks_the_index(tmp_path: Path) -> None:
    articles, folder = tmp_path / "articles", tmp_path / "lib"
    write_articles(articles, 40)
    rng = random.Random(7)
    kills = 0
    seen: list[int] = []
    for round_number in range(12):
        # Each round edits some articles, so every writer has embedding work to be killed in.
        for number in rng.sample(range(40), 10):
            text = (articles / f"story-{number:03d}.txt").read_text()
            (articles / f"story-{number:03d}.txt").write_text(f"{text} Edit {round_number}.")
        writer = start_writer(folder, articles)
        # The moment is counted in batches, not seconds, so a slow or fast machine kills at the
        # same points: during start-up, or some way into a batch's embedding or its commit. Ten
        # edited one-passage articles make three batches of four, so there is always work left.
        batches_seen = rng.randint(0, 2)
        for _ in range(batches_seen):
            assert writer.stdout is not None
            assert writer.stdout.readline() == "encoding\n"
        time.sleep(rng.uniform(0.0, 0.25) if batches_seen else rng.uniform(0.3, 1.0))
        if writer.poll() is None:
            writer.send_signal(signal.SIGKILL)
            kills += 1
        writer.wait()
        seen.append(check_usable(folder))
    assert kills >= 8
    assert seen == sorted(seen)  # progress is kept, never lost
    final = start_writer(folder, articles)
    out, _ = final.communicate(timeout=120)
    assert "complete" in out
    assert check_usable(folder, complete=True) == 40


def test_a_second_writer_is_turned_away_while_readers_keep_answering(tmp_path: Path) -> None:
    articles, folder = tmp_path / "articles", tmp_path / "lib"
    write_articles(articles, 5)
    Library(folder, FakeEmbedder()).add([articles])
    write_articles(tmp_path / "more", 30, edition="second")
    writer = start_writer(folder, tmp_path / "more")
    try:
        wait_until_locked(folder)  # the writer holds the lock while it embeds
        with pytest.raises(LibraryBusy):
            Library(folder, FakeEmbedder()).add([articles])
        assert check_usable(folder, writing=True) >= 5  # readers see the last complete index
    finally:
        writer.communicate(timeout=120)
    assert check_usable(folder, complete=True) == 35


def test_a_write_error_leaves_the_previous_index_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    articles, folder = tmp_path / "articles", tmp_path / "lib"
    write_articles(articles, 3)
    Library(folder, FakeEmbedder()).add([articles])
    write_articles(articles, 6)

    def disk_full(self: VectorIndex, path: Path) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(VectorIndex, "save", disk_full)
    with pytest.raises(IndexWriteError, match=r"No space left on device.*previous index is intact"):
        Library(folder, FakeEmbedder()).add([articles])
    monkeypatch.undo()
    assert check_usable(folder) in (3, 6)  # committed articles are served from the database
    Library(folder, FakeEmbedder()).add([articles])
    assert check_usable(folder, complete=True) == 6


def test_a_truncated_vector_file_is_detected_and_rebuilt(tmp_path: Path) -> None:
    articles, folder = tmp_path / "articles", tmp_path / "lib"
    write_articles(articles, 4)
    Library(folder, FakeEmbedder()).add([articles])
    vectors = folder / VECTORS_NAME
    vectors.write_bytes(vectors.read_bytes()[: vectors.stat().st_size // 2])
    library = Library(folder, FakeEmbedder())
    assert [str(d) for d in library.check()] == [
        "the vector file is damaged (fix: qa index check --repair)"
    ]
    library.repair()
    assert check_usable(folder, complete=True) == 4
