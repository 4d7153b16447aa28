"""Phrase tables -> spaCy PhraseMatchers, built once and run once per document."""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
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


def phrase_matcher(table: Mapping[str, Iterable[str]], attr: str = "LOWER") -> PhraseMatcher:
    """A PhraseMatcher whose match ids are the table's labels; phrases tokenised like text."""
    nlp = pattern_nlp()
    matcher = PhraseMatcher(nlp.vocab, attr=attr)
    for label, phrases in table.items():
        patterns = {}
        for phrase in phrases:
            for variant in _casings(phrase, attr):
                doc = nlp.make_doc(variant)
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
    vocab = doc.vocab.strings
    hits = sorted({Hit(s, e, vocab[m]) for m, s, e in matcher(doc)})
    if not longest:
        return hits
    kept: list[Hit] = []
    spans: set[tuple[int, int]] = set()
    taken = bytearray(len(doc))  # 1 where a kept hit covers the token
    for hit in sorted(hits, key=_longest_first):
        start, end = hit.start, hit.end
        if (start, end) in spans or 1 not in taken[start:end]:
            kept.append(hit)
            spans.add((start, end))
            taken[start:end] = b"\x01" * (end - start)
    return sorted(kept)


def _longest_first(hit: Hit) -> tuple[int, int]:
    return hit.start - hit.end, hit.start


def within(hits: list[T], start: int, end: int) -> list[T]:
    """The hits (anything with token `start`/`end`, sorted by start) inside [start, end)."""
    first = bisect.bisect_left(hits, start, key=lambda h: h.start)
    last = bisect.bisect_left(hits, end, key=lambda h: h.start)
    return [h for h in hits[first:last] if h.end <= end]
