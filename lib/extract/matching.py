"""Phrase tables -> spaCy PhraseMatchers, built once and run once per document."""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable, Mapping
from itertools import repeat
from typing import NamedTuple, TypeVar

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from lib.extract.text import pattern_nlp

T = TypeVar("T")


class Hit(NamedTuple):
    """A phrase found in a document: token span [start, end) and the table label it came from.
    A named tuple: documents yield thousands, and tuples are built, hashed and sorted in C."""

    start: int
    end: int
    label: str


# Builds a Hit from a (start, end, label) tuple in C (`Hit(...)` runs a Python `__new__`).
_as_hit = functools.partial(tuple.__new__, Hit)
_tuple_new = tuple.__new__  # over `repeat(Hit)` and tuples: the same, without the partial

# Match id -> label. An id is the hash of its label string, the same in every vocabulary.
_LABELS: dict[int, str] = {}


def phrase_matcher(table: Mapping[str, Iterable[str]], attr: str = "LOWER") -> PhraseMatcher:
    """A PhraseMatcher whose match ids are the table's labels; phrases tokenised like text."""
    nlp = pattern_nlp()
    matcher = PhraseMatcher(nlp.vocab, attr=attr)
    for label, phrases in table.items():
        patterns = {}
        variants = dict.fromkeys(v for phrase in phrases for v in _casings(phrase, attr))
        for doc in nlp.tokenizer.pipe(variants):  # a repeated variant would add nothing
            patterns.setdefault(tuple(t.lower_ for t in doc), doc)
        matcher.add(label, list(patterns.values()))
    return matcher


def _casings(phrase: str, attr: str) -> list[str]:
    """Case variants of a lower-case phrase: the tokenizer splits "u.s." but not "U.S.", so
    a phrase must be tokenised the way it appears in text to match it."""
    if attr != "LOWER":
        return [phrase]
    return [phrase, phrase.title(), phrase.upper(), phrase[:1].upper() + phrase[1:]]


def find(matcher: PhraseMatcher, doc: Doc, longest: bool = True) -> list[Hit]:
    """Hits sorted by position; with `longest`, overlapping hits keep the longest (a phrase
    listed under several labels keeps them all)."""
    matches = matcher(doc)
    if not matches:
        return []
    # A PhraseMatcher yields each (id, start, end) once, by start then end (the labels of one
    # span in hash order): the hits are built column-wise in C and put in order by a sort
    # that only has the labels of a span to swap.
    ids, starts, ends = zip(*matches, strict=True)
    labels = _LABELS
    try:
        names = list(map(labels.__getitem__, ids))
    except KeyError:
        strings = doc.vocab.strings
        for m in ids:
            if m not in labels:
                labels[m] = strings[m]
        names = list(map(labels.__getitem__, ids))
    hits = list(zip(starts, ends, names, strict=True))
    hits.sort()
    if longest and len(hits) > 1:
        hits = _longest(hits, len(doc))
    return list(map(_tuple_new, repeat(Hit, len(hits)), hits))  # `Hit`s, built in C


def _longest(hits: list[tuple[int, int, str]], length: int) -> list[tuple[int, int, str]]:
    """The sorted hits whose span is kept when spans are taken longest first (then leftmost)
    and a span overlapping a taken one is dropped; the labels of a kept span all stay.
    One-token spans come last and cannot overlap each other: such a hit is kept unless a
    longer kept span covers its token."""
    longer = {(s - e, s, e) for s, e, _ in hits if e - s > 1}
    if not longer:
        return hits
    taken = bytearray(length)  # 1 where a kept span covers the token
    kept = set()
    for _, s, e in sorted(longer):
        if taken.find(1, s, e) < 0:
            kept.add((s, e))
            taken[s:e] = b"\x01" * (e - s)
    return [h for h in hits if (not taken[h[0]] if h[1] - h[0] == 1 else (h[0], h[1]) in kept)]


def within(hits: list[T], start: int, end: int) -> list[T]:
    """The hits (anything with token `start`/`end`, sorted by start) inside [start, end)."""
    if not hits:
        return []
    if type(hits[0]) in _START_FIRST:  # tuples that begin with `start`: compared in C
        first = _bisect_left(hits, (start,))
        last = _bisect_left(hits, (end,), first)
    else:
        first = _bisect_left(hits, start, key=_start)
        last = _bisect_left(hits, end, first, key=_start)
    if first == last:
        return []
    found = hits[first:last]
    for h in found:  # a loop here costs less than a comprehension's call
        if h.end > end:  # a span that runs past `end`: rare
            return [h for h in found if h.end <= end]
    return found


_bisect_left = bisect.bisect_left


def _start(hit) -> int:
    return hit.start


def starts_with_start(kind: type) -> type:
    """Register a named tuple type whose first two fields are `start`, `end`, so that `within`
    can bisect a sorted list of them by comparing tuples in C."""
    assert kind._fields[:2] == ("start", "end")
    _START_FIRST.add(kind)
    return kind


_START_FIRST: set[type] = {Hit}
