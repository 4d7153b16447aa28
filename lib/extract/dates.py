"""When: time expressions in a sentence, resolved against the publication date.

"Wednesday" in a Wednesday article is that day, other weekdays the most recent past one
("by Thursday" looks forward); "yesterday", "overnight", "last week" (a range), explicit dates
(dateparser, cached); "since the unrest began"/"since March 2011" make a cumulative total from
the conflict's start to the report date.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_right
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from itertools import accumulate
from typing import NamedTuple

import dateparser
from spacy.tokens import Doc, Span

from lib.extract.rules import load_rules
from lib.extract.text import doc_text, token_lowers, token_offsets, token_texts

_COMMA_PENALTY = 5
_YEAR = re.compile(r"\b\d{4}\b")
_PARSE_BASE = datetime(2012, 12, 31)  # a leap year: any written month and day parse
_DAY_NUMBER = re.compile(r"(?<!\d)\d{1,2}(?!\d)")
_DAY = r"\d{1,2}(?!\d)"
# What may come before the month, weekday or year that a pattern's match holds ("late on
# Friday", "since mid-March", "4 May"): `_anchored_matches` starts its search that far (at
# most) before the next such name.
_DAY_TIMES = ("late", "early")
_DAY_MARKERS = ("on", "last", "next", "by", "until", "till", "this", "coming", "before", "since")
_WEEKDAY_LEAD = rf"\b(?:(?:{'|'.join(_DAY_TIMES)}) )?(?:({'|'.join(_DAY_MARKERS)}) )?"
_SINCE_DATE_LEAD = r"\bsince (?:(?:mid|early|late)-? ?)?"
_DATE_LEAD = rf"{_DAY} "  # "4 May"; "May 4" has the month first
_MONTH_LEAD = r"\b(?:in|during|of|early|late|mid-?|since) "
_YEAR_LEAD = r"\b(in|during|throughout|since|of) "
_YEAR_NUMBER = r"(?:19|20)\d\d"
# How matches of some patterns start (in lower case): `_entries` looks for these first.
_CONFLICT_START = r"(?:since|from) "
_CONFLICT_IN_START = r"(?:in|during|throughout|over the course of|due to) (?:the|syria['’]s) "
_PAST_DAYS_START = r"(?:in|over|during|within|for) the (?:past|last|previous) "
_AGO_UNITS = r"(days?|weeks?|months?|years?) ago"
_SPEECH_GAP = 2  # words between a speech verb and its time: "told reporters on Friday"
# Kinds whose period runs up to "now": a speech time in the sentence ("said on Saturday") is
# that now ("in the last two weeks, a group said on Saturday" ends on the Saturday).
_UP_TO_NOW = frozenset(
    ("conflict", "conflict_in", "conflict_which", "since_began", "since_date", "season",
     "past_days", "year_to_date")
)  # fmt: skip
_PART_DAYS = {"early": (1, 10), "mid": (11, 20), "late": (21, 31)}  # parts of a month
_PART_START = {"early": 1, "mid": 15, "late": 21}  # "since mid-September": the 15th
_PART = re.compile(r"(early|mid|late)\b-? ?", re.IGNORECASE)
_PAST_YEAR_START = r"the (?:19|20)"
_WORD_KINDS = (
    "same_day", "overnight", "day_before", "last_week", "this_week", "weekend", "last_month"
)  # fmt: skip
_DATELINE_TOKENS = 6  # "DAMASCUS, Oct. 3 (Xinhua) --": a date this early, then "(" or a dash
_DATELINE_NEXT = frozenset(("(", "-", "--", "—", "–"))
_POSSESSIVE = frozenset(("'s", "’s"))


class When(NamedTuple):
    """A resolved time (a named tuple: built thousands of times, a frozen dataclass's
    `object.__setattr__` per field cost more than the rest of resolving)."""

    start: date | None
    end: date | None
    precision: str  # one of lib.claims.DATE_PRECISIONS
    cumulative: bool = False


class TimeMention(NamedTuple):
    start: int  # absolute token indices, end exclusive
    end: int
    when: When
    speech: bool = False  # when the source spoke ("said on Friday"), not when deaths happened


class _Found(NamedTuple):
    """A match kept by `find_times`: character span in the sentence, time, and what made it."""

    start: int
    end: int
    when: When
    kind: str
    match: re.Match[str]


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
    day = _DAY
    year = r"\d{4}"
    starts = _alternation(r["start_nouns"])
    began = _alternation(r["began_verbs"])
    seasons = _alternation(list(r["seasons"]))
    worst = _alternation(r["worst_words"])
    # A written date inside a longer phrase: "mid-September", "March 15, 2011", "4 May 2012".
    when = (
        rf"(?:(?:mid|early|late)-? ?)?(?:(?:{months})\.?(?: {day}(?:st|nd|rd|th)?)?"
        rf"(?:,? {year}| last year)?|{day} (?:{months})(?:,? {year})?)"
    )
    return {
        "conflict": re.compile(
            rf"\b(?:since (?:the (?:{starts}) of )?|from the (?:{starts}) of )(?:the |an? |its )?"
            rf"(?:[\w-]+ )?(?:{nouns})\b(?: (?:{began}))?",
            flags,
        ),
        "between": re.compile(
            rf"\b(?:between|from) ({when}) (?:and|to|until|through) ({when})\b", flags
        ),
        "since_began": re.compile(
            rf"\bsince (?:the |an? |its |their |they )?(?:[\w'’()-]+ ){{0,12}}?(?:{began})"
            rf"(?: (?:in|on) ({when})| (\w+) {_AGO_UNITS})",
            flags,
        ),
        "season": re.compile(rf"\bsince (?:the |last )?({seasons})\b", flags),
        "month_total": re.compile(
            rf"\b(?:during|in|over|throughout) the (?:whole |entire )?month of "
            rf"((?:{months})(?:,? {year})?)\b",
            flags,
        ),
        "worst_month": re.compile(
            rf"\b((?:{months})(?:,? {year})?) (?:is|was|has been|became) (?:the )?(?:{worst}) "
            rf"(?:single |calendar )?month\b",
            flags,
        ),
        "year_to_date": re.compile(rf"\b(?:{_alternation(r['year_to_date'])})\b", flags),
        "conflict_in": re.compile(
            rf"\b{_CONFLICT_IN_START}(?:[\w-]+ ){{0,3}}?(?:{in_nouns})\b",
            flags,
        ),
        "conflict_which": re.compile(rf"\b(?:{in_nouns}), in which\b", flags),
        "conflict_first": re.compile(
            rf"\bthe first (\w+) (months?|years?) of the (?:[\w-]+ )?(?:{in_nouns})\b", flags
        ),
        "since_date": re.compile(
            rf"{_SINCE_DATE_LEAD}((?:{months})\.?(?: {day})?(?:,? {year}| last year)?)",
            flags,
        ),
        "date": re.compile(
            rf"\b(?:(?:{months})\.? {day}(?:st|nd|rd|th)?(?:,? {year})?"
            rf"|{_DATE_LEAD}(?:{months})(?:,? {year})?)\b",
            flags,
        ),
        "month": re.compile(rf"{_MONTH_LEAD}((?:{months})(?:,? {year})?)\b", flags),
        "weekday": re.compile(
            rf"{_WEEKDAY_LEAD}({days})(?:'s)?(?: (?:night|morning|evening|afternoon))?\b",
            flags,
        ),
        "past_days": re.compile(
            rf"\b{_PAST_DAYS_START}(?:(\w+) )?(days?|weeks?|months?|years?)\b", flags
        ),
        "ago": re.compile(rf"\b(\w+) {_AGO_UNITS}\b", flags),
        "year": re.compile(rf"{_YEAR_LEAD}({_YEAR_NUMBER})\b(?! \w+ ago)", flags),
        "past_year": re.compile(r"\bthe ((?:19\d\d|200\d|2010))\b", flags),
        "year_word": re.compile(rf"\b(?:{_alternation(list(r['year_words']))})\b", flags),
        "same_day": re.compile(rf"\b(?:{_alternation(r['same_day'])})\b", flags),
        "overnight": re.compile(rf"\b(?:{_alternation(r['overnight'])})\b", flags),
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
        "conflict": ("since", "from"),
        "between": ("between", "from"),
        "since_began": ("since",),
        "season": ("since",),
        "month_total": ("month of",),
        "worst_month": ("month",),
        "year_to_date": tuple(r["year_to_date"]),
        "conflict_in": tuple(r["conflict_in_nouns"]),
        "conflict_which": ("in which",),
        "conflict_first": ("first",),
        "since_date": ("since",),
        "date": months,
        "month": months,
        "weekday": ("day",),
        "past_days": ("past", "last", "previous"),
        "ago": ("ago",),
        "year": ("19", "20"),
        "past_year": ("the 19", "the 20"),
        "year_word": ("year",),
        **{key: tuple(r[key]) for key in _WORD_KINDS},
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


def _count(word: str | None) -> int | None:
    """ "10" or "ten" -> 10 (the N of "the past N days"); no word or "a" -> 1 ("the past
    month", "a month ago")."""
    if word is None or word.lower() in ("a", "an"):
        return 1
    if word.isdigit():
        return int(word)
    return load_rules("numbers")["units"].get(word.lower())


def _back(day: date, count: int, unit: str) -> date | None:
    """`count` days, weeks, months or years before `day` (a month back keeps the day of the
    month, clipped to the month's length); None outside the calendar ("5000 years")."""
    unit = unit.lower().rstrip("s")
    try:
        if unit in ("day", "week"):
            return day - timedelta(days=count * (7 if unit == "week" else 1))
        months = day.year * 12 + day.month - 1 - count * (12 if unit == "year" else 1)
        year, month = divmod(months, 12)
        return date(year, month + 1, min(day.day, _month_end(year, month + 1).day))
    except (ValueError, OverflowError):
        return None


def _month_end(year: int, month: int) -> date:
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _period(start: date, end: date) -> When:
    """A period up to `end`: a running total (cumulative) when it is a month or longer, from
    the conflict's start when it starts within a month of it ("in the past seven months" in
    October 2011); a shorter one is the span of one event ("in the last nine days")."""
    rules = load_rules("dates")
    if (end - start).days < rules["running_total_days"]:
        return When(start, end, "range")
    conflict = _conflict_start()
    if abs((start - conflict).days) <= rules["conflict_start_slack_days"]:
        start = conflict
    return When(min(start, end), end, "range", True)


def _part(text: str) -> str | None:
    """ "early", "mid" or "late" when a month phrase starts with one ("mid-September")."""
    found = _PART.match(text)
    return found.group(1).lower() if found else None


def _date_in(text: str, published: date | None) -> tuple[date, date] | None:
    """First and last day of a written date inside a longer phrase: a day, a month, or a part
    of a month ("late May" = 21-31 May)."""
    part = _part(text)
    if part is not None:
        text = text[_PART.match(text).end() :]
    month_only = not _DAY_NUMBER.search(text)
    day = _explicit_date(text, published, month_only)
    if day is None:
        return None
    if not month_only:
        return day, day
    last = _month_end(day.year, day.month)
    if part is None:
        return day, last
    first_day, last_day = _PART_DAYS[part]
    return day.replace(day=first_day), day.replace(day=min(last_day, last.day))


def _since(text: str, published: date) -> When | None:
    """A period from a written date ("since mid-September") up to the report."""
    found = _date_in(text, published)
    if found is None:
        return None
    part = _part(text)
    start = found[0].replace(day=_PART_START[part]) if part else found[0]
    return _period(start, published) if start <= published else None


def _season_start(name: str, published: date) -> date:
    """The latest start of a season ("the summer": 1 June) on or before the report date."""
    month = load_rules("dates")["seasons"][name.lower()]
    start = date(published.year, month, 1)
    return start if start <= published else start.replace(year=published.year - 1)


def _weekday(match: re.Match[str], published: date | None) -> When | None:
    if published is None:
        return None
    dates = _weekday_dates((match.group(1) or "").lower(), match.group(2).lower(), published)
    # a new When each time: the pipeline tells a claim's own time from the paragraph's by
    # identity
    return When(*dates) if dates is not None else None


@functools.lru_cache(maxsize=4096)
def _weekday_dates(marker: str, name: str, published: date) -> tuple[date, date, str] | None:
    """(start, end, precision) of a weekday after `marker` ("" if none) in an article of
    `published` (cached: the same few weekdays and markers recur)."""
    weekdays = load_rules("dates")["weekdays"]
    if name not in weekdays:
        return None  # matched only case-insensitively, like "ſunday" (long s): not a weekday
    target = weekdays.index(name)
    if marker == "since":
        back = (published.weekday() - target) % 7 or 7
        return published - timedelta(days=back), published, "range"
    if marker in load_rules("dates")["future_markers"]:
        ahead = (target - published.weekday()) % 7 or 7
        day = published + timedelta(days=ahead)
    else:
        back = (published.weekday() - target) % 7
        day = published - timedelta(days=back)
        if marker == "last":  # "last Friday": the Friday of the week before the report's
            day = published - timedelta(days=published.weekday() + 7 - target)
    return day, day, "day"


def _resolve(kind: str, match: re.Match[str], published: date | None) -> When | None:
    if kind in _PERIODS:
        return _PERIODS[kind](match, published) if published is not None else None
    if kind == "weekday":
        return _weekday(match, published)
    if kind in ("date", "month"):
        text = match.group(0) if kind == "date" else match.group(1)
        if kind == "month" and _part(match.group(0)):
            text = match.group(0)
        found = _date_in(text, published)
        if found is None:
            return None
        if found[0] == found[1]:
            return When(found[0], found[0], "day")
        return When(found[0], found[1], "month")
    if published is None:
        return None
    if kind == "year":
        year = int(match.group(2))
        if match.group(1).lower() == "since":  # "since 2011": since the conflict began
            conflict = _conflict_start()
            return _period(conflict if year == conflict.year else date(year, 1, 1), published)
        return When(date(year, 1, 1), date(year, 12, 31), "year")
    if kind == "past_year":  # "the 1982 Hama massacre": before this conflict
        year = int(match.group(1))
        return When(date(year, 1, 1), date(year, 12, 31), "year")
    if kind == "year_word":
        year = published.year + load_rules("dates")["year_words"][match.group(0).lower()]
        end = min(date(year, 12, 31), published)
        return When(date(year, 1, 1), end, "year")
    if kind == "ago":  # "two days ago"; longer units are too vague for a day
        count = _count(match.group(1))
        if count is None or not match.group(2).lower().startswith("day"):
            return None
        day = _back(published, count, "day")
        return When(day, day, "day") if day is not None else None
    if kind == "same_day":
        return When(published, published, "day")
    if kind == "overnight":  # the night before the report: it spans two days
        return When(published - timedelta(days=1), published, "range")
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


def _whole_conflict(match: re.Match[str], published: date) -> When:
    """ "since the uprising began", "in the 21-month conflict": from the conflict's start."""
    return When(_conflict_start(), published, "range", True)


def _first_of_conflict(match: re.Match[str], published: date) -> When | None:
    """ "the first two years of the conflict": from its start, for that long."""
    count = _count(match.group(1))
    if count is None:
        return None
    conflict = _conflict_start()
    end = _back(conflict, -count, match.group(2))
    return When(conflict, min(end, published), "range", True) if end is not None else None


def _between(match: re.Match[str], published: date) -> When | None:
    """ "between March 15, 2011 and November 30, 2012", "from March 2011 to April 2014"."""
    first, last = _date_in(match.group(1), published), _date_in(match.group(2), published)
    if first is None or last is None or first[0] > last[1]:
        return None
    period = _period(first[0], last[1])
    return period if period.cumulative else When(first[0], last[1], "range")


def _since_began(match: re.Match[str], published: date) -> When | None:
    """ "since the offensive on the city began in mid-September", "since they began a month
    ago": a period from the start it names."""
    if match.group(1):
        return _since(match.group(1), published)
    count = _count(match.group(2))
    start = _back(published, count, match.group(3)) if count is not None else None
    return _period(start, published) if start is not None else None


def _since_date(match: re.Match[str], published: date) -> When | None:
    return _since(_since_text(match), published)


def _since_text(match: re.Match[str]) -> str | None:
    """The written start of a "since" period: "mid-September" in "since mid-September" and in
    "since the assault began in mid-September"."""
    return match.group(1) if match.re is _patterns()["since_began"] else match.group(0)[6:]


def _since_season(match: re.Match[str], published: date) -> When:
    return _period(_season_start(match.group(1), published), published)


def _month_total(match: re.Match[str], published: date) -> When | None:
    """ "during the month of June", "August was the deadliest month": that month's total."""
    found = _date_in(match.group(1), published)
    if found is None or found[0] > published:
        return None
    return When(found[0], min(found[1], published), "month", True)


def _year_to_date(match: re.Match[str], published: date) -> When:
    """ "so far this year": from 1 January to the report."""
    return When(date(published.year, 1, 1), published, "range", True)


def _past_period(match: re.Match[str], published: date) -> When | None:
    """ "in the last nine days" (the span of an event), "in the past seven months" (a running
    total): counted back from the report day."""
    count = _count(match.group(1))
    start = _back(published, count, match.group(2)) if count is not None else None
    return _period(start, published) if start is not None else None


# Kinds that name a period up to a day (a running total, or the span of one event).
_PERIODS = {
    "conflict": _whole_conflict,
    "conflict_in": _whole_conflict,
    "conflict_which": _whole_conflict,
    "conflict_first": _first_of_conflict,
    "between": _between,
    "since_began": _since_began,
    "since_date": _since_date,
    "season": _since_season,
    "month_total": _month_total,
    "worst_month": _month_total,
    "year_to_date": _year_to_date,
    "past_days": _past_period,
}


@functools.cache
def _gated_patterns() -> list[tuple[str, re.Pattern[str], tuple[str, ...]]]:
    """(kind, pattern, gate words) in priority order: earlier kinds win overlaps."""
    gates = _gates()
    return [(kind, pattern, _shortest(gates[kind])) for kind, pattern in _patterns().items()]


@functools.cache
def _gate_words() -> tuple[str, ...]:
    return tuple(dict.fromkeys(word for _, _, gate in _gated_patterns() for word in gate))


@functools.cache
def _presence_plan() -> list[tuple[str, tuple[str, ...]]]:
    """(word, pieces) for the gate words and their pieces, shortest first: the pieces of a
    word are the other words and the words of a phrase that it holds ("last week" holds
    "last" and "week"). A word whose piece is absent from a text is absent too, without a
    search through the text (most phrases are absent from most articles)."""
    words = set(_gate_words())
    words.update(part for word in _gate_words() for part in word.split(" ") if part)
    order = sorted(words, key=lambda w: (len(w), w))
    return [(w, tuple(o for o in order if len(o) < len(w) and o in w)) for w in order]


def _shortest(gate: tuple[str, ...]) -> tuple[str, ...]:
    """The gate without the words that hold another of its words ("jan." holds "jan",
    "civil war" holds "war"): whether any word occurs is the same, with fewer tests."""
    kept = [w for w in gate if not any(o != w and o in w for o in gate)]
    return tuple(dict.fromkeys(kept))


class _TimeIndex(NamedTuple):
    """What `find_times` needs of a document, built once per document."""

    text: str
    kept: list[tuple[str, re.Pattern[str], tuple[str, ...]]]  # kinds whose gate is in the text
    gates: list[tuple[str, ...]]  # the distinct gates of `kept` ("date" and "month" share
    # one), each reduced to its words that occur in the document
    gate_of: list[int]  # per kept kind: its gate's position in `gates`
    token_starts: list[int]  # per token: its character offset
    token_lengths: list[int]  # per token: its length in characters
    # per kept kind: (kind, pattern, its anchor for ASCII text or None, gate position)
    plan: list[tuple[str, re.Pattern[str], tuple[re.Pattern[str], int] | None, int]]


def _time_index(doc: Doc) -> _TimeIndex:
    index = doc.user_data.get("time_index")
    if index is None:
        index = doc.user_data["time_index"] = _build_index(doc)
    return index


def _build_index(doc: Doc) -> _TimeIndex:
    text = doc_text(doc)
    lower = text.lower()
    present: set[str] = set()  # the gate words (and their pieces) that the text holds
    for word, pieces in _presence_plan():
        for piece in pieces:
            if piece not in present:
                break  # a word holding an absent piece is absent
        else:
            if word in lower:
                present.add(word)
    kept: list[tuple[str, re.Pattern[str], tuple[str, ...]]] = []
    gates: list[tuple[str, ...]] = []  # per distinct gate of a kept kind: its words in the text
    gate_of: list[int] = []
    seen: list[tuple[str, ...]] = []
    for entry in _gated_patterns():
        if present.isdisjoint(entry[2]):
            continue
        kept.append(entry)
        if entry[2] not in seen:
            # A sentence's lower-case text is a piece of the document's, but for the
            # context-dependent final sigma: an ASCII word absent from the document is
            # absent from its sentences.
            seen.append(entry[2])
            gates.append(tuple(w for w in entry[2] if w in present or not w.isascii()))
        gate_of.append(seen.index(entry[2]))
    starts, lengths = token_offsets(doc)
    anchors = _anchors()
    plan = [
        (kind, pattern, anchors.get(kind), gate)
        for (kind, pattern, _), gate in zip(kept, gate_of, strict=True)
    ]
    return _TimeIndex(text, kept, gates, gate_of, starts, lengths, plan)


@functools.cache
def _anchors() -> dict[str, tuple[re.Pattern[str], int]]:
    """Per kind whose matches hold a month, weekday or year, or start with a known phrase
    (`_entries`): (that name's or phrase's pattern, for lower-case ASCII text; how many
    characters a match may start before it)."""
    r = load_rules("dates")
    months = r["months"]
    names = {
        "since_date": (months, [_SINCE_DATE_LEAD]),
        "date": (months, ["", _DATE_LEAD]),
        "month": (months, [_MONTH_LEAD]),
        "weekday": (r["weekdays"], [_WEEKDAY_LEAD]),
    }
    anchors = {
        kind: (re.compile(_alternation(words)), max(_width(lead) for lead in leads))
        for kind, (words, leads) in names.items()
        if all(w.isascii() and w == w.lower() for w in words)
    }
    anchors["year"] = (re.compile(_YEAR_NUMBER), _width(_YEAR_LEAD))
    anchors.update((kind, (entry, 0)) for kind, entry in _entries().items())
    return anchors


@functools.cache
def _entries() -> dict[str, re.Pattern[str]]:
    """Per kind whose every match starts with a lower-case ASCII phrase: that phrase's pattern,
    for lower-case ASCII text. The kind's own pattern opens with `\\b` and ignores case, which
    keeps the regex engine from skipping ahead to a likely start: it tries every position."""
    r = load_rules("dates")
    entries = {
        "conflict": _CONFLICT_START,
        "conflict_in": _CONFLICT_IN_START,
        "past_days": _PAST_DAYS_START,
        "past_year": _PAST_YEAR_START,
    }
    for kind, words in [("year_word", list(r["year_words"]))] + [(k, r[k]) for k in _WORD_KINDS]:
        if all(w and w.isascii() and w == w.lower() for w in words):
            entries[kind] = _alternation(words)
    return {kind: re.compile(entry) for kind, entry in entries.items()}


def _width(lead: str) -> int:
    """The most characters a regular expression matches (ignoring case)."""
    return re._parser.parse(lead, re.IGNORECASE).getwidth()[1]


def _anchored_matches(
    pattern: re.Pattern[str], anchor: tuple[re.Pattern[str], int], text: str, lower: str
) -> list[re.Match[str]]:
    """`pattern.finditer(text)` for a pattern whose every match holds a name `anchor[0]`
    finds in `lower` (the ASCII text in lower case: a name matched ignoring case is the name
    in lower case) at most `anchor[1]` characters after the match's start: the search for the
    next match starts that far before the next name, not at every word of the sentence."""
    names, lead = anchor
    found: list[re.Match[str]] = []
    at = 0
    while True:
        name = names.search(lower, at)
        if name is None:
            return found
        match = pattern.search(text, max(at, name.start() - lead))
        if match is None:
            return found
        found.append(match)
        at = match.end()


@functools.cache
def _conflict_start() -> date:
    return date.fromisoformat(load_rules("dates")["conflict_start"])


def find_times(sent: Span, published: date | None) -> list[TimeMention]:
    """Time expressions in one sentence, longest first where they overlap, in text order."""
    index = _time_index(sent.doc)
    offset = sent.start_char
    text = index.text[offset : sent.end_char]
    lower = text.lower()
    opened: list[bool] = []
    for gate in index.gates:  # only the gate words the document holds
        for word in gate:
            if word in lower:
                opened.append(True)
                break
        else:
            opened.append(False)
    if True not in opened:
        return []  # most sentences: no gate word, no pattern to try
    found: list[_Found] = []  # disjoint, in text order
    ascii_text = text.isascii()
    for kind, pattern, anchor, gate in index.plan:
        if not opened[gate]:
            continue
        if anchor is not None and ascii_text:
            matches = _anchored_matches(pattern, anchor, text, lower)
        else:
            matches = pattern.finditer(text)
        found = _add_kind(found, kind, matches, published)
    if not found:
        return []
    found = [_refined(item, sent.doc, published) for item in found]
    mentions: list[TimeMention] = []
    kinds: list[_Found] = []  # per mention: what made it
    starts, lengths = index.token_starts, index.token_lengths
    last_token = len(starts) - 1
    size = len(index.text)
    lowers = token_lowers(sent.doc)
    for item in found:
        s, e, when = item.start, item.end, item.when
        # (first, last) of `doc.char_span(offset + s, offset + e, alignment_mode="expand")`,
        # from the token offsets (without building a Span). Token i reaches (its trailing
        # space included) to the next token's start, the last token to the text's end.
        start_char = offset + s
        first = bisect_right(starts, start_char) - 1
        if first < 0 or start_char >= (starts[first + 1] if first < last_token else size):
            continue
        end_char = offset + e - 1
        last = bisect_right(starts, end_char, first) - 1
        if last < 0 or end_char >= (starts[last + 1] if last < last_token else size):
            continue
        if start_char == starts[first] + lengths[first]:
            first += 1
        last += 1
        if mentions and _continues_cumulative(mentions[-1], first, when):
            # "since the uprising began | in March 2011": the date names the start of the
            # running total, not a period of its own that a later count could take.
            mentions[-1] = mentions[-1]._replace(end=last)
            continue
        mentions.append(TimeMention(first, last, when, _spoken(lowers, first, last, sent)))
        kinds.append(item)
    return _about_deaths(mentions, kinds, published)


def _refined(item: _Found, doc: Doc, published: date | None) -> _Found:
    """A period since part of a month ("since mid-September") starts on the one day of that
    part that the article names ("The assault began on Sept. 16"), when it names one."""
    if item.kind not in ("since_began", "since_date") or not item.when.cumulative:
        return item
    text = _since_text(item.match)
    part = _part(text) if text else None
    if part is None or published is None:
        return item
    first, last = _PART_DAYS[part]
    start = item.when.start
    named = {
        d
        for d in _named_days(doc, published)
        if (d.year, d.month) == (start.year, start.month) and first <= d.day <= last
    }
    if len(named) != 1:
        return item
    return item._replace(when=_period(named.pop(), item.when.end))


def _named_days(doc: Doc, published: date) -> list[date]:
    """Every exact day the article writes ("Sept. 16", "4 May 2012"), found once per article."""
    days = doc.user_data.get("named_days")
    if days is None:
        days = []
        for match in _patterns()["date"].finditer(_time_index(doc).text):
            try:
                found = _date_in(match.group(0), published)
            except (ValueError, OverflowError):
                continue  # off the calendar
            if found is not None and found[0] == found[1]:
                days.append(found[0])
        doc.user_data["named_days"] = days
    return days


def _spoken(lowers: list[str], first: int, last: int, sent: Span) -> bool:
    """A time right after a speech verb ("said on Friday", "told reporters yesterday") or
    right before one ("on Thursday said"), or a dateline's ("DAMASCUS, Oct. 3 (Xinhua) --"):
    when the source spoke. Not a possessive ("activists say yesterday's violence ...")."""
    following = lowers[last] if last < sent.end else ""
    if following in _POSSESSIVE:
        return False
    if first - sent.start < _DATELINE_TOKENS and following in _DATELINE_NEXT:
        return True
    verbs, with_object = _speech_verbs()
    if first > sent.start and lowers[first - 1] in verbs:
        return True
    if last < sent.end and lowers[last] in verbs:
        return True
    for back in range(2, _SPEECH_GAP + 2):  # "told | reporters | on Friday"
        if first - back < sent.start or not lowers[first - back + 1].isalpha():
            break
        if lowers[first - back] in with_object:
            return True
    return False


@functools.cache
def _speech_verbs() -> tuple[frozenset[str], frozenset[str]]:
    """Speech verbs, and those that take an object before their time ("told reporters")."""
    rules = load_rules("dates")
    return frozenset(rules["speech_verbs"]), frozenset(rules["speech_verbs_with_object"])


def _about_deaths(
    mentions: list[TimeMention], kinds: list[_Found], published: date | None
) -> list[TimeMention]:
    """The times a count in the sentence may take. A speech time is dropped when the sentence
    has another ("the Observatory said Friday" about deaths "on Thursday"); a period up to
    "now" ends on the day the source spoke ("in the last two weeks, a group said on
    Saturday")."""
    spoken = [m for m in mentions if m.speech]
    if not spoken or len(spoken) == len(mentions):
        return mentions
    said = spoken[0].when
    kept = []
    for mention, item in zip(mentions, kinds, strict=True):
        if mention.speech:
            continue
        earlier = published is not None and said.start == said.end and said.start < published
        if earlier and item.kind in _UP_TO_NOW:
            when = _resolved(item.kind, item.match, said.start)
            mention = mention._replace(when=when) if when is not None else mention
        kept.append(mention)
    return kept


def _add_kind(
    found: list[_Found], kind: str, matches: Iterable[re.Match[str]], published: date | None
) -> list[_Found]:
    """`found` with the matches of a later (lower-priority) kind that overlap none of it.
    Matches come in text order and `found` is disjoint and in text order, so one pointer
    walks it once (a scan of all found times per match was quadratic in a sentence full of
    weekday names)."""
    added: list[_Found] = []
    at = 0
    for match in matches:
        s, e = match.span()
        while at < len(found) and found[at].end <= s:
            at += 1
        if at < len(found) and found[at].start < e:
            continue
        when = _resolved(kind, match, published)
        if when is not None:
            added.append(_Found(s, e, when, kind, match))
    if not added:
        return found
    return sorted(found + added, key=_first)  # two sorted runs: a linear merge


def _resolved(kind: str, match: re.Match[str], published: date | None) -> When | None:
    """`_resolve`, with no time for a phrase that falls off the calendar (a report dated in
    year 1 and "last Friday")."""
    try:
        return _resolve(kind, match, published)
    except (ValueError, OverflowError):
        return None


def _first(found: _Found) -> int:
    return found.start


def _continues_cumulative(previous: TimeMention, start: int, when: When) -> bool:
    """A date right after a cumulative phrase that falls at or within a month after its start
    ("since the uprising began | ten weeks ago")."""
    if not previous.when.cumulative or when.cumulative or start - previous.end > 1:
        return False
    slack = timedelta(days=load_rules("dates")["conflict_start_slack_days"])
    return when.start is not None and when.start <= previous.when.start + slack


def running_total(
    mention: TimeMention | None, published: date | None, count: int | None
) -> When | None:
    """A count too large for one day's deaths ("more than 100,000 people have been killed") is
    a running total: over the year or month its sentence names ("in 2012", "in August"),
    else the conflict's up to the day the sentence names (the day its source spoke, "the UN
    on Tuesday raised its toll to 9,000"), else up to the report."""
    least = load_rules("dates")["running_total_min_count"]
    if count is None or count < least or published is None:
        return None
    conflict = _conflict_start()
    if mention is None:
        return When(conflict, published, "range", True)
    when = mention.when
    if when.cumulative or when.start is None or when.end is None or when.end < conflict:
        return None  # its own running total, or a time before this war ("the 1982 massacre")
    if when.precision in ("year", "month"):
        return When(max(when.start, conflict), min(when.end, published), when.precision, True)
    return When(conflict, min(when.end, published), "range", True)


def continues_running_total(sent: Span) -> bool:
    """A sentence worded as part of a running total ("32 civilians have also been killed",
    "In addition, ...", "The report added that ..."): a count in it without a time of its own
    takes the paragraph's running total, however small."""
    known = sent.doc.user_data.setdefault("running_cues", {})  # per sentence: asked per claim
    if sent.start_char not in known:
        text = _time_index(sent.doc).text[sent.start_char : sent.end_char]
        known[sent.start_char] = _running_cues().search(text) is not None
    return known[sent.start_char]


@functools.cache
def _running_cues() -> re.Pattern[str]:
    return re.compile(rf"\b(?:{_alternation(load_rules('dates')['running_total_cues'])})\b", re.I)


def nearest_time(mentions: list[TimeMention], start: int, end: int, doc: Doc) -> TimeMention | None:
    """The time expression closest to tokens [start, end); a comma between counts extra, so
    "the deaths on Wednesday, at least 74 were killed ... on Tuesday" is Tuesday. One further
    than `time_reach` (several clause breaks away: "16 killed across the country, activists
    said, hours after troops shelled Deraa overnight") belongs to another clause: none.

    Mentions are disjoint and in text order, so the nearest is the last one ending before the
    claim or the first one after it (the first overlapping one, at distance 0): two bisections,
    not a scan of every mention per claim."""
    if not mentions:
        return None
    commas = _comma_counts(doc)
    after = bisect_right(mentions, start, key=_mention_end)
    best: TimeMention | None = None
    best_distance = 0
    if after > 0:
        best = mentions[after - 1]
        best_distance = start - best.end + _COMMA_PENALTY * (commas[start] - commas[best.end])
    if after < len(mentions):
        m = mentions[after]
        distance = 0
        if m.start >= end:
            distance = m.start - end + _COMMA_PENALTY * (commas[m.start] - commas[end])
        if best is None or distance < best_distance:
            best, best_distance = m, distance
    return best if best_distance <= load_rules("dates")["time_reach"] else None


def _mention_end(mention: TimeMention) -> int:
    return mention.end


def _comma_counts(doc: Doc) -> list[int]:
    """Per token index i: how many of the tokens before i are commas (once per document)."""
    counts = doc.user_data.get("comma_counts")
    if counts is None:
        flags = (text == "," for text in token_texts(doc))
        counts = doc.user_data["comma_counts"] = [0, *accumulate(flags)]
    return counts
