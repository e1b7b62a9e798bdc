"""`qa index add --engine ray` through a cluster of two nodes started on this machine, as a
person starts one: `ray start --head`, then `ray start --address=...` with its own resources."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from support import FIXTURES, SEEDS

BIN = Path(sys.executable).parent


def start_node(*args: str, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """`ray start ARGS --block`: the node runs while the process does, and stopping the process
    stops the node's own Ray processes alone (`ray stop` would end every Ray process of the
    machine). Returns the process and the address it prints for other nodes to join."""
    node = subprocess.Popen(
        [str(BIN / "ray"), "start", *args, "--block"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    assert node.stdout is not None
    seen = []
    for line in node.stdout:
        seen.append(line)
        found = re.search(r"ray start --address='([^']+)'", line)
        if found:  # the head node names its address once it runs
            return node, found.group(1)
        if "Ray runtime started" in line and "--head" not in args:
            return node, ""
    raise AssertionError("ray start ended early:\n" + "".join(seen))


def recorded_cluster() -> Path:
    """Where `ray start --head` records its cluster's address: the run's own Ray folder
    (conftest's `private_ray_folder`), never /tmp/ray."""
    return Path(os.environ["RAY_TMPDIR"]) / "ray" / "ray_current_cluster"


@contextmanager
def two_nodes() -> Iterator[str]:
    """A head node and a second node of one CPU each; yields the cluster's address. Stopped,
    it leaves no record of itself behind (as `ray stop` would not, for a node ended this way)."""
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    head, address = start_node(
        "--head", "--port=0", "--num-cpus=1", "--include-dashboard=false", env=env
    )
    nodes = [head]
    try:
        # The second node joins with the token `ray start --head` wrote (token auth is on).
        second, _ = start_node(
            f"--address={address}",
            "--num-cpus=1",
            '--resources={"second_node": 1}',
            env={**env, "RAY_AUTH_MODE": "token"},
        )
        nodes.append(second)
        yield address
    finally:
        for node in reversed(nodes):
            node.terminate()
            node.wait(timeout=120)
        record = recorded_cluster()
        if record.exists() and record.read_text().strip() == address:
            record.unlink()


def run(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)


def test_indexing_through_a_two_node_cluster_that_leaves_no_trace(tmp_path: Path) -> None:
    with two_nodes() as address:
        assert recorded_cluster().read_text().strip() == address
        index_through(address, tmp_path)
    # A later `ray.init()` here would otherwise try the stopped cluster's address for minutes.
    assert not recorded_cluster().exists()


def index_through(two_nodes: str, tmp_path: Path) -> None:
    """`qa index add --engine ray` through the cluster at `two_nodes`, then check and ask."""
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
