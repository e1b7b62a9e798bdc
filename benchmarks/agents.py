"""Agents asking the library: MCP from process start to the first answer, the HTTP API's answers
per second and latency at 1, 4 and 16 clients against `qa ask --json -` on the same questions
(in one run), and a soak: 16 clients asking while `qa index add` writes 300 BBC articles.

    python -m benchmarks.agents [--data ../shared/data] [--articles 500] [--seconds 20]
                                [--soak 60] [--soak-clients 16] [--soak-write 300] [--askers N]

The library is the seeds plus the first ARTICLES BBC News articles; the soak writes the next
SOAK_WRITE. The questions are the seeds' question and questions made from BBC headlines (for
load, not for quality: docs/quality.md measures that). Prints JSON; docs/agents.md quotes it.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import itertools
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
QA = str(Path(sys.executable).parent / "qa")
SEED_QUESTION = "who raised sanctions?"


def environment(home: Path) -> dict[str, str]:
    """This checkout's code, a private QA_HOME, the int8 ONNX passage encoder."""
    return {
        **os.environ,
        "QA_HOME": str(home),
        "QA_ENCODER": "onnx",
        "PYTHONPATH": str(ROOT),
        "TOKENIZERS_PARALLELISM": "false",
    }


def bbc_records(data: Path, first: int, count: int) -> list[dict[str, Any]]:
    with gzip.open(data / "news" / "bbc-news-2225.jsonl.gz", "rt") as source:
        lines = [line for _, line in zip(range(first + count), source, strict=False)]
    return [json.loads(line) for line in lines[first:]]


def write_dump(folder: Path, records: list[dict[str, Any]]) -> Path:
    folder.mkdir(parents=True)
    (folder / "bbc.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    return folder


def questions_from(records: list[dict[str, Any]], count: int) -> list[str]:
    """The seeds' question, then "what happened: HEADLINE?" for the first headlines."""
    made = [f"what happened: {r['title'].rstrip('.?!').lower()}?" for r in records[: count - 1]]
    return [SEED_QUESTION, *made]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- the CLI baseline ---------------------------------------------------------------------------


def cli_answers(library: str, questions: list[str], env: dict[str, str]) -> dict[str, float]:
    """`qa ask --json -`: one process answering every question in turn; a warm answer is the
    time between two answers on its stdout (the first, which loads the models, left out)."""
    began = time.perf_counter()
    process = subprocess.Popen(
        [QA, "ask", "--json", "--library", library, "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write("".join(q + "\n" for q in questions))
    process.stdin.close()
    stamps = [time.perf_counter() for _ in process.stdout]
    process.wait()
    warm = [later - earlier for earlier, later in itertools.pairwise(stamps)]
    return {
        "first_answer_s": round(stamps[0] - began, 2),
        "warm_p50_s": round(statistics.median(warm), 4),
        "warm_p95_s": round(percentile(warm, 0.95), 4),
        "warm_max_s": round(max(warm), 4),
    }


# -- MCP ------------------------------------------------------------------------------------------


async def mcp_first_answer(library: str, env: dict[str, str]) -> dict[str, float]:
    """From starting `qa mcp` to its handshake, and to its first answer."""
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    params = StdioServerParameters(command=QA, args=["mcp", "--library", library], env=env)
    began = time.perf_counter()
    async with Client(params, mode="legacy") as client:
        handshake = time.perf_counter() - began
        result = await client.call_tool("ask", {"question": SEED_QUESTION})
        first = time.perf_counter() - began
        assert (result.structured_content or {}).get("text") == "Boris Johnson", result.content
        warm = []
        for _ in range(5):
            again = time.perf_counter()
            await client.call_tool("ask", {"question": SEED_QUESTION})
            warm.append(time.perf_counter() - again)
    return {
        "handshake_s": round(handshake, 2),
        "first_answer_s": round(first, 2),
        "warm_p50_s": round(statistics.median(warm), 4),
    }


# -- HTTP -----------------------------------------------------------------------------------------


def start_server(library: str, env: dict[str, str], askers: int | None) -> tuple[Any, str]:
    port = free_port()
    extra = ["--askers", str(askers)] if askers else []
    process = subprocess.Popen(
        [QA, "serve", "--library", library, "--port", str(port), *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    while True:
        try:
            httpx.post(url + "/ask", json={"question": SEED_QUESTION}, timeout=600)
            return process, url
        except httpx.TransportError:
            time.sleep(0.2)  # the port is not open yet


def load(url: str, questions: list[str], clients: int, seconds: float) -> dict[str, Any]:
    """`clients` clients, each asking the questions in turn (from its own place in the list)
    for `seconds`; answers per second and latency."""
    latencies: list[float] = []
    failures: list[str] = []
    stop_at = time.perf_counter() + seconds

    def client(number: int) -> None:
        with httpx.Client(base_url=url, timeout=600) as http:
            turn = number
            while time.perf_counter() < stop_at:
                question = questions[turn % len(questions)]
                turn += 1
                began = time.perf_counter()
                response = http.post("/ask", json={"question": question})
                latencies.append(time.perf_counter() - began)
                if response.status_code != 200:
                    failures.append(response.text[:200])

    began = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return {
        "clients": clients,
        "answers": len(latencies),
        "answers_per_s": round(len(latencies) / elapsed, 2),
        "p50_s": round(statistics.median(latencies), 4),
        "p95_s": round(percentile(latencies, 0.95), 4),
        "max_s": round(max(latencies), 4),
        "failures": len(failures),
    }


def soak(
    url: str,
    library: str,
    incoming: Path,
    questions: list[str],
    clients: int,
    seconds: float,
    env: dict[str, str],
) -> dict[str, Any]:
    """`clients` clients ask for `seconds` (and until the writer is done) while `qa index add`
    writes `incoming` into the library; every answer's citations are then checked against the
    library: each sentence is its article's text at its offsets."""
    replies: list[dict[str, Any]] = []
    failures: list[str] = []
    writer = subprocess.Popen(
        [QA, "index", "add", str(incoming), "--library", library],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    began = time.perf_counter()
    stop_at = began + seconds

    def client(number: int) -> None:
        with httpx.Client(base_url=url, timeout=600) as http:
            turn = number
            while time.perf_counter() < stop_at or writer.poll() is None:
                response = http.post("/ask", json={"question": questions[turn % len(questions)]})
                turn += 1
                if response.status_code == 200:
                    replies.append(response.json())
                else:
                    failures.append(response.text[:200])

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    written = writer.wait()
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "writer_exit": written,
        "requests": len(replies) + len(failures),
        "failures": len(failures),
        "inconsistent": inconsistent(library, replies, env),
        "answers_per_s": round(len(replies) / elapsed, 2),
    }


def inconsistent(library: str, replies: list[dict[str, Any]], env: dict[str, str]) -> int:
    """Citations whose sentence is not its article's text at its offsets (articles were only
    added, so every one cited must still be there)."""
    from qa.config.settings import library_folder
    from qa.index import Library, MiniLMEmbedder

    os.environ["QA_HOME"] = env["QA_HOME"]
    index = Library(library_folder(library), MiniLMEmbedder())
    bad = 0
    try:
        for reply in replies:
            for citation in reply["citations"]:
                try:
                    text = index.article(citation["article_id"]).article.text
                except KeyError:
                    bad += 1
                    continue
                quoted = text[citation["sentence_start"] : citation["sentence_end"]]
                bad += quoted != citation["sentence"]
    finally:
        index.close()
    return bad


def shown(figures: dict[str, Any], what: str) -> None:
    """Each phase's figures on stderr as soon as they are measured (the soak runs last and
    long)."""
    print(f"{what}: {json.dumps(figures)}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--articles", type=int, default=500)
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--soak", type=float, default=60.0)
    parser.add_argument("--soak-clients", type=int, default=16)
    parser.add_argument("--soak-write", type=int, default=300)
    parser.add_argument("--askers", type=int, help="qa serve --askers (default: its own)")
    parser.add_argument("--clients", default="1,4,16")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        env = environment(work / "home")
        records = bbc_records(args.data, 0, args.articles + args.soak_write)
        corpus = write_dump(work / "bbc", records[: args.articles])
        incoming = write_dump(work / "incoming", records[args.articles :])
        library = "bench"
        began = time.perf_counter()
        for source in (ROOT / "seeds", corpus):
            subprocess.run(
                [QA, "index", "add", str(source), "--library", library],
                env=env,
                check=True,
                capture_output=True,
            )
        indexed = time.perf_counter() - began
        questions = questions_from(records, args.questions)

        results: dict[str, Any] = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.system()}",
            "library": f"seeds + {args.articles} BBC articles",
            "indexed_s": round(indexed, 1),
            "questions": len(questions),
            "mcp": asyncio.run(mcp_first_answer(library, env)),
        }
        shown(results["mcp"], "MCP")
        process, url = start_server(library, env, args.askers)
        try:
            # Alternate: the CLI's batch, then each concurrency, on the same warm machine.
            results["cli"] = cli_answers(library, questions, env)
            shown(results["cli"], "qa ask --json -")
            results["http"] = []
            for clients in args.clients.split(","):
                results["http"].append(load(url, questions, int(clients), args.seconds))
                shown(results["http"][-1], f"HTTP, {clients} clients")
            single = results["http"][0]["p50_s"]
            four = next((r for r in results["http"] if r["clients"] == 4), None)
            results["p95_at_4_over_p50_at_1"] = round(four["p95_s"] / single, 2) if four else None
            results["http_p50_at_1_over_cli_warm_p50"] = round(
                single / results["cli"]["warm_p50_s"], 2
            )
            results["http_p95_at_1_over_cli_warm_p95"] = round(
                results["http"][0]["p95_s"] / results["cli"]["warm_p95_s"], 2
            )
            results["soak"] = soak(
                url, library, incoming, questions, args.soak_clients, args.soak, env
            )
        finally:
            process.terminate()
            process.wait()
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
