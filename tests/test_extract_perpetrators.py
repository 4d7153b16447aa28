"""Who did the killing, as the claim's source tells it: sentences written for these tests."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib.articles import Article
from lib.claims import PERPETRATORS, article_id_for, check_claims
from lib.extract import extract_article
from lib.extract.perpetrators import perpetrator_fields
from lib.extract.text import parse, sentences
from tests.growth import assert_linear

DAY = date(2013, 3, 6)
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "dev"


def tolls(text: str, title: str | None = None) -> pd.DataFrame:
    """The death tolls of `text` (under a headline line if given), checked valid."""
    full = f"{title}\n\n{text}" if title else text
    body_start = len(title) + 2 if title else 0
    article = Article(article_id_for(full), title, full, DAY, "Reuters", None, "t", body_start)
    frame = extract_article(article)
    assert check_claims(frame) == []
    return frame[frame["claim_type"] == "death_toll"].reset_index(drop=True)


def blame(text: str, deaths: int, **kwargs) -> tuple[str, str | None]:
    """(perpetrator, perpetrator_text) of the toll of `deaths` in `text`."""
    found = tolls(text, **kwargs)
    row = found[found["deaths"] == deaths]
    assert len(row) >= 1, found[["deaths", "sentence"]]
    first = row.iloc[0]
    return first["perpetrator"], (None if pd.isna(first["perpetrator_text"]) else
                                  first["perpetrator_text"])  # fmt: skip


@pytest.mark.parametrize(
    ("text", "deaths", "who", "words"),
    [
        ("Army troops killed 14 people in a village near Hama on Tuesday, activists said.",
         14, "government", "Army troops"),
        ("At least 9 civilians were killed by regime shelling of the old city, a monitor said.",
         9, "government", "regime shelling"),
        ("IS militants executed 23 captured soldiers outside the town, the monitor said.",
         23, "islamic_state", "IS militants"),
        ("Russian airstrikes on a market killed 31 people, the Observatory said.",
         31, "russia", "Russian airstrikes"),
        ("Turkish jets killed 12 Kurdish fighters overnight, the army said.",
         12, "turkey", "Turkish jets"),
        ("Kurdish fighters killed 8 Islamic State militants near the border, a monitor said.",
         8, "kurdish_forces", "Kurdish fighters"),
        ("Israeli jets struck a convoy, killing 6 fighters, a monitoring group said.",
         6, "israel", "Israeli jets"),
        ("Rebel fighters killed 11 soldiers at a checkpoint, activists said.",
         11, "rebels", "Rebel fighters"),
        ("Eighteen people died when security forces fired on mourners, residents said.",
         18, "government", "security forces"),
        ("The air force was accused of killing 40 people with barrel bombs, activists said.",
         40, "government", "air force"),
    ],
)  # fmt: skip
def test_the_agent_of_the_killing_is_the_perpetrator(text, deaths, who, words):
    assert blame(text, deaths) == (who, words)


def test_state_media_labels_are_rebels():
    text = "State television said armed terrorist groups killed 7 policemen in Homs on Monday."
    assert blame(text, 7) == ("rebels", "armed terrorist groups")
    text = 'State media blamed "armed gangs" for the blast, which killed 16 people on Monday.'
    assert blame(text, 16)[0] == "rebels"


def test_the_attack_agent_carries_to_the_toll_of_the_next_sentence():
    text = ("Government forces shelled the town of Kafr Nabl on Friday. "
            "Activists said 12 people died.")  # fmt: skip
    assert blame(text, 12) == ("government", "Government forces")


def test_a_victim_is_not_the_agent():
    text = "Twelve government soldiers were killed in an ambush near Idlib on Tuesday."
    assert blame(text, 12) == ("unknown", None)
    text = "At least 20 IS fighters were killed in clashes on Tuesday, a monitor said."
    assert blame(text, 20) == ("unknown", None)


def test_clashes_and_unclaimed_bombings_stay_unknown():
    assert blame("At least 15 people were killed in clashes in Deraa on Monday.", 15)[0] == (
        "unknown"
    )
    assert blame("A car bomb killed 22 people in a busy street of Homs.", 22)[0] == "unknown"
    # and they end the previous attack: its agent is not carried past them
    text = ("Regime warplanes bombed Raqqa on Sunday, activists said. "
            "In Aleppo, a car bomb exploded near a mosque, killing 5 people.")  # fmt: skip
    assert blame(text, 5)[0] == "unknown"


def test_each_toll_takes_the_agent_next_to_it():
    text = ("Nine people were killed on Friday: four soldiers shot by rebels and "
            "five civilians killed by security forces, activists said.")  # fmt: skip
    assert blame(text, 4)[0] == "rebels"
    assert blame(text, 5)[0] == "government"


def test_a_claimed_bombing_belongs_to_the_group_that_claimed_it():
    text = "The Islamic State claimed responsibility for two suicide bombings that killed 19."
    assert blame(text, 19)[0] == "islamic_state"


def test_a_territory_or_target_is_not_an_agent():
    text = "Air strikes on IS-held Raqqa kill 10 civilians, activists say."
    assert blame(text, 10)[0] != "islamic_state"
    text = "Air strikes by the US-led coalition against the Islamic State have killed 70 people."
    assert blame(text, 70)[0] == "coalition"


def test_a_headline_takes_the_agent_of_its_lead():
    title = "17 killed in Deir ez-Zor"
    text = "Islamic State fighters executed 17 men in Deir ez-Zor province on Monday."
    assert blame(text, 17, title=title)[0] == "islamic_state"


def test_a_running_total_takes_no_agent_from_the_sentences_before():
    text = ("Syrian troops shelled Homs on Monday, killing 8 people. More than 70,000 "
            "people have been killed since the uprising began in March 2011.")  # fmt: skip
    assert blame(text, 8)[0] == "government"
    assert blame(text, 70000)[0] == "unknown"


def test_the_militants_are_the_group_last_named():
    text = ("Islamic State fighters stormed the village on Monday. "
            "The militants killed 30 men there, a monitor said.")  # fmt: skip
    assert blame(text, 30)[0] == "islamic_state"


def test_events_carry_their_agent_and_statements_none():
    text = "Government forces shelled the town of Rastan on Friday, activists said."
    full = text
    article = Article(article_id_for(full), None, full, DAY, "Reuters", None, "t", 0)
    frame = extract_article(article)
    events = frame[frame["claim_type"] == "event"]
    assert set(events["perpetrator"]) == {"government"}
    statements = frame[frame["claim_type"] == "statement"]
    assert statements["perpetrator"].isna().all()


def test_an_event_that_is_nobody_s_act_blames_no_one():
    text = "Rebels withdrew from the town of Rastan on Friday after shelling by army tanks."
    article = Article(article_id_for(text), None, text, DAY, "Reuters", None, "t", 0)
    events = extract_article(article).query("claim_type == 'event'").set_index("event_type")
    assert pd.isna(events.loc["withdrawal", "perpetrator"])
    assert events.loc["shelling", "perpetrator"] == "government"


def test_a_progressive_verb_is_active():
    text = "Activists said the regime is pounding the town, and 7 people died on Sunday."
    assert blame(text, 7)[0] == "government"


def test_every_value_is_in_the_model():
    text = ("Regime warplanes killed 4 people in Douma. Rebels killed 3 soldiers in Harasta. "
            "Clashes killed 2 in Zabadani. IS executed 5 in Raqqa.")  # fmt: skip
    assert set(tolls(text)["perpetrator"]) <= set(PERPETRATORS)


def _random_text(size: int) -> str:
    rng = random.Random(size)
    words = ["regime", "forces", "killed", "by", "the", "terrorists", "in", "clashes", "IS",
             "executed", "12", "people", "shelled", "Homs", ",", "and", "blamed", "on",
             "car", "bomb", "were", "airstrikes", "Russian", "militants"]  # fmt: skip
    return " ".join(rng.choice(words) for _ in range(size)) + "."


def _hostile_text(size: int) -> str:
    """One sentence with no end: agents and tolls alternating, every claim in one span."""
    return " ".join("regime forces killed 12 people , rebels shelled" for _ in range(size // 8))


def _all_blames(text: str) -> None:
    doc = parse(text)
    found = sentences(doc, 0)
    for sentence in found:
        span = sentence.span
        for start in range(span.start, span.end, 7):
            perpetrator_fields(doc, found, sentence, start, start + 1, False)


@pytest.mark.parametrize("make", [_random_text, _hostile_text])
def test_blame_is_linear_in_the_article(make):
    assert_linear(_all_blames, make, 8000)


@pytest.mark.skipif(not (CORPUS / "gold.jsonl").exists(), reason="no development corpus")
def test_dev_corpus_gold_perpetrators_use_the_model_classes():
    rows = [json.loads(line) for line in (CORPUS / "gold.jsonl").open(encoding="utf-8")]
    assert {r["perpetrator"] for r in rows} <= set(PERPETRATORS)


def test_clashes_with_a_named_side_blame_that_side():
    text = "At least 9 Kurdish fighters were killed during clashes with the Islamic State group."
    assert blame(text, 9)[0] == "islamic_state"
    text = "At least 9 people were killed in clashes between rebels and troops on Monday."
    assert blame(text, 9)[0] == "unknown"
