"""The claim model: one row per claim a source makes in an article.

Every module speaks this schema. The extractor produces it, the store keeps it, analytics
reads it and pages render it. `docs/data-model.md` explains each field with seed examples.

Why a claim and not an "event": sources disagree, and the product exists to show that.
UCDP GED and ACLED keep one number per event; we keep every claim with its provenance
(article, sentence, character span, who says it, how it is qualified) and let analytics
decide how to compare them without ever adding them up blindly.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd

CLAIM_TYPES = ("death_toll", "event", "statement")
QUALIFIERS = ("exact", "at_least", "more_than", "about", "up_to", "vague")
VICTIMS = ("all", "civilians", "security_forces", "rebels", "unknown")
SOURCE_KINDS = (
    "opposition_monitor",
    "activist",
    "government",
    "state_media",
    "un_international",
    "foreign_government",
    "reporter",
)
GEO_PRECISIONS = ("town", "governorate", "country", "unknown")
# day: the sentence names the day (explicit date or weekday/yesterday against `published`).
# day_inferred: no time expression; the article's own date is assumed (the "second clock").
# range: a span (last week, since March 2011 ... report date); month/year: coarse dates.
DATE_PRECISIONS = ("day", "day_inferred", "range", "month", "year", "unknown")
EVENT_TYPES = (
    "killing",
    "shelling",
    "air_strike",
    "clashes",
    "raid",
    "arrest",
    "takeover",
    "withdrawal",
    "arson",
    "funeral",
    "bombing",
    "troop_movement",
    "displacement",
    "other",
)
GOVERNORATE_CODES = (
    "SY-DI", "SY-DR", "SY-DY", "SY-HA", "SY-HI", "SY-HL", "SY-HM",
    "SY-ID", "SY-LA", "SY-QU", "SY-RA", "SY-RD", "SY-SU", "SY-TA",
)  # fmt: skip

# Column name -> pandas dtype. Order here is the column order of every claim frame.
SCHEMA: dict[str, str] = {
    "claim_id": "string",
    "article_id": "string",
    "claim_type": "string",
    "deaths": "Int64",
    "deaths_low": "Int64",
    "deaths_high": "Int64",
    "qualifier": "string",
    "victims": "string",
    "part_of": "string",
    "source": "string",
    "source_kind": "string",
    "source_text": "string",
    "place": "string",
    "governorate": "string",
    "governorates": "object",
    "lat": "float64",
    "lon": "float64",
    "geo_precision": "string",
    "date_start": "datetime64[s]",
    "date_end": "datetime64[s]",
    "date_precision": "string",
    "published": "datetime64[s]",
    "cumulative": "bool",
    "event_type": "string",
    "topic": "string",
    "position": "string",
    "sentence": "string",
    "sentence_start": "Int64",
    "char_start": "Int64",
    "char_end": "Int64",
    "confidence": "float64",
    "extractor_version": "string",
    "corrected": "bool",
    "notes": "string",
}
COLUMNS = tuple(SCHEMA)
REQUIRED = ("claim_id", "article_id", "claim_type", "source", "source_kind", "sentence",
            "char_start", "char_end", "published")  # fmt: skip
DATE_COLUMNS = ("date_start", "date_end", "published")
COUNT_COLUMNS = ("deaths", "deaths_low", "deaths_high")
_ALLOWED: dict[str, tuple[str, ...]] = {
    "claim_type": CLAIM_TYPES,
    "qualifier": QUALIFIERS,
    "victims": VICTIMS,
    "source_kind": SOURCE_KINDS,
    "geo_precision": GEO_PRECISIONS,
    "date_precision": DATE_PRECISIONS,
    "event_type": EVENT_TYPES,
    "governorate": GOVERNORATE_CODES,
}
_DEFAULTS: dict[str, Any] = {"cumulative": False, "corrected": False, "governorates": None}


def make_claim_id(article_id: str, char_start: int, char_end: int, claim_type: str) -> str:
    """Stable id: the same article and span always give the same claim id.

    Human corrections are keyed by claim_id, so re-extraction must reproduce it.
    """
    key = f"{article_id}:{int(char_start)}:{int(char_end)}:{claim_type}"
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def article_id_for(text: str) -> str:
    """Content hash of an article's text: the same text always gets the same id."""
    normalised = text.replace("\r\n", "\n").strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Problem:
    """One reason a claim row is invalid, named by row label and column."""

    row: Any
    column: str
    reason: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.column}: {self.reason}"


class ClaimValidationError(ValueError):
    """Raised by `validate_claims`; `.problems` lists every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "; ".join(str(p) for p in problems[:10])
        more = f" (+{len(problems) - 10} more)" if len(problems) > 10 else ""
        super().__init__(f"{len(problems)} invalid claim value(s): {shown}{more}")


def empty_claims() -> pd.DataFrame:
    """A claim frame with no rows and the right dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in SCHEMA.items()})


def _as_list(value: Any) -> list[str] | None:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, str):
        return [v for v in value.replace(";", ",").split(",") if v.strip()] or None
    return [str(v) for v in value] or None


def coerce_claims(data: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Build a claim frame with schema columns, order and dtypes from records or a frame.

    Missing optional columns are filled with nulls/defaults. Values that cannot be coerced
    (a date of "yesterday", a count of "many") become null here and are caught by
    `check_claims` only if the column is required; use `check_records` to see them.
    """
    frame = data.copy() if isinstance(data, pd.DataFrame) else pd.DataFrame(list(data))
    out = {}
    n = len(frame)
    for col, dtype in SCHEMA.items():
        raw = frame[col] if col in frame.columns else pd.Series([_DEFAULTS.get(col)] * n)
        raw = raw.reset_index(drop=True)
        if col == "governorates":
            out[col] = pd.Series([_as_list(v) for v in raw], dtype="object")
        elif dtype.startswith("datetime"):
            out[col] = pd.to_datetime(raw, errors="coerce").dt.normalize().astype(dtype)
        elif dtype == "Int64":
            out[col] = pd.to_numeric(raw, errors="coerce").round().astype("Int64")
        elif dtype == "float64":
            out[col] = pd.to_numeric(raw, errors="coerce").astype("float64")
        elif dtype == "bool":
            out[col] = raw.fillna(_DEFAULTS[col]).astype(bool)
        else:
            out[col] = raw.astype("string")
    result = pd.DataFrame(out)
    if isinstance(data, pd.DataFrame):
        result.index = data.index
    return result


def check_records(records: Iterable[Mapping[str, Any]]) -> list[Problem]:
    """Problems that coercion would hide: unparseable dates and counts in raw records."""
    problems: list[Problem] = []
    for i, rec in enumerate(records):
        for col in DATE_COLUMNS:
            value = rec.get(col)
            is_text = value not in (None, "") and not isinstance(value, (date, datetime))
            if is_text and pd.isna(pd.to_datetime(value, errors="coerce")):
                problems.append(Problem(i, col, f"not a date: {value!r}"))
        for col in (*COUNT_COLUMNS, "char_start", "char_end"):
            value = rec.get(col)
            if value not in (None, "") and pd.isna(pd.to_numeric(value, errors="coerce")):
                problems.append(Problem(i, col, f"not a number: {value!r}"))
    return problems


def check_claims(df: pd.DataFrame) -> list[Problem]:
    """Every problem in a claim frame: columns, dtypes, allowed values, order of dates/counts.

    This is the one place that says what a valid claim is.
    """
    problems: list[Problem] = []
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        return [Problem("*", c, "missing column") for c in missing]
    for col, dtype in SCHEMA.items():
        if str(df[col].dtype) != dtype and not (
            dtype.startswith("datetime") and pd.api.types.is_datetime64_any_dtype(df[col])
        ):
            problems.append(Problem("*", col, f"dtype {df[col].dtype}, expected {dtype}"))
    if problems:
        return problems

    def flag(mask: pd.Series, col: str, reason: str) -> None:
        for row in df.index[mask.fillna(False).to_numpy(dtype=bool)]:
            problems.append(Problem(row, col, reason))

    for col in REQUIRED:
        flag(df[col].isna(), col, "required value is missing")
    for col, allowed in _ALLOWED.items():
        bad = df[col].notna() & ~df[col].isin(allowed)
        for row in df.index[bad.to_numpy(dtype=bool)]:
            problems.append(Problem(row, col, f"{df.at[row, col]!r} not in {allowed}"))
    for col in COUNT_COLUMNS:
        flag(df[col] < 0, col, "negative count")
    flag(df["deaths_low"] > df["deaths_high"], "deaths_low", "deaths_low > deaths_high")
    flag((df["deaths"] < df["deaths_low"]) | (df["deaths"] > df["deaths_high"]), "deaths",
         "deaths outside [deaths_low, deaths_high]")  # fmt: skip
    is_toll = df["claim_type"] == "death_toll"
    flag(is_toll & df["qualifier"].isna(), "qualifier", "a death toll needs a qualifier")
    flag(is_toll & df["deaths"].isna() & df["deaths_low"].isna(), "deaths",
         "a death toll needs deaths or deaths_low")  # fmt: skip
    flag((df["qualifier"] == "vague") & df["deaths"].notna(), "deaths",
         "a vague count keeps deaths null (use deaths_low/deaths_high)")  # fmt: skip
    flag(df["date_start"] > df["date_end"], "date_start", "date_start after date_end")
    flag(df["char_start"] > df["char_end"], "char_start", "char_start after char_end")
    flag(df["char_start"] < 0, "char_start", "negative offset")
    flag(~df["confidence"].between(0, 1) & df["confidence"].notna(), "confidence",
         "confidence outside [0, 1]")  # fmt: skip
    flag(df["lat"].notna() & ~df["lat"].between(32, 37.5), "lat", "latitude outside Syria")
    flag(df["lon"].notna() & ~df["lon"].between(35.5, 42.5), "lon", "longitude outside Syria")
    flag(df["claim_id"].duplicated(keep="first"), "claim_id", "duplicate claim_id")
    return problems


def validate_claims(df: pd.DataFrame) -> pd.DataFrame:
    """Return `df` unchanged if it is a valid claim frame; raise ClaimValidationError if not."""
    problems = check_claims(df)
    if problems:
        raise ClaimValidationError(problems)
    return df


def split_valid(df: pd.DataFrame) -> tuple[pd.DataFrame, list[Problem]]:
    """Keep the valid rows and report the others: bad input loses nothing else.

    Frame-level problems (a missing column, a wrong dtype) make every row invalid.
    """
    problems = check_claims(df)
    if any(p.row == "*" for p in problems):
        return df.iloc[0:0], problems
    bad_rows = {p.row for p in problems}
    return df[~df.index.isin(bad_rows)], problems


def claims_to_records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """JSON-ready dicts with the schema's field names (dates as ISO strings, nulls as None)."""
    records = []
    for row in df[list(COLUMNS)].itertuples(index=False, name=None):
        rec = {}
        for col, value in zip(COLUMNS, row, strict=True):
            if col == "governorates":
                rec[col] = list(value) if value is not None else None
            elif value is None or (not isinstance(value, (list, tuple)) and pd.isna(value)):
                rec[col] = None
            elif col in DATE_COLUMNS:
                rec[col] = pd.Timestamp(value).date().isoformat()
            elif hasattr(value, "item"):
                rec[col] = value.item()
            else:
                rec[col] = value
        records.append(rec)
    return records
