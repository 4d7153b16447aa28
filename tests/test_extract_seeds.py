"""Seed acceptance (issue 3): the death claims of the two seed articles, field by field."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib.articles import read_articles
from lib.claims import check_claims
from lib.extract import EXTRACTOR_VERSION, extract_article

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
LCC = "Local Coordination Committees of Syria"
START = date(2011, 3, 15)
APR3, APR4 = date(2012, 4, 3), date(2012, 4, 4)
GOVS = ["SY-HL", "SY-ID", "SY-RD", "SY-DR", "SY-HI", "SY-HM"]

# deaths, qualifier, victims, source, place, governorate, governorates, start, end, cumulative
TOLLS_000 = [
    (54, "at_least", "all", LCC, "Syria", None, None, APR4, APR4, False),
    (6, "exact", "all", LCC, "Idlib", "SY-ID", None, APR4, APR4, False),
    (20, "at_least", "all", "activist in Binnish", "Taftanaz", "SY-ID", None, APR4, APR4, False),
    (9000, "at_least", "all", "United Nations", "Syria", None, None, START, APR4, True),
    (11000, "more_than", "all", LCC, "Syria", None, None, START, APR4, True),
    (12000, "more_than", "all", "Strategic Communications and Research Center", "Syria", None,
     None, START, APR4, True),
    (74, "at_least", "all", LCC, "Syria", None, None, APR3, APR3, False),
    (16, "exact", "security_forces", "SANA", None, None, GOVS, APR4, APR4, False),
    (0, "exact", "all", "SANA", "Homs", "SY-HI", None, APR4, APR4, False),
]  # fmt: skip


@pytest.fixture(scope="module")
def seeds() -> dict[str, pd.DataFrame]:
    articles, errors = read_articles([SEEDS])
    assert not errors
    return {a.path.split("/")[-1][:3]: (a, extract_article(a)) for a in articles}


def _value(v):
    if v is None or (not isinstance(v, list | tuple) and pd.isna(v)):
        return None
    return v.date() if isinstance(v, pd.Timestamp) else v


def test_claims_are_valid_with_offsets_into_the_text(seeds):
    for article, claims in seeds.values():
        assert check_claims(claims) == []
        assert (claims["extractor_version"] == EXTRACTOR_VERSION).all()
        for row in claims.itertuples():
            start = row.sentence_start
            assert article.text[start : start + len(row.sentence)] == row.sentence
            assert start <= row.char_start < row.char_end <= start + len(row.sentence)


def test_article_000_holds_exactly_the_nine_tolls_of_the_table(seeds):
    _, claims = seeds["000"]
    tolls = claims[claims["claim_type"] == "death_toll"]
    got = [
        (
            _value(r.deaths), r.qualifier, r.victims, r.source, _value(r.place),
            _value(r.governorate), _value(r.governorates), _value(r.date_start),
            _value(r.date_end), bool(r.cumulative),
        )
        for r in tolls.itertuples()
    ]  # fmt: skip
    assert got == TOLLS_000


def test_seed_tolls_have_the_expected_kinds_and_precisions(seeds):
    _, claims = seeds["000"]
    tolls = claims[claims["claim_type"] == "death_toll"].set_index("deaths")
    assert tolls.loc[54, "source_kind"] == "opposition_monitor"
    assert tolls.loc[20, "source_kind"] == "activist"
    assert tolls.loc[20, "source_text"] == "one activist in Binnish"
    assert tolls.loc[9000, "source_kind"] == "un_international"
    assert tolls.loc[16, "source_kind"] == "state_media"
    assert tolls.loc[54, "geo_precision"] == "country"
    assert tolls.loc[20, "geo_precision"] == "town"
    assert tolls.loc[9000, "date_precision"] == "range"
    assert tolls.loc[6, "date_precision"] == "day_inferred"
    assert tolls.loc[74, "date_precision"] == "day"
    assert tolls.loc[[54, 9000, 11000, 12000, 74], "governorate"].isna().all()


def test_article_003_has_no_death_toll(seeds):
    _, claims = seeds["003"]
    assert (claims["claim_type"] != "death_toll").all()


def test_traps_never_become_tolls(seeds):
    for article, claims in seeds.values():
        tolls = claims[claims["claim_type"] == "death_toll"]
        for trap in ("six-point", "four decades", "March 2011", "a year ago", "Click to Expand"):
            at = article.text.find(trap)
            if at < 0:
                continue
            inside = (tolls["char_start"] <= at + len(trap)) & (tolls["char_end"] >= at)
            assert not inside.any(), trap
        assert set(tolls["deaths"].dropna()) <= {54, 6, 20, 9000, 11000, 12000, 74, 16, 0}


def _one(claims: pd.DataFrame, **fields) -> pd.Series:
    mask = pd.Series(True, index=claims.index)
    for column, value in fields.items():
        mask &= claims[column] == value
    matches = claims[mask]
    assert len(matches) >= 1, fields
    return matches.iloc[0]


def test_article_003_events(seeds):
    _, claims = seeds["003"]
    events = claims[claims["claim_type"] == "event"]
    retook = _one(events, event_type="takeover", source="Syrian state television")
    assert (retook.governorate, _value(retook.date_start)) == ("SY-LA", date(2012, 6, 13))
    assert retook.topic == "control of al-Haffeh"
    fsa = _one(events, event_type="withdrawal", source="Free Syrian Army")
    assert fsa.governorate == "SY-LA" and fsa.topic == "control of al-Haffeh"
    assert "tactical" in fsa.position
    clashes = _one(events, event_type="clashes", date_precision="range")
    assert (_value(clashes.date_start), _value(clashes.date_end)) == (
        date(2012, 6, 4),
        date(2012, 6, 10),
    )
    assert clashes.governorate == "SY-LA"
    homs = _one(events, event_type="shelling")
    assert homs.governorate == "SY-HI" and homs.source_kind == "reporter"


def test_article_003_statements(seeds):
    _, claims = seeds["003"]
    said = claims[claims["claim_type"] == "statement"]
    clinton = said[said["source"] == "Hillary Clinton"]
    assert set(clinton["topic"]) == {"arms to Syria"}
    assert any("military support" in p for p in clinton["position"])
    lavrov = _one(said, source="Sergei Lavrov", source_text="Foreign Minister Sergei Lavrov")
    assert lavrov.topic == "arms to Syria" and "arms sales" in lavrov.position
    assert lavrov.source_kind == "foreign_government"
    ladsous = _one(said, source="Herve Ladsous")
    assert ladsous.topic == "is it a civil war" and "civil war" in ladsous.position
    assert (ladsous.source_kind, _value(ladsous.date_start)) == (
        "un_international",
        date(2012, 6, 12),
    )


COMPARED = ("source", "source_kind", "governorate", "governorates", "date_start", "date_end",
            "cumulative", "deaths", "qualifier", "victims", "event_type", "topic")  # fmt: skip


def test_every_hand_checked_seed_claim_is_found(seeds, seed_claims):
    extracted = pd.concat([claims for _, claims in seeds.values()], ignore_index=True)
    for want in seed_claims.itertuples():
        same = extracted[
            (extracted["article_id"] == want.article_id)
            & (extracted["claim_type"] == want.claim_type)
            & (extracted["sentence_start"] == want.sentence_start)
        ]
        key = {"death_toll": "deaths", "event": "event_type", "statement": "source"}
        column = key[want.claim_type]
        same = same[same[column] == getattr(want, column)]
        assert len(same) >= 1, (want.claim_type, want.sentence)
        got = same.iloc[0]
        for field in COMPARED:
            assert _value(got[field]) == _value(getattr(want, field)), (field, want.sentence)
