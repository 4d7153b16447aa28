"""Corrections applied to the hand-checked seed claims (pure pandas, no database)."""

import pandas as pd
import pytest

from lib.claims import SCHEMA, check_claims
from lib.corrections import (
    REJECTED,
    CorrectionError,
    apply_corrections,
    check_correction,
    corrected_fields,
    diff_edits,
    empty_corrections,
    format_value,
    parse_value,
)


def _entry(i: int, claim_id: str, field: str, new_value: str | None, kind: str = "correct",
           status: str = "active") -> dict:  # fmt: skip
    return {"id": i, "claim_id": claim_id, "article_id": None, "field": field, "old_value": None,
            "new_value": new_value, "reason": "r", "author": "a",
            "created_at": pd.Timestamp("2026-01-01"), "kind": kind, "status": status}  # fmt: skip


def log(*entries: tuple) -> pd.DataFrame:
    """A correction log from (claim_id, field, new_value[, kind[, status]]) tuples, in order."""
    rows = [_entry(i, *e) for i, e in enumerate(entries, start=1)]
    return pd.DataFrame(rows).astype(empty_corrections().dtypes.to_dict())


def toll(seed_claims: pd.DataFrame, deaths: int) -> str:
    return seed_claims.loc[seed_claims["deaths"] == deaths, "claim_id"].iloc[0]


def test_correction_changes_value_marks_row_and_keeps_schema(seed_claims):
    cid = toll(seed_claims, 54)
    out = apply_corrections(seed_claims, log((cid, "deaths", "55"))).frame
    row = out.set_index("claim_id").loc[cid]
    assert row["deaths"] == 55
    assert row["corrected"]
    assert out["corrected"].sum() == 1
    assert {c: str(t) for c, t in out.dtypes.items()} == SCHEMA
    assert check_claims(out) == []


def test_later_correction_wins_and_orphaned_ones_are_ignored(seed_claims):
    cid = toll(seed_claims, 54)
    corrections = log((cid, "deaths", "55"), (cid, "deaths", "56"),
                      (cid, "deaths", "99", "correct", "orphaned"))  # fmt: skip
    out = apply_corrections(seed_claims, corrections).frame.set_index("claim_id")
    assert out.at[cid, "deaths"] == 56


def test_reject_drops_claim_unless_included_and_can_be_taken_back(seed_claims):
    cid = toll(seed_claims, 54)
    applied = apply_corrections(seed_claims, log((cid, REJECTED, "true", "reject")))
    assert cid not in set(applied.frame["claim_id"])
    assert applied.rejected == {cid}
    assert len(applied.frame) == len(seed_claims) - 1
    both = log((cid, REJECTED, "true", "reject"), (cid, REJECTED, "false", "reject"))
    assert cid in set(apply_corrections(seed_claims, both).frame["claim_id"])
    kept = apply_corrections(seed_claims, log((cid, REJECTED, "true", "reject")), True).frame
    assert len(kept) == len(seed_claims)


def test_correction_that_no_longer_fits_is_skipped_with_reason(seed_claims):
    cid = toll(seed_claims, 54)
    # a vague qualifier with a point count is invalid: the second entry must be skipped
    corrections = log((cid, "deaths", "60"), (cid, "qualifier", "vague"))
    applied = apply_corrections(seed_claims, corrections)
    row = applied.frame.set_index("claim_id").loc[cid]
    assert row["deaths"] == 60 and row["qualifier"] == "at_least"
    assert [s.correction_id for s in applied.skipped] == [2]
    assert "vague" in applied.skipped[0].reason
    assert check_claims(applied.frame) == []


def test_governorate_correction_clears_governorates_and_place_drops_coordinates(seed_claims):
    multi = seed_claims["governorates"].notna()
    cid = seed_claims.loc[multi, "claim_id"].iloc[0]
    out = apply_corrections(seed_claims, log((cid, "governorate", "SY-HM"))).frame
    row = out.set_index("claim_id").loc[cid]
    assert row["governorate"] == "SY-HM" and row["governorates"] is None
    pid = seed_claims.loc[seed_claims["lat"].notna(), "claim_id"].iloc[0]  # 2 seed claims
    moved = apply_corrections(seed_claims, log((pid, "place", "Binnish"))).frame
    moved = moved.set_index("claim_id").loc[pid]
    assert moved["place"] == "Binnish" and pd.isna(moved["lat"]) and pd.isna(moved["lon"])


def test_check_correction_refuses_invalid_values_with_reason(seed_claims):
    row = seed_claims[seed_claims["claim_id"] == toll(seed_claims, 54)]
    for changes, reason in [
        ([("deaths", "many")], "not a whole number"),
        ([("deaths", -3)], "negative count"),
        ([("governorate", "SY-XX")], "not in"),
        ([("claim_id", "x")], "cannot be corrected"),
        ([("qualifier", "vague")], "vague count keeps deaths null"),
    ]:
        with pytest.raises(CorrectionError, match=reason):
            check_correction(row, changes)
    out, olds = check_correction(row, [("date_start", "2012-04-03")])
    assert out.iloc[0]["date_start"] == pd.Timestamp("2012-04-03") and olds == ["2012-04-04"]


def test_count_and_qualifier_recompute_bounds_and_are_validated_together(seed_claims):
    row = seed_claims[seed_claims["claim_id"] == toll(seed_claims, 6)]  # exact 6
    out, olds = check_correction(row, [("deaths", 7)])
    assert (out.iloc[0]["deaths_low"], out.iloc[0]["deaths_high"]) == (7, 7) and olds == ["6"]
    out, _ = check_correction(row, [("qualifier", "more_than"), ("deaths", 10)])
    assert out.iloc[0]["deaths_low"] == 10 and pd.isna(out.iloc[0]["deaths_high"])
    vague, olds = check_correction(row, [("qualifier", "vague"), ("deaths", None)])
    assert pd.isna(vague.iloc[0]["deaths"]) and olds == ["exact", "6"]
    assert vague.iloc[0]["deaths_low"] == 6  # kept: the bounds still describe the claim


def test_values_round_trip_through_text():
    assert format_value("deaths", 12.0) == "12"
    assert parse_value("deaths", "12") == 12
    assert format_value("date_start", pd.Timestamp("2012-04-04 00:00")) == "2012-04-04"
    assert parse_value("cumulative", "false") is False
    assert format_value("source", "  ") is None
    assert pd.isna(parse_value("deaths", None))
    with pytest.raises(CorrectionError, match="not a date"):
        parse_value("date_end", "yesterday")


def test_diff_edits_finds_only_changed_cells(seed_claims):
    table = seed_claims[["claim_id", "deaths", "qualifier"]].copy()
    table[REJECTED] = False
    edited = table.copy()
    edited["deaths"] = edited["deaths"].astype("float64")  # what an editor may hand back
    first = edited.index[0]
    edited.at[first, "qualifier"] = "about"
    edited.at[first, REJECTED] = True
    edits = diff_edits(table, edited, ["deaths", "qualifier", REJECTED])
    assert {(e.field, e.value) for e in edits} == {("qualifier", "about"), (REJECTED, True)}
    assert {e.claim_id for e in edits} == {table.at[first, "claim_id"]}


def test_a_renamed_source_takes_the_kind_the_source_table_gives_it(seed_claims):
    table = seed_claims[["claim_id", "source", "source_kind"]].copy()
    edited = table.copy()
    first, second, third = edited.index[:3]
    edited.at[first, "source"] = "SANA"  # a known name: its kind follows
    edited.at[second, "source"] = "a local paper"  # unknown: the kind stays as it was
    edited.at[third, "source"] = "United Nations"
    edited.at[third, "source_kind"] = "foreign_government"  # the reviewer's own kind wins
    edits = diff_edits(table, edited, ["source", "source_kind"])
    kinds = {(e.claim_id, e.value) for e in edits if e.field == "source_kind"}
    assert kinds == {
        (table.at[first, "claim_id"], "state_media"),
        (table.at[third, "claim_id"], "foreign_government"),
    }
    started = {e.claim_id: e.started_from for e in edits if e.field == "source_kind"}
    assert started[table.at[first, "claim_id"]] == table.at[first, "source_kind"]


def test_corrected_fields_lists_active_fields_per_claim(seed_claims):
    cid = toll(seed_claims, 54)
    corrections = log((cid, "deaths", "55"), (cid, "place", "Homs"), ("x", "deaths", "1", "correct",
                      "orphaned"))  # fmt: skip
    assert corrected_fields(corrections) == {cid: ["deaths", "place"]}
