"""When: time expressions in a sentence, resolved against the publication date.

"Wednesday" in a Wednesday article is that day, other weekdays the most recent past one
("by Thursday" looks forward); "yesterday", "overnight", "last week" (a range), explicit dates
(dateparser, cached); "since the unrest began"/"since March 2011" make a cumulative total from
the conflict's start to the report date.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import dateparser
from spacy.tokens import Doc, Span

from lib.extract.rules import load_rules
from lib.extract.text import doc_text, token_texts

_COMMA_PENALTY = 5
_YEAR = re.compile(r"\b\d{4}\b")
_PARSE_BASE = datetime(2012, 12, 31)  # a leap year: any written month and day parse
_DAY_NUMBER = re.compile(r"(?<!\d)\d{1,2}(?!\d)")


@dataclass(frozen=True)
class When:
    start: date | None
    end: date | None
    precision: str  # one of lib.claims.DATE_PRECISIONS
    cumulative: bool = False


@dataclass(frozen=True)
class TimeMention:
    start: int  # absolute token indices, end exclusive
    end: int
    when: When


def inferred(published: date | None) -> When:
    """No time expression: the article's own date, flagged as inferred."""
    if published is None:
        return When(None, None, "unknown")
    return When(published, published, "day_inferred")


def _alternation(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@functools.cache
def _patterns() -> dict[str, re.Pattern[str]]:
    r = load_rules("dates")
    months = _alternation(r["months"])
    days = _alternation(r["weekdays"])
    nouns = _alternation(r["conflict_nouns"])
    in_nouns = _alternation(r["conflict_in_nouns"])
    flags = re.IGNORECASE
    day = r"\d{1,2}(?!\d)"
    year = r"\d{4}"
    return {
        "conflict": re.compile(
            rf"\bsince (?:the (?:start|beginning|outbreak|onset) of )?(?:the |an? )?"
            rf"(?:[\w-]+ )?(?:{nouns})\b(?: (?:began|started|erupted|broke out))?",
            flags,
        ),
        "conflict_in": re.compile(
            rf"\b(?:in|during|throughout|over the course of) (?:the|syria's) "
            rf"(?:[\w-]+ ){{0,3}}?(?:{in_nouns})\b",
            flags,
        ),
        "since_date": re.compile(
            rf"\bsince (?:(?:mid|early|late)-? ?)?"
            rf"((?:{months})\.?(?: {day})?(?:,? {year}| last year)?)",
            flags,
        ),
        "date": re.compile(
            rf"\b(?:(?:{months})\.? {day}(?:st|nd|rd|th)?(?:,? {year})?"
            rf"|{day} (?:{months})(?:,? {year})?)\b",
            flags,
        ),
        "month": re.compile(
            rf"\b(?:in|during|of|early|late|mid-?|since) ((?:{months})(?:,? {year})?)\b", flags
        ),
        "weekday": re.compile(
            rf"\b(?:(?:late|early) )?(?:(on|last|next|by|until|till|this|coming|before|since) )?"
            rf"({days})(?:'s)?(?: (?:night|morning|evening|afternoon))?\b",
            flags,
        ),
        "past_days": re.compile(
            r"\b(?:in|over|during|within) the (?:past|last|previous) (\w+) (days?|weeks?)\b", flags
        ),
        "year": re.compile(
            r"\b(in|during|throughout|since|of) ((?:19|20)\d\d)\b(?! \w+ ago)", flags
        ),
        "past_year": re.compile(r"\bthe ((?:19\d\d|200\d|2010))\b", flags),
        "year_word": re.compile(rf"\b(?:{_alternation(list(r['year_words']))})\b", flags),
        "same_day": re.compile(rf"\b(?:{_alternation(r['same_day'])})\b", flags),
        "day_before": re.compile(rf"\b(?:{_alternation(r['day_before'])})\b", flags),
        "last_week": re.compile(rf"\b(?:{_alternation(r['last_week'])})\b", flags),
        "this_week": re.compile(rf"\b(?:{_alternation(r['this_week'])})\b", flags),
        "weekend": re.compile(rf"\b(?:{_alternation(r['weekend'])})\b", flags),
        "last_month": re.compile(rf"\b(?:{_alternation(r['last_month'])})\b", flags),
    }


@functools.cache
def _gates() -> dict[str, tuple[str, ...]]:
    """Words without which a pattern cannot match: most sentences skip most regexes."""
    r = load_rules("dates")
    months = tuple(m.rstrip(".") for m in r["months"])
    return {
        "conflict": ("since",),
        "conflict_in": tuple(r["conflict_in_nouns"]),
        "since_date": ("since",),
        "date": months,
        "month": months,
        "weekday": ("day",),
        "past_days": ("past", "last", "previous"),
        "year": ("19", "20"),
        "past_year": ("the 19", "the 20"),
        "year_word": ("year",),
        **{key: tuple(r[key]) for key in
           ("same_day", "day_before", "last_week", "this_week", "weekend", "last_month")},
    }  # fmt: skip


@functools.cache
def _month_day(text: str, month_only: bool) -> date | None:
    """dateparser on an explicit date, cached by its text alone (~0.5 ms a call, and the
    same few dates recur across articles); the year is settled by `_explicit_date`."""
    settings = {"REQUIRE_PARTS": ["month"], "RELATIVE_BASE": _PARSE_BASE}
    if month_only:
        settings["PREFER_DAY_OF_MONTH"] = "first"
    parsed = dateparser.parse(text.replace(" last year", ""), languages=["en"], settings=settings)
    return parsed.date() if parsed is not None else None


def _explicit_date(text: str, published: date | None, month_only: bool) -> date | None:
    """A written date; without a year, the latest such date not after the report date."""
    parsed = _month_day(text, month_only)
    if parsed is None or _YEAR.search(text) or published is None:
        return parsed
    year = published.year - 1 if " last year" in text else published.year
    candidate = parsed.replace(year=year, day=min(parsed.day, 28 if parsed.month == 2 else 30))
    candidate = parsed.replace(year=year) if _valid(year, parsed) else candidate
    return candidate if candidate <= published else candidate.replace(year=year - 1)


def _valid(year: int, day: date) -> bool:
    try:
        day.replace(year=year)
    except ValueError:  # 29 February
        return False
    return True


def _count(word: str) -> int | None:
    """ "10" or "ten" -> 10 (the N of "the past N days")."""
    if word.isdigit():
        return int(word)
    return load_rules("numbers")["units"].get(word.lower())


def _weekday(match: re.Match[str], published: date | None) -> When | None:
    if published is None:
        return None
    marker = (match.group(1) or "").lower()
    target = load_rules("dates")["weekdays"].index(match.group(2).lower())
    if marker == "since":
        back = (published.weekday() - target) % 7 or 7
        return When(published - timedelta(days=back), published, "range")
    if marker in load_rules("dates")["future_markers"]:
        ahead = (target - published.weekday()) % 7 or 7
        day = published + timedelta(days=ahead)
    else:
        back = (published.weekday() - target) % 7
        if marker == "last" and back == 0:
            back = 7
        day = published - timedelta(days=back)
    return When(day, day, "day")


def _resolve(kind: str, match: re.Match[str], published: date | None) -> When | None:
    conflict = date.fromisoformat(load_rules("dates")["conflict_start"])
    if kind in ("conflict", "conflict_in"):
        return When(conflict, published, "range", True) if published else None
    if kind == "weekday":
        return _weekday(match, published)
    if kind in ("date", "month", "since_date"):
        text = match.group(0) if kind == "date" else match.group(1)
        month_only = kind != "date" and not _DAY_NUMBER.search(text)
        day = _explicit_date(text, published, month_only)
        if day is None:
            return None
        if kind == "since_date":
            started = (day.year, day.month) == (conflict.year, conflict.month)
            return When(conflict if started else day, published, "range", started)
        if month_only:
            following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
            return When(day, following - timedelta(days=1), "month")
        return When(day, day, "day")
    if published is None:
        return None
    if kind == "year":
        year = int(match.group(2))
        if match.group(1).lower() == "since":
            started = year == conflict.year
            start = conflict if started else date(year, 1, 1)
            return When(start, published, "range", started) if published else None
        return When(date(year, 1, 1), date(year, 12, 31), "year")
    if kind == "past_year":  # "the 1982 Hama massacre": before this conflict
        year = int(match.group(1))
        return When(date(year, 1, 1), date(year, 12, 31), "year")
    if kind == "year_word":
        year = published.year + load_rules("dates")["year_words"][match.group(0).lower()]
        end = min(date(year, 12, 31), published)
        return When(date(year, 1, 1), end, "year")
    if kind == "past_days":
        count = _count(match.group(1))
        if count is None:
            return None
        days = count * (7 if match.group(2).lower().startswith("week") else 1)
        return When(published - timedelta(days=max(days - 1, 0)), published, "range")
    if kind == "same_day":
        return When(published, published, "day")
    if kind == "day_before":
        day = published - timedelta(days=1)
        return When(day, day, "day")
    monday = published - timedelta(days=published.weekday())
    if kind == "last_week":
        return When(monday - timedelta(days=7), monday - timedelta(days=1), "range")
    if kind == "this_week":
        return When(monday, published, "range")
    if kind == "weekend":
        saturday = monday - timedelta(days=2) if published.weekday() < 5 else monday + timedelta(5)
        return When(saturday, min(saturday + timedelta(days=1), published), "range")
    first = published.replace(day=1)
    last_month = (first - timedelta(days=1)).replace(day=1)
    return When(last_month, first - timedelta(days=1), "month")


@functools.cache
def _gated_patterns() -> list[tuple[str, re.Pattern[str], tuple[str, ...]]]:
    """(kind, pattern, gate words) in priority order: earlier kinds win overlaps."""
    gates = _gates()
    return [(kind, pattern, gates[kind]) for kind, pattern in _patterns().items()]


def _patterns_in(doc: Doc) -> list[tuple[str, re.Pattern[str], tuple[str, ...]]]:
    """The gated patterns whose gate words occur somewhere in the document (judged once per
    document: most articles use few kinds of time expression)."""
    if "time_patterns" not in doc.user_data:
        lower = doc_text(doc).lower()
        kept = [entry for entry in _gated_patterns() if _passes(entry[2], lower)]
        doc.user_data["time_patterns"] = kept
    return doc.user_data["time_patterns"]


def _passes(gate: tuple[str, ...], lower: str) -> bool:
    """Whether any gate word occurs (a plain loop: a generator costs more than the tests)."""
    for word in gate:  # noqa: SIM110 (any() with a generator is slower here)
        if word in lower:
            return True
    return False


def find_times(sent: Span, published: date | None) -> list[TimeMention]:
    """Time expressions in one sentence, longest first where they overlap, in text order."""
    doc = sent.doc
    text = doc_text(doc)[sent.start_char : sent.end_char]
    lower = text.lower()
    found: list[tuple[int, int, When]] = []
    for kind, pattern, gate in _patterns_in(doc):
        if not _passes(gate, lower):
            continue
        for match in pattern.finditer(text):
            if any(s < match.end() and match.start() < e for s, e, _ in found):
                continue
            when = _resolve(kind, match, published)
            if when is not None:
                found.append((match.start(), match.end(), when))
    mentions: list[TimeMention] = []
    for s, e, when in sorted(found, key=lambda f: f[0]):
        span = doc.char_span(sent.start_char + s, sent.start_char + e, alignment_mode="expand")
        if span is None:
            continue
        if mentions and _continues_cumulative(mentions[-1], span.start, when):
            # "since the uprising began | in March 2011": the date names the start of the
            # running total, not a period of its own that a later count could take.
            mentions[-1] = TimeMention(mentions[-1].start, span.end, mentions[-1].when)
            continue
        mentions.append(TimeMention(span.start, span.end, when))
    return mentions


def _continues_cumulative(previous: TimeMention, start: int, when: When) -> bool:
    """A date right after a cumulative phrase that falls at or before the conflict's start."""
    adjacent = start - previous.end <= 1
    early = when.start is not None and when.start <= previous.when.start
    return previous.when.cumulative and adjacent and early and not when.cumulative


def nearest_time(mentions: list[TimeMention], start: int, end: int, doc: Doc) -> TimeMention | None:
    """The time expression closest to tokens [start, end); a comma between counts extra, so
    "the deaths on Wednesday, at least 74 were killed ... on Tuesday" is Tuesday."""

    def distance(m: TimeMention) -> int:
        lo, hi = (m.end, start) if m.end <= start else (end, m.start)
        commas = texts[lo:hi].count(",")
        return max(hi - lo, 0) + _COMMA_PENALTY * commas

    texts = token_texts(doc)

    return min(mentions, key=distance, default=None)
