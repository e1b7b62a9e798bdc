"""Checks shared by the tests of each article format: a file is indexed and a sentence of it
is found again with offsets that slice back to exactly that sentence."""

from __future__ import annotations

from pathlib import Path

from support import FakeEmbedder

from qa.index import Library, StoredArticle


def cited(folder: Path, path: Path, sentence: str, word: str) -> StoredArticle:
    """Index `path` with the fake model, find `word`, and return the article whose stored
    sentence offsets slice its text back to exactly `sentence`."""
    library = Library(folder, FakeEmbedder())
    try:
        library.add([path])
        hits = library.lexical_search(word, 20)
        assert hits, f"{word!r} is not in the index"
        for passage in library.passages([passage_id for passage_id, _ in hits]).values():
            text = passage.article.article.text
            for span in library.sentences(passage):
                if text[span.start : span.end] == sentence:
                    return passage.article
        raise AssertionError(f"no stored sentence slices back to {sentence!r}")
    finally:
        library.close()
