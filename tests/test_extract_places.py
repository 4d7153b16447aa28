"""Where the deaths happened: explicit cues, the war gazetteer, datelines, the event frame,
lists and regions. Sentences written for these tests in wire-copy style."""

from __future__ import annotations

import functools
import gc
import random
from datetime import date

import pandas as pd
import pytest

from lib.articles import Article
from lib.claims import article_id_for, check_claims
from lib.extract import extract_article
from lib.extract.matching import find
from lib.extract.places import Placer, dateline_spans, find_places, place_matcher
from lib.extract.text import parse
from lib.geography import governorate_of_point, resolve_place, war_places
from tests.growth import assert_linear

WEDNESDAY = date(2012, 5, 16)


def tolls(*paragraphs: str, title: str = "Syria violence") -> pd.DataFrame:
    """Death tolls of an article made of a headline and paragraphs (checked valid)."""
    text = title + "\n\n" + "\n\n".join(paragraphs)
    article_id = article_id_for(text)
    article = Article(article_id, title, text, WEDNESDAY, "Reuters", None, "t", len(title))
    frame = extract_article(article)
    assert check_claims(frame) == []
    return frame[frame["claim_type"] == "death_toll"].reset_index(drop=True)


def where(*paragraphs: str) -> list[tuple]:
    """(deaths, governorate or None, governorates or None) of every toll, in text order."""
    rows = tolls(*paragraphs)
    rows = rows[rows["part_of"].isna() & rows["deaths"].notna()]  # no sub-counts, no "dozens"
    return [
        (
            int(r.deaths),
            None if pd.isna(r.governorate) else r.governorate,
            None if r.governorates is None or r.governorates is pd.NA else tuple(r.governorates),
        )
        for r in rows.itertuples()
    ]


def governorate_of(text: str) -> str | None:
    (found,) = where(text)
    return found[1]


# -- explicit cues --------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Shelling killed 14 people in the northwestern province of Latakia, activists said.",
         "SY-LA"),
        ("Air raids killed 9 civilians in Raqqa province on Tuesday, the group said.", "SY-RA"),
        ("At least 26 civilians were killed in Syria's southern province of Daraa, activists said.",
         "SY-DR"),
        ("At least 40 men were killed in Syria’s northern city of Aleppo, SANA said.", "SY-HL"),
        ("Troops killed 12 people in Qaryat Abu Zaid, south-west of Damascus, activists said.",
         "SY-RD"),
        ("A mortar attack on the outskirts of Damascus killed 7 people, state media said.",
         "SY-RD"),
        ("Shelling killed 8 people in Kafr Blah, a suburb on the eastern edge of the capital.",
         "SY-RD"),
        ("A car bomb killed 11 people in the capital on Monday, state television said.", "SY-DI"),
        ("Shelling killed 5 people in the Damascus suburb of Douma, activists said.", "SY-RD"),
        ("Nine people died in the village of Tell Qasr in Hama province, the group said.",
         "SY-HM"),
        ("Bombs killed 20 people in the town of Salma in Jabal Akrad, the monitor said.", "SY-LA"),
        ("Fighting killed 6 rebels in Idlib countryside, the Observatory said.", "SY-ID"),
    ],
)  # fmt: skip
def test_explicit_cues_name_the_governorate(text, code):
    assert governorate_of(text) == code


@pytest.mark.parametrize(
    ("text", "place", "code"),
    [
        ("Shelling killed 5 people in Damascus' eastern suburb of Douma.", "Douma", "SY-RD"),
        ("Shelling killed 5 people in Idlib's Jisr al-Shughour on Monday.", "Jisr al-Shughour",
         "SY-ID"),
        ("Shelling killed 5 people in Qusayr, 10 km south of Homs.", "Qusayr", "SY-HI"),
        ("Shelling killed 5 people in Tell Qasr, 10 km south of Damascus.", "Damascus", "SY-RD"),
    ],
)  # fmt: skip
def test_the_located_name_is_the_place_and_its_locator_only_helps(text, place, code):
    (row,) = tolls(text).itertuples()
    assert (row.place, row.governorate) == (place, code)


def test_near_a_building_in_damascus_is_the_city():
    text = "A car bomb exploded outside a police station in Damascus, killing 5 people."
    assert governorate_of(text) == "SY-DI"


def test_the_capital_of_another_place_is_not_damascus():
    assert governorate_of("Air strikes killed 15 people in the capital of Raqqa province.") == (
        "SY-RA"
    )


# -- the gazetteer of war places -------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Halfaya", "SY-HM"),
        ("Jdeidet al-Fadl", "SY-RD"),
        ("Ain Issa", "SY-RA"),
        ("al-Baghaliyeh", "SY-DY"),
        ("Mazraat al-Qubair", "SY-HM"),
        ("Baba Amr", "SY-HI"),
        ("Moadamiyeh", "SY-RD"),
        ("Jobar", "SY-DI"),
        ("Kafranbel", "SY-ID"),
        ("Sheikh Maqsoud", "SY-HL"),
        ("Tal Abyad", "SY-RA"),
        ("Busra al-Harir", "SY-DR"),
    ],
)
def test_places_the_war_made_known_have_their_governorate(name, code):
    text = f"Shelling killed 12 people in {name} on Tuesday, activists said."
    assert governorate_of(text) == code


def test_war_places_table_is_consistent():
    table = war_places()
    assert table["name"].is_unique
    assert len(table) >= 400
    for row in table.itertuples():
        place = resolve_place(row.name, prefer="town")
        assert place is not None and place.governorate == row.governorate, row.name
        if row.lat:  # coordinates only where sure: near the governorate's polygon
            near = governorate_of_point(float(row.lat), float(row.lon))
            assert near is not None, row.name


def test_a_war_place_never_shadows_a_governorate_name():
    for name in ("Hama", "Homs", "Idlib", "Daraa", "Raqqa", "Aleppo"):
        assert resolve_place(name).precision == "governorate"


# -- places learned from an explicit cue ---------------------------------------------------
@pytest.mark.parametrize(
    "cue",
    [
        "in the village of Tell al-Qasr in Hama province",
        "in the Hama village of Tell al-Qasr",
        "in the village of Tell al-Qasr, north of Hama",
    ],
)
def test_a_place_learned_from_a_cue_applies_to_later_mentions(cue):
    first, later = tolls(
        f"Shelling killed 5 people {cue} on Tuesday, activists said.",
        "On Wednesday, troops stormed Tell al-Qasr, killing 3 more, the group said.",
    ).itertuples()
    assert (first.place, first.governorate) == ("Tell al-Qasr", "SY-HM")
    assert (later.place, later.governorate, later.deaths) == ("Tell al-Qasr", "SY-HM", 3)


def test_a_name_without_a_cue_is_not_learned():
    (row,) = tolls(
        "Shelling killed 5 people in the village of Tell al-Qasr on Tuesday."
    ).itertuples()
    assert row.geo_precision == "unknown"


def test_a_gazetteer_name_ending_a_longer_name_is_not_that_place():
    # "Naima" is a Daraa village; "Beit Naima" is another place
    (row,) = tolls("Shelling killed 5 people in Beit Naima on Tuesday.").itertuples()
    assert row.geo_precision == "unknown"


# -- datelines and other clauses -------------------------------------------------------------
@pytest.mark.parametrize(
    "dateline",
    [
        "BEIRUT (Reuters) -",
        "DAMASCUS, Syria -",
        "AMMAN/GENEVA (Reuters) -",
        "DAMASCUS, Syria, May 16 (UPI) --",
        "DAMASCUS, May 16 —",
        "Damascus, (SANA)-",
        "Aleppo :",
    ],
)
def test_the_dateline_is_never_the_place_of_deaths(dateline):
    (found,) = where(f"{dateline} At least 19 people were killed on Tuesday, activists said.")
    assert found[1:] == (None, None)


def test_a_dateline_is_only_at_the_start_of_a_paragraph():
    text = "Intro\n\nHOMS - a line\nshelling in Homs - more"
    spans = dateline_spans(text, 7)
    assert [text[a:b] for a, b in spans] == ["HOMS -"]


def test_a_count_spanning_two_governorates_has_none():
    (found,) = where(
        "Air strikes killed at least 30 people in the northwestern province of Latakia "
        "overnight, and the northern city of Raqqa, activists said."
    )
    assert found[1:] == (None, ("SY-LA", "SY-RA"))


def test_a_list_of_places_is_not_a_container():
    (found,) = where(
        "Activists said 10 people died in shelling in Douma, the other suburb of Harasta and "
        "the northern province of Idlib."
    )
    assert found[1:] == (None, ("SY-RD", "SY-ID"))


@pytest.mark.parametrize(
    "text",
    [
        "The Observatory, which has a network of activists across Syria, said 14 were killed.",
        "Syria's civil war has killed 14 people in the latest clashes, activists said.",
    ],
)
def test_source_descriptions_and_possessives_are_no_place(text):
    """Not the country: the count keeps the place of the event being reported."""
    found = where("Shelling killed 3 people in Hama on Wednesday, activists said.", text)
    assert found[1] == (14, "SY-HM", None)


# -- the event frame -------------------------------------------------------------------------
LEAD = "Air strikes on Raqqa killed 25 civilians on Wednesday, activists said."


def test_later_sentences_share_the_event_place():
    found = where(
        LEAD,
        "The strikes, which took place in the evening, hit a market.",
        "The Observatory put the toll at 31 people, including six children.",
    )
    assert found == [(25, "SY-RA", None), (31, "SY-RA", None)]


def test_the_event_frame_stops_at_another_place_across_syria_and_another_day():
    found = where(
        LEAD,
        "Elsewhere, shelling killed 4 people in Homs, the group said.",
        "Two more people died of their wounds, it said.",
        "At least 90 people were killed across Syria on Wednesday, the group said.",
        "On Monday, security forces killed 12 protesters, activists said.",
    )
    assert found == [
        (25, "SY-RA", None),
        (4, "SY-HI", None),
        (2, "SY-HI", None),
        (90, None, None),
        (12, None, None),
    ]


def test_a_running_total_since_the_uprising_is_the_country_s():
    found = where(LEAD, "More than 9,000 people have been killed since the uprising began.")
    assert found[1] == (9000, None, None)


def test_a_running_total_does_not_take_the_place_of_another_clause():
    found = where(
        "Troops killed dozens of fighters near the city of Homs on Tuesday, as the opposition "
        "said the death toll in the conflict had risen to 40,000."
    )
    assert found == [(40000, None, None)]
    found = where("At least 2,500 people have been killed in Daraya since the uprising began.")
    assert found == [(2500, "SY-RD", None)]


def test_the_city_points_back_to_the_last_place_named():
    found = where(
        "Troops shelled the port city of Latakia, killing 26 people, activists said.",
        "Four other people were killed elsewhere in the country, they said.",
        "The Observatory said at least 23 people were killed in the city.",
    )
    assert found == [(26, "SY-LA", None), (4, None, None), (23, "SY-LA", None)]


def test_a_region_keeps_the_event_place_when_it_lies_there():
    found = where(
        "At least 29 people were killed in fighting in northern Syria, the Observatory said.",
        "Nineteen fighters were killed in clashes in Hasakeh province, the group said.",
    )
    assert found[0] == (29, "SY-HA", None)
    found = where("Shelling killed 7 people in Daraa.", "A raid killed 5 in southern Syria.")
    assert found[1] == (5, "SY-DR", None)
    found = where("Shelling killed 7 people in Daraa.", "A raid killed 5 in northern Syria.")
    assert found[1] == (5, None, None)


# -- lists of counts per place ---------------------------------------------------------------
def test_each_count_of_a_list_takes_its_own_place():
    found = where("Activists said 10 people were killed in Daraa, eight in Homs and six in Hama.")
    assert found == [(10, "SY-DR", None), (8, "SY-HI", None), (6, "SY-HM", None)]


def test_a_clause_break_keeps_a_place_with_its_own_count():
    found = where(
        "A car bomb in Damascus killed 35 people on Thursday, while an air strike on a "
        "hospital in southern Daraa left 18 dead, activists said."
    )
    assert found == [(35, "SY-DI", None), (18, "SY-DR", None)]


# -- linear time (issue 13) ------------------------------------------------------------------
@functools.cache
def _parsed(text: str) -> tuple:
    """Tokens and mentions of a text, made once: the growth tests time the place choice."""
    doc = parse(text)
    mentions = find_places(doc, find(place_matcher(), doc), [], 0)
    lowers = [t.lower_ for t in doc]
    return doc, mentions, tuple((i, i + 1) for i, w in enumerate(lowers) if w.isdigit())


def _choose_all(text: str) -> None:
    """Every count's place; the garbage collector is paused (its full passes scale with all
    live objects, the cached inputs included, not with this step's work)."""
    doc, mentions, counts = _parsed(text)
    gc.disable()
    try:
        placer = Placer(doc, mentions)
        for claim in counts:
            placer.choose((0, len(doc)), claim, (), (), counts)
    finally:
        gc.enable()


def test_place_choice_is_linear_in_a_sentence_that_never_ends():
    chunk = "shelling killed 3 people in Homs , 4 in Hama and 5 near Damascus while "
    assert_linear(_choose_all, lambda n: chunk * n, 1500, repeat=5)


def test_learning_places_is_linear_on_hostile_text():
    def step(text: str) -> None:
        doc = parse(text)
        find_places(doc, find(place_matcher(), doc), [], 0)

    chunk = "the town of Tell Al Qasr Beit Umm Ras in Hama province and Tell Al Qasr "
    assert_linear(step, lambda n: chunk * n, 3000, repeat=5)


def test_place_choice_is_linear_on_random_text():
    words = ["Homs", "killed", "7", "in", ",", "and", "Aleppo", "the", "city", "of", "but", "12"]
    rng = random.Random(7)
    text = " ".join(rng.choice(words) for _ in range(100000))
    assert_linear(_choose_all, lambda n: text[: n * 40], 2000, repeat=5)


# -- running totals keep only the place they name ------------------------------------------
def test_a_running_total_does_not_take_the_last_events_place():
    found = where(
        "Government shelling killed 12 people in Douma on Tuesday, activists said.",
        "The air campaign has killed more than 900 people since the summer, the Observatory said.",
    )
    assert found == [(12, "SY-RD", None), (900, None, None)]


def test_the_breakdown_of_a_local_running_total_shares_its_place():
    found = where(
        "At least 400 people have died since the assault on Kobani began in mid-September, "
        "the Observatory said.",
        "Among the attackers, around 250 fighters have died since the assault began.",
    )
    assert found == [(400, "SY-HL", None), (250, "SY-HL", None)]
