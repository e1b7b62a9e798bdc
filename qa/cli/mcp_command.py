"""`qa mcp`: serve the library to an agent over MCP on stdin/stdout."""

from __future__ import annotations

import logging
import os
import sys

import click

from .group import cli, library_option, make_settings

ASKERS_HELP = "Questions answered side by side (default: from the cores, 2 to 4)."
WATCH_HELP = (
    "Keep the library current while serving: new, changed and deleted articles in its folders "
    "are indexed as they change, one line each on stderr (default: on)."
)


@cli.command("mcp")
@click.option(
    "--allow-writes",
    is_flag=True,
    help="Also offer the `add` and `update` tools, which index articles.",
)
@click.option("--askers", type=click.IntRange(1, 16), metavar="N", help=ASKERS_HELP)
@click.option("--watch/--no-watch", default=True, envvar="QA_SERVE_WATCH", help=WATCH_HELP)
@library_option
def mcp_command(allow_writes: bool, askers: int | None, watch: bool, library: str | None) -> None:
    """Serve the library to an agent over MCP (stdio): tools ask, search, read, libraries and
    status; every article is a resource (qa://articles/ID).

    Only the protocol goes to stdout; logs go to stderr. The handshake is answered at once and
    the models load meanwhile.

    \b
    In Claude Desktop, VS Code or Cursor:
      {"command": "qa", "args": ["mcp", "--library", "news"]}
    """
    settings = make_settings(library)
    logging.basicConfig(level=logging.WARNING, format="qa: %(message)s")  # stderr
    from qa.servers import Service, build_mcp
    from qa.servers.mcp_server import report_unreadable_lines

    report_unreadable_lines()
    service = Service(
        settings,
        askers=askers,
        allow_writes=allow_writes,
        keep_current="qa mcp" if watch else None,
    )
    try:
        build_mcp(service).run("stdio")
    except KeyboardInterrupt:
        pass  # the client stopped the server: nothing to say
    finally:
        service.close()
    if not service.loaded:
        # The client left while the models were still loading: ending the interpreter under
        # the loading thread aborts in torch's C++ code, so leave at once (nothing is unsaved).
        sys.stderr.flush()
        os._exit(0)
