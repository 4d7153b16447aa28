"""Who says it: one test per source rule, on sentences written for these tests in wire-copy
style, plus growth checks on hostile attribution patterns (issue 13)."""

from __future__ import annotations

import random
from datetime import date
from typing import NamedTuple

import pandas as pd
import pytest
from spacy.tokens import Doc

from lib.articles import Article
from lib.claims import article_id_for, check_claims
from lib.evaluate import source_tags
from lib.extract import extract_article
from lib.extract.matching import Hit, find
from lib.extract.sources import (
    SpeakerMemory,
    alias_matchers,
    find_attributions,
    in_quotation,
    nearest,
    verb_matcher,
)
from lib.extract.text import parse
from tests.growth import assert_linear

WEDNESDAY = date(2012, 5, 16)


def tolls(text: str, title: str | None = None, outlet: str | None = "Reuters") -> pd.DataFrame:
    """The death tolls of `text` (paragraphs split by blank lines), in text order."""
    full = f"{title}\n\n{text}" if title else text
    body_start = len(title) + 2 if title else 0
    article = Article(article_id_for(full), title, full, WEDNESDAY, outlet, None, "t", body_start)
    frame = extract_article(article)
    assert check_claims(frame) == []
    found = frame[frame["claim_type"] == "death_toll"]
    return found.sort_values("char_start").reset_index(drop=True)


def source_of(text: str, deaths: int, **kwargs) -> pd.Series:
    found = tolls(text, **kwargs)
    rows = found[found["deaths"] == deaths]
    assert len(rows) == 1, found[["deaths", "source", "sentence"]]
    return rows.iloc[0]


# -- named monitors and the people who speak for them ----------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Twelve people were killed in Hama, said Omar Khaled, director of the Syrian Observatory.",
        "Observatory chief Omar Khaled said 12 people were killed in Hama.",
        "Twelve people died in Hama, Rami Abdel Rahman, head of the Britain-based watchdog, told"
        " AFP.",
        "Twelve people died in Hama, according to the Britain-based Observatory.",
        "Twelve people died in Hama, according to the London-based opposition group, the Syrian"
        " Observatory for Human Rights.",
        "The SOHR - which relies on a network of doctors across the country - says 12 people"
        " died in Hama.",
        "The Observatory, which relies on doctors and lawyers in Syria, said 12 people died in"
        " Hama.",
        "Omar Khaled, who heads the Syrian Observatory, said 12 people died in Hama.",
    ],
)
def test_the_observatory_and_its_people(text):
    toll = source_of(text, 12)
    assert toll.source == "Syrian Observatory for Human Rights"
    assert toll.source_kind == "opposition_monitor"


def test_a_surname_alone_keeps_the_organisation_its_bearer_speaks_for():
    found = tolls(
        "Observatory director Omar Khaled said 12 people died in Hama.\n\n"
        "Khaled said nine soldiers were among 30 people killed in Idlib."
    )
    assert set(found["source"]) == {"Syrian Observatory for Human Rights"}


@pytest.mark.parametrize("noun", ["the monitor", "the group", "the watchdog"])
def test_the_monitor_refers_back_to_the_last_named_one(noun):
    toll = source_of(
        "The Local Coordination Committees said troops shelled Homs on Tuesday.\n\n"
        f"Fourteen people were killed in Hama, {noun} said.",
        14,
    )
    assert toll.source == "Local Coordination Committees of Syria"


def test_an_unnamed_watchdog_is_the_monitor_the_article_names_next():
    toll = source_of(
        "Shelling killed 14 people in Hama, a watchdog said.\n\n"
        "Troops stormed Idlib, the Syrian Observatory for Human Rights said.",
        14,
    )
    assert toll.source == "Syrian Observatory for Human Rights"


def test_a_britain_based_group_is_the_observatory_even_unnamed():
    toll = source_of("A Britain-based monitoring group said 14 people died in Hama.", 14)
    assert toll.source == "Syrian Observatory for Human Rights"


def test_an_unnamed_organisation_with_no_monitor_named_is_activists():
    toll = source_of("A Syrian human rights organisation said 14 people died in Hama.", 14)
    assert (toll.source, toll.source_kind) == ("activists", "activist")
    assert toll.source_text == "A Syrian human rights organisation"


def test_a_named_armed_group_is_no_monitor():
    toll = source_of(
        "The Syrian Observatory said troops shelled Homs.\n\n"
        "Fourteen soldiers were killed in Raqqa, the Islamic State group said.",
        14,
    )
    assert toll.source != "Syrian Observatory for Human Rights"


def test_an_organisation_missing_from_the_table_speaks_under_its_own_name():
    toll = source_of(
        "The Syrian Observatory said troops shelled Homs.\n\n"
        "The Kurdish Human Rights Organization in Syria said 14 people died in Hasakah.",
        14,
    )
    assert toll.source == "Kurdish Human Rights Organization in Syria"


# -- unnamed speakers: a category to group by; the words as written stay in source_text ----------
@pytest.mark.parametrize(
    ("speaker", "source", "tag"),
    [
        ("residents", "residents", "witnesses"),
        ("medics", "medics", "medical"),
        ("doctors at the hospital", "medics", "medical"),
        ("human rights campaigners", "activists", "activists"),
        ("local sources", "activists", "activists"),
        ("an activist at the scene", "activist", "activists"),
        ("rebels", "opposition fighters", "activists"),
        ("Syrian officers", "Syrian officials", "syrian_gov"),
        ("an information ministry spokesperson", "Syrian Information Ministry", "syrian_gov"),
        ("Syria's interior minister", "Syrian Interior Ministry", "syrian_gov"),
        ("Syrian state media", "Syrian state television", "state_media"),
        ("the state broadcaster", "Syrian state television", "state_media"),
        ("the opposition coalition", "Syrian National Coalition", "opposition_political"),
        ("the U.N. human-rights office", "United Nations", "un"),
        ("U.N. human rights chief Navi Pillay", "UN human rights chief Navi Pillay", "un"),
    ],
)
def test_sources_of_their_own_kind(speaker, source, tag):
    toll = source_of(f"Eleven people were killed in Hama on Tuesday, {speaker} said.", 11)
    assert toll.source == source
    assert tag in source_tags(toll.source)


def test_residents_of_a_town_keep_their_town():
    toll = source_of("Residents of Talbiseh told Reuters they counted 17 dead.", 17)
    assert toll.source == "residents in Talbiseh"


def test_a_named_person_in_a_role_is_named_with_it():
    toll = source_of(
        '"At least 13 people were killed," said Abu Omar, an activist in the town.', 13
    )
    assert toll.source == "activist Abu Omar"
    assert "activists" in source_tags(toll.source)


def test_a_foreign_minister_is_not_a_syrian_ministry():
    toll = source_of("Lebanese Interior Minister Marwan Charbel said 13 people died in Homs.", 13)
    assert toll.source_kind == "foreign_government"


def test_an_official_source_and_the_source_after_it():
    found = tolls(
        "A source at Homs Police Command said a car bomb killed 13 citizens.\n\n"
        "The source added that four other citizens were killed by mortar shells in Homs."
    )
    assert list(found["source"]) == ["Syrian official source"] * 2
    assert set(found["source_kind"]) == {"government"}


# -- the verb and the place of the speaker ----------------------------------------------------
def test_the_report_verb_owns_the_count_after_it():
    toll = source_of(
        "The Syrian Observatory put the death toll from the air strikes at 25, with Russia"
        " reporting more than 200 strikes.",
        25,
    )
    assert toll.source == "Syrian Observatory for Human Rights"


def test_a_speaker_whose_verb_closes_its_clause_does_not_own_what_follows():
    found = tolls(
        "Troops killed 8 people in Hama, the Observatory said, and shelling killed 5 in Homs,"
        " activists said."
    )
    assert list(found["source"]) == ["Syrian Observatory for Human Rights", "activists"]


@pytest.mark.parametrize(
    ("text", "source"),
    [
        ("Sixteen people died in Homs, AFP reported.", "AFP"),
        ("An activist told AFP that 16 people died in Homs.", "activist"),
        ("Rebels claim 16 people died in Homs, CNN reported.", "opposition fighters"),
    ],
)
def test_outlets_report(text, source):
    assert source_of(text, 16).source == source


def test_an_outlet_citing_someone_relays_their_count():
    toll = source_of(
        "Shelling killed 16 people in Homs, Al Arabiya reported, citing activists in the city.",
        16,
    )
    assert toll.source == "activists"
    quoted = source_of(
        "Reuters quoted a resident as saying that 16 people were killed in Homs.", 16
    )
    assert quoted.source == "resident"


def test_others_citing_someone_stay_the_source():
    toll = source_of(
        "The Observatory cited a military source as saying 16 soldiers were killed in Homs.", 16
    )
    assert toll.source == "Syrian Observatory for Human Rights"


def test_passive_attribution_and_relative_clause():
    first = source_of("The deaths of 16 people in Homs were reported by state television.", 16)
    assert first.source == "Syrian state television"
    second = source_of(
        "Nor the United Nations, who say 16,000 people have died, nor Amnesty agreed.", 16000
    )
    assert second.source == "United Nations"


@pytest.mark.parametrize(
    ("title", "source"),
    [
        ("Bombs kill 16 in Homs - monitor", "Syrian Observatory for Human Rights"),
        ("Bombs kill 16 in Homs – interior minister", "Syrian Interior Ministry"),
        ("Bombs kill 16 in Homs - activists", "activists"),
    ],
)
def test_headline_credited_after_a_dash(title, source):
    found = tolls("The Syrian Observatory said troops shelled Hama on Tuesday.", title=title)
    assert list(found["source"]) == [source]


def test_it_said_is_the_last_organisation_quoted():
    toll = source_of(
        "SANA said terrorists attacked a checkpoint in Idlib.\n\n"
        "It said 16 soldiers were killed in the attack.",
        16,
    )
    assert toll.source == "SANA"


# -- inheritance --------------------------------------------------------------------------
def test_a_report_goes_on_across_paragraphs():
    found = tolls(
        "Troops killed 21 people in Homs on Tuesday, the Syrian Observatory said.\n\n"
        "Seven soldiers were killed in an ambush in Idlib.\n\n"
        "Four children died in shelling on Hama."
    )
    assert list(found["deaths"]) == [21, 7, 4]
    assert set(found["source"]) == {"Syrian Observatory for Human Rights"}
    assert "source from the previous paragraph's report" in found.iloc[1].notes


def test_a_paragraph_without_deaths_ends_the_report():
    found = tolls(
        "Troops killed 21 people in Homs on Tuesday, the Syrian Observatory said.\n\n"
        "Diplomats met in Geneva to discuss a ceasefire plan.\n\n"
        "Seven soldiers were killed in an ambush in Idlib.",
        outlet="AFP",
    )
    assert list(found["source"]) == ["Syrian Observatory for Human Rights", "AFP"]


def test_an_unattributed_lead_takes_the_speaker_named_next():
    found = tolls(
        "At least 21 people were killed by mortar fire in Damascus.\n\n"
        "Police officials said the shells landed near a school, state television reported."
    )
    assert found.iloc[0].source == "Syrian officials"


def test_the_dateline_agency_credits_what_no_one_else_says():
    toll = source_of(
        "DAMASCUS, (SANA) - Eleven citizens were martyred when a bomb exploded in Damascus.",
        11,
        outlet="A blog",
    )
    assert (toll.source, toll.source_kind) == ("SANA", "state_media")
    reuters = source_of("BEIRUT (Reuters) - Eleven people were killed in Homs.", 11, outlet=None)
    assert reuters.source == "Reuters"


def test_the_headline_inherits_nothing():
    found = tolls(
        "Troops killed 21 people in Homs on Tuesday, the Syrian Observatory said.",
        title="Syria unrest: 30 dead in two days",
        outlet="AFP",
    )
    assert found.iloc[0].source == "AFP"


# -- growth: attribution is linear in the sentence (issue 13) ----------------------------------
class _Parsed(NamedTuple):
    doc: Doc
    verbs: list[Hit]
    aliases: list[Hit]
    generic: list[Hit]
    numbers: list[int]


def _parsed(text: str) -> _Parsed:
    """Tokens and phrase hits, made outside the timing (spaCy's, not this module's)."""
    doc = parse(text)
    lower, exact = alias_matchers()
    aliases = sorted(find(lower, doc, longest=False) + find(exact, doc, longest=False))
    hits = find(verb_matcher(), doc)
    verbs = [h for h in hits if h.label != "generic"]
    generic = [h for h in hits if h.label == "generic"]
    return _Parsed(doc, verbs, aliases, generic, [t.i for t in doc if t.like_num])


def _attribute_everything(parsed: _Parsed) -> int:
    """Every speaker of a text read as one sentence (no sentence end: the hostile case), the
    speaker of every number in it, and the quotation state at every number."""
    doc = parsed.doc
    for key in [k for k in doc.user_data if str(k).startswith("src_")]:
        del doc.user_data[key]  # per-document caches: built inside the timing
    found = find_attributions(doc[:], parsed.verbs, parsed.aliases, parsed.generic, SpeakerMemory())
    owned = sum(nearest(found, i, i + 1, doc) is not None for i in parsed.numbers)
    quoted = sum(in_quotation(doc, doc[i].idx) for i in parsed.numbers)
    return len(found) + owned + quoted


def _said_that_chain(size: int) -> _Parsed:
    clause = 'activists said that residents said "the group said that 5 people were killed", '
    return _parsed("Troops shelled Homs, " + clause * (size // len(clause)))


def _random_wire(size: int) -> _Parsed:
    rng = random.Random(13)
    words = [
        *("said", "says", "told", "according", "to", "the", "Observatory", "activists"),
        *("residents", "12", "killed", ",", "-", '"', "which", "who", "SANA", "reported"),
        *("citing", "quoting", "as", "saying", "Abdel", "Rahman", "Homs", "in", "of", "group"),
        *("monitor", "it", "he", "they", "report", "statement"),
    ]
    out, length = [], 0
    while length < size:
        word = rng.choice(words)
        out.append(word)
        length += len(word) + 1
    return _parsed(" ".join(out))


@pytest.mark.parametrize("make", [_said_that_chain, _random_wire])
def test_attribution_grows_linearly(make):
    assert_linear(_attribute_everything, make, 60_000, repeat=9)


@pytest.mark.parametrize("run", ["who ", "report ", "spokesman ", "- which ", ", who ", "( a ) "])
def test_long_runs_before_a_verb_neither_recurse_nor_stall(run):
    def make(size: int) -> _Parsed:
        return _parsed(
            "Troops shelled Homs, the Observatory " + run * (size // len(run)) + "said 5"
        )

    assert_linear(_attribute_everything, make, 100_000, repeat=3)
