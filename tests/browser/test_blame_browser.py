"""A dispute over blame in Debian's Chromium: two sources blame different sides for the same
deaths, and Who says what shows it as a contradiction; the perpetrator filter in the URL
narrows it. Runs its own server on a store holding only the test article of
tests/test_perpetrators.py, read by the real extractor."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lib.store import ClaimStore
from tests.browser.conftest import serve
from tests.test_perpetrators import BLAME_QUESTION, blame_article

pytestmark = pytest.mark.browser

TIMEOUT = 30_000


@pytest.fixture(scope="module")
def blame_app(tmp_path_factory) -> str:
    """`streamlit run dashboard.py` on a free port with the blame article's store."""
    db = tmp_path_factory.mktemp("blame") / "claims.duckdb"
    report = ClaimStore(db).ingest([blame_article()])
    assert report.new == 1
    with serve(str(db), tmp_path_factory.mktemp("log") / "streamlit.log") as url:
        yield url


def open_who_says_what(page: Page, url: str) -> None:
    page.goto(url)
    expect(page.locator("h1").first).to_have_text("Who says what", timeout=TIMEOUT)
    page.wait_for_function(
        "!document.querySelector('[data-testid=stStatusWidget]')", timeout=TIMEOUT
    )


def answer_text(page: Page, text: str):
    """The answers under the table (markdown), not the grid's cells."""
    return page.locator("[data-testid=stMain] [data-testid=stMarkdownContainer]").filter(
        has_text=text
    )


def test_two_sources_blaming_different_sides_show_as_a_contradiction(page, blame_app, offsite):
    open_who_says_what(page, f"{blame_app}/who-says-what")
    first_row = page.locator("[data-testid=stDataFrame]").first.locator("table tbody tr").first
    expect(first_row).to_contain_text(BLAME_QUESTION, timeout=TIMEOUT)
    expect(first_row).to_contain_text("contradiction")
    # the first question is open: each source's answer with its sentence, side by side
    expect(page.get_by_role("heading", name=BLAME_QUESTION)).to_be_visible()
    for answer in ("government (government forces)", "rebels (armed terrorist groups)"):
        expect(answer_text(page, answer)).to_be_visible()
    expect(answer_text(page, "killed 32 people")).to_have_count(2)  # the two sentences
    assert offsite == []


def test_the_perpetrator_filter_in_the_url_narrows_the_answers(page, blame_app, offsite):
    open_who_says_what(page, f"{blame_app}/who-says-what?perpetrator=rebels")
    grid = page.locator("[data-testid=stDataFrame]").first.locator("table tbody")
    expect(grid).to_contain_text("rebels (armed terrorist", timeout=TIMEOUT)
    expect(page.get_by_text("government (government forces)")).to_have_count(0)
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar.get_by_text("Rebels")).to_be_visible()
    assert offsite == []
