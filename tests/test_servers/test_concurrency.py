"""Clients ask while `qa index add` writes the same library: no request fails, and every
answer and passage is one the library had committed (its text is the article's, at its
offsets). The long run, 16 clients for 60 s over 300 BBC articles, is benchmarks/agents.py."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path
from typing import Any

import httpx
from serving import QA, server_env, start_server, stop
from support import news_dump

from qa.index import Library, MiniLMEmbedder

CLIENTS = 3


def test_answers_stay_consistent_while_the_library_is_written(
    seeds_copy: Path, tmp_path: Path, real_embedder: MiniLMEmbedder
) -> None:
    dump = tmp_path / "incoming" / "harbour.jsonl"
    dump.parent.mkdir()
    dump.write_text(
        news_dump(40, "Harbour story number {n}: the ferry left at dawn with {n} passengers.")
    )
    process, url = start_server("--library", str(seeds_copy), "--askers", "2")
    warm = httpx.post(url + "/ask", json={"question": "who raised sanctions?"}, timeout=300)
    assert warm.status_code == 200  # the models are loaded: the clients start at full speed
    writer = subprocess.Popen(
        [str(QA), "index", "add", str(dump.parent), "--library", str(seeds_copy)],
        env=server_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    replies: list[dict[str, Any]] = []
    during: list[bool] = []
    failures: list[str] = []

    def client(number: int) -> None:
        with httpx.Client(base_url=url, timeout=300) as http:
            # Ask until the writer is done, and once more after: the last requests see it all.
            while True:
                finished = writer.poll() is not None
                if number % 2:
                    response = http.post("/ask", json={"question": "who raised sanctions?"})
                else:
                    response = http.get("/search", params={"q": "ferry passengers sanctions"})
                if response.status_code != 200:
                    failures.append(response.text)
                replies.append(response.json())
                during.append(not finished)
                if finished:
                    return

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert writer.wait() == 0, writer.stderr.read() if writer.stderr else ""
    final = httpx.get(url + "/status", timeout=60).json()
    stop(process)

    assert any(during), "no request ran while the library was written"
    assert failures == []
    assert final["articles"] == 41
    library = Library(seeds_copy, real_embedder)
    try:
        for reply in replies:
            if "citations" in reply:
                assert reply["text"] == "Boris Johnson"
                for citation in reply["citations"]:
                    text = library.article(citation["article_id"]).article.text
                    assert (
                        text[citation["sentence_start"] : citation["sentence_end"]]
                        == (citation["sentence"])
                    )
            else:
                for found in reply["results"]:
                    text = library.article(found["article_id"]).article.text
                    assert text[found["start"] : found["end"]] == found["text"]
    finally:
        library.close()
    assert any("results" in reply and len(reply["results"]) > 1 for reply in replies)
