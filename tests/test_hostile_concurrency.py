"""Many sessions at once (issue 13, item 15): shared data is computed once for all sessions,
and ten headless sessions load pages without an error."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.fixture_store import make_fixture_store


@pytest.fixture
def fixture_db(tmp_path, monkeypatch) -> str:
    db = make_fixture_store(tmp_path / "claims.duckdb")
    monkeypatch.setenv("SYRIA_CLAIMS_DB", db)
    return db


def test_every_session_gets_the_same_claims_and_articles_not_a_copy(fixture_db):
    import ui

    assert ui.load_claims() is ui.load_claims()  # st.cache_data would unpickle a copy per call
    assert ui.load_articles() is ui.load_articles()
    assert len(ui.load_claims()) == 27


def _run_apart(coroutine):
    """Run a coroutine on a loop of its own thread: Playwright's sync API leaves a loop running
    in the test thread once a browser test has run, and asyncio.run refuses to nest."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


@pytest.mark.slow
def test_ten_sessions_load_every_page_without_an_error(tmp_path):
    from benchmarks.bench_concurrency import PAGES, run_round
    from benchmarks.bench_first_paint import start_app

    proc, url = start_app(Path(make_fixture_store(tmp_path / "claims.duckdb")))
    try:
        warm = _run_apart(run_round(url, proc.pid, 1, len(PAGES), 120.0))
        assert warm.errors == []
        result = _run_apart(run_round(url, proc.pid, 10, len(PAGES), 120.0))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert result.errors == []
    assert len(result.ready_s) == 10 * len(PAGES)
