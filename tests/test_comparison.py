"""Who says what: seed questions exactly, ratio and contradiction rules, ordering."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.comparison import compare, format_count
from lib.filters import ClaimFilter
from lib.series import CodedClaims, daily_deaths

LCC = "Local Coordination Committees of Syria"


def answers_of(comparison, question: str) -> list[tuple]:
    found = comparison.answers[comparison.answers["question"] == question]
    return [
        tuple(None if pd.isna(v) else v for v in row)
        for row in found[["source", "place", "qualifier", "value", "display"]]
        .astype(object)
        .itertuples(index=False)
    ]


def question(comparison, title: str) -> dict:
    found = comparison.questions[comparison.questions["question"] == title]
    assert len(found) == 1, f"{title!r} not found once"
    return found.iloc[0].to_dict()


def test_seed_idlib_question_lines_up_town_and_governorate(seed_claims):
    result = compare(seed_claims)
    assert answers_of(result, "Deaths 2012-04-04, Idlib") == [
        ("activist in Binnish", "Taftanaz", "at_least", 20, "≥ 20"),
        (LCC, "Idlib", "exact", 6, "6"),
    ]
    idlib = question(result, "Deaths 2012-04-04, Idlib")
    assert idlib["level"] == "governorate" and idlib["area"] == "SY-ID"
    assert idlib["ratio"] == pytest.approx(20 / 6)
    assert idlib["contradiction"]  # >= 20 in one Idlib town cannot be 6 in all of Idlib
    assert (idlib["low"], idlib["high"], idlib["n_sources"]) == (6, 20, 2)


def test_seed_running_totals(seed_claims):
    result = compare(seed_claims)
    title = "Total killed since March 2011 (as of 2012-04-04)"
    assert answers_of(result, title) == [
        ("Strategic Communications and Research Center", "Syria", "more_than", 12000, "> 12,000"),
        (LCC, "Syria", "more_than", 11000, "> 11,000"),
        ("United Nations", "Syria", "at_least", 9000, "≥ 9,000"),
    ]
    total = question(result, title)
    assert total["ratio"] == pytest.approx(12000 / 9000)
    assert not total["contradiction"]  # three lower bounds can all be true


def test_seed_topics(seed_claims):
    result = compare(seed_claims)
    haffeh = result.answers[result.answers["question"] == "Control of al-Haffeh (2012-06-13)"]
    assert list(zip(haffeh["source"], haffeh["event_type"], haffeh["place"], strict=True)) == [
        ("Free Syrian Army", "withdrawal", "al-Haffeh"),
        ("Syrian state television", "takeover", "al-Haffeh"),
    ]
    assert "cleansed it of armed terrorist groups" in haffeh["position"].iloc[1]
    assert "tactical" in haffeh["display"].iloc[0]
    arms = result.answers[result.answers["question"] == "Arms to Syria"]
    assert sorted(set(arms["source"])) == ["Hillary Clinton", "Sergei Lavrov"]
    assert any("no way violates international law" in s for s in arms["sentence"])
    assert any("Clinton denied" in s for s in arms["sentence"])
    for title in ("Control of al-Haffeh (2012-06-13)", "Arms to Syria", "Troop withdrawal"):
        assert question(result, title)["contradiction"]
    civil_war = question(result, "Is it a civil war")
    assert (civil_war["n_sources"], civil_war["contradiction"]) == (1, False)
    assert civil_war["period_start"] == pd.Timestamp("2012-06-12")


def test_seed_order_puts_disputes_first(seed_claims):
    questions = compare(seed_claims).questions
    assert list(questions["question"][:5]) == [
        "Deaths 2012-04-04, Idlib",
        "Troop withdrawal",
        "Arms to Syria",
        "Control of al-Haffeh (2012-06-13)",
        "Total killed since March 2011 (as of 2012-04-04)",
    ]
    assert questions["contradiction"].is_monotonic_decreasing
    assert "Security-force deaths 2012-04-04, Aleppo, Daraa, Hama, Homs, Idlib, Rif Dimashq" in (
        set(questions["question"])
    )


def test_every_answer_leads_back_to_its_claims(seed_claims):
    result = compare(seed_claims)
    ids = set(seed_claims["claim_id"])
    for claim_ids in result.answers["claim_ids"]:
        assert set(claim_ids.split(",")) <= ids
    joined = result.answers.merge(result.questions, on="question_id", suffixes=("", "_q"))
    assert len(joined) == len(result.answers)
    by_id = seed_claims.set_index("claim_id")
    for claim_ids, sentence in zip(result.answers["claim_ids"], result.answers["sentence"],
                                   strict=True):  # fmt: skip
        assert sentence in set(by_id.loc[claim_ids.split(","), "sentence"])


@pytest.mark.parametrize(
    ("a", "b", "contradiction"),
    [
        ({"deaths": 20, "qualifier": "at_least"}, {"deaths": 25}, False),
        ({"deaths": 30, "qualifier": "at_least"}, {"deaths": 25}, True),
        ({"deaths": 10, "qualifier": "up_to"}, {"deaths": 12, "qualifier": "more_than"}, True),
        ({"deaths": 10, "qualifier": "about"}, {"deaths": 10}, False),
        # a town's exact count does not cap its governorate
        ({"deaths": 9, "place": "Taftanaz", "geo_precision": "town"},
         {"deaths": 40, "qualifier": "at_least"}, False),
        # but a town's lower bound does count toward it
        ({"deaths": 41, "qualifier": "at_least", "place": "Taftanaz", "geo_precision": "town"},
         {"deaths": 40}, True),
    ],
)  # fmt: skip
def test_contradiction_rule(make_claims, a, b, contradiction):
    claims = make_claims({**a, "source": "A", "governorate": "SY-ID"},
                         {**b, "source": "B", "governorate": "SY-ID"})  # fmt: skip
    [row] = compare(claims).questions.to_dict("records")
    assert (row["question"], row["contradiction"]) == ("Deaths 2012-04-04, Idlib", contradiction)


def test_one_source_never_contradicts_itself_and_duplicates_are_one_answer(make_claims):
    claims = make_claims(
        {"deaths": 6, "governorate": "SY-ID"},
        {"deaths": 20, "qualifier": "at_least", "governorate": "SY-ID", "place": "Taftanaz",
         "geo_precision": "town"},
        {"deaths": 6, "governorate": "SY-ID", "article_id": "a2"},
    )  # fmt: skip
    result = compare(claims)
    [row] = result.questions.to_dict("records")
    assert (row["n_sources"], row["contradiction"], row["ratio"]) == (1, False, 1.0)
    assert answers_of(result, row["question"]) == [
        ("LCC", "Taftanaz", "at_least", 20, "≥ 20"),
        ("LCC", "Idlib", "exact", 6, "6"),
    ]
    assert result.answers["claim_ids"].iloc[1] == "c0,c2"


def test_ratio_with_zero_and_victims_and_ranges(make_claims):
    claims = make_claims(
        {"deaths": 0, "source": "SANA", "governorate": "SY-HI"},
        {"deaths": 12, "source": "SOHR", "governorate": "SY-HI"},
        {"deaths": 4, "source": "SOHR", "governorate": "SY-HI", "victims": "civilians"},
        {"deaths": 40, "date_start": "2012-06-04", "date_end": "2012-06-10",
         "date_precision": "range", "geo_precision": "country"},
        {"deaths": 7, "date_start": None, "date_end": None, "date_precision": "unknown"},
        {"deaths": 8, "geo_precision": "unknown"},
    )  # fmt: skip
    questions = compare(claims).questions.set_index("question")
    assert questions.loc["Deaths 2012-04-04, Homs", "ratio"] == float("inf")
    assert questions.loc["Civilian deaths 2012-04-04, Homs", "n_sources"] == 1
    assert "Deaths 2012-06-04 to 2012-06-10, Syria" in questions.index
    assert len(questions) == 3  # undated and unlocated tolls cannot be lined up


def test_totals_by_victims_and_place(make_claims):
    claims = make_claims(
        {"deaths": 900, "qualifier": "at_least", "cumulative": True, "governorate": "SY-HM",
         "date_start": "2011-03-15", "date_end": "2012-04-04", "date_precision": "range"},
        {"deaths": 300, "victims": "civilians", "cumulative": True, "geo_precision": "country",
         "date_start": None, "date_end": "2012-05-01", "date_precision": "unknown"},
    )  # fmt: skip
    titles = set(compare(claims).questions["question"])
    assert titles == {
        "Total killed since March 2011 (as of 2012-04-04), Hama",
        "Civilians killed (as of 2012-05-01)",
    }


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("exact", 6, 6, 6), "6"),
        (("at_least", 20, 20, None), "≥ 20"),
        (("more_than", 11000, 11001, None), "> 11,000"),
        (("about", 50, None, None), "about 50"),
        (("up_to", 20, None, 20), "≤ 20"),
        (("vague", None, 24, 99), "24–99"),
        (("vague", None, 10, None), "≥ 10"),
    ],
)
def test_format_count(args, text):
    assert format_count(*args) == text


def test_empty_input(seed_claims):
    result = compare(seed_claims.iloc[0:0])
    assert result.questions.empty and result.answers.empty
    assert "contradiction" in result.questions.columns and "display" in result.answers.columns


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C"]),
            st.sampled_from(["exact", "at_least", "more_than", "about", "up_to"]),
            st.integers(0, 300),
            st.sampled_from([None, "Taftanaz"]),
        ),
        min_size=1,
        max_size=15,
    )
)
def test_answers_never_exceed_their_largest_claim(make_claims, specs):
    claims = make_claims(
        *(
            {"source": s, "qualifier": q, "deaths": n, "governorate": "SY-ID", "place": town,
             "geo_precision": "town" if town else "governorate"}
            for s, q, n, town in specs
        )
    )  # fmt: skip
    result = compare(claims)
    deaths = claims.set_index("claim_id")["deaths"]
    for ids, value in zip(result.answers["claim_ids"], result.answers["value"], strict=True):
        assert value <= deaths[ids.split(",")].max()
    [row] = result.questions.to_dict("records")
    assert row["high"] <= deaths.max() and row["n_sources"] == len({s for s, *_ in specs})


def test_limit_keeps_the_most_disputed_questions_and_their_answers(seed_claims):
    full = compare(seed_claims)
    top = compare(seed_claims, limit=2)
    assert list(top.questions["question"]) == list(full.questions["question"][:2])
    pd.testing.assert_frame_equal(
        top.answers, full.answers[full.answers["question_id"].isin(top.questions["question_id"])]
    )


def test_contradiction_between_three_sources_uses_runner_up_bounds(make_claims):
    # LCC alone is self-inconsistent (>= 20 in a town, 6 in the province): not a dispute. SOHR's
    # upper bound of 1 is below LCC's lower bound of 20: a dispute.
    base = {"governorate": "SY-ID"}
    town = {"place": "Taftanaz", "geo_precision": "town"}
    claims = make_claims(
        {**base, "deaths": 6, "source": "LCC"},
        {**base, **town, "deaths": 20, "qualifier": "at_least", "source": "LCC"},
        {**base, "deaths": 0, "qualifier": "at_least", "source": "SANA"},
    )
    assert not compare(claims).questions["contradiction"].item()
    disputed = make_claims(
        {**base, "deaths": 6, "source": "LCC"},
        {**base, **town, "deaths": 20, "qualifier": "at_least", "source": "LCC"},
        {**base, "deaths": 1, "source": "SOHR"},
    )
    assert compare(disputed).questions["contradiction"].item()


def test_a_shared_coded_view_gives_the_same_comparison(seed_claims):
    coded = CodedClaims(seed_claims)
    daily_deaths(coded)  # the view is reused after a series
    shared, alone = compare(coded), compare(seed_claims)
    pd.testing.assert_frame_equal(shared.questions, alone.questions)
    pd.testing.assert_frame_equal(shared.answers, alone.answers)


def test_a_topic_title_is_spelled_as_its_first_claim(make_claims):
    """Topics match case-insensitively; the title keeps the first claim's spelling, whichever
    source comes first alphabetically (also on a filtered view of a coded store)."""
    spellings = [("Zed", "Arms to Syria"), ("Abe", "arms to syria"), ("Zed", "ARMS to Syria")]
    claims = make_claims(
        *({"claim_type": "statement", "source": source, "topic": topic, "position": "p"}
          for source, topic in spellings)
    )  # fmt: skip
    view = ClaimFilter(sources={"Abe", "Zed"}).view(CodedClaims(claims))
    for result in (compare(claims), compare(view)):
        assert result.questions["question"].tolist() == ["Arms to Syria"]
