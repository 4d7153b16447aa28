"""One claim filter for every view: a chart, a table and a CSV of the same filter agree.

The dashboard keeps the filter in the URL, so `from_query_params` must accept anything a user
can type or paste there: invalid values are ignored, never raised.

Semantics (documented in docs/analytics.md):
- dates: a claim matches when its [date_start, date_end] overlaps [start, end]; a cumulative
  total matches by its "as of" date (date_end). Claims with no date at all are kept only when no
  date bound is set (they cannot be placed in any range).
- governorates: `governorate` in the set, or any of the multi-province `governorates` in it.
  Nationwide and unlocated claims drop out once a province is chosen.
- sources, source kinds, claim types: exact membership.
- event types restrict event claims only; death tolls and statements pass through (add
  claim_types={"event"} to see events alone).
- victims restrict death tolls only, the same way (events and statements record no victims).
- alleged perpetrators restrict death tolls and events (the claims that blame someone; a null
  perpetrator, as in a store not yet re-extracted, counts as "unknown"); statements pass.
An empty set or None means "no restriction".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

from lib.claims import (
    CLAIM_TYPES,
    EVENT_TYPES,
    GOVERNORATE_CODES,
    PERPETRATORS,
    SOURCE_KINDS,
    VICTIMS,
)
from lib.series import CodedClaims

# URL query keys, in the order they are written.
QUERY_KEYS = (
    "province", "start", "end", "source", "kind", "type", "event", "victims", "perpetrator",
)  # fmt: skip
# Set-valued field -> (query key, allowed values or None for free text).
_SET_FIELDS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "governorates": ("province", GOVERNORATE_CODES),
    "sources": ("source", None),
    "source_kinds": ("kind", SOURCE_KINDS),
    "claim_types": ("type", CLAIM_TYPES),
    "event_types": ("event", EVENT_TYPES),
    "victims": ("victims", VICTIMS),
    "perpetrators": ("perpetrator", PERPETRATORS),
}


def _as_date(value: Any) -> date | None:
    """A date from a date, datetime, Timestamp or ISO string; None for anything else."""
    if isinstance(value, datetime):  # pd.Timestamp too
        return None if pd.isna(value) else value.date()
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None


def _as_set(value: Any) -> frozenset[str]:
    """A frozenset of strings from None, one string or any iterable of strings."""
    if value is None:
        return frozenset()
    if isinstance(value, str):
        return frozenset({value})
    return frozenset(str(v) for v in value)


def _query_values(params: Mapping[str, Any], key: str, split: bool) -> list[str]:
    """All non-empty values of one query key, from repeated keys and (if `split`) comma lists."""
    raw = params.get(key)
    if raw is None:
        return []
    items = [raw] if isinstance(raw, (str, bytes)) or not isinstance(raw, Iterable) else raw
    out = []
    for item in items:
        text = item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item)
        out.extend(text.split(",") if split else [text])
    return [v.strip() for v in out if v.strip()]


def _province(value: str) -> str:
    """URL-friendly province spelling ("id", "sy-id") to its ISO code."""
    code = value.upper()
    return code if code.startswith("SY-") else f"SY-{code}"


def _datetime64(value: date) -> np.datetime64:
    """Seconds resolution like the claim frame: year 1 or 9999 compares without overflow."""
    return np.datetime64(value.isoformat(), "s")


@dataclass(frozen=True)
class ClaimFilter:
    """What a user chose to see. Any iterable works for the sets (stored as frozensets)."""

    start: date | None = None
    end: date | None = None
    governorates: frozenset[str] = field(default_factory=frozenset)
    sources: frozenset[str] = field(default_factory=frozenset)
    source_kinds: frozenset[str] = field(default_factory=frozenset)
    claim_types: frozenset[str] = field(default_factory=frozenset)
    event_types: frozenset[str] = field(default_factory=frozenset)
    victims: frozenset[str] = field(default_factory=frozenset)
    perpetrators: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _as_date(self.start))
        object.__setattr__(self, "end", _as_date(self.end))
        for name in _SET_FIELDS:
            object.__setattr__(self, name, _as_set(getattr(self, name)))

    @property
    def is_empty(self) -> bool:
        """True when the filter keeps every claim."""
        return not any(getattr(self, f.name) for f in fields(self))

    def mask(self, claims: pd.DataFrame) -> pd.Series:
        """Boolean Series aligned with `claims.index`: True for the claims that match."""
        return pd.Series(self._keep(_FrameColumns(claims)), index=claims.index)

    def apply(self, claims: pd.DataFrame) -> pd.DataFrame:
        """The matching claims: same columns, dtypes and row order (index kept).

        When every claim matches, the frame itself is returned (no copy of a million rows;
        pandas copy-on-write keeps the caller's frame safe).
        """
        if self.is_empty:
            return claims
        keep = self.mask(claims).to_numpy()
        return claims if keep.all() else claims[keep]

    def view(self, coded: CodedClaims) -> CodedClaims:
        """The coded view narrowed to the matching claims: no rows copied, codes shared.

        For pages that keep one `CodedClaims` of the store: series and comparison on the view
        give the same results as on `apply`'s frame, without copying a million rows; the
        filter reads codes and date spans the store computed once.
        """
        return coded.where(self._keep(_CodedColumns(coded)))

    def _keep(self, columns: _FrameColumns | _CodedColumns) -> np.ndarray:
        """The bool mask of the matching claims (the one place the semantics live)."""
        keep = np.ones(len(columns), dtype=bool)
        if self.start is not None or self.end is not None:
            first, last = columns.span()
            keep &= ~np.isnat(first) & ~np.isnat(last)
            if self.end is not None:
                keep &= first <= _datetime64(self.end)
            if self.start is not None:
                keep &= last >= _datetime64(self.start)
        if self.governorates:
            wanted = self.governorates
            keep &= columns.isin("governorate", wanted) | columns.lists_meet(wanted)
        for name, column in (("sources", "source"), ("source_kinds", "source_kind"),
                             ("claim_types", "claim_type")):  # fmt: skip
            wanted = getattr(self, name)
            if wanted:
                keep &= columns.isin(column, wanted)
        if self.event_types:
            is_event = columns.isin("claim_type", {"event"})
            keep &= ~is_event | columns.isin("event_type", self.event_types)
        if self.victims:
            is_toll = columns.isin("claim_type", {"death_toll"})
            keep &= ~is_toll | columns.isin("victims", self.victims)
        if self.perpetrators:
            blames = columns.isin("claim_type", {"death_toll", "event"})
            named = columns.isin("perpetrator", self.perpetrators)
            if "unknown" in self.perpetrators:
                named |= ~columns.isin("perpetrator", PERPETRATORS)
            keep &= ~blames | named
        return keep

    def to_query_params(self) -> dict[str, list[str]]:
        """URL query parameters: only the keys that restrict, values sorted (dates ISO).

        e.g. {"province": ["SY-ID"], "start": ["2012-04-01"], "kind": ["activist"]}
        """
        params: dict[str, list[str]] = {}
        for name, (key, _) in _SET_FIELDS.items():
            if getattr(self, name):
                params[key] = sorted(getattr(self, name))
        if self.start is not None:
            params["start"] = [self.start.isoformat()]
        if self.end is not None:
            params["end"] = [self.end.isoformat()]
        return {key: params[key] for key in QUERY_KEYS if key in params}

    @classmethod
    def from_query_params(cls, params: Mapping[str, str | Iterable[str]]) -> ClaimFilter:
        """Parse URL query parameters (repeated keys or comma lists); never raises.

        Unknown keys and invalid values (bad dates, unknown codes/kinds/types) are ignored;
        governorate codes are case-insensitive and may omit "SY-"; start > end is swapped.
        `source` is not split at commas (source names may contain them): repeat the key.
        """
        if not isinstance(params, Mapping):
            return cls()
        values: dict[str, Any] = {}
        for name, (key, allowed) in _SET_FIELDS.items():
            found = _query_values(params, key, split=allowed is not None)
            if key == "province":
                found = [_province(v) for v in found]
            values[name] = {v for v in found if allowed is None or v in allowed}
        start, end = (
            next(filter(None, map(_as_date, _query_values(params, key, split=False))), None)
            for key in ("start", "end")
        )
        if start is not None and end is not None and start > end:
            start, end = end, start
        return cls(start=start, end=end, **values)


def _date_span(claims: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """First and last day each claim is about (NaT when unknown), as datetime64 arrays.

    A running total is about the day it was reported (date_end), not the whole period it
    covers; otherwise the span is [date_start, date_end], either filling in for the other.
    """
    start, end = claims["date_start"].to_numpy(), claims["date_end"].to_numpy()
    first = np.where(claims["cumulative"].to_numpy(dtype=bool), end, start)
    first = np.where(np.isnat(first), start, first)
    first = np.where(np.isnat(first), end, first)
    return first, np.where(np.isnat(end), start, end)


def claim_days(claims: pd.DataFrame) -> tuple[date | None, date | None]:
    """The first and last day any claim is about, by the filter's date rule (None if none)."""
    first, last = _date_span(claims)
    first, last = first[~np.isnat(first)], last[~np.isnat(last)]
    if not len(first) or not len(last):
        return None, None
    return _as_date(pd.Timestamp(first.min())), _as_date(pd.Timestamp(last.max()))


class _FrameColumns:
    """What a filter reads, straight from a claim frame."""

    def __init__(self, claims: pd.DataFrame):
        self.claims = claims

    def __len__(self) -> int:
        return len(self.claims)

    def span(self) -> tuple[np.ndarray, np.ndarray]:
        return _date_span(self.claims)

    def isin(self, column: str, wanted: Iterable[str]) -> np.ndarray:
        return _isin(self.claims[column], wanted)

    def lists_meet(self, wanted: frozenset[str]) -> np.ndarray:
        """Claims whose multi-province `governorates` list names a wanted code."""
        lists = self.claims["governorates"]
        listed = np.flatnonzero(lists.notna().to_numpy())
        meet = np.zeros(len(lists), dtype=bool)
        meet[listed] = [not wanted.isdisjoint(codes) for codes in lists.iloc[listed]]
        return meet


class _CodedColumns:
    """What a filter reads, from a coded frame: codes and spans computed once per store."""

    def __init__(self, coded: CodedClaims):
        self.coded = coded

    def __len__(self) -> int:
        return len(self.coded)

    def span(self) -> tuple[np.ndarray, np.ndarray]:
        return self.coded.shared(_coded_span)

    def isin(self, column: str, wanted: Iterable[str]) -> np.ndarray:
        return self.coded.isin(column, tuple(wanted))

    def lists_meet(self, wanted: frozenset[str]) -> np.ndarray:
        """As `_FrameColumns.lists_meet`, testing each distinct list once."""
        listed, found, distinct = self.coded.shared(_coded_lists)
        meet = np.zeros(len(self.coded), dtype=bool)
        meet[listed] = np.asarray([not wanted.isdisjoint(s) for s in distinct], dtype=bool)[found]
        return meet


def _coded_span(coded: CodedClaims) -> tuple[np.ndarray, np.ndarray]:
    return _date_span(coded.claims)


def _coded_lists(coded: CodedClaims) -> tuple[np.ndarray, np.ndarray, list[frozenset[str]]]:
    """Rows with a `governorates` list, the number of each row's distinct list, the lists."""
    lists = coded.claims["governorates"]
    listed = np.flatnonzero(lists.notna().to_numpy())
    numbers: dict[frozenset[str], int] = {}
    found = [numbers.setdefault(frozenset(codes), len(numbers)) for codes in lists.iloc[listed]]
    return listed, np.asarray(found, dtype=np.int64), list(numbers)


def _isin(column: pd.Series, wanted: Iterable[str]) -> np.ndarray:
    """Membership as a plain bool array (nulls never match)."""
    return column.isin(list(wanted)).to_numpy(dtype=bool, na_value=False, copy=True)
