"""The review workflow in Debian's Chromium: upload an article, correct one of its claims in
the table, and see the province map change. Runs its own server on its own store, because it
writes (the shared `app_url` store keeps the hand-counted seed numbers other tests expect)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from lib.store import ClaimStore
from tests.browser.conftest import serve
from tests.fixture_store import make_fixture_store

pytestmark = pytest.mark.browser
pytest.importorskip("lib.extract")  # the server extracts the upload with the real extractor

TIMEOUT = 30_000
ARTICLE = {
    "title": "Raqqa shelling",
    "published": "2012-04-10",
    "text": "Raqqa shelling\n\nAt least 12 people were killed in Raqqa on Tuesday, "
    "the Syrian Observatory for Human Rights said.",
}


@pytest.fixture(scope="module")
def review_app(tmp_path_factory) -> tuple[str, ClaimStore]:
    """`streamlit run dashboard.py` on a free port with a fresh seed store of its own."""
    db = make_fixture_store(tmp_path_factory.mktemp("review") / "claims.duckdb")
    with serve(db, tmp_path_factory.mktemp("log") / "streamlit.log") as url:
        yield url, ClaimStore(db)


def wait_idle(page: Page) -> None:
    page.wait_for_function(
        "!document.querySelector('[data-testid=stStatusWidget]')", timeout=TIMEOUT
    )


def map_values(page: Page) -> dict[str, float]:
    """Governorate -> value on the page's province map (its coloured trace)."""
    page.wait_for_function("document.querySelector('.js-plotly-plot')?.data", timeout=TIMEOUT)
    return page.evaluate(
        "() => { const t = document.querySelector('.js-plotly-plot').data[1];"  # [0]: grey base
        " if (!t || t.type !== 'choroplethmap') return {}; const out = {};"
        " Array.from(t.locations).forEach((l, i) => out[l] = Number(t.z[i])); return out; }"
    )


def open_map(page: Page, url: str) -> dict[str, float]:
    page.goto(f"{url}/map")
    wait_idle(page)
    return map_values(page)


def test_upload_then_correct_a_claim_changes_the_map(page: Page, review_app, tmp_path):
    url, store = review_app
    assert "SY-RA" not in open_map(page, url)

    upload = tmp_path / "raqqa.json"
    upload.write_text(json.dumps(ARTICLE), encoding="utf-8")
    page.goto(f"{url}/review")
    expect(page.locator("h1").first).to_contain_text("Review claims", timeout=TIMEOUT)
    page.locator("[data-testid=stFileUploader] input[type=file]").set_input_files(upload)
    save = page.get_by_role("button", name="Save 1 article(s)")
    expect(save).to_be_visible(timeout=TIMEOUT)
    save.click()
    expect(page.get_by_text("Saved: 1 new, 0 already stored.")).to_be_visible(timeout=TIMEOUT)
    assert open_map(page, url).get("SY-RA") == 12

    # the new article's claims, in the order the page's table shows them
    articles = store.articles()
    article_id = articles.loc[articles["title"] == ARTICLE["title"], "article_id"].iloc[0]
    claims = store.machine_claims()
    rows = claims[claims["article_id"] == article_id].reset_index(drop=True)
    toll_row = int(rows.index[rows["claim_type"] == "death_toll"][0])

    page.goto(f"{url}/review")
    wait_idle(page)
    page.get_by_test_id("stSelectbox").first.click()
    page.get_by_role("option", name="2012-04-10 · Raqqa shelling").click()
    grid = page.locator("[data-testid=stDataFrame]").first
    expect(grid.locator("table tbody tr")).to_have_count(len(rows), timeout=TIMEOUT)
    wait_idle(page)
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 40, box["y"] + 35 + 35 * toll_row + 17)  # claim cell of the toll
    for _ in range(5):  # claim, corrected, claim_type, sentence, qualifier -> deaths
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # opens the grid's cell editor (an input in its portal)
    editor = page.locator("#portal input, #portal textarea").first
    expect(editor).to_be_visible(timeout=TIMEOUT)
    editor.fill("40")
    editor.press("Enter")
    expect(page.get_by_text("1 changed cell(s).")).to_be_visible(timeout=TIMEOUT)
    page.get_by_label("Reason").fill("the source says 40 in its later update")
    page.get_by_label("Author").fill("browser test")
    page.get_by_role("button", name="Save corrections").click()
    expect(page.get_by_text("Saved 1 correction(s).")).to_be_visible(timeout=TIMEOUT)

    history = store.corrections()
    assert history[["field", "old_value", "new_value"]].values.tolist() == [["deaths", "12", "40"]]
    assert open_map(page, url).get("SY-RA") == 40
