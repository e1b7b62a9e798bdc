"""`qa serve` end to end: httpx against a real server on a loopback port, over the real models
and the seeds: answers, follow-ups, search, read, MCP at /mcp, the token rule, and 4xx with a
one-line JSON body for every kind of bad request."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from mcp import Client
from serving import QA, server_env, start_server, stop
from support import SEEDS

from qa import Asker, Chat, Settings
from qa.cli import cli
from qa.index import Library, MiniLMEmbedder

SEED_FILE = next(SEEDS.iterdir()).name


@pytest.fixture(scope="module")
def served(seeds_library: Library, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seeds library that this module's server answers from."""
    folder = tmp_path_factory.mktemp("served") / "seeds"
    shutil.copytree(seeds_library.folder, folder)
    return folder


@pytest.fixture(scope="module")
def server(served: Path) -> Iterator[str]:
    """One server for the module's tests (each start loads the models)."""
    process, url = start_server("--library", str(served), "--askers", "2")
    yield url
    stop(process)


def one_line_error(response: httpx.Response, status: int) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error", "kind"} and "\n" not in body["error"]
    return str(body["error"])


def test_ask_follow_up_search_read(server: str, served: Path) -> None:
    with httpx.Client(base_url=server, timeout=120) as http:
        answer = http.post("/ask", json={"question": "who raised sanctions?"}).json()
        assert answer["found"] and answer["text"] == "Boris Johnson"
        first = answer["citations"][0]
        assert first["source"].endswith(SEED_FILE)

        follow = http.post(
            "/ask", json={"question": "what did he say?", "conversation": answer["conversation"]}
        ).json()
        assert follow["conversation"] == answer["conversation"]

        results = http.get("/search", params={"q": "sanctions", "limit": 2}).json()["results"]
        assert len(results) == 2 and results[0]["rank"] == 1

        excerpt = http.get(
            "/read",
            params={
                "article": first["article_id"],
                "start": first["sentence_start"],
                "end": first["sentence_end"],
            },
        ).json()
        assert first["sentence"] in excerpt["text"]

        status = http.get("/status").json()
        assert status["articles"] == 1 and status["library"] == str(served)
        paths = http.get("/openapi.json").json()["paths"]
        assert {"/ask", "/search", "/read", "/status", "/libraries"} <= set(paths)


def test_bad_requests_get_a_4xx_and_one_line(server: str) -> None:
    with httpx.Client(base_url=server, timeout=120) as http:
        sent = {"content-type": "application/json"}
        malformed = http.post("/ask", content=b"{not json", headers=sent)
        assert "JSON" in one_line_error(malformed, 400)
        assert "empty" in one_line_error(http.post("/ask", json={"question": " "}), 400)
        huge = http.post("/ask", json={"question": "why? " * 20_000})
        assert "2,000" in one_line_error(huge, 400)
        assert "question" in one_line_error(http.post("/ask", json={"q": "who?"}), 422)
        unknown = http.post("/ask", json={"question": "who?", "conversation": "4711"})
        assert "conversation" in one_line_error(unknown, 404)
        assert "999" in one_line_error(http.get("/read", params={"article": 999}), 410)
        one_line_error(http.get("/read", params={"article": "first"}), 422)
        one_line_error(http.get("/search", params={"q": "x", "limit": 500}), 400)
        confidence = http.post("/ask", json={"question": "who?", "min_confidence": 7})
        one_line_error(confidence, 400)
        undated = http.post("/ask", json={"question": "who?", "since": "someday"})
        assert "someday" in one_line_error(undated, 422)


async def test_mcp_over_http(server: str) -> None:
    async with Client(server + "/mcp") as client:
        asked = await client.call_tool("ask", {"question": "who raised sanctions?"})
        assert (asked.structured_content or {})["text"] == "Boris Johnson"


def test_another_address_needs_a_token() -> None:
    refused = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert refused.exit_code == 2
    assert "token" in refused.output and "QA_TOKEN" in refused.output


def test_the_token_is_wanted_on_every_route(seeds_copy: Path) -> None:
    process, url = start_server("--library", str(seeds_copy), "--token", "s3cret-token")
    try:
        with httpx.Client(base_url=url, timeout=120) as http:
            assert "Bearer" in one_line_error(http.get("/status"), 401)
            wrong = http.get("/status", headers={"Authorization": "Bearer guess"})
            one_line_error(wrong, 401)
            mcp = http.post("/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
            one_line_error(mcp, 401)
            right = http.get("/status", headers={"Authorization": "Bearer s3cret-token"})
            assert right.status_code == 200
    finally:
        stop(process)


def test_an_unknown_library_answers_with_what_to_do(tmp_path: Path) -> None:
    process, url = start_server("--library", "no-such-library")
    try:
        response = httpx.post(url + "/ask", json={"question": "who?"}, timeout=120)
        assert "qa index add" in one_line_error(response, 404)
    finally:
        stop(process)


def test_clients_that_leave_mid_answer_cost_nothing(server: str) -> None:
    """More clients than askers give up mid-answer: every asker still comes back to serve
    the next one (a leaked asker would leave this request waiting forever)."""
    for _ in range(4):
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(server + "/ask", json={"question": "who raised sanctions?"}, timeout=0.05)
    answer = httpx.post(server + "/ask", json={"question": "who raised sanctions?"}, timeout=120)
    assert answer.json()["text"] == "Boris Johnson"


def test_the_installed_command_refuses_a_public_address_without_a_token() -> None:
    done = subprocess.run(
        [str(QA), "serve", "--host", "0.0.0.0", "--port", "0"],
        env={**server_env(), "QA_TOKEN": ""},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2 and "--token" in done.stderr


def test_a_port_in_use_is_one_line_before_any_model_loads() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        refused = CliRunner().invoke(cli, ["serve", "--port", str(port)])
    assert refused.exit_code == 1
    assert f"127.0.0.1:{port}" in refused.output and "--port" in refused.output


async def test_one_conversation_gives_the_same_answers_through_every_face(
    server: str, served: Path, tmp_path: Path
) -> None:
    """The conversation API in this process, the HTTP API and MCP (over /mcp) of a real server
    on a copy of the same library: the same words in the same conversation give the same
    answer, confidence, citations and reading of the follow-ups. (tests/test_qa/test_chat_api.py
    compares the API with `qa ask --follow-ups -` and the chat.)"""
    questions = ["who raised sanctions?", "what did he say about Russia?", "where was it raised?"]
    copy = tmp_path / "seeds"
    shutil.copytree(served, copy)
    settings = Settings(library=copy)
    chat = Chat(Asker(Library(copy, MiniLMEmbedder(backend="onnx")), settings))
    through_api = [chat.ask(question).to_dict() for question in questions]

    def same_form(answer: dict[str, Any]) -> dict[str, Any]:
        """The answer without the conversation's id, in JSON's own types."""
        return {k: v for k, v in json.loads(json.dumps(answer)).items() if k != "conversation"}

    through_http = []
    with httpx.Client(base_url=server, timeout=120) as http:
        conversation = None
        for question in questions:
            asked = http.post("/ask", json={"question": question, "conversation": conversation})
            through_http.append(asked.json())
            conversation = through_http[-1]["conversation"]

    through_mcp = []
    async with Client(server + "/mcp") as client:
        arguments: dict[str, Any] = {}
        for question in questions:
            asked_mcp = await client.call_tool("ask", {"question": question, **arguments})
            assert not asked_mcp.is_error, asked_mcp.content
            through_mcp.append(asked_mcp.structured_content or {})
            arguments = {"conversation": through_mcp[-1]["conversation"]}

    expected = [same_form(answer) for answer in through_api]
    assert "Boris Johnson" in expected[1]["read_as"]
    assert [same_form(answer) for answer in through_http] == expected
    assert [same_form(answer) for answer in through_mcp] == expected
