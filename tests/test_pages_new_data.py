"""New data in an open session (issue 14, defect 2): the date filter follows the data unless
the user chose dates, and a view that leaves claims out says how many and offers to widen."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from lib.filters import ClaimFilter
from lib.store import open_store
from tests.fixture_store import make_fixture_store
from tests.page_store import SEED_000, add_article, seed_claims

ROOT = Path(__file__).resolve().parent.parent
LATE = "1a7e000000000001"


@pytest.fixture(scope="module")
def seed_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_fixture_store(tmp_path_factory.mktemp("seed") / "claims.duckdb")


@pytest.fixture
def db(seed_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = str(shutil.copy(seed_db, tmp_path / "claims.duckdb"))
    monkeypatch.setenv("SYRIA_CLAIMS_DB", path)
    return path


def add_late_article(db: str) -> None:
    """An ingest while the dashboard is open: a 2013 article with two events."""
    text = open_store(db).articles().set_index("article_id").loc[SEED_000, "text"]
    events = seed_claims(claim_type="event").head(2)
    day = pd.Timestamp("2013-02-10").as_unit("s")
    events = events.assign(date_start=day, date_end=day, published=day)
    add_article(db, LATE, title="Late", outlet="Wire", published=dt.date(2013, 2, 10), text=text,
                claims=events)  # fmt: skip
    st.cache_data.clear()  # the fingerprint is re-read every 2 s; do not wait in a test


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def test_the_date_filter_follows_new_data_when_the_user_did_not_choose_it(db):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30).run()
    assert metric(at, "Claims shown") == "27 of 27"
    add_late_article(db)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert metric(at, "Claims shown") == "29 of 29"
    assert at.date_input(key="f_dates").value[1] == dt.date(2013, 2, 10)
    assert "start" not in at.query_params and not at.sidebar.warning


def test_chosen_dates_stay_and_the_page_says_what_they_hide(db):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.query_params["start"], at.query_params["end"] = "2012-04-01", "2012-04-30"
    at.run()
    add_late_article(db)
    at.run()
    assert metric(at, "Claims shown") == "18 of 29"
    warning = at.sidebar.warning[0].value
    assert warning.startswith("11 claim(s) fall outside these dates")
    at.button(key="widen-dates").click().run()
    assert metric(at, "Claims shown") == "29 of 29"
    assert "start" not in at.query_params


def test_review_lists_the_filtered_articles_and_keeps_its_place_after_a_save(db):
    articles = open_store(db).articles().set_index("article_id")
    second = articles.index[1]
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page("pages/review.py").run()
    assert len(at.selectbox(key="review_article").options) == 2
    at.selectbox(key="review_article").set_value(second).run()
    at.text_input(key="reason-0").input("the sentence says so")
    at.text_input(key="author-0").input("tester")
    # A save reruns the page (saving an upload: the same refresh as saving corrections).
    record = {"title": "Shelling", "published": "2012-04-10", "text": "Shelling in Hama."}
    at.file_uploader[0].set_value(("r.json", json.dumps(record).encode(), "application/json"))
    at.run()
    next(b for b in at.button if b.key == "save-upload").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="review_article").value == second
    assert at.text_input(key="reason-1").value == "" and at.text_input(key="author-1").value == ""


def test_review_lists_only_the_articles_the_filter_keeps(db, monkeypatch):
    """ui.filtered_articles, which Review's article selector lists (AppTest cannot draw the
    sidebar on the Review page: it runs it as a legacy page)."""
    import ui

    store = open_store(db)
    session = {"claim_filter": ClaimFilter(governorates={"SY-LA"})}  # al-Haffeh: June only
    monkeypatch.setattr(st, "session_state", session)
    listed = ui.filtered_articles(store.articles(), store.claims())
    assert listed["article_id"].tolist() == ["aa967662797d8bca"]
    session["claim_filter"] = ClaimFilter()
    assert len(ui.filtered_articles(store.articles(), store.claims())) == 2
