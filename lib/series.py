"""Daily death series, reported cumulative totals and event counts, built so nothing is double
counted: rows are never summed across sources, levels or claims.

Every output row keeps `claim_ids` (comma-separated) so each figure leads back to the sentences
behind it. Bound rule (docs/analytics.md, with the seed example):

- per claim: low = deaths_low, else deaths for exact/about/at_least/more_than, else 0;
  high = deaths_high, else deaths for exact/about/up_to, else unbounded (null);
  point = deaths for exact/about, else null.
- per group of claims of one source, day, victims group and place (duplicates across articles,
  sub-counts with `part_of`, restatements): low = max of the lows; high = max of the highs, null
  when any claim is unbounded; best = max(max point, low). Never a sum.

Levels: "national" (nationwide), "multi_governorate" (one count over several provinces, never
split), "governorate", "town" and "unlocated" (no governorate known).

The grouping machinery (`group_rows`, `Groups`) is shared with lib.comparison: integer codes,
one stable sort and numpy reductions, because per-row Python is far too slow for a million
claims.
"""

from __future__ import annotations

from dataclasses import dataclass

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
_NONE = -1  # "no value" in int64 bound arrays (counts are never negative)


# ---------------------------------------------------------------- grouping machinery


def codes(values: pd.Series | np.ndarray) -> np.ndarray:
    """Dense int64 codes in sorted order of the values; nulls get the last code."""
    found, uniques = pd.factorize(values, sort=True)
    return np.where(found < 0, len(uniques), found).astype(np.int64)


@dataclass(frozen=True)
class Groups:
    """Rows grouped by integer keys: `order` lists row positions group by group, in key order."""

    order: np.ndarray
    starts: np.ndarray

    @property
    def first(self) -> np.ndarray:
        """Row position of each group's first row (in the order the keys were sorted)."""
        return self.order[self.starts]

    @property
    def sizes(self) -> np.ndarray:
        return np.diff(np.append(self.starts, len(self.order)))

    def max(self, values: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(values[self.order], self.starts) if len(self) else values[:0]

    def min(self, values: np.ndarray) -> np.ndarray:
        return np.minimum.reduceat(values[self.order], self.starts) if len(self) else values[:0]

    def any(self, mask: np.ndarray) -> np.ndarray:
        return self.max(mask.astype(np.int8)).astype(bool)

    def join(self, values: pd.Series, sep: str = ",") -> pd.Series:
        """Values of each group joined by `sep`, in row order within the group (C++, no loop)."""
        items = pa.chunked_array(pa.array(values, pa.large_string()).take(self.order))
        items = items.combine_chunks()
        offsets = pa.array(np.append(self.starts, len(self.order)).astype(np.int32))
        lists = pa.ListArray.from_arrays(offsets, items)
        joined = pc.binary_join(lists, pa.scalar(sep, pa.large_string()))
        return pd.Series(joined.to_numpy(zero_copy_only=False), dtype="string")

    def codes(self) -> np.ndarray:
        """Group number of each row (groups numbered in key order)."""
        numbers = np.empty(len(self.order), dtype=np.int64)
        numbers[self.order] = np.repeat(np.arange(len(self)), self.sizes)
        return numbers

    def __len__(self) -> int:
        return len(self.starts)


def group_rows(keys: list[np.ndarray]) -> Groups:
    """Group rows by several integer code arrays (see `codes`); groups come in key order."""
    n = len(keys[0]) if keys else 0
    combined = np.zeros(n, dtype=np.int64)
    for key in keys:
        size = int(key.max()) + 1 if n else 1
        if n and int(combined.max()) >= (1 << 62) // size:  # would overflow: re-densify
            combined = codes(combined)
        combined = combined * size + key
    order = np.argsort(combined, kind="stable")
    ordered = combined[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]]) if n else order[:0]
    return Groups(order=order, starts=starts)


def _ints(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype=np.int64, na_value=_NONE)


def _nullable(values: np.ndarray) -> pd.Series:
    """Int64 column from an int64 array where _NONE marks nulls."""
    return pd.Series(pd.array(values, dtype="Int64")).mask(values == _NONE)


# ---------------------------------------------------------------- per-claim views


def claim_bounds(claims: pd.DataFrame) -> pd.DataFrame:
    """Per-claim bounds for death-toll rows, index aligned with `claims`.

    Columns: low (Int64, never null), point (Int64, null unless exact/about), high (Int64,
    null = unbounded), level (string, one of LEVELS), area (string: governorate code, sorted
    comma-joined codes for multi_governorate, null for national/unlocated), place_key (the
    claim's place for town/unlocated claims, else null: what tells two towns apart).
    """
    return _bounds(claims).drop(columns="level_code")


def claim_places(claims: pd.DataFrame) -> pd.DataFrame:
    """Where each claim is, for grouping: level, area and place_key as in claim_bounds."""
    return _places(claims).drop(columns="level_code")


def _places(claims: pd.DataFrame) -> pd.DataFrame:
    level, area = _locate(claims)
    return pd.DataFrame(
        {
            "level": pd.Series(np.asarray(LEVELS, dtype=object)[level], dtype="string").values,
            "area": area,
            "place_key": claims["place"].where(pd.Series(level >= 3, index=claims.index)),
            "level_code": level,
        },
        index=claims.index,
    )


def _bounds(claims: pd.DataFrame) -> pd.DataFrame:
    """claim_bounds plus level_code (index into LEVELS, for sorting levels in that order)."""
    qualifier, deaths = claims["qualifier"], claims["deaths"]
    low = claims["deaths_low"].fillna(deaths.where(qualifier.isin(_LOW_FROM_DEATHS))).fillna(0)
    counts = pd.DataFrame(
        {
            "low": low,
            "point": deaths.where(qualifier.isin(_POINT)),
            "high": claims["deaths_high"].fillna(deaths.where(qualifier.isin(_HIGH_FROM_DEATHS))),
        },
        index=claims.index,
    )
    return pd.concat([counts, _places(claims)], axis=1)


def _locate(claims: pd.DataFrame) -> tuple[np.ndarray, pd.Series]:
    """Level code (index into LEVELS) and area key of each claim."""
    multi = claims["governorates"]
    listed = np.flatnonzero(multi.notna().to_numpy())
    joined = np.full(len(claims), None, dtype=object)
    joined[listed] = [",".join(sorted(set(v))) for v in multi.to_numpy()[listed]]
    area = claims["governorate"].fillna(pd.Series(joined, index=claims.index, dtype="string"))
    area = area.where(area != "")
    no_area = area.isna().to_numpy()
    is_multi = area.str.contains(",", regex=False).to_numpy(dtype=bool, na_value=False)
    geo = claims["geo_precision"]
    level = np.select(
        [
            no_area & (geo == "country").to_numpy(dtype=bool, na_value=False),
            no_area,
            is_multi,
            (geo == "town").to_numpy(dtype=bool, na_value=False),
        ],
        [0, 4, 1, 3],
        2,
    )
    return level, area


def area_names(area: pd.Series, level: pd.Series, place: pd.Series) -> pd.Series:
    """Display name of a place key: the town, the governorate, "Syria" or several provinces."""
    found, uniques = pd.factorize(area)
    names = [", ".join(sorted(GOVERNORATES.get(c, c) for c in key.split(","))) for key in uniques]
    shown = np.asarray([*names, None], dtype=object)[found]
    shown[(level == "national").to_numpy(dtype=bool, na_value=False)] = "Syria"
    named = pd.Series(shown, index=area.index, dtype="string")
    return place.where(level.isin(("town", "unlocated")), named).astype("string")


# The claim columns analytics reads (selecting them first keeps row filtering cheap).
_USED = ["claim_id", "claim_type", "deaths", "deaths_low", "deaths_high", "qualifier", "victims",
         "source", "source_kind", "place", "governorate", "governorates", "geo_precision",
         "date_start", "date_end", "date_precision", "published", "cumulative",
         "event_type"]  # fmt: skip


def _rows(claims: pd.DataFrame, mask: pd.Series, extra: tuple[str, ...] = ()) -> pd.DataFrame:
    """The used columns (plus `extra`) of the rows where `mask` is true."""
    return claims[[*_USED, *extra]][mask.to_numpy(dtype=bool, na_value=False)]


def _tolls(claims: pd.DataFrame, cumulative: bool) -> pd.DataFrame:
    is_toll = (claims["claim_type"] == "death_toll") & (claims["cumulative"] == cumulative)
    return _rows(claims, is_toll)


def _events(claims: pd.DataFrame) -> pd.DataFrame:
    return _rows(claims, claims["claim_type"] == "event")


def _is_day(claims: pd.DataFrame) -> np.ndarray:
    return (claims["date_precision"].isin(DAY_PRECISIONS) & claims["date_start"].notna()).to_numpy(
        dtype=bool, na_value=False
    )


def _grouped_bounds(rows: pd.DataFrame, key_columns: list[str]) -> pd.DataFrame:
    """Apply the group bound rule to `rows` (claims + claim_bounds) grouped by key columns.

    Returns the key columns (first row of each group), low, best, high, n_claims, claim_ids.
    """
    groups = group_rows([codes(rows[c]) for c in key_columns])
    low = groups.max(_ints(rows["low"]))
    point = groups.max(_ints(rows["point"]))
    high = np.where(
        groups.any(rows["high"].isna().to_numpy()), _NONE, groups.max(_ints(rows["high"]))
    )
    out = rows[[*key_columns, "level"]].iloc[groups.first].reset_index(drop=True)
    out["low"] = _nullable(low)
    out["best"] = _nullable(np.maximum(point, low))
    out["high"] = _nullable(high)
    out["n_claims"] = groups.sizes.astype(np.int64)
    out["claim_ids"] = groups.join(rows["claim_id"])
    return out


def _with_bounds(claims: pd.DataFrame) -> pd.DataFrame:
    return pd.concat([claims, _bounds(claims)], axis=1)


def _finish(out: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Add governorate and display place, select `columns` in order."""
    level = out["level"]
    out["governorate"] = out["area"].where(level.isin(("governorate", "town")))
    out["place"] = area_names(out["area"], level, out["place_key"])
    return out[columns]


# ---------------------------------------------------------------- public series


_DAILY_COLUMNS = ["date", "source", "source_kind", "victims", "level", "governorate", "area",
                  "place", "low", "best", "high", "n_claims", "claim_ids"]  # fmt: skip


def daily_deaths(claims: pd.DataFrame) -> pd.DataFrame:
    """Daily death series: one row per day x source x victims x level x place.

    Input: any valid claim frame; uses non-cumulative death tolls dated to a day
    (date_precision day/day_inferred). Coarser dates are in `undated_deaths`.
    Columns: date (datetime64[s]), source, source_kind, victims, level, governorate (code,
    null above governorate level), area (see claim_bounds), place (display name), low, best,
    high (Int64; high null = unbounded), n_claims (int64), claim_ids (comma string).
    Sorted by date, level, area, place, source, victims.
    """
    tolls = _tolls(claims, cumulative=False)
    rows = _with_bounds(tolls[_is_day(tolls)]).rename(columns={"date_start": "date"})
    keys = ["date", "level_code", "area", "place_key", "source", "victims", "source_kind"]
    return _finish(_grouped_bounds(rows, keys), _DAILY_COLUMNS)


def undated_deaths(claims: pd.DataFrame) -> pd.DataFrame:
    """Non-cumulative death tolls without a single day (range, month, year, unknown, or no date).

    Reported separately instead of being smeared over days or dropped. One row per claim.
    Columns: date_start, date_end (datetime64[s], may be null), date_precision, source,
    source_kind, victims, level, governorate, area, place, qualifier, low, best, high,
    published, claim_ids (the one claim id). Sorted by date_start, source.
    """
    tolls = _tolls(claims, cumulative=False)
    rows = _with_bounds(tolls[~_is_day(tolls)]).reset_index(drop=True)
    rows["best"] = rows["point"].fillna(rows["low"]).clip(lower=rows["low"])
    rows["claim_ids"] = rows["claim_id"]
    columns = ["date_start", "date_end", "date_precision", "source", "source_kind", "victims",
               "level", "governorate", "area", "place", "qualifier", "low", "best", "high",
               "published", "claim_ids"]  # fmt: skip
    rows = rows.sort_values(["date_start", "source"], kind="stable", na_position="last")
    return _finish(rows.reset_index(drop=True), columns)


def cumulative_totals(claims: pd.DataFrame) -> pd.DataFrame:
    """Reported running totals ("at least 9,000 since March 2011") as points over report dates.

    One row per as-of date x since date x source x victims x level x place (same bound rule).
    Columns: as_of (date_end, else published), since (date_start), source, source_kind,
    victims, level, governorate, area, place, low, best, high, n_claims, claim_ids.
    Sorted by as_of, since, level, area, source.
    """
    rows = _with_bounds(_tolls(claims, cumulative=True))
    rows["as_of"] = rows["date_end"].fillna(rows["published"])
    rows["since"] = rows["date_start"]
    keys = ["as_of", "since", "level_code", "area", "place_key", "source", "victims", "source_kind"]
    return _finish(_grouped_bounds(rows, keys), ["as_of", "since", *_DAILY_COLUMNS[1:]])


def event_counts(claims: pd.DataFrame) -> pd.DataFrame:
    """Event claims per day x event type x level x place (day-dated events only).

    n_claims counts claims (two sources reporting one shelling are two claims); n_sources
    counts distinct sources. Range-dated events are in `undated_events`.
    Columns: date, event_type, level, governorate, area, place, n_claims (int64),
    n_sources (int64), sources ("; "-separated, sorted), claim_ids.
    Sorted by date, event_type, level, area, place.
    """
    events = _events(claims)
    rows = _with_bounds(events[_is_day(events)]).rename(columns={"date_start": "date"})
    keys = [codes(rows[c]) for c in ("date", "event_type", "level_code", "area", "place_key")]
    per_source = group_rows([*keys, codes(rows["source"])])
    groups = group_rows([key[per_source.first] for key in keys])
    first_rows = rows.iloc[per_source.first]
    out = first_rows[["date", "event_type", "level", "area", "place_key"]].iloc[groups.first]
    out = out.reset_index(drop=True)
    out["n_sources"] = groups.sizes.astype(np.int64)
    out["sources"] = groups.join(first_rows["source"], sep="; ")
    claim_groups = group_rows(keys)
    out["n_claims"] = claim_groups.sizes.astype(np.int64)
    out["claim_ids"] = claim_groups.join(rows["claim_id"])
    columns = ["date", "event_type", "level", "governorate", "area", "place", "n_claims",
               "n_sources", "sources", "claim_ids"]  # fmt: skip
    return _finish(out, columns)


def undated_events(claims: pd.DataFrame) -> pd.DataFrame:
    """Event claims without a single day, one row per claim.

    Columns: date_start, date_end, date_precision, event_type, source, source_kind, level,
    governorate, area, place, published, claim_ids.
    """
    events = _events(claims)
    rows = _with_bounds(events[~_is_day(events)]).reset_index(drop=True)
    rows["claim_ids"] = rows["claim_id"]
    rows = rows.sort_values(["date_start", "source"], kind="stable", na_position="last")
    columns = ["date_start", "date_end", "date_precision", "event_type", "source", "source_kind",
               "level", "governorate", "area", "place", "published", "claim_ids"]  # fmt: skip
    return _finish(rows.reset_index(drop=True), columns)
