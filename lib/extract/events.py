"""Violent events: trigger phrases -> an event type of lib.claims.EVENT_TYPES.

A trigger right after a modal, negation or intention ("would pull", "promise to withdraw",
"stop troop movement", "attempted to capture") did not happen (yet) and is skipped.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Span

from lib.extract.matching import Hit, phrase_matcher
from lib.extract.rules import load_rules


@dataclass(frozen=True)
class EventMention:
    start: int  # absolute token indices of the trigger, end exclusive
    end: int
    event_type: str


@functools.cache
def event_matcher() -> PhraseMatcher:
    return phrase_matcher(load_rules("events")["triggers"])


@functools.cache
def _hypothetical() -> tuple[frozenset[str], int]:
    rules = load_rules("events")
    return frozenset(rules["hypothetical"]), rules["event_clause_window"]


def find_events(sent: Span, hits: list[Hit]) -> list[EventMention]:
    """The first real trigger of each event type in the sentence, in text order."""
    markers, window = _hypothetical()
    doc = sent.doc
    seen: set[str] = set()
    found: list[EventMention] = []
    for hit in hits:
        if hit.label in seen:
            continue
        before = {doc[i].lower_ for i in range(max(sent.start, hit.start - window), hit.start)}
        if before & markers:
            continue
        seen.add(hit.label)
        found.append(EventMention(hit.start, hit.end, hit.label))
    return found
