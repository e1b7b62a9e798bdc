"""Where `qa index add` and `update` run their reading and embedding: here, or on Ray."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import click

from index import Engine, MiniLMEmbedder

from .settings import Settings

F = TypeVar("F", bound=Callable[..., Any])

ENGINES = ("local", "ray")


def engine_options(function: F) -> F:
    """--engine and --ray-address, for the commands that index."""
    function = click.option(
        "--ray-address",
        "ray_address",
        envvar="QA_RAY_ADDRESS",
        metavar="ADDRESS",
        help="The Ray cluster for --engine ray: auto, ray://host:10001, host:6379 "
        "(default: start one on this machine).",
    )(function)
    return click.option(
        "--engine",
        type=click.Choice(ENGINES),
        default="local",
        envvar="QA_ENGINE",
        show_default=True,
        help="Where reading and embedding run: this process, or a Ray cluster "
        "(pip install 'qa[ray]').",
    )(function)


def make_engine(engine: str, address: str | None, settings: Settings) -> Engine | None:
    """The engine named on the command line; None for the default, this process.

    Ray is imported only here, and only for `--engine ray`."""
    if engine == "local":
        if address:
            raise click.UsageError("--ray-address needs --engine ray")
        return None
    from index.cluster import RayEngine

    # The actors build the packaged model themselves; only this recipe travels.
    return RayEngine(partial(MiniLMEmbedder), settings.chunking, address=address)
