"""`qa serve`: the library as a local HTTP API (FastAPI on uvicorn): ask, search, read and
status as JSON, the OpenAPI description at /openapi.json, and MCP over streamable HTTP at /mcp."""

from __future__ import annotations

import hmac
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
from pydantic import BaseModel, Field

from qa.index import QAError

from . import schemas
from .errors import one_line, status_of
from .mcp_server import build_mcp
from .service import Service, make_filters

if TYPE_CHECKING:
    from fastapi import FastAPI, Request
    from starlette.responses import Response

T = TypeVar("T")
log = logging.getLogger("qa.servers")

LOOPBACK = ("127.0.0.1", "localhost", "::1")


class AskIn(BaseModel):
    """A question, in a conversation or starting one."""

    question: str = Field(description="The question, e.g. 'who raised sanctions?'")
    conversation: str | None = Field(
        None, description="The `conversation` of an earlier answer, to ask a follow-up in it"
    )
    min_confidence: float | None = Field(
        None, description="Decline answers less likely than this (0..1) to be right"
    )
    since: str | None = Field(None, description="Only articles dated on or after (YYYY-MM-DD)")
    until: str | None = Field(None, description="Only articles dated on or before (YYYY-MM-DD)")
    sources: list[str] | None = Field(
        None, description="Only articles whose source (URL or file) contains one of these"
    )


def is_loopback(host: str) -> bool:
    return host in LOOPBACK or host.startswith("127.")


def build_app(service: Service, token: str | None = None, host: str = "127.0.0.1") -> FastAPI:
    """The HTTP API over `service`; with a `token`, every route wants `Authorization: Bearer`."""
    from fastapi import FastAPI, Query
    from fastapi.exceptions import RequestValidationError
    from starlette.responses import JSONResponse

    mcp = build_mcp(service)
    mcp_app = mcp.streamable_http_app(streamable_http_path="/mcp", host=host)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        service.start()
        async with mcp.session_manager.run():
            yield
        service.close()

    app = FastAPI(
        title="qa",
        version=mcp.version,
        description="Ask your own articles: extractive answers with exact citations, offline.",
        lifespan=lifespan,
        responses={400: {"model": schemas.ErrorOut}},
    )
    errors: dict[int | str, dict[str, Any]] = {
        code: {"model": schemas.ErrorOut} for code in (401, 404, 409, 410, 422, 503)
    }

    @app.post("/ask", response_model=schemas.AnswerOut, responses=errors)
    async def ask(body: AskIn) -> schemas.AnswerOut:
        """Answer a question; pass the answer's `conversation` back to ask a follow-up."""
        filters = await _call(make_filters, body.since, body.until, body.sources)
        return await _call(
            service.ask, body.question, body.conversation, body.min_confidence, filters
        )

    @app.get("/search", response_model=schemas.SearchOut, responses=errors)
    async def search(
        # Defaults rather than Annotated: FastAPI resolves the (string) annotations in this
        # module's globals, where Query is not imported until the app is built.
        q: str = Query(description="Words to look for"),
        limit: int = Query(10, description="How many passages (1-50)"),
        since: str | None = Query(None, description="Only articles dated on or after"),
        until: str | None = Query(None, description="Only articles dated on or before"),
        source: list[str] | None = Query(None, description="Source contains (repeatable)"),  # noqa: B008
    ) -> schemas.SearchOut:
        """The passages that best match `q`, best first, with citations and scores."""
        filters = await _call(make_filters, since, until, source)
        return await _call(service.search, q, limit, filters)

    @app.get("/read", response_model=schemas.ExcerptOut, responses=errors)
    async def read(
        article: int = Query(description="A citation's article_id"),
        start: int | None = Query(None, description="A citation's sentence_start"),
        end: int | None = Query(None, description="A citation's sentence_end"),
        around: int = Query(1, description="Sentences each side (0-20)"),
    ) -> schemas.ExcerptOut:
        """The text around a citation, or the article's beginning without offsets."""
        return await _call(service.read, article, start, end, around)

    @app.get("/status", response_model=schemas.StatusOut, responses=errors)
    async def status() -> schemas.StatusOut:
        """What the library holds, and whether the models are loaded yet."""
        return await _call(service.status)

    @app.get("/libraries", response_model=schemas.LibrariesOut, responses=errors)
    async def libraries() -> schemas.LibrariesOut:
        """The libraries on this machine, and which one this server answers from."""
        return await _call(service.libraries)

    @app.exception_handler(QAError)
    async def domain_error(_: Request, error: Exception) -> Response:
        return _error(status_of(error) if isinstance(error, QAError) else 500, error)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, error: Exception) -> Response:
        detail = error.errors() if isinstance(error, RequestValidationError) else []
        return JSONResponse(
            {"error": _validation_line(list(detail)), "kind": "BadRequest"},
            status_code=400 if _is_json_error(list(detail)) else 422,
        )

    @app.exception_handler(Exception)
    async def failure(_: Request, error: Exception) -> Response:
        log.exception("qa: a request failed", exc_info=error)
        return JSONResponse(
            {
                "error": f"the server failed ({type(error).__name__}); its log (stderr) has "
                "the details: please report it",
                "kind": "InternalError",
            },
            status_code=500,
        )

    app.router.routes.extend(mcp_app.routes)  # /mcp, run by the session manager above
    if token:
        app.middleware("http")(_bearer(token))
    return app


def _error(status: int, error: Exception) -> Response:
    from starlette.responses import JSONResponse

    headers = {"Retry-After": "30"} if status == 503 else None
    return JSONResponse(
        {"error": one_line(str(error)), "kind": type(error).__name__},
        status_code=status,
        headers=headers,
    )


def _bearer(token: str) -> Callable[[Request, Callable[[Request], Awaitable[Response]]], Any]:
    """A middleware that wants `Authorization: Bearer <token>` on every request."""
    from starlette.responses import JSONResponse

    expected = f"Bearer {token}".encode()

    async def check(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        sent = request.headers.get("authorization", "").encode()
        if not hmac.compare_digest(sent, expected):
            return JSONResponse(
                {
                    "error": "send the server's token as 'Authorization: Bearer TOKEN' "
                    "(the --token or QA_TOKEN it was started with)",
                    "kind": "Unauthorized",
                },
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return await call_next(request)

    return check


async def _call(function: Callable[..., T], *args: Any) -> T:
    """A blocking service call in a worker thread. A client that disconnects cancels only its
    wait: the answer completes (its turn saved whole) and the asker goes back to the pool."""
    return await anyio.to_thread.run_sync(function, *args)


def _is_json_error(detail: list[Any]) -> bool:
    return any(item.get("type") == "json_invalid" for item in detail)


def _validation_line(detail: list[Any]) -> str:
    """FastAPI's validation detail as one line: which field, what is wrong."""
    if _is_json_error(detail):
        return 'the body is not valid JSON; send e.g. {"question": "who raised sanctions?"}'
    parts = []
    for item in detail[:3]:
        where = ".".join(str(part) for part in item.get("loc", ()) if part not in ("body",))
        parts.append(f"{where or 'body'}: {item.get('msg', 'invalid')}")
    return "; ".join(parts) + " (see /openapi.json)"
