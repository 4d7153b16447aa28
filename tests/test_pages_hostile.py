"""Pages over hostile or incomplete stored data (issue 13, items 4, 5, 7, 8): an article
without a title, Markdown and HTML in titles, outlets and source names, a busy store and a
damaged one. Nothing crashes, nothing user-supplied is rendered as markup."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from lib.store import open_store
from tests.fixture_store import make_fixture_store
from tests.page_store import SEED_000, add_article, seed_claims

ROOT = Path(__file__).resolve().parent.parent
IMAGE = "![x](http://example.invalid/x.png)"
HOSTILE_SOURCE = f"{IMAGE}<img src=http://example.invalid/y.png>"
UNTITLED = "0badc0de00000001"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The fixture store plus an untitled article whose outlet and one source are Markdown."""
    db = make_fixture_store(tmp_path_factory.mktemp("hostile") / "claims.duckdb")
    text = open_store(db).articles().set_index("article_id").loc[SEED_000, "text"]
    claims = seed_claims(claim_type="death_toll")
    claims.loc[claims["place"] == "Taftanaz", "source"] = HOSTILE_SOURCE
    add_article(
        db, UNTITLED, title=None, outlet=IMAGE, published=dt.date(2012, 4, 5), text=text,
        claims=claims,
    )  # fmt: skip
    return db


def run(db: str, monkeypatch: pytest.MonkeyPatch, page: str, **params: str) -> AppTest:
    monkeypatch.setenv("SYRIA_CLAIMS_DB", db)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    at.switch_page(page)
    return at.run()


def shown_text(at: AppTest) -> list[str]:
    """Every Markdown body on the page (titles, captions, alerts, markdown)."""
    kinds = ("title", "subheader", "header", "caption", "markdown", "info", "error", "warning")
    return [str(e.value) for kind in kinds for e in at.get(kind)]


LINK = re.compile(r"(?<!\\)\[[^\]]*(?<!\\)\]\(")  # [text]( not escaped: a live link or image


def assert_no_live_markup(at: AppTest) -> None:
    for body in shown_text(at):
        assert not LINK.search(body) and "<img" not in body, body


def test_articles_page_shows_an_untitled_article_with_its_markup_escaped(hostile_db, monkeypatch):
    at = run(hostile_db, monkeypatch, "pages/articles.py", article=UNTITLED)
    assert not at.exception, [e.message for e in at.exception]
    assert at.subheader[0].value == "(untitled)"
    assert any("example.invalid/x.png" in body for body in shown_text(at))  # shown, as text
    assert_no_live_markup(at)


def test_review_page_lists_an_untitled_article(hostile_db, monkeypatch):
    at = run(hostile_db, monkeypatch, "pages/review.py")
    assert not at.exception, [e.message for e in at.exception]
    labels = at.selectbox[0].options
    assert "2012-04-05 · (untitled)" in labels


def test_source_names_are_escaped_in_plotly_legends_and_hovers(hostile_db, monkeypatch):
    at = run(hostile_db, monkeypatch, "pages/map.py")
    assert not at.exception, [e.message for e in at.exception]
    spec = json.dumps([json.loads(c.proto.spec) for c in at.get("plotly_chart")])
    assert "example.invalid/y.png" in spec  # the source is there...
    assert "<img" not in spec  # ...but never as an element


def test_a_busy_store_is_a_message_not_a_traceback(hostile_db, monkeypatch, tmp_path):
    db = shutil.copy(hostile_db, tmp_path / "busy.duckdb")
    monkeypatch.setenv("SYRIA_CLAIMS_LOCK_TIMEOUT", "0.2")
    import lib.store

    monkeypatch.setattr(lib.store, "LOCK_TIMEOUT_S", 0.2)

    def locked(*args, **kwargs):
        raise duckdb.IOException('Could not set lock on file "busy.duckdb": Conflicting lock')

    monkeypatch.setattr(duckdb, "connect", locked)
    at = run(str(db), monkeypatch, "pages/map.py")
    assert not at.exception, [e.message for e in at.exception]
    assert any("The claim store is busy" in e.value for e in at.error)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_a_damaged_store_names_the_file_and_the_remedy_and_is_untouched(
    hostile_db, monkeypatch, tmp_path, damage
):
    data = Path(hostile_db).read_bytes()
    db = tmp_path / "damaged.duckdb"
    db.write_bytes(b"not a database " * 500 if damage == "garbage" else data[: len(data) // 3])
    before = db.read_bytes()
    for page in ("pages/overview.py", "pages/review.py"):
        at = run(str(db), monkeypatch, page)
        assert not at.exception, [e.message for e in at.exception]
        message = " ".join(e.value for e in at.error)
        assert "cannot be read" in message and str(db) in message
        assert re.search(r"did not change the file", message)
        assert "--import" in message
    assert db.read_bytes() == before
