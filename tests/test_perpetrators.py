"""Perpetrator claims beyond extraction: the model, the store (and its migration), corrections,
Who says what's blame questions and the filter. The test article is written for these tests."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from lib.articles import Article
from lib.claims import ClaimValidationError, article_id_for, validate_claims
from lib.comparison import compare
from lib.extract import extract_article
from lib.filters import ClaimFilter
from lib.store import SCHEMA_VERSION, ClaimStore

TITLE = "Rastan: who killed the 32?"
# Two sources, one toll, two sides blamed: activists and state television.
TEXT = (
    f"{TITLE}\n\n"
    "Activists said government forces killed 32 people in the town of Rastan in Homs province "
    "on Monday.\n\n"
    "State television said armed terrorist groups killed 32 people in Rastan on Monday.\n\n"
    "Army tanks shelled the nearby village of Talbiseh on Tuesday, activists said."
)
PUBLISHED = date(2012, 6, 12)
BLAME_QUESTION = "Who killed? Deaths 2012-06-11, Homs"


def blame_article() -> Article:
    """The test article where two sources blame different sides for the same deaths."""
    return Article(
        article_id_for(TEXT), TITLE, TEXT, PUBLISHED, "Test Wire", None, "blame", len(TITLE) + 2
    )


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return extract_article(blame_article())


def test_the_model_refuses_a_perpetrator_outside_its_classes(claims):
    bad = claims.copy()
    bad.loc[0, "perpetrator"] = "aliens"
    with pytest.raises(ClaimValidationError, match="perpetrator"):
        validate_claims(bad)


def test_each_source_blames_its_side(claims):
    tolls = claims[claims["claim_type"] == "death_toll"]
    assert sorted(zip(tolls["perpetrator"], tolls["perpetrator_text"], strict=True)) == [
        ("government", "government forces"),
        ("rebels", "armed terrorist groups"),
    ]


def test_two_sources_blaming_different_sides_is_a_contradiction(claims):
    result = compare(claims)
    blame = result.questions[result.questions["question"] == BLAME_QUESTION].iloc[0]
    assert blame["kind"] == "blame" and blame["n_sources"] == 2 and blame["contradiction"]
    answers = result.answers[result.answers["question"] == BLAME_QUESTION]
    assert sorted(answers["display"]) == [
        "government (government forces)",
        "rebels (armed terrorist groups)",
    ]
    assert all("killed 32 people" in s for s in answers["sentence"])
    # the count itself is agreed: the dispute is over blame only
    deaths = result.questions[result.questions["question"] == "Deaths 2012-06-11, Homs"]
    assert not deaths["contradiction"].iloc[0]
    # disputes first: the blame question leads the table
    assert result.questions["question"].iloc[0] == BLAME_QUESTION


def test_sources_naming_the_same_side_agree(make_claims):
    frame = make_claims(
        {"deaths": 10, "source": "A", "governorate": "SY-HI", "perpetrator": "government"},
        {"deaths": 12, "source": "B", "governorate": "SY-HI", "perpetrator": "government"},
        {"deaths": 12, "source": "C", "governorate": "SY-HI", "perpetrator": "unknown"},
    )
    result = compare(frame)
    blame = result.questions[result.questions["kind"] == "blame"].iloc[0]
    assert blame["n_sources"] == 2 and not blame["contradiction"]  # C names no one


def test_the_filter_narrows_tolls_and_events_by_alleged_perpetrator(claims):
    rebels = ClaimFilter(perpetrators={"rebels"}).apply(claims)
    assert set(rebels.loc[rebels["claim_type"] != "statement", "perpetrator"]) == {"rebels"}
    government = ClaimFilter(perpetrators={"government"}).apply(claims)
    assert set(government["claim_type"]) >= {"death_toll", "event"}
    assert "rebels" not in set(government["perpetrator"])


def test_unknown_also_keeps_claims_never_read_for_a_perpetrator(make_claims):
    frame = make_claims({"deaths": 3}, {"deaths": 4, "perpetrator": "russia"})
    assert frame["perpetrator"].isna().iloc[0]
    assert list(ClaimFilter(perpetrators={"unknown"}).apply(frame)["deaths"]) == [3]


def test_the_url_carries_the_perpetrator_filter():
    flt = ClaimFilter.from_query_params({"perpetrator": "rebels,government,nobody"})
    assert flt.perpetrators == {"rebels", "government"}
    assert flt.to_query_params()["perpetrator"] == ["government", "rebels"]


def test_a_reviewer_corrects_the_perpetrator_and_it_survives_reextraction(tmp_path):
    store = ClaimStore(tmp_path / "claims.duckdb")
    store.ingest([blame_article()])
    toll = store.claims().query("perpetrator == 'rebels'").iloc[0]
    store.correct(toll["claim_id"], "perpetrator", "unknown", "state TV names no group", "ed")
    store.reextract(version="rules-next")
    after = store.claims().set_index("claim_id").loc[toll["claim_id"]]
    assert after["perpetrator"] == "unknown" and after["corrected"]
    with pytest.raises(ValueError, match="perpetrator"):
        store.correct(toll["claim_id"], "perpetrator", "aliens", "typo", "ed")


def test_an_older_store_gains_the_columns_and_loses_nothing(tmp_path):
    path = tmp_path / "old.duckdb"
    store = ClaimStore(path)
    store.ingest([blame_article()])
    first = store.machine_claims()["claim_id"].iloc[0]
    store.correct(first, "deaths", 33, "recount", "ed")
    before = store.claims().drop(columns=["perpetrator", "perpetrator_text"])
    # Make it the store a version-1 build wrote: no perpetrator columns, schema version 1.
    with duckdb.connect(str(path)) as con:
        con.execute("ALTER TABLE claims DROP COLUMN perpetrator")
        con.execute("ALTER TABLE claims DROP COLUMN perpetrator_text")
        con.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    reopened = ClaimStore(path)
    after = reopened.claims()
    assert after["perpetrator"].isna().all() and after["perpetrator_text"].isna().all()
    pd.testing.assert_frame_equal(after.drop(columns=["perpetrator", "perpetrator_text"]), before)
    assert len(reopened.corrections(status="active")) == 1
    with duckdb.connect(str(path)) as con:
        version = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert int(version[0]) == SCHEMA_VERSION
    # re-extraction then reads them, and the correction still applies
    reopened.reextract(version="rules-next")
    refreshed = reopened.claims()
    assert set(refreshed["perpetrator"].dropna()) >= {"government", "rebels"}
    assert refreshed.set_index("claim_id").loc[first, "deaths"] == 33


def test_exports_carry_the_perpetrator(claims):
    from lib.charts import claims_table

    table = claims_table(claims.assign(corrected=False))
    tolls = table[table["claim_type"] == "death toll"]  # the table shows codes as words
    assert sorted(tolls["perpetrator"]) == ["government", "rebels"]
    assert "armed terrorist groups" in set(tolls["perpetrator_text"])
