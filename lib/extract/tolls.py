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


def _victims(hits: list[Hit], start: int, end: int) -> str:
    """The first victim noun in tokens [start, end); "all" when the text does not say."""
    for hit in hits:
        if hit.label.startswith("victim:") and start <= hit.start < end:
            return hit.label.split(":", 1)[1]
    return "all"


def _noun_end(sent: Span, start: int) -> int:
    """End of the noun phrase right after a number: up to punctuation or a conjunction."""
    texts = token_texts(sent.doc)
    lowers = token_lowers(sent.doc)
    end = start
    while end < min(start + _VICTIM_WINDOW, sent.end) and (
        texts[end].isalpha() or texts[end] in _QUOTES
    ):
        if lowers[end] in _NOUN_BREAKS:
            break
        end += 1
    return end


def _sub_marker(sent: Span, n: NumberMention, hits: list[Hit]) -> str | None:
    """ "including 10 children", "20 of them", "five children from the same family" ->
    "sub"; "of the dead, 20", "the dead included 10 soldiers" -> "sub_dead"; else None."""
    texts = token_texts(sent.doc)
    for hit in hits:
        kind = "sub_dead" if hit.label.startswith("sub_dead") else "sub"
        if hit.label in ("sub_before", "sub_dead_before") and hit.end == n.start:
            return kind
        noun_between = hit.start == n.end + 1 and texts[n.end].isalpha()
        after = hit.label in ("sub_after", "sub_dead_after")
        if after and (hit.start == n.end or noun_between):
            return kind
    return None


def _toll_noun_before(sent: Span, n: NumberMention, hits: list[Hit], others: set[int]):
    """ "the death toll from Wednesday's bombings in Aleppo rose to 28"."""
    links = _word_sets()[3]
    if n.start == sent.start or token_lowers(sent.doc)[n.start - 1] not in links:
        return None
    for hit in reversed(hits):
        if hit.label == "toll" and hit.end <= n.start and n.start - hit.end <= _AFTER_WINDOW:
            between = range(hit.end, n.start)
            return None if any(i in others for i in between) else hit
    return None


def _cue_before(sent: Span, n: NumberMention, hits: list[Hit], others: set[int]) -> Hit | None:
    fillers = _word_sets()[0]
    lowers = token_lowers(sent.doc)
    toll = _toll_noun_before(sent, n, hits, others)
    if toll is not None:
        return toll
    for hit in reversed(hits):
        if hit.label != "before" or hit.end > n.start:
            continue
        gap = range(hit.end, n.start)
        if len(gap) <= _BEFORE_GAP and all(lowers[i] in fillers and i not in others for i in gap):
            return hit
        return None
    return None


def _cue_after(sent: Span, n: NumberMention, hits: list[Hit], others: set[int]) -> Hit | None:
    """A death cue after the number's noun phrase ("54 people have been KILLED"); a number
    coordinated with the next one shares its cue ("40 soldiers and 15 rebels DIED")."""
    speech = _word_sets()[2]
    lowers = token_lowers(sent.doc)
    labels: dict[int, dict[str, Hit]] = {}
    for hit in hits:
        labels.setdefault(hit.start, {})[hit.label] = hit
    for i in range(n.end, min(n.end + _AFTER_WINDOW, sent.end)):
        word = lowers[i]
        coordinated = i in others and lowers[i - 1] in ("and", ",")
        if (i in others and not coordinated) or word in _CLAUSE_BREAKS or word in speech:
            return None
        here = labels.get(i, {})
        if "not_death" in here:
            return None
        if "after" in here:
            cue = here["after"]
            if cue.end in others or _or_not_death(lowers, cue.end, labels):
                return None  # "killed 5 and ...", "killed or wounded"
            return cue
    return None


def _or_not_death(lowers: list[str], index: int, labels: dict[int, dict[str, Hit]]) -> bool:
    """ "killed or wounded", "dead or missing": the count is not only of the dead."""
    return (
        index + 1 < len(lowers)
        and lowers[index] == "or"
        and "not_death" in labels.get(index + 1, {})
    )


def _after_not_death(sent: Span, n: NumberMention, hits: list[Hit]) -> bool:
    """ "... and 5 others were injured": a wounded/arrested cue claims the number."""
    ends = {h.start for h in hits if h.label == "not_death"}
    return any(i in ends for i in range(n.end, min(n.end + _VICTIM_WINDOW + 2, sent.end)))


def _bare_count(sent: Span, n: NumberMention, hits: list[Hit], coordinated: bool) -> bool:
    """ "has documented more than 11,000," - a count with no noun after a counting verb; or,
    right after a toll (`coordinated`), "... 3 deaths in Hama and 7 in Idlib", "killed six
    rebels and four soldiers"."""
    lowers = token_lowers(sent.doc)
    count_verbs = _word_sets()[1]
    follower = lowers[n.end] if n.end < sent.end else "."
    if coordinated and n.start > sent.start and lowers[n.start - 1] in ("and", ","):
        victim = any(h.start == n.end and h.label.startswith("victim:") for h in hits)
        return follower in _BARE_FOLLOWERS or victim
    before = set(lowers[max(sent.start, n.start - 3) : n.start])
    return follower in _BARE_FOLLOWERS and bool(before & count_verbs)


def _singular_tolls(sent: Span, hits: list[Hit], numbers: set[int]) -> list[Toll]:
    """ "A policeman was killed", "an activist was shot dead": a toll of one."""
    lowers = token_lowers(sent.doc)
    texts = token_texts(sent.doc)
    singular, modifiers = _singular()
    found = []
    for i, word in enumerate(lowers[sent.start : sent.end - 2], sent.start):
        if word != "a" and word != "an":
            continue
        j = i + 1
        while j < sent.end and (lowers[j] in modifiers or texts[j].isdigit()):
            j += 1  # "an 11-year-old girl", "a young army officer"
        if j >= sent.end or lowers[j] not in singular:
            continue
        noun = j
        one = NumberMention(i, noun + 1, 1, 1, 1, "exact", None)
        after = _cue_after(sent, one, hits, numbers)
        if after is not None:
            victims = _victims(hits, i + 1, noun + 1)
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
    lowers = token_lowers(sent.doc)
    live = [n for n in numbers if n.trap is None]
    subs: dict[int, str] = {}  # number start -> "sub" | "sub_dead"
    for previous, n in zip([None, *live], live, strict=False):
        marker = _sub_marker(sent, n, hits)
        listed = previous is not None and previous.start in subs
        joined = lowers[n.start - 1] in ("and", ",")
        if listed and joined and n.start - previous.end <= _VICTIM_WINDOW:
            marker = marker or subs[previous.start]  # "including 49 children and 34 women"
        if marker is not None:
            subs[n.start] = marker
    main = [n for n in live if n.start not in subs]
    tolls: list[Toll] = []
    not_death_ends = {h.end for h in hits if h.label == "not_death"}
    for n in main:
        if n.start in not_death_ends:
            continue  # "wounded 20"
        others = {m.start for m in main if m is not n}
        before = _cue_before(sent, n, hits, others)
        if before is not None:
            victims = _victims(hits, n.end, _noun_end(sent, n.end))
            tolls.append(Toll(before.start, n.end, n.value, n.low, n.high, n.qualifier, victims))
            continue
        after = _cue_after(sent, n, hits, others)
        if after is not None:
            victims = _victims(hits, n.end, after.start)
            follows = after.end < sent.end and lowers[after.end] in ("from", "among")
            if victims == "all" and follows:  # "9 martyrs from the army"
                victims = _victims(hits, after.end, after.end + _VICTIM_WINDOW)
            tolls.append(Toll(n.start, after.end, n.value, n.low, n.high, n.qualifier, victims))
            continue
        context = toll_in_context or bool(tolls) or any(h.label == "after" for h in hits)
        coordinated = bool(tolls) and tolls[-1].end >= n.start - _AFTER_WINDOW
        if (
            context
            and _bare_count(sent, n, hits, coordinated)
            and not _after_not_death(sent, n, hits)
        ):
            victims = _victims(hits, n.end, _noun_end(sent, n.end))
            if victims == "all" and coordinated:
                victims = tolls[-1].victims
            tolls.append(
                Toll(n.start, n.end, n.value, n.low, n.high, n.qualifier, victims, elliptic=True)
            )
    for hit in hits:
        if hit.label == "zero":
            tolls.append(Toll(hit.start, hit.end, 0, 0, 0, "exact", "all"))
    tolls.extend(_singular_tolls(sent, hits, {m.start for m in main}))
    tolls.sort(key=lambda t: t.start)
    for n in (m for m in live if m.start in subs):
        parents = [i for i, t in enumerate(tolls) if t.start < n.start and t.parent is None]
        victims = _victims(hits, n.end, _noun_end(sent, n.end))
        parent = parents[-1] if parents else EARLIER
        dead = subs[n.start] == "sub_dead"
        tolls.append(
            Toll(n.start, n.end, n.value, n.low, n.high, n.qualifier, victims, parent,
                 standalone=dead)
        )  # fmt: skip
    return tolls
