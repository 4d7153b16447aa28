"""Claims explorer, victims, map periods, claim links and the full export with its codebook."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib import explorer, export, links, periods, victims
from lib.claims import SCHEMA
from lib.filters import ClaimFilter
from tests.fixture_store import fixture_claims, make_fixture_store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return fixture_claims()


def _toll(claim_id: str, source: str, low: int, victims_group: str, day: str, **extra) -> dict:
    """A death-toll record of my own for a small synthetic claim frame."""
    return {
        "claim_id": claim_id, "article_id": "a1", "claim_type": "death_toll", "deaths": low,
        "deaths_low": low, "deaths_high": low, "qualifier": "exact", "victims": victims_group,
        "source": source, "source_kind": "activist", "place": "Douma",
        "governorate": "SY-RD", "geo_precision": "town", "lat": 33.57, "lon": 36.4,
        "date_start": day, "date_end": day, "date_precision": "day", "published": day,
        "cumulative": False, "sentence": f"{source} says {low} died in Douma.",
        "sentence_start": 0, "char_start": 0, "char_end": 5, "confidence": 1.0,
        "extractor_version": "test", "corrected": False, **extra,
    }  # fmt: skip


def _frame(records: list[dict]) -> pd.DataFrame:
    from lib.claims import coerce_claims

    return coerce_claims(records)


ARTICLES = pd.DataFrame(
    {
        "article_id": ["a1"],
        "title": ["Shelling in Douma"],
        "outlet": ["Wire"],
        "url": ["https://example.org/douma"],
    }
)


def test_search_needs_every_word_in_sentence_place_or_source_any_case(claims):
    hits = claims[explorer.search(claims, "taftanaz BINNISH")]
    assert len(hits) > 0
    for row in hits.to_dict("records"):
        text = " ".join(str(row[c]) for c in explorer.SEARCHED).lower()
        assert "taftanaz" in text and "binnish" in text
    assert explorer.search(claims, "").all()
    assert not explorer.search(claims, "taftanaz nosuchword").any()
    by_source = claims[explorer.search(claims, "sana")]
    assert set(by_source["source"]) == {"SANA"}  # matched on the source column


def test_explorer_rows_link_to_their_sentence_and_original_article():
    frame = _frame([_toll("c1", "Observatory", 12, "civilians", "2013-02-10")])
    table = explorer.explorer_table(frame, ARTICLES)
    row = table.iloc[0]
    assert row["in article"] == "articles?article=a1&claim=c1"
    assert row["original"] == "https://example.org/douma"
    assert row["article"] == "Shelling in Douma · Wire"
    assert (row["precision"], row["victims"]) == ("town", "Civilians")
    assert list(table.columns[: len(explorer.FRONT)]) == explorer.FRONT


def test_an_article_without_url_has_no_original_link(claims):
    articles = pd.DataFrame(
        {"article_id": claims["article_id"].unique(), "title": "t", "outlet": None, "url": None}
    )
    table = explorer.explorer_table(claims, articles)
    assert (table["original"] == "").all()
    assert [link.split("&claim=")[1] for link in table["in article"]] == list(claims["claim_id"])


def test_sort_orders_by_the_chosen_key_and_falls_back_to_newest():
    frame = _frame(
        [
            _toll("c1", "B", 5, "all", "2013-02-10"),
            _toll("c2", "A", 40, "all", "2013-02-08"),
            _toll("c3", "C", 12, "rebels", "2013-02-12"),
        ]
    )
    table = explorer.explorer_table(frame, ARTICLES)
    assert explorer.sort_table(table, "largest toll")["claim_id"].tolist() == ["c2", "c3", "c1"]
    assert explorer.sort_table(table, "source")["claim_id"].tolist() == ["c2", "c1", "c3"]
    assert explorer.sort_table(table, "oldest")["claim_id"].tolist() == ["c2", "c1", "c3"]
    assert explorer.sort_table(table, "nonsense")["claim_id"].tolist() == ["c3", "c1", "c2"]


def test_victims_breakdown_counts_claims_and_never_sums_deaths():
    frame = _frame(
        [
            _toll("c1", "A", 30, "civilians", "2013-02-10"),
            _toll("c2", "B", 25, "civilians", "2013-02-10"),
            _toll("c3", "A", 7, "security_forces", "2013-02-11"),
        ]
    )
    out = victims.victims_breakdown(frame).set_index("victims")
    assert list(out.index) == ["Civilians", "Security forces"]
    civilians = out.loc["Civilians"]
    assert (civilians["death tolls"], civilians["sources"]) == (2, 2)
    assert civilians["largest claim"] == "30" and civilians["claimed by"] == "A"  # not 55
    assert "55" not in out.to_string()


def test_victims_filter_restricts_tolls_only_and_round_trips_the_url(claims):
    flt = ClaimFilter.from_query_params({"victims": "security_forces,bogus"})
    assert flt.victims == frozenset({"security_forces"})
    assert ClaimFilter.from_query_params(flt.to_query_params()) == flt
    kept = flt.apply(claims)
    tolls = kept[kept["claim_type"] == "death_toll"]
    assert set(tolls["victims"]) == {"security_forces"}
    others = claims["claim_type"] != "death_toll"
    assert (kept["claim_type"] != "death_toll").sum() == others.sum()  # events, statements stay


def test_periods_cover_the_span_in_whole_weeks_and_months_and_keep_empty_ones():
    frame = _frame(
        [
            _toll("c1", "A", 3, "all", "2013-01-30"),
            _toll("c2", "A", 4, "all", "2013-03-02"),  # Saturday
        ]
    )
    months = periods.periods(frame, "month")
    assert [p.label for p in months] == ["2013-01", "2013-02", "2013-03"]
    assert months[1].start == date(2013, 2, 1) and months[1].end == date(2013, 2, 28)
    assert months[1].apply(frame).empty  # kept although empty: the slider moves evenly
    weeks = periods.periods(frame, "week")
    assert weeks[0].label == "2013-W05" and weeks[0].start == date(2013, 1, 28)
    assert weeks[-1].end == date(2013, 3, 3) and weeks[-1].title == "week of 25 Feb 2013"
    assert weeks[-1].apply(frame)["claim_id"].tolist() == ["c2"]
    assert periods.find_period(weeks, "2013-W09") == weeks[-1]
    assert periods.find_period(weeks, "1999-W01") is None
    with pytest.raises(ValueError, match="week"):
        periods.periods(frame, "day")


def test_a_running_total_falls_in_the_period_it_is_as_of(claims):
    totals = claims[claims["cumulative"]]
    found = periods.periods(totals, "month")
    assert found[0].label == totals["date_end"].min().strftime("%Y-%m")  # not March 2011


def test_clicked_points_name_their_claims_wherever_the_field_sits():
    points = [
        {"customdata": ["Taftanaz", links.claim_ref("c1,c2"), "SY-ID"]},
        {"customdata": [links.claim_ref("c2"), "x"]},
        {"location": "SY-HI"},
    ]
    assert links.referenced_claims(points) == ["c1", "c2"]
    assert links.claim_ref(None) == ""
    assert links.claim_ids_param("ab12, cd34,<script>") == ["ab12", "cd34"]


def test_map_markers_carry_their_claim_and_keep_the_governorate_last(claims):
    from lib import charts

    fig, _ = charts.map_view(claims, "best")
    # the dark rings under the markers carry nothing
    markers = [t for t in fig.data if t.type == "scattermap" and t.customdata is not None]
    assert markers
    ids = links.referenced_claims(
        {"customdata": list(row)} for t in markers for row in t.customdata
    )
    towns = claims[(claims["claim_type"] == "death_toll") & claims["lat"].notna()]
    assert set(ids) == set(towns["claim_id"])
    assert all(row[-1].startswith("SY-") for t in markers for row in t.customdata)


def test_claim_tables_show_the_location_precision(claims):
    from lib import charts

    table = charts.claims_table(claims)
    assert table["geo_precision"].tolist() == claims["geo_precision"].tolist()


def test_full_table_has_every_model_field_and_the_article():
    frame = _frame([_toll("c1", "A", 12, "civilians", "2013-02-10", governorates=None)])
    out = explorer.full_table(frame, ARTICLES)
    assert list(out.columns) == [*SCHEMA, "article_title", "outlet", "url"]
    assert out.loc[0, "url"] == "https://example.org/douma"
    assert out.loc[0, "date_start"] == date(2013, 2, 10)


def test_codebook_documents_every_exported_column_and_nothing_else():
    text = (ROOT / "docs" / "codebook.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (`[^|]+`) \|", text, flags=re.M)
    documented = {name for cell in rows for name in re.findall(r"`([a-z_]+)`", cell)}
    assert documented == {*SCHEMA, "article_title", "outlet", "url"}


@pytest.fixture(scope="module")
def store_env(tmp_path_factory) -> str:
    return make_fixture_store(tmp_path_factory.mktemp("db") / "claims.duckdb")


def test_cli_exports_every_filtered_claim_as_csv(store_env, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("SYRIA_CLAIMS_DB", store_env)
    monkeypatch.chdir(tmp_path)
    assert export.main(["claims", "--format", "csv", "--victims", "security_forces"]) == 0
    data = pd.read_csv(tmp_path / "claims.csv", encoding="utf-8-sig", dtype=str)
    assert list(data.columns) == [*SCHEMA, "article_title", "outlet", "url"]
    expected = ClaimFilter(victims={"security_forces"}).apply(fixture_claims())
    assert sorted(data["claim_id"]) == sorted(expected["claim_id"])
    assert not data["deaths"].dropna().str.contains(r"\.").any()  # 16, never 16.0
    assert data["date_start"].dropna().str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert "claims after filtering" in capsys.readouterr().out


def test_cli_exports_parquet_with_types_kept(store_env, monkeypatch, tmp_path):
    monkeypatch.setenv("SYRIA_CLAIMS_DB", store_env)
    out = tmp_path / "all.parquet"
    assert export.main(["claims", "--out", str(out), "--province", "SY-ID"]) == 0
    data = pd.read_parquet(out)
    assert len(data) == len(ClaimFilter(governorates={"SY-ID"}).apply(fixture_claims()))
    assert str(data["deaths"].dtype) == "Int64"
    lists = data["governorates"].dropna()
    assert len(lists) and all("SY-ID" in list(codes) for codes in lists)


def test_cli_refuses_a_format_the_file_name_contradicts(store_env, monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("SYRIA_CLAIMS_DB", store_env)
    assert export.main(["claims", "--format", "csv", "--out", str(tmp_path / "x.parquet")]) == 2
    assert export.main(["map"]) == 2  # an image view still needs --out
    assert "--out" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_claims_bytes_match_the_cli_and_reject_unknown_formats(claims):
    articles = pd.DataFrame({"article_id": ["x"], "title": ["t"], "outlet": ["o"], "url": [None]})
    csv = export.claims_bytes(claims, articles, "csv").decode("utf-8-sig")
    assert len(pd.read_csv(io.StringIO(csv))) == len(claims)
    with pytest.raises(ValueError, match="parquet"):
        export.claims_bytes(claims, articles, "xlsx")


def test_timeline_points_carry_their_claims_and_say_how_precise_the_place_is(claims):
    from lib import charts

    fig, _, rows = charts.timeline_view(claims, "governorate", events=False)
    points = [t for t in fig.data if t.type == "scatter" and t.customdata is not None]
    ids = links.referenced_claims({"customdata": list(r)} for t in points for r in t.customdata)
    assert set(ids) == {i for joined in rows["claim_ids"] for i in joined.split(",")}
    places = {r[0] for t in points for r in t.customdata}
    assert places == {"Homs (governorate)", "Idlib (governorate)"}
