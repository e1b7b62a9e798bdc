"""Which Ray cluster `--engine ray` joins, decided before ray.init: a dead or stale address is
said in one line within the time-out, never waited on for minutes as Ray itself does."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import SEEDS

from qa.cli import cli
from qa.index import cluster
from qa.index.cluster import ClusterUnavailable, cluster_address


@pytest.fixture
def record(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Ray's `ray_current_cluster` file, in a temp folder of this test's own (`ray start`
    writes the address of the cluster it began there, and leaves it when the cluster stops)."""
    monkeypatch.setenv("RAY_TMPDIR", str(tmp_path))
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    (tmp_path / "ray").mkdir()
    return tmp_path / "ray" / "ray_current_cluster"


@pytest.fixture
def listening() -> Iterator[str]:
    """host:port of a socket that accepts connections, as a live cluster's port does."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield f"127.0.0.1:{server.getsockname()[1]}"


@pytest.fixture
def dead() -> str:
    """host:port where nothing listens (a port just let go), as a stopped cluster's."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        port = server.getsockname()[1]
    return f"127.0.0.1:{port}"


def test_with_no_address_a_stale_record_starts_a_cluster_of_our_own(
    record: Path, dead: str
) -> None:
    record.write_text(dead)
    assert cluster_address(None) == "local"


def test_with_no_address_a_live_recorded_cluster_is_joined(record: Path, listening: str) -> None:
    record.write_text(listening)
    assert cluster_address(None) == listening
    record.unlink()
    assert cluster_address(None) == "local"


def test_a_dead_address_is_refused_in_one_line(record: Path, dead: str) -> None:
    for address in (dead, f"ray://{dead}"):
        with pytest.raises(ClusterUnavailable, match=r"no Ray cluster answers at .*refused") as e:
            cluster_address(address)
        assert "\n" not in str(e.value) and "ray start --head" in str(e.value)
    record.write_text(dead)  # auto names the recorded cluster, and it has stopped
    port = dead.rpartition(":")[2]  # Ray writes 127.0.0.1 as this machine's own address
    with pytest.raises(ClusterUnavailable, match=rf"no Ray cluster answers at \S+:{port} "):
        cluster_address("auto")


def test_ray_address_in_the_environment_is_checked_too(
    record: Path, dead: str, listening: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("RAY_ADDRESS", dead)
    with pytest.raises(ClusterUnavailable, match=dead):
        cluster_address(None)
    monkeypatch.setenv("RAY_ADDRESS", listening)
    assert cluster_address(None) == listening
    assert cluster_address("local") == "local"


def test_an_address_without_a_port_is_refused() -> None:
    with pytest.raises(ClusterUnavailable, match="has no port; give it as HOST:PORT"):
        cluster_address("headnode")


def test_index_add_gives_up_after_the_time_out_it_is_given(
    record: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    waited: list[float] = []

    def silent(address: tuple[str, int], timeout: float) -> socket.socket:
        waited.append(timeout)  # an address that never answers: the wait runs out
        raise TimeoutError

    monkeypatch.setattr(cluster.socket, "create_connection", silent)
    command = ["index", "add", "--library", str(tmp_path / "lib"), str(SEEDS), "--engine", "ray"]
    result = CliRunner().invoke(
        cli, [*command, "--ray-address", "10.1.2.3:6379", "--ray-timeout", "7"]
    )
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        "qa: error: no Ray cluster answers at 10.1.2.3:6379 (no answer within 7 s); check the "
        "address, start one with 'ray start --head' and pass --ray-address auto, or leave out "
        "--engine ray"
    ]
    assert waited == [7.0]
    assert not (tmp_path / "lib" / "manifest.json").exists()
