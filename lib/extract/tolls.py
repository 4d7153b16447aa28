"""Death tolls: which numbers in a sentence count dead people, and who the dead were.

A number is a toll only when a death cue claims it: after it ("54 people were KILLED", "six
DEAD") with nothing but a noun phrase between, or before it ("KILLING 12", "the death TOLL rose
to 30"). Wounded, arrested, displaced... claim the numbers next to them instead. Sub-counts
("including 10 children") point at their toll; "no casualties" is a toll of zero; a bare
count after a counting verb ("the LCC has documented more than 11,000") continues the toll
the text is talking about.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Span

from lib.extract.matching import Hit, phrase_matcher
from lib.extract.numbers import NumberMention
from lib.extract.rules import load_rules

# How far a cue may sit from its number: a noun phrase after it, fillers before it.
_AFTER_WINDOW = 10
_BEFORE_GAP = 4
_VICTIM_WINDOW = 4
_CLAUSE_BREAKS = frozenset({";", ":", "but", "while", "whereas", "although", "--"})
_BARE_FOLLOWERS = frozenset({",", ".", ";", "and", ")", "--", "since", "in", "so", "by"})


@dataclass(frozen=True)
class Toll:
    """A death toll found in a sentence (absolute token indices, `end` exclusive)."""

    start: int
    end: int
    deaths: int | None
    low: int | None
    high: int | None
    qualifier: str
    victims: str
    parent: int | None = None  # index, in the same list, of the toll this is a part of
    elliptic: bool = False  # a bare count continuing the toll being talked about


@functools.cache
def toll_matcher() -> PhraseMatcher:
    """Cue phrases: after/before a number, not-death, zero, sub-count markers, victim nouns."""
    rules = load_rules("tolls")
    table = {
        "after": rules["after_number"],
        "before": rules["before_number"],
        "not_death": rules["not_death"],
        "zero": rules["zero"],
        "sub_before": rules["sub_before"],
        "sub_after": rules["sub_after"],
    }
    for kind, nouns in rules["victims"].items():
        table[f"victim:{kind}"] = nouns
    return phrase_matcher(table)


@functools.cache
def _word_sets() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    rules = load_rules("tolls")
    speech = frozenset(load_rules("sources")["speech_verbs"]) - {"count", "tally", "figures"}
    return frozenset(rules["before_number_fillers"]), frozenset(rules["count_verbs"]), speech


def _victims(hits: list[Hit], start: int, end: int) -> str:
    """The first victim noun in tokens [start, end); "all" when the text does not say."""
    for hit in hits:
        if hit.label.startswith("victim:") and start <= hit.start and hit.end <= end + 2:
            return hit.label.split(":", 1)[1]
    return "all"


def _is_sub(sent: Span, n: NumberMention, hits: list[Hit]) -> bool:
    """ "including 10 children", "20 of them", "five children from the same family"."""
    doc = sent.doc
    for hit in hits:
        if hit.label == "sub_before" and hit.end == n.start:
            return True
        noun_between = hit.start == n.end + 1 and doc[n.end].is_alpha
        if hit.label == "sub_after" and (hit.start == n.end or noun_between):
            return True
    return False


def _cue_before(sent: Span, n: NumberMention, hits: list[Hit], others: set[int]) -> Hit | None:
    fillers = _word_sets()[0]
    doc = sent.doc
    for hit in reversed(hits):
        if hit.label != "before" or hit.end > n.start:
            continue
        gap = range(hit.end, n.start)
        if len(gap) <= _BEFORE_GAP and all(
            doc[i].lower_ in fillers and i not in others for i in gap
        ):
            return hit
        return None
    return None


def _cue_after(sent: Span, n: NumberMention, hits: list[Hit], others: set[int]) -> Hit | None:
    speech = _word_sets()[2]
    doc = sent.doc
    by_start = {h.start: h for h in hits}
    for i in range(n.end, min(n.end + _AFTER_WINDOW, sent.end)):
        hit = by_start.get(i)
        word = doc[i].lower_
        if i in others or word in _CLAUSE_BREAKS or word in speech:
            return None
        if hit is None:
            continue
        if hit.label == "not_death":
            return None
        if hit.label == "after":
            claimed_by_next = any(j in others for j in range(hit.end, hit.end + 3))
            return None if claimed_by_next else hit
    return None


def _bare_count(sent: Span, n: NumberMention) -> bool:
    """ "has documented more than 11,000," - a count with no noun, after a counting verb."""
    doc = sent.doc
    count_verbs = _word_sets()[1]
    follower = doc[n.end].lower_ if n.end < sent.end else "."
    before = {doc[i].lower_ for i in range(max(sent.start, n.start - 3), n.start)}
    return follower in _BARE_FOLLOWERS and bool(before & count_verbs)


def find_tolls(
    sent: Span, numbers: list[NumberMention], hits: list[Hit], toll_in_context: bool
) -> list[Toll]:
    """The death tolls of one sentence, in text order (sub-counts after their toll).

    `hits` are this sentence's `toll_matcher` hits; `toll_in_context` says whether the
    paragraph so far holds a toll that a bare count could continue.
    """
    live = [n for n in numbers if n.trap is None]
    subs = [n for n in live if _is_sub(sent, n, hits)]
    main = [n for n in live if n not in subs]
    tolls: list[Toll] = []
    for n in main:
        others = {m.start for m in main if m is not n}
        before = _cue_before(sent, n, hits, others)
        if before is not None:
            victims = _victims(hits, n.end, n.end + _VICTIM_WINDOW)
            tolls.append(Toll(before.start, n.end, n.value, n.low, n.high, n.qualifier, victims))
            continue
        after = _cue_after(sent, n, hits, others)
        if after is not None:
            victims = _victims(hits, n.end, after.start)
            tolls.append(Toll(n.start, after.end, n.value, n.low, n.high, n.qualifier, victims))
            continue
        if (toll_in_context or tolls or any(h.label == "after" for h in hits)) and _bare_count(
            sent, n
        ):
            tolls.append(
                Toll(n.start, n.end, n.value, n.low, n.high, n.qualifier, "all", elliptic=True)
            )
    for hit in hits:
        if hit.label == "zero":
            tolls.append(Toll(hit.start, hit.end, 0, 0, 0, "exact", "all"))
    tolls.sort(key=lambda t: t.start)
    for n in subs:
        parents = [i for i, t in enumerate(tolls) if t.start < n.start and t.parent is None]
        if parents:
            victims = _victims(hits, n.end, n.end + _VICTIM_WINDOW)
            tolls.append(
                Toll(n.start, n.end, n.value, n.low, n.high, n.qualifier, victims, parents[-1])
            )
    return tolls
