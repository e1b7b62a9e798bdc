"""Hybrid retrieval: fusion arithmetic, query building, and fusion beating either ranking alone."""

from __future__ import annotations

import json
import shutil

import pytest
from support import FIXTURES, SEEDS

from qa import Mode, reciprocal_rank_fusion, retrieve
from qa.answering import retrieval
from qa.answering.retrieval import lexical_query, question_terms
from qa.answering.stopwords import STOPWORDS
from qa.index import ChunkSettings, Library, MiniLMEmbedder


def test_rrf_rewards_items_ranked_well_by_both() -> None:
    fused = reciprocal_rank_fusion([[1, 2, 3], [3, 1, 4]], k=60)
    assert sorted(fused, key=lambda i: -fused[i]) == [1, 3, 2, 4]
    assert fused[1] == pytest.approx(1 / 61 + 1 / 62)
    weighted = reciprocal_rank_fusion([[1, 2], [2, 1]], k=10, weights=[1.0, 2.0])
    assert weighted[2] == pytest.approx(1 / 12 + 2 / 11) and weighted[2] > weighted[1]


def test_lexical_query_quotes_content_words_and_survives_fts_syntax() -> None:
    assert question_terms("Who raised the sanctions?") == ["raised", "sanctions"]
    assert lexical_query('what about "NEAR" AND (x OR y)*') == '"near" OR "x" OR "y"'


def test_large_libraries_leave_the_most_common_terms_out_of_the_lexical_query(
    fine_library: Library, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = "what did the G7 ministers say about sanctions on Russia"
    everything = lexical_query(question, fine_library)
    assert everything == lexical_query(question)  # a small library keeps every term
    matches = fine_library.term_matches(everything.split(" OR "))
    assert all(count > 0 for count in matches.values())
    fewest = min(matches.values())
    monkeypatch.setattr(retrieval, "LEXICAL_BUDGET", fewest)
    assert matches[lexical_query(question, fine_library)] == fewest  # one term is always kept
    monkeypatch.setattr(retrieval, "LEXICAL_BUDGET", sum(matches.values()) - 1)
    kept = lexical_query(question, fine_library).split(" OR ")
    (dropped,) = set(matches) - set(kept)
    assert matches[dropped] == max(matches.values())


@pytest.fixture(scope="module")
def fine_library(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: MiniLMEmbedder
) -> Library:
    """Fixture articles cut into short passages, so ranking the right one first is a real test."""
    folder = tmp_path_factory.mktemp("fine")
    shutil.copytree(FIXTURES / "articles", folder / "articles")
    shutil.copy(SEEDS / "000_be1cfe4c88351585.txt", folder / "articles")
    library = Library(folder / "lib", real_embedder, ChunkSettings(max_tokens=64, overlap_tokens=0))
    library.add([folder / "articles"])
    return library


def reciprocal_ranks(library: Library, mode: Mode) -> list[float]:
    questions = json.loads((FIXTURES / "questions.json").read_text())
    ranks = []
    for item in questions:
        vector = library.embedder.encode([item["question"]])[0]
        hits = retrieve(library, item["question"], vector, limit=10, mode=mode)
        rank = next(
            (
                n
                for n, hit in enumerate(hits, start=1)
                if hit.passage.article.article.key.endswith(item["source"])
                and item["answer"] in hit.passage.text
            ),
            None,
        )
        ranks.append(1 / rank if rank else 0.0)
    return ranks


def test_fusion_beats_either_ranking_alone(fine_library: Library) -> None:
    scores = {mode: reciprocal_ranks(fine_library, mode) for mode in Mode}
    recall_at_1 = {
        mode: sum(r == 1.0 for r in ranks) / len(ranks) for mode, ranks in scores.items()
    }
    mrr = {mode: sum(ranks) / len(ranks) for mode, ranks in scores.items()}
    assert recall_at_1[Mode.HYBRID] > recall_at_1[Mode.LEXICAL]
    assert recall_at_1[Mode.HYBRID] > recall_at_1[Mode.DENSE]
    assert mrr[Mode.HYBRID] > max(mrr[Mode.LEXICAL], mrr[Mode.DENSE])
    assert all(min(r for r in ranks) >= 0.2 for ranks in scores.values())  # recall@5 is 1.0


def test_every_hit_carries_a_cosine_even_when_found_only_lexically(fine_library: Library) -> None:
    vector = fine_library.embedder.encode(["seahorses breakwater"])[0]
    hits = retrieve(fine_library, "seahorses breakwater", vector, limit=5, mode=Mode.LEXICAL)
    assert hits and all(-1.0 <= hit.cosine <= 1.0 and hit.cosine != 0.0 for hit in hits)


def test_the_stopwords_are_nltks_list_without_contractions_and_keep_words_questions_need() -> None:
    # The module's docstring says where the list comes from and why it is not spaCy's.
    assert {"the", "of", "which", "said", "according", "could"} <= STOPWORDS
    assert not {"won", "first", "five", "name", "amount", "don't"} & STOPWORDS
    assert len(STOPWORDS) == 137
