"""Index on a Ray cluster: reading and splitting as Ray tasks, embedding in a pool of actors.

Only the heavy work travels. The plan (which files changed) is made before anything reaches the
cluster, and each record is decided in this process, so an unchanged file is never sent and an
edited record is embedded alone. Tasks read whole files, or line blocks of a large JSON Lines
dump, and split their articles into passages; an actor pool, one model per actor, encodes the
passages the writer is about to store. Both stream with a bounded number of requests in flight,
so memory on the driver holds a few parts however large the library. Results come back in file
order to the one writer, which commits in batches as on one machine.

An actor that dies is restarted by Ray and its pending batch is run again (`max_restarts`,
`max_task_retries`); a reading task is retried the same way. Ray is imported only here, and
this module only when `--engine ray` asks for it.
"""

from __future__ import annotations

import gzip
import logging
import os
import socket
import zlib
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.index.read_json import (
    SKIPPED_RECORD,
    articles_of_lines,
    bounded_lines,
    damaged_gzip,
    line_blocks,
    read_line_block,
    too_long,
)

from .article import Article
from .embedder import Embedder
from .engine import FileArticles, Position, splitter
from .errors import ArticleError, QAError
from .limits import MAX_ARTICLE_BYTES
from .lines import one_line
from .passages import ChunkSettings, Passage, Span
from .plan import FileStamp
from .reading import cannot_read, failure_line, read_articles, storable_article

BLOCK_BYTES = 4 << 20
"""An uncompressed JSON Lines dump is read in line blocks of about this size, in parallel."""
ENCODE_BATCH = 256
"""Passages per request to an embedding actor: long enough to keep it busy, short enough that a
restarted actor redoes little."""
IN_FLIGHT_PER_WORKER = 2
"""Requests queued per actor or CPU: enough to hide the round trip, few enough to bound memory."""

Presplit = dict[str, tuple[list[Passage], list[Span]]]
"""Article key -> its passages and sentences, as a reading task split them."""

EmbedderFactory = Callable[[], Embedder]
"""Builds the model inside a worker process (models do not travel; recipes do)."""


CONNECT_TIMEOUT = 30.0
"""Seconds to wait for a cluster to answer before saying it does not (--ray-timeout)."""
RECORDED_TIMEOUT = 3.0
"""Seconds to wait for the cluster `ray start` recorded on this machine: being local, a live
one answers at once, and a stopped one must not hold indexing up for long."""
CLIENT_PORT = 10001
"""Ray client's port, when a ray:// address leaves it out."""


class ClusterUnavailable(QAError):
    """Ray is not installed, or the cluster at the given address cannot be reached."""


@dataclass(frozen=True)
class Part:
    """A whole file, one line block of an uncompressed JSON Lines dump, or a block of lines of a
    gzipped one (decompressed here and sent along: gzip cannot be read from the middle)."""

    path: str
    size: int
    """Bytes of the file on disk this part accounts for (for progress)."""
    start: int = 0
    end: int = -1
    first_line: int = 0
    lines: bytes | None = None
    error: str | None = None
    """Where cutting the file broke (a damaged gzip stream), after the parts before it."""
    skipped: tuple[str, ...] = ()
    """Lines of the part left out while cutting it (over the size limit for one record)."""

    @property
    def whole(self) -> bool:
        return self.end < 0 and self.lines is None


@dataclass
class PartResult:
    """What a reading task sends back: the part's articles, split, and where it broke."""

    articles: list[tuple[Article, list[Passage], list[Span]]] = field(default_factory=list)
    error: str | None = None
    """The ArticleError message, after the articles read before the bad part."""
    skipped: list[str] = field(default_factory=list)
    """One line for each record left out while the others were read."""


_WORKER_MODELS: dict[str, Embedder] = {}
"""Per worker process: the model a factory built, so each task does not load it again."""


def _model(factory: EmbedderFactory) -> Embedder:
    key = repr(factory)  # the factory arrives anew with each task; its recipe is the same
    if key not in _WORKER_MODELS:
        _WORKER_MODELS.clear()  # one model per worker process
        _WORKER_MODELS[key] = factory()
    return _WORKER_MODELS[key]


def read_part(part: Part, factory: EmbedderFactory, chunking: ChunkSettings) -> PartResult:
    """Read and split one part (runs as a Ray task; plain Python, so tests call it directly)."""
    result = PartResult(error=part.error, skipped=list(part.skipped))
    if part.error is not None:
        return result
    split = splitter(_model(factory), chunking)
    path = Path(part.path)
    skipped = result.skipped.append
    try:
        if part.lines is not None:
            articles = articles_of_lines(path, part.lines, part.first_line, skipped)
        elif part.whole:
            articles = read_articles(path, skipped=skipped)
        else:
            articles = read_line_block(path, part.start, part.end, part.first_line, skipped)
        for article in articles:
            try:
                passages, sentences = split(article)
            except Exception as error:  # one article's failure alone, as on one machine
                skipped(failure_line(article.key, error))
                continue
            result.articles.append((storable_article(article), passages, sentences))
    except Exception as error:  # the same guard as reading on one machine: this part alone
        result.error = failure_line(path, error)
    return result


def parts_of(path: str, stamp: FileStamp, block_bytes: int = BLOCK_BYTES) -> Iterator[Part]:
    """The parts one file is read in: line blocks for a large JSON Lines dump, else the file."""
    name = path.lower()
    if stamp.size > block_bytes and name.endswith((".jsonl", ".ndjson")):
        try:
            blocks = line_blocks(Path(path), block_bytes)
        except OSError:
            blocks = []  # read whole: the task reports the problem as the local path would
        if blocks:
            yield from (Part(path, end - start, start, end, line) for start, end, line in blocks)
            return
    if name.endswith((".jsonl.gz", ".ndjson.gz")):
        yield from _gzip_blocks(path, block_bytes)
        return
    yield Part(path, stamp.size)


def _gzip_blocks(path: str, block_bytes: int) -> Iterator[Part]:
    """A gzipped dump's lines in blocks of about `block_bytes` (decompressed), streamed; where
    the stream breaks, the lines before it still go out, as reading it in one piece keeps them."""
    block: list[bytes] = []
    skipped: list[str] = []
    held = first = line = at = 0
    error: str | None = None
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed by the `with` below
    except OSError as broken:
        yield Part(path, 0, error=cannot_read(path, broken))
        return
    with raw:
        try:
            for text in bounded_lines(gzip.GzipFile(fileobj=raw), MAX_ARTICLE_BYTES):
                if isinstance(text, int):  # passed over, never held: the task hears why
                    skipped.append(
                        one_line(too_long(path, line, text, MAX_ARTICLE_BYTES) + SKIPPED_RECORD)
                    )
                    text = b"\n"
                block.append(text)
                held += len(text)
                line += 1
                if held >= block_bytes:
                    yield Part(
                        path,
                        raw.tell() - at,
                        first_line=first,
                        lines=b"".join(block),
                        skipped=tuple(skipped),
                    )
                    block, skipped, held, first, at = [], [], 0, line, raw.tell()
        except (EOFError, zlib.error, gzip.BadGzipFile) as broken:
            error = damaged_gzip(path, broken)
        except OSError as broken:
            error = cannot_read(path, broken)
        if block:
            lines = b"".join(block)
            yield Part(path, raw.tell() - at, first_line=first, lines=lines, skipped=tuple(skipped))
        if error is not None:
            yield Part(path, 0, error=error)


class EmbeddingActor:
    """One model in one worker process; encodes batches of passages (a Ray actor)."""

    def __init__(self, factory: EmbedderFactory) -> None:
        self.model = factory()

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts)

    def pid(self) -> int:
        return os.getpid()


class RayEngine:
    """Reading and embedding on a Ray cluster, as `qa index add --engine ray` runs them."""

    def __init__(
        self,
        factory: EmbedderFactory,
        chunking: ChunkSettings,
        address: str | None = None,
        actors: int | None = None,
        gpus_per_actor: float = 0.0,
        block_bytes: int = BLOCK_BYTES,
        timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self.ray = connect(address, timeout)
        self.factory, self.chunking, self.block_bytes = factory, chunking, block_bytes
        cpus = int(self.ray.cluster_resources().get("CPU", 1))
        gpus = int(self.ray.cluster_resources().get("GPU", 0))
        if gpus_per_actor and gpus_per_actor > gpus:
            raise ClusterUnavailable(
                f"the Ray cluster has {gpus} GPUs, not the {gpus_per_actor:g} an embedding actor "
                f"asks for; leave out --ray-gpus to embed on CPUs"
            )
        if actors is None:
            # One CPU is left to the reading tasks, which the actors would otherwise starve.
            actors = max(1, int(gpus / gpus_per_actor) if gpus_per_actor else cpus - 1)
        remote_actor = self.ray.remote(
            num_cpus=0 if gpus_per_actor else (1 if cpus > actors else 0.5),
            num_gpus=gpus_per_actor,
            max_restarts=-1,
            max_task_retries=-1,
        )(EmbeddingActor)
        self.actors = [remote_actor.remote(factory) for _ in range(actors)]
        self._read_task = self.ray.remote(num_cpus=0.5, max_retries=3)(read_part)
        self._reads_in_flight = max(2, cpus * IN_FLIGHT_PER_WORKER)
        self.parts_sent = 0
        """Reading tasks started: unchanged files never cost one."""

    def read(self, files: dict[str, FileStamp], position: Position) -> Iterator[FileArticles]:
        """Each file's articles in order, parts read ahead on the cluster."""
        upcoming = (
            (key, stamp, part)
            for key, stamp in files.items()
            for part in parts_of(key, stamp, self.block_bytes)
        )
        pending: deque[tuple[str, Part, Any]] = deque()

        def top_up() -> None:
            while len(pending) < self._reads_in_flight:
                item = next(upcoming, None)
                if item is None:
                    return
                key, _, part = item
                ref = self._read_task.remote(part, self.factory, self.chunking)
                self.parts_sent += 1
                pending.append((key, part, ref))

        top_up()
        done_bytes = 0
        for key, stamp in files.items():
            presplit: Presplit = {}
            skipped: list[str] = []

            def articles(
                key: str = key, presplit: Presplit = presplit, skipped: list[str] = skipped
            ) -> Iterator[Article]:
                nonlocal done_bytes
                broken: str | None = None
                while pending and pending[0][0] == key:
                    _, part, ref = pending.popleft()
                    result: PartResult = self.ray.get(ref)
                    top_up()
                    done_bytes += part.size
                    position(done_bytes)
                    if broken is not None:
                        continue  # after a broken part the local path reads no further
                    skipped.extend(result.skipped)
                    for article, passages, sentences in result.articles:
                        presplit[article.key] = (passages, sentences)
                        yield article
                    broken = result.error
                if broken is not None:
                    raise ArticleError(broken)

            def split(
                article: Article, presplit: Presplit = presplit
            ) -> tuple[list[Passage], list[Span]]:
                return presplit.pop(article.key)

            yield FileArticles(key, stamp, articles(), split, skipped)
        position(done_bytes)

    def encode_parts(self, texts: list[str]) -> Iterator[np.ndarray]:
        """Parts spread over the actor pool, a bounded number in flight, yielded in order."""
        starts = iter(range(0, len(texts), ENCODE_BATCH))
        pending: deque[Any] = deque()
        limit = len(self.actors) * IN_FLIGHT_PER_WORKER
        turn = 0
        while True:
            while len(pending) < limit and (start := next(starts, None)) is not None:
                actor = self.actors[turn % len(self.actors)]
                pending.append(actor.encode.remote(texts[start : start + ENCODE_BATCH]))
                turn += 1
            if not pending:
                return
            yield np.asarray(self.ray.get(pending.popleft()), dtype=np.float32)

    def shutdown(self) -> None:
        """Let the actors go (the cluster itself keeps running if it was already there)."""
        for actor in self.actors:
            self.ray.kill(actor)
        self.actors = []


def connect(address: str | None, timeout: float = CONNECT_TIMEOUT) -> Any:
    """Ray, connected to the cluster at `address` (`auto`, `ray://host:10001`, `host:6379`); when
    `address` is None, Ray joins a cluster `ray start` began on this machine if it still runs,
    else starts one. A cluster that does not answer within `timeout` seconds is an error, said
    at once: Ray itself waits on a dead address for minutes without a word."""
    if address and "RAY_AUTH_MODE" not in os.environ and _has_auth_token():
        # `ray start` (2.60) turns token authentication on and writes the token, but a driver
        # joining with ray.init(address=...) sends it only when told to, before Ray is imported.
        os.environ["RAY_AUTH_MODE"] = "token"
    try:
        import ray
    except ImportError as error:
        raise ClusterUnavailable(
            "Ray is not installed; install the extra with: pip install 'qa[ray]'"
        ) from error
    if ray.is_initialized():
        return ray
    target = cluster_address(address, timeout)
    logging.getLogger("ray").setLevel(logging.ERROR)  # its start-up notices would garble progress
    try:
        ray.init(
            address=target,
            include_dashboard=False,
            log_to_driver=False,
            logging_level=logging.ERROR,
            configure_logging=False,
        )
    except (ConnectionError, RuntimeError, ValueError) as error:
        where = address or "a new local cluster"
        raise ClusterUnavailable(
            f"cannot start or reach the Ray cluster at {where} ({error}); start one with "
            f"'ray start --head' and pass --ray-address auto, or leave out --engine ray"
        ) from error
    return ray


def cluster_address(address: str | None, timeout: float = CONNECT_TIMEOUT) -> str:
    """What to pass to ray.init: the address given (or in $RAY_ADDRESS), checked to answer
    within `timeout` seconds; with none, the cluster `ray start` recorded on this machine
    (Ray's `ray_current_cluster` file) while it still answers, else "local": a cluster of our
    own. Ray would attach to a recorded cluster long stopped, and wait on it for minutes."""
    from ray._private import services, utils

    given = address or os.environ.get("RAY_ADDRESS") or None
    if given == "local":
        return given
    if given is None:
        recorded = utils.read_ray_address()
        # `ray start` ran on this machine: a live cluster answers at once, a stopped one never.
        if recorded and not _unanswered(recorded, min(timeout, RECORDED_TIMEOUT)):
            return str(recorded)
        return "local"
    if given == "auto":
        try:
            given = str(services.canonicalize_bootstrap_address("auto"))
        except ConnectionError as error:
            raise ClusterUnavailable(
                "--ray-address auto found no Ray cluster on this machine; start one with "
                "'ray start --head', or leave out --ray-address to let qa start its own"
            ) from error
    why = _unanswered(given, timeout)
    if why:
        raise ClusterUnavailable(
            f"no Ray cluster answers at {given} ({why.lower()}); check the address, start one "
            f"with 'ray start --head' and pass --ray-address auto, or leave out --engine ray"
        )
    return given


def _unanswered(address: str, timeout: float) -> str | None:
    """Why nothing accepts a TCP connection at `address` (host:port, ray://host[:port]) within
    `timeout` seconds, or None when something does: only a port that answers can be a
    cluster's."""
    host, port = _host_and_port(address)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except TimeoutError:
        return f"no answer within {timeout:g} s"
    except OSError as error:  # refused, unreachable, a host name that does not resolve
        return error.strerror or str(error)


def _host_and_port(address: str) -> tuple[str, int]:
    """("10.0.0.5", 6379) from "10.0.0.5:6379", "ray://10.0.0.5" (the client port, 10001) or
    "[::1]:6379"; ClusterUnavailable for an address without a port."""
    client = address.startswith("ray://")
    rest = address.removeprefix("ray://").rstrip("/")
    host, colon, port = rest.rpartition(":")
    if not colon or "]" in port:
        host, port = rest, str(CLIENT_PORT) if client else ""
    if not port.isdigit() or not host:
        raise ClusterUnavailable(
            f"the Ray address {address!r} has no port; give it as HOST:PORT (e.g. the one "
            f"'ray start --head' prints), ray://HOST:10001, or auto"
        )
    return host.strip("[]"), int(port)


def _has_auth_token() -> bool:
    """Is a Ray cluster token at hand, where `ray start` leaves one or the environment names?"""
    path = os.environ.get("RAY_AUTH_TOKEN_PATH", str(Path.home() / ".ray" / "auth_token"))
    return "RAY_AUTH_TOKEN" in os.environ or Path(path).exists()
