"""ClaimFilter: one filter for charts, tables and CSV; URL round trip that never raises."""

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks.synthetic import synthetic_claims
from lib.claims import CLAIM_TYPES, EVENT_TYPES, GOVERNORATE_CODES, SOURCE_KINDS
from lib.comparison import compare
from lib.filters import ClaimFilter
from lib.series import (
    CodedClaims,
    claim_bounds,
    cumulative_totals,
    daily_deaths,
    event_counts,
    undated_deaths,
    undated_events,
)

LCC = "Local Coordination Committees of Syria"


def kept(claims: pd.DataFrame, claim_filter: ClaimFilter) -> list[tuple]:
    out = claim_filter.apply(claims)
    return sorted(
        (row.claim_type, row.source, None if pd.isna(row.deaths) else row.deaths)
        for row in out.itertuples()
    )


def test_empty_filter_keeps_everything_unchanged(seed_claims):
    f = ClaimFilter()
    assert f.is_empty
    pd.testing.assert_frame_equal(f.apply(seed_claims), seed_claims)
    assert f.mask(seed_claims).all()
    assert f.to_query_params() == {}


def test_province_keeps_town_and_multi_province_claims_and_drops_nationwide(seed_claims):
    assert kept(seed_claims, ClaimFilter(governorates={"SY-ID"})) == [
        ("death_toll", LCC, 6),
        ("death_toll", "SANA", 16),  # Aleppo, Idlib, Damascus countryside, Daraa, Homs, Hama
        ("death_toll", "activist in Binnish", 20),
        ("event", "SANA", None),
        ("event", "dissidents in Binnish", None),
    ]


def test_date_range_overlap_and_totals_by_as_of_date(seed_claims):
    tuesday = ClaimFilter(start=date(2012, 4, 3), end=date(2012, 4, 3))
    assert kept(seed_claims, tuesday) == [("death_toll", LCC, 74)]
    week = ClaimFilter(start="2012-06-08", end="2012-06-08")  # inside "last week"
    assert kept(seed_claims, week) == [("event", "reporter", None)]
    # A running total since March 2011 is about its report date, not every day since.
    june_2011 = ClaimFilter(start="2011-06-01", end="2011-06-30")
    assert kept(seed_claims, june_2011) == []
    wednesday = ClaimFilter(start="2012-04-04", end="2012-04-04").apply(seed_claims)
    assert wednesday["cumulative"].sum() == 3


def test_claims_without_dates_only_without_a_date_bound(make_claims):
    claims = make_claims({"deaths": 1}, {"deaths": 2, "date_start": None, "date_end": None})
    assert len(ClaimFilter().apply(claims)) == 2
    assert list(ClaimFilter(governorates=[]).apply(claims)["deaths"]) == [1, 2]
    assert list(ClaimFilter(start="2000-01-01").apply(claims)["deaths"]) == [1]
    assert list(ClaimFilter(end="2099-01-01").apply(claims)["deaths"]) == [1]


def test_open_ended_ranges(seed_claims):
    assert set(ClaimFilter(start="2012-06-01").apply(seed_claims)["published"]) == {
        pd.Timestamp("2012-06-13")
    }
    before = ClaimFilter(end="2012-04-02").apply(seed_claims)
    assert list(before["source"]) == ["Syrian government"]  # "on Monday" 2012-04-02


def test_sources_kinds_and_types(seed_claims):
    assert len(ClaimFilter(sources={"SANA"}).apply(seed_claims)) == 4
    un = ClaimFilter(source_kinds={"un_international"}).apply(seed_claims)
    assert sorted(un["source"]) == ["Herve Ladsous", "United Nations"]
    statements = ClaimFilter(claim_types={"statement"}).apply(seed_claims)
    assert set(statements["claim_type"]) == {"statement"} and len(statements) == 9


def test_event_types_restrict_events_only(seed_claims):
    shelling = ClaimFilter(event_types={"shelling"}).apply(seed_claims)
    assert sorted(shelling.loc[shelling["claim_type"] == "event", "place"]) == [
        "Homs",
        "Taftanaz",
    ]
    assert (shelling["claim_type"] == "death_toll").sum() == 9
    only = ClaimFilter(claim_types={"event"}, event_types={"shelling"}).apply(seed_claims)
    assert len(only) == 2


def test_apply_keeps_index_columns_and_dtypes(seed_claims):
    out = ClaimFilter(governorates={"SY-LA"}).apply(seed_claims)
    assert list(out.index) == [19, 20, 21]
    assert (out.dtypes == seed_claims.dtypes).all()


def test_query_params_repeated_keys_comma_lists_and_garbage():
    f = ClaimFilter.from_query_params(
        {
            "province": ["id,xx", "SY-hi", ""],
            "start": ["garbage", "2012-06-13"],
            "end": "2012-01-01",
            "kind": "activist,junk",
            "type": ["event", "statement,nope"],
            "event": ["shelling", "nope"],
            "source": ["Reuters, AP", "  "],
            "unknown": "x",
        }
    )
    assert f == ClaimFilter(
        start=date(2012, 1, 1),  # swapped with end
        end=date(2012, 6, 13),
        governorates={"SY-ID", "SY-HI"},
        sources={"Reuters, AP"},
        source_kinds={"activist"},
        claim_types={"event", "statement"},
        event_types={"shelling"},
    )
    assert f.to_query_params() == {
        "province": ["SY-HI", "SY-ID"],
        "start": ["2012-01-01"],
        "end": ["2012-06-13"],
        "source": ["Reuters, AP"],
        "kind": ["activist"],
        "type": ["event", "statement"],
        "event": ["shelling"],
    }


def test_query_params_that_are_not_a_mapping_give_an_empty_filter():
    assert ClaimFilter.from_query_params(None).is_empty  # type: ignore[arg-type]
    assert ClaimFilter.from_query_params({"start": 5, "province": [None, 3]}).is_empty


filters = st.builds(
    ClaimFilter,
    start=st.none() | st.dates(date(2011, 1, 1), date(2014, 12, 31)),
    end=st.none() | st.dates(date(2015, 1, 1), date(2016, 1, 1)),
    governorates=st.frozensets(st.sampled_from(GOVERNORATE_CODES)),
    sources=st.frozensets(st.text(min_size=1).map(str.strip).filter(bool)),
    source_kinds=st.frozensets(st.sampled_from(SOURCE_KINDS)),
    claim_types=st.frozensets(st.sampled_from(CLAIM_TYPES)),
    event_types=st.frozensets(st.sampled_from(EVENT_TYPES)),
)


@settings(max_examples=200, deadline=None)
@given(filters)
def test_query_params_round_trip(claim_filter):
    assert ClaimFilter.from_query_params(claim_filter.to_query_params()) == claim_filter


params = st.dictionaries(
    st.sampled_from(["province", "start", "end", "source", "kind", "type", "event", "x"]),
    st.text() | st.lists(st.text() | st.none() | st.integers()) | st.integers() | st.none(),
)


@settings(max_examples=300, deadline=None)
@given(params)
def test_from_query_params_never_raises_and_applies(seed_claims_readonly, raw):
    f = ClaimFilter.from_query_params(raw)
    assert len(f.apply(seed_claims_readonly)) <= len(seed_claims_readonly)


@pytest.fixture(scope="module")
def synthetic() -> tuple[pd.DataFrame, CodedClaims]:
    claims = synthetic_claims(3_000, seed=7)
    return claims, CodedClaims(claims)


@settings(max_examples=20, deadline=None)
@given(filters)
def test_a_filtered_view_gives_the_same_results_as_the_filtered_frame(synthetic, claim_filter):
    claims, coded = synthetic
    frame, view = claim_filter.apply(claims), claim_filter.view(coded)
    for build in (daily_deaths, undated_deaths, cumulative_totals, event_counts, undated_events,
                  claim_bounds):  # fmt: skip
        pd.testing.assert_frame_equal(build(view), build(frame))
    by_view, by_frame = compare(view, limit=50), compare(frame, limit=50)
    pd.testing.assert_frame_equal(by_view.questions, by_frame.questions)
    pd.testing.assert_frame_equal(by_view.answers, by_frame.answers)


def test_view_of_the_seed_claims(seed_claims):
    view = ClaimFilter(governorates={"SY-ID"}).view(CodedClaims(seed_claims))
    assert list(daily_deaths(view)["best"]) == [16, 6, 20]
