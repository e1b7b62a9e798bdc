"""End to end with the real models: a newsletter kept in a mailbox answers `qa ask`."""

from __future__ import annotations

import json
import mailbox
from email.message import EmailMessage
from pathlib import Path

from click.testing import CliRunner

from qa.cli import cli

FERRY = "The night ferry to Roscoff will stop running in October."


def test_qa_ask_answers_from_a_newsletter_in_an_mbox(tmp_path: Path) -> None:
    (tmp_path / "mail").mkdir()
    box = mailbox.mbox(tmp_path / "mail" / "newsletters.mbox")
    for subject, body in [
        ("Tide tables", "Spring tides will cover the lower car park twice this week."),
        ("Ferry news", f"{FERRY} The operator blamed rising fuel costs.\n\nSee you soon."),
    ]:
        mail = EmailMessage()
        mail["Subject"], mail["From"] = subject, "Coastal Weekly <news@example.org>"
        mail["Date"] = "Wed, 03 Jan 2024 07:15:00 +0000"
        mail.set_content(body)
        box.add(mail)
    box.close()
    library = str(tmp_path / "lib")
    runner = CliRunner()
    added = runner.invoke(cli, ["index", "add", "--library", library, str(tmp_path / "mail")])
    assert added.exit_code == 0, added.output
    assert "2 articles added" in added.output
    asked = runner.invoke(
        cli, ["ask", "--json", "--library", library, "When will the night ferry to Roscoff stop?"]
    )
    assert asked.exit_code == 0, asked.output
    answer = json.loads(asked.output)
    assert answer["found"] and "October" in answer["text"]
    citation = answer["citations"][0]
    assert citation["sentence"] == FERRY
    assert citation["title"] == "Ferry news" and citation["date"] == "2024-01-03"
