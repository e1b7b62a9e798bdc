"""The watcher: real watchfiles on real files, the fake embedder, short settle times passed in.

Every wait is on the watcher's own events, with a timeout; nothing sleeps for a fixed time."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from support import FIXTURES, FakeEmbedder

from qa import Asker, Settings
from qa.answering.readers import SentenceReader
from qa.index import Library
from qa.index.temporary import is_temporary
from qa.index.watch import LibraryWatcher, WatchEvent
from qa.index.watch_lock import WatcherRunning, WatchLock, running_watcher

FAST = {"settle": 0.15, "quiet": 0.05, "roots_every": 0.2}
"""Short waits, so the test takes seconds; the defaults (1 s settle) are for people."""


class Events:
    """The watcher's events as they come, and waits on them."""

    def __init__(self) -> None:
        self.queue: queue.Queue[WatchEvent] = queue.Queue()
        self.seen: list[WatchEvent] = []

    def __call__(self, event: WatchEvent) -> None:
        self.queue.put(event)

    def next(self, timeout: float) -> WatchEvent:
        event = self.queue.get(timeout=timeout)
        self.seen.append(event)
        return event

    def until(self, condition: Callable[[], bool], timeout: float = 20.0) -> list[WatchEvent]:
        """Wait, batch by batch, until `condition` holds; returns the events heard meanwhile."""
        deadline = time.monotonic() + timeout
        heard: list[WatchEvent] = []
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"the watcher never got there; heard {heard}")
            try:
                event = self.next(left)
            except queue.Empty:
                continue
            heard.append(event)
            assert event.kind != "error", event.detail
        return heard

    def kind(self, kind: str, timeout: float = 20.0) -> WatchEvent:
        """Wait for the next event of `kind`."""
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            event = self.next(left)
            if event.kind == kind:
                return event
        raise AssertionError(f"no {kind!r} event came")


def reopen(asker: Asker) -> None:
    """The next question opens the index as committed now, as the chat does on a change (not
    `Asker.refresh`: its own update would meet the watcher's)."""
    asker.with_library(lambda library: library.close())


def indexed(folder: Path) -> dict[str, str]:
    """Path -> text of every article indexed in the library at `folder` (read beside the
    watcher, through a connection of its own)."""
    library = Library(folder, FakeEmbedder())
    try:
        rows = library.store.db.execute("SELECT path, text FROM articles").fetchall()
        return {path: text for path, text in rows}
    finally:
        library.close()


def shape(library: Library) -> tuple[set[tuple[str, str]], set[tuple[str, int, int]]]:
    """What must match a fresh rebuild: (path, text hash) of each article, and its passages."""
    db = library.store.db
    articles = set(db.execute("SELECT path, text_hash FROM articles").fetchall())
    passages = set(
        db.execute(
            "SELECT a.path, p.start, p.end FROM passages p JOIN articles a ON a.id = p.article_id"
        ).fetchall()
    )
    return articles, passages


@pytest.fixture
def watched(tmp_path: Path) -> Iterator[tuple[Path, Path, FakeEmbedder, Events, LibraryWatcher]]:
    """A library of two fixture articles and a folder that plays a removable disk, watched."""
    articles = tmp_path / "articles"
    articles.mkdir()
    for name in ("bakery.txt", "comet.txt"):
        shutil.copy(FIXTURES / "articles" / name, articles)
    disk = tmp_path / "usb"
    disk.mkdir()
    shutil.copy(FIXTURES / "articles" / "harbour.md", disk)
    Library(tmp_path / "lib", FakeEmbedder()).add([articles, disk])
    embedder, events = FakeEmbedder(), Events()
    watcher = LibraryWatcher(Library(tmp_path / "lib", embedder), events, **FAST)
    watcher.start()
    events.kind("synced")  # the catch-up at start: nothing had changed
    yield articles, disk, embedder, events, watcher
    watcher.stop()


def test_saves_renames_edits_deletes_and_bursts_end_as_a_fresh_rebuild_would(
    watched: tuple[Path, Path, FakeEmbedder, Events, LibraryWatcher], tmp_path: Path
) -> None:
    articles, disk, embedder, events, watcher = watched
    lib = tmp_path / "lib"
    asker = Asker(Library(lib, FakeEmbedder()), Settings(library=lib), reader=SentenceReader())

    # A save by rename through a temporary file, beside a download and an office lock file.
    ferry = "Ferry strike ends\n\nThe ferry union ended its strike after Nordline raised wages."
    (articles / "ferry.txt.tmp").write_text(ferry)
    (articles / "news.html.part").write_text("<p>half a download</p>")
    (articles / "~$ferry.txt").write_text("owner file")
    os.replace(articles / "ferry.txt.tmp", articles / "ferry.txt")
    events.until(lambda: str(articles / "ferry.txt") in indexed(lib))
    assert set(indexed(lib)) == {
        str(articles / name) for name in ("bakery.txt", "comet.txt", "ferry.txt")
    } | {str(disk / "harbour.md")}
    reopen(asker)
    answer = asker.ask("who raised wages for the ferry workers?")
    assert answer.found and "Nordline" in answer.sentence

    # A rename into a new folder is re-linked by the article's text, not embedded again.
    before = embedder.encoded
    (articles / "space").mkdir()
    os.rename(articles / "comet.txt", articles / "space" / "comet-renamed.txt")
    heard = events.until(lambda: str(articles / "space" / "comet-renamed.txt") in indexed(lib))
    assert str(articles / "comet.txt") not in indexed(lib)
    assert embedder.encoded == before
    assert [e.line for e in heard if e.kind == "moved"] == ["> moved 1 article"]

    # An edit in place.
    with (articles / "bakery.txt").open("a") as file:
        file.write("\n\nThe bakery also hired a pastry chef named Odile Marchetti.")
    events.until(lambda: "Odile" in indexed(lib)[str(articles / "bakery.txt")])
    reopen(asker)
    answer = asker.ask("which pastry chef did the bakery hire?")
    assert answer.found and "Odile Marchetti" in answer.sentence

    # A burst of files becomes a few updates, not one per file.
    burst = articles / "burst"
    burst.mkdir()
    for n in range(60):
        (burst / f"note-{n}.txt").write_text(f"Note {n}\n\nThe harbour crane number {n} moved.")
    heard = events.until(lambda: sum(p.startswith(str(burst)) for p in indexed(lib)) == 60)
    assert sum(e.kind == "synced" for e in heard) < 10
    assert sum(e.count for e in heard if e.kind == "added") == 60

    # A deleted folder takes its articles with it; a deleted file too.
    shutil.rmtree(burst)
    (articles / "ferry.txt").unlink()
    events.until(
        lambda: not any(p.startswith(str(burst)) or p.endswith("ferry.txt") for p in indexed(lib))
    )
    reopen(asker)
    assert not asker.ask("who raised wages for the ferry workers?").found

    # A removable disk pulled out: said once, its articles kept until it is back.
    away = tmp_path / "usb-away"
    os.rename(disk, away)
    missing = events.kind("missing")
    assert missing.count == 1 and str(disk) in missing.detail
    assert str(disk / "harbour.md") in indexed(lib)
    os.rename(away, disk)
    events.kind("back")
    events.kind("synced")
    assert str(disk / "harbour.md") in indexed(lib)

    watcher.stop()
    asker.library.close()
    library = Library(lib, FakeEmbedder())
    assert library.check() == []
    fresh = Library(tmp_path / "fresh", FakeEmbedder())
    fresh.add([articles, disk])
    assert shape(library) == shape(fresh)
    assert not any(".part" in p or "~$" in p for p in indexed(lib))
    library.close()
    fresh.close()


def test_a_file_still_being_written_is_read_once_it_has_settled(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    slow = articles / "slow.txt"
    slow.write_text("Slow news\n\nThe first half.")
    library = Library(tmp_path / "lib", FakeEmbedder())
    watcher = LibraryWatcher(library, Events(), settle=1.0, quiet=0.0)
    watcher._note(str(slow))
    start = watcher._first_pending
    assert not watcher._ready(start + 0.5)  # not settled yet
    with slow.open("a") as file:
        file.write(" The second half, written later.")
    assert not watcher._ready(start + 1.2)  # it changed: the wait starts again
    assert not watcher._ready(start + 2.0)
    assert watcher._ready(start + 2.3)
    assert watcher._ready(start + watcher.most_wait)  # and a file that never settles is read


def test_a_second_watcher_is_refused_and_a_killed_one_does_not_block(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(FIXTURES / "articles" / "bakery.txt", articles)
    Library(tmp_path / "lib", FakeEmbedder()).add([articles])
    first_events = Events()
    first = LibraryWatcher(Library(tmp_path / "lib", FakeEmbedder()), first_events, **FAST)
    first.start()
    info = running_watcher(tmp_path / "lib")
    assert info is not None and info.pid == os.getpid() and info.owner == "qa index watch"
    second = LibraryWatcher(Library(tmp_path / "lib", FakeEmbedder()), Events(), owner="qa chat")
    with pytest.raises(WatcherRunning, match=rf"qa index watch \(pid {os.getpid()}\) is already"):
        second.start()
    first.stop()
    assert running_watcher(tmp_path / "lib") is None

    # A watcher killed with SIGKILL leaves its lock file and note behind; neither blocks.
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from qa.index.watch_lock import WatchLock;"
            f"lock = WatchLock(Path({str(tmp_path / 'lib')!r}), 'qa index watch'); lock.acquire();"
            "print('held', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    held = running_watcher(tmp_path / "lib")
    assert held is not None and held.pid == holder.pid
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert running_watcher(tmp_path / "lib") is None
    lock = WatchLock(tmp_path / "lib", "qa chat")
    lock.acquire()
    lock.release()


@pytest.mark.parametrize(
    "name",
    ["a.html.crdownload", "a.txt.part", "~$report.htm", ".~lock.a.md#", "#a.md#", "a.md~", "a.tmp"],
)
def test_temporary_and_lock_files_are_never_articles(name: str) -> None:
    assert is_temporary(name)


@pytest.mark.parametrize("name", ["report.txt", "2024-notes.md", "dump.jsonl.gz", "#tag.md"])
def test_article_names_are_not_temporary(name: str) -> None:
    assert not is_temporary(name)


def test_qa_index_watch_says_each_change_and_stops_cleanly_on_ctrl_c(
    tmp_path: Path, private_home: Path
) -> None:
    # The real command, real model, as a person runs it: a line per change, Ctrl+C exits 0,
    # and `qa index status` names the watcher meanwhile; a second one is turned away.
    articles = tmp_path / "articles"
    articles.mkdir()
    shutil.copy(FIXTURES / "articles" / "bakery.txt", articles)
    lib = tmp_path / "lib"
    qa = [str(Path(sys.executable).parent / "qa")]
    env = {**os.environ, "QA_HOME": str(private_home)}
    watcher = subprocess.Popen(
        [*qa, "index", "watch", str(articles), "--library", str(lib), "--settle", "0.2"],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert watcher.stderr is not None
    try:
        assert watcher.stderr.readline().startswith("Watching 1 folder of ")
        status = subprocess.run(
            [*qa, "index", "status", "--library", str(lib)], capture_output=True, text=True, env=env
        )
        assert f"watcher  qa index watch, pid {watcher.pid}," in status.stdout
        second = subprocess.run(
            [*qa, "index", "watch", "--library", str(lib)], capture_output=True, text=True, env=env
        )
        assert second.returncode == 1
        assert second.stderr == (
            f"qa: error: qa index watch (pid {watcher.pid}) is already watching {lib}; stop it "
            f"first (Ctrl+C in its terminal, or kill {watcher.pid}): one watcher per library\n"
        )
        (articles / "ferry.txt").write_text("Ferry strike ends\n\nThe ferry strike ended.")
        assert watcher.stderr.readline() == "+ added 1 article\n"
        watcher.send_signal(signal.SIGINT)
        assert watcher.wait(timeout=30) == 0
    finally:
        watcher.kill()
    assert "Stopped watching" in watcher.stderr.read()


def test_after_a_rebuild_the_watcher_writes_to_the_new_index(
    watched: tuple[Path, Path, FakeEmbedder, Events, LibraryWatcher], tmp_path: Path
) -> None:
    articles, _, _, events, _ = watched
    lib = tmp_path / "lib"
    rebuilt = Library(lib, FakeEmbedder())
    rebuilt.rebuild()  # `qa index rebuild` in another shell swaps the database file
    rebuilt.close()
    (articles / "ferry.txt").write_text("Ferry strike ends\n\nThe ferry strike ended.")
    events.until(lambda: str(articles / "ferry.txt") in indexed(lib))
