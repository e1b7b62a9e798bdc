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
    """--engine, --ray-address and --ray-gpus, for the commands that index."""
    function = click.option(
        "--ray-gpus",
        "ray_gpus",
        type=click.FloatRange(min=0),
        default=0.0,
        envvar="QA_RAY_GPUS",
        metavar="N",
        help="GPUs for each embedding actor with --engine ray (0: CPU actors).",
    )(function)
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


def make_engine(engine: str, address: str | None, gpus: float, settings: Settings) -> Engine | None:
    """The engine named on the command line; None for the default, this process.

    Ray is imported only here, and only for `--engine ray`."""
    if engine == "local":
        if address or gpus:
            raise click.UsageError("--ray-address and --ray-gpus need --engine ray")
        return None
    from index.cluster import RayEngine

    # The actors build the packaged model themselves; only this recipe travels.
    recipe = partial(MiniLMEmbedder, device="cuda") if gpus else partial(MiniLMEmbedder)
    return RayEngine(recipe, settings.chunking, address=address, gpus_per_actor=gpus)
