"""Who says it: speakers attached to speech verbs, canonical names and source kinds.

A speaker is found next to a speech verb: before it ("the opposition Local Coordination
Committees of Syria said", "one activist in Binnish is reporting") or after it in inversions
("..., said Annan spokesman Ahmad Fawzi", "according to Russian media", "quoting Lavrov").
It is an alias from `rules/sources.json` (canonical name + source_kind), a named person
(kind from the titles around the name), an unnamed speaker ("dissidents in Binnish"), or a
pronoun resolved to the last speaker of that kind. `SpeakerMemory` carries speakers across
the sentences of one article.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from lib.extract.matching import Hit, phrase_matcher
from lib.extract.rules import load_rules
from lib.extract.text import doc_text, token_lowers

_MAX_NAME = 4
_MAX_APPOSITION = 20
_CLAUSE_BREAKS = frozenset({";", "but", "while", "whereas", "although"})
_CLAUSE_PENALTY = 8
_QUOTES = frozenset({'"', "“", "”", "''", "``"})


@dataclass(frozen=True)
class Speaker:
    """A source: canonical name, source_kind, and the place an unnamed speaker is in."""

    name: str
    kind: str
    person: bool
    place: str | None = None


@dataclass(frozen=True)
class Attribution:
    """A speaker attached to a speech verb in a sentence (absolute token indices)."""

    speaker: Speaker
    start: int  # speaker mention as written = source_text
    end: int
    verb: int
    text: str
    quoting: bool = False  # "quoting X": X's words, relayed by someone else


@dataclass
class SpeakerMemory:
    """Speakers seen so far in one article: pronouns and surnames resolve against it."""

    last_person: tuple[Speaker, str] | None = None
    last_group: tuple[Speaker, str] | None = None
    names: dict[str, Speaker] = field(default_factory=dict)

    def remember(self, attribution: Attribution) -> None:
        speaker = attribution.speaker
        if attribution.text.lower() in load_rules("sources")["pronouns"]:
            return
        if speaker.person:
            self.last_person = (speaker, attribution.text)
            self.names[speaker.name.split()[-1].lower()] = speaker
        else:
            self.last_group = (speaker, attribution.text)


@dataclass(frozen=True)
class _Tables:
    entries: list[tuple[str, str]]
    people: frozenset[str]
    generic: dict[str, str]
    modifiers: frozenset[str]
    descriptors: frozenset[str]
    title_words: frozenset[str]
    title_kinds: list[tuple[str, list[str]]]
    skip: frozenset[str]
    name_stop: frozenset[str]
    pronouns: dict[str, str]
    pronoun_verbs: frozenset[str]
    delegate_titles: frozenset[str]
    participles: frozenset[str]
    speech: frozenset[str]


@functools.cache
def _tables() -> _Tables:
    rules = load_rules("sources")
    generic = {noun: kind for kind, nouns in rules["generic"].items() for noun in nouns}
    order = rules["title_kind_order"]
    return _Tables(
        entries=[(row[0], row[1]) for row in rules["sources"]],
        people=frozenset(rules["people"]),
        generic=generic,
        modifiers=frozenset(rules["generic_modifiers"]),
        descriptors=frozenset(rules["descriptors"]),
        title_words=frozenset(rules["title_words"]),
        title_kinds=[(kind, rules["titles"][kind]) for kind in order],
        skip=frozenset(rules["skip_between"]),
        name_stop=frozenset(rules["name_stop"]),
        pronouns=rules["pronouns"],
        pronoun_verbs=frozenset(rules["pronoun_verbs"]),
        delegate_titles=frozenset(rules["delegate_titles"]),
        participles=frozenset(rules["participles"]),
        speech=frozenset(rules["speech_verbs"]),
    )


@functools.cache
def alias_matchers() -> tuple[PhraseMatcher, PhraseMatcher]:
    """(case-insensitive, case-sensitive) alias matchers; labels are entry indices."""
    rows = load_rules("sources")["sources"]
    lower = phrase_matcher({str(i): row[2] for i, row in enumerate(rows) if row[2]})
    exact = phrase_matcher({str(i): row[3] for i, row in enumerate(rows) if row[3]}, "ORTH")
    return lower, exact


@functools.cache
def verb_matcher() -> PhraseMatcher:
    """Speech verbs ("verb"), those that may precede their speaker ("inverted"), generic
    speaker nouns ("generic")."""
    rules = load_rules("sources")
    return phrase_matcher(
        {
            "verb": rules["speech_verbs"] + rules["speech_before_speaker"],
            "inverted": rules["speech_before_speaker"],
            "generic": list(_tables().generic),
        }
    )


def _longest(hits: list[Hit], by_end: bool) -> dict[int, Hit]:
    """Position -> the longest hit ending (or starting) there."""
    best: dict[int, Hit] = {}
    for hit in hits:
        key = hit.end if by_end else hit.start
        if key not in best or hit.end - hit.start > best[key].end - best[key].start:
            best[key] = hit
    return best


def _title_kind(text: str) -> str | None:
    lowered = f" {text.lower()} "
    for kind, words in _tables().title_kinds:
        if any(f" {w} " in lowered or lowered.startswith(f" {w}") for w in words):
            return kind
    return None


class _Finder:
    """Speaker lookup inside one sentence, from precomputed per-document hits."""

    def __init__(self, sent: Span, aliases: list[Hit], generic: list[Hit], memory: SpeakerMemory):
        self.doc: Doc = sent.doc
        self.sent = sent
        self.memory = memory
        self.alias_end = _longest(aliases, by_end=True)
        self.alias_start = _longest(aliases, by_end=False)
        self.generic_end = {h.end: h for h in generic}
        self.generic_start = {h.start: h for h in generic}
        self.t = _tables()

    # -- building blocks -------------------------------------------------------------
    def _extend_left(self, start: int, words: frozenset[str], names: bool = False) -> int:
        """Widen a mention leftwards over `words` (and capitalised name words if `names`)."""
        doc = self.doc
        while start > self.sent.start:
            tok = doc[start - 1]
            lower = tok.lower_
            capital = tok.is_title and lower not in self.t.name_stop
            if lower in words or (capital and names):
                start -= 1
            else:
                break
        while start < self.sent.end and self.doc[start].text == "-":
            start += 1
        return start

    def _alias(self, hit: Hit) -> Speaker:
        name, kind = self.t.entries[int(hit.label)]
        return Speaker(name, kind, name in self.t.people)

    def _name_run_left(self, end: int) -> int | None:
        """Start of a capitalised name ending at token end-1 ("Herve Ladsous", "al-Assad")."""
        doc = self.doc
        start = end
        while start > self.sent.start and end - start < _MAX_NAME + 2:
            tok = doc[start - 1]
            joiner = tok.text == "-" or tok.lower_ in ("al", "el", "abu", "bin", "ibn")
            if ((tok.is_title or tok.is_upper) and tok.is_alpha) or joiner:
                start -= 1
            else:
                break
        skip = self.t.name_stop | self.t.title_words
        while start < end and (doc[start].text == "-" or doc[start].lower_ in skip):
            start += 1
        if start >= end or doc[end - 1].lower_ in self.t.name_stop or not doc[end - 1].is_alpha:
            return None
        return start

    def _person(self, start: int, end: int) -> Attribution | None:
        doc = self.doc
        name = doc[start:end].text
        text_start = self._extend_left(start, self.t.title_words, names=True)
        text = doc[text_start:end].text
        known = self.memory.names.get(doc[end - 1].lower_)
        if known is not None:
            return Attribution(known, text_start, end, -1, text)
        kind = _title_kind(doc[text_start:start].text) or self._delegate_kind(text_start, start)
        return Attribution(Speaker(name, kind, True), text_start, end, -1, text)

    def _delegate_kind(self, start: int, end: int) -> str:
        """A spokesman speaks for the organisation last quoted ("the White House said ...
        spokesman Jay Carney told reporters"); other unknown people count as activists."""
        titles = {t.lower_ for t in self.doc[start:end]}
        group = self.memory.last_group
        if group is not None and titles & self.t.delegate_titles:
            return group[0].kind
        return "activist"

    def _generic(self, noun: Hit, place: str | None, end: int) -> Attribution:
        doc = self.doc
        start = self._extend_left(noun.start, self.t.modifiers)
        core = doc[start : noun.end].text.lower().replace(" - ", "-")
        kind = self.t.generic.get(doc[noun.start : noun.end].text.lower(), "activist")
        name = f"{core} in {place}" if place else core
        text_start = self._extend_left(start, self.t.descriptors)
        person = not doc[noun.end - 1].lower_.endswith("s") or doc[noun.end - 1].lower_ == "witness"
        return Attribution(
            Speaker(name, kind, person, place), text_start, end, -1, doc[text_start:end].text
        )

    def _pronoun(self, index: int, verb: str) -> Attribution | None:
        word = self.doc[index].lower_
        role = self.t.pronouns.get(word) if verb in self.t.pronoun_verbs else None
        remembered = self.memory.last_person if role == "person" else self.memory.last_group
        if role is None or remembered is None:
            return None
        return Attribution(remembered[0], index, index + 1, -1, self.doc[index].text)

    # -- speaker before / after a verb --------------------------------------------------
    def subject(self, end: int, verb: str = "said") -> Attribution | None:
        """The speaker whose mention ends at token end-1 (skipping auxiliaries/adverbs)."""
        doc, t = self.doc, self.t
        while end > self.sent.start and (
            doc[end - 1].lower_ in t.skip or doc[end - 1].lower_.endswith("ly")
        ):
            end -= 1
        if end <= self.sent.start:
            return None
        if doc[end - 1].text == ")":
            opening = next(
                (
                    i
                    for i in range(end - 2, max(self.sent.start, end - 6) - 1, -1)
                    if doc[i].text == "("
                ),
                None,
            )
            if opening is None:
                return None
            found = self.subject(opening)
            inner = self.alias_start.get(opening + 1)
            if found is None and inner is not None:
                found = Attribution(self._alias(inner), opening + 1, inner.end, -1, "")
            if found is None:
                return None
            return Attribution(found.speaker, found.start, end, -1, doc[found.start : end].text)
        if doc[end - 1].text == ",":
            return self._apposition(end - 1)
        if doc[end - 1].lower_ in t.pronouns:
            return self._pronoun(end - 1, verb)
        if end in self.alias_end:
            hit = self.alias_end[end]
            text_start = self._extend_left(hit.start, t.descriptors | t.title_words, names=True)
            return Attribution(self._alias(hit), text_start, end, -1, doc[text_start:end].text)
        if end in self.generic_end:
            return self._generic(self.generic_end[end], None, end)
        located = self._located_generic(end)
        if located is not None:
            return located
        name_start = self._name_run_left(end)
        return self._person(name_start, end) if name_start is not None else None

    def _located_generic(self, end: int) -> Attribution | None:
        """ "one activist in Binnish", "dissidents in the nearby city of Binnish"."""
        doc = self.doc
        place_start = self._name_run_left(end)
        if place_start is None:
            return None
        place = doc[place_start:end].text
        i = place_start
        for _ in range(6):
            i -= 1
            if i <= self.sent.start:
                return None
            word = doc[i].lower_
            if word in ("in", "from", "inside"):
                noun = self.generic_end.get(i)
                return self._generic(noun, place, end) if noun is not None else None
            if not doc[i].is_lower:
                return None
        return None

    def _apposition(self, comma: int) -> Attribution | None:
        """ "One man in Hama, identified only as Manhal for safety reasons, described ..." and
        "Jakob Kellenberger, the ICRC president, said": the head before the apposition."""
        doc = self.doc
        first = next(
            (
                i
                for i in range(comma - 1, max(self.sent.start, comma - _MAX_APPOSITION), -1)
                if doc[i].text == ","
            ),
            None,
        )
        if first is None:
            return None
        inner = doc[first + 1 : comma]
        if any(t.lower_ in self.t.speech for t in inner):
            return None  # a clause with its own verb, not a description of the speaker
        start = first + 2 if inner[:1].text.lower() == "the" else first + 1
        if start in self.alias_start and self.alias_start[start].end == comma:
            hit = self.alias_start[start]
            return Attribution(self._alias(hit), first + 1, comma, -1, inner.text)
        if 0 < len(inner) <= _MAX_NAME and all(t.is_title or t.text in ("-", "'") for t in inner):
            # "The U.S. ambassador to the U.N., Susan Rice, said": the name is the speaker
            kind = _title_kind(doc[max(self.sent.start, first - _MAX_APPOSITION) : first].text)
            speaker = Speaker(inner.text, kind or "activist", True)
            return Attribution(speaker, first + 1, comma, -1, inner.text)
        head = self.subject(first)
        if head is None:
            return None
        for i, tok in enumerate(inner[:-1]):
            if tok.lower_ in ("as", "named", "called"):
                nxt = inner[i + 1]
                if nxt.is_title and nxt.lower_ not in self.t.name_stop:
                    speaker = Speaker(nxt.text, head.speaker.kind, True, head.speaker.place)
                    return Attribution(speaker, head.start, head.end, -1, head.text)
        if head.speaker.person and head.speaker.kind == "activist":
            alias = next(
                (self.alias_start[i] for i in range(first + 1, comma) if i in self.alias_start),
                None,
            )
            kind = self._alias(alias).kind if alias is not None else _title_kind(inner.text)
            if kind is not None:
                speaker = Speaker(head.speaker.name, kind, True, head.speaker.place)
                return Attribution(speaker, head.start, head.end, -1, head.text)
        return head

    def object(self, start: int) -> Attribution | None:
        """The speaker named right after an inverted verb ("said X", "according to X")."""
        doc, t = self.doc, self.t
        first = start
        while (
            start < min(self.sent.end, first + 4)
            and start not in self.alias_start
            and (doc[start].lower_ in t.descriptors)
        ):
            start += 1  # "according to the Britain-based Observatory"
        if start not in self.alias_start:
            start = first + (first < self.sent.end and doc[first].lower_ in ("the", "a", "an"))
        if start >= self.sent.end:
            return None
        if start in self.alias_start:
            hit = self.alias_start[start]
            return Attribution(self._alias(hit), first, hit.end, -1, doc[first : hit.end].text)
        if doc[start].lower_ in t.pronouns:
            return self._pronoun(start, "said")
        if start in self.generic_start:
            noun = self.generic_start[start]
            return self._generic(noun, None, noun.end)
        end = start
        while (
            end < self.sent.end
            and end - start < _MAX_NAME + 4
            and (doc[end].is_title or doc[end].lower_ in t.title_words)
        ):
            end += 1
        while end > start and not doc[end - 1].is_title:
            end -= 1
        name_start = self._name_run_left(end) if end > start else None
        if name_start is None or name_start < start:
            return None
        person = self._person(name_start, end)
        if person is None:
            return None
        speaker = person.speaker
        org = self._organisation_after(end)
        if org is not None and speaker.kind == "activist":
            speaker = Speaker(speaker.name, org.kind, True, speaker.place)
        return Attribution(speaker, start, end, -1, doc[start:end].text)

    def _organisation_after(self, end: int) -> Speaker | None:
        """ "Rami Abdulrahman, director of the Observatory": the organisation a name is from."""
        if end >= self.sent.end or self.doc[end].text not in (",", "of"):
            return None
        for i in range(end + 1, min(end + _MAX_NAME + 3, self.sent.end)):
            if i in self.alias_start:
                return self._alias(self.alias_start[i])
        return None


def find_attributions(
    sent: Span, verbs: list[Hit], aliases: list[Hit], generic: list[Hit], memory: SpeakerMemory
) -> list[Attribution]:
    """Every speaker attached to a speech verb in the sentence; updates `memory`."""
    finder = _Finder(sent, aliases, generic, memory)
    doc = sent.doc
    inverted = {(h.start, h.end) for h in verbs if h.label == "inverted"}
    found: list[Attribution] = []
    participles = _tables().participles
    for hit in verbs:
        if hit.label != "verb":
            continue
        if doc[hit.start].lower_ in participles:
            if found:  # "Lavrov defended the sales, saying ...": the same speaker goes on
                last = found[-1]
                found.append(Attribution(last.speaker, last.start, last.end, hit.start, last.text))
            continue
        left = (
            None
            if (hit.start, hit.end) in inverted and hit.end - hit.start > 1
            else (finder.subject(hit.start, doc[hit.start].lower_))
        )
        before = doc[hit.start - 1].text if hit.start > sent.start else ","
        if (
            left is None
            and (hit.start, hit.end) in inverted
            and (before in (",", *_QUOTES) or hit.end - hit.start > 1 or hit.start == sent.start)
        ):
            right = finder.object(hit.end)
            if right is not None:
                quoting = doc[hit.start].lower_ in ("quoting", "citing")
                found.append(
                    Attribution(
                        right.speaker, right.start, right.end, hit.start, right.text, quoting
                    )
                )
            continue
        if left is not None:
            found.append(Attribution(left.speaker, left.start, left.end, hit.start, left.text))
    found = [a for a in found if not _quoted(sent, a.start)]
    for attribution in found:
        memory.remember(attribution)
    return found


def _quoted(sent: Span, index: int) -> bool:
    """Inside quotation marks on its line: a speaker quoted by someone else."""
    doc = sent.doc
    at = doc[index].idx
    text = doc_text(doc)
    line = text[text.rfind("\n", 0, at) + 1 : at]
    return line.count('"') % 2 == 1 or line.count("“") > line.count("”")


def nearest(attributions: list[Attribution], start: int, end: int, doc: Doc) -> Attribution | None:
    """The attribution closest to tokens [start, end); clause breaks between count extra."""

    def cost(a: Attribution) -> int:
        lo, hi = (a.end, start) if a.end <= start else (end, a.start)
        if a.start < end and a.end > start:
            return 0
        breaks = sum(w in _CLAUSE_BREAKS for w in lowers[max(lo, 0) : hi])
        return max(hi - lo, 0) + _CLAUSE_PENALTY * breaks - (2 if a.quoting else 0)

    lowers = token_lowers(doc)

    return min(attributions, key=cost, default=None)
