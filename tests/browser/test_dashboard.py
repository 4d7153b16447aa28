"""The dashboard in Debian's Chromium: pages load, filters drive the map and tables, links
restore a view, every export delivers a real image, and nothing leaves 127.0.0.1."""

from __future__ import annotations

import csv
import io
import re
import struct
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from ui.headings import HEADINGS

pytestmark = pytest.mark.browser

# The review page has its own browser test (test_review_browser.py).
PAGES = {path: heading for path, heading in HEADINGS.items() if path != "review"}
RENDER_TIMEOUT = 30_000


def wait_idle(page: Page) -> None:
    """Wait until Streamlit has finished the current run (no running indicator)."""
    page.wait_for_function(
        "!document.querySelector('[data-testid=stStatusWidget]')", timeout=RENDER_TIMEOUT
    )


def open_page(page: Page, url: str, title: str) -> None:
    page.goto(url)
    expect(page.locator("h1").first).to_contain_text(title, timeout=RENDER_TIMEOUT)
    wait_idle(page)


def assert_healthy(page: Page) -> None:
    assert page.locator("[data-testid=stException]").count() == 0
    assert page.get_by_text("Page not found").count() == 0


def map_locations(page: Page, index: int = 0) -> list[str]:
    """Governorates coloured on the page's plotly map (the second trace; the first is grey)."""
    page.locator(".js-plotly-plot").nth(index).wait_for(timeout=RENDER_TIMEOUT)
    return page.evaluate(
        "i => { const gd = document.querySelectorAll('.js-plotly-plot')[i];"
        " return gd.data.length > 1 && gd.data[1].type === 'choroplethmap'"
        " ? Array.from(gd.data[1].locations) : []; }",
        index,
    )


def table_column(page: Page, column: str) -> list[str]:
    """Cell texts of one column of the first st.dataframe (read via its accessible table)."""
    grid = page.locator("[data-testid=stDataFrame]").first
    headers = grid.locator("table thead th").all_inner_texts()
    index = headers.index(column) + 1
    return grid.locator(f"table tbody tr td:nth-child({index})").all_inner_texts()


def choose_governorate(page: Page, name: str) -> None:
    """Pick a governorate in the sidebar multiselect, as a user would."""
    box = page.locator("[data-testid=stSidebar] [data-testid=stMultiSelect]").filter(
        has_text="Governorates"
    )
    box.locator("input").click()
    page.keyboard.type(name)
    page.get_by_role("option", name=name, exact=True).click()
    page.keyboard.press("Escape")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", data[:16]
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_loads_without_error_or_offsite_request(page, app_url, offsite, path):
    open_page(page, f"{app_url}/{path}", PAGES[path])
    page.wait_for_timeout(1000)
    assert_healthy(page)
    assert offsite == []


def test_governorate_filter_in_the_sidebar_changes_map_and_table(page, app_url, offsite):
    open_page(page, f"{app_url}/map", "Province map")
    page.locator(".js-plotly-plot").first.wait_for()
    assert map_locations(page) == ["SY-HI", "SY-ID"]
    choose_governorate(page, "Homs")
    expect(page).to_have_url(re.compile(r"province=SY-HI"), timeout=RENDER_TIMEOUT)
    wait_idle(page)
    page.wait_for_function(
        "() => { const gd = document.querySelector('.js-plotly-plot');"
        " return gd && gd.data[1] && gd.data[1].locations.length === 1; }",
        timeout=RENDER_TIMEOUT,
    )
    assert map_locations(page) == ["SY-HI"]
    rows = page.locator("[data-testid=stDataFrame]").first.locator("table tbody tr")
    expect(rows).to_have_count(1, timeout=RENDER_TIMEOUT)
    assert table_column(page, "governorate") == ["Homs"]
    assert offsite == []


def test_clicking_a_governorate_on_the_map_filters_every_page(page, app_url, offsite):
    open_page(page, f"{app_url}/map", "Province map")
    plot = page.locator(".js-plotly-plot").first
    plot.wait_for()
    page.wait_for_timeout(1500)  # MapLibre draws after plotly
    x, y = page.evaluate(
        "() => { const gd = document.querySelector('.js-plotly-plot');"
        " const sub = gd._fullLayout.map._subplot; const p = sub.map.project([36.6, 35.6]);"
        " const box = sub.map.getContainer().getBoundingClientRect();"
        " return [box.left + p.x, box.top + p.y]; }"
    )
    page.mouse.click(x, y)
    expect(page).to_have_url(re.compile(r"province=SY-ID"), timeout=RENDER_TIMEOUT)
    wait_idle(page)
    page.get_by_role("link", name="Overview").click()
    expect(page.locator("[data-testid=stMetricValue]").nth(1)).to_have_text("5 of 27")
    assert offsite == []


def test_a_shared_link_restores_the_filter(page, app_url, offsite):
    open_page(page, f"{app_url}/?province=SY-ID&type=death_toll", PAGES[""])
    expect(page.locator("[data-testid=stMetricValue]").nth(1)).to_have_text("3 of 27")
    sidebar = page.locator("[data-testid=stSidebar]")
    expect(sidebar.get_by_text("Idlib")).to_be_visible()
    open_page(page, f"{app_url}/map?province=SY-HI", "Province map")
    assert map_locations(page) == ["SY-HI"]
    assert offsite == []


def download(page: Page, click) -> bytes:
    with page.expect_download(timeout=RENDER_TIMEOUT) as info:
        click()
    return Path(info.value.path()).read_bytes()


def click_modebar_camera(page: Page) -> None:
    plot = page.locator(".js-plotly-plot").first
    plot.hover()
    plot.locator('.modebar-btn[data-title^="Download plot"]').click()


@pytest.mark.slow
@pytest.mark.parametrize("path", ["map", "timeline"])
def test_modebar_saves_png_and_svg_with_the_configured_size(page, app_url, offsite, path):
    open_page(page, f"{app_url}/{path}", PAGES[path])
    page.wait_for_timeout(1500)
    png = download(page, lambda: click_modebar_camera(page))
    assert png_size(png) == (2400, 1600) and len(png) > 20_000
    page.locator("[data-testid=stSidebar]").get_by_text("SVG", exact=True).click()
    wait_idle(page)
    page.wait_for_timeout(1000)
    svg = download(page, lambda: click_modebar_camera(page)).decode()
    assert svg.startswith("<svg") and 'width="1200"' in svg and 'height="800"' in svg
    assert offsite == []


@pytest.mark.slow
@pytest.mark.parametrize("path", ["map", "timeline"])
def test_server_side_buttons_deliver_png_and_svg(page, app_url, offsite, path):
    open_page(page, f"{app_url}/{path}", PAGES[path])
    main = page.locator("[data-testid=stMain]")
    png = download(page, lambda: main.get_by_role("button", name="PNG image").first.click())
    assert png_size(png) == (2400, 1600) and len(png) > 20_000
    svg = download(page, lambda: main.get_by_role("button", name="SVG image").first.click())
    assert svg.decode().startswith("<svg") and len(svg) > 5_000
    assert offsite == []


def test_csv_download_holds_exactly_the_filtered_rows(page, app_url, offsite):
    open_page(page, f"{app_url}/map?province=SY-ID", "Province map")
    main = page.locator("[data-testid=stMain]")
    data = download(page, lambda: main.get_by_role("button", name="CSV of these").click())
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    # What the Idlib map draws: LCC's 6 colour the governorate, the activist's 20 in Taftanaz is
    # a town marker; SANA's 16 over six provinces is not drawn on a map, so not in its CSV.
    assert sorted(r["source"] for r in rows) == [
        "Local Coordination Committees of Syria",
        "activist in Binnish",
    ]
    assert all(len(r["sentence"]) > 20 for r in rows)
    assert offsite == []


def test_who_says_what_cell_leads_to_its_sentence_and_article(page, app_url, offsite):
    open_page(page, f"{app_url}/who-says-what", "Who says what")
    grid = page.locator("[data-testid=stDataFrame]").first
    expect(grid.locator("table tbody tr").first).to_contain_text("Deaths 2012-04-04, Idlib")
    sentence = page.get_by_text("one activist in Binnish is reporting at least 20 deaths")
    expect(sentence.first).to_be_visible()  # the most disputed question is open at first
    assert sentence.count() == 2  # the activist's 20 and the LCC's 6 come from one sentence
    expect(grid.locator("table tbody tr").nth(2)).to_contain_text("Arms to Syria")
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 120, box["y"] + 35 + 2 * 35 + 17)  # third row's question
    expect(page.get_by_text("defended his country's arms sales").first).to_be_visible(
        timeout=RENDER_TIMEOUT
    )
    expect(sentence).to_have_count(0)
    page.get_by_role("link", name="Read it in the article").first.click()
    expect(page.locator("h1").first).to_have_text("Articles", timeout=RENDER_TIMEOUT)
    expect(page.locator("mark.claim-focus")).to_have_count(1)
    expect(page.locator("mark.claim-focus.claim-statement")).to_have_count(1)  # an arms answer
    assert offsite == []
