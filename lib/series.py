"""Daily death series, reported cumulative totals and event counts, built so nothing is double
counted: rows are never summed across sources, levels or claims.

Every output row keeps `claim_ids` (comma-separated, sorted) so each figure leads back to the
sentences behind it. Bound rule (docs/analytics.md, with the seed example):

- per claim: low = deaths_low, else deaths for exact/about/at_least/more_than, else 0;
  high = deaths_high, else deaths for exact/about/up_to, else unbounded (null);
  point = deaths for exact/about, else null.
- per group of claims of one source, day, victims group and place (duplicates across articles,
  sub-counts with `part_of`, restatements): low = max of the lows; high = max of the highs, null
  when any claim is unbounded; best = max(max point, low). Never a sum.

Levels: "national" (nationwide), "multi_governorate" (one count over several provinces, never
split), "governorate", "town" and "unlocated" (no place at all).
"""

from __future__ import annotations

import pandas as pd

LEVELS = ("national", "multi_governorate", "governorate", "town", "unlocated")
DAY_PRECISIONS = ("day", "day_inferred")


def claim_bounds(claims: pd.DataFrame) -> pd.DataFrame:
    """Per-claim bounds for death-toll rows, index aligned with `claims`.

    Columns: low (Int64), point (Int64, null unless exact/about), high (Int64, null =
    unbounded), level (string, one of LEVELS), area (string: governorate code, sorted
    comma-joined codes for multi_governorate, null for national/unlocated).
    """
    raise NotImplementedError


def daily_deaths(claims: pd.DataFrame) -> pd.DataFrame:
    """Daily death series: one row per day x source x victims x level x place.

    Input: any valid claim frame; uses non-cumulative death tolls dated to a day
    (date_precision day/day_inferred). Coarser dates are in `undated_deaths`.
    Columns: date (datetime64[s]), source, source_kind, victims, level, governorate (code,
    null above governorate level), area (see claim_bounds), place (display name), low, best,
    high (Int64; high null = unbounded), n_claims (int64), claim_ids (comma string).
    Sorted by date, level, area, place, source, victims.
    """
    raise NotImplementedError


def undated_deaths(claims: pd.DataFrame) -> pd.DataFrame:
    """Non-cumulative death tolls without a single day (range, month, year, unknown, or no date).

    Reported separately instead of being smeared over days or dropped. One row per claim.
    Columns: date_start, date_end (datetime64[s], may be null), date_precision, source,
    source_kind, victims, level, governorate, area, place, qualifier, low, best, high,
    published, claim_ids (the one claim id). Sorted by date_start, source.
    """
    raise NotImplementedError


def cumulative_totals(claims: pd.DataFrame) -> pd.DataFrame:
    """Reported running totals ("at least 9,000 since March 2011") as points over report dates.

    One row per as-of date x since date x source x victims x level x place (same bound rule).
    Columns: as_of (date_end, else published), since (date_start), source, source_kind,
    victims, level, governorate, area, place, low, best, high, n_claims, claim_ids.
    Sorted by as_of, since, level, area, source.
    """
    raise NotImplementedError


def event_counts(claims: pd.DataFrame) -> pd.DataFrame:
    """Event claims per day x event type x level x place (day-dated events only).

    n_claims counts claims (two sources reporting one shelling are two claims); n_sources
    counts distinct sources. Range-dated events are in `undated_events`.
    Columns: date, event_type, level, governorate, area, place, n_claims (int64),
    n_sources (int64), sources (comma string, sorted), claim_ids.
    Sorted by date, event_type, level, area, place.
    """
    raise NotImplementedError


def undated_events(claims: pd.DataFrame) -> pd.DataFrame:
    """Event claims without a single day, one row per claim.

    Columns: date_start, date_end, date_precision, event_type, source, source_kind, level,
    governorate, area, place, published, claim_ids.
    """
    raise NotImplementedError
