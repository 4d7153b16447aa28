"""Daily death series, reported cumulative totals and event counts, built so nothing is double
counted: rows are never summed across sources, levels or claims.

Every output row keeps `claim_ids` (comma-separated, input order) so each figure leads back to
the sentences behind it. Bound rule (docs/analytics.md, with the seed example):

- per claim: low = deaths_low, else deaths for exact/about/at_least/more_than, else 0;
  high = deaths_high, else deaths for exact/about/up_to, else unbounded (null);
  point = deaths for exact/about, else null.
- per group of claims of one source, day, victims group and place (duplicates across articles,
  sub-counts with `part_of`, restatements): low = max of the lows; high = max of the highs, null
  when any claim is unbounded; best = max(max point, low). Never a sum.

Levels: "national" (nationwide), "multi_governorate" (one count over several provinces, never
split), "governorate", "town" and "unlocated" (no governorate known).

The machinery (`CodedClaims`, `group_rows`, `Groups`, `Presorted`) is shared with
lib.comparison: each column is factorised once into integer codes, rows are grouped with one
stable sort and numpy reductions, and strings are materialised only for output rows, because
per-row Python and repeated string copies are far too slow for a million claims. A
`CodedClaims` of a whole store sorts once per grouping and builds each group's key columns
once (`CodedClaims.shared`); a filtered view (`ClaimFilter.view`) then groups by a mask over
that order, with the same results as grouping a filtered copy.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from lib.geography import GOVERNORATES

LEVELS = ("national", "multi_governorate", "governorate", "town", "unlocated")
DAY_PRECISIONS = ("day", "day_inferred")
_LOW_FROM_DEATHS = ("exact", "about", "at_least", "more_than")
_HIGH_FROM_DEATHS = ("exact", "about", "up_to")
_POINT = ("exact", "about")
T = TypeVar("T")
NO_VALUE = -1  # null in int64 count arrays (counts are never negative)
# Level codes: indexes into LEVELS, so sorting by code sorts by level.
NATIONAL, MULTI_GOVERNORATE, GOVERNORATE, TOWN, UNLOCATED = range(len(LEVELS))


# ---------------------------------------------------------------- grouping machinery


def codes(values: pd.Series | np.ndarray) -> np.ndarray:
    """Dense int64 codes in sorted order of the values; nulls get the last code."""
    return encode(values)[0]


def encode(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Codes as in `codes`, and their labels (object array; the last label, for nulls, is None)."""
    found, uniques = pd.factorize(values, sort=True)
    labels = np.asarray([*np.asarray(uniques, dtype=object), None], dtype=object)
    return np.where(found < 0, len(uniques), found).astype(np.int64), labels


def strings(labels: np.ndarray, picked: np.ndarray) -> pd.Series:
    """String Series of `labels[picked]`, built in Arrow (no Python string objects per row)."""
    null = len(labels) - 1 if len(labels) and labels[-1] is None else -1
    dictionary = pa.array(list(labels), pa.large_string())
    indices = pa.array(picked.astype(np.int64), mask=picked == null)
    decoded = pa.DictionaryArray.from_arrays(indices, dictionary).dictionary_decode()
    return pd.Series(pd.arrays.ArrowStringArray(decoded))


@dataclass(frozen=True)
class Groups:
    """Rows grouped by integer keys: `order` lists row positions group by group, in key order.

    Groups of a view of a presorted frame (`CodedClaims.grouped`) also know their number among
    the groups of the whole frame (`ids`), to read per-group tables computed once.
    """

    order: np.ndarray
    starts: np.ndarray
    ids: np.ndarray | None = None

    @property
    def first(self) -> np.ndarray:
        """Row position of each group's first row (in the order the keys were sorted)."""
        return self.order[self.starts]

    @property
    def earliest(self) -> np.ndarray:
        """Smallest row position in each group: its first row in frame order, also for the
        coarser groupings of a `Presorted`, which list rows in the finer keys' order."""
        return np.minimum.reduceat(self.order, self.starts) if len(self) else self.order[:0]

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(np.append(self.starts, len(self.order)))

    def max(self, values: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(values[self.order], self.starts) if len(self) else values[:0]

    def min(self, values: np.ndarray) -> np.ndarray:
        return np.minimum.reduceat(values[self.order], self.starts) if len(self) else values[:0]

    def any(self, mask: np.ndarray) -> np.ndarray:
        return self.max(mask.astype(np.int8)).astype(bool)

    def numbers(self) -> np.ndarray:
        """Group number (in key order) of each entry of `order`."""
        return np.repeat(np.arange(len(self)), self.sizes)

    def codes(self, size: int | None = None) -> np.ndarray:
        """Group number at each position `order` lists; `size` is the length of the result when
        `order` holds frame positions (positions not listed are left undefined)."""
        numbers = np.empty(len(self.order) if size is None else size, dtype=np.int64)
        numbers[self.order] = self.numbers()
        return numbers

    def join(self, values: pd.Series, sep: str = ",") -> pd.Series:
        """Values of each group joined by `sep`, in row order within the group."""
        return join_runs(pa.array(values, pa.large_string()).take(self.order), self.sizes, sep)

    def __len__(self) -> int:
        return len(self.starts)


def join_runs(values: pa.Array | pd.Series, sizes: np.ndarray, sep: str = ",") -> pd.Series:
    """Consecutive runs of `values` (of lengths `sizes`) joined by `sep`, in C++ (no loop)."""
    items = arrow_strings(values)
    offsets = pa.array(np.append(0, np.cumsum(sizes)).astype(np.int32))
    lists = pa.ListArray.from_arrays(offsets, items)
    joined = pc.binary_join(lists, pa.scalar(sep, pa.large_string()))
    return pd.Series(pd.arrays.ArrowStringArray(joined))


def arrow_strings(values: pa.Array | pd.Series) -> pa.Array:
    """One contiguous Arrow large_string array of `values`."""
    return pa.chunked_array(pa.array(values, pa.large_string())).combine_chunks()


def ranges(starts: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """Positions of the concatenated ranges [start, start + size), in order."""
    ends = np.cumsum(sizes)
    return np.repeat(starts - (ends - sizes), sizes) + np.arange(ends[-1] if len(ends) else 0)


def group_rows(keys: list[np.ndarray]) -> Groups:
    """Group rows by several integer code arrays (see `codes`); groups come in key order."""
    combined = _combined(keys)[-1] if keys else np.zeros(0, dtype=np.int64)
    order = np.argsort(combined, kind="stable")
    starts = np.flatnonzero(np.diff(combined[order], prepend=-1))
    return Groups(order=order, starts=starts)


def _combined(keys: list[np.ndarray], prefixes: tuple[int, ...] = ()) -> list[np.ndarray]:
    """One int64 key that sorts and groups rows as all `keys` together, after one such key per
    leading subset of the keys (`prefixes`: how many keys)."""
    n = len(keys[0])
    combined, found = np.zeros(n, dtype=np.int64), []
    for count, key in enumerate(keys, 1):
        size = int(key.max()) + 1 if n else 1
        if n and int(combined.max()) >= (1 << 62) // size:  # would overflow: re-densify
            combined = codes(combined)
        combined = combined * size + key
        found += [combined] * prefixes.count(count)
    return [*found, combined]


def run_starts(keys: list[np.ndarray]) -> np.ndarray:
    """Where a new run starts in rows already sorted by `keys` (any key differs from the row
    before): the starts `group_rows` would find, without sorting again."""
    n = len(keys[0]) if keys else 0
    change = np.zeros(n, dtype=bool)
    change[:1] = True
    for key in keys:
        change[1:] |= key[1:] != key[:-1]
    return np.flatnonzero(change)


@dataclass(frozen=True)
class Presorted:
    """Claims of a whole frame sorted once by grouping keys, for every view of it.

    A filter only narrows the selection, and what is left of a sorted sequence stays sorted: a
    view's groups then cost a mask and a comparison of neighbours instead of factorising and
    sorting a million rows again. Groups come in key order, exactly as `group_rows` on the
    selected rows would give them; rows within a group are in frame order at the finest
    grouping, in the finer keys' order at a coarser one (`Groups.earliest` finds the first).
    """

    order: np.ndarray  # frame positions of the candidate claims, in key order
    ids: tuple[np.ndarray, ...]  # per grouping: run number of each entry of `order`

    def groups(self, selected: np.ndarray) -> tuple[Groups, ...]:
        """The selected claims grouped at each grouping; `Groups.order` holds frame positions."""
        keep = selected[self.order]
        order = self.order[keep]
        groups = []
        for ids in self.ids:
            kept = ids[keep]
            starts = run_starts([kept])
            groups.append(Groups(order, starts, kept[starts] - 1))
        return tuple(groups)


def presort(rows: np.ndarray, keys: list[np.ndarray], prefixes: tuple[int, ...]) -> Presorted:
    """`rows` (frame positions) sorted by `keys` (code arrays aligned with `rows`), grouped once
    by each leading subset of the keys (`prefixes`: how many keys, coarsest grouping first)."""
    *combined, full = _combined(keys, prefixes)
    order = np.argsort(full, kind="stable")
    ids = (np.cumsum(np.diff(key[order], prepend=-1) != 0) for key in combined)
    return Presorted(rows[order], tuple(ids))


def shared_property(compute: Callable[[CodedClaims], T]) -> property:
    """A CodedClaims property computed once per frame and kept for every view of it (a store
    narrowed per render must not recompute it per view)."""
    return property(lambda coded: coded.shared(compute), doc=compute.__doc__)


class CodedClaims:
    """Integer view of a claim frame: each column factorised once, bounds and places as arrays.

    `rows` arguments are positions (np.ndarray) into the frame; `selected` marks the claims the
    view stands for (all of them unless narrowed with `where`).
    """

    def __init__(self, claims: pd.DataFrame):
        self.claims = claims
        self.selected = np.ones(len(claims), dtype=bool)
        self._encoded: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._shared: dict[Hashable, Any] = {}

    def __len__(self) -> int:
        """Rows of the whole frame (code arrays cover all of them, selected or not)."""
        return len(self.claims)

    def where(self, keep: np.ndarray) -> CodedClaims:
        """This view narrowed to the claims where `keep` (a bool array over the frame) is true.

        Shares every factorisation already done, so filtering a coded store costs one mask and
        no string copies (`ClaimFilter.view`).
        """
        view = copy.copy(self)
        view.selected = self.selected & keep
        return view

    def rows(self, mask: np.ndarray | None = None) -> np.ndarray:
        """Positions of the selected claims (where `mask` is also true)."""
        return np.flatnonzero(self.selected if mask is None else self.selected & mask)

    def shared(self, compute: Callable[[CodedClaims], T], key: Hashable = None) -> T:
        """`compute` of the whole frame (an unnarrowed view), run once per `key` (default: the
        function) and kept for every view: a dashboard's cached store pays for sorts once."""
        key = compute if key is None else key
        if key not in self._shared:
            whole = copy.copy(self)
            whole.selected = np.ones(len(self), dtype=bool)
            self._shared[key] = compute(whole)
        return self._shared[key]

    def grouped(self, build: Callable[[CodedClaims], Presorted]) -> tuple[Groups, ...]:
        """The selected claims grouped by the sort `build` makes of the whole frame."""
        return self.shared(build).groups(self.selected)

    def in_order(self, build: Callable[[CodedClaims], Presorted], column: str) -> pa.Array:
        """A text column at the selected claims in `build`'s order (as `grouped` lists them),
        from a copy sorted once: no take of a million strings per view."""
        presorted = self.shared(build)
        ordered = self.shared(
            lambda whole: arrow_strings(whole.claims[column]).take(presorted.order), (build, column)
        )
        keep = self.selected[presorted.order]
        return ordered if keep.all() else ordered.filter(keep)

    def encoded(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        if column not in self._encoded:
            self._encoded[column] = encode(self.claims[column])
        return self._encoded[column]

    def codes(self, column: str) -> np.ndarray:
        return self.encoded(column)[0]

    def strings(self, column: str, rows: np.ndarray) -> pd.Series:
        found, labels = self.encoded(column)
        return strings(labels, found[rows])

    def take(self, column: str, rows: np.ndarray) -> pd.Series:
        """Any column at `rows` (use `strings` for low-cardinality text: it is faster)."""
        values = self.shared(lambda whole: _contiguous(whole.claims[column]), ("take", column))
        return values.take(rows).reset_index(drop=True)

    def isin(self, column: str, values: tuple[str, ...]) -> np.ndarray:
        found, labels = self.encoded(column)
        return np.isin(labels, values)[found]

    def is_day(self) -> np.ndarray:
        """Dated to one day (day or day_inferred precision, with a start date)."""
        dated = self.claims["date_start"].notna().to_numpy()
        return self.isin("date_precision", DAY_PRECISIONS) & dated

    @shared_property
    def bounds(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-claim (low, point, high) int64 arrays by the bound rule (NO_VALUE: null)."""
        deaths = self.claims["deaths"].to_numpy(dtype=np.int64, na_value=NO_VALUE)
        low = self.claims["deaths_low"].to_numpy(dtype=np.int64, na_value=NO_VALUE)
        high = self.claims["deaths_high"].to_numpy(dtype=np.int64, na_value=NO_VALUE)
        low = np.where(
            low == NO_VALUE, np.where(self.isin("qualifier", _LOW_FROM_DEATHS), deaths, 0), low
        )
        low = np.where(low == NO_VALUE, 0, low)
        from_deaths = np.where(self.isin("qualifier", _HIGH_FROM_DEATHS), deaths, NO_VALUE)
        high = np.where(high == NO_VALUE, from_deaths, high)
        point = np.where(self.isin("qualifier", _POINT), deaths, NO_VALUE)
        return low, point, high

    @property
    def best(self) -> np.ndarray:
        low, point, _ = self.bounds
        return np.maximum(point, low)

    @shared_property
    def places(self) -> Places:
        """Level, area and place codes of every claim (see `Places`)."""
        gov, gov_labels = self.encoded("governorate")
        no_gov = gov == len(gov_labels) - 1
        multi = self.claims["governorates"]
        listed = np.flatnonzero(multi.notna().to_numpy() & no_gov)
        joined = _join_code_lists(multi.to_numpy()[listed])
        labels = np.unique(np.concatenate([gov_labels[:-1].astype(str), joined]))
        labels = labels[labels != ""]
        area = np.full(len(self), len(labels), dtype=np.int64)
        area[~no_gov] = np.searchsorted(labels, gov_labels[:-1].astype(str))[gov[~no_gov]]
        named = joined != ""
        area[listed[named]] = np.searchsorted(labels, joined[named])

        no_area = area == len(labels)
        geo, geo_labels = self.encoded("geo_precision")
        country, town = ((geo_labels == name)[geo] for name in ("country", "town"))
        is_multi = np.append(np.char.find(labels, ",") >= 0, False)[area]
        level = np.select(
            [no_area & country, no_area, is_multi, town],
            [NATIONAL, UNLOCATED, MULTI_GOVERNORATE, TOWN],
            GOVERNORATE,
        ).astype(np.int64)
        place, place_labels = self.encoded("place")
        place = np.where(level >= TOWN, place, len(place_labels) - 1)
        area_labels = np.asarray([*labels, None], dtype=object)
        return Places(level, area, area_labels, place, place_labels)

    @shared_property
    def _area_display(self) -> list[str]:
        return [
            ", ".join(sorted(GOVERNORATES.get(c, c) for c in key.split(",")))
            for key in self.places.area_labels[:-1]
        ]

    def area_display(self, rows: np.ndarray) -> pd.Series:
        """Display name of the area at `rows`: province name(s), or "Syria" when there is none."""
        table = np.asarray([*self._area_display, "Syria"], dtype=object)
        return strings(table, self.places.area[rows])

    def place_names(self, rows: np.ndarray) -> pd.Series:
        """Display name at `rows`: the town, the governorate, "Syria" or several provinces."""
        places, names = self.places, self._area_display
        # One label table: area names, "Syria", then place labels (ending with None).
        table = np.asarray([*names, "Syria", *places.place_labels], dtype=object)
        syria = len(names)
        level = places.level[rows]
        picked = np.where(level == NATIONAL, syria, places.area[rows])
        picked = np.where(level >= TOWN, syria + 1 + places.place[rows], picked)
        return strings(table, picked)

    def level_names(self, rows: np.ndarray) -> pd.Series:
        return strings(np.asarray([*LEVELS, None], dtype=object), self.places.level[rows])

    def area_names(self, rows: np.ndarray) -> pd.Series:
        return strings(self.places.area_labels, self.places.area[rows])


def rows_of(table: pd.DataFrame, ids: np.ndarray) -> pd.DataFrame:
    """A per-group table's rows of the groups a view kept (`Groups.ids`, increasing), as a new
    frame; no copy when the view kept every group."""
    if len(ids) == len(table):
        return table.copy(deep=False)
    return table.take(ids).reset_index(drop=True)


def _contiguous(values: pd.Series) -> pd.Series:
    """An Arrow text column in one chunk. Frames read from DuckDB or parquet come in chunks,
    and taking even a few rows of a chunked column first joins all of them (~6 ms per column
    of a million claims)."""
    if not isinstance(values.array, pd.arrays.ArrowStringArray):
        return values
    chunks = pa.chunked_array(pa.array(values))
    if chunks.num_chunks <= 1:
        return values
    joined = pd.arrays.ArrowStringArray(chunks.combine_chunks())
    return pd.Series(joined, index=values.index, name=values.name)


def _join_code_lists(lists: np.ndarray) -> np.ndarray:
    """Each list of governorate codes sorted, de-duplicated and comma-joined (in Arrow)."""
    nested = pa.array(list(lists), type=pa.list_(pa.large_string()))
    parent = nested.value_parent_indices().to_numpy()
    found, labels = encode(nested.flatten().to_numpy(zero_copy_only=False))
    order = np.lexsort((found, parent))
    parent, found = parent[order], found[order]
    keep = np.diff(parent, prepend=-1) != 0
    keep |= np.diff(found, prepend=-1) != 0
    keep &= found != len(labels) - 1
    parent, found = parent[keep], found[keep]
    offsets = np.append(0, np.cumsum(np.bincount(parent, minlength=len(lists))))
    values = pa.array(labels[found].tolist(), pa.large_string())
    lists_array = pa.ListArray.from_arrays(pa.array(offsets.astype(np.int32)), values)
    joined = pc.binary_join(lists_array, pa.scalar(",", pa.large_string()))
    return np.asarray(joined.to_pylist(), dtype=str)


@dataclass(frozen=True)
class Places:
    """Where claims are, as codes. area: the governorate code, else the sorted comma-joined
    `governorates`; place: the claim's place for town/unlocated claims (what tells two towns
    apart), else null. Label arrays end with None (the null code)."""

    level: np.ndarray  # index into LEVELS
    area: np.ndarray
    area_labels: np.ndarray
    place: np.ndarray
    place_labels: np.ndarray


Claims = pd.DataFrame | CodedClaims  # what the public functions accept


def coded_claims(claims: Claims) -> CodedClaims:
    """The coded view of a claim frame (an existing view is reused, not recomputed).

    Pass one `CodedClaims(frame)` to several functions (daily_deaths, compare...) to factorise
    the frame once; the frame must not change afterwards.
    """
    return claims if isinstance(claims, CodedClaims) else CodedClaims(claims)


def nullable(values: np.ndarray) -> pd.Series:
    """Int64 column from an int64 array where NO_VALUE marks nulls (no copy, no checks)."""
    integers = values.astype(np.int64, copy=False)
    return pd.Series(pd.arrays.IntegerArray(integers, integers == NO_VALUE))


# ---------------------------------------------------------------- per-claim views


def claim_bounds(claims: Claims) -> pd.DataFrame:
    """Per-claim bounds for death-toll rows, index aligned with the (selected) claims.

    Columns: low (Int64, never null), point (Int64, null unless exact/about), high (Int64,
    null = unbounded), and the claim_places columns.
    """
    coded = coded_claims(claims)
    rows = coded.rows()
    low, point, high = (values[rows] for values in coded.bounds)
    counts = pd.DataFrame({"low": nullable(low), "point": nullable(point), "high": nullable(high)})
    places = claim_places(coded).reset_index(drop=True)
    return pd.concat([counts, places], axis=1).set_axis(coded.claims.index[rows])


def claim_places(claims: Claims) -> pd.DataFrame:
    """Where each claim is, for grouping; index aligned with the (selected) claims.

    Columns: level (one of LEVELS), area (governorate code, sorted comma-joined codes for
    multi_governorate, null for national/unlocated), place_key (the claim's place for
    town/unlocated claims, else null: what tells two towns apart), place (display name).
    """
    coded = coded_claims(claims)
    rows = coded.rows()
    places = coded.places
    return pd.DataFrame(
        {
            "level": coded.level_names(rows),
            "area": coded.area_names(rows),
            "place_key": strings(places.place_labels, places.place[rows]),
            "place": coded.place_names(rows),
        }
    ).set_axis(coded.claims.index[rows])


# ---------------------------------------------------------------- public series


_DAILY_COLUMNS = ["date", "source", "source_kind", "victims", "level", "governorate", "area",
                  "place", "low", "best", "high", "n_claims", "claim_ids"]  # fmt: skip


def _tolls(coded: CodedClaims, cumulative: bool) -> np.ndarray:
    is_cumulative = coded.claims["cumulative"].to_numpy(dtype=bool)
    return coded.isin("claim_type", ("death_toll",)) & (is_cumulative == cumulative)


_BOUND_TEXTS = ["source", "victims", "source_kind"]  # grouping keys after the place


def _daily_dates(claims: pd.DataFrame) -> dict[str, pd.Series]:
    return {"date": claims["date_start"]}


def _total_dates(claims: pd.DataFrame) -> dict[str, pd.Series]:
    return {"as_of": claims["date_end"].fillna(claims["published"]), "since": claims["date_start"]}


def _bound_groups(
    coded: CodedClaims, mask: np.ndarray, dates: Callable[[pd.DataFrame], dict[str, pd.Series]]
) -> Presorted:
    """Claims where `mask` sorted by dates, level, area, place and `_BOUND_TEXTS`."""
    rows = coded.rows(mask)
    places = coded.places
    keys = [codes(d.to_numpy()[rows]) for d in dates(coded.claims).values()]
    keys += [places.level[rows], places.area[rows], places.place[rows]]
    keys += [
        coded.shared(_victims_groups)[rows] if c == "victims" else coded.codes(c)[rows]
        for c in _BOUND_TEXTS
    ]
    return presort(rows, keys, (len(keys),))


def _victims_groups(whole: CodedClaims) -> np.ndarray:
    """Victims codes for grouping, a sub-count taking its parent's: "40 killed, including six
    children" is one toll at its place (the parent's bounds, both claim ids), not two points.
    A sub-count with a place of its own ("including 12 in Daraa") still forms its own row."""
    groups = whole.codes("victims").copy()
    parents = whole.claims["part_of"]
    is_sub = parents.notna().to_numpy()
    if is_sub.any():
        position = pd.Series(np.arange(len(whole)), index=whole.claims["claim_id"].to_numpy())
        position = position[~position.index.duplicated()]
        found = position.reindex(parents[is_sub].to_numpy()).to_numpy()
        known = ~np.isnan(found)
        groups[np.flatnonzero(is_sub)[known]] = groups[found[known].astype(np.int64)]
    return groups


def _daily_groups(coded: CodedClaims) -> Presorted:
    """Non-cumulative tolls dated to a day, by day, place and source (see `daily_deaths`)."""
    return _bound_groups(coded, _tolls(coded, cumulative=False) & coded.is_day(), _daily_dates)


def _total_groups(coded: CodedClaims) -> Presorted:
    """Running totals by as-of and since dates, place and source (see `cumulative_totals`)."""
    return _bound_groups(coded, _tolls(coded, cumulative=True), _total_dates)


def _grouped_bounds(
    coded: CodedClaims,
    build: Callable[[CodedClaims], Presorted],
    dates: Callable[[pd.DataFrame], dict[str, pd.Series]],
) -> pd.DataFrame:
    """The group bound rule over the groups of `build` (see `_bound_groups`).

    Returns the date columns, source, victims, source_kind, level, governorate, area, place,
    low, best, high, n_claims, claim_ids.
    """
    (groups,) = coded.grouped(build)
    keys = coded.shared(lambda whole: _bound_key_columns(whole, build, dates), (build, dates))
    out = rows_of(keys, groups.ids)
    low, point, high = coded.bounds
    group_low = groups.max(low)
    out["low"] = nullable(group_low)
    out["best"] = nullable(np.maximum(groups.max(point), group_low))
    out["high"] = nullable(np.where(groups.any(high == NO_VALUE), NO_VALUE, groups.max(high)))
    out["n_claims"] = groups.sizes.astype(np.int64)
    out["claim_ids"] = join_runs(coded.in_order(build, "claim_id"), groups.sizes)
    return out


def _bound_key_columns(
    whole: CodedClaims,
    build: Callable[[CodedClaims], Presorted],
    dates: Callable[[pd.DataFrame], dict[str, pd.Series]],
) -> pd.DataFrame:
    """Dates, texts and place columns of every group of `build` in the whole frame: they are
    the group's keys, the same for every claim of it, so a view only picks its groups' rows."""
    (groups,) = whole.grouped(build)
    first = groups.first
    out = pd.DataFrame(
        {name: d.take(first).reset_index(drop=True) for name, d in dates(whole.claims).items()}
    )
    _add_text_and_place_columns(out, whole, first, _BOUND_TEXTS)
    return out


def daily_deaths(claims: Claims) -> pd.DataFrame:
    """Daily death series: one row per day x source x victims x level x place.

    Input: any valid claim frame; uses non-cumulative death tolls dated to a day
    (date_precision day/day_inferred). Coarser dates are in `undated_deaths`.
    Columns: date (datetime64[s]), source, source_kind, victims, level, governorate (code,
    null above governorate level), area (see claim_places), place (display name), low, best,
    high (Int64; high null = unbounded), n_claims (int64), claim_ids (comma string).
    Sorted by date, level, area, place, source, victims.
    """
    out = _grouped_bounds(coded_claims(claims), _daily_groups, _daily_dates)
    return out[_DAILY_COLUMNS]


def undated_deaths(claims: Claims) -> pd.DataFrame:
    """Non-cumulative death tolls without a single day (range, month, year, unknown, or no date).

    Reported separately instead of being smeared over days or dropped. One row per claim.
    Columns: date_start, date_end (datetime64[s], may be null), date_precision, source,
    source_kind, victims, level, governorate, area, place, qualifier, low, best, high,
    published, claim_ids (the one claim id). Sorted by date_start, source.
    """
    coded = coded_claims(claims)
    rows = coded.rows(_tolls(coded, cumulative=False) & ~coded.is_day())
    low, _, high = coded.bounds
    out = _claim_rows(coded, rows, ["date_precision", "source", "source_kind", "victims"])
    out["qualifier"] = coded.strings("qualifier", rows)
    out["low"], out["best"], out["high"] = (nullable(v[rows]) for v in (low, coded.best, high))
    return _by_date(out)[
        ["date_start", "date_end", "date_precision", "source", "source_kind", "victims",
         "level", "governorate", "area", "place", "qualifier", "low", "best", "high",
         "published", "claim_ids"]
    ]  # fmt: skip


def _add_text_and_place_columns(
    out: pd.DataFrame, coded: CodedClaims, rows: np.ndarray, texts: list[str]
) -> None:
    """Text columns and the place hierarchy (level, area, governorate, place) of `rows`."""
    for column in texts:
        out[column] = coded.strings(column, rows)
    out["level"] = coded.level_names(rows)
    out["area"] = coded.area_names(rows)
    out["governorate"] = out["area"].where(out["level"].isin(("governorate", "town")))
    out["place"] = coded.place_names(rows)


def _claim_rows(coded: CodedClaims, rows: np.ndarray, texts: list[str]) -> pd.DataFrame:
    """One output row per claim: dates, texts, place columns, published, claim_ids."""
    out = pd.DataFrame({c: coded.take(c, rows) for c in ("date_start", "date_end")})
    _add_text_and_place_columns(out, coded, rows, texts)
    out["published"] = coded.take("published", rows)
    out["claim_ids"] = coded.take("claim_id", rows)
    return out


def _by_date(out: pd.DataFrame) -> pd.DataFrame:
    ordered = out.sort_values(["date_start", "source"], kind="stable", na_position="last")
    return ordered.reset_index(drop=True)


def cumulative_totals(claims: Claims) -> pd.DataFrame:
    """Reported running totals ("at least 9,000 since March 2011") as points over report dates.

    One row per as-of date x since date x source x victims x level x place (same bound rule).
    Columns: as_of (date_end, else published), since (date_start), source, source_kind,
    victims, level, governorate, area, place, low, best, high, n_claims, claim_ids.
    Sorted by as_of, since, level, area, place, source, victims.
    """
    out = _grouped_bounds(coded_claims(claims), _total_groups, _total_dates)
    return out[["as_of", "since", *_DAILY_COLUMNS[1:]]]


def event_counts(claims: Claims) -> pd.DataFrame:
    """Event claims per day x event type x level x place (day-dated events only).

    n_claims counts claims (two sources reporting one shelling are two claims); n_sources
    counts distinct sources. Range-dated events are in `undated_events`.
    Columns: date, event_type, level, governorate, area, place, n_claims (int64),
    n_sources (int64), sources ("; "-separated, sorted), claim_ids.
    Sorted by date, event_type, level, area, place.
    """
    coded = coded_claims(claims)
    rows = coded.rows(coded.isin("claim_type", ("event",)) & coded.is_day())
    places = coded.places
    keys = [codes(coded.claims["date_start"].to_numpy()[rows]), coded.codes("event_type")[rows],
            places.level[rows], places.area[rows], places.place[rows]]  # fmt: skip
    per_source = group_rows([*keys, coded.codes("source")[rows]])
    groups = group_rows([key[per_source.first] for key in keys])
    claim_groups = group_rows(keys)
    first = rows[claim_groups.first]
    out = pd.DataFrame({"date": coded.take("date_start", first)})
    out["event_type"] = coded.strings("event_type", first)
    out["level"] = coded.level_names(first)
    out["area"] = coded.area_names(first)
    out["governorate"] = out["area"].where(out["level"].isin(("governorate", "town")))
    out["place"] = coded.place_names(first)
    out["n_claims"] = claim_groups.sizes.astype(np.int64)
    out["n_sources"] = groups.sizes.astype(np.int64)
    out["sources"] = groups.join(coded.strings("source", rows[per_source.first]), sep="; ")
    ids = coded.take("claim_id", rows[claim_groups.order])
    out["claim_ids"] = join_runs(ids, claim_groups.sizes)
    return out


def undated_events(claims: Claims) -> pd.DataFrame:
    """Event claims without a single day, one row per claim.

    Columns: date_start, date_end, date_precision, event_type, source, source_kind, level,
    governorate, area, place, published, claim_ids.
    """
    coded = coded_claims(claims)
    rows = coded.rows(coded.isin("claim_type", ("event",)) & ~coded.is_day())
    out = _claim_rows(coded, rows, ["date_precision", "event_type", "source", "source_kind"])
    return _by_date(out)[
        ["date_start", "date_end", "date_precision", "event_type", "source", "source_kind",
         "level", "governorate", "area", "place", "published", "claim_ids"]
    ]  # fmt: skip


PERIODS = {"day": None, "week": "W-SUN", "month": "M"}


def by_period(daily: pd.DataFrame, period: str) -> pd.DataFrame:
    """`daily_deaths` rows summed per week or month (weeks Monday-Sunday), for a readable
    timeline over years. Within one source, place and victims group, days add up (different
    days are different deaths); sources, levels and places are never added. `date` becomes
    the period's first day; a sum with an unbounded day is unbounded. "day": unchanged."""
    if PERIODS.get(period) is None or daily.empty:
        return daily
    start = daily["date"].dt.to_period(PERIODS[period]).dt.start_time.astype(daily["date"].dtype)
    keys = ["source", "source_kind", "victims", "level", "governorate", "area", "place"]
    frame = daily.assign(date=start, unbounded=daily["high"].isna())
    grouped = frame.groupby(["date", *keys], dropna=False, sort=True)
    out = grouped.agg(
        low=("low", "sum"),
        best=("best", "sum"),
        high=("high", "sum"),
        unbounded=("unbounded", "any"),
        n_claims=("n_claims", "sum"),
        claim_ids=("claim_ids", ",".join),
    ).reset_index()
    out["high"] = out["high"].astype("Int64").mask(out["unbounded"])
    for column in ("low", "best"):
        out[column] = out[column].astype("Int64")
    return out[daily.columns]
