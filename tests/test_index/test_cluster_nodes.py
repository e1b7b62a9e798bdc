"""`qa index add --engine ray` through a cluster of two nodes started on this machine, as a
person starts one: `ray start --head`, then `ray start --address=...` with its own resources."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import FIXTURES, SEEDS

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def ray_command(*args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(BIN / "ray"), *args], capture_output=True, text=True, env=env, timeout=180
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout + result.stderr


@pytest.fixture
def two_nodes() -> Iterator[str]:
    """A head node and a second node of one CPU each; yields the cluster's address."""
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    head = ray_command(
        "start",
        "--head",
        f"--port={free_port()}",
        "--num-cpus=1",
        "--include-dashboard=false",
        env=env,
    )
    found = re.search(r"ray start --address='([^']+)'", head)
    assert found, head
    address = found.group(1)
    try:
        # The second node joins with the token `ray start --head` wrote (token auth is on).
        ray_command(
            "start",
            f"--address={address}",
            "--num-cpus=1",
            '--resources={"second_node": 1}',
            env={**env, "RAY_AUTH_MODE": "token"},
        )
        yield address
    finally:
        # `ray stop` ends every Ray process of this machine: this test's cluster alone here.
        subprocess.run([str(BIN / "ray"), "stop", "--force"], capture_output=True, timeout=120)


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def test_indexing_through_a_two_node_cluster(two_nodes: str, tmp_path: Path) -> None:
    env = {**os.environ, "QA_HOME": str(tmp_path / "home")}
    count = (
        f"import ray\nray.init(address={two_nodes!r}, log_to_driver=False)\n"
        "print(sum(node['Alive'] for node in ray.nodes()))"
    )
    nodes = run([sys.executable, "-c", count], {**env, "RAY_AUTH_MODE": "token"})
    assert nodes.stdout.strip().splitlines()[-1] == "2", nodes.stderr
    qa = str(BIN / "qa")
    added = run(
        [
            qa,
            "index",
            "add",
            str(SEEDS),
            str(FIXTURES / "articles"),
            "--engine",
            "ray",
            "--ray-address",
            two_nodes,
        ],
        env,
    )
    assert added.returncode == 0, added.stderr
    assert "8 articles added" in added.stdout
    checked = run([qa, "index", "check"], env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    asked = run([qa, "ask", "who raised sanctions?"], env)
    assert asked.returncode == 0 and "Boris Johnson" in asked.stdout
