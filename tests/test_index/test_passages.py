"""Passages and sentences always point at exactly the text they quote."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from qa.index import ChunkSettings, approximate_token_count, make_passages, split_sentences

WORDS = st.sampled_from(
    [
        "Mr.",
        "Smith",
        "said",
        "the",
        "U.S.",
        "plan",
        "failed.",
        "Why?",
        "Yes!",
        "a",
        "3.5",
        "percent",
        "rose",
        "\n",
        "\n\n",
        "  ",
        "“quoted”",
        "é",
        "end.",
    ]
)
TEXTS = st.lists(WORDS, max_size=400).map(" ".join) | st.text(max_size=600)


@settings(max_examples=200, deadline=None)
@given(TEXTS, st.integers(min_value=4, max_value=80), st.integers(min_value=0, max_value=30))
def test_offsets_always_slice_back_to_the_quoted_text(text: str, size: int, overlap: int) -> None:
    chunking = ChunkSettings(max_tokens=size, overlap_tokens=overlap)
    passages = make_passages(text, approximate_token_count, chunking)
    for passage in passages:
        assert 0 <= passage.start < passage.end <= len(text)
        assert passage.sentences[0].start == passage.start
        assert passage.sentences[-1].end == passage.end
        for sentence in passage.sentences:
            piece = text[sentence.start : sentence.end]
            assert piece == piece.strip() and piece
            assert passage.start <= sentence.start < sentence.end <= passage.end
    # Every non-blank character of the text lands in some passage, and passages advance.
    covered = set()
    for passage in passages:
        covered.update(range(passage.start, passage.end))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())
    starts = [p.start for p in passages]
    assert starts == sorted(set(starts))


@settings(max_examples=100, deadline=None)
@given(TEXTS)
def test_sentences_are_ordered_disjoint_and_trimmed(text: str) -> None:
    spans = split_sentences(text)
    for before, after in pairwise(spans):
        assert before.end <= after.start
    for span in spans:
        assert text[span.start : span.end].strip() == text[span.start : span.end] != ""


def test_passages_fit_the_budget_and_overlap() -> None:
    text = " ".join(f"Sentence number {i} talks about topic {i}." for i in range(60))
    passages = make_passages(
        text, approximate_token_count, ChunkSettings(max_tokens=40, overlap_tokens=12)
    )
    assert len(passages) > 5
    for passage in passages:
        sentences = [text[s.start : s.end] for s in passage.sentences]
        assert sum(approximate_token_count(sentences)) <= 40
    for before, after in pairwise(passages):
        assert after.start < before.end  # consecutive passages share a sentence


def test_a_sentence_longer_than_the_budget_is_cut_into_windows() -> None:
    text = "word " * 500 + "end."
    passages = make_passages(text, approximate_token_count, ChunkSettings(max_tokens=50))
    assert len(passages) > 10
    assert all(approximate_token_count([text[p.start : p.end]])[0] <= 50 for p in passages)


def test_headlines_and_paragraphs_are_separate_sentences() -> None:
    text = "Summit ends without a deal\n\nLeaders met. They left."
    assert [text[s.start : s.end] for s in split_sentences(text)] == [
        "Summit ends without a deal",
        "Leaders met.",
        "They left.",
    ]


def _sentences(text: str) -> list[str]:
    return [text[s.start : s.end] for s in split_sentences(text)]


def test_a_title_line_is_never_glued_to_the_first_sentence() -> None:
    text = (
        "Iran jails blogger for 14 years\n"
        "An Iranian weblogger has been jailed for 14 years on charges of spying, his lawyer said."
    )
    assert _sentences(text) == [
        "Iran jails blogger for 14 years",
        "An Iranian weblogger has been jailed for 14 years on charges of spying, his lawyer said.",
    ]


def test_markdown_headings_list_items_and_table_rows_are_blocks() -> None:
    text = (
        "# Harbour wall approved\n"
        "The council voted on Monday\n"
        "## Costs\n"
        "It will cost a lot:\n"
        "- Stone from the quarry\n"
        "- Labour for two years\n"
        "| item | cost |\n"
        "| wall | 4m |"
    )
    assert _sentences(text) == [
        "# Harbour wall approved",
        "The council voted on Monday",
        "## Costs",
        "It will cost a lot:",
        "- Stone from the quarry",
        "- Labour for two years",
        "| item | cost |",
        "| wall | 4m |",
    ]


def test_hard_wrapped_lines_stay_one_sentence() -> None:
    # Lines of a wrapped paragraph are alike in length, and "- " after a wrap is no list item.
    text = (
        "Finance director Niall Fitzgerald added that while gearing\n"
        "- debt to equity plus debt - rose to about 30 pct, it would fall again next year.\n"
        "Short line without a stop\n"
        "but it goes on in lower case."
    )
    assert _sentences(text) == [
        "Finance director Niall Fitzgerald added that while gearing\n"
        "- debt to equity plus debt - rose to about 30 pct, it would fall again next year.",
        "Short line without a stop\nbut it goes on in lower case.",
    ]
