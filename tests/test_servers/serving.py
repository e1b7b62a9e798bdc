"""Helpers for the server tests: the environment a `qa mcp` or `qa serve` subprocess runs in,
starting and stopping `qa serve`, and the fast fake models."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from support import ROOT, FakeEmbedder

from qa.answering.readers import SentenceReader
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
        # A server watches its library's folders by default; these tests share the seeds
        # folder, so only test_service.py's own test keeps a library current.
        "QA_SERVE_WATCH": "0",
        "TOKENIZERS_PARALLELISM": "false",
    }


def fake_models() -> Models:
    return FakeEmbedder(), SentenceReader(), None


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
