"""Where `qa index add` and `update` run their reading and embedding (here, or on Ray), and
with which passage encoder."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import click

from qa.config.settings import Settings, encoder_choice_file
from qa.index import BACKENDS, Engine, MiniLMEmbedder
from qa.index.cluster import CONNECT_TIMEOUT  # the module imports Ray only when it connects

F = TypeVar("F", bound=Callable[..., Any])

ENGINES = ("local", "ray")


def encoder_option(function: F) -> F:
    """--encoder, for the commands that embed passages."""
    return click.option(
        "--encoder",
        type=click.Choice(BACKENDS),
        default="auto",
        envvar="QA_ENCODER",
        show_default=True,
        help="The passage encoder: fp32 torch, bf16 torch, int8 ONNX, or auto: the fastest of "
        "the three as measured once on a CPU with bf16 units (a few seconds, then remembered); "
        "int8 ONNX on other CPUs.",
    )(function)


def indexing_embedder(backend: str) -> MiniLMEmbedder:
    """The packaged model for indexing: `backend` when forced; with "auto", the passage encoder
    measured fastest on this machine at the first passage to embed, remembered in the data
    directory (questions never wait for it: `qa ask` builds its own embedder)."""
    return MiniLMEmbedder(backend=backend, choice_file=encoder_choice_file())


def engine_options(function: F) -> F:
    """--engine, --ray-address, --ray-gpus and --encoder, for the commands that index."""
    function = encoder_option(function)
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
        "--ray-timeout",
        type=click.FloatRange(min=1),
        default=CONNECT_TIMEOUT,
        envvar="QA_RAY_TIMEOUT",
        show_default=True,
        metavar="SECONDS",
        help="With --engine ray: how long a cluster has to answer before qa says it does not.",
        # Kept on the context for make_engine, so that each command need not pass it on.
        expose_value=False,
        callback=_keep_timeout,
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


def _keep_timeout(context: click.Context, _: click.Parameter, value: float) -> float:
    context.meta[_TIMEOUT_KEY] = value
    return value


_TIMEOUT_KEY = "qa.ray_timeout"


def make_engine(
    engine: str, address: str | None, gpus: float, settings: Settings, backend: str = "auto"
) -> Engine | None:
    """The engine named on the command line; None for the default, this process.

    Ray is imported only here, and only for `--engine ray`. Its actors use `backend` when
    forced; with "auto" each goes by its CPU's flags (a measurement per actor would cost each
    one 20 s)."""
    if engine == "local":
        if address or gpus:
            raise click.UsageError("--ray-address and --ray-gpus need --engine ray")
        return None
    from qa.index.cluster import RayEngine

    # The actors build the packaged model themselves; only this recipe travels.
    recipe = (
        partial(MiniLMEmbedder, device="cuda", backend=backend)
        if gpus
        else partial(MiniLMEmbedder, backend=backend)
    )
    context = click.get_current_context(silent=True)
    timeout = context.meta.get(_TIMEOUT_KEY, CONNECT_TIMEOUT) if context else CONNECT_TIMEOUT
    return RayEngine(
        recipe, settings.chunking, address=address, gpus_per_actor=gpus, timeout=timeout
    )
