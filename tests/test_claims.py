"""The claim model: what a valid claim is, and what each invalid one is reported as."""

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib.claims import (
    ARROW_SCHEMA,
    COLUMNS,
    QUALIFIERS,
    SCHEMA,
    ClaimValidationError,
    article_id_for,
    check_claims,
    check_records,
    claims_batch,
    claims_frame,
    claims_from_records,
    claims_to_records,
    coerce_claims,
    empty_claims,
    frame_batch,
    make_claim_id,
    split_valid,
    validate_claims,
)

SEED = Path(__file__).parent.parent / "seeds" / "000_45e694c00cb5fbd0.txt"


def seed_toll() -> dict:
    """The LCC's nationwide toll from the first seed, as the extractor should store it."""
    text = SEED.read_text(encoding="utf-8")
    sentence = (
        "At least 54 people have been killed on Wednesday across Syria, "
        "the opposition Local Coordination Committees of Syria said."
    )
    start = text.index(sentence)
    evidence = "At least 54 people have been killed"
    article_id = article_id_for(text)
    return {
        "claim_id": make_claim_id(article_id, start, start + len(evidence), "death_toll"),
        "article_id": article_id,
        "claim_type": "death_toll",
        "deaths": 54,
        "deaths_low": 54,
        "deaths_high": None,
        "qualifier": "at_least",
        "victims": "all",
        "source": "Local Coordination Committees of Syria",
        "source_kind": "opposition_monitor",
        "geo_precision": "country",
        "date_start": "2012-04-04",
        "date_end": "2012-04-04",
        "date_precision": "day",
        "published": "2012-04-04",
        "sentence": sentence,
        "sentence_start": start,
        "char_start": start,
        "char_end": start + len(evidence),
        "confidence": 0.9,
    }


def test_a_seed_claim_is_valid_with_schema_dtypes():
    frame = validate_claims(coerce_claims([seed_toll()]))
    assert list(frame.columns) == list(COLUMNS)
    assert {c: str(frame[c].dtype) for c in frame.columns} == SCHEMA
    assert frame.loc[0, "deaths"] == 54 and pd.isna(frame.loc[0, "deaths_high"])
    assert frame.loc[0, "governorates"] is None
    assert not frame.loc[0, "cumulative"] and not frame.loc[0, "corrected"]


def test_the_evidence_span_indexes_the_article_text():
    rec = seed_toll()
    text = SEED.read_text(encoding="utf-8")
    assert text[rec["char_start"] : rec["char_end"]] == "At least 54 people have been killed"
    start = rec["sentence_start"]
    assert text[start : start + len(rec["sentence"])] == rec["sentence"]


def test_claim_ids_are_stable_and_span_specific():
    assert make_claim_id("a1", 10, 20, "death_toll") == make_claim_id("a1", 10, 20, "death_toll")
    assert make_claim_id("a1", 10, 20, "death_toll") != make_claim_id("a1", 10, 21, "death_toll")
    assert make_claim_id("a1", 10, 20, "death_toll") != make_claim_id("a2", 10, 20, "death_toll")


def test_article_id_ignores_line_endings_and_outer_whitespace():
    assert article_id_for("a\nb\n") == article_id_for("a\r\nb")
    assert article_id_for("a b") != article_id_for("a  b")


@pytest.mark.parametrize(
    ("change", "column", "reason"),
    [
        ({"qualifier": "roughly"}, "qualifier", "not in"),
        ({"source_kind": "blogger"}, "source_kind", "not in"),
        ({"governorate": "SY-XX"}, "governorate", "not in"),
        ({"deaths": -3, "deaths_low": -3}, "deaths", "negative count"),
        ({"deaths_low": 60, "deaths_high": 50}, "deaths_low", "deaths_low > deaths_high"),
        ({"deaths": 70, "deaths_low": 54, "deaths_high": 60}, "deaths", "outside"),
        ({"date_start": "2012-04-05"}, "date_start", "after date_end"),
        ({"qualifier": "vague"}, "deaths", "vague count keeps deaths null"),
        ({"qualifier": None}, "qualifier", "needs a qualifier"),
        ({"source": None}, "source", "required"),
        ({"char_start": 10_000}, "char_start", "after char_end"),
        ({"confidence": 1.5}, "confidence", "outside [0, 1]"),
        ({"lat": 48.8, "lon": 2.3}, "lat", "outside Syria"),
    ],
)
def test_each_bad_value_is_reported_by_column_and_reason(change, column, reason):
    frame = coerce_claims([{**seed_toll(), **change}])
    problems = check_claims(frame)
    assert any(p.column == column and reason in p.reason for p in problems), problems
    with pytest.raises(ClaimValidationError, match=column):
        validate_claims(frame)


def test_split_valid_keeps_good_rows_and_names_the_bad_ones():
    good = seed_toll()
    bad = {**seed_toll(), "claim_id": "other", "qualifier": "roughly"}
    frame = coerce_claims([good, bad, {**good, "claim_id": "third", "deaths": 60}])
    kept, problems = split_valid(frame)
    assert list(kept["claim_id"]) == [good["claim_id"], "third"]
    assert [(p.row, p.column) for p in problems] == [(1, "qualifier")]


def test_duplicate_claim_ids_are_refused():
    frame = coerce_claims([seed_toll(), seed_toll()])
    assert [p.reason for p in check_claims(frame)] == ["duplicate claim_id"]


def test_a_missing_column_invalidates_the_whole_frame():
    frame = coerce_claims([seed_toll()]).drop(columns=["qualifier"])
    kept, problems = split_valid(frame)
    assert kept.empty and problems[0].column == "qualifier" and problems[0].row == "*"


def test_raw_records_with_unparseable_values_are_named_before_coercion_hides_them():
    problems = check_records([{**seed_toll(), "date_start": "yesterday", "deaths": "many"}])
    assert {(p.column, p.reason.split(":")[0]) for p in problems} == {
        ("date_start", "not a date"),
        ("deaths", "not a number"),
    }


def test_records_round_trip_through_json_fields():
    frame = coerce_claims([{**seed_toll(), "governorates": ["SY-ID", "SY-HI"]}])
    records = claims_to_records(frame)
    assert records[0]["date_start"] == "2012-04-04"
    assert records[0]["governorates"] == ["SY-ID", "SY-HI"]
    assert records[0]["deaths_high"] is None
    again = coerce_claims(records)
    pd.testing.assert_frame_equal(again, frame)


def test_empty_frame_has_schema_dtypes_and_is_valid():
    frame = empty_claims()
    assert {c: str(frame[c].dtype) for c in frame.columns} == SCHEMA
    assert check_claims(frame) == []


def test_records_are_coerced_as_a_frame_would_be_typed_or_not():
    """The column-wise fast path for typed records and the pandas path agree, value by value."""
    typed = seed_toll() | {
        "date_start": date(2012, 4, 4),
        "date_end": date(2012, 4, 4),
        "published": date(2012, 4, 4),
        "governorates": ["SY-ID", "SY-HM"],
        "cumulative": False,
    }
    loose = seed_toll() | {"deaths": "54", "lat": "35.1", "published": "April 4, 2012"}
    partial = {k: v for k, v in seed_toll().items() if k not in ("victims", "confidence")}
    for records in ([typed], [typed, loose, partial | {"claim_id": "c" * 16}]):
        from_records = coerce_claims(records)
        pd.testing.assert_frame_equal(from_records, coerce_claims(pd.DataFrame(records)))
    assert from_records["governorates"][0] == ["SY-ID", "SY-HM"]
    assert from_records["lat"][1] == 35.1 and from_records["deaths"][1] == 54


def test_claims_from_records_names_every_bad_row_before_framing():
    good, bad = seed_toll(), seed_toll() | {"claim_id": "b" * 16, "qualifier": "roughly"}
    frame = claims_from_records([good])
    pd.testing.assert_frame_equal(frame, coerce_claims([good]))
    with pytest.raises(ClaimValidationError) as raised:
        claims_from_records([good, bad])
    assert [str(p) for p in raised.value.problems] == [
        f"row 1: qualifier: 'roughly' not in {QUALIFIERS}"
    ]


def typed_toll(**change) -> dict:
    """`seed_toll` with the Python types the extractor gives its records."""
    day = date(2012, 4, 4)
    return seed_toll() | {"date_start": day, "date_end": day, "published": day} | change


def test_an_arrow_batch_holds_the_claims_a_frame_would():
    second = typed_toll(claim_id="c" * 16, governorates=["SY-ID", "SY-HM"], lat=35, deaths=None,
                        qualifier="vague", deaths_low=20, deaths_high=100)  # fmt: skip
    batch = claims_batch([typed_toll(), second])
    assert batch.schema == ARROW_SCHEMA
    assert batch.column("cumulative").to_pylist() == [False, False]  # defaults filled
    frame = claims_frame(batch)
    pd.testing.assert_frame_equal(frame, claims_from_records([typed_toll(), second]))
    assert frame["governorates"][1] == ["SY-ID", "SY-HM"] and frame["lat"][1] == 35.0
    pd.testing.assert_frame_equal(claims_frame(frame_batch(frame)), frame)
    pd.testing.assert_frame_equal(claims_frame([batch, claims_batch([])]), frame)
    pd.testing.assert_frame_equal(claims_frame(claims_batch([])), empty_claims())


def test_an_arrow_batch_names_bad_rows_as_a_frame_does():
    bad = typed_toll(claim_id="b" * 16, qualifier="roughly")
    with pytest.raises(ClaimValidationError) as raised:
        claims_batch([typed_toll(), bad])
    assert [str(p) for p in raised.value.problems] == [
        f"row 1: qualifier: 'roughly' not in {QUALIFIERS}"
    ]


@pytest.mark.parametrize(
    ("column", "value", "found"),
    [
        ("deaths", 54.5, "double"),  # would be truncated to 54 if converted to int64
        ("governorates", "SY-ID", "string"),  # would become a list of its letters
        ("date_start", "2012-04-04", "mixed"),  # text next to the other row's date
    ],
)
def test_an_arrow_batch_refuses_values_of_another_type(column, value, found):
    """Loose values go through `coerce_claims`; the batch names them instead of guessing."""
    other = typed_toll(claim_id="d" * 16)
    with pytest.raises(ClaimValidationError) as raised:
        claims_batch([typed_toll(**{column: value}), other])
    [problem] = raised.value.problems
    assert (problem.row, problem.column) == ("*", column)
    assert problem.reason.startswith(f"values of type {found}, expected")
