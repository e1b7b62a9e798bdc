"""Servers under test: a private copy of the seeds library, the environment a `qa mcp` or
`qa serve` subprocess runs in, and a service over the fast fake models."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from support import ROOT, SEEDS, FakeEmbedder

from qa.answering.readers import SentenceReader
from qa.config.settings import Settings
from qa.index import Library
from qa.servers import Service
from qa.servers.service import Models

QA = Path(sys.executable).parent / "qa"
"""The installed command, as an agent's configuration starts it."""


def server_env() -> dict[str, str]:
    """The environment of a server subprocess: this checkout's code, the test's QA_HOME, the
    int8 ONNX passage encoder (as the fixtures build with)."""
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
        "QA_ENCODER": "onnx",
        "TOKENIZERS_PARALLELISM": "false",
    }


@pytest.fixture
def seeds_copy(seeds_library: Library, tmp_path: Path) -> Path:
    """A copy of the real seeds library, so that saved chats stay with the test."""
    folder = tmp_path / "seeds"
    shutil.copytree(seeds_library.folder, folder)
    return folder


def fake_models() -> Models:
    return FakeEmbedder(), SentenceReader(), None


@pytest.fixture
def fake_library(tmp_path: Path) -> Path:
    """The seeds indexed with the fake embedder: what the fast service tests answer from."""
    folder = tmp_path / "fake-seeds"
    library = Library(folder, FakeEmbedder())
    library.add([SEEDS])
    library.close()
    return folder


@pytest.fixture
def fake_service(fake_library: Path) -> Iterator[Service]:
    service = Service(Settings(library=fake_library), askers=2, models=fake_models)
    service.start()
    yield service
    service.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(*args: str) -> tuple[subprocess.Popen[str], str]:
    """`qa serve ARGS` on a free loopback port; returns it once it answers, and its URL."""
    port = free_port()
    process = subprocess.Popen(
        [str(QA), "serve", "--port", str(port), *args],
        env=server_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            said = process.stderr.read() if process.stderr else ""
            raise AssertionError(f"qa serve exited: {said}")
        try:
            httpx.get(url + "/openapi.json", timeout=5, headers={"Authorization": "Bearer t"})
            return process, url
        except httpx.TransportError:
            time.sleep(0.1)  # polling for the port to open, not waiting on a result
    process.kill()
    raise AssertionError("qa serve did not open its port in 120 s")


def stop(process: subprocess.Popen[str]) -> str:
    """Stop a server as Ctrl+C would; its stderr."""
    process.terminate()
    try:
        _, err = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        _, err = process.communicate()
    return err or ""
