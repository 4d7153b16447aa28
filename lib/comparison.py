"""Who says what: claims grouped into questions, each source's answer side by side.

A question is one metric for one period and one place. Death tolls: victims group x day (or
range) x place, where a town joins its governorate's question (Taftanaz and Idlib on one day
are one question at governorate level; the town is shown). Running totals: "Total killed since
<month> (as of <date>)". Topics: statements share a question per topic; events that answer a
topic (a town's control) per topic and day.

Disagreement: `ratio` = max/min of the sources' best values (numbers; 1.0 = agree, inf when
one says 0 and another more); `contradiction` = the sources' ranges cannot all be true (a
source's lower bound above another's upper bound, a town's lower bound counting toward its
governorate), or, for topics, at least two sources with different positions. Semantic
contradiction of free-text positions is not judged automatically: the table shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Comparison:
    """Questions and the answers behind them (join on question_id)."""

    questions: pd.DataFrame
    """One row per question, most disputed first. Columns: question_id (stable key string),
    question (title, e.g. "Deaths 2012-04-04, Idlib"), kind ("deaths" | "total" | "topic"),
    period_start, period_end (datetime64[s]), level, area, n_sources (int64), sources (comma
    string), low, high (Int64: lowest and highest answer; null for topics), ratio (float64,
    NaN for topics), contradiction (bool), claim_ids (comma string)."""

    answers: pd.DataFrame
    """One row per question x source x place for numbers, per claim for topics; in question
    order, then by value descending. Columns: question_id, question, kind, source,
    source_kind, place, level, qualifier, value (Int64, the best value), low, high (Int64),
    display (e.g. "≥ 20", "> 11,000", "6"), position, event_type, sentence, article_id,
    published, claim_ids (comma string)."""


def compare(claims: pd.DataFrame) -> Comparison:
    """Group any valid claim frame into questions and answers (see module docstring)."""
    raise NotImplementedError


def format_count(
    qualifier: str | None, value: int | None, low: int | None, high: int | None
) -> str:
    """How a count reads in the table: "6", "≥ 20", "> 11,000", "about 50", "≤ 20", "24–99"."""
    raise NotImplementedError
