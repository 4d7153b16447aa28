"""Where: place names in a sentence, resolved through `lib.geography`, and the one a claim is about.

Names come from the gazetteer's surface forms (PhraseMatcher) and must be capitalised in the
text; "across Syria"/"across the country" mean the whole country. A claim takes the nearest
list of names ("Aleppo, Idlib and Homs"): one name gives its most specific place, names in
several governorates give a `governorates` list and no single governorate (never a split).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from lib.extract.matching import Hit, phrase_matcher
from lib.extract.rules import load_rules
from lib.extract.text import token_lowers
from lib.geography import Place, place_phrases, resolve_place

_PRECISION_RANK = {"town": 0, "governorate": 1, "country": 2}
_CLAUSE_BREAKS = frozenset({";", "but", "while", "whereas", "although"})
_CLAUSE_PENALTY = 8
COUNTRY = Place("Syria", None, None, None, "country")


@dataclass(frozen=True)
class PlaceMention:
    start: int  # absolute token indices, end exclusive
    end: int
    place: Place
    text: str  # as written


@dataclass(frozen=True)
class Where:
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
        name = p.name if p.precision == "country" else mention.text
        return cls(name, p.governorate, None, p.lat, p.lon, p.precision, mention.text)


UNKNOWN = Where(None, None, None, None, None, "unknown")
NATIONWIDE = Where("Syria", None, None, None, None, "country", "Syria")


@functools.cache
def place_matcher() -> PhraseMatcher:
    rules = load_rules("places")
    return phrase_matcher({"place": list(place_phrases()), "nation": rules["nationwide"]})


@functools.cache
def _resolve(name: str, prefer: str) -> Place | None:
    return resolve_place(name, prefer=prefer)


def find_places(doc: Doc, hits: list[Hit], blocked: list[Hit]) -> list[PlaceMention]:
    """Place mentions in the document, skipping lower-case words and names inside the
    longer `blocked` spans (organisation names such as "... Committees of Syria")."""
    rules = load_rules("places")
    phrases = place_phrases()
    town_words = frozenset(rules["town_words"])
    gov_words = frozenset(rules["governorate_words"])
    inside: dict[int, int] = {}
    for b in blocked:
        for i in range(b.start, b.end):
            inside[i] = max(inside.get(i, 0), b.end - b.start)
    found: list[PlaceMention] = []
    for hit in hits:
        if inside.get(hit.start, 0) > hit.end - hit.start:
            continue
        span = doc[hit.start : hit.end]
        if hit.label == "nation":
            found.append(PlaceMention(hit.start, hit.end, COUNTRY, span.text))
            continue
        if not any(t.text[:1].isupper() for t in span):
            continue
        before = doc[hit.start - 2].lower_ if hit.start >= 2 else ""
        after = doc[hit.end].lower_ if hit.end < len(doc) else ""
        if hit.end < len(doc) and doc[hit.end].is_title and after not in gov_words | town_words:
            continue  # part of a longer name: "Bab Amr", "Aleppo University"
        prefer = "town" if before in town_words or after in ("city", "town") else "governorate"
        name = phrases.get(span.text.lower(), span.text)
        if after in gov_words:
            prefer = "governorate"
        place = _resolve(name, prefer)
        if place is not None:
            found.append(PlaceMention(hit.start, hit.end, place, span.text))
    return found


def _groups(mentions: list[PlaceMention], doc: Doc) -> list[list[PlaceMention]]:
    """Runs of names joined only by list glue: "Aleppo, Idlib, Damascus countryside and Homs"."""
    glue = frozenset(load_rules("places")["list_glue"])
    groups: list[list[PlaceMention]] = []
    for m in mentions:
        if groups and all(doc[i].lower_ in glue for i in range(groups[-1][-1].end, m.start)):
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
    rules = load_rules("places")
    kind_words = frozenset(rules["town_words"]) | frozenset(rules["governorate_words"])
    lowers = token_lowers(doc)
    kept = []
    for m, following in zip(mentions, [*mentions[1:], None], strict=False):
        between = lowers[m.end : following.start] if following else []
        contains = len(between) >= 2 and between[-1] == "of"
        if not (contains and all(w in kind_words for w in between[:-1])):
            kept.append(m)
    return kept


def choose_place(
    mentions: list[PlaceMention], start: int, end: int, doc: Doc, exclude: list[tuple[int, int]]
) -> Where | None:
    """Where a claim at tokens [start, end) happened: the nearest group of names in its
    sentence outside the `exclude` spans (speakers: "an activist in Binnish")."""
    usable = [m for m in mentions if not any(a <= m.start and m.end <= b for a, b in exclude)]
    usable = _drop_containers(usable, doc)
    if not usable:
        return None

    def cost(group: list[PlaceMention]) -> float:
        lo, hi = (group[-1].end, start) if group[-1].end <= start else (end, group[0].start)
        if group[0].start < end and group[-1].end > start:
            return 0
        breaks = sum(w in _CLAUSE_BREAKS for w in lowers[lo:hi])
        before = 0.5 if group[-1].end <= start else 0.0  # ties go to "killed in X"
        return max(hi - lo, 0) + _CLAUSE_PENALTY * breaks + before

    lowers = token_lowers(doc)

    return _where(min(_groups(usable, doc), key=cost))
