"""`qa mcp` end to end: the SDK's own client over stdio against a real subprocess, with the
real models over the seeds; and the raw stdout, which must carry the protocol alone."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp_types import TextContent
from serving import QA, server_env
from support import SEEDS

SEED_FILE = next(SEEDS.iterdir()).name


def params(library: Path, *extra: str) -> StdioServerParameters:
    return StdioServerParameters(
        command=str(QA), args=["mcp", "--library", str(library), *extra], env=server_env()
    )


async def test_an_agent_asks_searches_and_reads(seeds_copy: Path) -> None:
    async with Client(params(seeds_copy), mode="legacy") as client:
        assert client.server_info is not None and client.server_info.name == "qa"
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert set(tools) == {"ask", "search", "read", "libraries", "status"}
        for tool in tools.values():
            assert tool.output_schema and tool.output_schema["type"] == "object"
            assert tool.annotations is not None and tool.annotations.read_only_hint is True
        assert "question" in tools["ask"].input_schema["required"]

        asked = await client.call_tool("ask", {"question": "who raised sanctions?"})
        assert not asked.is_error, asked.content
        answer = asked.structured_content
        assert answer is not None
        assert answer["found"] and answer["text"] == "Boris Johnson"
        first = answer["citations"][0]
        assert first["source"].endswith(SEED_FILE)
        assert answer["text"] in first["sentence"]
        shown = asked.content[0]
        assert isinstance(shown, TextContent)
        assert json.loads(shown.text)["text"] == "Boris Johnson"  # for agents reading text

        follow = await client.call_tool(
            "ask", {"question": "where was it raised?", "conversation": answer["conversation"]}
        )
        assert not follow.is_error and follow.structured_content is not None
        assert follow.structured_content["conversation"] == answer["conversation"]

        found = await client.call_tool("search", {"query": "sanctions on Russia", "limit": 3})
        results = (found.structured_content or {})["results"]
        assert 1 <= len(results) <= 3 and all(r["source"].endswith(SEED_FILE) for r in results)

        read = await client.call_tool(
            "read",
            {
                "article_id": first["article_id"],
                "start": first["sentence_start"],
                "end": first["sentence_end"],
            },
        )
        excerpt = read.structured_content or {}
        assert first["sentence"] in excerpt["text"]
        assert excerpt["start"] <= first["sentence_start"] < first["sentence_end"] <= excerpt["end"]

        article = await client.read_resource(f"qa://articles/{first['article_id']}")
        assert first["sentence"] in article.contents[0].text  # type: ignore[union-attr]

        bad = await client.call_tool("read", {"article_id": 999_999})
        assert bad.is_error
        (line,) = bad.content[0].text.splitlines()  # type: ignore[union-attr]
        assert "999999" in line

        huge = await client.call_tool("ask", {"question": "why? " * 20_000})
        assert huge.is_error
        assert len(huge.content[0].text.splitlines()) == 1  # type: ignore[union-attr]
        assert "question" in huge.content[0].text  # type: ignore[union-attr]

        unknown = await client.call_tool("ask", {"question": "who?", "conversation": "nope"})
        assert unknown.is_error and "conversation" in unknown.content[0].text  # type: ignore[union-attr]


def test_stdout_carries_only_the_protocol(seeds_copy: Path, tmp_path: Path) -> None:
    """Raw JSON-RPC over a pipe, malformed lines included: every line on stdout is a JSON-RPC
    message (no progress bar, warning or log), and the server keeps answering."""
    lines = [
        {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": {"name": "raw", "version": "0"},
            },
        },
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        "this is not json",
        {"jsonrpc": "2.0", "id": 2, "method": "no/such/method"},
        {
            "jsonrpc": "2.0",
            "id": 3,
            "method": "tools/call",
            "params": {"name": "ask", "arguments": {"question": "who raised sanctions?"}},
        },
        {
            "jsonrpc": "2.0",
            "id": 4,
            "method": "tools/call",
            "params": {"name": "ask", "arguments": {"question": 42}},
        },
    ]
    process = subprocess.Popen(
        [str(QA), "mcp", "--library", str(seeds_copy)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=(tmp_path / "stderr").open("w"),
        text=True,
        env=server_env(),
    )
    assert process.stdin is not None and process.stdout is not None
    for line in lines:
        process.stdin.write((line if isinstance(line, str) else json.dumps(line)) + "\n")
    process.stdin.flush()
    messages: list[dict[str, Any]] = []
    while not {3, 4} <= {message.get("id") for message in messages}:
        raw = process.stdout.readline()
        assert raw, "qa mcp closed stdout before answering"
        messages.append(json.loads(raw))  # fails on any stray text
    process.stdin.close()  # end of input: the server exits
    assert process.wait(timeout=60) == 0
    assert process.stdout.read() == ""
    assert "qa: ignored a line on stdin (not JSON)" in (tmp_path / "stderr").read_text()
    assert all(message.get("jsonrpc") == "2.0" for message in messages)
    by_id = {message.get("id"): message for message in messages}
    assert by_id[1]["result"]["serverInfo"]["name"] == "qa"
    assert by_id[2]["error"]["code"] == -32601
    assert by_id[3]["result"]["structuredContent"]["text"] == "Boris Johnson"
    wrong = by_id[4]["result"]
    assert wrong["isError"] and len(wrong["content"][0]["text"].splitlines()) == 1
