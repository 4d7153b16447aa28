"""Numbers in wire copy: "9,000", "six", "twenty-five", "a dozen", "dozens", with qualifiers.

Each mention also says whether it is a trap: a year, an age, a duration, a plan name, a count
of vehicles... Tolls (`tolls.py`) only ever use mentions that are not traps.
"""

from __future__ import annotations

import functools
import math
import re
from bisect import bisect_left
from dataclasses import dataclass
from itertools import compress, filterfalse
from operator import itemgetter
from typing import NamedTuple

from spacy.tokens import Doc, Span

from lib.extract.rules import load_rules
from lib.extract.text import token_lowers, token_texts

_DIGITS = re.compile(r"^\d{1,3}(?:,\d{3})+$|^\d+(?:\.\d+)?$")
_YEAR_RANGE = (1900, 2100)
_FIRST = itemgetter(slice(0, 1))  # word -> word[:1]


class NumberMention(NamedTuple):
    """A count in a sentence; token indices are absolute (doc) indices, `end` exclusive.
    (A named tuple: a frozen dataclass's construction costs several times more.)"""

    start: int  # first token, qualifier included
    end: int
    value: int | None  # None for a vague count ("dozens")
    low: int | None
    high: int | None
    qualifier: str  # one of lib.claims.QUALIFIERS
    trap: str | None  # why this is not a count of people, else None


@dataclass(frozen=True)
class _Tables:
    units: dict[str, int]
    scales: dict[str, int]
    approximate: dict[str, int]
    vague: dict[tuple[str, ...], tuple[int, int]]
    qualifiers: dict[tuple[str, ...], str]
    trap_next: frozenset[str]
    trap_prev: frozenset[str]
    months: frozenset[str]
    age_words: frozenset[str]
    one_followers: frozenset[str]
    one_in_list: frozenset[str]  # after "..., one": "two died in Homs, one IN Hama"
    family_verbs: frozenset[str]  # "who HAD six children": a family's size
    family_nouns: frozenset[str]
    max_count: int  # above it a number is no count of people
    max_qualifier: int
    max_vague: int
    starters: frozenset[str]  # words a spelled-out or vague count can start with
    vague_first: frozenset[str]  # first words of the vague phrases
    qualifier_last: frozenset[str]  # last words of the qualifier phrases


@functools.cache
def _tables() -> _Tables:
    rules = load_rules("numbers")
    vague = {tuple(k.split()): (lo, hi) for k, (lo, hi) in rules["vague"].items()}
    qualifiers = {
        tuple(phrase.split()): name
        for name, phrases in rules["qualifiers"].items()
        for phrase in phrases
    }
    return _Tables(
        units=rules["units"],
        scales=rules["scales"],
        approximate=rules["approximate_words"],
        vague=vague,
        qualifiers=qualifiers,
        trap_next=frozenset(rules["trap_next"]),
        trap_prev=frozenset(rules["trap_prev"]),
        months=frozenset(rules["months"]),
        age_words=frozenset(rules["age_words"]),
        one_followers=frozenset(rules["one_followers"]),
        one_in_list=frozenset(rules["one_in_list"]),
        family_verbs=frozenset(rules["family_verbs"]),
        family_nouns=frozenset(rules["family_nouns"]),
        max_count=rules["max_count"],
        max_qualifier=max(len(k) for k in qualifiers),
        max_vague=max(len(k) for k in vague),
        starters=frozenset(
            [*rules["units"], *rules["scales"], *rules["approximate_words"], "a", "an"]
            + [key[0] for key in vague]
        ),
        vague_first=frozenset(key[0] for key in vague),
        qualifier_last=frozenset(key[-1] for key in qualifiers if key),
    )


@functools.lru_cache(maxsize=8192)
def _digits_value(word: str) -> float | None:
    """The value of a number written in digits ("9,000", "2.5"), else None (also for one too
    long for a float: "999...9" with 400 digits)."""
    if not _DIGITS.match(word):
        return None
    value = float(word.replace(",", ""))
    return value if math.isfinite(value) else None


def _parse_words(words: list[str], i: int, t: _Tables) -> tuple[int, int] | None:
    """(value, tokens used) for a spelled-out number starting at words[i]."""
    total = current = 0
    j = i
    used = 0
    while j < len(words):
        w = words[j]
        if w in t.units:
            current += t.units[w]
        elif w in t.scales and (used or current):
            current = max(current, 1) * t.scales[w]
            if t.scales[w] >= 1000:
                total, current = total + current, 0
        elif w in ("-", "and") and used and j + 1 < len(words) and words[j + 1] in t.units:
            j += 1
            continue
        else:
            break
        used = j - i + 1
        j += 1
    return (total + current, used) if used else None


def _parse_at(words: list[str], i: int, t: _Tables) -> tuple[int | None, int, int, int, str] | None:
    """(value, low, high, tokens used, implied qualifier) of the number at words[i], if any."""
    w = words[i]
    if w in t.vague_first:  # a vague phrase starts with one of these
        for size in range(t.max_vague, 0, -1):
            key = tuple(words[i : i + size])
            if key in t.vague:
                low, high = t.vague[key]
                used = size + (1 if i + size < len(words) and words[i + size] == "of" else 0)
                return None, low, high, used, "vague"
    value = _digits_value(w)
    if value is not None:
        used = 1
        if i + 1 < len(words) and words[i + 1] in t.scales:
            value *= t.scales[words[i + 1]]
            used = 2
        return int(value), int(value), int(value), used, "exact"
    if w in ("a", "an") and i + 1 < len(words):
        nxt = words[i + 1]
        if nxt in t.approximate:
            value = t.approximate[nxt]
            return value, value, value, 2, "about"
        if nxt in t.scales:
            value = t.scales[nxt]
            return value, value, value, 2, "exact"
        return None
    if w in t.approximate and i > 0 and words[i - 1] in t.units:
        return None
    parsed = _parse_words(words, i, t)
    if parsed is None:
        return None
    value, used = parsed
    if i + used < len(words) and words[i + used] in t.approximate:
        value *= t.approximate[words[i + used]]
        return value, value, value, used + 1, "about"
    return value, value, value, used, "exact"


def _qualifier_before(words: list[str], i: int, t: _Tables) -> tuple[str, int] | None:
    if i == 0 or words[i - 1] not in t.qualifier_last:
        return None
    for size in range(min(t.max_qualifier, i), 0, -1):
        key = tuple(words[i - size : i])
        if key in t.qualifiers:
            return t.qualifiers[key], size
    return None


def _trap(
    words: list[str], texts: list[str], start: int, i: int, end: int, t: _Tables
) -> str | None:
    """Why the number words[i:end] (qualifier from `start`) is not a head count, if it is not."""
    nxt = words[end] if end < len(words) else ""
    prev = words[start - 1] if start > 0 else ""
    if nxt.startswith("-"):
        return "compound"  # six-point plan, 12-year-old, 30-day
    if nxt in t.trap_next or nxt.endswith("%"):
        return f"unit:{nxt}"
    if prev in t.trap_prev:
        return f"after:{prev}"
    if prev in t.months or nxt in t.months:
        return "date"
    number = texts[i]
    if number.isdigit() and _YEAR_RANGE[0] <= int(number) <= _YEAR_RANGE[1] and end == i + 1:
        return "year"
    if not t.age_words.isdisjoint(words[max(0, start - 3) : start]):
        return "age"  # "aged 18", "aged between 18 and 40"
    if prev == "," and nxt == "," and start >= 2 and texts[start - 2][:1].isupper():
        return "age"  # "Ahmed Saleh, 34, was shot"
    if prev in t.family_verbs and nxt in t.family_nouns:
        return "family"  # "a cleric who had six children", "she has three sons"
    listed = prev in (",", "and") and nxt in t.one_in_list  # "..., one in Hama"
    if words[i] == "one" and end == i + 1 and nxt not in t.one_followers and not listed:
        return "pronoun"  # "one of", "one where people are killed", "one activist said"
    return None


def number_starts(doc: Doc) -> list[int]:
    """Indices of the document's tokens that can start a number (most words cannot: the
    parser then skips them), found once per document. "a" and "an" are among them (`tolls`
    looks for a toll of one there)."""
    starts = doc.user_data.get("number_starts")
    if starts is None:
        lowers = token_lowers(doc)
        # judged once per distinct word (and remembered across documents: most words recur),
        # then picked out, all without a Python-level loop: the words in `starters` or whose
        # first character is a digit
        judged, able = _verdicts()
        new = set(filterfalse(judged.__contains__, lowers))
        if new:  # verdicts before the words: a word judged has its verdict in `able`
            able.update(new.intersection(_tables().starters))
            able.update(compress(new, map(str.isdigit, map(_FIRST, new))))
            judged.update(new)
        starts = list(compress(range(len(lowers)), map(able.__contains__, lowers)))
        doc.user_data["number_starts"] = starts
    return starts


_VERDICTS_LIMIT = 200_000  # distinct words remembered before starting afresh
_verdicts_now: tuple[set[str], set[str]] = (set(), set())


def _verdicts() -> tuple[set[str], set[str]]:
    """(words judged so far, those among them that can start a number). Replaced, never
    emptied, when full: a caller holding the old pair still sees consistent verdicts."""
    global _verdicts_now
    if len(_verdicts_now[0]) > _VERDICTS_LIMIT:
        _verdicts_now = (set(), set())
    return _verdicts_now


def find_numbers(sent: Span) -> list[NumberMention]:
    """Every number mention in a sentence, left to right, traps flagged."""
    doc = sent.doc
    offset = sent.start
    stop = sent.end
    candidates = number_starts(doc)
    first = bisect_left(candidates, offset)
    if first == len(candidates) or candidates[first] >= stop:
        return []
    t = _tables()
    texts = token_texts(doc)[offset:stop]
    words = token_lowers(doc)[offset:stop]
    found: list[NumberMention] = []
    i = 0
    for candidate in candidates[first : bisect_left(candidates, stop, first)]:
        if candidate - offset < i:
            continue  # inside the number before
        i = candidate - offset
        parsed = _parse_at(words, i, t)
        if parsed is None:
            continue
        value, low, high, used, implied = parsed
        end = i + used
        qualifier, start = implied, i
        before = _qualifier_before(words, i, t)
        if before is not None and implied != "vague":
            qualifier, start = before[0], i - before[1]
        low, high = _bounds(value, low, high, qualifier)
        upper = _range_end(words, i, end, t)
        if upper is not None and value is not None and upper[0] > value:
            # "between 20 and 30", "20 to 30", "5,000-6,000": the lower end as written, the
            # interval kept; with no qualifier word, "at least" the lower end ("exact" would
            # claim a precision the text does not give)
            low, high, end = value, upper[0], upper[1]
            qualifier = "at_least" if qualifier == "exact" else qualifier
            start = i - 1 if i > 0 and words[i - 1] == "between" else start
        trap = _trap(words, texts, start, i, end, t)
        if trap is None and max(v for v in (value, low, high, 0) if v is not None) > t.max_count:
            trap = "too large"  # an amount or a code, and more than a count column holds
        if trap is None and found and found[-1].trap == "age" and _joined(words, found, offset, i):
            trap = "age"  # the upper end of "aged between 18 and 40"
        found.append(
            NumberMention(
                offset + start,
                offset + end,
                value if qualifier != "vague" else None,
                low,
                high,
                qualifier,
                trap,
            )
        )
        i = end
    return found


def _range_end(words: list[str], i: int, end: int, t: _Tables) -> tuple[int, int] | None:
    """(upper value, end) when the number at words[i:end] opens a range to another number."""
    if end + 1 >= len(words):
        return None
    link = words[end]
    between = i > 0 and words[i - 1] == "between"
    if not (link in ("to", "-") or (link == "and" and between)):
        return None
    if link == "to" and i > 0 and words[i - 1] == "from":
        return None  # "the toll rose from 20 to 30": a change, the new toll is 30
    if link == "-" and not _DIGITS.match(words[i]):
        return None  # "twenty-five" is parsed as one number; "six-point" stays a trap
    parsed = _parse_at(words, end + 1, t)
    if parsed is None or parsed[0] is None:
        return None
    return parsed[0], end + 1 + parsed[3]


def _joined(words: list[str], found: list[NumberMention], offset: int, i: int) -> bool:
    """Only "and"/"to"/"-" between the previous mention and the number at words[i]."""
    between = words[found[-1].end - offset : i]
    return 0 < len(between) <= 1 and between[0] in ("and", "to", "-")


def _bounds(value: int | None, low: int | None, high: int | None, qualifier: str) -> tuple:
    """deaths_low/deaths_high implied by a qualifier: "at least 20" -> [20, None]."""
    if qualifier in ("exact", "vague"):
        return low, high
    if qualifier in ("at_least", "more_than"):
        return value, None
    if qualifier == "up_to":
        return None, value
    return None, None
