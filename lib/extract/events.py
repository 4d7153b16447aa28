"""Violent events: trigger phrases -> an event type of lib.claims.EVENT_TYPES.

A trigger right after a modal, negation or intention ("would pull", "promise to withdraw",
"stop troop movement", "attempted to capture") did not happen (yet) and is skipped; so is a
trigger next to words that make it about something else ("observers were deployed", "the
ambassador was withdrawn").
"""

from __future__ import annotations

import functools
from typing import NamedTuple

from spacy.matcher import PhraseMatcher
from spacy.tokens import Span

from lib.extract.matching import Hit, phrase_matcher
from lib.extract.rules import load_rules
from lib.extract.text import token_lowers


class EventMention(NamedTuple):
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


@functools.cache
def _not_near() -> tuple[dict[str, frozenset[str]], int]:
    """Words that make a trigger about something else: observers deployed, envoys withdrawn."""
    rules = load_rules("events")
    table = {kind: frozenset(words) for kind, words in rules["not_near"].items()}
    return table, rules["not_near_window"]


def find_events(sent: Span, hits: list[Hit]) -> list[EventMention]:
    """The first real trigger of each event type in the sentence, in text order."""
    if not hits:
        return []
    markers, window = _hypothetical()
    not_near, near = _not_near()
    lowers = token_lowers(sent.doc)
    seen: set[str] = set()
    found: list[EventMention] = []
    sent_start, sent_end = sent.start, sent.end
    for start, end, label in hits:
        if label in seen:
            continue
        if not markers.isdisjoint(lowers[max(sent_start, start - window) : start]):
            continue
        other_topic = not_near.get(label)
        lo, hi = max(sent_start, start - near), min(sent_end, end + near)
        if other_topic and not other_topic.isdisjoint(lowers[lo:hi]):
            continue
        seen.add(label)
        found.append(EventMention(start, end, label))
    return found
