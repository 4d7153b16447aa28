"""The claim model: one row per claim a source makes in an article.

Every module speaks this schema. The extractor produces it, the store keeps it, analytics
reads it and pages render it. `docs/data-model.md` explains each field with seed examples.

Why a claim and not an "event": sources disagree, and the product exists to show that.
UCDP GED and ACLED keep one number per event; we keep every claim with its provenance
(article, sentence, character span, who says it, how it is qualified) and let analytics
decide how to compare them without ever adding them up blindly.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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
# Who did the killing, as the claim's own source tells it (definitions: docs/data-model.md).
PERPETRATORS = (
    "government",
    "russia",
    "rebels",
    "islamic_state",
    "kurdish_forces",
    "coalition",
    "turkey",
    "israel",
    "unknown",
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
    "perpetrator": "string",
    "perpetrator_text": "string",
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
_COLUMN_INDEX = pd.Index(COLUMNS)  # shared by the frames built here (an Index is immutable)
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
    "perpetrator": PERPETRATORS,
    "governorate": GOVERNORATE_CODES,
}
_ALLOWED_ARROW = {name: pa.array(values) for name, values in _ALLOWED.items()}
_ALLOWED_OR_NULL = {name: {*values, None} for name, values in _ALLOWED.items()}
_DEFAULTS: dict[str, Any] = {"cumulative": False, "corrected": False, "governorates": None}
# Schema dtype -> Arrow type: how claims travel as Arrow (extractor -> store) and sit in DuckDB.
ARROW_TYPES: dict[str, pa.DataType] = {
    "string": pa.string(),
    "Int64": pa.int64(),
    "float64": pa.float64(),
    "datetime64[s]": pa.date32(),
    "bool": pa.bool_(),
    "object": pa.list_(pa.string()),
}
ARROW_SCHEMA = pa.schema([(c, ARROW_TYPES[t]) for c, t in SCHEMA.items()])


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


def _coerce_column(raw: pd.Series, col: str, dtype: str) -> pd.Series:
    """One column in its schema dtype; a column that already has it is kept as it is."""
    if col == "governorates":
        return pd.Series([_as_list(v) for v in raw], dtype="object")
    if str(raw.dtype) == dtype:
        return raw
    if dtype.startswith("datetime"):
        if pd.api.types.is_datetime64_any_dtype(raw):
            return raw.dt.normalize().astype(dtype)
        as_text = raw.map(lambda v: v.isoformat() if isinstance(v, (date, datetime)) else v)
        parsed = pd.to_datetime(as_text, errors="coerce", format="mixed")
        return parsed.dt.normalize().astype(dtype)
    if dtype == "Int64":
        return pd.to_numeric(raw, errors="coerce").round().astype("Int64")
    if dtype == "float64":
        return pd.to_numeric(raw, errors="coerce").astype("float64")
    if dtype == "bool":
        return raw.fillna(_DEFAULTS[col]).astype(bool)
    return raw.astype("string")


def _typed_column(values: list[Any], col: str, dtype: str) -> Any:
    """Python values already of the column's type (as the extractor makes them) converted in
    one C-level call; None when some value needs parsing, which `_coerce_column` does."""
    if col == "governorates":
        column = np.empty(len(values), dtype=object)
        column[:] = [_as_list(v) for v in values]
        return column
    if not set(map(type, values)) - {type(None)} <= _PYTHON_TYPES[dtype]:
        return None
    if dtype.startswith("datetime"):  # day numbers: numpy converts date objects slowly
        days = [_NAT if v is None else v.toordinal() - _EPOCH_ORDINAL for v in values]
        return np.array(days, dtype="int64").view("datetime64[D]").astype(dtype)
    if dtype in ("float64", "bool"):
        default = np.nan if dtype == "float64" else _DEFAULTS[col]
        return np.array([default if v is None else v for v in values], dtype=dtype)
    if dtype == "Int64":
        mask = np.array([v is None for v in values], dtype=bool)
        data = np.array([0 if v is None else v for v in values], dtype="int64")
        return pd.arrays.IntegerArray(data, mask)
    return pd.arrays.ArrowStringArray(pa.array(values, pa.large_string()), dtype=_STRING)


_STRING_COLUMNS = tuple(c for c, t in SCHEMA.items() if t == "string")
_TEXT_OR_NULL = {str, type(None)}
_STRING = pd.StringDtype("pyarrow")  # the schema's "string" dtype, built once
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_NAT = np.iinfo(np.int64).min  # NaT's integer value
_PYTHON_TYPES: dict[str, set[type]] = {
    "string": {str},
    "Int64": {int},
    "float64": {float, int},
    "bool": {bool},
    "datetime64[s]": {date},
}


def _record_columns(records: list[Mapping[str, Any]]) -> dict[str, Any]:
    """Schema columns from records, column by column (pandas parses a list of dicts slowly)."""
    present = set().union(*(r.keys() for r in records)) if records else set()
    rows = [list(map(r.get, COLUMNS)) for r in records]  # one C-level pass per record
    columns = zip(*rows, strict=True) if rows else [()] * len(COLUMNS)
    raw = {
        col: list(values) if col in present else [_DEFAULTS.get(col)] * len(records)
        for col, values in zip(COLUMNS, columns, strict=True)
    }
    strings = _string_columns(raw, len(records))
    out = {}
    for col, dtype in SCHEMA.items():
        typed = strings[col] if col in strings else _typed_column(raw[col], col, dtype)
        out[col] = typed if typed is not None else _coerce_column(pd.Series(raw[col]), col, dtype)
    return out


def _string_columns(raw: dict[str, list[Any]], rows: int) -> dict[str, Any]:
    """The string columns whose values are all text or null, cut from one Arrow array: one
    conversion for all of them instead of one per column (a claim frame has 19)."""
    names = [c for c in _STRING_COLUMNS if set(map(type, raw[c])) <= _TEXT_OR_NULL]
    joined = pa.array([v for c in names for v in raw[c]], pa.large_string())
    return {
        col: pd.arrays.ArrowStringArray(joined.slice(i * rows, rows), dtype=_STRING)
        for i, col in enumerate(names)
    }


def coerce_claims(data: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """Build a claim frame with schema columns, order and dtypes from records or a frame.

    Missing optional columns are filled with nulls/defaults. Values that cannot be coerced
    (a date of "yesterday", a count of "many") become null here and are caught by
    `check_claims` only if the column is required; use `check_records` to see them.
    """
    if not isinstance(data, pd.DataFrame):
        return pd.DataFrame(_record_columns(list(data)))
    n = len(data)
    out = {}
    for col, dtype in SCHEMA.items():
        if col in data.columns:
            raw = data[col].reset_index(drop=True)
        else:
            raw = pd.Series([_DEFAULTS.get(col)] * n, dtype="object")
        out[col] = _coerce_column(raw, col, dtype)
    result = pd.DataFrame(out)
    result.index = data.index
    return result


def claims_from_records(records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A valid claim frame from records, checked before it is framed; raises
    ClaimValidationError. The extractor's path: one call per article, so it avoids every
    per-column pandas lookup (a frame of 40 claims costs ~1 ms, not ~15)."""
    columns = _record_columns(list(records))
    index = pd.RangeIndex(len(columns["claim_id"]))
    problems = _dtype_problems(columns) or _check_columns(columns, index)
    if problems:
        raise ClaimValidationError(problems)
    # Fresh arrays of checked dtypes and lengths: nothing to copy or verify again.
    return pd.DataFrame._from_arrays(
        [columns[c] for c in COLUMNS],
        columns=_COLUMN_INDEX,
        index=pd.RangeIndex(len(columns["claim_id"])),
        verify_integrity=False,
    )


def claims_batch(records: Iterable[Mapping[str, Any]]) -> pa.RecordBatch:
    """A checked Arrow batch of claims from records whose values already have the claim
    model's Python types (str, int, float, bool, date, list of str, None), as the extractor
    makes them; raises ClaimValidationError naming every problem, a value of another type
    included (`coerce_claims` is the path for loose records).

    The extractor's per-article result: one object for the garbage collector to track where a
    frame has ~260, at about half a frame's cost. The store writes it to DuckDB as it is;
    `claims_frame` frames many at once."""
    rows = [list(map(r.get, COLUMNS)) for r in records]  # one C-level pass per record
    count = len(rows)
    columns = zip(*rows, strict=True) if rows else [()] * len(COLUMNS)
    values = dict(zip(COLUMNS, columns, strict=True))
    for name, default in _FILLED.items():  # in Python: Arrow's fill_null costs ~0.1 ms a call
        values[name] = [default if v is None else v for v in values[name]]
    arrays: dict[str, pa.Array] = {}
    problems = []
    for dtype, names in _BY_DTYPE.items():
        expected = ARROW_TYPES[dtype]
        # One conversion per type, not per column (each call costs a few microseconds).
        # Types are inferred, then compared: converting to the schema's types would turn
        # 1.5 deaths into 1 and a string of governorates into a list of its letters.
        joined = _inferred([v for name in names for v in values[name]])
        if joined is not None and _castable(joined.type, expected):
            joined = _as_type(joined, expected)
            arrays.update((n, joined.slice(i * count, count)) for i, n in enumerate(names))
            continue
        for name in names:  # which column is wrong
            array = _inferred(values[name])
            if array is None or not _castable(array.type, expected):
                found = "mixed" if array is None else array.type
                problems.append(Problem("*", name, f"values of type {found}, expected {expected}"))
            else:
                arrays[name] = _as_type(array, expected)
    if not problems:
        problems = _check_columns(arrays, pd.RangeIndex(count))
    if problems:
        raise ClaimValidationError(problems)
    return pa.RecordBatch.from_arrays([arrays[c] for c in COLUMNS], schema=ARROW_SCHEMA)


def _inferred(values: list[Any] | tuple[Any, ...]) -> pa.Array | None:
    """Values as an Arrow array of the type they have, or None when they disagree."""
    try:
        return pa.array(values)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None


def _castable(found: pa.DataType, expected: pa.DataType) -> bool:
    """Whether values inferred as `found` are values of `expected`: the same type, no values
    at all, or whole numbers where floats are expected."""
    return found == expected or found == pa.null() or (found, expected) == _INT_AS_FLOAT


def _as_type(array: pa.Array, expected: pa.DataType) -> pa.Array:
    """A castable array as `expected` (an array of nulls is made anew: casting one to a list
    type costs ~0.1 ms)."""
    if array.type == expected:
        return array
    if array.type == pa.null():
        return pa.nulls(len(array), expected)
    return array.cast(expected)


_INT_AS_FLOAT = (pa.int64(), pa.float64())
_BY_DTYPE = {t: [c for c, d in SCHEMA.items() if d == t] for t in dict.fromkeys(SCHEMA.values())}
_FILLED = {c: v for c, v in _DEFAULTS.items() if v is not None}


def claims_frame(batches: pa.RecordBatch | pa.Table | Iterable[pa.RecordBatch]) -> pd.DataFrame:
    """A claim frame from checked Arrow claims (`claims_batch`), in one conversion however many
    articles they hold."""
    if isinstance(batches, pa.Table):
        table = batches
    else:
        single = isinstance(batches, pa.RecordBatch)
        table = pa.Table.from_batches([batches] if single else list(batches), ARROW_SCHEMA)
    columns = [_pandas_column(table.column(c), t) for c, t in SCHEMA.items()]
    return pd.DataFrame._from_arrays(
        columns, columns=_COLUMN_INDEX, index=pd.RangeIndex(table.num_rows), verify_integrity=False
    )


def frame_batch(frame: pd.DataFrame) -> pa.RecordBatch:
    """A claim frame as Arrow with the schema's types (`claims_frame` in reverse); the frame
    is not checked here."""
    arrays = []
    for col, dtype in SCHEMA.items():
        values, kind = frame[col], ARROW_TYPES[dtype]
        if dtype == "object":
            arrays.append(pa.array([None if v is None else list(v) for v in values], kind))
        elif dtype.startswith("datetime"):
            stamps = pa.array(values, pa.timestamp("s"), from_pandas=True)
            arrays.append(stamps.cast(kind))
        else:
            arrays.append(pa.array(values, kind, from_pandas=True))
    return pa.RecordBatch.from_arrays(arrays, schema=ARROW_SCHEMA)


def _pandas_column(column: pa.ChunkedArray, dtype: str) -> Any:
    """One Arrow claim column in its schema dtype."""
    if dtype == "string":
        return _STRING.__from_arrow__(column)
    if dtype == "Int64":
        return _INT64.__from_arrow__(column)
    if dtype == "object":
        values = np.empty(len(column), dtype=object)
        values[:] = column.to_pylist()
        return values
    if dtype.startswith("datetime"):
        return column.to_numpy().astype(dtype)  # date32 -> datetime64[D], nulls -> NaT
    return column.to_numpy()


_INT64 = pd.Int64Dtype()


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


def _values(column: Any) -> np.ndarray:
    """A numeric or date column as a numpy array with NaN/NaT for nulls.

    Comparisons on it are False wherever a value is missing, which is what every rule wants,
    and numpy compares a few hundred rows far faster than pandas' masked arrays.
    """
    if isinstance(column, np.ndarray):
        return column
    if isinstance(column, pa.Array):  # ints with nulls become floats with NaN, dates NaT
        return column.to_numpy(zero_copy_only=False)
    if pd.api.types.is_datetime64_any_dtype(column.dtype):
        return np.asarray(column)
    return column.to_numpy(dtype="float64", na_value=np.nan)


def _strings(column: Any) -> np.ndarray:
    """A string column as a numpy object array with None for nulls (through Arrow: pandas'
    own conversion costs ten times more)."""
    return pa.array(column).to_numpy(zero_copy_only=False)


def _nulls(column: Any) -> np.ndarray:
    """A column's null mask; a string or Arrow column is answered by Arrow's null count first,
    since most have no nulls."""
    if isinstance(column, pa.Array) or isinstance(column.dtype, pd.StringDtype):
        arrow = pa.array(column)
        if arrow.null_count == 0:
            return np.zeros(len(arrow), dtype=bool)
        return arrow.is_null().to_numpy(zero_copy_only=False)
    return pd.isna(column)


@functools.lru_cache(maxsize=64)
def _dtype_name(dtype: Any) -> str:
    """`str(dtype)`, remembered: numpy and pandas build the name on every call."""
    return str(dtype)


def check_claims(df: pd.DataFrame) -> list[Problem]:
    """Every problem in a claim frame: columns, dtypes, allowed values, order of dates/counts.

    This is the one place that says what a valid claim is (`_check_columns` holds the rules).
    """
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        return [Problem("*", c, "missing column") for c in missing]
    columns = {c: df[c].array for c in COLUMNS}
    return _dtype_problems(columns) or _check_columns(columns, df.index)


def _dtype_problems(col: Mapping[str, Any]) -> list[Problem]:
    """Columns whose pandas dtype is not the schema's."""
    problems = []
    for name, dtype in SCHEMA.items():
        actual = col[name].dtype
        if _dtype_name(actual) != dtype and not (
            dtype.startswith("datetime") and pd.api.types.is_datetime64_any_dtype(actual)
        ):
            problems.append(Problem("*", name, f"dtype {actual}, expected {dtype}"))
    return problems


def _check_columns(col: Mapping[str, Any], index: pd.Index) -> list[Problem]:
    """The rules of `check_claims` on schema columns of the schema's types (pandas, numpy or
    Arrow arrays); rows are named by the labels of `index`."""
    problems: list[Problem] = []
    null = {c: _nulls(col[c]) for c in (*REQUIRED, "qualifier")}

    def flag(mask: np.ndarray, name: str, reason: str) -> None:
        if mask.any():
            problems.extend(Problem(row, name, reason) for row in index[mask])

    for name in REQUIRED:
        flag(null[name], name, "required value is missing")
    for name, allowed in _ALLOWED.items():
        values = col[name]
        as_arrow = pa.array(values)
        if set(pc.unique(as_arrow).to_pylist()) <= _ALLOWED_OR_NULL[name]:
            continue  # the common case, answered from the few distinct values
        known = pc.is_in(as_arrow, value_set=_ALLOWED_ARROW[name])
        bad = ~_nulls(values) & ~known.to_numpy(zero_copy_only=False)
        problems.extend(
            Problem(index[i], name, f"{as_arrow[i].as_py()!r} not in {allowed}")
            for i in np.flatnonzero(bad)
        )
    deaths, low, high = (_values(col[c]) for c in COUNT_COLUMNS)
    for name, values in zip(COUNT_COLUMNS, (deaths, low, high), strict=True):
        flag(values < 0, name, "negative count")
    flag(low > high, "deaths_low", "deaths_low > deaths_high")
    flag((deaths < low) | (deaths > high), "deaths", "deaths outside [deaths_low, deaths_high]")
    is_toll = _strings(col["claim_type"]) == "death_toll"
    flag(is_toll & null["qualifier"], "qualifier", "a death toll needs a qualifier")
    flag(is_toll & np.isnan(deaths) & np.isnan(low), "deaths",
         "a death toll needs deaths or deaths_low")  # fmt: skip
    is_vague = _strings(col["qualifier"]) == "vague"
    flag(is_vague & ~np.isnan(deaths), "deaths",
         "a vague count keeps deaths null (use deaths_low/deaths_high)")  # fmt: skip
    flag(_values(col["date_start"]) > _values(col["date_end"]), "date_start",
         "date_start after date_end")  # fmt: skip
    char_start, char_end = _values(col["char_start"]), _values(col["char_end"])
    flag(char_start > char_end, "char_start", "char_start after char_end")
    flag(char_start < 0, "char_start", "negative offset")
    confidence, lat, lon = (_values(col[c]) for c in ("confidence", "lat", "lon"))
    flag((confidence < 0) | (confidence > 1), "confidence", "confidence outside [0, 1]")
    flag((lat < 32) | (lat > 37.5), "lat", "latitude outside Syria")
    flag((lon < 35.5) | (lon > 42.5), "lon", "longitude outside Syria")
    flag(_duplicated(_strings(col["claim_id"])), "claim_id", "duplicate claim_id")
    return problems


def _duplicated(values: np.ndarray) -> np.ndarray:
    """Later occurrences of a value (the common case, all distinct, answered by one set)."""
    if len(set(values)) == len(values):
        return np.zeros(len(values), dtype=bool)
    return pd.Series(values).duplicated(keep="first").to_numpy()


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
