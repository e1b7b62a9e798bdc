"""`qa serve`: the library as a local HTTP API, with MCP at /mcp."""

from __future__ import annotations

import logging
import os
import socket
import sys

import click

from .group import EXIT_ERROR, UserError, cli, library_option, make_settings
from .mcp_command import ASKERS_HELP, WATCH_HELP


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, envvar="QA_HOST")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option(
    "--token",
    envvar="QA_TOKEN",
    metavar="TOKEN",
    help="Clients must send 'Authorization: Bearer TOKEN' (required off 127.0.0.1).",
)
@click.option("--allow-writes", is_flag=True, help="Also offer the MCP `add` and `update` tools.")
@click.option("--askers", type=click.IntRange(1, 16), metavar="N", help=ASKERS_HELP)
@click.option("--watch/--no-watch", default=True, envvar="QA_SERVE_WATCH", help=WATCH_HELP)
@library_option
def serve(
    host: str,
    port: int,
    token: str | None,
    allow_writes: bool,
    askers: int | None,
    watch: bool,
    library: str | None,
) -> None:
    """Serve the library as a local HTTP API: POST /ask, GET /search, /read, /status and
    /libraries, the OpenAPI description at /openapi.json, MCP (streamable HTTP) at /mcp.

    It binds 127.0.0.1; any other address needs a token, since the library is then open to
    other machines.

    \b
    Examples:
      qa serve --library news
      curl -s localhost:8765/ask -H 'content-type: application/json' \\
        -d '{"question": "who raised sanctions?"}'
      QA_TOKEN=secret qa serve --host 0.0.0.0
    """
    from qa.servers import Service, build_app, is_loopback

    if not is_loopback(host) and not token:
        raise click.UsageError(
            f"--host {host} opens your library to other machines: give a token with --token "
            "or QA_TOKEN (clients send 'Authorization: Bearer TOKEN')"
        )
    settings = make_settings(library)
    check_port(host, port)
    logging.basicConfig(level=logging.WARNING, format="qa: %(message)s")
    import uvicorn

    service = Service(
        settings,
        askers=askers,
        allow_writes=allow_writes,
        keep_current="qa serve" if watch else None,
    )
    app = build_app(service, token=token, host=host)
    shown = f"[{host}]" if ":" in host else host
    click.echo(
        f"qa: serving {settings.library} on http://{shown}:{port} (MCP at /mcp); Ctrl+C stops",
        err=True,
    )
    code = 0
    try:
        uvicorn.run(app, host=host, port=port, log_level="warning")
    except SystemExit as stop:  # uvicorn's own exit, e.g. a failed start
        code = stop.code if isinstance(stop.code, int) else EXIT_ERROR
    if not service.loaded:
        # Stopped while the models were still loading: ending the interpreter under the
        # loading thread aborts in torch's C++ code, so leave at once (nothing is unsaved).
        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


def check_port(host: str, port: int) -> None:
    """Refuse, in one line, a port another program holds, before any model loads."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
        try:
            probe.bind((host, port))
        except OSError as error:
            raise UserError(
                f"cannot listen on {host}:{port} ({error.strerror or error}): "
                "another program holds it; pick another with --port"
            ) from None
