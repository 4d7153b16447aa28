"""The claims explorer, the victims filter, the map over time, links from map markers and
Who says what answers to the explorer, and the full export, in Debian's Chromium.

The app runs on the seed fixture plus one article of my own that has an original URL and a
civilian toll (the seeds have no URL and no civilian toll), so every link can be followed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from lib.articles import read_articles
from lib.claims import SCHEMA, coerce_claims
from lib.store import open_store
from tests.browser.conftest import CHROMIUM, serve
from tests.browser.test_dashboard import download, open_page, wait_idle
from tests.fixture_store import fixture_claims, make_fixture_store

pytestmark = pytest.mark.browser

URL = "https://example.org/2013/02/douma-shelling"
SENTENCE = "At least 12 civilians were killed when shells hit a market in Douma on Sunday."
TEXT = f"Shells hit Douma market\n\nDAMASCUS - {SENTENCE} Residents said the market was crowded."
TIMEOUT = 30_000


def _own_claim(article) -> dict:
    start = article.text.index(SENTENCE)
    return {
        **fixture_claims().iloc[0].to_dict(),
        "claim_id": "c0ffee0000000001", "article_id": article.article_id, "deaths": 12,
        "deaths_low": 12, "deaths_high": None, "qualifier": "at_least", "victims": "civilians",
        "source": "Test Wire", "source_kind": "reporter", "source_text": None, "place": "Douma",
        "governorate": "SY-RD", "governorates": None, "lat": 33.5711, "lon": 36.4033,
        "geo_precision": "town", "date_start": "2013-02-10", "date_end": "2013-02-10",
        "published": "2013-02-11", "sentence": SENTENCE, "sentence_start": start,
        "char_start": start, "char_end": start + len("At least 12 civilians were killed"),
    }  # fmt: skip


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory):
    """The dashboard on the seed fixture plus my article with a URL and a civilian toll."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found")
    folder = tmp_path_factory.mktemp("own")
    record = {"title": "Shells hit Douma market", "text": TEXT, "published": "2013-02-11",
              "outlet": "Test Wire", "url": URL}  # fmt: skip
    (folder / "douma.json").write_text(json.dumps(record), encoding="utf-8")
    articles, errors = read_articles([folder])
    assert not errors and len(articles) == 1
    db = make_fixture_store(folder / "claims.duckdb")
    claims = coerce_claims([_own_claim(articles[0])])
    report = open_store(db).ingest(articles, extract=lambda a: claims, version="fixture")
    assert not report.failed
    with serve(db, folder / "streamlit.log") as url:
        yield url


def query(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlparse(page.url).query)


def explorer_cells(page: Page, column: str, rows: int | None = None) -> list[str]:
    """Cell texts of one column of the explorer table (the page's second dataframe), once it
    has `rows` rows when given (the grid redraws a moment after the caption)."""
    grid = page.locator("[data-testid=stDataFrame]").nth(1)
    if rows is not None:
        expect(grid.locator("table tbody tr")).to_have_count(rows, timeout=TIMEOUT)
    grid.locator("table tbody tr").first.wait_for(state="attached", timeout=TIMEOUT)
    headers = grid.locator("table thead th").all_inner_texts()
    index = headers.index(column) + 1
    return grid.locator(f"table tbody tr td:nth-child({index})").all_inner_texts()


def test_search_narrows_the_explorer_and_each_row_links_to_sentence_and_original(
    page, app, offsite
):
    open_page(page, f"{app}/claims", "Claims explorer")
    expect(page.get_by_text("28 of 28 claims")).to_be_visible(timeout=TIMEOUT)
    box = page.get_by_label("Search sentences, places and sources")
    box.fill("douma MARKET")
    box.press("Enter")
    expect(page.get_by_text("1 of 28 claims")).to_be_visible(timeout=TIMEOUT)
    wait_idle(page)
    assert query(page)["q"] == ["douma MARKET"]  # the search is in the shareable link
    assert explorer_cells(page, "Original", rows=1) == [URL]
    assert explorer_cells(page, "Precision") == ["town"]
    assert explorer_cells(page, "Victims") == ["Civilians"]
    (link,) = explorer_cells(page, "In article")
    assert parse_qs(urlparse(link).query)["claim"] == ["c0ffee0000000001"]
    open_page(page, f"{app}/{link}", "Articles")
    focus = page.locator("mark.claim-focus")
    expect(focus).to_have_text("At least 12 civilians were killed", timeout=TIMEOUT)
    expect(page.get_by_text("It is outlined in the text below")).to_be_visible()
    assert not offsite


def test_sort_and_search_come_back_from_a_shared_link(page, app, offsite):
    open_page(page, f"{app}/claims?sort=largest+toll&q=documented", "Claims explorer")
    claims = explorer_cells(page, "Claim")
    assert [c.split(" deaths")[0] for c in claims] == ["more than 12,000", "more than 11,000"]
    expect(page.get_by_label("Search sentences, places and sources")).to_have_value("documented")
    open_page(page, f"{app}/claims?sort=oldest&q=documented", "Claims explorer")
    assert explorer_cells(page, "Claim")[0].startswith("more than 11,000")  # by date, then source
    assert not offsite


def test_victims_filter_in_the_sidebar_narrows_tolls_and_the_breakdown(page, app, offsite):
    open_page(page, f"{app}/claims", "Claims explorer")
    breakdown = page.locator("[data-testid=stDataFrame]").first
    expect(breakdown).to_contain_text("Civilians", timeout=TIMEOUT)
    expect(breakdown).to_contain_text("Security forces")
    box = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").filter(
        has_text="Victims of death tolls"
    )
    box.locator("input").click()
    page.get_by_role("option", name="Security forces", exact=True).click()
    page.keyboard.press("Escape")
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"victims=security_forces"), timeout=TIMEOUT)
    expect(breakdown).not_to_contain_text("Civilians", timeout=TIMEOUT)
    expect(page.get_by_text("19 of 19 claims")).to_be_visible(timeout=TIMEOUT)  # 28 - 9 tolls
    open_page(page, f"{app}/claims?victims=civilians&sort=largest+toll", "Claims explorer")
    expect(box).to_contain_text("Civilians", timeout=TIMEOUT)  # the link restores the filter
    first, second = explorer_cells(page, "Claim")[:2]
    assert first == "at least 12 deaths" and not second.endswith("deaths")  # one toll left
    assert not offsite


def map_title(page: Page) -> str:
    title = page.evaluate("() => document.querySelector('.js-plotly-plot').layout.title.text")
    return re.sub(r"<[^>]+>", "", title)


def test_map_period_slider_steps_through_months_and_lives_in_the_url(page, app, offsite):
    open_page(page, f"{app}/map?every=month", "Province map")
    expect(page).to_have_url(re.compile(r"period=2012-04"), timeout=TIMEOUT)
    page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT)
    assert map_title(page).endswith("April 2012")
    page.get_by_role("slider").first.focus()
    page.keyboard.press("ArrowRight")
    wait_idle(page)
    expect(page).to_have_url(re.compile(r"period=2012-05"), timeout=TIMEOUT)
    page.wait_for_function(
        "() => document.querySelector('.js-plotly-plot').layout.title.text.includes('May 2012')",
        timeout=TIMEOUT,
    )
    open_page(page, f"{app}/map?every=month&period=2013-02", "Province map")
    page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT)
    assert map_title(page).endswith("February 2013")
    assert not offsite


def test_a_clicked_map_marker_opens_its_claim_in_the_explorer(page, app, offsite):
    open_page(page, f"{app}/map", "Province map")
    page.locator(".js-plotly-plot").first.wait_for(timeout=TIMEOUT)
    page.wait_for_timeout(1500)  # the map canvas is drawn after the plot element exists
    spot = page.evaluate(
        """() => { const gd = document.querySelector('.js-plotly-plot');
        const i = gd._fullData.findIndex(t => t.type === 'scattermap' && t.name === 'Test Wire');
        const map = gd._fullLayout.map._subplot.map, t = gd._fullData[i];
        const xy = map.project([t.lon[0], t.lat[0]]), box = map.getCanvas().getBoundingClientRect();
        return {x: box.left + xy.x, y: box.top + xy.y}; }"""
    )
    page.mouse.click(spot["x"], spot["y"])
    link = page.get_by_role("link", name="clicked claim")
    expect(link).to_be_visible(timeout=TIMEOUT)
    link.click()
    expect(page.locator("h1").first).to_contain_text("Claims explorer", timeout=TIMEOUT)
    wait_idle(page)
    assert query(page)["claim"] == ["c0ffee0000000001"]
    assert explorer_cells(page, "Place") == ["Douma"]
    assert not offsite


def test_a_who_says_what_answer_opens_its_claims_in_the_explorer(page, app, offsite):
    open_page(page, f"{app}/who-says-what", "Who says what")
    link = page.get_by_role("link", name="See it in the claims explorer").first
    expect(link).to_be_visible(timeout=TIMEOUT)
    link.click()
    expect(page.locator("h1").first).to_contain_text("Claims explorer", timeout=TIMEOUT)
    wait_idle(page)
    expect(page.get_by_text("a link points to")).to_be_visible(timeout=TIMEOUT)
    ids = query(page)["claim"][0].split(",")
    assert len(explorer_cells(page, "Claim")) == len(ids) >= 1
    assert not offsite


def test_full_export_buttons_deliver_every_filtered_claim_with_every_field(page, app, offsite):
    open_page(page, f"{app}/claims?province=SY-RD", "Claims explorer")
    main = page.locator("[data-testid=stMain]")
    data = download(page, lambda: main.get_by_role("button", name="(CSV)").click())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert list(rows[0]) == [*SCHEMA, "article_title", "outlet", "url"]
    expected = {"c0ffee0000000001"} | set(
        fixture_claims().query("governorate == 'SY-RD'")["claim_id"]
    )
    multi = fixture_claims()["governorates"].map(lambda g: g is not None and "SY-RD" in g)
    expected |= set(fixture_claims()[multi]["claim_id"])
    assert {r["claim_id"] for r in rows} == expected
    assert next(r for r in rows if r["claim_id"] == "c0ffee0000000001")["url"] == URL
    parquet = download(page, lambda: main.get_by_role("button", name="(Parquet)").click())
    assert parquet[:4] == b"PAR1" and parquet[-4:] == b"PAR1"
    assert not offsite


def test_screenshot_of_the_explorer_for_the_readme(page, app, offsite):
    """Regenerates docs/screenshots/claims.png (looked at before committing)."""
    open_page(page, f"{app}/claims?q=killed", "Claims explorer")
    explorer_cells(page, "Claim")
    page.wait_for_timeout(1000)
    page.screenshot(path=str(Path(__file__).resolve().parents[2] / "docs/screenshots/claims.png"))
    assert not offsite
