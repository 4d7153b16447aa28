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

import bisect
import functools
import itertools
from dataclasses import dataclass, field
from typing import NamedTuple

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from lib.extract.matching import Hit, find, phrase_matcher
from lib.extract.rules import load_rules
from lib.extract.text import doc_text, token_lowers, token_offsets, token_texts

_MAX_NAME = 4
_MAX_APPOSITION = 20
_CLAUSE_PENALTY = 8
_MAX_NESTING = 4  # a speaker looked for behind at most 3 appositions/clauses/nouns
_NEAREST_EACH_SIDE = 3  # attributions looked at on each side of a claim (nearest first)
_QUOTES = frozenset({'"', "“", "”", "''", "``"})
_NAME_JOINERS = frozenset({"al", "el", "abu", "bin", "ibn"})
_PLACE_PREPOSITIONS = frozenset({"in", "from", "inside", "of", "at", "on"})
_DASHES = frozenset({"-", "–", "—", "--"})
_RELATIVES = frozenset({"which", "who", "whose"})
_RELAYING = frozenset({"quoted", "cited", "quoting", "citing"})


class Speaker(NamedTuple):
    """A source: canonical name, source_kind, and the place an unnamed speaker is in.
    A named tuple: a sentence builds several, and a frozen dataclass's `__init__` (one
    `object.__setattr__` per field) costs several times a tuple's."""

    name: str
    kind: str
    person: bool
    place: str | None = None


class Attribution(NamedTuple):
    """A speaker attached to a speech verb in a sentence (absolute token indices)."""

    speaker: Speaker
    start: int  # speaker mention as written = source_text
    end: int
    verb: int
    text: str
    quoting: bool = False  # "quoting X": X's words, relayed by someone else


@dataclass
class SpeakerMemory:
    """Speakers seen so far in one article: pronouns, surnames and "the group" resolve
    against it."""

    last_person: tuple[Speaker, str] | None = None
    last_group: tuple[Speaker, str] | None = None
    last_monitor: Speaker | None = None
    last_source: Speaker | None = None  # "a source at X said ... the source added"
    names: dict[str, Speaker] = field(default_factory=dict)

    def remember(self, attribution: Attribution) -> None:
        speaker = attribution.speaker
        if attribution.text.lower() in _tables().pronouns:
            return
        if speaker.kind == "opposition_monitor" and not speaker.person:
            self.last_monitor = speaker
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
    nationalities: frozenset[str]  # a foreign nationality in a title makes it foreign
    skip: frozenset[str]
    name_stop: frozenset[str]
    pronouns: dict[str, str]
    pronoun_verbs: frozenset[str]
    delegate_titles: frozenset[str]
    participles: frozenset[str]
    speech: frozenset[str]
    name_skip: frozenset[str]  # name_stop | title_words: words a name run does not start with
    alias_left: frozenset[str]  # descriptors | title_words: words widening an alias mention
    labels: dict[str, str]  # generic noun -> the source name of an unnamed speaker
    monitor_nouns: frozenset[str]  # "the group", "a watchdog": the monitor named in the article
    monitor_label: str
    documents: frozenset[str]  # "the report said": its author, the last group quoted
    relay: frozenset[str]  # "X, quoted by state TV, said": an apposition that is no clause
    clause_breaks: frozenset[str]
    report_verbs: frozenset[str]  # verbs whose speaker owns the counts that follow them
    official_bodies: frozenset[str]  # "a source at Hama Police Command": an official source
    official_labels: tuple[str, str]
    source_nouns: frozenset[str]
    roles: frozenset[str]  # "Abu Saeed, an activist": the role names the person's source
    role_labels: dict[str, str]  # "Dr." -> doctor
    honorifics: frozenset[str]  # "Mr.", "Sheikh": a person's name follows
    monitor_bases: dict[str, str]  # "a Britain-based watchdog" -> the monitor based there
    outlet_nouns: frozenset[str]  # "Reuters news agency"
    organisation_words: frozenset[str]  # "National Organization for Human Rights in Syria"
    organisation_joiners: frozenset[str]
    outlet_words: frozenset[str]


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
        nationalities=frozenset(rules["foreign_nationalities"]),
        skip=frozenset(rules["skip_between"]),
        name_stop=frozenset(rules["name_stop"]),
        pronouns=rules["pronouns"],
        pronoun_verbs=frozenset(rules["pronoun_verbs"]),
        delegate_titles=frozenset(rules["delegate_titles"]),
        participles=frozenset(rules["participles"]),
        speech=frozenset(rules["speech_verbs"]),
        name_skip=frozenset(rules["name_stop"]) | frozenset(rules["title_words"]),
        alias_left=frozenset(rules["descriptors"]) | frozenset(rules["title_words"]),
        labels={
            noun: label
            for label, nouns in rules["generic_labels"].items()
            if not label.startswith("_")
            for noun in nouns
        },
        monitor_nouns=frozenset(rules["monitor_nouns"]),
        monitor_label=rules["monitor_label"],
        documents=frozenset(rules["document_nouns"]),
        relay=frozenset(rules["relay_participles"]),
        clause_breaks=frozenset(rules["clause_breaks"]),
        report_verbs=frozenset(rules["report_verbs"]),
        official_bodies=frozenset(rules["official_bodies"]),
        official_labels=tuple(rules["official_source_label"]),
        source_nouns=frozenset(rules["source_nouns"]),
        roles=frozenset(rules["roles"]),
        role_labels=rules["role_labels"],
        honorifics=frozenset(rules["honorifics"]),
        outlet_nouns=frozenset(rules["outlet_nouns"]),
        organisation_words=frozenset(rules["organisation_words"]),
        organisation_joiners=frozenset(rules["organisation_joiners"]),
        outlet_words=frozenset(rules["outlet_words"]),
        monitor_bases={
            base: name for name, bases in rules["monitor_bases"].items() for base in bases
        },
    )


@functools.cache
def _kinds_by_name() -> dict[str, str]:
    rules = load_rules("sources")
    kinds: dict[str, str] = {}
    for name, kind, lower_aliases, exact_aliases in rules["sources"]:
        for alias in [name, *lower_aliases, *exact_aliases]:
            kinds.setdefault(alias.casefold(), kind)
    for kind, nouns in rules["generic"].items():
        for noun in nouns:
            kinds.setdefault(noun.casefold(), kind)
    return kinds


def kind_of_source(name: str) -> str | None:
    """The kind of source a name stands for in the source table ("SANA" -> "state_media",
    "activists" -> "activist"), or None for a name the table does not know: what a reviewer's
    renamed source should be filed under."""
    return _kinds_by_name().get(name.strip().casefold())


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


@functools.lru_cache(maxsize=4096)
def _title_kind(text: str) -> str | None:
    """The source kind of the first title (by `title_kind_order`) in `text`, foreign when it
    names another nationality; cached, as the same few title phrases come back sentence after
    sentence."""
    lowered = f" {text.lower()} "
    if any(f" {w} " in lowered for w in _tables().nationalities):
        return "foreign_government"  # "Lebanese Interior Minister": another country's
    for kind, words in _tables().title_kinds:
        if any(f" {w} " in lowered or lowered.startswith(f" {w}") for w in words):
            return kind
    return None


def _doc_tokens(doc: Doc) -> tuple[list[str], list[str], str, list[int]]:
    """(token texts, token lower forms, document text, token character offsets), looked up
    once per document."""
    tokens = doc.user_data.get("src_tokens")
    if tokens is None:
        tokens = (token_texts(doc), token_lowers(doc), doc_text(doc), token_offsets(doc)[0])
        doc.user_data["src_tokens"] = tokens
    return tokens


def _hit_start(hit: Hit) -> int:
    return hit.start


def _named_monitors(doc: Doc) -> list[Hit]:
    """Mentions of named monitoring groups in the whole document, in order (matched once,
    only for a document with an unnamed "watchdog" before any named one)."""
    monitors = doc.user_data.get("src_monitors")
    if monitors is None:
        entries = _tables().entries
        lower, exact = alias_matchers()
        hits = sorted(find(lower, doc, longest=False) + find(exact, doc, longest=False))
        monitors = [h for h in hits if entries[int(h.label)][1] == "opposition_monitor"]
        doc.user_data["src_monitors"] = monitors
    return monitors


class _Finder:
    """Speaker lookup inside one sentence, from precomputed per-document hits.

    Tokens are read from per-document lists (text, lower form, character offset): a `doc[i]`
    lookup builds a Token object and each of its attributes goes through Cython. spaCy's
    lexical flags are the `str` predicates of the token text (`is_title` is `istitle()`...),
    so those are asked of the text directly."""

    def __init__(self, sent: Span, aliases: list[Hit], generic: list[Hit], memory: SpeakerMemory):
        doc = sent.doc
        self.doc: Doc = doc
        self.sent = sent
        self.first = sent.start  # the sentence's token range
        self.stop = sent.end
        self.texts, self.lowers, self.text, self.starts = _doc_tokens(doc)
        self.memory = memory
        self.aliases = aliases
        self.generic = generic
        self.alias_end = _longest(aliases, by_end=True)
        self.generic_end = _longest(generic, by_end=True) if generic else {}
        self.t = _tables()
        self.nesting = 0  # `subject` calls in progress

    def __getattr__(self, name: str) -> dict[int, Hit]:
        """`alias_start` and `generic_start`, built on first use (most sentences need neither;
        `functools.cached_property` would take a lock on every access)."""
        if name == "alias_start":
            self.alias_start = _longest(self.aliases, by_end=False)
            return self.alias_start
        if name == "generic_start":
            self.generic_start = _longest(self.generic, by_end=False)
            return self.generic_start
        raise AttributeError(name)

    def _text(self, start: int, end: int) -> str:
        """`doc[start:end].text`: tokens and the spaces between them, without the last's."""
        if end <= start:
            return ""
        starts = self.starts  # `Token.idx`, from the offsets shared per document
        return self.text[starts[start] : starts[end - 1] + len(self.texts[end - 1])]

    # -- building blocks -------------------------------------------------------------
    def _extend_left(self, start: int, words: frozenset[str], names: bool = False) -> int:
        """Widen a mention leftwards over `words` (and capitalised name words if `names`)."""
        lowers, first = self.lowers, self.first
        if names:
            texts, name_stop = self.texts, self.t.name_stop
            while start > first:
                lower = lowers[start - 1]
                if lower in words or (texts[start - 1].istitle() and lower not in name_stop):
                    start -= 1
                else:
                    break
        else:
            while start > first and lowers[start - 1] in words:
                start -= 1
        texts, stop = self.texts, self.stop
        while start < stop and texts[start] == "-":
            start += 1
        return start

    def _alias(self, hit: Hit) -> Speaker:
        name, kind = self.t.entries[int(hit.label)]
        return Speaker(name, kind, name in self.t.people)

    def _name_run_left(self, end: int) -> int | None:
        """Start of a capitalised name ending at token end-1 ("Herve Ladsous", "al-Assad")."""
        texts, lowers, first = self.texts, self.lowers, self.first
        start = end
        while start > first and end - start < _MAX_NAME + 2:
            word = texts[start - 1]
            if (
                ((word.istitle() or word.isupper()) and word.isalpha())
                or word == "-"
                or lowers[start - 1] in _NAME_JOINERS
            ):
                start -= 1
            else:
                break
        skip = self.t.name_skip
        while start < end and (texts[start] == "-" or lowers[start] in skip):
            start += 1
        if start >= end or lowers[end - 1] in self.t.name_stop or not texts[end - 1].isalpha():
            return None
        return start

    def _person(self, start: int, end: int) -> Attribution | None:
        name = self._text(start, end)
        text_start = self._extend_left(start, self.t.title_words, names=True)
        text = self._text(text_start, end)
        surname = self.lowers[end - 1]
        known = self.memory.names.get(surname)
        if known is not None:
            return Attribution(known, text_start, end, -1, text)
        org = self._organisation_in(text_start, start)
        if org is not None:
            return Attribution(self._speaks_for(org, surname), text_start, end, -1, text)
        kind = _title_kind(self._text(text_start, start)) or self._delegate_kind(text_start, start)
        role = self._role(text_start, start)
        if role is not None:
            name = f"{role} {name}"
        return Attribution(Speaker(name, kind, True), text_start, end, -1, text)

    def _role(self, start: int, end: int) -> str | None:
        """ "activist Ahmed Hammam", "Abu Saeed, an activist": the role a person speaks in,
        which names them as a source ("activist Abu Saeed")."""
        lowers, roles = self.lowers, self.t.roles
        for i in range(start, end):
            if lowers[i] in roles:
                word = lowers[i]
                return self.t.role_labels.get(word) or self.t.labels.get(word, word)
        return None

    def _with_role(self, speaker: Speaker, start: int, end: int) -> Speaker:
        """A named person with the role an apposition gives them."""
        role = self._role(start, end) if speaker.person and speaker.kind == "activist" else None
        if role is None or speaker.name.startswith(role):
            return speaker
        return Speaker(f"{role} {speaker.name}", speaker.kind, True, speaker.place)

    def _organisation_in(self, start: int, end: int) -> Speaker | None:
        """The organisation named in a person's title ("Observatory director", "U.N.
        spokesman", "Interior Minister"): the person speaks for it."""
        for i in range(start, end):
            hit = self.alias_start.get(i)
            if hit is not None and hit.end <= end:
                speaker = self._alias(hit)
                foreign = _title_kind(self._text(start, i)) == "foreign_government"
                if not speaker.person and not (foreign and speaker.kind == "government"):
                    return speaker
        return None

    def _speaks_for(self, org: Speaker, surname: str) -> Speaker:
        """A person speaking for an organisation is that organisation as a source; later
        mentions of the surname alone are too ("Abdel Rahman said")."""
        self.memory.names[surname] = org
        return org

    def _delegate_kind(self, start: int, end: int) -> str:
        """A spokesman speaks for the organisation last quoted ("the White House said ...
        spokesman Jay Carney told reporters"); other unknown people count as activists."""
        group = self.memory.last_group
        if group is not None and not self.t.delegate_titles.isdisjoint(self.lowers[start:end]):
            return group[0].kind
        return "activist"

    def _generic(self, noun: Hit, place: str | None, end: int) -> Attribution | None:
        """An unnamed speaker: its source name is the category of its noun ("human rights
        campaigners" -> activists); "the group", "a watchdog" are the monitor the article
        names; "the Islamic State group" is a named group, not an unnamed speaker."""
        t, texts = self.t, self.texts
        if (
            noun.start > self.first
            and texts[noun.start].istitle()
            and texts[noun.start - 1].istitle()
        ):
            return None  # a word of a proper name: "the Kurdish Human Rights Organization"
        start = self._extend_left(noun.start, t.modifiers)
        noun_text = self._text(noun.start, noun.end).lower()
        text_start = self._extend_left(start, t.descriptors)
        text = self._text(text_start, end)
        if noun_text in t.monitor_nouns and place is None:
            before = text_start - 1
            if before >= self.first and self.texts[before].istitle():
                return None  # "the Islamic State group", "Kurdish YPG group"
            monitor = self._based(text_start, noun.start) or self._monitor(noun.start)
            if monitor is not None:
                return Attribution(monitor, text_start, end, -1, text)
        if noun_text in t.source_nouns:
            return self._source(noun, noun_text, text_start, end, text)
        kind = t.generic.get(noun_text, "activist")
        modifiers = self._text(start, noun.start)
        foreign = _title_kind(modifiers) if modifiers else None
        if foreign in ("foreign_government", "un_international"):
            kind, label = foreign, self._text(start, noun.end).lower().replace(" - ", "-")
        else:
            monitor_noun = noun_text in t.monitor_nouns
            label = t.labels.get(noun_text, t.monitor_label if monitor_noun else noun_text)
        name = f"{label} in {place}" if place else label
        last = self.lowers[noun.end - 1]
        person = (not last.endswith("s") or last == "witness") and noun_text not in t.monitor_nouns
        return Attribution(Speaker(name, kind, person, place), text_start, end, -1, text)

    def _source(self, noun: Hit, noun_text: str, start: int, end: int, text: str) -> Attribution:
        """ "a source at Hama Police Command", "a source close to the government": an
        official source; "the source added": the source last quoted; other sources are
        activists' (the opposition's usual unnamed informants)."""
        t = self.t
        remembered = self.memory.last_source
        if remembered is not None and self.lowers[start] == "the" and noun.end == end:
            return Attribution(remembered, start, end, -1, text)
        after = self.lowers[noun.end : min(noun.end + _MAX_NAME + 2, self.stop)]
        plural = noun_text.endswith("s")
        if not t.official_bodies.isdisjoint(after) or not t.official_bodies.isdisjoint(
            self.lowers[start : noun.start]
        ):
            speaker = Speaker(t.official_labels[plural], "government", not plural)
        else:
            speaker = Speaker(t.labels.get(noun_text, noun_text), "activist", not plural)
        self.memory.last_source = speaker
        return Attribution(speaker, start, end, -1, text)

    def _based(self, start: int, end: int) -> Speaker | None:
        """ "a Britain-based watchdog": the monitor based there."""
        bases = self.t.monitor_bases
        for i in range(start, end):
            name = bases.get(self.lowers[i])
            if name is not None and i + 2 < end and self.lowers[i + 2] == "based":
                return next(Speaker(n, kind, False) for n, kind in self.t.entries if n == name)
        return None

    def _monitor(self, at: int) -> Speaker | None:
        """The monitoring group "the group" / "the monitor" refers to: the last one quoted,
        else the first one the article names after (a lead's "a watchdog said" is named in
        the next paragraph)."""
        if self.memory.last_monitor is not None:
            return self.memory.last_monitor
        monitors = _named_monitors(self.doc)
        i = bisect.bisect_right(monitors, at, key=_hit_start)
        return None if i == len(monitors) else self._alias(monitors[i])

    def _pronoun(self, index: int, verb: str) -> Attribution | None:
        word = self.lowers[index]
        role = self.t.pronouns.get(word) if verb in self.t.pronoun_verbs else None
        remembered = self.memory.last_person if role == "person" else self.memory.last_group
        if role is None or remembered is None:
            return None
        return Attribution(remembered[0], index, index + 1, -1, self.texts[index])

    # -- speaker before / after a verb --------------------------------------------------
    def subject(self, end: int, verb: str = "said") -> Attribution | None:
        """The speaker whose mention ends at token end-1 (skipping auxiliaries/adverbs).
        Looking past an apposition, a relative clause or a document noun asks again further
        left: at most `_MAX_NESTING` times ("report report report ... said" stays linear)."""
        if self.nesting >= _MAX_NESTING:
            return None
        self.nesting += 1
        try:
            return self._subject(end, verb)
        finally:
            self.nesting -= 1

    def _subject(self, end: int, verb: str) -> Attribution | None:
        t, texts, lowers, first = self.t, self.texts, self.lowers, self.first
        skip = t.skip
        while end > first and (lowers[end - 1] in skip or lowers[end - 1].endswith("ly")):
            end -= 1
        if end <= first:
            return None
        last = texts[end - 1]
        if last == ")":
            opening = next(
                (i for i in range(end - 2, max(first, end - 6) - 1, -1) if texts[i] == "("),
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
            return Attribution(found.speaker, found.start, end, -1, self._text(found.start, end))
        if last == ",":
            return self._apposition(end - 1)
        if last in _DASHES:
            return self._dashed_clause(end - 1)
        if lowers[end - 1] in _RELATIVES and end - 1 > first:
            # "the United Nations, who say"; "a man who said"
            return self.subject(end - 2 if texts[end - 2] == "," else end - 1)
        if lowers[end - 1] in t.pronouns:
            return self._pronoun(end - 1, verb)
        if lowers[end - 1] in t.documents:
            return self._document(end)
        if lowers[end - 1] in t.delegate_titles and end - 1 > first:
            spoken_for = self.subject(end - 1)  # "an information ministry spokesperson"
            if spoken_for is not None and not spoken_for.speaker.person:
                return Attribution(
                    spoken_for.speaker, spoken_for.start, end, -1, self._text(spoken_for.start, end)
                )
        hit = self.alias_end.get(end) or self._outlet_end(end)
        if hit is not None and not self._complement(hit):
            return self._alias_mention(hit, end)
        noun = self.generic_end.get(end)
        if noun is not None:
            generic = self._generic(noun, None, end)
            if generic is not None:
                return generic
        name_start = self._name_run_left(end)
        located = self._located_generic(end, end if name_start is None else name_start)
        if located is not None:
            return located
        if name_start is None:
            return self._delegate_of(end)
        organisation = self._organisation_run(end)
        if organisation is not None:
            return organisation
        if name_start > first and lowers[name_start - 1] in _PLACE_PREPOSITIONS:
            return self._delegate_of(end)  # "the head of medical services in Latakia"
        return self._person(name_start, end)

    def _organisation_run(self, end: int) -> Attribution | None:
        """An organisation missing from the table, named in capitals ("the National
        Organization for Human Rights in Syria"): a source under its own name, official when
        its name says so ("Hama Police Command")."""
        texts, lowers, t = self.texts, self.lowers, self.t
        start = end
        while start > max(self.first, end - 2 * _MAX_NAME - 2) and (
            texts[start - 1].istitle() or lowers[start - 1] in t.organisation_joiners
        ):
            start -= 1
        while start < end and (
            lowers[start] in t.organisation_joiners or lowers[start] in t.name_stop
        ):
            start += 1
        words = {lowers[i] for i in range(start, end) if texts[i].istitle()}
        if start >= end or words.isdisjoint(t.organisation_words):
            return None
        if not t.roles.isdisjoint(words) or not t.honorifics.isdisjoint(words):
            return None  # "Head of the General Commission ... Dr. Salim Khallouf": a person
        name = self._text(start, end)
        kind = "government" if not words.isdisjoint(t.official_bodies) else "activist"
        text_start = self._extend_left(start, t.descriptors)
        return Attribution(
            Speaker(name, kind, False), text_start, end, -1, self._text(text_start, end)
        )

    def _delegate_of(self, end: int) -> Attribution | None:
        """ "A spokesman for the UN High Commissioner for Human Rights says": the
        organisation a spokesman or head speaks for."""
        lowers, delegates = self.lowers, self.t.delegate_titles
        for i in range(end - 2, max(self.first, end - _MAX_APPOSITION), -1):
            if lowers[i] in ("for", "of") and lowers[i - 1] in delegates:
                named = i + 1 + (lowers[i + 1] == "the")
                hit = self.alias_start.get(named)
                if hit is not None and not self._alias(hit).person:
                    start = self._extend_left(i - 1, self.t.descriptors)
                    return Attribution(self._alias(hit), start, end, -1, self._text(start, end))
                return None
        return None

    def _complement(self, hit: Hit) -> bool:
        """A country or capital after a preposition is a place in a longer name ("the
        National Organization for Human Rights in Syria"), not a government speaking."""
        before = hit.start - 1
        return (
            before >= self.first
            and self.lowers[before] in _PLACE_PREPOSITIONS | {"for", "to"}
            and self._alias(hit).kind in ("government", "foreign_government")
        )

    def _outlet_end(self, end: int) -> Hit | None:
        """ "Reuters news agency", "Al Jazeera satellite channel": an outlet named before the
        noun for what it is."""
        lowers, t = self.lowers, self.t
        if lowers[end - 1] not in t.outlet_nouns:
            return None
        j = end - 1
        while j > self.first and lowers[j - 1] in t.outlet_words:
            j -= 1
        hit = self.alias_end.get(j)
        return hit if hit is not None and self._alias(hit).kind == "reporter" else None

    def _alias_mention(self, hit: Hit, end: int) -> Attribution:
        """A table alias widened over its descriptors ("the Britain-based Observatory");
        a government alias after a foreign title is that government's ("Lebanese Interior
        Minister")."""
        text_start = self._extend_left(hit.start, self.t.alias_left, names=True)
        speaker = self._alias(hit)
        text = self._text(text_start, end)
        if speaker.kind == "government" and text_start < hit.start:
            kind = _title_kind(self._text(text_start, hit.start))
            if kind == "foreign_government":
                speaker = Speaker(text, kind, speaker.person)
        return Attribution(speaker, text_start, end, -1, text)

    def _document(self, end: int) -> Attribution | None:
        """ "an interior ministry statement said": its author; "the report said", "the
        statement added": the monitor quoted last (monitors publish reports), else the
        organisation quoted last."""
        owner = self.subject(end - 1)
        if owner is not None:
            return Attribution(owner.speaker, owner.start, end, -1, self._text(owner.start, end))
        memory = self.memory
        author = memory.last_monitor or (memory.last_group[0] if memory.last_group else None)
        if author is None:
            return None
        start = end - 1 - (end - 1 > self.first and self.lowers[end - 2] in ("the", "its", "their"))
        return Attribution(author, start, end, -1, self._text(start, end))

    def _dashed_clause(self, dash: int) -> Attribution | None:
        """ "The SOHR - which has a network of activists ... - says": the head before a
        relative clause set off by dashes."""
        for i in range(dash - 1, max(self.first, dash - _MAX_APPOSITION) - 1, -1):
            if self.texts[i] in _DASHES:
                if i + 1 < dash and self.lowers[i + 1] in _RELATIVES:
                    return self.subject(i)
                return None
        return None

    def _located_generic(self, end: int, place_start: int) -> Attribution | None:
        """ "one activist in Binnish", "dissidents in the nearby city of Binnish" (the place
        is the name run [place_start, end))."""
        texts, lowers, first = self.texts, self.lowers, self.first
        i = place_start
        for _ in range(6):
            i -= 1
            if i <= first:
                return None
            if lowers[i] in _PLACE_PREPOSITIONS:
                noun = self.generic_end.get(i)
                if noun is not None:  # else "the nearby city of Binnish": read on
                    place = self._text(place_start, end) if place_start < end else None
                    return self._generic(noun, place, end)
            if not texts[i].islower():
                return None
        return None

    def _apposition(self, comma: int) -> Attribution | None:
        """ "One man in Hama, identified only as Manhal for safety reasons, described ..." and
        "Jakob Kellenberger, the ICRC president, said": the head before the apposition."""
        t, texts, lowers = self.t, self.texts, self.lowers
        first = next(
            (
                i
                for i in range(comma - 1, max(self.first, comma - _MAX_APPOSITION), -1)
                if texts[i] == ","
            ),
            None,
        )
        if first is None:
            return None
        opener = lowers[first + 1]
        if opener in _RELATIVES or opener in t.relay:
            # "the SOHR, which relies on activists, says"; "X, quoted by state TV, said";
            # "Omar Khaled, who heads the LCC, said": he speaks for it
            head = self.subject(first)
            if head is not None and head.speaker.person and head.speaker.kind == "activist":
                org = self._organisation_in(first + 1, comma)
                if org is not None:
                    speaker = self._speaks_for(org, lowers[head.end - 1])
                    return Attribution(speaker, head.start, head.end, -1, head.text)
            return head
        if not t.speech.isdisjoint(lowers[first + 1 : comma]):
            return None  # a clause with its own verb, not a description of the speaker
        start = first + 2 if first + 1 < comma and lowers[first + 1] == "the" else first + 1
        hit = self.alias_start.get(start)
        if hit is not None and hit.end == comma:
            return Attribution(self._alias(hit), first + 1, comma, -1, self._text(first + 1, comma))
        if 0 < comma - first - 1 <= _MAX_NAME and all(
            texts[i].istitle() or texts[i] in ("-", "'") for i in range(first + 1, comma)
        ):
            # "The U.S. ambassador to the U.N., Susan Rice, said": the name is the speaker
            kind = _title_kind(self._text(max(self.first, first - _MAX_APPOSITION), first))
            inner = self._text(first + 1, comma)
            return Attribution(
                Speaker(inner, kind or "activist", True), first + 1, comma, -1, inner
            )
        head = self.subject(first)
        if head is None:
            return None
        for i in range(first + 1, comma - 1):
            if lowers[i] in ("as", "named", "called"):
                nxt = texts[i + 1]
                if nxt.istitle() and lowers[i + 1] not in t.name_stop:
                    speaker = Speaker(nxt, head.speaker.kind, True, head.speaker.place)
                    return Attribution(speaker, head.start, head.end, -1, head.text)
        if head.speaker.person and head.speaker.kind == "activist":
            org = self._organisation_in(first + 1, comma) or self._monitor_in(first + 1, comma)
            if org is not None:
                speaker = self._speaks_for(org, lowers[head.end - 1])
                return Attribution(speaker, head.start, head.end, -1, head.text)
            kind = _title_kind(self._text(first + 1, comma))
            if kind is not None:
                speaker = Speaker(head.speaker.name, kind, True, head.speaker.place)
                speaker = self._with_role(speaker, first + 1, comma)
                return Attribution(speaker, head.start, head.end, -1, head.text)
        return head

    def _monitor_in(self, start: int, end: int) -> Speaker | None:
        """ "head of the Britain-based watchdog": the monitor an unnamed group noun means."""
        for i in range(end, start, -1):
            noun = self.generic_end.get(i)
            if noun is not None and noun.start >= start:
                noun_text = self._text(noun.start, noun.end).lower()
                return self._monitor(noun.start) if noun_text in self.t.monitor_nouns else None
        return None

    def object(self, start: int) -> Attribution | None:
        """The speaker named right after an inverted verb ("said X", "according to X")."""
        t, texts, lowers, stop = self.t, self.texts, self.lowers, self.stop
        first = start
        while (
            start < min(stop, first + _MAX_NAME + 4)
            and start not in self.alias_start
            and (lowers[start] in t.descriptors)
        ):
            start += 1  # "according to the Britain-based Observatory"
        if start not in self.alias_start and start > first:
            described = self._described(first, start)
            if described is not None:
                return described
            noun = self.generic_start.get(start)  # "citing Syrian activists at the LCC"
            if noun is not None:
                found = self._generic(noun, None, noun.end)
                if found is not None:
                    return Attribution(found.speaker, first, noun.end, -1, found.text)
        if start not in self.alias_start:
            start = first + (first < stop and lowers[first] in ("the", "a", "an"))
        if start >= stop:
            return None
        if start in self.alias_start:
            hit = self.alias_start[start]
            return Attribution(self._alias(hit), first, hit.end, -1, self._text(first, hit.end))
        if lowers[start] in t.pronouns:
            return self._pronoun(start, "said")
        if start in self.generic_start:
            noun = self.generic_start[start]
            return self._generic(noun, None, noun.end)
        end = start
        while (
            end < stop
            and end - start < _MAX_NAME + 4
            and (texts[end].istitle() or lowers[end] in t.title_words)
        ):
            end += 1
        while end > start and not texts[end - 1].istitle():
            end -= 1
        name_start = self._name_run_left(end) if end > start else None
        if name_start is None or name_start < start:
            return None
        person = self._person(name_start, end)
        if person is None:
            return None
        speaker = person.speaker
        org = self._organisation_after(end)
        if org is not None and speaker.person and speaker.kind == "activist":
            speaker = self._speaks_for(org, lowers[end - 1])
        elif end < stop and texts[end] == ",":
            speaker = self._with_role(speaker, end + 1, min(end + 4, stop))
        return Attribution(speaker, start, end, -1, self._text(start, end))

    def relayed(self, start: int) -> Attribution | None:
        """The speaker of "quoted X as saying" / "cited X as saying" (X at `start`)."""
        speaker = self.object(start)
        if speaker is None:
            return None
        for i in range(speaker.end, min(speaker.end + _MAX_APPOSITION, self.stop - 1)):
            if self.lowers[i] == "as" and self.lowers[i + 1] in self.t.participles:
                return speaker
        return None

    def _described(self, first: int, end: int) -> Attribution | None:
        """After a verb, descriptors [first, end) that are the speaker: "the London-based
        opposition group, the Syrian Observatory" (the name in apposition) or "the
        Britain-based monitoring group" (an unnamed speaker)."""
        if end < self.stop and self.texts[end] == ",":
            named = end + 1 + (end + 1 < self.stop and self.lowers[end + 1] == "the")
            hit = self.alias_start.get(named)
            if hit is not None:
                text = self._text(first, hit.end)
                return Attribution(self._alias(hit), first, hit.end, -1, text)
        for i in range(end, first, -1):
            noun = self.generic_end.get(i)
            if noun is not None and noun.start >= first:
                found = self._generic(noun, None, i)
                if found is None:
                    return None
                return Attribution(found.speaker, first, i, -1, self._text(first, i))
        return None

    def _organisation_after(self, end: int) -> Speaker | None:
        """ "Rami Abdulrahman, director of the Observatory": the organisation a name is from."""
        if end >= self.stop or self.texts[end] not in (",", "of"):
            return None
        stop = min(end + _MAX_NAME + 3, self.stop)
        for i in range(end + 1, stop):
            if i in self.alias_start:
                org = self._alias(self.alias_start[i])
                return None if org.person else org
        return self._monitor_in(end + 1, stop)


def find_attributions(
    sent: Span, verbs: list[Hit], aliases: list[Hit], generic: list[Hit], memory: SpeakerMemory
) -> list[Attribution]:
    """Every speaker attached to a speech verb in the sentence; updates `memory`."""
    if not verbs and not (aliases or generic):
        return []
    finder = _Finder(sent, aliases, generic, memory)
    texts, lowers = finder.texts, finder.lowers
    sent_start = finder.first
    found: list[Attribution] = []
    participles, speech = _tables().participles, _tables().speech
    inverted = {(h.start, h.end) for h in verbs if h.label == "inverted"}
    for start, end, label in verbs:
        if label != "verb":
            continue
        word = lowers[start]
        if word in participles:
            if found:  # "Lavrov defended the sales, saying ...": the same speaker goes on
                last = found[-1]
                found.append(Attribution(last.speaker, last.start, last.end, start, last.text))
            continue
        is_inverted = (start, end) in inverted
        left = None if is_inverted and end - start > 1 else finder.subject(start, word)
        if left is not None and left.speaker.kind == "reporter" and word in _RELAYING:
            relayed = finder.relayed(end)  # "Reuters quoted an activist as saying": an
            if relayed is not None:  # outlet relays; others' sources are their own affair
                found.append(relayed._replace(verb=start, quoting=True))
                continue
        if left is None:
            if is_inverted and (
                end - start > 1
                or start == sent_start
                or texts[start - 1] == ","
                or texts[start - 1] in _QUOTES
                or lowers[start - 1] in speech  # "Xinhua reports quoting the Observatory"
            ):
                right = finder.object(end)
                if right is not None:
                    quoting = word in ("quoting", "citing")
                    found.append(
                        Attribution(
                            right.speaker, right.start, right.end, start, right.text, quoting
                        )
                    )
            continue
        found.append(Attribution(left.speaker, left.start, left.end, start, left.text))
    found = _without_relaying_outlets(found)
    tail = _headline_tail(finder)
    if tail is not None:
        found.append(tail)
    if not found:
        return found
    starts = finder.starts
    quotes = _quote_cursor(sent.doc)
    outside = {
        a.start for a in sorted(found, key=_mention_start) if not quotes.inside(starts[a.start])
    }
    kept = []
    for attribution in found:
        if attribution.start in outside:
            kept.append(attribution)
            if not attribution.quoting:
                memory.remember(attribution)
    return kept


def _without_relaying_outlets(found: list[Attribution]) -> list[Attribution]:
    """ "Al Arabiya reported citing activists": the outlet relays, the activists say it."""
    kept = []
    for attribution in found:
        if (
            attribution.quoting
            and kept
            and kept[-1].speaker.kind == "reporter"
            and 0 < attribution.verb - kept[-1].verb <= 2
        ):
            kept.pop()
        kept.append(attribution)
    return kept


def _headline_tail(finder: _Finder) -> Attribution | None:
    """A headline credited after a dash: "Bombs kill 150 in Syrian cities - monitor"."""
    texts, stop = finder.texts, finder.stop
    while stop > finder.first and not texts[stop - 1][:1].isalnum():
        stop -= 1
    hit = finder.alias_end.get(stop) or finder.generic_end.get(stop)
    if hit is None:
        return None
    begin = hit.start - (hit.start > finder.first and finder.lowers[hit.start - 1] == "the")
    if begin <= finder.first or texts[begin - 1] not in _DASHES:
        return None
    if hit.label.isdigit() and finder.alias_end.get(stop) is hit:
        found = finder._alias_mention(hit, stop)
    else:
        found = finder._generic(hit, None, stop)
    if found is None:
        return None
    return Attribution(found.speaker, begin, stop, begin - 1, finder._text(begin, stop))


def _mention_start(attribution: Attribution) -> int:
    return attribution.start


class _QuoteCursor:
    """Whether a character offset is inside quotation marks on its line, read forwards
    through a document: offsets asked in order cost one pass over the text in all."""

    def __init__(self, text: str):
        self.text = text
        self.line = -1  # start of the line being read
        self.at = 0  # read up to here
        self.straight = self.opening = self.closing = 0  # quotation marks since `line`

    def inside(self, at: int) -> bool:
        text = self.text
        if self.line < 0 or at < self.at:
            self._restart(text.rfind("\n", 0, at) + 1)  # backwards: read the line again
        else:
            newline = text.rfind("\n", self.at, at)
            if newline >= 0:
                self._restart(newline + 1)
        chunk = text[self.at : at]
        self.straight += chunk.count('"')
        self.opening += chunk.count("“")
        self.closing += chunk.count("”")
        self.at = at
        return self.straight % 2 == 1 or self.opening > self.closing

    def _restart(self, line: int) -> None:
        self.line = self.at = line
        self.straight = self.opening = self.closing = 0


def _quote_cursor(doc: Doc, purpose: str = "speakers") -> _QuoteCursor:
    """One cursor per document and purpose (each reads its offsets in order)."""
    key = f"src_quotes_{purpose}"
    cursor = doc.user_data.get(key)
    if cursor is None:
        cursor = doc.user_data[key] = _QuoteCursor(doc_text(doc))
    return cursor


def in_quotation(doc: Doc, at: int) -> bool:
    """Character `at` of the document is inside a quotation opened earlier on its line
    (asked for claims in text order)."""
    return _quote_cursor(doc, "claims").inside(at)


class _Index(NamedTuple):
    """A sentence's attributions sorted for lookups around a claim."""

    by_start: list[tuple[int, int]]  # (start, position in the sentence's list)
    governors: list[tuple[int, int]]  # (verb, position) of those that govern what follows


def _index(attributions: list[Attribution], doc: Doc) -> _Index:
    """Built once per sentence (cached on the document by the list's identity)."""
    cache = doc.user_data.setdefault("src_index", {})
    key = id(attributions)
    found = cache.get(key)
    if found is not None and found[0] is attributions:
        return found[1]
    lowers = token_lowers(doc)
    report = _tables().report_verbs
    governors = []
    for i, a in enumerate(attributions):
        if a.verb < 0 or lowers[a.verb] not in report:
            continue
        after = a.verb + 1
        if a.start > a.verb and lowers[a.verb] != "according":
            continue  # "..., said X": X's words are before the verb
        if after < len(lowers) and lowers[after] in (",", ".", ";", "and"):
            continue  # "..., the Observatory said, citing medics"
        governors.append((a.verb, i))
    index = _Index(sorted((a.start, i) for i, a in enumerate(attributions)), sorted(governors))
    cache[key] = (attributions, index)
    return index


def _break_counts(doc: Doc) -> list[int]:
    """Clause breaks (";", "but", "while"...) before each token: the breaks between two
    tokens are a subtraction."""
    counts = doc.user_data.get("src_breaks")
    if counts is None:
        breaks = _tables().clause_breaks
        counts = [0, *itertools.accumulate(w in breaks for w in token_lowers(doc))]
        doc.user_data["src_breaks"] = counts
    return counts


def nearest(attributions: list[Attribution], start: int, end: int, doc: Doc) -> Attribution | None:
    """Who says the claim at tokens [start, end): the speaker whose report verb introduces
    it ("the Observatory put the toll at 25", "according to activists, 20 ..."), else the
    closest attribution (clause breaks between count extra)."""
    if len(attributions) < 2:
        return attributions[0] if attributions else None
    index = _index(attributions, doc)
    breaks = _break_counts(doc)
    g = bisect.bisect_left(index.governors, (start,))
    if g:
        governor = attributions[index.governors[g - 1][1]]
        lo = max(governor.verb, governor.end)
        if governor.end <= start and breaks[start] == breaks[lo]:
            return governor
    i = bisect.bisect_left(index.by_start, (end,))
    around = sorted(
        p for _, p in index.by_start[max(0, i - _NEAREST_EACH_SIDE) : i + _NEAREST_EACH_SIDE]
    )
    best = None
    best_cost = 0
    for position in around:
        a = attributions[position]
        if a.start < end and a.end > start:
            cost = 0
        else:
            lo, hi = (a.end, start) if a.end <= start else (end, a.start)
            lo = max(lo, 0)
            between = breaks[max(hi, lo)] - breaks[lo]
            cost = max(hi - lo, 0) + _CLAUSE_PENALTY * between - (2 if a.quoting else 0)
        if best is None or cost < best_cost:
            best, best_cost = a, cost
    return best


_DATELINE_TOKENS = 14  # "Governorates, Dec 29, 2013 (SANA) –": the dateline is short


def dateline_credit(sent: Span, aliases: list[Hit]) -> Attribution | None:
    """The agency a dateline credits ("DAMASCUS, (SANA) -", "Provinces, SANA –", "BEIRUT
    (Reuters) -"): its copy is the article's, so it says what no one else is credited with.
    The agency is in parentheses or right before the dateline's dash."""
    texts = token_texts(sent.doc)
    stop = min(sent.end, sent.start + _DATELINE_TOKENS)
    entries = _tables().entries
    for hit in aliases:
        if hit.end >= stop:
            break
        name, kind = entries[int(hit.label)]
        if kind not in ("reporter", "state_media"):
            continue
        after = texts[hit.end]
        bracketed = hit.start > sent.start and texts[hit.start - 1] == "(" and after == ")"
        if bracketed or after in _DASHES:
            text = " ".join(texts[hit.start : hit.end])
            return Attribution(Speaker(name, kind, False), hit.start, hit.end, -1, text)
    return None
