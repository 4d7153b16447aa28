"""Corrections marked where values are shown (issue 14 defect 6) and charts stamped with their
filter and data credit (defect 8), on a copy of the fixture store with one correction."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from lib.store import open_store
from tests.fixture_store import make_fixture_store
from tests.test_pages import run_dashboard

REASON = "the later message says 25"


@pytest.fixture(scope="module")
def corrected_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    db = make_fixture_store(tmp_path_factory.mktemp("marks") / "claims.duckdb")
    store = open_store(db)
    claims = store.claims()
    taftanaz = claims[(claims["place"] == "Taftanaz") & (claims["claim_type"] == "death_toll")]
    store.correct(taftanaz["claim_id"].iloc[0], "deaths", 25, REASON, "tester")
    return db


def run(db: str, monkeypatch: pytest.MonkeyPatch, page: str | None = None, **params) -> AppTest:
    monkeypatch.setenv("SYRIA_CLAIMS_DB", db)
    return run_dashboard(page, **params)


def specs(at: AppTest) -> str:
    return json.dumps([json.loads(c.proto.spec) for c in at.get("plotly_chart")])


def test_a_corrected_value_is_marked_with_its_reason_in_tables_and_map(corrected_db, monkeypatch):
    at = run(corrected_db, monkeypatch)
    table = at.dataframe[-1].value
    [row] = table[(table["place"] == "Taftanaz") & (table["claim_type"] == "death toll")].to_dict(
        "records"
    )
    assert row["claim"] == "at least 25 deaths ✎"
    assert REASON in row["correction"] and "deaths 20 → 25" in row["correction"]
    at = run(corrected_db, monkeypatch, "pages/map.py")
    assert REASON in specs(at)  # the town marker's tooltip


def test_the_article_highlight_names_the_correction(corrected_db, monkeypatch):
    at = run(corrected_db, monkeypatch, "pages/articles.py", article="86036668c76eadc4")
    html = next(h.proto.body for h in at.get("html"))
    assert REASON in html


def test_charts_carry_the_filter_and_the_data_credit(corrected_db, monkeypatch):
    at = run(corrected_db, monkeypatch, "pages/map.py", province="SY-ID", start="2012-04-01",
             end="2012-04-30")  # fmt: skip
    stamp = specs(at)
    assert "Governorates: Idlib" in stamp
    assert "Period: 2012-04-01 to 2012-04-30" in stamp and "Sources: all" in stamp
    assert "never added across sources" in stamp


def test_an_article_shows_all_its_claims_whatever_the_filter(corrected_db, monkeypatch):
    at = run(corrected_db, monkeypatch, "pages/articles.py", article="86036668c76eadc4",
             type="statement")  # fmt: skip
    assert at.subheader[-1].value == "What was found: 18 claims"
    html = next(h.proto.body for h in at.get("html"))
    assert html.count("<mark") >= 18 - 2  # overlapping spans may share a mark
    assert "death toll" in html  # tolls are highlighted although the filter shows statements
