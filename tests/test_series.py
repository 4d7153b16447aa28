"""Daily series, totals and event counts: exact on the seed claims, never summed, and bounded."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lib.claims import article_id_for, coerce_claims, validate_claims
from lib.series import (
    CodedClaims,
    claim_bounds,
    cumulative_totals,
    daily_deaths,
    event_counts,
    group_rows,
    presort,
    undated_deaths,
    undated_events,
)
from tests.conftest import FIXTURES, SEEDS

LCC = "Local Coordination Committees of Syria"


def rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    """Frame rows as plain tuples (NA -> None) for exact comparisons."""
    return [
        tuple(None if pd.isna(v) else v for v in row)
        for row in frame[columns].astype(object).itertuples(index=False)
    ]


def test_seed_fixture_spans_index_the_seed_text(seed_claims):
    texts = {
        article_id_for(p.read_text("utf-8")): p.read_text("utf-8") for p in SEEDS.glob("*.txt")
    }
    for claim in seed_claims.itertuples():
        text = texts[claim.article_id]
        sentence_end = claim.sentence_start + len(claim.sentence)
        assert text[claim.sentence_start : sentence_end] == claim.sentence
        assert claim.sentence_start <= claim.char_start < claim.char_end <= sentence_end
    assert len(seed_claims) == 27
    assert (seed_claims["claim_type"] == "death_toll").sum() == 9


def test_seed_daily_series_keeps_each_view_apart(seed_claims):
    daily = daily_deaths(seed_claims)
    columns = ["date", "source", "victims", "level", "governorate", "place", "low", "best", "high"]
    assert rows(daily, columns) == [
        (pd.Timestamp("2012-04-03"), LCC, "all", "national", None, "Syria", 74, 74, None),
        (pd.Timestamp("2012-04-04"), LCC, "all", "national", None, "Syria", 54, 54, None),
        (pd.Timestamp("2012-04-04"), "SANA", "security_forces", "multi_governorate", None,
         "Aleppo, Daraa, Hama, Homs, Idlib, Rif Dimashq", 16, 16, 16),
        (pd.Timestamp("2012-04-04"), "SANA", "all", "governorate", "SY-HI", "Homs", 0, 0, 0),
        (pd.Timestamp("2012-04-04"), LCC, "all", "governorate", "SY-ID", "Idlib", 6, 6, 6),
        (pd.Timestamp("2012-04-04"), "activist in Binnish", "all", "town", "SY-ID", "Taftanaz",
         20, 20, None),
    ]  # fmt: skip
    # 54 (LCC, nationwide) + 6 (LCC, Idlib) + 20 (activist, Taftanaz) is never 80 anywhere.
    assert not daily["best"].isin([60, 74 + 54, 80]).any()
    by_id = seed_claims.set_index("claim_id")
    for ids, best in zip(daily["claim_ids"], daily["best"], strict=True):
        assert by_id.loc[ids.split(","), "deaths"].max() == best


def test_seed_cumulative_totals_are_points_not_daily_counts(seed_claims):
    totals = cumulative_totals(seed_claims)
    columns = ["as_of", "since", "source", "level", "low", "best", "high", "n_claims"]
    assert rows(totals, columns) == [
        (pd.Timestamp("2012-04-04"), pd.Timestamp("2011-03-15"), LCC, "national", 11000, 11000,
         None, 1),
        (pd.Timestamp("2012-04-04"), pd.Timestamp("2011-03-15"),
         "Strategic Communications and Research Center", "national", 12000, 12000, None, 1),
        (pd.Timestamp("2012-04-04"), pd.Timestamp("2011-03-15"), "United Nations", "national",
         9000, 9000, None, 1),
    ]  # fmt: skip
    assert not daily_deaths(seed_claims)["best"].isin([9000, 11000, 12000]).any()
    assert undated_deaths(seed_claims).empty


def test_seed_event_counts(seed_claims):
    counts = event_counts(seed_claims)
    columns = ["date", "event_type", "level", "place", "n_claims", "n_sources", "sources"]
    assert rows(counts, columns) == [
        (pd.Timestamp("2012-04-04"), "arson", "governorate", "Homs", 1, 1, "SANA"),
        (pd.Timestamp("2012-04-04"), "clashes", "national", "Syria", 1, 1, "CNN"),
        (pd.Timestamp("2012-04-04"), "funeral", "multi_governorate",
         "Aleppo, Daraa, Hama, Homs, Idlib, Rif Dimashq", 1, 1, "SANA"),
        (pd.Timestamp("2012-04-04"), "shelling", "town", "Taftanaz", 1, 1,
         "dissidents in Binnish"),
        (pd.Timestamp("2012-04-04"), "troop_movement", "governorate", "Hama", 1, 1, "Manhal"),
        (pd.Timestamp("2012-06-13"), "shelling", "governorate", "Homs", 1, 1, "reporter"),
        (pd.Timestamp("2012-06-13"), "takeover", "town", "al-Haffeh", 1, 1,
         "Syrian state television"),
        (pd.Timestamp("2012-06-13"), "withdrawal", "town", "al-Haffeh", 1, 1,
         "Free Syrian Army"),
    ]  # fmt: skip
    undated = undated_events(seed_claims)
    assert rows(undated, ["date_start", "date_end", "event_type", "place"]) == [
        (pd.Timestamp("2012-06-04"), pd.Timestamp("2012-06-10"), "clashes", "al-Haffeh")
    ]


def test_event_counts_count_claims_and_distinct_sources(make_claims):
    event = {"claim_type": "event", "event_type": "shelling", "governorate": "SY-HI"}
    claims = make_claims(
        {**event, "source": "SOHR"}, {**event, "source": "SOHR"}, {**event, "source": "LCC"}
    )
    [(n_claims, n_sources, sources, ids)] = rows(
        event_counts(claims), ["n_claims", "n_sources", "sources", "claim_ids"]
    )
    assert (n_claims, n_sources, sources) == (3, 2, "LCC; SOHR")
    assert sorted(ids.split(",")) == ["c0", "c1", "c2"]


def test_duplicates_across_articles_are_not_summed(make_claims):
    claims = make_claims(
        {"deaths": 6, "governorate": "SY-ID", "article_id": "a1"},
        {"deaths": 6, "governorate": "SY-ID", "article_id": "a2"},
        {"deaths": 8, "qualifier": "at_least", "governorate": "SY-ID", "article_id": "a3"},
    )
    [row] = rows(daily_deaths(claims), ["low", "best", "high", "n_claims", "claim_ids"])
    assert row == (8, 8, None, 3, "c0,c1,c2")


def test_sub_counts_are_not_added_to_their_parent(make_claims):
    claims = make_claims(
        {"deaths": 30, "claim_id": "parent"},
        {"deaths": 10, "part_of": "parent", "claim_id": "child"},
    )
    [row] = rows(daily_deaths(claims), ["best", "claim_ids"])
    assert row == (30, "parent,child")  # ids in input order


def test_a_sub_count_of_other_victims_is_not_drawn_as_a_second_toll(make_claims):
    """ "40 people were killed in Homs, including six civilians": one point, not 40 and 6."""
    claims = make_claims(
        {"deaths": 40, "claim_id": "parent", "governorate": "SY-HI"},
        {"deaths": 6, "victims": "civilians", "part_of": "parent", "claim_id": "child",
         "governorate": "SY-HI"},
        {"deaths": 3, "victims": "civilians", "claim_id": "alone", "governorate": "SY-ID"},
    )  # fmt: skip
    got = rows(daily_deaths(claims), ["governorate", "best", "claim_ids"])
    assert got == [("SY-HI", 40, "parent,child"), ("SY-ID", 3, "alone")]


def test_group_bound_rule(make_claims):
    claims = make_claims(
        {"deaths": 20, "qualifier": "up_to", "source": "A"},
        {"deaths_low": 24, "deaths_high": 99, "qualifier": "vague", "source": "B"},
        {"deaths": 50, "qualifier": "about", "source": "C"},
        {"deaths": 5, "source": "D"},
        {"deaths": 9, "qualifier": "at_least", "source": "D"},
        {"deaths": 11, "qualifier": "more_than", "source": "E"},
    )  # fmt: skip
    daily = daily_deaths(claims)
    assert rows(daily, ["source", "low", "best", "high"]) == [
        ("A", 0, 0, 20),
        ("B", 24, 24, 99),
        ("C", 50, 50, 50),
        ("D", 9, 9, None),
        ("E", 11, 11, None),
    ]
    bounds = claim_bounds(claims)
    assert rows(bounds, ["low", "point", "high"])[3] == (5, 5, 5)


def test_coarse_dates_are_reported_separately_not_smeared(make_claims):
    claims = make_claims(
        {"deaths": 40, "date_start": "2012-06-04", "date_end": "2012-06-10",
         "date_precision": "range"},
        {"deaths": 3, "date_start": None, "date_end": None, "date_precision": "unknown"},
        {"deaths": 5, "date_precision": "day_inferred"},
    )  # fmt: skip
    assert rows(daily_deaths(claims), ["best", "claim_ids"]) == [(5, "c2")]
    undated = undated_deaths(claims)
    assert rows(undated, ["date_precision", "best", "claim_ids"]) == [
        ("range", 40, "c0"),
        ("unknown", 3, "c1"),
    ]


def test_levels_and_places(make_claims):
    claims = make_claims(
        {"deaths": 1, "geo_precision": "country"},
        {"deaths": 2, "governorates": ["SY-HM", "SY-HI"]},
        {"deaths": 3, "governorates": ["SY-HM"]},
        {"deaths": 4, "governorate": "SY-ID", "place": "Taftanaz", "geo_precision": "town"},
        {"deaths": 5, "governorate": "SY-ID", "place": "Binnish", "geo_precision": "town"},
        {"deaths": 6, "place": "Nowhere", "geo_precision": "unknown"},
    )
    daily = daily_deaths(claims)
    assert rows(daily, ["level", "area", "place", "best"]) == [
        ("national", None, "Syria", 1),
        ("multi_governorate", "SY-HI,SY-HM", "Hama, Homs", 2),
        ("governorate", "SY-HM", "Hama", 3),
        ("town", "SY-ID", "Binnish", 5),
        ("town", "SY-ID", "Taftanaz", 4),
        ("unlocated", None, "Nowhere", 6),
    ]


def test_empty_input_gives_empty_frames_with_columns(seed_claims):
    empty = seed_claims.iloc[0:0]
    for build in (daily_deaths, undated_deaths, cumulative_totals, event_counts, undated_events):
        out = build(empty)
        assert out.empty and "claim_ids" in out.columns


# ---------------------------------------------------------------- property tests

QUALIFIER_COUNTS = st.sampled_from(["exact", "at_least", "more_than", "about", "up_to", "vague"])


@st.composite
def toll_records(draw) -> dict:
    qualifier = draw(QUALIFIER_COUNTS)
    n = draw(st.integers(0, 500))
    record = {
        "qualifier": qualifier,
        "source": draw(st.sampled_from(["LCC", "SOHR", "SANA"])),
        "victims": draw(st.sampled_from(["all", "civilians", "unknown"])),
        "date_start": draw(st.sampled_from(["2012-04-03", "2012-04-04", None])),
        "date_precision": draw(st.sampled_from(["day", "day_inferred", "range", "unknown"])),
        "cumulative": draw(st.booleans()),
        "part_of": draw(st.sampled_from([None, "c0"])),
    }
    place = draw(st.sampled_from(["country", "SY-ID", "SY-HI", "Taftanaz", "multi"]))
    if place == "country":
        record["geo_precision"] = "country"
    elif place == "multi":
        record["governorates"] = ["SY-ID", "SY-HI"]
    elif place == "Taftanaz":
        record.update(governorate="SY-ID", place="Taftanaz", geo_precision="town")
    else:
        record["governorate"] = place
    if qualifier == "vague":
        record.update(deaths_low=n, deaths_high=n + draw(st.integers(0, 100)))
    else:
        record["deaths"] = n
    return record


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(toll_records(), min_size=1, max_size=25))
def test_no_series_value_exceeds_the_largest_claim_behind_it(make_claims, records):
    claims = make_claims(*records)
    largest = claims.set_index("claim_id")[["deaths", "deaths_low", "deaths_high"]].max(axis=1)
    seen: list[str] = []
    for build in (daily_deaths, cumulative_totals):
        out = build(claims)
        for ids, low, best, high in out[["claim_ids", "low", "best", "high"]].itertuples(
            index=False
        ):
            behind = ids.split(",")
            seen += behind
            cap = largest[behind].max()
            assert low <= best <= cap
            assert pd.isna(high) or best <= high <= cap
    seen += list(undated_deaths(claims)["claim_ids"])
    # Every toll is in exactly one output: nothing dropped silently, nothing counted twice.
    assert sorted(seen) == sorted(claims["claim_id"])


def test_fixture_file_is_valid_jsonl():
    lines = (FIXTURES / "seed_claims.jsonl").read_text("utf-8").splitlines()
    validate_claims(coerce_claims(json.loads(line) for line in lines))


@pytest.mark.slow
def test_a_large_synthetic_frame_runs():
    from benchmarks.synthetic import synthetic_claims

    claims = synthetic_claims(50_000)
    daily = daily_deaths(claims)
    tolls = claims[(claims["claim_type"] == "death_toll") & ~claims["cumulative"]]
    assert daily["n_claims"].sum() + len(undated_deaths(claims)) == len(tolls)


def test_a_shared_coded_view_gives_the_same_results(seed_claims):
    coded = CodedClaims(seed_claims)
    for build in (daily_deaths, undated_deaths, cumulative_totals, event_counts, undated_events,
                  claim_bounds):  # fmt: skip
        pd.testing.assert_frame_equal(build(coded), build(seed_claims))


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 60).flatmap(
        lambda n: st.tuples(
            st.lists(st.lists(st.integers(0, 4), min_size=n, max_size=n), min_size=2, max_size=3),
            st.lists(st.booleans(), min_size=n, max_size=n),
        )
    )
)
def test_presorted_groups_of_a_selection_are_the_groups_of_the_selected_rows(case):
    """What `CodedClaims.grouped` relies on: sorting all rows once and masking gives the groups
    that grouping the selected rows afresh gives (rows of a coarser grouping come in the finer
    keys' order, so its groups are compared as sets, with `earliest` as their first row)."""
    keys, selected = [np.asarray(k, dtype=np.int64) for k in case[0]], np.asarray(case[1], bool)
    coarse, fine = presort(np.arange(len(selected)), keys, (1, len(keys))).groups(selected)
    picked = np.flatnonzero(selected)
    expected = group_rows([k[picked] for k in keys])
    np.testing.assert_array_equal(fine.order, picked[expected.order])
    np.testing.assert_array_equal(fine.starts, expected.starts)
    expected = group_rows([keys[0][picked]])
    np.testing.assert_array_equal(coarse.starts, expected.starts)
    np.testing.assert_array_equal(coarse.earliest, picked[expected.first])
    for start, size in zip(coarse.starts, coarse.sizes, strict=True):
        members = coarse.order[start : start + size]
        np.testing.assert_array_equal(
            np.sort(members), picked[expected.order[start : start + size]]
        )
