"""`qa eval` over a tiny SQuAD-format fixture: the same path as `qa ask`, measured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import FIXTURES

from qa.cli import cli
from qa.evaluation.data import DatasetError, load_dataset
from qa.evaluation.metrics import contains_answer, exact_match, f1_score, normalize_answer


def test_official_normalisation_and_scores() -> None:
    assert normalize_answer("The  Great, Sichuan earthquake!") == "great sichuan earthquake"
    assert exact_match("the Great Sichuan Earthquake", ["Great Sichuan earthquake"]) == 1.0
    assert f1_score("Sichuan earthquake of 2008", ["the Great Sichuan earthquake"]) == 2 * (
        2 / 4 * 2 / 3
    ) / (2 / 4 + 2 / 3)
    assert contains_answer("It opened in 1924, apart from", ["1924"])
    assert not contains_answer("It opened in 19240", ["1924"])
    assert contains_answer("Australia’s remote Northern Territory", ["Australia"])
    assert contains_answer("the hit show Squid Game", ["“Squid Game”"])
    assert not contains_answer("Australias remote Northern Territory", ["Australia"])


def test_squad_articles_become_one_document_each_with_exact_answer_offsets() -> None:
    dataset = load_dataset(FIXTURES / "tiny-squad.json")
    assert len(dataset.records) == 3
    texts = {record["id"]: record["text"] for record in dataset.records}
    for gold in dataset.questions:
        for (start, end), answer in zip(gold.spans, gold.answers, strict=True):
            assert texts[gold.article_key][start:end] == answer
    assert sum(not gold.answers for gold in dataset.questions) == 1


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("notes.txt", b"plain words", "not a SQuAD JSON file"),
        ("partial.json", b'{"data": [{"title": "x"}]}', "missing field 'paragraphs'"),
        ("latin1.json", b"\xff\xfe", "codec can't decode"),
        ("week.questions.jsonl", b'{"question": "q"}\n', "week.articles.jsonl"),
    ],
)
def test_a_dataset_qa_eval_cannot_read_gets_one_line_naming_it(
    tmp_path: Path, name: str, content: bytes, says: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DatasetError, match=says) as raised:
        load_dataset(path)
    assert str(path) in str(raised.value) and "\n" not in str(raised.value)
    result = CliRunner().invoke(cli, ["eval", str(path)], env={"QA_HOME": str(tmp_path / "home")})
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"qa: error: {raised.value}"]


def test_qa_eval_compares_pipelines_on_the_fixture() -> None:
    runner = CliRunner()
    args = [
        "eval",
        str(FIXTURES / "tiny-squad.json"),
        "--config",
        "lexical",
        "--config",
        "hybrid",
        "--config",
        "hybrid+reader",
        "--json",
    ]
    result = runner.invoke(cli, args)
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert set(rows) == {"lexical", "hybrid", "hybrid+reader"}
    assert rows["hybrid"]["R@5"] == 1.0  # nine answerable questions over a tiny corpus
    reader = rows["hybrid+reader"]
    assert reader["questions"] == 10
    # Retrieval over words alone finds every gold passage first, whatever the encoder.
    assert rows["lexical"]["R@1"] == rows["lexical"]["MRR"] == 1.0
    # Nine answerable questions: EM counts the right ones among them, F1 gives partial credit.
    right = reader["EM"] * 9 / 100
    assert right == pytest.approx(round(right)) and 5 <= round(right) <= 9
    assert reader["F1"] >= reader["EM"] and reader["F1"] >= 50.0
    assert reader["EM@100%"] == pytest.approx(reader["EM"])
    assert reader["declined unanswerable"] == 1.0  # the one unanswerable question
    assert reader["p50 ms"] > 0
    assert 0.0 < reader["ece"] < 0.5
    # AUROC over the nine answers is a count of (right, wrong) pairs in order, ties halved.
    pairs = round(right) * (9 - round(right))
    if pairs:
        assert (2 * reader["auroc"] * pairs) == pytest.approx(round(2 * reader["auroc"] * pairs))
        # Whether right answers rank above wrong ones over nine questions is the fitted
        # calibrator's noise, not a property of qa eval: only the count is checked above.
    # EM of the most confident fifth is a share of its two answers (ranking them is the
    # fitted calibrator's business, measured in docs/quality.md, not on nine questions).
    assert reader["EM@20%"] in {0.0, 50.0, 100.0}
    assert reader["EM@100%"] >= reader["EM"]
    assert "ece" not in rows["hybrid"]  # retrieval alone shows no confidence
    table = runner.invoke(cli, args[:-1])
    assert "| config | questions | R@1 | R@5 |" in table.output


def test_qa_eval_writes_every_wrong_or_declined_answer_to_read(tmp_path: Path) -> None:
    misses = tmp_path / "misses.jsonl"
    args = ["eval", str(FIXTURES / "tiny-squad.json"), "--config", "hybrid+reader", "--json"]
    result = CliRunner().invoke(cli, [*args, "--misses", str(misses)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.stdout)["hybrid+reader"]
    rows = [json.loads(line) for line in misses.read_text().splitlines()]
    # Nine answerable questions: the misses are exactly those not answered exactly right.
    assert len(rows) == round(9 * (1 - figures["EM"] / 100))
    dataset = load_dataset(FIXTURES / "tiny-squad.json")
    golds = {q.id: list(q.answers) for q in dataset.questions}
    for row in rows:
        assert row["gold"] == golds[row["id"]] and row["gold"]
        assert row["answer"] is None or not exact_match(row["answer"], row["gold"])
        assert set(row) >= {"question", "confidence", "gold passage rank", "gold article cited"}
