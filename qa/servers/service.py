"""What both servers answer from: one library, its models loaded once in the background, a few
askers side by side, and the conversations. Every method blocks; the servers call them in
worker threads."""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qa.answering.filters import Filters
from qa.api.reading import MAX_AROUND, CitationGone
from qa.config.settings import Settings
from qa.index import Embedder, IndexNotFound, Library, QAError
from qa.index.manifest import Manifest  # index/__init__ does not export it
from qa.workspace.libraries import library_names

from . import schemas
from .conversations import Conversations
from .errors import BadRequest, NotReady, WritesDisabled
from .keep_current import ServerWatcher
from .pool import AskerPool

log = logging.getLogger("qa.servers")

Models = tuple[Embedder, Any, Any]
"""The embedder, reader and calibrator that every asker shares."""


def packaged_models() -> Models:
    """The packaged question encoder, reader and calibrator, loaded and warmed up."""
    from qa.answering.readers.packaged import default_calibrator, default_reader
    from qa.index import MiniLMEmbedder

    embedder = MiniLMEmbedder()
    reader = default_reader()
    embedder.encode_queries(["warm up"])
    reader.warm_up()
    return embedder, reader, default_calibrator(reader)


def default_askers() -> int:
    """Askers side by side: two per pair of cores, at least two, at most four."""
    return max(2, min(4, (os.cpu_count() or 2) // 2))


class Service:
    """One library served to clients; `start()` loads the models in a background thread and
    every call waits for them."""

    def __init__(
        self,
        settings: Settings,
        askers: int | None = None,
        allow_writes: bool = False,
        models: Callable[[], Models] = packaged_models,
        keep_current: str | None = None,
    ) -> None:
        self.settings = settings
        self.allow_writes = allow_writes
        self.keep_current = keep_current
        """Who keeps the library current from this process ("qa serve", "qa mcp": its folders
        are watched once the models are loaded), or None to leave it as it is."""
        self._keeper: ServerWatcher | None = None
        self.conversations = Conversations()
        self._askers = askers or default_askers()
        self._models = models
        self._ready = threading.Event()
        self._failure: QAError | None = None
        self._pool: AskerPool | None = None
        self._embedder: Embedder | None = None
        self._writing = threading.Lock()
        self._starting = threading.Lock()
        self._started = False

    # -- loading ------------------------------------------------------------------------------

    def start(self) -> None:
        """Load the models in the background (once); the servers answer the handshake
        meanwhile, and every call waits for them."""
        with self._starting:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._load, name="qa-models", daemon=True).start()

    def _load(self) -> None:
        try:
            embedder, reader, calibrator = self._models()
            self._embedder = embedder
            pool = AskerPool(self.settings, embedder, reader, calibrator, self._askers)
            pool.warm()
            self._pool = pool
            if self.keep_current is not None:
                self._keeper = ServerWatcher.start_for(
                    self.settings.library, embedder, self.settings.chunking, self.keep_current
                )
            log.info("qa: models loaded; %d askers over %s", self._askers, self.settings.library)
        except QAError as error:
            self._failure = NotReady(f"the models failed to load: {error}")
        except Exception as error:  # anything else a model library raises on loading
            log.exception("qa: loading the models failed")
            self._failure = NotReady(
                f"the models failed to load ({type(error).__name__}: {error}); "
                "reinstall qa and restart the server"
            )
        finally:
            self._ready.set()

    @property
    def loaded(self) -> bool:
        """True once loading has ended (or never began): the process may end normally."""
        return self._ready.is_set() or not self._started

    @property
    def ready(self) -> bool:
        return self._ready.is_set() and self._failure is None

    def pool(self) -> AskerPool:
        """The askers, once the models are loaded (waits for them; starts loading them if no
        server has yet)."""
        self.start()
        self._ready.wait()
        if self._failure is not None:
            raise self._failure
        assert self._pool is not None
        return self._pool

    def close(self) -> None:
        if self._keeper is not None:
            self._keeper.stop()
            self._keeper = None
        if self._pool is not None:
            self._pool.close()

    # -- reading ------------------------------------------------------------------------------

    def ask(
        self,
        question: str,
        conversation: str | None = None,
        min_confidence: float | None = None,
        filters: Filters | None = None,
    ) -> schemas.AnswerOut:
        """Answer `question`, as a follow-up in `conversation` when given, from the articles
        `filters` allow; the turn is saved."""
        from qa.api import Chat

        check_question(question)
        if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
            raise BadRequest(f"min_confidence is {min_confidence}; give a number from 0 to 1")
        pool = self.pool()
        # The conversation first, then an asker: a follow-up waiting for the turn before it
        # holds no asker meanwhile.
        with self.conversations.turn(conversation), pool.slot() as slot:
            chat_id = self.conversations.chat_id(conversation, slot.history)
            chat = Chat(slot.asker, slot.history, chat_id)
            answer = chat.ask(question, min_confidence=min_confidence, filters=filters)
            return schemas.answer_out(str(chat.chat_id or ""), answer)

    def search(
        self, query: str, limit: int = 10, filters: Filters | None = None
    ) -> schemas.SearchOut:
        """The passages that best match `query`, best first, among the articles `filters`
        allow."""
        from qa.api import Chat

        if not query.strip():
            raise BadRequest('the query is empty: send words to search for, e.g. "sanctions"')
        if len(query) > schemas.MAX_QUESTION:
            raise BadRequest(f"the query is {len(query):,} characters; send at most 2,000")
        if not 1 <= limit <= schemas.MAX_LIMIT:
            raise BadRequest(f"limit is {limit}; give 1 to {schemas.MAX_LIMIT}")
        with self.pool().slot() as slot:
            found = Chat(slot.asker).search(query, limit, filters)
        return schemas.SearchOut(
            query=query, results=[schemas.FoundOut.model_validate(f.to_dict()) for f in found]
        )

    def read(
        self, article_id: int, start: int | None = None, end: int | None = None, around: int = 1
    ) -> schemas.ExcerptOut:
        """The sentences around `start..end` (a citation's offsets), `around` each side; the
        article's opening without offsets."""
        from qa.api import Chat

        if not 0 <= around <= MAX_AROUND:
            raise BadRequest(f"around is {around}; give 0 to {MAX_AROUND} sentences each side")
        with self.pool().slot() as slot:
            excerpt = Chat(slot.asker).read(article_id, start, end, around)
            return schemas.ExcerptOut.model_validate(excerpt.to_dict())

    def article(self, article_id: int) -> str:
        """The whole text of an article (the `qa://` resource), headed by its title."""
        with self.pool().slot() as slot:
            try:
                stored = slot.asker.library.article(article_id)
            except KeyError:
                raise CitationGone(
                    f"article {article_id} is no longer in the library (it was changed or "
                    "removed since): ask or search again for current citations"
                ) from None
        article = stored.article
        return f"# {article.title}\n{article.source} {article.date}\n\n{article.text}"

    def status(self) -> schemas.StatusOut:
        """What the library holds; answers while the models load, from the manifest alone."""
        if not self._ready.is_set():
            return self._loading_status()
        with self.pool().slot() as slot:
            status = slot.asker.library.status()  # the slot holds this asker alone
        return schemas.StatusOut(
            library=status.folder,
            ready=True,
            model=status.model,
            articles=status.articles,
            passages=status.passages,
            updated=status.updated,
            roots=status.roots,
            stale_files=status.stale_files,
            unreadable_files=status.unreadable_files,
        )

    def _loading_status(self) -> schemas.StatusOut:
        manifest = _manifest(self.settings.library)
        if manifest is None:
            raise IndexNotFound(
                f"no index in {self.settings.library} yet; create it with: qa index add PATH"
            )
        return schemas.StatusOut(
            library=str(self.settings.library),
            ready=False,
            model=manifest.model,
            articles=manifest.articles,
            passages=manifest.passages,
            updated=manifest.updated,
            roots=[],
            stale_files=[],
        )

    def libraries(self) -> schemas.LibrariesOut:
        """Every library under $QA_HOME (and the served one, wherever it lives)."""
        from qa.config.settings import library_folder

        folders = {name: library_folder(name) for name in library_names()}
        served = self.settings.library
        if served not in folders.values():
            folders[served.name] = served
        listed = []
        for name, folder in sorted(folders.items()):
            manifest = _manifest(folder)
            listed.append(
                schemas.LibraryOut(
                    name=name,
                    folder=str(folder),
                    served=folder == served,
                    articles=manifest.articles if manifest else None,
                    passages=manifest.passages if manifest else None,
                    updated=manifest.updated if manifest else "",
                )
            )
        return schemas.LibrariesOut(libraries=listed)

    # -- writing (only with --allow-writes) -------------------------------------------------

    def add(self, paths: list[str]) -> schemas.IndexOut:
        """Add files or folders to the library and index them."""
        missing = [path for path in paths if not Path(path).expanduser().exists()]
        if not paths or missing:
            raise BadRequest(
                f"no such file or folder: {missing[0]}" if missing else "give at least one path"
            )
        return self._write(lambda library: library.add([Path(p).expanduser() for p in paths]))

    def update(self) -> schemas.IndexOut:
        """Re-read every file and folder the library was built from."""
        return self._write(lambda library: library.update())

    def _write(self, apply: Callable[[Library], Any]) -> schemas.IndexOut:
        if not self.allow_writes:
            raise WritesDisabled(
                "this server only reads; restart it with --allow-writes to index from here"
            )
        self.pool()
        assert self._embedder is not None
        with self._writing:
            library = Library(self.settings.library, self._embedder, self.settings.chunking)
            try:
                report = apply(library)
            finally:
                library.close()
        return schemas.IndexOut(
            summary=(
                f"{report.articles_added} added, {report.articles_updated} updated, "
                f"{report.articles_removed} removed, {report.articles_unchanged} unchanged"
            ),
            added=report.articles_added,
            updated=report.articles_updated,
            removed=report.articles_removed,
            unchanged=report.articles_unchanged,
        )


def check_question(question: str) -> None:
    """Refuse an empty or overlong question with what to send instead."""
    if not question.strip():
        raise BadRequest('the question is empty: send one, e.g. "who raised sanctions?"')
    if len(question) > schemas.MAX_QUESTION:
        raise BadRequest(
            f"the question is {len(question):,} characters long; ask in at most "
            f"{schemas.MAX_QUESTION:,} (use `search` to look for a passage)"
        )


def make_filters(
    since: str | None = None,
    until: str | None = None,
    sources: list[str] | None = None,
    folders: list[str] | None = None,
) -> Filters | None:
    """The filters a client sent (None when it sent none); FilterError on a date that cannot be
    read or an empty range."""
    filters = Filters.parse(folders or (), since, until, sources or ())
    return filters or None


def _manifest(folder: Path) -> Manifest | None:
    try:
        return Manifest.load(folder)
    except QAError:
        return None
