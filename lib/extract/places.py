"""Where: place names in a sentence, resolved through `lib.geography`, and the one a claim is about.

Names come from the gazetteer's surface forms (PhraseMatcher) and must be capitalised in the
text; "across Syria"/"across the country" mean the whole country. A claim takes the nearest
list of names ("Aleppo, Idlib and Homs"): one name gives its most specific place, names in
several governorates give a `governorates` list and no single governorate (never a split).
"""

from __future__ import annotations

import functools
import itertools
from typing import NamedTuple

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from lib.extract.matching import Hit, phrase_matcher, starts_with_start
from lib.extract.rules import load_rules
from lib.extract.text import doc_text, token_lowers, token_offsets, token_texts
from lib.geography import Place, place_phrases, resolve_place

_PRECISION_RANK = {"town": 0, "governorate": 1, "country": 2}
_CLAUSE_BREAKS = frozenset({";", "but", "while", "whereas", "although"})
_CLAUSE_PENALTY = 8
COUNTRY = Place("Syria", None, None, None, "country")


@starts_with_start
class PlaceMention(NamedTuple):
    """A place name in a document (a named tuple: thousands are built per batch)."""

    start: int  # absolute token indices, end exclusive
    end: int
    place: Place
    text: str  # as written


class Where(NamedTuple):
    """The location of a claim, ready for the claim columns."""

    place: str | None
    governorate: str | None
    governorates: tuple[str, ...] | None
    lat: float | None
    lon: float | None
    precision: str
    text: str | None = None  # the name as written, for topic labels

    @classmethod
    def of(cls, mention: PlaceMention) -> Where:
        """The place as the article names it ("Houla", "al-Haffeh"; the whole country is
        "Syria"); governorate and point come from the gazetteer."""
        p = mention.place
        text = mention.text
        name = p.name if p.precision == "country" else text
        if cls is Where:  # built in C (the named tuple's `__new__` runs Python)
            return _as_where((name, p.governorate, None, p.lat, p.lon, p.precision, text))
        return cls(name, p.governorate, None, p.lat, p.lon, p.precision, text)


_as_where = functools.partial(tuple.__new__, Where)
UNKNOWN = Where(None, None, None, None, None, "unknown")
NATIONWIDE = Where("Syria", None, None, None, None, "country", "Syria")


@functools.cache
def place_matcher() -> PhraseMatcher:
    rules = load_rules("places")
    return phrase_matcher({"place": list(place_phrases()), "nation": rules["nationwide"]})


@functools.cache
def _resolve(name: str, prefer: str) -> Place | None:
    return resolve_place(name, prefer=prefer)


@functools.cache
def _words() -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """Town words, governorate words and list glue from the rule table, as sets."""
    rules = load_rules("places")
    town = frozenset(rules["town_words"])
    governorate = frozenset(rules["governorate_words"])
    return town, governorate, frozenset(rules["list_glue"])


def find_places(doc: Doc, hits: list[Hit], blocked: list[Hit]) -> list[PlaceMention]:
    """Place mentions in the document, skipping lower-case words and names inside the
    longer `blocked` spans (organisation names such as "... Committees of Syria")."""
    phrases = place_phrases()
    town_words, gov_words, _ = _words()
    kind_words = gov_words | town_words
    inside: dict[int, int] = {}
    for b in blocked:
        size = b.end - b.start
        for i in range(b.start, b.end):
            if inside.get(i, 0) < size:
                inside[i] = size
    text = doc_text(doc)
    texts = token_texts(doc)
    lowers = token_lowers(doc)
    starts, _ = token_offsets(doc)
    length = len(texts)
    found: list[PlaceMention] = []
    for start, end, label in hits:
        if inside.get(start, 0) > end - start:
            continue
        written = text[starts[start] : starts[end - 1] + len(texts[end - 1])]  # the span's text
        if label == "nation":
            found.append(PlaceMention(start, end, COUNTRY, written))
            continue
        if end - start == 1:
            if not texts[start][:1].isupper():
                continue
        elif not any(t[:1].isupper() for t in texts[start:end]):
            continue
        before = lowers[start - 2] if start >= 2 else ""
        after = lowers[end] if end < length else ""
        if end < length and texts[end].istitle() and after not in kind_words:
            continue  # part of a longer name: "Bab Amr", "Aleppo University"
        prefer = "town" if before in town_words or after in ("city", "town") else "governorate"
        name = phrases.get(written.lower(), written)
        if after in gov_words:
            prefer = "governorate"
        place = _resolve(name, prefer)
        if place is not None:
            found.append(PlaceMention(start, end, place, written))
    return found


def _groups(mentions: list[PlaceMention], lowers: list[str]) -> list[list[PlaceMention]]:
    """Runs of names joined only by list glue: "Aleppo, Idlib, Damascus countryside and Homs"."""
    glue = _words()[2]
    groups: list[list[PlaceMention]] = []
    for m in mentions:
        if groups and all(w in glue for w in lowers[groups[-1][-1].end : m.start]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _where(group: list[PlaceMention]) -> Where:
    codes: list[str] = []
    for m in group:
        code = m.place.governorate
        if code is not None and code not in codes:
            codes.append(code)
    if len(codes) > 1:
        return Where(None, None, tuple(codes), None, None, "governorate")
    best = min(group, key=lambda m: _PRECISION_RANK.get(m.place.precision, 3))
    return Where.of(best)


def _drop_containers(mentions: list[PlaceMention], doc: Doc) -> list[PlaceMention]:
    """In "the Damascus suburb of Douma" or "the Idlib province town of Saraqeb" the first
    name only locates the second: it is no candidate of its own, whichever is nearer."""
    if len(mentions) < 2:
        return mentions
    town_words, gov_words, _ = _words()
    kind_words = town_words | gov_words
    lowers = token_lowers(doc)
    kept = []
    for m, following in itertools.pairwise(mentions):
        between = lowers[m.end : following.start]
        contains = len(between) >= 2 and between[-1] == "of"
        if not (contains and all(w in kind_words for w in between[:-1])):
            kept.append(m)
    kept.append(mentions[-1])
    return kept


def choose_place(
    mentions: list[PlaceMention], start: int, end: int, doc: Doc, exclude: list[tuple[int, int]]
) -> Where | None:
    """Where a claim at tokens [start, end) happened: the nearest group of names in its
    sentence outside the `exclude` spans (speakers: "an activist in Binnish")."""
    if not mentions:
        return None
    usable = mentions
    if exclude:
        usable = [m for m in mentions if not _inside(m, exclude)]
        if not usable:
            return None
    if len(usable) == 1:  # one group of one name
        return Where.of(usable[0])
    usable = _drop_containers(usable, doc)
    if len(usable) == 1:
        return Where.of(usable[0])
    lowers = token_lowers(doc)

    def cost(group: list[PlaceMention]) -> float:
        lo, hi = (group[-1].end, start) if group[-1].end <= start else (end, group[0].start)
        if group[0].start < end and group[-1].end > start:
            return 0
        breaks = sum(w in _CLAUSE_BREAKS for w in lowers[lo:hi])
        before = 0.5 if group[-1].end <= start else 0.0  # ties go to "killed in X"
        return max(hi - lo, 0) + _CLAUSE_PENALTY * breaks + before

    return _where(min(_groups(usable, lowers), key=cost))


def _inside(mention: PlaceMention, spans: list[tuple[int, int]]) -> bool:
    """Whether the mention lies in one of the spans (a loop: `any` over a generator costs
    more than the test on the few spans of a claim)."""
    for a, b in spans:  # noqa: SIM110
        if a <= mention.start and mention.end <= b:
            return True
    return False
