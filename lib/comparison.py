"""Who says what: claims grouped into questions, each source's answer side by side.

A question is one metric for one period and one place. Death tolls: victims group x day (or
range) x place, where a town joins its governorate's question (Taftanaz and Idlib on one day
are one question at governorate level; the town is shown). Running totals: "Total killed since
<month> (as of <date>)". Topics: statements share a question per topic; events that answer a
topic (a town's control) per topic and period. Tolls with no date or no place cannot be lined
up with anything and stay out (series.undated_deaths lists the undated ones).

Disagreement: `ratio` = max/min of the sources' best values (numbers; 1.0 = agree, inf when
one says 0 and another more); `contradiction` = the sources' ranges cannot all be true (a
source's lower bound above another's upper bound, a town's lower bound counting toward its
governorate), or, for topics, at least two sources with different positions. Semantic
contradiction of free-text positions is not judged automatically: the table shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.series import _NONE, Groups, area_names, claim_bounds, codes, group_rows

_KINDS = ("deaths", "total", "topic")
# victims -> (daily metric, running-total metric); unknown/null victims count as "all".
_METRICS = {
    "all": ("Deaths", "Total killed"),
    "civilians": ("Civilian deaths", "Civilians killed"),
    "security_forces": ("Security-force deaths", "Security forces killed"),
    "rebels": ("Rebel deaths", "Rebels killed"),
}
_SYMBOLS = {"at_least": "≥ ", "more_than": "> ", "about": "about ", "up_to": "≤ "}
_ANSWER_COLUMNS = ["question_id", "question", "kind", "source", "source_kind", "place", "level",
                   "qualifier", "value", "low", "high", "display", "position", "event_type",
                   "sentence", "article_id", "published", "claim_ids"]  # fmt: skip
_QUESTION_COLUMNS = ["question_id", "question", "kind", "period_start", "period_end", "level",
                     "area", "n_sources", "sources", "low", "high", "ratio", "contradiction",
                     "claim_ids"]  # fmt: skip
_CLAIM_COLUMNS = ["claim_id", "article_id", "claim_type", "deaths", "deaths_low", "deaths_high",
                  "qualifier", "victims", "source", "source_kind", "place", "governorate",
                  "governorates", "geo_precision", "date_start", "date_end", "date_precision",
                  "published", "cumulative", "event_type", "topic", "position",
                  "sentence"]  # fmt: skip


@dataclass(frozen=True)
class Comparison:
    """Questions and the answers behind them (join on question_id)."""

    questions: pd.DataFrame
    """One row per question, most disputed first. Columns: question_id (stable key string),
    question (title, e.g. "Deaths 2012-04-04, Idlib"), kind ("deaths" | "total" | "topic"),
    period_start, period_end (datetime64[s]), level, area (null for topics), n_sources (int64),
    sources ("; "-separated), low, high (Int64: lowest and highest answer; null for topics),
    ratio (float64, NaN for topics), contradiction (bool), claim_ids (comma string)."""

    answers: pd.DataFrame
    """One row per question x source x place for numbers, per claim for topics; in question
    order, then by value descending. Columns: question_id, question, kind, source,
    source_kind, place, level, qualifier, value (Int64, the best value), low, high (Int64),
    display (e.g. "≥ 20", "> 11,000", "6"), position, event_type, sentence, article_id,
    published, claim_ids (comma string)."""


def compare(claims: pd.DataFrame) -> Comparison:
    """Group any valid claim frame into questions and answers (see module docstring)."""
    claims = claims[_CLAIM_COLUMNS]
    number_answers = _number_answers(claims)
    topic_answers = _topic_answers(claims)
    questions = pd.concat(
        [_number_questions(number_answers), _topic_questions(topic_answers)], ignore_index=True
    )
    questions = questions.sort_values(
        ["contradiction", "ratio", "n_sources", "question"],
        ascending=[False, False, False, True],
        na_position="last",
        kind="stable",
    ).reset_index(drop=True)
    rank = pd.Series(np.arange(len(questions)), index=questions["question_id"].to_numpy())
    answers = pd.concat([number_answers, topic_answers], ignore_index=True)
    answers["rank"] = answers["question_id"].map(rank).to_numpy()
    answers = answers.sort_values(
        ["rank", "value", "source"], ascending=[True, False, True], kind="stable"
    )
    return Comparison(
        questions=questions[_QUESTION_COLUMNS],
        answers=answers[_ANSWER_COLUMNS].reset_index(drop=True),
    )


def format_count(
    qualifier: str | None, value: int | None, low: int | None, high: int | None
) -> str:
    """How a count reads in the table: "6", "≥ 20", "> 11,000", "about 50", "≤ 20", "24–99"."""
    if qualifier == "vague" or value is None or pd.isna(value):
        if low is not None and not pd.isna(low) and high is not None and not pd.isna(high):
            return f"{int(low):,}–{int(high):,}"
        shown = low if low is not None and not pd.isna(low) else high
        return "" if shown is None or pd.isna(shown) else f"≥ {int(shown):,}"
    return f"{_SYMBOLS.get(qualifier or '', '')}{int(value):,}"


# ---------------------------------------------------------------- numbers


def _number_answers(claims: pd.DataFrame) -> pd.DataFrame:
    """One answer per question x source x place: the max rule of lib.series, never a sum."""
    tolls = claims[(claims["claim_type"] == "death_toll").to_numpy(dtype=bool, na_value=False)]
    rows = pd.concat([tolls, claim_bounds(tolls)], axis=1)
    cumulative = rows["cumulative"].to_numpy(dtype=bool)
    end = rows["date_end"].fillna(rows["date_start"])
    rows["period_end"] = end.mask(cumulative, rows["date_end"].fillna(rows["published"]))
    rows["period_start"] = rows["date_start"]
    keep = (rows["level"] != "unlocated") & (rows["period_start"].notna() | cumulative)
    rows = rows[keep.to_numpy(dtype=bool, na_value=False)].copy()
    cumulative = rows["cumulative"].to_numpy(dtype=bool)
    rows["kind"] = pd.Series(
        np.where(cumulative, "total", "deaths"), index=rows.index, dtype="string"
    )
    victims = rows["victims"].where(rows["victims"].isin(list(_METRICS)), "all")
    rows["metric"] = victims.fillna("all")
    rows["question_level"] = rows["level"].replace("town", "governorate")
    rows["best"] = rows["point"].fillna(rows["low"]).clip(lower=rows["low"])

    question_keys = ["kind", "metric", "period_start", "period_end", "question_level", "area"]
    best = rows["best"].to_numpy(dtype=np.int64)
    groups = group_rows(
        [codes(rows[c]) for c in [*question_keys, "source", "level", "place_key"]] + [codes(-best)]
    )
    first = rows.iloc[groups.first].reset_index(drop=True)
    answers = first[[*question_keys, "source", "source_kind", "level", "qualifier", "position",
                     "event_type", "sentence", "article_id", "published"]].copy()  # fmt: skip
    answers["place"] = area_names(first["area"], first["level"], first["place_key"])
    answers["value"] = pd.array(groups.max(best), dtype="Int64")
    answers["low"] = pd.array(groups.max(rows["low"].to_numpy(dtype=np.int64)), dtype="Int64")
    high = rows["high"].to_numpy(dtype=np.int64, na_value=_NONE)
    unbounded = groups.any(high == _NONE)
    answers["high"] = pd.Series(pd.array(groups.max(high), dtype="Int64")).mask(unbounded)
    answers["display"] = _displays(first)
    answers["claim_ids"] = groups.join(rows["claim_id"])
    answers["question_id"] = _join_keys(answers, question_keys)
    answers["question"] = _number_titles(answers)
    return answers


def _displays(representative: pd.DataFrame) -> pd.Series:
    """format_count of each answer's representative claim, formatting each distinct value once."""
    columns = ["qualifier", "deaths", "deaths_low", "deaths_high"]
    groups = group_rows([codes(representative[c]) for c in columns])
    firsts = representative[columns].iloc[groups.first].astype(object)
    texts = [
        format_count(*(None if pd.isna(v) else v for v in row))
        for row in firsts.itertuples(index=False)
    ]
    shown = np.empty(len(representative), dtype=object)
    shown[groups.order] = np.repeat(np.asarray(texts, dtype=object), groups.sizes)
    return pd.Series(shown, dtype="string")


def _number_questions(answers: pd.DataFrame) -> pd.DataFrame:
    """Per question: sources, lowest/highest answer, ratio and contradiction."""
    q = codes(answers["question_id"])
    per_source = group_rows([q, codes(answers["source"])])
    own_level = (answers["level"] == answers["question_level"]).to_numpy(dtype=bool)
    high = answers["high"].to_numpy(dtype=np.int64, na_value=_NONE)
    # Only a same-level answer bounds the question from above (a town's count does not cap
    # its governorate); a source with none, or an unbounded one, is unbounded.
    open_high = np.where(own_level, np.where(high == _NONE, np.iinfo(np.int64).max, high), _NONE)
    source_high = per_source.max(open_high)
    source_high = np.where(source_high == _NONE, np.iinfo(np.int64).max, source_high)
    source_low = per_source.max(answers["low"].to_numpy(dtype=np.int64))
    source_best = per_source.max(answers["value"].to_numpy(dtype=np.int64))
    source_q = q[per_source.first]

    by_question = group_rows([source_q])
    low, top = by_question.min(source_best), by_question.max(source_best)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(top == low, 1.0, top / low.astype(np.float64))
    first = answers.iloc[per_source.first[by_question.first]].reset_index(drop=True)
    out = first[["question_id", "question", "kind", "period_start", "period_end"]].copy()
    out["level"] = first["question_level"]
    out["area"] = first["area"]
    out["n_sources"] = by_question.sizes.astype(np.int64)
    out["sources"] = by_question.join(answers["source"].iloc[per_source.first], sep="; ")
    out["low"] = pd.array(low, dtype="Int64")
    out["high"] = pd.array(top, dtype="Int64")
    out["ratio"] = ratio
    out["contradiction"] = _contradictions(source_q, source_low, source_high)
    out["claim_ids"] = group_rows([q]).join(answers["claim_ids"])
    return out


def _contradictions(question: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Per question: does one source's lower bound exceed another source's upper bound?

    Rows are (question, source) pairs. Compare the two largest lower bounds with the two
    smallest upper bounds so a source is never compared with itself.
    """
    big = np.iinfo(np.int64).max
    by_low = np.lexsort((-low, question))
    by_high = np.lexsort((high, question))
    starts = np.flatnonzero(np.r_[True, question[by_low][1:] != question[by_low][:-1]])
    sizes = np.diff(np.append(starts, len(question)))
    second = np.minimum(starts + 1, len(question) - 1)
    has_two = sizes > 1
    low1, high1 = low[by_low[starts]], high[by_high[starts]]
    low2 = np.where(has_two, low[by_low[second]], -1)
    high2 = np.where(has_two, high[by_high[second]], big)
    same = by_low[starts] == by_high[starts]
    return np.where(same, (low1 > high2) | (low2 > high1), low1 > high1)


def _number_titles(answers: pd.DataFrame) -> pd.Series:
    """ "Deaths 2012-04-04, Idlib", "Total killed since March 2011 (as of 2012-04-04)"."""
    daily = answers["metric"].map({k: v[0] for k, v in _METRICS.items()}).astype("string")
    total = answers["metric"].map({k: v[1] for k, v in _METRICS.items()}).astype("string")
    start, end = _date_text(answers["period_start"]), _date_text(answers["period_end"])
    period = start.where(start == end, start + " to " + end)
    place = area_names(answers["area"], answers["question_level"], answers["place"])
    since = _month_text(answers["period_start"])
    total_title = total + (" since " + since).fillna("") + " (as of " + end + ")"
    total_title = total_title + (", " + place).where(answers["question_level"] != "national", "")
    deaths_title = daily + " " + period + ", " + place
    return deaths_title.where(answers["kind"] == "deaths", total_title)


# ---------------------------------------------------------------- topics


def _topic_answers(claims: pd.DataFrame) -> pd.DataFrame:
    """One answer per statement or event that takes a position on a topic."""
    has_topic = claims["topic"].notna() & claims["claim_type"].isin(["statement", "event"])
    rows = claims[has_topic.to_numpy(dtype=bool, na_value=False)].reset_index(drop=True)
    is_event = (rows["claim_type"] == "event").to_numpy(dtype=bool)
    topic = rows["topic"].str.strip()
    rows["topic_key"] = topic.str.lower()
    rows["kind"] = pd.Series(["topic"] * len(rows), dtype="string")
    rows["period_start"] = rows["date_start"].where(is_event)
    rows["period_end"] = rows["date_end"].fillna(rows["date_start"]).where(is_event)
    bounds = claim_bounds(rows)
    rows["level"], rows["area"] = bounds["level"], bounds["area"]
    rows["place"] = area_names(bounds["area"], bounds["level"], bounds["place_key"])
    rows["position"] = rows["position"].fillna(rows["event_type"])
    rows["display"] = rows["position"]
    rows["value"] = rows["low"] = rows["high"] = pd.array([None] * len(rows), dtype="Int64")
    rows["claim_ids"] = rows["claim_id"]
    rows["question_id"] = _join_keys(rows, ["kind", "topic_key", "period_start", "period_end"])
    title = topic.str.slice(0, 1).str.upper() + topic.str.slice(1)
    start, end = _date_text(rows["period_start"]), _date_text(rows["period_end"])
    period = start.where(start == end, start + " to " + end)
    rows["question"] = (title + " (" + period + ")").fillna(title)
    return rows


def _topic_questions(answers: pd.DataFrame) -> pd.DataFrame:
    """Per topic: sources, periods and whether sources take different positions."""
    q = codes(answers["question_id"])
    groups = group_rows([q])
    per_source = group_rows([q, codes(answers["source"])])
    per_position = group_rows([q, codes(answers["position"].str.lower())])
    n_sources = np.bincount(q[per_source.first], minlength=len(groups))
    n_positions = np.bincount(q[per_position.first], minlength=len(groups))
    first = answers.iloc[groups.first].reset_index(drop=True)
    dates = answers["date_start"].fillna(answers["published"])
    out = first[["question_id", "question", "kind"]].copy()
    out["level"] = out["area"] = pd.Series([None] * len(out), dtype="string")
    out["period_start"] = _group_dates(groups, dates, np.minimum)
    out["period_end"] = _group_dates(groups, answers["date_end"].fillna(dates), np.maximum)
    out["n_sources"] = n_sources.astype(np.int64)
    sources = answers["source"].iloc[per_source.first]
    out["sources"] = group_rows([q[per_source.first]]).join(sources, sep="; ")
    out["low"] = out["high"] = pd.array([None] * len(out), dtype="Int64")
    out["ratio"] = np.nan
    out["contradiction"] = (n_sources > 1) & (n_positions > 1)
    out["claim_ids"] = groups.join(answers["claim_id"])
    return out


# ---------------------------------------------------------------- small vectorised helpers


def _group_dates(groups: Groups, dates: pd.Series, reduce: np.ufunc) -> pd.Series:
    values = dates.to_numpy(dtype="datetime64[s]")
    found = reduce.reduceat(values[groups.order], groups.starts) if len(groups) else values[:0]
    return pd.Series(found, dtype="datetime64[s]")


def _date_text(dates: pd.Series) -> pd.Series:
    """ISO date strings, formatting each distinct date once."""
    found, uniques = pd.factorize(dates)
    texts = np.asarray([d.strftime("%Y-%m-%d") for d in uniques] + [None], dtype=object)
    return pd.Series(texts[found], index=dates.index, dtype="string")


def _month_text(dates: pd.Series) -> pd.Series:
    """ "March 2011" strings, formatting each distinct date once."""
    found, uniques = pd.factorize(dates)
    texts = np.asarray([d.strftime("%B %Y") for d in uniques] + [None], dtype=object)
    return pd.Series(texts[found], index=dates.index, dtype="string")


def _join_keys(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """A readable, stable key string from several columns ("deaths|all|2012-04-04|...")."""
    parts = [
        _date_text(frame[c]) if pd.api.types.is_datetime64_any_dtype(frame[c]) else frame[c]
        for c in columns
    ]
    key = parts[0].astype("string").fillna("")
    for part in parts[1:]:
        key = key + "|" + part.astype("string").fillna("")
    return key
