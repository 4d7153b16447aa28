"""ClaimStore on real DuckDB files in tmp_path, fed by injected extractors."""

import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from lib.articles import Article, read_articles
from lib.claims import SCHEMA, article_id_for, check_claims, coerce_claims, make_claim_id
from lib.corrections import CorrectionError
from lib.store import ClaimStore, StoreBusyError, ensure_seeded, open_store

SEEDS = sorted((Path(__file__).parent.parent / "seeds").glob("*.txt"))
TOLL = re.compile(r"(\d+) people")


def regex_extractor(confidence: float = 0.5, drop_first: bool = False) -> Callable:
    """A stand-in extractor: one exact death toll per "<N> people" in the text.

    `confidence` and `drop_first` play the part of a changed extraction rule.
    """

    def extract(article: Article) -> pd.DataFrame:
        rows = []
        for match in TOLL.finditer(article.text):
            start, end = match.span()
            rows.append({
                "claim_id": make_claim_id(article.article_id, start, end, "death_toll"),
                "article_id": article.article_id, "claim_type": "death_toll",
                "deaths": int(match.group(1)), "deaths_low": int(match.group(1)),
                "deaths_high": int(match.group(1)), "qualifier": "exact", "victims": "all",
                "source": "Test Monitor", "source_kind": "activist", "place": "Idlib",
                "governorate": "SY-ID", "governorates": ["SY-ID"], "geo_precision": "governorate",
                "date_start": article.published, "date_end": article.published,
                "date_precision": "day_inferred", "published": article.published,
                "sentence": match.group(0), "sentence_start": start, "char_start": start,
                "char_end": end, "confidence": confidence,
            })  # fmt: skip
        return coerce_claims(rows[1:] if drop_first else rows)

    return extract


def fixture_extractor(seed_claims: pd.DataFrame) -> Callable:
    """The hand-checked seed claims, as if an extractor had found them."""
    return lambda article: seed_claims[seed_claims["article_id"] == article.article_id]


@pytest.fixture
def seeds() -> list[Article]:
    articles, errors = read_articles(SEEDS)
    assert errors == [] and len(articles) == 2
    return articles


@pytest.fixture
def store(tmp_path) -> ClaimStore:
    return ClaimStore(tmp_path / "claims.duckdb")


def test_the_real_extractor_stores_exactly_the_claims_it_frames(store, seeds):
    """The store's default path writes the extractor's Arrow batches; reading them back gives
    the frame `extract_article` gives, value for value."""
    from lib.extract import EXTRACTOR_VERSION, extract_article, extract_batch

    report = store.ingest(seeds)
    assert (report.new, report.failed) == (2, [])
    stored = store.machine_claims().sort_values("claim_id").reset_index(drop=True)
    framed = pd.concat([extract_article(a) for a in seeds]).sort_values("claim_id")
    pd.testing.assert_frame_equal(stored, framed.reset_index(drop=True))
    assert set(stored["extractor_version"]) == {EXTRACTOR_VERSION}
    assert sum(extract_batch(a).num_rows for a in seeds) == len(stored) > 0


def test_seeds_twice_are_stored_once_with_exact_claims(store, seeds, seed_claims):
    extract = fixture_extractor(seed_claims)
    first = store.ingest(seeds, extract, "hand-checked")
    second = store.ingest(seeds, extract, "hand-checked")
    assert (first.new, first.unchanged, first.failed) == (2, 0, [])
    assert (second.new, second.unchanged, second.failed) == (0, 2, [])
    assert store.counts() == {"articles": 2, "claims": 27, "corrections": 0}
    stored = store.machine_claims().sort_values("claim_id").reset_index(drop=True)
    expected = seed_claims.sort_values("claim_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(stored, expected)
    claims = store.claims()
    assert {c: str(t) for c, t in claims.dtypes.items()} == SCHEMA
    assert check_claims(claims) == []
    articles = store.articles()
    assert set(articles["article_id"]) == {article_id_for(a.text) for a in seeds}
    assert articles["hash"].str.len().eq(64).all()
    assert articles["published"].dt.strftime("%Y-%m-%d").tolist() == ["2012-04-04", "2012-06-13"]


def test_correction_survives_reextraction_and_is_orphaned_when_claim_vanishes(store, seeds):
    store.ingest(seeds, regex_extractor(), "v1")
    claims = store.claims()
    first = claims.sort_values(["article_id", "char_start"]).iloc[0]
    store.correct(first["claim_id"], "deaths", first["deaths"] + 1, "miscount", "tester")

    changed = store.reextract(regex_extractor(confidence=0.9), "v2")
    assert changed.reextracted == 2 and changed.failed == []
    after = store.claims().set_index("claim_id")
    assert after.at[first["claim_id"], "deaths"] == first["deaths"] + 1
    assert after.at[first["claim_id"], "corrected"]
    assert after["confidence"].eq(0.9).all()
    assert store.reextract(regex_extractor(confidence=0.9), "v2").reextracted == 0

    store.reextract(regex_extractor(drop_first=True), "v3")
    assert first["claim_id"] not in set(store.claims()["claim_id"])
    log = store.corrections()
    assert log["status"].tolist() == ["orphaned"]
    queue = store.review_queue()
    assert queue["claim_id"].tolist() == [first["claim_id"]]
    assert queue["problem"].tolist() == ["claim no longer extracted"]

    store.reextract(regex_extractor(), "v4")
    assert store.corrections()["status"].tolist() == ["active"]
    assert (
        store.claims().set_index("claim_id").at[first["claim_id"], "deaths"] == first["deaths"] + 1
    )


def test_invalid_corrections_are_refused_and_nothing_is_logged(store, seeds, seed_claims):
    store.ingest(seeds, fixture_extractor(seed_claims), "hand-checked")
    cid = seed_claims.loc[seed_claims["deaths"] == 54, "claim_id"].iloc[0]
    with pytest.raises(CorrectionError, match="not a whole number"):
        store.correct(cid, "deaths", "many", "typo", "tester")
    with pytest.raises(CorrectionError, match="vague"):
        store.correct(cid, "qualifier", "vague", "unsure", "tester")
    with pytest.raises(ValueError, match="reason is required"):
        store.correct(cid, "deaths", 55, " ", "tester")
    with pytest.raises(ValueError, match="no claim"):
        store.correct("nope", "deaths", 55, "r", "tester")
    from lib.corrections import Edit

    with pytest.raises(CorrectionError):
        store.apply_edits([Edit(cid, "deaths", 55), Edit(cid, "governorate", "SY-XX")], "r", "t")
    assert store.counts()["corrections"] == 0
    assert not store.claims()["corrected"].any()


def test_history_reject_and_undo(store, seeds, seed_claims):
    store.ingest(seeds, fixture_extractor(seed_claims), "hand-checked")
    cid = seed_claims.loc[seed_claims["deaths"] == 54, "claim_id"].iloc[0]
    store.correct(cid, "deaths", 55, "recount in the source", "ana")
    store.reject(cid, "duplicate of the LCC total", "ben")
    assert cid not in set(store.claims()["claim_id"])
    assert store.rejected_ids() == {cid}
    assert len(store.claims()) == 26 and len(store.claims(include_rejected=True)) == 27
    store.reject(cid, "not a duplicate after all", "ana", rejected=False)
    history = store.history(cid)
    assert history["field"].tolist() == ["deaths", "rejected", "rejected"]
    assert history["old_value"].tolist() == ["54", "false", "true"]
    assert history["new_value"].tolist() == ["55", "true", "false"]
    assert history["author"].tolist() == ["ana", "ben", "ana"]
    assert history["kind"].tolist() == ["correct", "reject", "reject"]
    assert store.claims().set_index("claim_id").at[cid, "deaths"] == 55


def test_failed_extraction_stores_nothing_for_that_article(store, seeds, seed_claims):
    good = fixture_extractor(seed_claims)

    def flaky(article: Article) -> pd.DataFrame:
        if article.article_id == seeds[0].article_id:
            raise RuntimeError("rule table missing")
        return good(article)

    report = store.ingest(seeds, flaky, "flaky")
    assert report.new == 1 and len(report.failed) == 1
    assert "rule table missing" in report.failed[0].reason
    assert store.counts()["articles"] == 1

    def invalid(article: Article) -> pd.DataFrame:
        frame = good(article).copy()
        frame["qualifier"] = "roughly"
        return frame

    report = store.ingest(seeds, invalid, "invalid")
    assert report.new == 0 and "invalid claims" in report.failed[0].reason
    assert store.counts()["articles"] == 1


def test_a_write_failing_midway_rolls_back_the_article(store, seeds, seed_claims):
    store.ingest(seeds[:1], fixture_extractor(seed_claims), "hand-checked")
    taken = store.machine_claims()["claim_id"].iloc[0]

    def colliding(article: Article) -> pd.DataFrame:
        frame = fixture_extractor(seed_claims)(article).copy()
        frame.iloc[0, frame.columns.get_loc("claim_id")] = taken  # primary key clash on insert
        return frame

    before = store.counts()
    report = store.ingest(seeds[1:], colliding, "hand-checked")
    assert report.new == 0 and len(report.failed) == 1
    assert store.counts() == before  # the article row inserted before the clash is gone too


def test_busy_file_is_reported_clearly(tmp_path):
    path = tmp_path / "busy.duckdb"
    ClaimStore(path)
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(path)!r}); "
         "print('held', flush=True); time.sleep(30)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        with pytest.raises(StoreBusyError, match="in use by another process"):
            ClaimStore(path, lock_timeout=0.5)
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()
    assert ClaimStore(path).counts()["articles"] == 0


def test_open_store_respects_env_and_ensure_seeded_fills_an_empty_store(
    tmp_path, monkeypatch, seed_claims
):
    monkeypatch.setenv("SYRIA_CLAIMS_DB", str(tmp_path / "env.duckdb"))
    store = open_store()
    assert store.path == tmp_path / "env.duckdb"
    report = ensure_seeded(store, fixture_extractor(seed_claims), "hand-checked")
    assert report.new == 2 and report.failed == []
    assert ensure_seeded(store, fixture_extractor(seed_claims), "hand-checked") is None
    assert store.counts()["claims"] == 27


def test_same_text_with_new_metadata_is_unchanged(store, seeds):
    store.ingest(seeds, regex_extractor(), "v1")
    renamed = [replace(a, title="Another headline", path="elsewhere.txt") for a in seeds]
    assert store.ingest(renamed, regex_extractor(), "v1").unchanged == 2
    assert set(store.articles()["title"]) == {a.title for a in seeds}


def test_session_shares_one_connection_and_releases_the_file(store, seeds, seed_claims):
    probe = [sys.executable, "-c", f"import duckdb; duckdb.connect({str(store.path)!r})"]
    with store.session():
        store.ingest(seeds, fixture_extractor(seed_claims), "hand-checked")
        store.correct(seed_claims["claim_id"].iloc[0], "source", "X", "r", "a")
        assert len(store.claims()) == 27
        assert subprocess.run(probe, capture_output=True).returncode != 0  # file held
    assert subprocess.run(probe, capture_output=True).returncode == 0  # released
    assert store.counts()["corrections"] == 1


def test_fingerprint_changes_on_reextraction_even_when_counts_do_not(tmp_path):
    """The dashboard keys its caches on the fingerprint: a new extractor must refresh them."""
    store = ClaimStore(tmp_path / "claims.duckdb")
    store.ingest(read_articles(SEEDS)[0], extract=regex_extractor(), version="rules-1")
    before, counts = store.fingerprint(), store.counts()
    store.reextract(extract=regex_extractor(), version="rules-2")
    assert store.counts() == counts
    assert store.fingerprint() != before
