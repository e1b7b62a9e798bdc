"""Write the standalone set: questions that stand on their own, each asked after one to three
unrelated turns, which the follow-up reader must read exactly as typed.

The follow-up reader once rewrote such questions ("Who is the chief executive of Qantas?" after
"who raised sanctions?" became "Who is Boris Johnson executive of Qantas?"). This set is large
so that a rule tuned to a few conversations cannot pass it by chance. Each line is a
conversation in the format of `tests/fixtures/followups.jsonl`; every turn has an empty
`refers_to`, so every turn, the unrelated earlier ones too, must be read as typed, and each
earlier turn carries a fixed answer (its first SQuAD answer, or the template's), so reading the
set needs no models (`python -m qa.evaluation.followups FILE --resolver-only`).

Two sources, mixed with a fixed seed so the file is the same on every run:

* SQuAD dev questions (from the data folder) that name something and have no word that could
  point outside them (no pronoun, no "this" or "that"); the earlier turns come from other
  articles. Only question text and short answers are written, never the articles.
* News questions written from templates over companies, people and countries, in the way the
  BBC reports them: "Who is the chief executive of Qantas?", "Where is the firm based?" after
  turns that never named a firm, "What did Tony Blair say about Iraq?" after turns that
  answered with another person.

    python -m qa.evaluation.standalone --data ../shared/data \\
        --out tests/fixtures/standalone-after-unrelated.jsonl
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

import click

SQUAD = "squad-v1.1-dev.split-dev.json"
NEWS = "news/bbc-news-2225.jsonl.gz"
_POINTING = re.compile(
    r"\b(?:he|she|him|her|his|hers|it|its|they|them|their|there|then|this|that|these|those|"
    r"one|ones|former|latter|same|other)\b",
    re.IGNORECASE,
)
_NAME = re.compile(r"\s[A-Z][\w'’.-]+")


@dataclass(frozen=True)
class Asked:
    """A question and the answer its turn is given."""

    question: str
    answer: str


COMPANIES = (
    "Qantas",
    "Ryanair",
    "British Airways",
    "easyJet",
    "Airbus",
    "Boeing",
    "Vodafone",
    "BT",
    "Tesco",
    "Sainsbury's",
    "Marks & Spencer",
    "Shell",
    "BP",
    "Unilever",
    "Barclays",
    "HSBC",
    "Lloyds TSB",
    "GlaxoSmithKline",
    "Rolls-Royce",
    "Deutsche Telekom",
    "Yukos",
    "Gazprom",
    "Rosneft",
    "Nissan",
    "Toyota",
    "General Motors",
    "Ford",
    "Volkswagen",
    "Microsoft",
    "Google",
    "Yahoo",
    "Apple",
    "Sony",
    "Nintendo",
    "IBM",
    "Intel",
    "Time Warner",
    "Vivendi Universal",
    "EMI",
    "Glazer",
    "Manchester United",
    "Arsenal",
    "Chelsea",
    "Fiat",
    "Parmalat",
    "Alitalia",
    "Lufthansa",
    "Air France",
)
"""Companies and clubs as the news of 2004-2005 named them."""
PEOPLE = (
    "Tony Blair",
    "Gordon Brown",
    "Michael Howard",
    "Charles Kennedy",
    "George W Bush",
    "Jacques Chirac",
    "Gerhard Schroeder",
    "Vladimir Putin",
    "Kofi Annan",
    "Alan Greenspan",
    "Mervyn King",
    "Geoff Dixon",
    "Michael O'Leary",
    "Rod Eddington",
    "Bill Gates",
    "Steve Jobs",
    "Arsene Wenger",
    "Jose Mourinho",
    "Alex Ferguson",
    "Roman Abramovich",
    "Boris Johnson",
    "Chrystia Freeland",
)
COUNTRIES = (
    "Canada",
    "France",
    "Germany",
    "Russia",
    "China",
    "Japan",
    "India",
    "Iraq",
    "Iran",
    "Australia",
    "Brazil",
    "Italy",
    "Spain",
    "Ukraine",
    "Zimbabwe",
    "South Africa",
)
CAPITALS = {
    "Canada": "Ottawa",
    "France": "Paris",
    "Germany": "Berlin",
    "Russia": "Moscow",
    "China": "Beijing",
    "Japan": "Tokyo",
    "India": "New Delhi",
    "Iraq": "Baghdad",
    "Iran": "Tehran",
    "Australia": "Canberra",
    "Brazil": "Brasilia",
    "Italy": "Rome",
    "Spain": "Madrid",
    "Ukraine": "Kiev",
    "Zimbabwe": "Harare",
    "South Africa": "Pretoria",
}
# Earlier turns that name people and places only: after them, "the firm" has nothing to mean.
_PEOPLE_AND_PLACES = (
    "who raised sanctions against {country}?|{person}",
    "What is the capital of {country}?|{capital}",
    "Who is the deputy prime minister of {country}?|{person}",
    "Who visited {country} last week?|{person}",
    "Which country did {person} visit?|{country}",
    "Where did {person} give the speech?|{capital}",
    "When will {person} meet the leaders of {country}?|next Tuesday",
    "How many people live in {country}?|40 million",
)
# Questions with a subject of their own, whatever was asked before.
_STANDALONE_NEWS = (
    "Who is the chief executive of {company}?",
    "Who is the chief financial officer of {company}?",
    "Who is the chairman of {company}?",
    "Where is {company} based?",
    "How much profit did {company} make last year?",
    "How many jobs will {company} cut?",
    "Which firm bought {company}?",
    "When did {company} buy {other}?",
    "Why did shares in {company} fall?",
    "What did {person} say about {country}?",
    "When did {person} become prime minister?",
    "Who succeeded {person}?",
    "How old is {person}?",
    "Where was {person} born?",
    "What is the population of {country}?",
    "Who is the president of {country}?",
    "Where is the firm based?",
    "How much did the firm earn in 2004?",
    "Who runs the company?",
    "Which airline cut its fares?",
    "Which company announced it would cut 1,000 jobs?",
    "What did the chancellor say about interest rates?",
)
"""The last five name no company: only earlier turns that never named a firm may come first."""
_NO_FIRM_NEEDED = frozenset(
    {
        "Where is the firm based?",
        "How much did the firm earn in 2004?",
        "Who runs the company?",
    }
)


def squad_questions(path: Path) -> dict[str, list[Asked]]:
    """Per article, the SQuAD questions that stand on their own: they name something (a
    capitalised word after the first) and have no word that could point outside them."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    by_article: dict[str, list[Asked]] = {}
    for article in data:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                question = " ".join(qa["question"].split())
                answers = [a["text"] for a in qa.get("answers", [])]
                if not answers or _POINTING.search(question) or not _NAME.search(question):
                    continue
                if not question.endswith("?") or len(question.split()) > 18:
                    continue
                by_article.setdefault(article["title"], []).append(Asked(question, answers[0]))
    return by_article


def _fill(template: str, rng: random.Random) -> str:
    country = rng.choice(COUNTRIES)
    company, other = rng.sample(COMPANIES, 2)
    return template.format(
        country=country,
        capital=CAPITALS[country],
        person=rng.choice(PEOPLE),
        company=company,
        other=other,
    )


def _asked(template: str, rng: random.Random) -> Asked:
    question, answer = _fill(template, rng).split("|")
    return Asked(question, answer)


def _chat(chat_id: str, corpus: str, turns: list[Asked]) -> dict[str, object]:
    return {
        "id": chat_id,
        "corpus": corpus,
        "turns": [
            {"question": t.question, "answers": [t.answer], "read_as": t.question, "refers_to": []}
            for t in turns
        ],
    }


def build(data: Path, squad_count: int = 150, news_count: int = 110) -> list[dict[str, object]]:
    """The standalone conversations: SQuAD ones first, then news ones, all from a fixed seed."""
    rng = random.Random(20)
    by_article = squad_questions(data / SQUAD)
    titles = sorted(by_article)
    chats = []
    for number in range(squad_count):
        title = titles[number % len(titles)]
        others = [t for t in titles if t != title]
        earlier = [rng.choice(by_article[t]) for t in rng.sample(others, rng.randint(1, 3))]
        last = rng.choice(by_article[title])
        chats.append(_chat(f"squad-{number:03d}", SQUAD, [*earlier, last]))
    for number in range(news_count):
        template = _STANDALONE_NEWS[number % len(_STANDALONE_NEWS)]
        if template in _NO_FIRM_NEEDED or number % 2 == 0:
            pool: tuple[str, ...] = _PEOPLE_AND_PLACES
            earlier = [_asked(rng.choice(pool), rng) for _ in range(rng.randint(1, 3))]
        else:
            # An unrelated SQuAD turn, then news about people and places.
            squad_turn = rng.choice(by_article[rng.choice(titles)])
            earlier = [squad_turn, _asked(rng.choice(_PEOPLE_AND_PLACES), rng)]
        last = Asked(_fill(template, rng), "(not scored)")
        chats.append(_chat(f"news-{number:03d}", NEWS, [*earlier, last]))
    return chats


@click.command()
@click.option(
    "--data",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=Path("../shared/data"),
    show_default=True,
    help="The folder holding the SQuAD dev set.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    default=Path("tests/fixtures/standalone-after-unrelated.jsonl"),
    show_default=True,
)
def main(data: Path, out: Path) -> None:
    """Write the standalone set (JSON Lines) from SQuAD questions and news templates."""
    chats = build(data)
    out.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in chats))
    click.echo(f"{len(chats)} conversations written to {out}")


if __name__ == "__main__":
    main.main(prog_name="python -m qa.evaluation.standalone")
