"""Periods for the map over time: the weeks or months a filtered claim set spans.

A period narrows claims with the same overlap rule as the date filter (`ClaimFilter`), so a
claim about 1-10 April appears in the first two weeks of April, and a running total in the
week it is "as of". Labels are ISO-like and go in the URL (`period=2012-04`, `2012-W14`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd

from lib.filters import ClaimFilter, claim_days

UNITS = ("week", "month")


@dataclass(frozen=True)
class Period:
    """One week (Monday to Sunday) or calendar month."""

    label: str
    start: date
    end: date

    def apply(self, claims: pd.DataFrame) -> pd.DataFrame:
        """The claims about a day in this period (an undated claim is in no period)."""
        return ClaimFilter(start=self.start, end=self.end).apply(claims)

    @property
    def title(self) -> str:
        """The period in words: "April 2012", "week of 2 Apr 2012"."""
        if self.label[4:6] == "-W":
            return f"week of {self.start.day} {self.start:%b %Y}"
        return f"{self.start:%B %Y}"


def _week(day: date) -> Period:
    monday = day - timedelta(days=day.weekday())
    year, week, _ = monday.isocalendar()
    return Period(f"{year}-W{week:02d}", monday, monday + timedelta(days=6))


def _month(day: date) -> Period:
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return Period(f"{first:%Y-%m}", first, following - timedelta(days=1))


def periods(claims: pd.DataFrame, unit: str) -> list[Period]:
    """Every week or month from the first to the last day the claims are about, in order.

    Empty periods inside the span are kept, so a slider moves at an even pace through time.
    """
    if unit not in UNITS:
        raise ValueError(f"period unit must be one of {UNITS}, not {unit!r}")
    first, last = claim_days(claims)
    if first is None or last is None:
        return []
    step = _week if unit == "week" else _month
    out = [step(first)]
    while out[-1].end < last:
        out.append(step(out[-1].end + timedelta(days=1)))
    return out


def find_period(found: list[Period], label: object) -> Period | None:
    """The period with this URL label, or None (an unknown or stale label is ignored)."""
    return next((p for p in found if p.label == label), None)
