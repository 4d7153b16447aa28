"""AppTest per page: the filters in the sidebar and the URL change the numbers as expected.

The app reads a temporary store holding the 27 hand-checked seed claims (the fixture is the
extractor), so the expected numbers below are counted by hand from tests/fixtures.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from lib.comparison import compare
from tests.fixture_store import fixture_claims, make_fixture_store

ROOT = Path(__file__).resolve().parent.parent
SEED_000 = "86036668c76eadc4"  # CNN, 2012-04-04: 18 claims
SEED_003 = "aa967662797d8bca"  # 2012-06-13: 9 claims


@pytest.fixture(scope="module")
def fixture_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    return make_fixture_store(tmp_path_factory.mktemp("db") / "claims.duckdb")


def run_dashboard(page: str | None = None, **params: str | list[str]) -> AppTest:
    """dashboard.py run once in AppTest on `$SYRIA_CLAIMS_DB`, at `page` with URL params;
    fails on any exception the page raised."""
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    for key, value in params.items():
        at.query_params[key] = value
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.fixture
def app(fixture_db: str, monkeypatch: pytest.MonkeyPatch):
    """An AppTest of dashboard.py on the fixture store; call it with a page and URL params."""
    monkeypatch.setenv("SYRIA_CLAIMS_DB", fixture_db)
    return run_dashboard


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def plotly_spec(at: AppTest, index: int = 0) -> dict:
    return json.loads(at.get("plotly_chart")[index].proto.spec)


def values(array: list | dict) -> list:
    """A plotly JSON array: a list, or a typed array {"dtype", "bdata"} (base64)."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def test_overview_counts_follow_the_url_filter(app):
    at = app()
    assert metric(at, "Articles with claims shown") == "2 of 2"
    assert metric(at, "Claims shown") == "27 of 27"
    # Idlib: LCC's 6, the activist's 20 in Taftanaz, the Taftanaz shelling, and SANA's
    # multi-province funerals and 16 dead (lists that name Idlib).
    at = app(province="SY-ID")
    assert metric(at, "Claims shown") == "5 of 27"
    assert metric(at, "Articles with claims shown") == "1 of 2"  # follows the filter too
    assert at.multiselect(key="f_province").value == ["SY-ID"]
    headlines = at.dataframe[0].value.set_index("source")
    assert (
        "at least 20 deaths (Taftanaz"
        in headlines.loc["activist in Binnish", "death tolls reported"]
    )


def test_sidebar_filter_goes_into_the_url_and_reset_clears_it(app):
    at = app()
    at.multiselect(key="f_type").set_value(["statement"]).run()
    assert metric(at, "Claims shown") == "9 of 27"
    assert at.query_params["type"] in ("statement", ["statement"])
    at.button[0].click().run()
    assert metric(at, "Claims shown") == "27 of 27"
    assert "type" not in at.query_params


def test_empty_result_is_said_plainly(app):
    at = app(start="2020-01-01", end="2020-02-01")
    assert metric(at, "Claims shown") == "0 of 27"
    assert any("No claims match the current filters" in i.value for i in at.info)
    at = app("pages/map.py", start="2020-01-01", end="2020-02-01")
    assert any("No claims match" in i.value for i in at.info)
    [empty_map] = [plotly_spec(at)]  # the country is still drawn, with nothing on it
    assert [t["type"] for t in empty_map["data"]] == ["choroplethmap"]


def map_values(at: AppTest) -> dict[str, float]:
    table = at.dataframe[0].value
    return dict(zip(table["governorate"], table["value on map"], strict=True))


def test_map_values_change_with_metric_source_and_province(app):
    at = app("pages/map.py")
    assert map_values(at) == {"Idlib": 20, "Homs": 0}
    spec = plotly_spec(at)
    assert spec["layout"]["map"]["style"] == "white-bg"
    shaded = next(t for t in spec["data"] if t.get("name") == "Deaths, best value")
    shaded_values = dict(zip(shaded["locations"], values(shaded["z"]), strict=True))
    assert shaded_values == {"SY-HI": 0, "SY-ID": 20}
    at.segmented_control(key="map_metric").set_value("low").run()
    assert map_values(at)["Idlib"] == 6  # the smaller of the two sources' lower bounds
    at.selectbox(key="map_source").set_value("Local Coordination Committees of Syria").run()
    assert map_values(at) == {"Idlib": 6}
    at = app("pages/map.py", province="SY-HI")
    assert map_values(at) == {"Homs": 0}
    at.segmented_control(key="map_metric").set_value("events").run()
    assert map_values(at) == {"Homs": 2}  # SANA's arson and the reporter's shelling


def test_timeline_shows_each_source_per_day_never_summed(app):
    at = app("pages/timeline.py")
    daily = plotly_spec(at, 0)
    lcc = next(
        t for t in daily["data"] if t.get("name") == "Local Coordination Committees of Syria"
    )
    assert sorted(values(lcc["y"])) == [54.0, 74.0]  # 74 on Tuesday, 54 on Wednesday: two points
    totals = plotly_spec(at, 1)
    assert sorted(t["name"] for t in totals["data"]) == [
        "Local Coordination Committees of Syria",
        "Strategic Communications and Research Center",
        "United Nations",
    ]
    at.segmented_control(key="timeline_level").set_value("governorate").run()
    spec = plotly_spec(at, 0)
    # Small multiples: one panel per governorate (Homs, then Idlib), shared axes.
    panels = [a["text"] for a in spec["layout"]["annotations"]][:2]
    assert panels == ["Homs", "Idlib"]
    points = {
        (t.get("yaxis", "y"), t["name"]): values(t["y"])
        for t in spec["data"]
        if t.get("legendgroup")
    }
    assert points == {("y", "SANA"): [0.0], ("y2", "Local Coordination Committees of Syria"): [6.0]}
    assert spec["layout"]["yaxis"]["range"] == spec["layout"]["yaxis2"]["range"]


def test_timeline_sums_a_source_per_week_or_month_and_spans_the_filter(app):
    at = app("pages/timeline.py", start="2012-04-01", end="2012-04-30")
    assert at.segmented_control(key="timeline_period").value == "day"
    at.segmented_control(key="timeline_period").set_value("month").run()
    spec = plotly_spec(at, 0)
    assert spec["layout"]["title"]["text"].startswith("Deaths reported per month")
    lcc = next(t for t in spec["data"] if t.get("name") == "Local Coordination Committees of Syria")
    assert values(lcc["y"]) == [128.0]  # 74 on Tuesday + 54 on Wednesday: one source, two days
    first, last = spec["layout"]["xaxis"]["range"]
    assert first <= "2012-04-01" and last >= "2012-04-30"  # the whole of April, not April 1-7


def test_who_says_what_puts_disputes_first_and_shows_the_sentence(app):
    at = app("pages/who-says-what.py")
    table = at.dataframe[0].value
    table = table.data if hasattr(table, "data") else table
    first = table.iloc[0]
    assert first["question"] == "Deaths 2012-04-04, Idlib"
    assert first["disagreement"] == "contradiction"
    assert first["activist in Binnish"] == "≥ 20"
    assert first["Local Coordination Committees of Syria"] == "6"
    at = app("pages/who-says-what.py", type="statement")
    table = at.dataframe[0].value
    table = table.data if hasattr(table, "data") else table
    assert "Deaths 2012-04-04, Idlib" not in set(table["question"])
    assert "Arms to Syria" in set(table["question"])


def test_who_says_what_shows_the_most_disputed_first_and_says_how_many_there_are(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    claims = fixture_claims()
    six = claims["deaths"].to_numpy(dtype=float, na_value=np.nan) == 6
    in_idlib = claims["governorate"].to_numpy(dtype=object, na_value="") == "SY-ID"
    idlib = claims[six & in_idlib].iloc[[0]]
    days = pd.date_range("2013-01-01", periods=150, freq="D").astype("datetime64[s]")
    extra = pd.concat([idlib] * len(days), ignore_index=True)
    extra["date_start"] = extra["date_end"] = days
    extra["claim_id"] = [f"extra{i:011d}" for i in range(len(days))]
    many = pd.concat([claims, extra], ignore_index=True)
    path = make_fixture_store(tmp_path / "many.duckdb", many)
    monkeypatch.setenv("SYRIA_CLAIMS_DB", path)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=30)
    at.switch_page("pages/who-says-what.py").run()
    table = at.dataframe[0].value
    table = table.data if hasattr(table, "data") else table
    assert len(table) == 100
    assert table.iloc[0]["question"] == "Deaths 2012-04-04, Idlib"  # the dispute stays first
    total = 150 + len(compare(claims).questions)  # one question per extra day + the seeds'
    shown = f"Showing 100 of {total} questions, most disputed first."
    assert shown in [c.value for c in at.caption]
    at.selectbox(key="questions_shown").set_value("all").run()
    table = at.dataframe[0].value
    table = table.data if hasattr(table, "data") else table
    assert len(table) == total


def test_articles_page_highlights_every_claim_of_the_article(app):
    at = app("pages/articles.py", article=SEED_000)
    html = at.get("html")[0].proto.body
    assert html.count('id="claim-') == 18
    assert html.count('class="claim claim-death_toll"') >= 8
    assert "What was found: 18 claims" in [s.value for s in at.subheader]
    # The filter picks the article; the article then shows all its claims (issue 14).
    at = app("pages/articles.py", article=SEED_003, province="SY-LA")
    assert "What was found: 9 claims" in [s.value for s in at.subheader]
    assert any("3 of them match the current filters" in c.value for c in at.caption)


def test_a_link_to_one_claim_outlines_it_in_the_article(app):
    at = app("pages/articles.py", article=SEED_000, claim="619974914cc37569")
    assert "activist in Binnish" in at.info[0].value and "at least 20 deaths" in at.info[0].value
    html = at.get("html")[0].proto.body
    assert html.count("claim-focus") == 1
    focus = html.index("claim-focus")
    assert html[focus : html.index("</mark>", focus)].endswith(">at least 20 deaths in Taftanaz")


def test_a_hand_typed_url_is_normalised_in_the_sidebar_and_the_address(app):
    at = app(province="sy-id,hm", start="2030-01-01")
    assert at.multiselect(key="f_province").value == ["SY-HM", "SY-ID"]
    assert at.query_params["province"] == ["SY-HM", "SY-ID"]
    assert metric(at, "Claims shown") == "0 of 27"  # nothing after a start in 2030


def test_a_click_on_a_town_marker_names_its_governorate():
    from ui import _clicked_governorate

    assert _clicked_governorate({"location": "SY-HI", "customdata": ["Homs"]}) == "SY-HI"
    marker = {"customdata": ["Taftanaz", "at least 20 deaths", "2012-04-04", "…", "x", "SY-ID"]}
    assert _clicked_governorate(marker) == "SY-ID"
    assert _clicked_governorate({"x": 1}) is None


def test_pages_folder_holds_only_the_pages_dashboard_registers():
    """Streamlit lists every file of pages/ in the sidebar and serves it as a page when a deep
    link is the first request after start: a helper module there becomes a blank page."""
    registered = set(re.findall(r'"(pages/[^"]+\.py)"', (ROOT / "dashboard.py").read_text()))
    present = {f"pages/{p.name}" for p in (ROOT / "pages").iterdir() if p.name != "__pycache__"}
    assert present == registered


def test_deaths_per_day_say_their_level_and_follow_the_governorate_filter(app):
    at = app()
    daily = plotly_spec(at, 1)
    assert daily["layout"]["title"]["text"] == "Deaths per day, by source (nationwide)"
    assert daily["layout"]["showlegend"] is True
    # Homs: SANA's own Homs toll, not the six-governorate funeral count naming Homs.
    at = app(province="SY-HI")
    daily = plotly_spec(at, 1)
    assert daily["layout"]["title"]["text"] == "Deaths per day, by source (per governorate)"
    assert [t["name"] for t in daily["data"]] == ["SANA"]
    at = app("pages/timeline.py", province="SY-HI")
    assert at.segmented_control(key="timeline_level").value == "governorate"
