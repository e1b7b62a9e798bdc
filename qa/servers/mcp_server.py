"""`qa mcp`: the library as an MCP server: tools to ask, search and read, every article a
resource. Tools only read, unless the server was started to index too."""

from __future__ import annotations

import itertools
import logging
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import anyio
from pydantic import Field

from qa.index import QAError

from . import schemas
from .errors import one_line
from .service import Service, make_filters

if TYPE_CHECKING:
    from mcp.server import MCPServer
    from mcp.server.context import CallNext, HandlerResult, ServerRequestContext

T = TypeVar("T")
log = logging.getLogger("qa.servers")

INSTRUCTIONS = """\
Answers questions from the user's own articles, offline. Every answer is copied verbatim from
an article and cited (title, source, date, file, character offsets); `found: false` means the
articles do not hold the answer, so say so rather than guess. Ask follow-ups by passing back the
`conversation` an answer gives. Use `search` to read passages yourself and `read` (an article id
with a citation's offsets) for the context around a citation."""

Question = Annotated[
    str,
    Field(
        description="The question, in plain words, e.g. 'who raised sanctions?'",
        max_length=schemas.MAX_QUESTION,
    ),
]
ConversationId = Annotated[
    str | None,
    Field(description="The `conversation` of an earlier answer, to ask a follow-up in it"),
]
MinConfidence = Annotated[
    float | None,
    Field(
        description="Decline answers less likely than this (0..1) to be right",
        ge=0.0,
        le=1.0,
    ),
]

Since = Annotated[
    str | None, Field(description="Only articles dated on or after this (YYYY-MM-DD, or YYYY-MM)")
]
Until = Annotated[str | None, Field(description="Only articles dated on or before this")]
Sources = Annotated[
    list[str] | None,
    Field(description="Only articles whose source (URL or file) contains one of these"),
]


def build_mcp(service: Service) -> MCPServer:
    """The MCP server over `service`: its tools wait for the models, never the handshake."""
    from mcp.server import MCPServer
    from mcp_types import ToolAnnotations

    @asynccontextmanager
    async def loading(_: MCPServer) -> AsyncIterator[None]:
        service.start()  # inside the transport: stdout is already the protocol's alone
        yield

    server: MCPServer = MCPServer(
        "qa", instructions=INSTRUCTIONS, version=_version(), log_level="WARNING", lifespan=loading
    )
    server.middleware.append(_one_line_errors)
    reading = ToolAnnotations(read_only_hint=True, open_world_hint=False, idempotent_hint=False)
    looking = ToolAnnotations(read_only_hint=True, open_world_hint=False, idempotent_hint=True)

    @server.tool(title="Ask your articles", annotations=reading)
    async def ask(
        question: Question,
        conversation: ConversationId = None,
        min_confidence: MinConfidence = None,
        since: Since = None,
        until: Until = None,
        sources: Sources = None,
    ) -> schemas.AnswerOut:
        """Answer a question from the user's articles: a short answer copied from an article,
        its confidence, and numbered citations; `found: false` when the articles do not hold
        it. The answer's `conversation` makes the next question a follow-up ("what did he
        say?")."""
        filters = await _call(make_filters, since, until, sources)
        return await _call(service.ask, question, conversation, min_confidence, filters)

    @server.tool(title="Search passages", annotations=looking)
    async def search(
        query: Annotated[str, Field(description="Words to look for", max_length=2000)],
        limit: Annotated[int, Field(description="How many passages", ge=1, le=50)] = 10,
        since: Since = None,
        until: Until = None,
        sources: Sources = None,
    ) -> schemas.SearchOut:
        """The passages that best match a query, best first, each with its citation (title,
        source, date, file, offsets) and scores: for reading the articles yourself."""
        filters = await _call(make_filters, since, until, sources)
        return await _call(service.search, query, limit, filters)

    @server.tool(title="Read around a citation", annotations=looking)
    async def read(
        article_id: Annotated[int, Field(description="A citation's or result's article_id")],
        start: Annotated[
            int | None, Field(description="A citation's sentence_start (or a result's start)")
        ] = None,
        end: Annotated[int | None, Field(description="A citation's sentence_end")] = None,
        around: Annotated[int, Field(description="Sentences each side", ge=0, le=20)] = 1,
    ) -> schemas.ExcerptOut:
        """The article's text around a citation: the sentences overlapping start..end with
        `around` sentences each side; without offsets, the article's opening. Offsets from
        before a re-index give an error: ask or search again."""
        return await _call(service.read, article_id, start, end, around)

    @server.tool(title="Libraries on this machine", annotations=looking)
    async def libraries() -> schemas.LibrariesOut:
        """The libraries indexed on this machine, and which one this server answers from."""
        return await _call(service.libraries)

    @server.tool(title="What is indexed", annotations=looking)
    async def status() -> schemas.StatusOut:
        """What the library holds: articles, passages, when it was last updated, which files
        changed since (stale), and whether the models are loaded yet."""
        return await _call(service.status)

    @server.resource(
        "qa://articles/{article_id}",
        name="article",
        title="An article",
        mime_type="text/markdown",
    )
    async def article(article_id: str) -> str:
        """An article of the library, whole: qa://articles/ID with a citation's article_id."""
        if not article_id.isdigit():
            raise _tool_error(f"{article_id!r} is not an article id; use a citation's article_id")
        return await _call(service.article, int(article_id))

    if service.allow_writes:
        _add_writing_tools(server, service)
    return server


def _add_writing_tools(server: MCPServer, service: Service) -> None:
    """`add` and `update`, annotated as writing (additive; `update` forgets deleted files)."""
    from mcp_types import ToolAnnotations

    @server.tool(
        title="Add articles",
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=False, idempotent_hint=True
        ),
    )
    async def add(
        paths: Annotated[list[str], Field(description="Files or folders of articles")],
    ) -> schemas.IndexOut:
        """Add files or folders of articles to the library and index them (they are only
        read, never changed)."""
        return await _call(service.add, paths)

    @server.tool(
        title="Update the index",
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=True, idempotent_hint=True
        ),
    )
    async def update() -> schemas.IndexOut:
        """Re-read the library's folders: index new and changed files, forget deleted ones."""
        return await _call(service.update)


async def _call(function: Callable[..., T], *args: Any) -> T:
    """Run a blocking service call in a worker thread; a domain error becomes a tool error.

    The thread is not abandoned when the client cancels: the answer (and its saved turn)
    completes whole, and the asker goes back to the pool."""
    try:
        return await anyio.to_thread.run_sync(function, *args)
    except QAError as error:
        raise _tool_error(str(error)) from error


def _tool_error(message: str) -> Exception:
    from mcp.server.mcpserver.exceptions import ToolError

    return ToolError(one_line(message))


async def _one_line_errors(
    ctx: ServerRequestContext[Any, Any], call_next: CallNext
) -> HandlerResult:
    """A tool error's text on one line that says what to do: the SDK's own messages for bad
    arguments run over several lines of pydantic detail."""
    result = await call_next(ctx)
    # By here the result is in its wire form: {"content": [...], "isError": true, ...}
    if ctx.method != "tools/call" or not isinstance(result, dict) or not result.get("isError"):
        return result
    for block in result.get("content") or []:
        if isinstance(block, dict) and isinstance(block.get("text"), str):
            block["text"] = _condensed(block["text"])
    return result


def _condensed(text: str) -> str:
    """ "Error executing tool ask: 1 validation error for askArguments / question / String
    should have at most 2000 characters [type=...] / For further information ..." as one line:
    "bad argument `question`: String should have at most 2000 characters; ..."."""
    prefix = "Error executing tool "
    if text.startswith(prefix) and ": " in text:
        text = text.split(": ", 1)[1]
    lines = text.splitlines()
    if len(lines) > 1 and "validation error" in lines[0]:
        problems = []
        for field, problem in itertools.pairwise(lines[1:]):
            if field and not field[0].isspace() and "[type=" in problem:
                problems.append(f"`{field}`: {problem.split(' [type=')[0].strip()}")
        if problems:
            return f"bad argument {'; '.join(problems)} (see the tool's input schema)"
    return one_line(text)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("qa")
    except PackageNotFoundError:
        return "0"


class _UnreadableLines(logging.Handler):
    """Says on stderr, in one line, that a line on stdin was not a JSON-RPC message: the SDK
    drops such a line with only a debug record, and a client sending one would wait in vain."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("transport yielded exception"):
            detail = str(record.args[0]) if isinstance(record.args, tuple) and record.args else ""
            problem = "not JSON" if "json_invalid" in detail else "no request or notification"
            sys.stderr.write(
                f"qa: ignored a line on stdin ({problem}); send one JSON-RPC message per line\n"
            )


def report_unreadable_lines() -> None:
    """Turn the SDK's debug record of a malformed line into a one-line notice on stderr."""
    dispatcher = logging.getLogger("mcp.shared.jsonrpc_dispatcher")
    dispatcher.setLevel(logging.DEBUG)
    dispatcher.propagate = False  # its other debug records stay quiet
    dispatcher.addHandler(_UnreadableLines())
