"""The one writer of a library's database: applies planned decisions in transactions it owns.

Nothing else commits. Decisions wait in a batch, are embedded together and applied in one
transaction; the passage ids a transaction added or removed are handed on only once it has
committed, so the vector file follows what the database holds, never what was intended.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from .article import Article
from .manifest import Manifest
from .passages import Passage
from .plan import FOLLOW_LINKS, is_under
from .records import AliasArticle, Decision, EmptyArticle, ForgetRecord, IndexArticle, Unchanged
from .report import SyncReport
from .store import FileRecord, Store, UnreadableFile

EncodeParts = Callable[[list[str]], Iterator[np.ndarray]]
"""Encodes texts as consecutive parts, in order, so progress can be told between parts."""


def passage_input(article: Article, passage: Passage) -> str:
    """What the embedder reads for a passage: the title gives context to the passage's text."""
    return f"{article.title}\n{article.text[passage.start : passage.end]}"


@dataclass
class Changes:
    """Passage ids added and removed inside one open transaction (not yet committed)."""

    added: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)


class Writer:
    """Applies decisions to one store; owns every transaction and the batch waiting for one."""

    def __init__(self, store: Store, report: SyncReport) -> None:
        self.store, self.report = store, report
        self._batch: list[Decision] = []
        self._queued_texts: set[str] = set()
        """Text hashes of articles queued to be indexed: a copy met later becomes an alias."""
        self._deleting: set[int] = set()
        """Article ids that queued decisions delete: no longer a twin for anything."""
        self.passages_waiting = 0

    @contextmanager
    def transaction(self) -> Iterator[Changes]:
        """One transaction: committed whole or not at all; ids reported only once committed."""
        if self.store.db.in_transaction:
            raise RuntimeError("a transaction is already open on this library's database")
        changes = Changes()
        with self.store.db:  # commits on success, rolls back on any error
            yield changes
            if changes.added or changes.removed:
                self.store.bump_generation()
        self.report.added_ids.extend(changes.added)
        self.report.removed_ids.extend(changes.removed)

    # -- planning lookups -----------------------------------------------------------------

    def has_twin(self, article: Article, replaces: int | None) -> bool:
        """Is an article with this title and text indexed (and staying), or queued?"""
        if article.text_hash in self._queued_texts:
            return True
        twin = self.store.article_with_text(article.text_hash)
        return twin is not None and twin != replaces and twin not in self._deleting

    # -- the batch --------------------------------------------------------------------------

    def queue(self, decision: Decision) -> None:
        """Add a decision to the batch; it takes effect at the next `flush`."""
        if isinstance(decision, Unchanged):
            self.report.articles_unchanged += 1
            return
        if isinstance(decision, IndexArticle):
            self._queued_texts.add(decision.article.text_hash)
            self.passages_waiting += len(decision.passages)
        if isinstance(decision, ForgetRecord):
            replaced = None if decision.stored.is_alias else decision.stored.article_id
        else:
            replaced = decision.replaces
        if replaced is not None:
            self._deleting.add(replaced)
        self._batch.append(decision)

    def flush(self, encode_parts: EncodeParts, embedded: Callable[[int], None]) -> int:
        """Embed the waiting articles and apply the whole batch in one transaction; returns how
        many passages were embedded. `embedded` hears progress within the batch."""
        if not self._batch:
            return 0
        items = [d for d in self._batch if isinstance(d, IndexArticle)]
        texts = [passage_input(i.article, p) for i in items for p in i.passages]
        parts: list[np.ndarray] = []
        done = 0
        embedded(0)  # the batch's embedding has begun: the bar shows it before the first part
        # Encoded in parts, each reported, so progress moves every few seconds within a batch.
        for part in encode_parts(texts) if texts else ():
            parts.append(part)
            done += len(part)
            embedded(done)
        vectors = np.concatenate(parts) if parts else np.zeros((0, 0), dtype=np.float32)
        if len(vectors) != len(texts):
            raise RuntimeError(f"{len(texts)} passages to embed, {len(vectors)} vectors came back")
        with self.transaction() as changes:
            for decision in self._batch:
                self._forget_stale_alias(decision)
            offset = 0
            for decision in self._batch:
                offset += self._apply(decision, vectors[offset:], changes)
        self.report.passages_embedded += len(texts)
        self._batch, self._queued_texts, self._deleting = [], set(), set()
        self.passages_waiting = 0
        return len(texts)

    def _forget_stale_alias(self, decision: Decision) -> None:
        """A record that was a copy of another article and no longer is (gone, or changed)
        stops being its copy before anything in the batch is deleted. Deleting an article hands
        its place to a copy (`Store.delete_article`), so a copy left until its own turn could
        inherit the article under the text it no longer has: a dump whose records 1 (X) and
        2 (copy of 1) both became Y kept record 2 as X (found by tests/test_trust)."""
        if isinstance(decision, ForgetRecord):
            if decision.stored.is_alias:
                self.store.remove_alias(decision.key)
        elif not isinstance(decision, Unchanged) and decision.drops_alias:
            self.store.remove_alias(decision.article.key)

    def _apply(self, decision: Decision, vectors: np.ndarray, changes: Changes) -> int:
        """Apply one decision inside the open transaction (its stale alias already gone, see
        `_forget_stale_alias`); returns the vectors it used."""
        store, report = self.store, self.report
        if isinstance(decision, ForgetRecord):
            report.articles_removed += 1
            if not decision.stored.is_alias:
                changes.removed.extend(store.delete_article(decision.stored.article_id))
            return 0
        if isinstance(decision, Unchanged):
            return 0
        if decision.replaces is not None:
            changes.removed.extend(store.delete_article(decision.replaces))
        if isinstance(decision, EmptyArticle):
            report.failures.append(f"{decision.article.source}: no sentences found; skipped")
            return 0
        if isinstance(decision, AliasArticle):
            twin = store.article_with_text(decision.article.text_hash)
            if twin is None:  # planning guarantees a twin; never lose the record silently
                raise RuntimeError(f"{decision.article.key}: its twin vanished before commit")
            store.add_alias(twin, decision.article)
            report.duplicates += 1
            return 0
        count = len(decision.passages)
        if decision.replaces is not None:
            report.articles_updated += 1
        else:
            report.articles_added += 1
        changes.added.extend(
            store.insert_article(
                decision.article, decision.passages, decision.sentences, vectors[:count]
            )
        )
        return count

    # -- files and folders ------------------------------------------------------------------

    def forget_files(self, paths: list[str]) -> int:
        """Forget files and their articles in one transaction; returns the articles forgotten."""
        if not paths:
            return 0
        known = self.store.files()
        articles = 0
        with self.transaction() as changes:
            for path in paths:
                articles += known[path].articles if path in known else 0
                changes.removed.extend(self.store.forget_file(path))
                self.store.forget_unreadable(path)
        return articles

    def forget_unreadable(self, paths: list[str]) -> None:
        if paths:
            with self.transaction():
                for path in paths:
                    self.store.forget_unreadable(path)

    def record_files(
        self, records: list[FileRecord], unreadable: list[UnreadableFile] | None = None
    ) -> None:
        """Remember files read whole, with their article counts, and files that broke partway,
        so the next run skips both until they change. Called only once every record read from
        them is committed: a run stopped before then reads them all again next time."""
        with self.transaction():
            for record in records:
                count = len(self.store.article_hashes(record.path))
                self.store.record_file(FileRecord(record.path, record.size, record.mtime_ns, count))
                self.store.forget_unreadable(record.path)
            for broken in unreadable or []:
                self.store.record_unreadable(broken)

    def describe(self, manifest: Manifest) -> None:
        """Give the library's database its id (once) and a copy of what the manifest says of
        the model and chunking, so a lost manifest can be made again from the database."""
        description = json.dumps(manifest.description(), sort_keys=True)
        if self.store.identity and self.store.get_meta("manifest") == description:
            return
        with self.transaction():
            self.store.claim_identity()
            self.store.set_meta("manifest", description)

    def add_exclusions(self, paths: list[str]) -> None:
        """Leave `paths` out of the library's folders (a rebuild carries them over)."""
        if paths:
            with self.transaction():
                for path in paths:
                    self.store.add_exclusion(path)

    def add_roots(self, roots: list[str], follow_links: bool | None = None) -> None:
        """Name folders or files as part of the library; naming one undoes its exclusions.
        `follow_links`, unless None, is remembered for this and later updates (see sync)."""
        with self.transaction():
            if follow_links is not None:
                self.store.set_meta(FOLLOW_LINKS, "1" if follow_links else "0")
            for root in roots:
                self.store.add_root(root)
                for excluded in self.store.exclusions():
                    if is_under(excluded, root):
                        self.store.remove_exclusion(excluded)

    def remove_paths(self, targets: list[str]) -> int:
        """Forget every file at or under `targets`; paths inside a library folder are excluded
        from it so later updates leave them out. Returns the articles forgotten."""
        roots = self.store.roots()
        known = self.store.files()
        articles = 0
        with self.transaction() as changes:
            for path, record in known.items():
                if any(is_under(path, target) for target in targets):
                    articles += record.articles
                    changes.removed.extend(self.store.forget_file(path))
            for path in self.store.unreadable():
                if any(is_under(path, target) for target in targets):
                    self.store.forget_unreadable(path)
            for target in targets:
                for root in roots:
                    if is_under(root, target):
                        self.store.remove_root(root)
                for excluded in self.store.exclusions():
                    if is_under(excluded, target) and excluded != target:
                        self.store.remove_exclusion(excluded)  # the wider exclusion covers it
                if any(is_under(target, root) and root != target for root in roots):
                    self.store.add_exclusion(target)
        return articles
