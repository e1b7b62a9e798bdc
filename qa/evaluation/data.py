"""Question sets for `qa eval`: SQuAD JSON (v1.1, v2.0) and the news format, with their corpora."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from qa.index import QAError


class DatasetError(QAError):
    """A question set `qa eval` cannot read."""


@dataclass(frozen=True)
class GoldQuestion:
    """A question with what counts as a right answer and where it lives."""

    id: str
    question: str
    answers: tuple[str, ...]
    """Empty for unanswerable questions."""
    article_key: str
    """The corpus record the answer is in."""
    spans: tuple[tuple[int, int], ...] = ()
    """Character ranges of the gold answers in the article (SQuAD); empty: any occurrence."""


@dataclass
class Dataset:
    """A question set and its corpus, as records the indexer reads from a JSON Lines file."""

    name: str
    questions: list[GoldQuestion]
    records: list[dict[str, str]] = field(default_factory=list)
    digest: str = ""

    def questions_about(self, half: str) -> list[GoldQuestion]:
        """The questions about the "first" or "second" half of the articles, in file order
        (the confidence calibrator is fitted on SQuAD dev's first half, reported on the other)."""
        middle = len(self.records) // 2
        keys = {record["id"] for record in self.records[:middle]}
        return [q for q in self.questions if (q.article_key in keys) == (half == "first")]

    def write_corpus(self, path: Path) -> None:
        path.write_text("".join(json.dumps(record) + "\n" for record in self.records))


def load_dataset(path: Path) -> Dataset:
    """A SQuAD JSON file, or news questions (`*.questions.jsonl` beside `*.articles.jsonl`)."""
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
        if path.name.endswith(".questions.jsonl"):
            articles = path.with_name(path.name.replace(".questions.jsonl", ".articles.jsonl"))
            if not articles.is_file():
                raise DatasetError(
                    f"{path}: news questions need their articles beside them, in {articles.name}"
                )
            digest = hashlib.sha256(path.read_bytes() + articles.read_bytes()).hexdigest()[:16]
            return _news(path, articles, digest)
        return _squad(path, digest)
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as error:
        # json.JSONDecodeError is a ValueError; a missing field is a KeyError or a TypeError.
        reason = f"missing field {error}" if isinstance(error, KeyError) else str(error)
        raise DatasetError(
            f"{path}: not a SQuAD JSON file or news *.questions.jsonl ({reason}); "
            "see qa eval --help"
        ) from error


def _squad(path: Path, digest: str) -> Dataset:
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    questions: list[GoldQuestion] = []
    records = []
    for number, article in enumerate(data):
        key = f"squad-{number}"
        parts: list[str] = []
        offset = 0
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            for qa in paragraph["qas"]:
                answers = tuple(a["text"] for a in qa.get("answers", []))
                spans = tuple(
                    (offset + a["answer_start"], offset + a["answer_start"] + len(a["text"]))
                    for a in qa.get("answers", [])
                )
                questions.append(GoldQuestion(qa["id"], qa["question"], answers, key, spans))
            parts.append(context)
            offset += len(context) + 2
        title = article["title"].replace("_", " ")
        records.append({"id": key, "title": title, "text": "\n\n".join(parts)})
    return Dataset(path.name, questions, records, digest)


def _news(questions_path: Path, articles_path: Path, digest: str) -> Dataset:
    records = []
    for line in articles_path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            article = json.loads(line)
            records.append(
                {
                    "id": article["url"],
                    "url": article["url"],
                    "title": article.get("title") or "",
                    "text": article.get("text") or "",
                    "publish_date": article.get("publish_date") or "",
                }
            )
    questions = []
    for number, line in enumerate(questions_path.read_text(encoding="utf-8").splitlines()):
        if line.strip():
            item = json.loads(line)
            questions.append(
                GoldQuestion(
                    str(item.get("question_id", number)),
                    item["question"],
                    tuple(item["answers"]),
                    item["gold_url"],
                )
            )
    return Dataset(questions_path.name, questions, records, digest)
