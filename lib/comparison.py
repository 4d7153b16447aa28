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

from lib.series import _NONE, Groups, area_names, claim_bounds, claim_places, codes, group_rows

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
_PLACE_COLUMNS = ["place", "governorate", "governorates", "geo_precision"]
_TOLL_COLUMNS = ["claim_id", "deaths", "deaths_low", "deaths_high", "qualifier", "victims",
                 "source", "source_kind", *_PLACE_COLUMNS, "date_start", "date_end", "published",
                 "cumulative"]  # fmt: skip
_TOPIC_COLUMNS = ["claim_id", "claim_type", "source", "source_kind", *_PLACE_COLUMNS,
                  "date_start", "date_end", "published", "event_type", "topic",
                  "position"]  # fmt: skip
_COUNT_COLUMNS = ["qualifier", "deaths", "deaths_low", "deaths_high"]
_UNBOUNDED = np.iinfo(np.int64).max


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
    number_answers, number_questions = _numbers(claims)
    topic_answers, topic_questions = _topics(claims)
    topic_answers["qcode"] += len(number_questions)
    questions = pd.concat([number_questions, topic_questions], ignore_index=True)
    answers = pd.concat([number_answers, topic_answers], ignore_index=True)

    ranked = questions.sort_values(
        ["contradiction", "ratio", "n_sources", "question"],
        ascending=[False, False, False, True],
        na_position="last",
        kind="stable",
    ).index.to_numpy()
    rank = np.empty(len(questions), dtype=np.int64)
    rank[ranked] = np.arange(len(questions))
    value = answers["value"].to_numpy(dtype=np.int64, na_value=_NONE)
    qcode = answers["qcode"].to_numpy()
    order = np.lexsort((codes(answers["source"]), -value, rank[qcode]))
    answers = answers.take(order).reset_index(drop=True)
    qcode, pos = qcode[order], answers["pos"].to_numpy()
    for column in ("question_id", "question", "kind"):
        answers[column] = questions[column].take(qcode).reset_index(drop=True)
    for column in ("position", "event_type", "sentence", "article_id", "published"):
        answers[column] = claims[column].take(pos).reset_index(drop=True)
    return Comparison(
        questions=questions.take(ranked)[_QUESTION_COLUMNS].reset_index(drop=True),
        answers=answers[_ANSWER_COLUMNS],
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


def _numbers(claims: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Toll answers (one per question x source x place, max rule, never a sum) and questions.

    Works on integer codes and takes strings only for output rows: a million claims in
    well under a second.
    """
    is_toll = (claims["claim_type"] == "death_toll").to_numpy(dtype=bool, na_value=False)
    tolls = claims[_TOLL_COLUMNS][is_toll]
    bounds = claim_bounds(tolls)
    cumulative = tolls["cumulative"].to_numpy(dtype=bool)
    end = tolls["date_end"].fillna(tolls["date_start"])
    period_end = end.mask(cumulative, tolls["date_end"].fillna(tolls["published"]))
    keep = (bounds["level"] != "unlocated") & (tolls["date_start"].notna() | cumulative)
    kept = np.flatnonzero(keep.to_numpy(dtype=bool, na_value=False))

    victims = tolls["victims"].where(tolls["victims"].isin(list(_METRICS)), "all").fillna("all")
    question_level = bounds["level"].replace("town", "governorate")
    best = bounds["point"].fillna(bounds["low"]).clip(lower=bounds["low"])
    best = best.to_numpy(dtype=np.int64)[kept]
    low = bounds["low"].to_numpy(dtype=np.int64)[kept]
    high = bounds["high"].to_numpy(dtype=np.int64, na_value=_NONE)[kept]
    question_keys = [
        cumulative[kept].astype(np.int64),
        *(codes(c)[kept] for c in (victims, tolls["date_start"], period_end, question_level,
                                   bounds["area"])),
    ]  # fmt: skip
    source = codes(tolls["source"])[kept]
    answer_keys = [source, *(codes(bounds[c])[kept] for c in ("level", "place_key"))]
    groups = group_rows([*question_keys, *answer_keys, codes(-best)])
    first = kept[groups.first]  # representative claim (largest best) of each answer

    questions_of_answers = group_rows([key[groups.first] for key in question_keys])
    qcode = questions_of_answers.codes()
    answers = pd.DataFrame(
        {
            "qcode": qcode,
            "pos": np.flatnonzero(is_toll)[first],
            "source": _take(tolls["source"], first),
            "source_kind": _take(tolls["source_kind"], first),
            "level": _take(bounds["level"], first),
            "question_level": _take(question_level, first),
            "place": area_names(
                _take(bounds["area"], first),
                _take(bounds["level"], first),
                _take(bounds["place_key"], first),
            ),
            "qualifier": _take(tolls["qualifier"], first),
            "value": pd.array(groups.max(best), dtype="Int64"),
            "low": pd.array(groups.max(low), dtype="Int64"),
            "high": pd.Series(pd.array(groups.max(high), dtype="Int64")).mask(
                groups.any(high == _NONE)
            ),
            "display": _displays(tolls[_COUNT_COLUMNS].iloc[first]),
            "claim_ids": groups.join(_take(tolls["claim_id"], kept)),
        }
    )
    heads = first[questions_of_answers.first]
    question_rows = pd.DataFrame(
        {
            "kind": pd.Series(np.where(cumulative[heads], "total", "deaths"), dtype="string"),
            "metric": _take(victims, heads),
            "period_start": _take(tolls["date_start"], heads),
            "period_end": _take(period_end, heads),
            "level": _take(question_level, heads),
            "area": _take(bounds["area"], heads),
        }
    )
    return answers, _number_questions(answers, question_rows, source[groups.first])


def _take(values: pd.Series, positions: np.ndarray) -> pd.Series:
    return values.take(positions).reset_index(drop=True)


def _displays(representative: pd.DataFrame) -> pd.Series:
    """format_count of each answer's representative claim, formatting each distinct value once."""
    groups = group_rows([codes(representative[c]) for c in _COUNT_COLUMNS])
    firsts = representative.iloc[groups.first].astype(object)
    texts = [
        format_count(*(None if pd.isna(v) else v for v in row))
        for row in firsts.itertuples(index=False)
    ]
    shown = np.empty(len(representative), dtype=object)
    shown[groups.order] = np.repeat(np.asarray(texts, dtype=object), groups.sizes)
    return pd.Series(shown, dtype="string")


def _number_questions(
    answers: pd.DataFrame, questions: pd.DataFrame, source: np.ndarray
) -> pd.DataFrame:
    """Per question (row i = qcode i): sources, lowest/highest answer, ratio, contradiction."""
    q = answers["qcode"].to_numpy()
    per_source = group_rows([q, source])
    own_level = (answers["level"] == answers["question_level"]).to_numpy(dtype=bool)
    high = answers["high"].to_numpy(dtype=np.int64, na_value=_NONE)
    # Only a same-level answer bounds the question from above (a town's count does not cap
    # its governorate); a source with none, or an unbounded one, is unbounded.
    open_high = np.where(own_level, np.where(high == _NONE, _UNBOUNDED, high), _NONE)
    source_high = per_source.max(open_high)
    source_high = np.where(source_high == _NONE, _UNBOUNDED, source_high)
    source_low = per_source.max(answers["low"].to_numpy(dtype=np.int64))
    source_best = per_source.max(answers["value"].to_numpy(dtype=np.int64))
    source_q = q[per_source.first]

    by_question = group_rows([source_q])
    low, top = by_question.min(source_best), by_question.max(source_best)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(top == low, 1.0, top / low.astype(np.float64))
    out = questions.copy()
    out["question"] = _number_titles(questions)
    out["question_id"] = _join_keys(questions, list(questions.columns))
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
    by_low = np.lexsort((-low, question))
    by_high = np.lexsort((high, question))
    starts = np.flatnonzero(np.diff(question[by_low], prepend=-1))
    sizes = np.diff(np.append(starts, len(question)))
    second = np.minimum(starts + 1, len(question) - 1)
    has_two = sizes > 1
    low1, high1 = low[by_low[starts]], high[by_high[starts]]
    low2 = np.where(has_two, low[by_low[second]], -1)
    high2 = np.where(has_two, high[by_high[second]], _UNBOUNDED)
    same = by_low[starts] == by_high[starts]
    return np.where(same, (low1 > high2) | (low2 > high1), low1 > high1)


def _number_titles(questions: pd.DataFrame) -> pd.Series:
    """ "Deaths 2012-04-04, Idlib", "Total killed since March 2011 (as of 2012-04-04)"."""
    metric = questions["metric"]
    daily = metric.map({k: v[0] for k, v in _METRICS.items()}).astype("string")
    total = metric.map({k: v[1] for k, v in _METRICS.items()}).astype("string")
    start, end = _date_text(questions["period_start"]), _date_text(questions["period_end"])
    period = start.where(start == end, start + " to " + end)
    level = questions["level"]
    place = area_names(questions["area"], level, pd.Series([None] * len(level), dtype="string"))
    since = _month_text(questions["period_start"])
    total_title = total + (" since " + since).fillna("") + " (as of " + end + ")"
    total_title = total_title + (", " + place).where(level != "national", "")
    deaths_title = daily + " " + period + ", " + place
    return deaths_title.where(questions["kind"] == "deaths", total_title)


# ---------------------------------------------------------------- topics


def _topics(claims: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One answer per statement or event that takes a position on a topic, and the topics."""
    has_topic = claims["topic"].notna() & claims["claim_type"].isin(["statement", "event"])
    mask = has_topic.to_numpy(dtype=bool, na_value=False)
    rows = claims[_TOPIC_COLUMNS][mask].reset_index(drop=True)
    is_event = (rows["claim_type"] == "event").to_numpy(dtype=bool)
    topic = rows["topic"].str.strip()
    period_start = rows["date_start"].where(is_event)
    period_end = rows["date_end"].fillna(rows["date_start"]).where(is_event)
    position = rows["position"].fillna(rows["event_type"])
    q_keys = [codes(topic.str.lower()), codes(period_start), codes(period_end)]
    groups = group_rows(q_keys)
    qcode = groups.codes()
    bounds = claim_places(rows)
    nulls = pd.array([None] * len(rows), dtype="Int64")
    answers = pd.DataFrame(
        {
            "qcode": qcode,
            "pos": np.flatnonzero(mask),
            "source": rows["source"],
            "source_kind": rows["source_kind"],
            "level": bounds["level"],
            "place": area_names(bounds["area"], bounds["level"], bounds["place_key"]),
            "qualifier": pd.Series([None] * len(rows), dtype="string"),
            "value": nulls,
            "low": nulls,
            "high": nulls,
            "display": position,
            "claim_ids": rows["claim_id"],
        }
    )
    heads = groups.first
    questions = pd.DataFrame(
        {
            "kind": pd.Series(["topic"] * len(groups), dtype="string"),
            "topic": _take(topic.str.lower(), heads),
            "period_start": _take(period_start, heads),
            "period_end": _take(period_end, heads),
        }
    )
    questions["question_id"] = _join_keys(questions, list(questions.columns))
    title = _take(topic, heads)
    title = title.str.slice(0, 1).str.upper() + title.str.slice(1)
    start, end = _date_text(questions["period_start"]), _date_text(questions["period_end"])
    questions["question"] = (
        title + " (" + start.where(start == end, start + " to " + end) + ")"
    ).fillna(title)
    questions["level"] = questions["area"] = pd.Series([None] * len(groups), dtype="string")
    dates = rows["date_start"].fillna(rows["published"])
    questions["period_start"] = _group_dates(groups, dates, np.minimum)
    questions["period_end"] = _group_dates(groups, rows["date_end"].fillna(dates), np.maximum)
    per_source = group_rows([qcode, codes(rows["source"])])
    per_position = group_rows([qcode, codes(position.str.lower())])
    n_sources = np.bincount(qcode[per_source.first], minlength=len(groups))
    n_positions = np.bincount(qcode[per_position.first], minlength=len(groups))
    questions["n_sources"] = n_sources.astype(np.int64)
    sources = rows["source"].iloc[per_source.first]
    questions["sources"] = group_rows([qcode[per_source.first]]).join(sources, sep="; ")
    questions["low"] = questions["high"] = pd.array([None] * len(groups), dtype="Int64")
    questions["ratio"] = np.nan
    questions["contradiction"] = (n_sources > 1) & (n_positions > 1)
    questions["claim_ids"] = groups.join(rows["claim_id"])
    return answers, questions


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
