"""An undated upload of wartime reporting (issue 14, defects 1 and 2), in Debian's Chromium:
the Review page accepts a typed 2012 publication date, saves, and the new article shows on
the map although it lies before every stored article (the date filter follows the data)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lib.store import open_store

pytestmark = pytest.mark.browser
pytest.importorskip("lib.extract")  # the server extracts the upload with the real extractor

TIMEOUT = 30_000
# Written for this test: an undated wire-style report (no date line, so the page asks for one).
TEXT = (
    "Shelling in Raqqa\n\n"
    "At least 12 people were killed in Raqqa, the Syrian Observatory for Human Rights said.\n"
)


def wait_idle(page: Page) -> None:
    page.wait_for_function(
        "!document.querySelector('[data-testid=stStatusWidget]')", timeout=TIMEOUT
    )


def test_an_undated_txt_takes_a_typed_2012_date_and_shows_on_the_map(
    page: Page, writable_app, offsite, tmp_path
):
    url, db = writable_app
    upload = tmp_path / "raqqa-shelling.txt"
    upload.write_text(TEXT, encoding="utf-8")
    page.goto(f"{url}/review")
    expect(page.locator("h1").first).to_contain_text("Review claims", timeout=TIMEOUT)
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(upload)
    year = page.get_by_role("spinbutton", name="year, Publication date for the files")
    expect(year).to_be_visible(timeout=TIMEOUT)
    year.click()
    page.keyboard.type("20120214")  # year, month, day: the field moves on by itself
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")  # close the calendar: the typed date is committed
    save = page.get_by_role("button", name="Save 1 article(s)")
    expect(save).to_be_visible(timeout=TIMEOUT)
    save.click()
    expect(page.get_by_text("Saved: 1 new, 0 already stored.")).to_be_visible(timeout=TIMEOUT)

    articles = open_store(db).articles()
    saved = articles[articles["path"].str.endswith("raqqa-shelling.txt", na=False)]
    assert saved["published"].dt.date.astype(str).tolist() == ["2012-02-14"]

    page.goto(f"{url}/map")  # the same session's filter: it must widen to February 2012
    wait_idle(page)
    page.wait_for_function("document.querySelector('.js-plotly-plot')?.data", timeout=TIMEOUT)
    coloured = page.evaluate(
        "() => { const t = document.querySelector('.js-plotly-plot').data[1];"
        " return t && t.type === 'choroplethmap' ? Array.from(t.locations) : []; }"
    )
    assert "SY-RA" in coloured
    assert page.get_by_text("fall outside these dates").count() == 0
    assert offsite == []
