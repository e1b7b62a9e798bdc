"""The service both servers answer from, in process over the fake models: loading in the
background, conversations that outlive a restart, one committed state per request, and the
errors a client can fix."""

from __future__ import annotations

import shutil
import threading
import time
from pathlib import Path

import anyio
import pytest
from mcp import Client
from serving import fake_models
from support import SEEDS, FakeEmbedder, news_dump

from qa.answering.filters import FilterError
from qa.api.reading import CitationGone
from qa.config.settings import Settings
from qa.index import Library
from qa.index.manifest import MANIFEST_NAME
from qa.servers import Service, UnknownConversation, build_mcp
from qa.servers.errors import BadRequest, LibraryRebuilding, WritesDisabled, status_of
from qa.servers.service import Models, make_filters


async def test_the_handshake_does_not_wait_for_the_models(fake_library: Path) -> None:
    release = threading.Event()

    def slow_models() -> Models:
        release.wait(timeout=60)
        return fake_models()

    service = Service(Settings(library=fake_library), askers=1, models=slow_models)
    async with Client(build_mcp(service), mode="legacy") as client:
        assert {tool.name for tool in (await client.list_tools()).tools} >= {"ask", "status"}
        status = await client.call_tool("status", {})
        assert status.structured_content is not None
        assert status.structured_content["ready"] is False
        assert status.structured_content["articles"] == 1  # read from the manifest alone
        answers = []

        async def ask() -> None:
            answers.append(await client.call_tool("ask", {"question": "who raised sanctions?"}))

        async with anyio.create_task_group() as tasks:
            tasks.start_soon(ask)
            await anyio.wait_all_tasks_blocked()
            assert answers == []  # the call waits for the models
            release.set()
        assert not answers[0].is_error and answers[0].structured_content is not None
        assert answers[0].structured_content["citations"]
    service.close()


def test_a_conversation_survives_a_restart(fake_library: Path) -> None:
    first = Service(Settings(library=fake_library), askers=1, models=fake_models)
    first.start()
    answer = first.ask("who raised sanctions?")
    first.close()
    again = Service(Settings(library=fake_library), askers=1, models=fake_models)
    again.start()
    follow = again.ask("what did he say?", conversation=answer.conversation)
    assert follow.conversation == answer.conversation
    with again.pool().slot() as slot:
        (chat,) = [c for c in slot.history.chats() if str(c.id) == answer.conversation]
        assert chat.turns == 2
    with pytest.raises(UnknownConversation):
        again.ask("who?", conversation="12345")
    again.close()


def test_a_request_reads_one_committed_state(fake_service: Service, tmp_path: Path) -> None:
    """While a request holds its asker, a concurrent writer's commits stay out of its reads;
    the next request sees them, its index reopened at the new manifest."""
    dump = tmp_path / "more" / "harbour.jsonl"
    dump.parent.mkdir()
    dump.write_text(news_dump(5, "The harbour master Ingrid Vale counted {n} ferries."))
    pool = fake_service.pool()
    with pool.slot() as slot:
        before = slot.asker.library.store.counts()
        writer = Library(fake_service.settings.library, FakeEmbedder())
        writer.add([dump.parent])
        writer.close()
        assert slot.asker.library.store.counts() == before  # the snapshot holds
    found = fake_service.search("harbour master Ingrid Vale ferries", limit=3)
    assert found.results and "Ingrid Vale" in found.results[0].text
    assert fake_service.status().articles == before[0] + 5


def test_a_citation_gone_after_a_reindex_says_so(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    shutil.copytree(SEEDS, articles)
    folder = tmp_path / "library"
    library = Library(folder, FakeEmbedder())
    library.add([articles])
    service = Service(Settings(library=folder), askers=1, models=fake_models)
    service.start()
    cited = service.ask("who raised sanctions?").citations[0]
    for path in articles.iterdir():
        path.unlink()
    library.update()
    library.close()
    with pytest.raises(CitationGone) as gone:
        service.read(cited.article_id, cited.sentence_start, cited.sentence_end)
    assert status_of(gone.value) == 410
    service.close()


def test_a_library_being_rebuilt_asks_to_come_back(fake_service: Service) -> None:
    folder = fake_service.settings.library
    fake_service.ask("who raised sanctions?")
    # The moment of `Library.rebuild`'s swap: the new index beside, the manifest gone.
    (folder.with_name(folder.name + ".rebuilding")).mkdir()
    (folder / MANIFEST_NAME).unlink()
    with pytest.raises(LibraryRebuilding) as busy:
        fake_service.ask("who raised sanctions?")
    assert status_of(busy.value) == 503


@pytest.mark.parametrize(
    ("question", "words"),
    [("", "empty"), ("   \t", "empty"), ("why? " * 20_000, "at most 2,000")],
)
def test_questions_a_client_must_fix(fake_service: Service, question: str, words: str) -> None:
    with pytest.raises(BadRequest, match=words):
        fake_service.ask(question)


def test_writing_needs_the_flag(fake_service: Service) -> None:
    with pytest.raises(WritesDisabled, match="--allow-writes"):
        fake_service.update()


async def test_writing_tools_only_with_the_flag(fake_library: Path, tmp_path: Path) -> None:
    reading = Service(Settings(library=fake_library), askers=1, models=fake_models)
    async with Client(build_mcp(reading)) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        assert names.isdisjoint({"add", "update"})
        refused = await client.call_tool("add", {"paths": [str(tmp_path)]})
        assert refused.is_error
    reading.close()

    dump = tmp_path / "new" / "harbour.jsonl"
    dump.parent.mkdir()
    dump.write_text(news_dump(2, "Ingrid Vale opened harbour gate {n}."))
    writing = Service(
        Settings(library=fake_library), askers=1, allow_writes=True, models=fake_models
    )
    async with Client(build_mcp(writing)) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert tools["add"].annotations is not None
        assert tools["add"].annotations.read_only_hint is False
        assert tools["update"].annotations is not None
        assert tools["update"].annotations.destructive_hint is True
        added = await client.call_tool("add", {"paths": [str(dump.parent)]})
        assert not added.is_error and (added.structured_content or {})["added"] == 2
        found = await client.call_tool("search", {"query": "Ingrid Vale harbour gate"})
        assert "Ingrid Vale" in (found.structured_content or {})["results"][0]["text"]
    writing.close()


def test_filters_narrow_what_is_searched_and_cited(fake_service: Service) -> None:
    assert fake_service.search("sanctions Russia").results
    elsewhere = make_filters(sources=["no-such-newspaper.example"])
    assert fake_service.search("sanctions Russia", filters=elsewhere).results == []
    assert not fake_service.ask("who raised sanctions?", filters=elsewhere).citations
    with pytest.raises(FilterError) as unreadable:
        make_filters(since="the day before the meeting")
    assert status_of(unreadable.value) == 422


def test_a_served_library_keeps_itself_current(tmp_path: Path) -> None:
    """With `keep_current` (qa serve and qa mcp, unless --no-watch), an article saved into the
    library's folder while the server runs is answered from once it is committed."""
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "harbour.txt").write_text("Harbour news\n\nThe ferry left the harbour at dawn.\n")
    folder = tmp_path / "library"
    library = Library(folder, FakeEmbedder())
    library.add([articles])
    library.close()
    service = Service(
        Settings(library=folder), askers=1, models=fake_models, keep_current="qa serve"
    )
    service.start()
    try:
        assert service.search("ferry harbour").results
        (articles / "airship.txt").write_text(
            "Airship news\n\nThe zeppelin landed in Oslo on Tuesday after a long flight.\n"
        )
        deadline = time.monotonic() + 90
        found: list[str] = []
        while not found and time.monotonic() < deadline:
            results = service.search("zeppelin Oslo").results
            found = [r.text for r in results if r.source.endswith("airship.txt")]
            time.sleep(0.2)  # polling for the watcher's commit, not timing it
        assert found and "zeppelin landed in Oslo" in found[0]
    finally:
        service.close()
    assert Service(Settings(library=folder), models=fake_models).status().articles == 2
