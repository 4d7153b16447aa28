"""Who did the killing, as the claim's own source tells it: `perpetrator` and `perpetrator_text`.

A side named in a sentence is the agent only where the sentence makes it one: the subject of an
active killing or attack verb ("Syrian troops killed 20", "IS has executed 17"), the object of
"by" or "blamed on" ("killed by Syrian security forces", "blamed on 'terrorists'"), or the
modifier of an attack noun ("regime airstrikes", "a terrorist explosion", "gunfire from security
forces"). A side named as victim ("12 government soldiers were killed") is not. A cause that
names nobody ("in clashes", "a car bomb") makes the toll `unknown`.

A toll takes, in this order: an agent or agentless cause right after it in its clause ("12
killed by regime shelling", "11 killed in clashes"); the nearest one before it in its sentence;
one after it further on; the agent of the article's last attack ("Government forces shelled the
town. Activists said 12 died."), unless the toll is a running total or an agentless cause or a
new event ("elsewhere") came in between; at the start of an article or after a new event, the
agent of the next sentences (a headline takes its lead's). Nothing is inferred from outside
knowledge: no named agent, no perpetrator.

Vocabulary is data (`rules/perpetrators.json`); the state-media labels "terrorists" and
"armed gangs" are rebels there, as the corpus rules define them. One matcher pass per document
and one pass over its sentences: linear in the article's length.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Sequence
from typing import NamedTuple

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from lib.extract.matching import Hit, find, phrase_matcher, within
from lib.extract.rules import load_rules
from lib.extract.text import Sentence, doc_text, token_lowers, token_offsets, token_texts

UNKNOWN = "unknown"
_AGENT = "agent:"
_ARMED_GROUP = "armed_group"  # "the militants": resolved against the side last named
_GROUP_SIDES = frozenset({"rebels", "islamic_state"})
_ATTACKER = "attacker:"  # agents by what the word means: "a suicide terrorist"
_BLAMING = (_AGENT, _ATTACKER, "none")  # the labels a blame is made from
_LETHAL = frozenset({"verb", "attack", "death", "none", "explosion"})
_VERBS = frozenset(
    {"verb", "control", "explosion"}
)  # labels of verbs whose subject acts  # labels of words about killing
_BLAME_REACH = 8  # tokens from "blamed" to the "on" of its agent
_NAME_PARTS = frozenset({"-", "'s", "’s", "al", "el"})
_VERB_STOPS = frozenset({".", ",", ";", ")", "said", "says"})  # ")": "(IS, or ISIS) have killed"
_OWNED = 6  # tokens from an agent to the cause it claims ("IS claimed responsibility for")
_CLAUSE = 40  # tokens: an agent farther back is not in a running total's clause
_LONGEST = 12  # tokens of the longest rule phrase, at most
_OWNED_AFTER = 12  # tokens from a cause to the "by" agent of its clause
_SKIP = 3  # quotes and articles skipped between an agent and its marker: 'by "the terrorists'
_SKIPPABLE = frozenset({'"', "“", "”", "'", "‘", "’", "the", "a", "an", "'s", "’s", "``", "''"})


class Blame(NamedTuple):
    """One agent or agentless cause found in a sentence (absolute token indices)."""

    start: int
    end: int
    perpetrator: str  # a class of lib.claims.PERPETRATORS; "unknown" for an agentless cause
    text: str | None  # the words the text uses; None for an agentless cause
    after_ok: bool  # may apply to a toll before it ("by X", "in clashes", "in X airstrikes")


class _Found(NamedTuple):
    """A sentence's blames in text order, their first tokens (to bisect) and, per position, the
    index of the first blame from there on that may follow a toll (len(blames) if none)."""

    blames: list[Blame]
    starts: list[int]
    next_after: list[int]


_NOTHING = _Found([], [], [0])


def _same_clause(first: int, last: int, lowers: list[str]) -> bool:
    """No clause break in tokens [first, last): "troops killed dozens, as the opposition said
    the toll has risen to 40,000" has one (", as"); "(IS, also known as ISIS)" has none."""
    between = lowers[first:last]
    if not _words("running_clause_breaks").isdisjoint(between):
        return False
    return not any(a == "," and b == "as" for a, b in itertools.pairwise(between))


def _found(blames: list[Blame]) -> _Found:
    if not blames:
        return _NOTHING
    next_after = [len(blames)] * (len(blames) + 1)
    for i in range(len(blames) - 1, -1, -1):
        next_after[i] = i if blames[i].after_ok else next_after[i + 1]
    return _Found(blames, [b.start for b in blames], next_after)


class _Sentences(NamedTuple):
    """Per sentence (by its first token): blames found in it, and what a toll in it with no
    blame of its own takes from the article around it."""

    blames: dict[int, _Found]
    context: dict[int, Blame | None]
    running: frozenset[int]  # sentences that give a running total ("since March 2011")


@functools.cache
def _rules() -> dict:
    return load_rules("perpetrators")


@functools.cache
def _words(key: str) -> frozenset[str]:
    """A one-word table of the rules as a set (single words are looked up per token, not
    matched: "of", "by" and "were" are too common to list as phrase hits)."""
    return frozenset(_rules()[key])


@functools.cache
def _matchers() -> tuple[PhraseMatcher, PhraseMatcher]:
    """(case-insensitive, case-sensitive) matchers over every table of the rules."""
    rules = _rules()
    table: dict[str, list[str]] = {f"{_AGENT}{k}": v for k, v in rules["agents"].items()}
    table.update({f"{_ATTACKER}{k}": v for k, v in rules["attackers"].items()})
    table[f"{_AGENT}{_ARMED_GROUP}"] = rules["armed_groups"]
    for label, key in (
        ("verb", "kill_verbs"),
        ("control", "control_verbs"),
        ("explosion", "explosion_verbs"),
        ("blame_by", "blame_markers"),
        ("running", "running_total"),
        ("attack", "attack_nouns"),
        ("none", "no_agent"),
        ("new", "new_event"),
        ("summary", "summary"),
        ("accuse", "accusations"),
        ("blame", "blame_verbs"),
        ("death", "death_words"),
    ):
        table[label] = rules[key]
    exact = {f"{_AGENT}{k}": v for k, v in rules["agents_exact"].items()}
    return phrase_matcher(table), phrase_matcher(exact, "ORTH")


def _doc_hits(doc: Doc) -> list[Hit]:
    """Every rule phrase of the document, in order (one pass of each matcher)."""
    lower, exact = _matchers()
    hits = sorted(find(lower, doc) + find(exact, doc), key=lambda h: (h.start, -h.end))
    kept, reach = [], -1  # an agent inside a longer one ("militants" in "IS militants") goes
    for hit in hits:
        if hit.label.startswith(_AGENT):
            if hit.end <= reach:
                continue
            reach = hit.end
        kept.append(hit)
    return sorted(kept)


def blames_in(doc: Doc, start: int, end: int, hits: list[Hit]) -> list[Blame]:
    """The agents and agentless causes of the tokens [start, end), in text order."""
    if not any(h.label.startswith(_BLAMING) for h in hits):
        return []  # most sentences name no one
    rules = _rules()
    lowers = token_lowers(doc)
    by_start: dict[int, list[Hit]] = {}
    by_end: dict[int, list[Hit]] = {}
    for hit in hits:
        by_start.setdefault(hit.start, []).append(hit)
        by_end.setdefault(hit.end, []).append(hit)

    def labels_at(index: int, table: dict[int, list[Hit]]) -> dict[str, Hit]:
        return {h.label: h for h in table.get(index, ())}

    def skip_forward(index: int) -> int:
        last = min(end, index + _SKIP)
        while index < last and lowers[index] in _SKIPPABLE:
            index += 1
        return index

    def skip_back(index: int) -> int:  # index: one past the last token looked at
        first = max(start, index - _SKIP)
        while index > first and lowers[index - 1] in _SKIPPABLE:
            index -= 1
        return index

    verb_window = rules["verb_window"]
    territory = _words("not_agent_after")  # "IS-held", "rebel-controlled"
    hyphenated = _words("not_agent_before")  # "anti-government protesters"
    targets = _words("targets_before")
    by_words, of_words = _words("by_markers"), _words("after_attack_markers")
    found: list[Blame] = []
    agent_ends: set[int] = set()
    for hit in hits:
        if hit.label.startswith(_ATTACKER):
            who = hit.label[len(_ATTACKER) :]
            found.append(Blame(hit.start, hit.end, who, _text(doc, hit.start, hit.end), False))
            agent_ends.add(hit.end)
            continue
        if not hit.label.startswith(_AGENT):
            continue
        if (hit.end < end and lowers[hit.end] in territory) or _prefixed(
            hit.start, start, lowers, hyphenated
        ):
            continue
        who = hit.label[len(_AGENT) :]
        before_index = _skip_names(doc, skip_back(hit.start), start, rules)
        before = labels_at(before_index, by_end)
        after = labels_at(skip_forward(hit.end), by_start)
        word = lowers[before_index - 1] if before_index > start else ""
        # "killed by security forces", "gunfire from security forces", "blamed X on Y",
        # "killed in clashes with the IS group" (the side the victims fought)
        named_by = (
            "blame_by" in before
            or (word in by_words and _lethal_before(before_index - 1, start, lowers, hits))
            or (word in of_words and "attack" in labels_at(before_index - 1, by_end))
            or (word == "with" and "none" in labels_at(before_index - 1, by_end))
            or _blamed_on(before_index, start, lowers, hits)
        )
        if not named_by and before_index > start and lowers[before_index - 1] in targets:
            continue  # "air strikes against the Islamic State", "clashes with the IS group"
        if "attack" in after:  # "regime airstrikes", "terrorist explosion"
            noun = after["attack"]
            found.append(Blame(hit.start, noun.end, who, _text(doc, hit.start, noun.end), True))
        elif named_by:
            found.append(Blame(hit.start, hit.end, who, _text(doc, hit.start, hit.end), True))
        elif _active_verb(hit.end, end, lowers, by_start, verb_window):
            found.append(Blame(hit.start, hit.end, who, _text(doc, hit.start, hit.end), False))
        else:
            continue
        agent_ends.add(hit.end)
    causes = [hit for hit in hits if hit.label == "none"]
    if causes:
        breaks = _words("clause_breaks")
        agents = _found(found)
        for hit in causes:
            if not _claimed(hit, agents, agent_ends, skip_back, lowers, breaks):
                found.append(Blame(hit.start, hit.end, UNKNOWN, None, True))
    found.sort()
    return found


def _claimed(
    hit: Hit,
    found: _Found,
    agent_ends: set[int],
    skip_back,
    lowers: list[str],
    breaks: frozenset[str],
) -> bool:
    """An agentless cause that an agent owns after all: "a terrorist explosion", "a blast
    carried out by terrorists", "an attack that state TV blamed on terrorists" (the same
    clause), "IS claimed responsibility for the suicide bombings"."""
    if skip_back(hit.start) in agent_ends:
        return True
    low = bisect.bisect_left(found.starts, hit.start - _OWNED - _LONGEST)
    high = bisect.bisect_right(found.starts, hit.end + _OWNED_AFTER)
    for b in found.blames[low:high]:
        if b.after_ok and 0 <= b.start - hit.end <= _OWNED_AFTER:
            if not breaks.intersection(lowers[hit.end : b.start]):
                return True
        elif 0 <= hit.start - b.end <= _OWNED and not breaks.intersection(
            lowers[b.end : hit.start]
        ):
            return True
    return False


def _prefixed(index: int, start: int, lowers: list[str], prefixes: frozenset[str]) -> bool:
    """A side named inside a compound against it: "anti-government", "anti - regime"."""
    if index > start and lowers[index - 1] in prefixes:
        return True
    return index - 1 > start and lowers[index - 1] == "-" and lowers[index - 2] in prefixes


def _skip_names(doc: Doc, index: int, start: int, rules: dict) -> int:
    """Back over a name before an agent ("by President Bashar al-Assad's regime")."""
    texts = token_texts(doc)
    lowest = max(start, index - rules["name_tokens_before_agent"])
    while index > lowest and (texts[index - 1][:1].isupper() or texts[index - 1] in _NAME_PARTS):
        index -= 1
    return index


def _lethal_before(index: int, start: int, lowers: list[str], hits: list[Hit]) -> bool:
    """A killing word shortly before a "by" ("killed on Thursday by", "attacks by"), in its
    clause: "a town seized by rebels" names who took it, not who killed."""
    rules = _rules()
    breaks = _words("clause_breaks")
    for hit in within(hits, max(start, index - rules["by_reach"]), index):
        if hit.label in _LETHAL and not breaks.intersection(lowers[hit.end : index]):
            return True
    return False


def _blamed_on(index: int, start: int, lowers: list[str], hits: list[Hit]) -> bool:
    """'blamed the violence on Y': "on" right before the agent, a blame verb shortly before."""
    if index <= start or lowers[index - 1] != "on":
        return False
    return any(h.label == "blame" for h in within(hits, index - _BLAME_REACH, index))


def _active_verb(
    index: int, end: int, lowers: list[str], by_start: dict[int, list[Hit]], window: int
) -> bool:
    """A killing or attack verb within `window` tokens after an agent, in the active voice:
    no "were/been" before it, and not a reduced passive ("IS fighters slain in ...")."""
    passive_words, passive_next = _words("passive"), _words("after_passive_verb")
    passive = False
    for i in range(index, min(end, index + window + 1)):
        labels = {h.label for h in by_start.get(i, ())}
        if "accuse" in labels:  # "the air force was accused of killing"
            return True
        if lowers[i] in _VERB_STOPS or any(label.startswith(_AGENT) for label in labels):
            return False  # another agent is the verb's subject: "X claimed terrorists killed"
        if lowers[i] in passive_words:
            passive = True
            continue
        verbs = [h for h in by_start.get(i, ()) if h.label in _VERBS]
        if passive and not (verbs and lowers[i].endswith("ing")):
            continue  # "were killed" is passive, "is pummeling" is not
        if verbs:
            verb_end = verbs[0].end
            return verb_end >= end or lowers[verb_end] not in passive_next
    return False


def _text(doc: Doc, start: int, end: int) -> str:
    starts, lengths = token_offsets(doc)
    return doc_text(doc)[starts[start] : starts[end - 1] + lengths[end - 1]]


def _analyse(doc: Doc, sentences: Sequence[Sentence]) -> _Sentences:
    """Blames per sentence and the context each sentence inherits, in two linear passes."""
    rules = _rules()
    hits = _doc_hits(doc)
    blames: dict[int, list[Blame]] = {}
    labels: dict[int, set[str]] = {}
    for sentence in sentences:
        span = sentence.span
        inside = within(hits, span.start, span.end)
        blames[span.start] = blames_in(doc, span.start, span.end, inside)
        labels[span.start] = {h.label for h in inside}
    _resolve_armed_groups(hits, blames)
    # Backwards: the first agent of the next sentences (what a headline or a new event takes).
    ahead: dict[int, Blame | None] = {}
    upcoming: list[Blame | None] = []
    reach = rules["lookahead_sentences"]
    for sentence in reversed(sentences):
        ahead[sentence.span.start] = next((b for b in reversed(upcoming) if b is not None), None)
        agents = [b for b in blames[sentence.span.start] if b.perpetrator != UNKNOWN]
        upcoming.append(agents[0] if agents else None)
        if len(upcoming) > reach:
            upcoming.pop(0)
    # Forwards: the last attack's agent, reset by an agentless cause, a new event or a count
    # over the whole country (which no one attack explains).
    context: dict[int, Blame | None] = {}
    last: Blame | None = None
    opened = True  # the article's start opens an event
    for sentence in sentences:
        key = sentence.span.start
        if "summary" in labels[key]:
            last, opened = None, False
        if "new" in labels[key]:  # "Elsewhere, ...": the next sentences tell, not the last
            context[key] = ahead[key]
        elif "summary" in labels[key] or "running" in labels[key]:
            context[key] = None  # a running total or a country's count is no one attack's
        else:
            context[key] = last if last is not None or not opened else ahead[key]
        # Only a sentence about killing moves the carry ("rebels seized the airport" does
        # not), and an agentless cause only where it killed ("fighting" alone does not).
        lethal = not _LETHAL.isdisjoint(labels[key])
        died = "death" in labels[key] or "explosion" in labels[key]  # "two car bombs exploded"
        kept = [b for b in blames[key] if (b.perpetrator != UNKNOWN and lethal) or died]
        named = [b for b in kept if b.perpetrator != UNKNOWN]
        if kept:  # an agent named in the sentence outweighs what followed from its attack
            last = named[-1] if named else kept[-1]
        if kept or ("death" in labels[key] and not sentence.headline):
            opened = False  # the event is told: what follows without an agent has none
    running = frozenset(key for key, found in labels.items() if "running" in found)
    return _Sentences({key: _found(found) for key, found in blames.items()}, context, running)


def _resolve_armed_groups(hits: list[Hit], blames: dict[int, list[Blame]]) -> None:
    """'The militants', 'the jihadists': the armed group last named before them, as agent or
    not ("the Islamic State's advance ... executed by the Sunni militants"), else rebels; in
    place. One pass over the document's hits and blames in text order."""
    sides = {f"{_AGENT}{side}" for side in _GROUP_SIDES}
    named = [(h.start, h.label[len(_AGENT) :]) for h in hits if h.label in sides]
    position, side = 0, "rebels"
    for found in blames.values():  # sentences in text order
        for i, blame in enumerate(found):
            while position < len(named) and named[position][0] < blame.start:
                side = named[position][1]
                position += 1
            if blame.perpetrator == _ARMED_GROUP:
                found[i] = blame._replace(perpetrator=side)


def _article(doc: Doc, sentences: Sequence[Sentence]) -> _Sentences:
    """The analysis of an article, made once per document on its first claim."""
    if "perpetrators" not in doc.user_data:
        doc.user_data["perpetrators"] = _analyse(doc, sentences)
    return doc.user_data["perpetrators"]


def choose(
    found: _Found, start: int, end: int, lowers: list[str], running: bool = False
) -> Blame | None:
    """The blame of a claim at tokens [start, end) among its sentence's: the first after its
    start in its clause, else the nearest before it, else any after it that may follow a toll.
    Bisection, so a sentence with many claims and agents costs no more than linear."""
    rules = _rules()
    breaks = _words("clause_breaks")
    causes = _words("cause_clause")  # "died when security forces fired"
    blames, starts = found.blames, found.starts
    # From the claim's first token: a toll's span may run on past its own agent ("four
    # soldiers shot by rebels and five civilians killed" is one span for the four).
    first_after = bisect.bisect_left(starts, start)
    for blame in blames[first_after : bisect.bisect_right(starts, end + rules["after_window"])]:
        between = lowers[start : blame.start]
        if breaks.intersection(between):
            break
        if blame.after_ok or causes.intersection(between):
            return blame
    index = bisect.bisect_right(starts, start) - 1
    while index >= 0 and blames[index].end > start and start - blames[index].start < _LONGEST:
        index -= 1  # a blame overlapping the claim is not before it
    if index >= 0 and blames[index].end <= start:
        before = blames[index]
        # In a running total's sentence an agent counts only in the total's own clause:
        # "troops killed dozens, as the opposition said the toll has risen to 40,000".
        if not running or (
            start - before.end <= _CLAUSE and _same_clause(before.end, start, lowers)
        ):
            return before
    later = found.next_after[first_after]
    return blames[later] if later < len(blames) else None


def perpetrator_fields(
    doc: Doc,
    sentences: Sequence[Sentence],
    sentence: Sentence,
    start: int,
    end: int,
    cumulative: bool,
    event_type: str | None = None,
) -> dict[str, str | None]:
    """`perpetrator` and `perpetrator_text` of the claim at tokens [start, end) of `sentence`
    (a toll, or an event of `event_type`: one that is nobody's act keeps both null)."""
    if event_type is not None and event_type not in _words("event_types_blamed"):
        return {"perpetrator": None, "perpetrator_text": None}
    analysis = _article(doc, sentences)
    key = sentence.span.start
    running = cumulative or key in analysis.running
    blame = choose(analysis.blames.get(key, _NOTHING), start, end, token_lowers(doc), running)
    if blame is None and not (cumulative and _rules()["carry_blocked_by_cumulative"]):
        blame = analysis.context.get(key)
    if blame is None or blame.perpetrator == UNKNOWN:
        return {"perpetrator": UNKNOWN, "perpetrator_text": None}
    return {"perpetrator": blame.perpetrator, "perpetrator_text": blame.text}
