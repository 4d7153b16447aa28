"""Uploads are extracted in a worker process with a time limit (issue 13, item 3).

An article the extractor does not finish in time is refused with a clear reason, the worker
is replaced, and the other articles of the upload are extracted and stored.
"""

from __future__ import annotations

import time

import pytest

from lib.articles import read_article_bytes
from lib.store import open_store, preview
from lib.timed_extract import ExtractionWorker, extract_uploads
from tests.hostile_files import CRASH, GOOD_TEXT, STALL

LIMIT_S = 3.0


def _article(name: str, text: str):
    return read_article_bytes(name, f"{name}\n\n{text}\n".encode(), "2012-04-04")[0]


@pytest.fixture
def stalling_worker():
    worker = ExtractionWorker("tests.hostile_files:stalling_extract", "stall-test", LIMIT_S)
    yield worker
    worker.close()


def test_a_stalled_article_is_refused_and_the_rest_goes_in(stalling_worker, tmp_path):
    good = _article("first.txt", GOOD_TEXT)
    stalled = _article("stalled.txt", f"{GOOD_TEXT} {STALL}")
    later = _article("later.txt", "Two civilians were killed in Hama on Friday, the monitor said.")
    stalling_worker.extract(good)  # the worker is up: only the articles are timed below
    started = time.monotonic()
    extracted = extract_uploads([good, stalled, later], stalling_worker)
    assert time.monotonic() - started < LIMIT_S + 60  # stopped, not waited out (1 hour)
    assert [a.path for a in extracted.articles] == ["first.txt", "later.txt"]
    (refusal,) = extracted.refused
    assert refusal.name == "stalled.txt"
    assert "extraction stopped after" in refusal.reason and "not added" in refusal.reason
    assert len(extracted.claims) >= 2  # one death toll in each finished article
    store = open_store(tmp_path / "claims.duckdb")
    report = extracted.save(store)
    assert (report.new, report.failed) == (2, [])
    assert sorted(store.articles()["path"]) == ["first.txt", "later.txt"]


def test_a_worker_that_dies_refuses_that_article_only(stalling_worker):
    crashed = _article("crashed.txt", f"{GOOD_TEXT} {CRASH}")
    after = _article("after.txt", GOOD_TEXT)
    extracted = extract_uploads([crashed, after], stalling_worker)
    assert [a.path for a in extracted.articles] == ["after.txt"]
    assert [e.name for e in extracted.refused] == ["crashed.txt"]
    assert "worker stopped on this article" in extracted.refused[0].reason


def test_the_real_extractor_in_the_worker_finds_what_the_page_thread_would():
    article = _article("report.txt", GOOD_TEXT)
    worker = ExtractionWorker()
    try:
        extracted = extract_uploads([article], worker)
    finally:
        worker.close()
    expected, _ = preview([article])
    assert extracted.refused == []
    got = extracted.claims[["claim_id", "deaths", "place"]].reset_index(drop=True)
    assert got.equals(expected[["claim_id", "deaths", "place"]].reset_index(drop=True))
