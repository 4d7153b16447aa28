"""Who says what: claims grouped into questions, each source's answer side by side.

A question is one metric for one period and one place. Death tolls: victims group x day (or
range) x place, where a town joins its governorate's question (Taftanaz and Idlib on one day
are one question at governorate level; the town is shown). Running totals: "Total killed since
<month> (as of <date>)". Topics: statements share a question per topic; events that answer a
topic (a town's control) per topic and period. Blame: the tolls of one toll question that name
who killed ("Who killed? Deaths 2012-05-25, Homs") are a question of their own, one answer per
claim: its alleged perpetrator, in the words the source uses. Tolls with no date or no place
cannot be lined up with anything and stay out (series.undated_deaths lists the undated ones).

Disagreement: `ratio` = max/min of the sources' best values (numbers; 1.0 = agree, inf when
one says 0 and another more); `contradiction` = the sources' ranges cannot all be true (a
source's lower bound above another's upper bound, a town's lower bound counting toward its
governorate), or, for topics, at least two sources with different positions; for blame, at
least two sources naming different perpetrators (a source that names no one gives no
answer). Semantic contradiction of free-text positions is not judged automatically: the table
shows them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from lib.claims import PERPETRATORS
from lib.series import (
    GOVERNORATE,
    LEVELS,
    NO_VALUE,
    TOWN,
    UNLOCATED,
    Claims,
    CodedClaims,
    Groups,
    Presorted,
    coded_claims,
    codes,
    group_rows,
    join_runs,
    nullable,
    presort,
    ranges,
    rows_of,
    run_starts,
    strings,
)

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
_BLAME_TITLE = "Who killed?"
_UNBOUNDED = np.iinfo(np.int64).max
_MISSING = np.iinfo(np.int64).min


@dataclass(frozen=True)
class Comparison:
    """Questions and the answers behind them (join on question_id)."""

    questions: pd.DataFrame
    """One row per question, most disputed first. Columns: question_id (stable key string),
    question (title, e.g. "Deaths 2012-04-04, Idlib"), kind ("deaths" | "total" | "topic" |
    "blame"),
    period_start, period_end (datetime64[s]), level, area (null for topics), n_sources (int64),
    sources ("; "-separated), low, high (Int64: lowest and highest answer; null for topics),
    ratio (float64, NaN for topics), contradiction (bool), claim_ids (comma string)."""

    answers: pd.DataFrame
    """One row per question x source x place for numbers, per claim for topics; in question
    order, then by value descending. Columns: question_id, question, kind, source,
    source_kind, place, level, qualifier, value (Int64, the best value), low, high (Int64),
    display (e.g. "≥ 20", "> 11,000", "6"), position, event_type, sentence, article_id,
    published, claim_ids (comma string)."""

    total_questions: int
    """Questions before `compare(limit=...)` kept the most disputed (len(questions) without
    a limit): a page showing the top 100 can say "100 of 186,012"."""


def compare(claims: Claims, limit: int | None = None) -> Comparison:
    """Group any valid claim frame into questions and answers (see module docstring).

    `limit` keeps only the most disputed `limit` questions and their answers: ranking all
    questions is cheap, building every answer row of a million claims is not.
    """
    coded = coded_claims(claims)
    number_answers, number_questions, number_members = _numbers(coded)
    parts = [(number_answers, number_questions, number_members), _topics(coded), _blames(coded)]
    offset = member_offset = 0
    for part_answers, part_questions, part_members in parts:
        part_answers["qcode"] += offset
        part_answers["member_start"] += member_offset
        offset += len(part_questions)
        member_offset += len(part_members)
    questions = pd.concat([p[1] for p in parts], ignore_index=True)
    answers = pd.concat([p[0] for p in parts], ignore_index=True)
    members = np.concatenate([p[2] for p in parts])

    # Most disputed first; ties keep key order (numbers by metric, date, level, area; topics
    # by name), so titles and id lists are only built for the questions returned.
    ratio = questions["ratio"].to_numpy()
    ranked = np.lexsort(
        (
            -questions["n_sources"].to_numpy(),
            -np.where(np.isnan(ratio), -np.inf, ratio),
            ~questions["contradiction"].to_numpy(),
        )
    )[:limit]
    rank = np.full(len(questions), len(questions), dtype=np.int64)
    rank[ranked] = np.arange(len(ranked))
    answers = answers[rank[answers["qcode"].to_numpy()] < len(ranked)]
    value = answers["value"].to_numpy(dtype=np.int64, na_value=NO_VALUE)
    qcode, pos = rank[answers["qcode"].to_numpy()], answers["pos"].to_numpy()
    source = coded.codes("source")[pos]
    order = np.lexsort((source, -value, qcode))
    answers = answers.take(order).reset_index(drop=True)
    qcode, source = qcode[order], source[order]

    # Claim ids of every answer, then of every question (its answers are consecutive).
    sizes = answers["member_count"].to_numpy()
    ids = coded.take("claim_id", members[ranges(answers["member_start"].to_numpy(), sizes)])
    answers["claim_ids"] = join_runs(ids, sizes)
    answers["qcode"] = qcode
    selected = questions.take(ranked).reset_index(drop=True)
    selected["question"], selected["question_id"] = _titles(selected)
    selected["claim_ids"] = join_runs(ids, np.bincount(qcode, sizes, len(ranked)).astype(np.int64))
    per_source = group_rows([qcode, source])
    names = coded.strings("source", answers["pos"].to_numpy()[per_source.first])
    selected["sources"] = group_rows([qcode[per_source.first]]).join(names, sep="; ")
    return Comparison(
        questions=selected[_QUESTION_COLUMNS],
        answers=_answer_table(coded, answers, selected),
        total_questions=len(questions),
    )


def _titles(questions: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Question titles and stable ids, one Python format per returned question.

    "Deaths 2012-04-04, Idlib" / deaths|all|2012-04-04|2012-04-04|governorate|SY-ID;
    "Total killed since March 2011 (as of 2012-04-04)"; "Arms to Syria" / topic|arms to syria||;
    "Control of al-Haffeh (2012-06-13)" / topic|control of al-haffeh|2012-06-13|2012-06-13;
    "Who killed? Deaths 2012-05-25, Homs" /
    blame|deaths|all|2012-05-25|2012-05-25|governorate|SY-HI.
    """
    columns = ["kind", "metric", "period_start", "period_end", "level", "area", "area_name",
               "topic", "topic_title", "key_start", "key_end", "blamed"]  # fmt: skip
    values = [_texts(questions[c]) for c in columns]
    since = _texts(_month_text(questions["period_start"]))
    titles, ids = [], []
    for row, month in zip(zip(*values, strict=True), since, strict=True):
        kind, metric, start, end, level, area, area_name, topic, name, key_start, key_end = row[:11]
        blamed = row[11]
        prefix = ""
        if kind == "blame":  # the toll question it is about, then its own title and id
            prefix, kind = f"{_BLAME_TITLE} ", blamed
        if kind == "topic":
            title = name[:1].upper() + name[1:]
            titles.append(f"{title} ({_period(key_start, key_end)})" if key_start else title)
            ids.append(f"topic|{topic}|{key_start or ''}|{key_end or ''}")
            continue
        daily, total = _METRICS[metric]
        if kind == "total":
            title = f"{total} since {month}" if month else total
            title += f" (as of {end})" + ("" if level == "national" else f", {area_name}")
        else:
            title = f"{daily} {_period(start, end)}, {area_name}"
        titles.append(prefix + title)
        key = f"{kind}|{metric}|{start or ''}|{end or ''}|{level}|{area or ''}"
        ids.append(f"blame|{key}" if prefix else key)
    return pd.Series(titles, dtype="string"), pd.Series(ids, dtype="string")


def _period(start: str | None, end: str | None) -> str:
    return start if start == end or end is None else f"{start} to {end}"


def _texts(column: pd.Series) -> list[str | None]:
    """Python strings of a column (dates as ISO), None for nulls."""
    if pd.api.types.is_datetime64_any_dtype(column):
        column = _date_text(column)
    known = column.notna().to_numpy()
    return [str(v) if ok else None for v, ok in zip(column.tolist(), known, strict=True)]


def _answer_table(
    coded: CodedClaims, answers: pd.DataFrame, questions: pd.DataFrame
) -> pd.DataFrame:
    """Materialise the answer columns once, in final order, from claim positions and codes."""
    qcode, pos = answers["qcode"].to_numpy(), answers["pos"].to_numpy()
    is_topic = answers["value"].isna().to_numpy()
    out = pd.DataFrame({c: questions[c].take(qcode).reset_index(drop=True)
                        for c in ("question_id", "question", "kind")})  # fmt: skip
    for column in ("source", "source_kind"):
        out[column] = coded.strings(column, pos)
    out["place"] = coded.place_names(pos)
    out["level"] = coded.level_names(pos)
    out["qualifier"] = coded.strings("qualifier", pos).mask(is_topic)
    for column in ("value", "low", "high"):
        out[column] = answers[column]
    position = coded.strings("position", pos)
    event_type = coded.strings("event_type", pos)
    is_blame = (out["kind"] == "blame").to_numpy(dtype=bool, na_value=False)
    position = position.where(~is_blame, _blame_texts(coded, pos))
    out["display"] = position.fillna(event_type).where(is_topic, _displays(coded, pos))
    out["position"] = position
    out["event_type"] = event_type
    for column in ("sentence", "article_id", "published"):
        out[column] = coded.take(column, pos)
    out["claim_ids"] = answers["claim_ids"]
    return out[_ANSWER_COLUMNS]


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


def _number_groups(coded: CodedClaims) -> Presorted:
    """Tolls that can be lined up (dated or running totals, located), sorted by question
    (running total or not, metric, period, question level, area) then answer (source, level,
    place, largest best value first)."""
    places = coded.places
    rows = coded.rows(_comparable_tolls(coded))
    question_keys = _toll_question_keys(coded, rows)
    answer_keys = [coded.codes("source")[rows], places.level[rows], places.place[rows]]
    keys = [*question_keys, *answer_keys, codes(-coded.best[rows])]
    return presort(rows, keys, (len(question_keys), len(keys)))


def _comparable_tolls(coded: CodedClaims) -> np.ndarray:
    """Tolls that can be lined up: dated or running totals, located (bool over the frame)."""
    claims = coded.claims
    cumulative = claims["cumulative"].to_numpy(dtype=bool)
    dated = claims["date_start"].notna().to_numpy()
    is_toll = coded.isin("claim_type", ("death_toll",))
    return is_toll & (coded.places.level != UNLOCATED) & (dated | cumulative)


def _toll_question_keys(coded: CodedClaims, rows: np.ndarray) -> list[np.ndarray]:
    """Which toll question the tolls at `rows` answer: running total or not, metric, period,
    question level, area (codes aligned with `rows`)."""
    claims = coded.claims
    return [
        claims["cumulative"].to_numpy(dtype=bool)[rows].astype(np.int64),
        codes(_metric_labels(coded))[coded.codes("victims")[rows]],
        codes(claims["date_start"].to_numpy()[rows]),
        codes(_period_end(claims, rows)),
        _question_level(coded, rows),
        coded.places.area[rows],
    ]


def _metric_labels(coded: CodedClaims) -> np.ndarray:
    """Metric name of each victims code (unknown or null victims count as "all")."""
    labels = coded.encoded("victims")[1]
    return np.asarray([label if label in _METRICS else "all" for label in labels], dtype=object)


def _question_level(coded: CodedClaims, rows: np.ndarray) -> np.ndarray:
    """Level of the questions of the claims at `rows`: a town joins its governorate's question."""
    level = coded.places.level[rows]
    return np.where(level == TOWN, GOVERNORATE, level)


def _period_end(claims: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Last day of the claims' question: the as-of date of a running total, else date_end."""
    as_of = _first_known(claims, ["date_end", "published"], rows)
    last = _first_known(claims, ["date_end", "date_start"], rows)
    return np.where(claims["cumulative"].to_numpy()[rows], as_of, last)


def _numbers(coded: CodedClaims) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Toll answers (one per question x source x place, max rule, never a sum), questions, and
    the claims behind the answers (`members`; answer i is members[member_start:+member_count]).

    Answers hold claim positions and numbers; strings are built once, in final order, by
    `compare` and `_answer_table`.
    """
    by_question, groups = coded.grouped(_number_groups)
    first = groups.first  # representative claim (largest best) of each answer
    low, _, high = coded.bounds
    qcode = by_question.numbers()[groups.starts]
    value, low = groups.max(coded.best), groups.max(low)
    high = np.where(groups.any(high == NO_VALUE), NO_VALUE, groups.max(high))
    answers = pd.DataFrame(
        {"qcode": qcode, "pos": first, "value": nullable(value), "low": nullable(low),
         "high": nullable(high), "member_start": groups.starts, "member_count": groups.sizes}
    )  # fmt: skip
    own_level = coded.places.level[first] == _question_level(coded, first)
    source = coded.codes("source")[first]
    questions = coded.shared(_number_question_keys)
    questions = rows_of(questions, by_question.ids)
    _add_number_stats(questions, qcode, source, value, low, high, own_level)
    return answers, questions, groups.order


def _number_question_keys(whole: CodedClaims) -> pd.DataFrame:
    """What names each toll question of the whole frame (kind, metric, period, level, area):
    its keys, the same for every claim of it, so a view only picks its questions' rows."""
    return _toll_questions(whole, whole.grouped(_number_groups)[0].first)


def _toll_questions(whole: CodedClaims, heads: np.ndarray) -> pd.DataFrame:
    """The names of the toll questions whose claims `heads` are (one claim per question)."""
    cumulative = whole.claims["cumulative"].to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "kind": strings(
                np.asarray(["deaths", "total"], dtype=object), cumulative[heads].astype(np.int64)
            ),
            "metric": strings(_metric_labels(whole), whole.codes("victims")[heads]),
            "period_start": whole.take("date_start", heads),
            "period_end": pd.Series(_period_end(whole.claims, heads), dtype="datetime64[s]"),
            "level": strings(
                np.asarray([*LEVELS, None], dtype=object), _question_level(whole, heads)
            ),
            "area": whole.area_names(heads),
            "area_name": whole.area_display(heads),
        }
    )


def _displays(coded: CodedClaims, pos: np.ndarray) -> pd.Series:
    """format_count of each answer's representative claim, formatting each distinct value once."""
    columns = ["qualifier", "deaths", "deaths_low", "deaths_high"]
    groups = group_rows([coded.codes(c)[pos] for c in columns])
    heads = pos[groups.first]
    values = [coded.take(c, heads).astype(object) for c in columns]
    texts = [
        format_count(*(None if pd.isna(v) else v for v in row)) for row in zip(*values, strict=True)
    ]
    return strings(np.asarray([*texts, None], dtype=object), groups.codes())


def _add_number_stats(
    questions: pd.DataFrame,
    qcode: np.ndarray,
    source: np.ndarray,
    value: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    own_level: np.ndarray,
) -> None:
    """Per question (row i = qcode i): number of sources, lowest/highest answer, ratio,
    contradiction. Answer arrays come sorted by question, then source."""
    per_source = Groups(np.arange(len(qcode)), run_starts([qcode, source]))
    # Only a same-level answer bounds the question from above (a town's count does not cap
    # its governorate); a source with none, or an unbounded one, is unbounded.
    open_high = np.where(own_level, np.where(high == NO_VALUE, _UNBOUNDED, high), NO_VALUE)
    source_high = per_source.max(open_high)
    source_high = np.where(source_high == NO_VALUE, _UNBOUNDED, source_high)
    source_low = per_source.max(low)
    source_best = per_source.max(value)
    source_q = qcode[per_source.first]

    by_question = Groups(np.arange(len(source_q)), run_starts([source_q]))
    lowest, top = by_question.min(source_best), by_question.max(source_best)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(top == lowest, 1.0, top / lowest.astype(np.float64))
    questions["n_sources"] = by_question.sizes.astype(np.int64)
    questions["low"] = nullable(lowest)
    questions["high"] = nullable(top)
    questions["ratio"] = ratio
    questions["contradiction"] = _contradictions(source_q, source_low, source_high)


def _contradictions(question: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Per question: does one source's lower bound exceed another source's upper bound?

    Rows are (question, source) pairs sorted by question. Only a question whose largest lower
    bound exceeds its smallest upper bound can hold one; for those, compare the two largest
    lower bounds with the two smallest upper bounds so a source is never compared with itself.
    """
    starts = np.flatnonzero(np.diff(question, prepend=-1))
    found = np.zeros(len(starts), dtype=bool)
    if not len(starts):
        return found
    sizes = np.diff(np.append(starts, len(question)))
    crossing = np.maximum.reduceat(low, starts) > np.minimum.reduceat(high, starts)
    rows = ranges(starts[crossing], sizes[crossing])
    found[crossing] = _contradictions_among(question[rows], low[rows], high[rows])
    return found


def _contradictions_among(question: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """`_contradictions` by the two largest lower and two smallest upper bounds (O(n))."""
    starts = np.flatnonzero(np.diff(question, prepend=-1))
    if not len(starts):
        return np.zeros(0, dtype=bool)
    group = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(question))))
    index = np.arange(len(question))

    def top_two(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Largest value per question, the row holding it, and the runner-up (or _MISSING)."""
        best = np.maximum.reduceat(values, starts)
        holder = np.minimum.reduceat(np.where(values == best[group], index, len(index)), starts)
        rest = values.copy()
        rest[holder] = _MISSING
        return best, holder, np.maximum.reduceat(rest, starts)

    low1, low_holder, low2 = top_two(low)
    negated_high1, high_holder, negated_high2 = top_two(-high)  # smallest upper bounds
    high1 = -negated_high1
    high2 = np.where(negated_high2 == _MISSING, _UNBOUNDED, -negated_high2)
    same = low_holder == high_holder
    return np.where(same, (low1 > high2) | (low2 > high1), low1 > high1)


# ---------------------------------------------------------------- topics


def _topic_claims(coded: CodedClaims) -> np.ndarray:
    """Statements and events with a topic (bool over the frame)."""
    topic, labels = coded.encoded("topic")
    return coded.isin("claim_type", ("statement", "event")) & (topic != len(labels) - 1)


def _topic_labels(coded: CodedClaims) -> tuple[np.ndarray, np.ndarray]:
    """Topic labels stripped, and stripped and lower-cased (the question key); None for null."""
    labels = coded.encoded("topic")[1]
    stripped = np.asarray([t.strip() if t is not None else None for t in labels], dtype=object)
    lowered = np.asarray([t.lower() if t is not None else None for t in stripped], dtype=object)
    return stripped, lowered


def _topic_periods(coded: CodedClaims, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Period of the topic question of the claims at `rows`: an event's dates, none for a
    statement (a statement's topic is one question whenever it was said)."""
    is_event = coded.isin("claim_type", ("event",))[rows]
    start, end = (coded.claims[c].to_numpy()[rows] for c in ("date_start", "date_end"))
    end = np.where(np.isnat(end), start, end)
    no_date = np.datetime64("NaT")
    return np.where(is_event, start, no_date), np.where(is_event, end, no_date)


def _topic_keys(coded: CodedClaims, rows: np.ndarray) -> list[np.ndarray]:
    """Question keys of topic claims: topic (case-insensitive), then the event period."""
    lowered = _topic_labels(coded)[1]
    return [codes(lowered[coded.codes("topic")[rows]]), *map(codes, _topic_periods(coded, rows))]


def _topic_source_groups(coded: CodedClaims) -> Presorted:
    """Topic claims by question, then by source (to count each question's sources)."""
    rows = coded.rows(_topic_claims(coded))
    return presort(rows, [*_topic_keys(coded, rows), coded.codes("source")[rows]], (3, 4))


def _topic_position_groups(coded: CodedClaims) -> Presorted:
    """Topic claims by question, then by position (an event's type when it states none)."""
    rows = coded.rows(_topic_claims(coded))
    position = coded.strings("position", rows).fillna(coded.strings("event_type", rows))
    keys = [*_topic_keys(coded, rows), codes(position.str.lower())]
    return presort(rows, keys, (3, 4))


def _topics(coded: CodedClaims) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """One answer per statement or event that takes a position on a topic, the topics, and the
    claims behind the answers (as in `_numbers`)."""
    claims = coded.claims
    groups, per_source = coded.grouped(_topic_source_groups)
    rows = coded.rows(_topic_claims(coded))
    qcode = groups.codes(len(coded))[rows]
    nulls = nullable(np.full(len(rows), NO_VALUE))
    answers = pd.DataFrame(
        {"qcode": qcode, "pos": rows, "value": nulls, "low": nulls, "high": nulls,
         "member_start": np.arange(len(rows)), "member_count": np.ones(len(rows), np.int64)}
    )  # fmt: skip

    heads = groups.earliest  # a title's spelling comes from the question's first claim
    topic = coded.codes("topic")[heads]
    stripped, lowered = _topic_labels(coded)
    key_start, key_end = _topic_periods(coded, heads)
    questions = pd.DataFrame(
        {
            "kind": pd.Series(["topic"] * len(groups), dtype="string"),
            "topic": strings(lowered, topic),
            "topic_title": strings(stripped, topic),
            "key_start": pd.Series(key_start, dtype="datetime64[s]"),
            "key_end": pd.Series(key_end, dtype="datetime64[s]"),
        }
    )
    questions["level"] = questions["area"] = strings(
        np.asarray([None]), np.zeros(len(groups), np.int64)
    )
    members = groups.order
    said = _first_known(claims, ["date_start", "published"], members)
    questions["period_start"] = _group_dates(groups, said, np.minimum)
    latest = _first_known(claims, ["date_end", "date_start", "published"], members)
    questions["period_end"] = _group_dates(groups, latest, np.maximum)
    _, per_position = coded.grouped(_topic_position_groups)
    # Both sorts put questions first, so a question spans the same entries in both.
    n_sources = np.bincount(groups.numbers()[per_source.starts], minlength=len(groups))
    n_positions = np.bincount(groups.numbers()[per_position.starts], minlength=len(groups))
    questions["n_sources"] = n_sources.astype(np.int64)
    questions["low"] = questions["high"] = nullable(np.full(len(groups), NO_VALUE))
    questions["ratio"] = np.nan
    questions["contradiction"] = (n_sources > 1) & (n_positions > 1)
    return answers, questions, rows


# ---------------------------------------------------------------- blame


def _blame_claims(coded: CodedClaims) -> np.ndarray:
    """Comparable tolls that name who killed (bool over the frame)."""
    named = coded.isin("perpetrator", tuple(p for p in PERPETRATORS if p != "unknown"))
    return _comparable_tolls(coded) & named


def _blame_source_groups(coded: CodedClaims) -> Presorted:
    """Blaming tolls by toll question, then by source (to count each question's sources)."""
    rows = coded.rows(_blame_claims(coded))
    keys = [*_toll_question_keys(coded, rows), coded.codes("source")[rows]]
    return presort(rows, keys, (len(keys) - 1, len(keys)))


def _blame_perpetrator_groups(coded: CodedClaims) -> Presorted:
    """Blaming tolls by toll question, then by perpetrator (to see whether sources differ)."""
    rows = coded.rows(_blame_claims(coded))
    keys = [*_toll_question_keys(coded, rows), coded.codes("perpetrator")[rows]]
    return presort(rows, keys, (len(keys) - 1, len(keys)))


def _blames(coded: CodedClaims) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """Who killed, per toll question: one answer per toll that names a perpetrator, the
    questions, and the claims behind the answers (as `_topics`)."""
    groups, per_source = coded.grouped(_blame_source_groups)
    _, per_perpetrator = coded.grouped(_blame_perpetrator_groups)
    rows = groups.order
    nulls = nullable(np.full(len(rows), NO_VALUE))
    answers = pd.DataFrame(
        {"qcode": groups.numbers(), "pos": rows, "value": nulls, "low": nulls, "high": nulls,
         "member_start": np.arange(len(rows)), "member_count": np.ones(len(rows), np.int64)}
    )  # fmt: skip
    questions = _toll_questions(coded, groups.earliest)
    questions["blamed"] = questions["kind"]
    questions["kind"] = pd.Series(["blame"] * len(groups), dtype="string")
    n_sources = np.bincount(groups.numbers()[per_source.starts], minlength=len(groups))
    n_named = np.bincount(groups.numbers()[per_perpetrator.starts], minlength=len(groups))
    questions["n_sources"] = n_sources.astype(np.int64)
    questions["low"] = questions["high"] = nullable(np.full(len(groups), NO_VALUE))
    questions["ratio"] = np.nan
    questions["contradiction"] = (n_sources > 1) & (n_named > 1)
    return answers, questions, rows


def _blame_texts(coded: CodedClaims, pos: np.ndarray) -> pd.Series:
    """ "government (regime forces)": the class, then the source's own words."""
    who = coded.strings("perpetrator", pos)
    words = coded.strings("perpetrator_text", pos)
    return who.where(words.isna(), who + " (" + words.fillna("") + ")")


# ---------------------------------------------------------------- small vectorised helpers


def _group_dates(groups: Groups, dates: np.ndarray, reduce: np.ufunc) -> pd.Series:
    """`reduce` of each group's dates, given in `groups.order` order."""
    values = dates.astype("datetime64[s]")
    found = reduce.reduceat(values, groups.starts) if len(groups) else values[:0]
    return pd.Series(found, dtype="datetime64[s]")


def _first_known(claims: pd.DataFrame, columns: list[str], rows: np.ndarray) -> np.ndarray:
    """The first non-null of the date `columns` at `rows` (NaT when all are null)."""
    found = claims[columns[0]].to_numpy()[rows]
    for column in columns[1:]:
        found = np.where(np.isnat(found), claims[column].to_numpy()[rows], found)
    return found


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
