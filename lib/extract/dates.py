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
from lib.extract.text import doc_text, token_offsets, token_texts

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
_CONFLICT_START = "since "
_CONFLICT_IN_START = r"(?:in|during|throughout|over the course of) (?:the|syria's) "
_PAST_DAYS_START = r"(?:in|over|during|within) the (?:past|last|previous) "
_PAST_YEAR_START = r"the (?:19|20)"
_WORD_KINDS = ("same_day", "day_before", "last_week", "this_week", "weekend", "last_month")


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
    return {
        "conflict": re.compile(
            rf"\b{_CONFLICT_START}(?:the (?:start|beginning|outbreak|onset) of )?(?:the |an? )?"
            rf"(?:[\w-]+ )?(?:{nouns})\b(?: (?:began|started|erupted|broke out))?",
            flags,
        ),
        "conflict_in": re.compile(
            rf"\b{_CONFLICT_IN_START}(?:[\w-]+ ){{0,3}}?(?:{in_nouns})\b",
            flags,
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
        "past_days": re.compile(rf"\b{_PAST_DAYS_START}(\w+) (days?|weeks?)\b", flags),
        "year": re.compile(rf"{_YEAR_LEAD}({_YEAR_NUMBER})\b(?! \w+ ago)", flags),
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
        if marker == "last" and back == 0:
            back = 7
        day = published - timedelta(days=back)
    return day, day, "day"


def _resolve(kind: str, match: re.Match[str], published: date | None) -> When | None:
    conflict = _conflict_start()
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
    found: list[tuple[int, int, When]] = []  # disjoint, in text order
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
    mentions: list[TimeMention] = []
    starts, lengths = index.token_starts, index.token_lengths
    last_token = len(starts) - 1
    size = len(index.text)
    for s, e, when in found:
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
            mentions[-1] = TimeMention(mentions[-1].start, last, mentions[-1].when)
            continue
        mentions.append(TimeMention(first, last, when))
    return mentions


def _add_kind(
    found: list[tuple[int, int, When]],
    kind: str,
    matches: Iterable[re.Match[str]],
    published: date | None,
) -> list[tuple[int, int, When]]:
    """`found` with the matches of a later (lower-priority) kind that overlap none of it.
    Matches come in text order and `found` is disjoint and in text order, so one pointer
    walks it once (a scan of all found times per match was quadratic in a sentence full of
    weekday names)."""
    added: list[tuple[int, int, When]] = []
    at = 0
    for match in matches:
        s, e = match.span()
        while at < len(found) and found[at][1] <= s:
            at += 1
        if at < len(found) and found[at][0] < e:
            continue
        when = _resolve(kind, match, published)
        if when is not None:
            added.append((s, e, when))
    if not added:
        return found
    return sorted(found + added, key=_first)  # two sorted runs: a linear merge


def _first(found: tuple[int, int, When]) -> int:
    return found[0]


def _continues_cumulative(previous: TimeMention, start: int, when: When) -> bool:
    """A date right after a cumulative phrase that falls at or before the conflict's start."""
    adjacent = start - previous.end <= 1
    early = when.start is not None and when.start <= previous.when.start
    return previous.when.cumulative and adjacent and early and not when.cumulative


def nearest_time(mentions: list[TimeMention], start: int, end: int, doc: Doc) -> TimeMention | None:
    """The time expression closest to tokens [start, end); a comma between counts extra, so
    "the deaths on Wednesday, at least 74 were killed ... on Tuesday" is Tuesday.

    Mentions are disjoint and in text order, so the nearest is the last one ending before the
    claim or the first one after it (the first overlapping one, at distance 0): two bisections,
    not a scan of every mention per claim."""
    if len(mentions) < 2:  # most sentences have at most one: nothing to weigh
        return mentions[0] if mentions else None
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
            best = m
    return best


def _mention_end(mention: TimeMention) -> int:
    return mention.end


def _comma_counts(doc: Doc) -> list[int]:
    """Per token index i: how many of the tokens before i are commas (once per document)."""
    counts = doc.user_data.get("comma_counts")
    if counts is None:
        flags = (text == "," for text in token_texts(doc))
        counts = doc.user_data["comma_counts"] = [0, *accumulate(flags)]
    return counts
