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
from bisect import bisect_left
from itertools import compress
from operator import itemgetter
from typing import NamedTuple

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from lib.extract.matching import Hit, phrase_matcher
from lib.extract.numbers import NumberMention, number_starts
from lib.extract.rules import load_rules
from lib.extract.text import token_lowers, token_texts

# How far a cue may sit from its number: a noun phrase after it, fillers before it.
_AFTER_WINDOW = 10
_BEFORE_GAP = 4
_VICTIM_WINDOW = 4
EARLIER = -1  # parent of a sub-count whose toll is in an earlier sentence
_CLAUSE_BREAKS = frozenset({";", ":", "but", "while", "whereas", "although", "--"})
_BARE_FOLLOWERS = frozenset({",", ".", ";", "and", ")", "--", "since", "in", "so", "by"})
_NOUN_BREAKS = frozenset({"and", "or", "in", "including", "among", "when", "as", "after"})
# spaCy's `is_quote` set: a quote may sit inside the noun phrase after a number.
_QUOTES = frozenset(('"', "'", "`", "«", "»", "‘", "’", "‚", "‛", "“", "”", "„", "‟", "‹", "›",
                     "❮", "❯", "''", "``"))  # fmt: skip


class Toll(NamedTuple):
    """A death toll found in a sentence (absolute token indices, `end` exclusive). A named
    tuple: a frozen dataclass's `__init__` (one `object.__setattr__` per field) cost more."""

    start: int
    end: int
    deaths: int | None
    low: int | None
    high: int | None
    qualifier: str
    victims: str
    parent: int | None = None  # index in the same list of the toll this is part of; -1: earlier
    elliptic: bool = False  # a bare count continuing the toll being talked about
    standalone: bool = False  # a sub-count that says it counts dead ("of the dead, 20")


@functools.cache
def toll_matcher() -> PhraseMatcher:
    """Cue phrases: after/before a number, not-death, zero, sub-count markers, victim nouns."""
    rules = load_rules("tolls")
    table = {
        "after": rules["after_number"],
        "before": rules["before_number"],
        "toll": rules["toll_nouns"],
        "not_death": rules["not_death"],
        "zero": rules["zero"],
        "sub_before": rules["sub_before"],
        "sub_after": rules["sub_after"],
        "sub_dead_before": rules["sub_dead_before"],
        "sub_dead_after": rules["sub_dead_after"],
    }
    for kind, nouns in rules["victims"].items():
        table[f"victim:{kind}"] = nouns
    return phrase_matcher(table)


@functools.cache
def _word_sets() -> tuple[frozenset[str], ...]:
    """(fillers before a number, counting verbs, speech verbs, toll links)."""
    rules = load_rules("tolls")
    speech = frozenset(load_rules("sources")["speech_verbs"]) - {"count", "tally", "figures"}
    return (
        frozenset(rules["before_number_fillers"]),
        frozenset(rules["count_verbs"]),
        speech,
        frozenset(rules["toll_links"]),
    )


_SUB_BEFORE = frozenset({"sub_before", "sub_dead_before"})
_SUB_AFTER = frozenset({"sub_after", "sub_dead_after"})
_ARTICLES = frozenset({"a", "an"})


def _articles(doc: Doc) -> list[int]:
    """Indices of the document's "a"/"an" tokens (where a toll of one can start), found once
    per document among the tokens that can start a number (those include "a" and "an")."""
    found = doc.user_data.get("toll_articles")
    if found is None:
        starts = number_starts(doc)
        words = map(token_lowers(doc).__getitem__, starts)
        found = list(compress(starts, map(_ARTICLES.__contains__, words)))
        doc.user_data["toll_articles"] = found
    return found


class _Cues:
    """One sentence's `toll_matcher` hits sorted by what asks for them, with the document's
    token lists and the sentence's token range: built once per sentence, not per number."""

    __slots__ = (
        "after_at",
        "befores",
        "first",
        "lowers",
        "not_death_ends",
        "not_death_starts",
        "stop",
        "subs",
        "texts",
        "tolls",
        "victims",
        "zeros",
    )  # fmt: skip

    def __init__(self, sent: Span, hits: list[Hit]):
        doc = sent.doc
        self.lowers = token_lowers(doc)
        self.texts = token_texts(doc)
        self.first = sent.start
        self.stop = sent.end
        after_at: dict[int, Hit] = {}  # start -> the last "after" hit starting there
        not_death_starts: set[int] = set()
        not_death_ends: set[int] = set()
        victims: list[tuple[int, str]] = []  # (start, kind) of the victim nouns, in order
        subs: list[Hit] = []
        tolls: list[Hit] = []
        befores: list[Hit] = []
        zeros: list[Hit] = []
        for hit in hits:
            label = hit[2]
            if label == "after":
                after_at[hit[0]] = hit
            elif label == "not_death":
                not_death_starts.add(hit[0])
                not_death_ends.add(hit[1])
            elif label.startswith("victim:"):
                victims.append((hit[0], label[7:]))
            elif label == "before":
                befores.append(hit)
            elif label == "toll":
                tolls.append(hit)
            elif label == "zero":
                zeros.append(hit)
            elif label in _SUB_BEFORE or label in _SUB_AFTER:
                subs.append(hit)
        self.after_at = after_at
        self.not_death_starts = not_death_starts
        self.not_death_ends = not_death_ends
        self.victims = victims
        self.subs = subs
        self.tolls = tolls
        self.befores = befores
        self.zeros = zeros

    def victims_in(self, start: int, end: int) -> str:
        """The first victim noun in tokens [start, end); "all" when the text does not say."""
        for at, kind in self.victims:
            if start <= at < end:
                return kind
        return "all"

    def noun_end(self, start: int) -> int:
        """End of the noun phrase right after a number: up to punctuation or a conjunction."""
        texts, lowers = self.texts, self.lowers
        end = start
        limit = min(start + _VICTIM_WINDOW, self.stop)
        while end < limit and (texts[end].isalpha() or texts[end] in _QUOTES):
            if lowers[end] in _NOUN_BREAKS:
                break
            end += 1
        return end

    def sub_marker(self, n: NumberMention) -> str | None:
        """ "including 10 children", "20 of them", "five children from the same family" ->
        "sub"; "of the dead, 20", "the dead included 10 soldiers" -> "sub_dead"; else None."""
        for hit in self.subs:
            label = hit.label
            kind = "sub_dead" if label.startswith("sub_dead") else "sub"
            if label in _SUB_BEFORE and hit.end == n.start:
                return kind
            noun_between = hit.start == n.end + 1 and self.texts[n.end].isalpha()
            if label in _SUB_AFTER and (hit.start == n.end or noun_between):
                return kind
        return None

    def toll_noun_before(self, n: NumberMention, others: set[int]) -> Hit | None:
        """ "the death toll from Wednesday's bombings in Aleppo rose to 28"."""
        if not self.tolls:
            return None
        if n.start == self.first or self.lowers[n.start - 1] not in _word_sets()[3]:
            return None
        for hit in reversed(self.tolls):
            if hit.end <= n.start and n.start - hit.end <= _AFTER_WINDOW:
                between = range(hit.end, n.start)
                return None if any(i in others for i in between) else hit
        return None

    def cue_before(self, n: NumberMention, others: set[int]) -> Hit | None:
        toll = self.toll_noun_before(n, others)
        if toll is not None:
            return toll
        fillers = _word_sets()[0]
        lowers = self.lowers
        for hit in reversed(self.befores):
            if hit.end > n.start:
                continue
            gap = range(hit.end, n.start)
            if len(gap) <= _BEFORE_GAP and all(
                lowers[i] in fillers and i not in others for i in gap
            ):
                return hit
            return None
        return None

    def cue_after(self, end: int, others: set[int]) -> Hit | None:
        """A death cue after the noun phrase of a number ending at `end` ("54 people have
        been KILLED"); a number coordinated with the next one shares its cue ("40 soldiers
        and 15 rebels DIED")."""
        after_at = self.after_at
        if not after_at:
            return None  # no death cue after anything in the sentence
        speech = _word_sets()[2]
        lowers = self.lowers
        not_death = self.not_death_starts
        for i in range(end, min(end + _AFTER_WINDOW, self.stop)):
            word = lowers[i]
            coordinated = i in others and lowers[i - 1] in ("and", ",")
            if (i in others and not coordinated) or word in _CLAUSE_BREAKS or word in speech:
                return None
            if i in not_death:
                return None
            cue = after_at.get(i)
            if cue is not None:
                index = cue.end
                if index in others or (
                    index + 1 < len(lowers) and lowers[index] == "or" and index + 1 in not_death
                ):
                    return None  # "killed 5 and ...", "killed or wounded"
                return cue
        return None

    def after_not_death(self, n: NumberMention) -> bool:
        """ "... and 5 others were injured": a wounded/arrested cue claims the number."""
        starts = self.not_death_starts
        if not starts:
            return False
        return any(i in starts for i in range(n.end, min(n.end + _VICTIM_WINDOW + 2, self.stop)))

    def bare_count(self, n: NumberMention, coordinated: bool) -> bool:
        """ "has documented more than 11,000," - a count with no noun after a counting verb;
        or, right after a toll (`coordinated`), "... 3 deaths in Hama and 7 in Idlib",
        "killed six rebels and four soldiers"."""
        lowers = self.lowers
        follower = lowers[n.end] if n.end < self.stop else "."
        if coordinated and n.start > self.first and lowers[n.start - 1] in ("and", ","):
            return follower in _BARE_FOLLOWERS or any(at == n.end for at, _ in self.victims)
        if follower not in _BARE_FOLLOWERS:
            return False
        return not _word_sets()[1].isdisjoint(lowers[max(self.first, n.start - 3) : n.start])

    def singular_tolls(self, sent: Span, numbers: set[int]) -> list[Toll]:
        """ "A policeman was killed", "an activist was shot dead": a toll of one."""
        if not self.after_at:
            return []  # no death cue for a victim to be the subject of
        lowers, texts, stop = self.lowers, self.texts, self.stop
        singular, modifiers = _singular()
        articles = _articles(sent.doc)
        lo = bisect_left(articles, self.first)
        hi = bisect_left(articles, stop - 2, lo)
        found = []
        for i in articles[lo:hi]:
            j = i + 1
            while j < stop and (lowers[j] in modifiers or texts[j].isdigit()):
                j += 1  # "an 11-year-old girl", "a young army officer"
            if j >= stop or lowers[j] not in singular:
                continue
            noun = j
            after = self.cue_after(noun + 1, numbers)
            if after is not None:
                victims = self.victims_in(i + 1, noun + 1)
                found.append(Toll(i, after.end, 1, 1, 1, "exact", victims))
        return found


@functools.cache
def _singular() -> tuple[frozenset[str], frozenset[str]]:
    rules = load_rules("tolls")
    return frozenset(rules["singular_victims"]), frozenset(rules["singular_modifiers"])


def find_tolls(
    sent: Span, numbers: list[NumberMention], hits: list[Hit], toll_in_context: bool
) -> list[Toll]:
    """The death tolls of one sentence, in text order (sub-counts after their toll).

    `hits` are this sentence's `toll_matcher` hits; `toll_in_context` says whether the
    paragraph so far holds a toll that a bare count could continue.
    """
    live = [n for n in numbers if n.trap is None]
    if not live and not hits:
        return []  # no number to claim, no zero or singular toll without a cue
    cues = _Cues(sent, hits)
    if not live and not cues.zeros and not cues.after_at:
        return []  # a toll of one needs a death cue after it
    lowers = cues.lowers
    subs: dict[int, str] = {}  # number start -> "sub" | "sub_dead"
    if cues.subs:  # without a sub-count marker, nothing is a sub-count
        for previous, n in zip([None, *live], live, strict=False):
            marker = cues.sub_marker(n)
            listed = previous is not None and previous.start in subs
            if (
                listed
                and lowers[n.start - 1] in ("and", ",")
                and (n.start - previous.end <= _VICTIM_WINDOW)
            ):
                marker = marker or subs[previous.start]  # "including 49 children and 34 women"
            if marker is not None:
                subs[n.start] = marker
    main = [n for n in live if n.start not in subs] if subs else live
    tolls: list[Toll] = []
    not_death_ends = cues.not_death_ends
    stop = cues.stop
    for n in main:
        if n.start in not_death_ends:
            continue  # "wounded 20"
        others = {m.start for m in main if m is not n}
        before = cues.cue_before(n, others)
        if before is not None:
            victims = cues.victims_in(n.end, cues.noun_end(n.end))
            tolls.append(Toll(before.start, n.end, n.value, n.low, n.high, n.qualifier, victims))
            continue
        after = cues.cue_after(n.end, others)
        if after is not None:
            victims = cues.victims_in(n.end, after.start)
            follows = after.end < stop and lowers[after.end] in ("from", "among")
            if victims == "all" and follows:  # "9 martyrs from the army"
                victims = cues.victims_in(after.end, after.end + _VICTIM_WINDOW)
            tolls.append(Toll(n.start, after.end, n.value, n.low, n.high, n.qualifier, victims))
            continue
        context = toll_in_context or bool(tolls) or bool(cues.after_at)
        coordinated = bool(tolls) and tolls[-1].end >= n.start - _AFTER_WINDOW
        if context and cues.bare_count(n, coordinated) and not cues.after_not_death(n):
            victims = cues.victims_in(n.end, cues.noun_end(n.end))
            if victims == "all" and coordinated:
                victims = tolls[-1].victims
            tolls.append(
                Toll(n.start, n.end, n.value, n.low, n.high, n.qualifier, victims, elliptic=True)
            )
    for hit in cues.zeros:
        tolls.append(Toll(hit.start, hit.end, 0, 0, 0, "exact", "all"))
    tolls.extend(cues.singular_tolls(sent, {m.start for m in main}))
    tolls.sort(key=_start)
    for n in (m for m in live if m.start in subs):
        parents = [i for i, t in enumerate(tolls) if t.start < n.start and t.parent is None]
        victims = cues.victims_in(n.end, cues.noun_end(n.end))
        parent = parents[-1] if parents else EARLIER
        dead = subs[n.start] == "sub_dead"
        tolls.append(
            Toll(n.start, n.end, n.value, n.low, n.high, n.qualifier, victims, parent,
                 standalone=dead)
        )  # fmt: skip
    return tolls


_start = itemgetter(0)  # a toll's start
