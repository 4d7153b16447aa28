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
An empty set or None means "no restriction".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

import pandas as pd

# URL query keys, in the order they are written.
QUERY_KEYS = ("province", "start", "end", "source", "kind", "type", "event")


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

    @property
    def is_empty(self) -> bool:
        """True when the filter keeps every claim."""
        raise NotImplementedError

    def mask(self, claims: pd.DataFrame) -> pd.Series:
        """Boolean Series aligned with `claims.index`: True for the claims that match."""
        raise NotImplementedError

    def apply(self, claims: pd.DataFrame) -> pd.DataFrame:
        """The matching claims: same columns, dtypes and row order (index kept)."""
        raise NotImplementedError

    def to_query_params(self) -> dict[str, list[str]]:
        """URL query parameters: only the keys that restrict, values sorted (dates ISO).

        e.g. {"province": ["SY-ID"], "start": ["2012-04-01"], "kind": ["activist"]}
        """
        raise NotImplementedError

    @classmethod
    def from_query_params(cls, params: Mapping[str, str | Iterable[str]]) -> ClaimFilter:
        """Parse URL query parameters (repeated keys or comma lists); never raises.

        Unknown keys and invalid values (bad dates, unknown codes/kinds/types) are ignored;
        governorate codes are case-insensitive and may omit "SY-"; start > end is swapped.
        `source` is not split at commas (source names may contain them): repeat the key.
        """
        raise NotImplementedError
