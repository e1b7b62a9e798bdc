"""Filters: which articles a question may use, read from what a person types and applied
exactly at retrieval (in SQL for the lexical ranking, with an id selector or the stored vectors
for the dense one), including a filter that keeps a handful of passages out of many."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from support import NOTE, FakeEmbedder, write_dated_news

from qa import Settings
from qa.answering import FilterError, Filters, Mode, retrieve
from qa.answering.asker import Asker
from qa.answering.filters import folder_warnings
from qa.answering.readers import SentenceReader
from qa.index import Library, StoredPassage
from qa.index import library as library_module
from qa.index import vectors as vectors_module

TODAY = date(2024, 3, 20)


def test_dates_are_read_in_each_documented_form() -> None:
    parse = Filters.parse
    assert parse(since="2024-03-05", until="2024-3-9", today=TODAY) == Filters(
        since="2024-03-05", until="2024-03-09"
    )
    month = parse(since="2024-02", until="2024-02", today=TODAY)
    assert (month.since, month.until) == ("2024-02-01", "2024-02-29")
    year = parse(since="2023", until="2023", today=TODAY)
    assert (year.since, year.until) == ("2023-01-01", "2023-12-31")
    assert parse(since="today", today=TODAY).since == "2024-03-20"
    assert parse(since="Yesterday", today=TODAY).since == "2024-03-19"
    assert parse(since="7d", today=TODAY).since == "2024-03-13"
    assert parse(since="2w", until="1d", today=TODAY) == Filters(
        since="2024-03-06", until="2024-03-19"
    )
    assert not Filters() and not parse(sources=["  "], today=TODAY)
    assert Filters(sources=("bbc",))


@pytest.mark.parametrize("typed", ["2024-13-01", "2024-02-30", "last tuesday", "", "7x", "24"])
def test_a_date_that_cannot_be_read_is_one_line_saying_what_to_type(typed: str) -> None:
    with pytest.raises(FilterError) as raised:
        Filters.parse(since=typed or " ", today=TODAY)
    message = str(raised.value)
    assert "\n" not in message and "YYYY-MM-DD" in message and "7d" in message


def test_an_empty_range_is_refused() -> None:
    with pytest.raises(FilterError, match="after --until"):
        Filters.parse(since="2024-03-02", until="2024-03-01", today=TODAY)


def test_folders_are_resolved_and_sources_kept_once(tmp_path: Path) -> None:
    (tmp_path / "news").mkdir()
    filters = Filters.parse(folders=[tmp_path / "news" / ".." / "news", str(tmp_path / "news")])
    assert filters.folders == (str((tmp_path / "news").resolve()),)
    assert Filters.parse(sources=["bbc", "bbc", " guardian "]).sources == ("bbc", "guardian")
    alone = Filters.parse(folders=str(tmp_path / "news"), sources="bbc")  # not lists of letters
    assert (alone.folders, alone.sources) == (filters.folders, ("bbc",))


def test_folders_outside_the_library_or_gone_are_warned_about(tmp_path: Path) -> None:
    root = tmp_path / "news"
    (root / "bbc").mkdir(parents=True)
    filters = Filters.parse(folders=[root / "bbc", root / "gone", tmp_path / "elsewhere"])
    warnings = folder_warnings(filters, [str(root)])
    assert len(warnings) == 2
    assert "gone does not exist" in warnings[0]
    assert "elsewhere is not in this library" in warnings[1] and "qa index add" in warnings[1]
    assert folder_warnings(Filters.parse(folders=[tmp_path]), [str(root)]) == []


# -- at retrieval ----------------------------------------------------------------------------


@pytest.fixture
def news(tmp_path: Path) -> Path:
    root = tmp_path / "news"
    write_dated_news(root)
    return root


@pytest.fixture
def library(tmp_path: Path, news: Path) -> Library:
    library = Library(tmp_path / "lib", FakeEmbedder())
    library.add([news])
    return library


def _hits(
    library: Library, filters: Filters | None, mode: Mode = Mode.HYBRID, depth: int = 5
) -> list[StoredPassage]:
    question = "harbour ferry late"
    vector = FakeEmbedder().encode_queries([question])[0]
    hits = retrieve(library, question, vector, limit=10, depth=depth, mode=mode, filters=filters)
    return [hit.passage for hit in hits]


def _kept(passage: StoredPassage, filters: Filters) -> bool:
    """Whether the article obeys `filters`, decided in Python from the article itself."""
    article = passage.article.article
    if filters.folders and not any(article.path.startswith(f + "/") for f in filters.folders):
        return False
    if (filters.since or filters.until) and not article.date:
        return False
    # A date of less precision ("2023-06") is compared at its own precision: a range that
    # overlaps its month keeps it.
    if filters.since and article.date < filters.since[: len(article.date)]:
        return False
    if filters.until and article.date > filters.until:
        return False
    return not filters.sources or any(s.lower() in article.source.lower() for s in filters.sources)


@pytest.mark.parametrize("mode", list(Mode))
def test_a_rare_filter_still_finds_its_articles(library: Library, news: Path, mode: Mode) -> None:
    unfiltered = _hits(library, None, mode)
    assert all("bbc" in p.article.article.source for p in unfiltered)  # the rare one is far down
    for filters in (
        Filters.parse(folders=[news / "guardian"]),
        Filters.parse(sources=["GUARDIAN"]),
        Filters.parse(since="2024-01-01"),
    ):
        (only,) = _hits(library, filters, mode)
        assert only.article.article.title == "Council budget", filters


@pytest.mark.parametrize(
    "typed",
    [
        {"folders": ["bbc"]},
        {"folders": ["bbc", "notes"]},
        {"since": "2023-06-01", "until": "2023-06-30"},
        {"until": "2023-02"},
        {"sources": ["news/7", "news/11"]},
        {"folders": ["bbc"], "since": "2023-11", "sources": ["bbc.co.uk"]},
    ],
)
def test_every_passage_retrieved_obeys_the_filters(
    library: Library, news: Path, typed: dict[str, list[str] | str]
) -> None:
    folders = [news / str(name) for name in typed.get("folders", [])]
    filters = Filters.parse(
        folders=folders,
        since=typed.get("since"),  # type: ignore[arg-type]
        until=typed.get("until"),  # type: ignore[arg-type]
        sources=list(typed.get("sources", [])),
    )
    passages = _hits(library, filters, depth=50)
    assert passages and all(_kept(p, filters) for p in passages)
    wanted = {p.id for p in library.passages(list(range(1, 200))).values() if _kept(p, filters)}
    assert set(library.selected_passages(filters).tolist()) == wanted


def test_a_date_filter_leaves_out_articles_without_a_date(library: Library, news: Path) -> None:
    everything = _hits(library, Filters.parse(folders=[news / "notes"]))
    assert [p.article.article.title for p in everything] == [NOTE]
    assert _hits(library, Filters.parse(folders=[news / "notes"], since="1900")) == []


def test_an_article_dated_by_month_is_in_every_range_that_overlaps_it(
    library: Library, news: Path
) -> None:
    (stored,) = _hits(library, Filters.parse(folders=[news / "digest"]))
    assert stored.article.article.date == "2023-06"

    def digest(since: str, until: str) -> bool:
        selected = library.selected_passages(Filters.parse(since=since, until=until))
        return stored.id in selected.tolist()

    assert digest("2023-06-15", "2023-06-20") and digest("2023-05-01", "2023-06-01")
    assert digest("2023", "2023") and digest("2023-06-30", "2024")
    assert not digest("2023-07-01", "2024") and not digest("2022", "2023-05-31")


def test_an_article_read_from_two_folders_lies_in_both(library: Library, news: Path) -> None:
    (news / "archive").mkdir()
    (news / "archive" / "copy.txt").write_text((news / "notes" / "undated.txt").read_text())
    library.update()
    for folder in ("notes", "archive"):
        found = _hits(library, Filters.parse(folders=[news / folder]))
        assert [p.article.article.title for p in found] == [NOTE], folder


def test_file_and_folder_names_that_are_not_utf8_are_filtered_too(tmp_path: Path) -> None:
    root = tmp_path / "odd"
    strange = Path(os.fsdecode(bytes(root) + b"/caf\xe9"))
    strange.mkdir(parents=True)
    (strange / "ferry.txt").write_text("Ferry timetable for the harbour.\n")
    plain = root / "plain"
    plain.mkdir()
    (Path(os.fsdecode(bytes(plain) + b"/r\xe9sum\xe9.txt"))).write_text("Harbour ferry summary.\n")
    library = Library(tmp_path / "lib", FakeEmbedder())
    library.add([root])
    for folder, title in ((strange, "Ferry timetable"), (plain, "Harbour ferry summary")):
        (found,) = _hits(library, Filters.parse(folders=[folder]))
        assert found.article.article.title.startswith(title), folder


@pytest.mark.parametrize(("tier", "scored_directly"), [("ivf", 0), ("ivf", 1000), ("compact", 0)])
def test_an_inverted_file_index_filters_exactly_too(
    tmp_path: Path, news: Path, monkeypatch: pytest.MonkeyPatch, tier: str, scored_directly: int
) -> None:
    """Above EXACT_LIMIT the index reads only the lists nearest the question; a rare selection
    must be found all the same, whether scored from its stored vectors or in the index."""
    monkeypatch.setattr(vectors_module, "EXACT_LIMIT", 10)
    if tier == "compact":
        monkeypatch.setattr(vectors_module, "COMPACT_LIMIT", 20)
    # One list read per question: a rare selection is then in it only by chance.
    monkeypatch.setattr(vectors_module, "PROBES", 1)
    monkeypatch.setattr(vectors_module, "COMPACT_PROBES", 1)
    monkeypatch.setattr(library_module, "SCORED_DIRECTLY", scored_directly)
    library = Library(tmp_path / tier, FakeEmbedder())
    library.add([news])
    assert library.vectors.tier == tier
    filters = Filters.parse(folders=[news / "guardian"])
    (only,) = _hits(library, filters, Mode.DENSE)
    assert only.article.article.title == "Council budget"
    vector = FakeEmbedder().encode_queries(["harbour ferry late"])[0]
    rare = library.selected_passages(filters)
    found = library.vectors.search_within(vector, 10, rare, exact=library._stored_vectors)
    assert [passage_id for passage_id, _ in found] == rare.tolist()  # more lists were read
    selected = library.selected_passages(Filters.parse(folders=[news / "bbc"]))
    exact = library._scored_directly(vector, 10, selected)
    found = library.dense_search_in(vector, 10, selected)
    assert set(dict(found)) <= set(selected.tolist())
    # Many stories tie (they differ by a number only), so the scores are compared, not the ids.
    assert [score for _, score in found] == pytest.approx([score for _, score in exact])


def test_the_asker_cites_only_filtered_articles(library: Library, news: Path) -> None:
    asker = Asker(library, Settings(library=library.folder), reader=SentenceReader())
    asker.embedder  # noqa: B018  (the library's own fake model)
    filters = Filters.parse(sources=["theguardian"])
    answer = asker.ask("what did the council set its budget for?", filters=filters)
    assert answer.citations and all("theguardian" in c.source for c in answer.citations)
    found = asker.search("harbour", limit=3, filters=filters)
    assert [f.title for f in found] == ["Council budget"] and found[0].rank == 1
    assert len(asker.search("harbour", limit=3)) == 3
