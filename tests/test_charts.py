"""Charts: numbers on the map and timeline never add sources together; the map draws offline."""

from __future__ import annotations

import html
import json
import re

import pandas as pd
import pytest

from lib import charts, highlight
from lib.claims import coerce_claims
from lib.geography import GOVERNORATES, boundaries_geojson


def daily(rows: list[dict]) -> pd.DataFrame:
    """A `series.daily_deaths`-shaped frame from a few hand-written rows."""
    base = {"victims": "all", "source_kind": "activist", "n_claims": 1, "claim_ids": "x"}
    frame = pd.DataFrame([{**base, **r} for r in rows])
    frame["date"] = pd.to_datetime(frame["date"])
    for col in ("low", "best", "high"):
        frame[col] = frame[col].astype("Int64")
    return frame


def row(date, source, level, gov, place, low, best, high):
    return dict(
        date=date,
        source=source,
        level=level,
        governorate=gov,
        area=gov,
        place=place,
        low=low,
        best=best,
        high=high,
    )


IDLIB_DAY = daily(
    [
        row("2012-04-04", "LCC", "governorate", "SY-ID", "Idlib", 6, 6, 6),
        row("2012-04-04", "activist", "town", "SY-ID", "Taftanaz", 20, 20, None),
        row("2012-04-04", "LCC", "national", None, None, 54, 54, None),
    ]
)


def test_source_totals_keep_sources_apart_and_skip_national_rows():
    totals = charts.source_totals(IDLIB_DAY).set_index("source")
    assert totals.loc["LCC", "best"] == 6  # not 60: the nationwide 54 is not a governorate count
    assert totals.loc["activist", "best"] == 20
    assert bool(totals.loc["activist", "unbounded"]) is True
    assert len(totals) == 2


def test_town_and_governorate_counts_of_one_source_are_not_added():
    frame = daily(
        [
            row("2012-04-04", "LCC", "governorate", "SY-ID", "Idlib", 6, 6, 6),
            row("2012-04-04", "LCC", "town", "SY-ID", "Taftanaz", 4, 4, 4),
            row("2012-04-04", "LCC", "town", "SY-ID", "Binnish", 3, 3, 3),
            row("2012-04-05", "LCC", "governorate", "SY-ID", "Idlib", 2, 2, 2),
        ]
    )
    totals = charts.source_totals(frame)
    # Day 1: towns 4 + 3 = 7 beat the governorate's 6 (max, not 13); day 2 adds 2.
    assert totals["best"].tolist() == [9]


@pytest.mark.parametrize(("metric", "expected"), [("best", 20), ("low", 6), ("high", 20)])
def test_map_value_is_a_spread_across_sources_never_a_sum(metric, expected):
    values = charts.death_map_values(IDLIB_DAY, metric)
    assert values.set_index("governorate").loc["SY-ID", "value"] == expected
    detail = values.set_index("governorate").loc["SY-ID", "detail"]
    assert "activist: ≥ 20" in detail and "LCC: 6" in detail


def test_map_values_for_one_source():
    values = charts.death_map_values(IDLIB_DAY, "best", source="LCC")
    assert values["value"].tolist() == [6]
    assert charts.death_map_values(IDLIB_DAY, "best", source="nobody").empty


def test_count_phrase_keeps_the_qualifier():
    assert charts.count_phrase("at_least", 54) == "at least 54"
    assert charts.count_phrase("more_than", 11000) == "more than 11,000"
    assert charts.count_phrase("exact", 6) == "6"
    assert charts.count_phrase("vague", None, 24, 99) == "24-99 (vague)"


def test_province_map_draws_offline_with_all_governorates():
    values = pd.DataFrame({"governorate": ["SY-ID"], "value": [20], "detail": ["a <b>x</b>"]})
    markers = pd.DataFrame(
        {
            "lat": [35.99],
            "lon": [36.78],
            "place": ["Taftanaz"],
            "source": ["activist"],
            "label": ["at least 20 deaths"],
            "date": ["2012-04-04"],
            "sentence": ["<script>alert(1)</script>"],
            "governorate": ["SY-ID"],
        }
    )
    fig = charts.province_map(values, markers, boundaries_geojson(), GOVERNORATES, "T", "Deaths")
    spec = fig.to_plotly_json()
    assert spec["layout"]["map"]["style"] == "white-bg"
    base, shaded, edges, towns = spec["data"]
    assert edges["hoverinfo"] == "skip" and not edges["showlegend"]  # dark rings under markers
    assert base["type"] == "choroplethmap" and len(base["locations"]) == 14
    assert list(shaded["locations"]) == ["SY-ID"] and list(shaded["z"]) == [20.0]
    assert towns["type"] == "scattermap" and towns["mode"] == "markers"  # text would fetch fonts
    assert towns["customdata"][0][-1] == "SY-ID"  # a click on the town filters its governorate
    assert "Natural Earth" in json.dumps(spec["layout"]["annotations"])
    dumped = json.dumps(spec)
    assert "<script>" not in dumped and "&lt;script&gt;" in dumped
    assert "https://" not in dumped


def test_source_styles_are_stable_and_distinct():
    styles = charts.source_styles(["b", "a", "c"])
    assert styles == charts.source_styles(["c", "a", "b"])
    assert len({colour for colour, _ in styles.values()}) == 3


def test_fifteen_sources_get_fifteen_colours_and_the_tail_is_other():
    sources = [f"source {i:02}" for i in range(25) for _ in range(30 - i)]  # 30, 29, ... claims
    styles = charts.source_styles(sources)
    top = [styles[f"source {i:02}"][0] for i in range(15)]
    assert len(set(top)) == 15 and charts.OTHER_COLOUR not in top
    assert charts.legend_entry("source 24", styles) == (
        charts.OTHER_COLOUR, "circle", charts.OTHER_SOURCES
    )  # fmt: skip
    escaped = charts.legend_entry("<b>x</b>", charts.source_styles(["<b>x</b>"]))[2]
    assert escaped == "&lt;b&gt;x&lt;/b&gt;"


def town_claims(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    """(source, place, geo_precision) rows as claims with coordinates (a governorate's are its
    centroid, as the extractor gives them)."""
    coords = {"Taftanaz": (35.998, 36.786), "Idlib": (35.827, 36.578), "Homs": (34.254, 38.293)}
    return coerce_claims(
        [
            {"claim_id": f"c{i}", "article_id": "a", "source_kind": "activist",
             "date_precision": "day", "char_start": 0, "char_end": 5, "sentence_start": 0,
             "source": src, "place": place, "geo_precision": precision,
             "lat": coords[place][0], "lon": coords[place][1], "claim_type": "event",
             "event_type": "shelling", "date_start": pd.Timestamp("2012-04-04"),
             "date_end": pd.Timestamp("2012-04-04"), "published": pd.Timestamp("2012-04-05"),
             "cumulative": False, "sentence": f"{src} says {place} was shelled.",
             "governorate": "SY-ID"}
            for i, (src, place, precision) in enumerate(rows)
        ]
    )  # fmt: skip


def test_map_markers_are_towns_only_and_several_claims_stay_visible():
    claims = town_claims(
        [("LCC", "Taftanaz", "town"), ("LCC", "Taftanaz", "town"), ("LCC", "Taftanaz", "town"),
         ("SOHR", "Taftanaz", "town"), ("LCC", "Idlib", "governorate")]
    )  # fmt: skip
    markers = charts.town_markers(claims)
    assert set(markers["place"]) == {"Taftanaz"}  # the governorate's centroid is no point
    points = charts.marker_points(markers, charts.source_styles(claims["source"]))
    assert len(points) == 2  # one per source at the town, set apart
    assert points[["lat", "lon"]].drop_duplicates().shape[0] == 2
    lcc = points[points["legend"] == "LCC"].iloc[0]
    assert lcc["n_claims"] == 3 and "3 claims" in lcc["hover"]
    assert lcc["size"] > points[points["legend"] == "SOHR"].iloc[0]["size"]


def test_source_colour_does_not_follow_the_filter():
    claims = town_claims([("LCC", "Taftanaz", "town"), ("SOHR", "Taftanaz", "town")])
    styles = charts.source_styles(claims["source"])

    def colours(frame: pd.DataFrame) -> dict[str, str]:
        fig, _ = charts.map_view(frame, "events", styles=styles)
        return {t.name: t.marker.color for t in fig.data if t.showlegend}

    assert colours(claims)["SOHR"] == colours(claims[claims["source"] == "SOHR"])["SOHR"]


def test_a_one_value_colour_bar_has_whole_number_ticks():
    assert charts.integer_ticks(1)["tickvals"] == [0, 1]
    assert charts.integer_ticks(6)["tickvals"] == [0, 2, 4, 6]
    assert charts.integer_ticks(0)["tickformat"] == ",d"


def test_the_timeline_level_follows_the_governorate_filter():
    levels = ["national", "multi_governorate", "governorate", "town"]
    assert charts.implied_level(levels) == "national"
    assert charts.implied_level(levels, {"SY-HI"}) == "governorate"
    assert charts.implied_level(["multi_governorate", "town"], {"SY-HI"}) == "town"
    assert charts.implied_level([], {"SY-HI"}) is None


def test_timeline_has_one_trace_per_source_with_bounds():
    events = pd.DataFrame(
        {
            "date": pd.to_datetime(["2012-04-04"]),
            "event_type": ["shelling"],
            "place": ["Taftanaz"],
            "sources": ["dissidents"],
            "n_claims": [1],
            "level": ["town"],
            "claim_ids": ["e1"],
        }
    )
    rows = IDLIB_DAY[IDLIB_DAY["level"] != "national"]
    fig = charts.timeline_figure(rows, events, charts.source_styles(rows["source"]), "per place")
    deaths = [t for t in fig.data if t.yaxis == "y"]
    assert sorted(t.name for t in deaths) == ["LCC", "activist"]
    activist = next(t for t in deaths if t.name == "activist")
    assert list(activist.y) == [20.0] and list(activist.error_y.array) == [0.0]
    assert "no upper bound" in activist.customdata[0][1]
    assert any(t.yaxis == "y2" and list(t.y) == ["shelling"] for t in fig.data)
    strip = next(t for t in fig.data if t.yaxis == "y2")
    assert list(strip.customdata[0][::3]) == ["Taftanaz (town)", "claims:e1"]  # precision, link


def test_comparison_matrix_and_disagreement_colours():
    questions = pd.DataFrame(
        {
            "question_id": ["q1", "q2"],
            "question": ["Deaths, Idlib", "Arms"],
            "kind": ["deaths", "topic"],
            "n_sources": [2, 1],
            "ratio": [3.3, float("nan")],
            "contradiction": [True, False],
        }
    )
    answers = pd.DataFrame(
        {
            "question_id": ["q1", "q1", "q2"],
            "source": ["LCC", "activist", "Lavrov"],
            "display": ["6", "≥ 20", None],
            "position": [None, None, "legal"],
            "event_type": [None, None, None],
        }
    )
    matrix = charts.comparison_matrix(questions, answers)
    assert matrix.loc[0, "LCC"] == "6" and matrix.loc[0, "activist"] == "≥ 20"
    assert matrix.loc[1, "Lavrov"] == "legal"
    assert matrix["disagreement"].tolist() == ["contradiction", "one source"]
    assert charts.disagreement_colour("contradiction") != charts.disagreement_colour("differ ×2.0")
    assert charts.disagreement_colour("agree") is None


def test_highlight_escapes_untrusted_text_and_marks_every_span():
    text = "Intro <script>x</script>. At least 54 people were killed, LCC said."
    start = text.index("At least")
    spans = [
        highlight.Span(start, start + 34, "death_toll", "c1", "toll <b>"),
        highlight.Span(start, len(text), "statement", "c2", "statement"),
    ]
    out = highlight.highlight_html(text, spans)
    assert "<script>" not in out and "&lt;script&gt;" in out
    assert out.count('id="claim-c1"') == 1 and out.count('id="claim-c2"') == 1
    assert 'class="claim claim-death_toll"' in out and "claim-statement" in out
    assert "toll &lt;b&gt; | statement" in out  # overlapping spans name both claims
    assert re.sub(r"<[^>]+>", "", out) == html.escape(text)  # no character lost or added


def test_highlight_ignores_spans_outside_the_text():
    out = highlight.highlight_html(
        "short",
        [highlight.Span(3, 99, "event", "e", "e"), highlight.Span(50, 60, "event", "f", "f")],
    )
    assert "sho<a id" in out and "claim-f" not in out


def test_highlight_outlines_only_the_focused_claim():
    spans = [highlight.Span(0, 4, "event", "a", "a"), highlight.Span(5, 9, "event", "b", "b")]
    out = highlight.highlight_html("aaaa bbbb", spans, focus="b")
    assert out.count("claim-focus") == 1 and out.count("outline:") == 1
    assert out.index("claim-focus") > out.index('id="claim-b"')
