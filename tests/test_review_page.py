"""AppTest of pages/review.py against a real store file (extractor replaced by a stand-in)."""

import json
import sys
import types
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lib.store import ClaimStore
from tests.test_ingest import GOOD_TXT
from tests.test_store import SEEDS, fixture_extractor, regex_extractor

PAGE = str(Path(__file__).parent.parent / "pages" / "review.py")


@pytest.fixture
def store(tmp_path, monkeypatch, seed_claims) -> ClaimStore:
    """The seeds stored with their hand-checked claims; the page's default extractor is fake."""
    from lib.articles import read_articles

    module = types.ModuleType("lib.extract")
    module.EXTRACTOR_VERSION = "fake-1"
    module.extract_batch = regex_extractor()  # the store takes frames too
    monkeypatch.setitem(sys.modules, "lib.extract", module)
    monkeypatch.setenv("SYRIA_CLAIMS_DB", str(tmp_path / "review.duckdb"))
    store = ClaimStore(tmp_path / "review.duckdb")
    store.ingest(read_articles(SEEDS)[0], fixture_extractor(seed_claims), "hand-checked")
    return store


def run(at: AppTest | None = None) -> AppTest:
    at = (at or AppTest.from_file(PAGE, default_timeout=30)).run()
    assert not at.exception, at.exception
    return at


def save_upload_buttons(at: AppTest) -> list:
    return [b for b in at.button if b.key == "save-upload"]


def editor_table(at: AppTest):
    return at.data_editor[0].value


def test_page_renders_claims_of_the_selected_article(store):
    at = run()
    assert at.title[0].value == "Review claims"
    first = at.selectbox[0].value
    expected = store.claims()
    assert set(editor_table(at)["claim_id"]) == set(
        expected.loc[expected["article_id"] == first, "claim_id"]
    )
    assert not editor_table(at)["changed"].str.len().any()
    assert not [s for s in at.subheader if s.value == "Needs review"]


def test_correction_made_through_lib_is_marked_and_in_history(store):
    at = run()
    article_id = at.selectbox[0].value
    claims = store.claims()
    cid = claims.loc[(claims["article_id"] == article_id) & claims["deaths"].notna(), "claim_id"]
    cid = cid.iloc[0]
    store.correct(cid, "deaths", 99, "the article says 99", "tester")
    at = run(at)
    table = editor_table(at).set_index("claim_id")
    assert table.at[cid, "changed"] == "✎ deaths" and table.at[cid, "deaths"] == 99
    at.selectbox[1].set_value(cid)
    at = run(at)
    history = at.dataframe[-1].value
    assert history["new_value"].tolist() == ["99"] and history["author"].tolist() == ["tester"]


def test_upload_without_date_asks_for_one(store):
    at = run()
    at.file_uploader[0].set_value(("report.txt", GOOD_TXT, "text/plain"))
    at = run(at)
    assert any("no publication date" in i.value for i in at.info)
    assert at.date_input[0].label.startswith("Publication date")
    assert not save_upload_buttons(at)
    # AppTest (streamlit 1.67) ignores date_input.set_value, so the dated path is tested below


def test_dated_upload_previews_then_saves(store):
    record = {"title": "Shelling", "published": "2012-04-10", "text": GOOD_TXT.decode()}
    at = run()
    at.file_uploader[0].set_value(("report.json", json.dumps(record).encode(), "application/json"))
    at = run(at)
    assert at.dataframe[0].value["deaths"].tolist() == [12]
    assert store.counts()["articles"] == 2  # a preview stores nothing
    save_upload_buttons(at)[0].click()
    at = run(at)
    assert at.success[0].value == "Saved: 1 new, 0 already stored."
    assert store.counts()["articles"] == 3
    assert store.claims()["deaths"].eq(12).any()


def test_broken_upload_shows_reason_and_offers_no_save(store):
    at = run()
    at.file_uploader[0].set_value(("scan.txt", bytes(range(256)), "text/plain"))
    at = run(at)
    assert "not UTF-8" in at.error[0].value
    assert not save_upload_buttons(at) and store.counts()["articles"] == 2


def test_orphaned_corrections_are_listed_for_review(store, seed_claims):
    cid = seed_claims["claim_id"].iloc[0]
    store.correct(cid, "source", "Someone else", "misattributed", "tester")
    trimmed = seed_claims[seed_claims["claim_id"] != cid]
    store.reextract(fixture_extractor(trimmed), "hand-checked-2")
    at = run()
    assert [s.value for s in at.subheader if s.value == "Needs review"]
    assert at.dataframe[-1].value["claim_id"].tolist() == [cid]


def test_stale_articles_can_be_reextracted_from_the_page(store, seed_claims):
    cid = seed_claims.loc[seed_claims["deaths"] == 54, "claim_id"].iloc[0]
    at = run()
    assert store.stale_count() == 2  # stored as "hand-checked", the extractor is "fake-1"
    [button] = [b for b in at.button if b.key == "reextract"]
    assert button.label == "Re-extract 2 article(s)"
    button.click()
    at = run(at)
    assert at.success[0].value.startswith("new: 0, unchanged: 0, failed: 0, re-extracted: 2")
    assert store.stale_count() == 0
    assert set(store.articles()["extractor_version"]) == {"fake-1"}
    assert cid not in set(store.machine_claims()["claim_id"])  # the regex stand-in differs
    assert not [b for b in at.button if b.key == "reextract"]
