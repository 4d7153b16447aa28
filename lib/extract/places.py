"""Where: place names in a document, resolved through `lib.geography`, and the one a claim is about.

Reading a place in wire copy takes three steps, each a small function below:

1. **Mentions** (`find_places`): gazetteer names, capitalised in the text ("Aleppo", "the Damascus
   suburb of Douma"), "the capital" (Damascus) and the nationwide phrases ("across Syria"). A
   name said to be *around* a city-governorate ("near Damascus", "south-west of the capital",
   "Damascus province") is the governorate around it (Rif Dimashq). Names in the dateline
   ("BEIRUT (Reuters) -"), where the reporter is, are no mentions.
2. **Candidates of a sentence** (`Placer.candidates`): a name that only locates another ("the
   Damascus suburb of Douma", "Daraya, south-west of Damascus", "Syria's province of Daraa") is
   dropped; names joined by list glue form one group ("in Douma, Harasta and the northern province
   of Idlib"). Names inside the speaker's mention ("an activist in Binnish") are left out.
3. **Choice** (`Placer.choose`): a claim takes the nearest group; a clause break in between costs
   extra, and so does a group that another count of the sentence owns ("10 were killed in Daraa,
   eight in Damascus": Daraa is the 10's). A group in one governorate gives its most specific
   place; in several, the governorates and no single one (deaths are never split).

Every step is linear in the document: mentions are found once, candidates once per sentence,
and a claim looks only at the nearest group on either side of it (found by bisection).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from collections.abc import Sequence
from typing import NamedTuple

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from lib.extract.matching import Hit, phrase_matcher, starts_with_start, within
from lib.extract.rules import load_rules
from lib.extract.text import doc_text, token_lowers, token_offsets, token_texts
from lib.geography import GOVERNORATES, Place, governorate_place, place_phrases, resolve_place

_PRECISION_RANK = {"town": 0, "governorate": 1, "country": 2}
_CLAUSE_BREAKS = frozenset({";", "but", "while", "whereas", "although"})
_CLAUSE_PENALTY = 8
_POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
_LIST_WORDS = frozenset({",", "and", "&", "as", "well", "both", "also"})  # a list, not a container
_OWNED_PENALTY = 6  # a group another count of the sentence owns ("... Daraa, eight in ...")
COUNTRY = Place("Syria", None, None, None, "country")
# A dateline: at the start of a body paragraph, capitalised place words (with "/" between
# cities, ", Syria", ", Oct. 27"), an agency in brackets, then a dash or colon.
_DATELINE = re.compile(
    r"[A-Z][\w.'’]*(?:[ /-][A-Z][\w.'’]*)*"
    r"(?:\s*,\s*[A-Z][\w.'’]*(?:\s[\w.'’]+)?)*"
    r"(?:\s*,?\s*\([^()\n]{1,40}\))?"
    r"\s*(?:--?|—|–|:)(?=\s)"
)


@starts_with_start
class PlaceMention(NamedTuple):
    """A place name in a document (a named tuple: thousands are built per batch)."""

    start: int  # absolute token indices, end exclusive
    end: int
    place: Place
    text: str  # as written
    region: tuple[str, ...] = ()  # a part of the country: the governorates it may be


class Where(NamedTuple):
    """The location of a claim, ready for the claim columns."""

    place: str | None
    governorate: str | None
    governorates: tuple[str, ...] | None
    lat: float | None
    lon: float | None
    precision: str
    text: str | None = None  # the name as written, for topic labels
    region: tuple[str, ...] = ()  # "northern Syria": the governorates it may be

    @classmethod
    def of(cls, mention: PlaceMention) -> Where:
        """The place as the article names it ("Houla", "al-Haffeh"; the whole country is
        "Syria"); governorate and point come from the gazetteer."""
        p = mention.place
        text = mention.text
        name = p.name if p.precision == "country" else text
        if mention.region:
            return cls(text, None, None, None, None, "country", text, mention.region)
        if cls is Where:  # built in C (the named tuple's `__new__` runs Python)
            return _as_where((name, p.governorate, None, p.lat, p.lon, p.precision, text, ()))
        return cls(name, p.governorate, None, p.lat, p.lon, p.precision, text)

    @property
    def located(self) -> bool:
        """Whether it names a town or one or more governorates (not the country, not unknown)."""
        return self.governorate is not None or bool(self.governorates)


_as_where = functools.partial(tuple.__new__, Where)
UNKNOWN = Where(None, None, None, None, None, "unknown")
NATIONWIDE = Where("Syria", None, None, None, None, "country", "Syria")


@functools.cache
def place_matcher() -> PhraseMatcher:
    rules = load_rules("places")
    table = {"place": list(place_phrases()), "nation": rules["nationwide"]}
    table["capital"] = rules["capital"]
    for direction, phrases in _region_phrases().items():
        table[f"region:{direction}"] = phrases
    return phrase_matcher(table)


@functools.cache
def _region_phrases() -> dict[str, list[str]]:
    """Direction -> the phrases naming that part of the country: "northern syria", "north
    syria", "the north of the country", "syria's north", "the country's northeast"."""
    phrases: dict[str, list[str]] = {}
    for word, direction in load_rules("places")["region_words"].items():
        forms = phrases.setdefault(direction, [])
        forms += [f"{word} syria"]
        if not word.endswith("ern") and word != "central":  # nouns: "the north of"
            forms += [f"the {word} of syria", f"the {word} of the country"]
            forms += [f"syria's {word}", f"the country's {word}"]
    return phrases


@functools.cache
def _resolve(name: str, prefer: str) -> Place | None:
    return resolve_place(name, prefer=prefer)


class _Words(NamedTuple):
    """The rule table's word lists, as sets."""

    town: frozenset[str]
    governorate: frozenset[str]
    glue: frozenset[str]
    around_before: frozenset[str]
    around_after: frozenset[str]
    around_reach: int
    around_glue: frozenset[str]
    surroundings: dict[str, str]
    locator: frozenset[str]
    locator_cues: frozenset[str]
    dateline_max: int
    anaphors: frozenset[str]
    name_prefixes: frozenset[str]
    descriptors: frozenset[str]
    regions: dict[str, tuple[str, ...]]


@functools.cache
def _words() -> _Words:
    r = load_rules("places")
    return _Words(
        frozenset(r["town_words"]),
        frozenset(r["governorate_words"]),
        frozenset(r["list_glue"]),
        frozenset(r["around_before"]),
        frozenset(r["around_after"]),
        r["around_reach"],
        frozenset(r["around_glue"]),
        r["surroundings"],
        frozenset(r["locator_words"]),
        frozenset(r["locator_cues"]),
        r["dateline_max_chars"],
        frozenset(r["anaphors"]),
        frozenset(r["name_prefixes"]),
        frozenset(r["descriptors"]),
        {k: tuple(v) for k, v in r["regions"].items()},
    )


def dateline_spans(text: str, body_start: int) -> list[tuple[int, int]]:
    """Character spans of datelines: the start of a body paragraph up to its dash or colon
    ("BEIRUT (Reuters) -", "DAMASCUS, Syria, Oct. 27 (UPI) --", "Beirut :")."""
    limit = _words().dateline_max
    spans = []
    line = body_start
    while line < len(text):
        match = _DATELINE.match(text, line, min(len(text), line + limit))
        if match is not None:
            spans.append((line, match.end()))
        following = text.find("\n", line)
        if following < 0:
            break
        line = following + 1
    return spans


def find_places(
    doc: Doc, hits: list[Hit], blocked: list[Hit], body_start: int = 0
) -> list[PlaceMention]:
    """Place mentions in the document, skipping lower-case words, names inside the longer
    `blocked` spans (organisation names such as "... Committees of Syria") and datelines."""
    phrases = place_phrases()
    w = _words()
    kind_words = w.governorate | w.town
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
    datelines = dateline_spans(text, body_start)
    dateline_starts = [a for a, _ in datelines]
    length = len(texts)
    found: list[PlaceMention] = []
    for start, end, label in hits:
        if inside.get(start, 0) > end - start:
            continue
        char = starts[start]
        d = bisect.bisect_right(dateline_starts, char) - 1
        if d >= 0 and char < datelines[d][1]:
            continue  # where the reporter is
        written = text[char : starts[end - 1] + len(texts[end - 1])]  # the span's text
        after = lowers[end] if end < length else ""
        if label == "nation" or label.startswith("region:"):
            if not _describes_source(lowers, start, w):
                region = w.regions[label[7:]] if label != "nation" else ()
                found.append(PlaceMention(start, end, COUNTRY, written, region))
            continue
        if label == "capital":
            if after != "of":  # "the capital of Raqqa province" is another city
                capital = _around(_resolve("Damascus", "town"), start, end, lowers, w)
                found.append(PlaceMention(start, end, capital, written))
            continue
        if end - start == 1:
            if not texts[start][:1].isupper():
                continue
        elif not any(t[:1].isupper() for t in texts[start:end]):
            continue
        before = lowers[start - 2] if start >= 2 else ""
        if end < length and texts[end].istitle() and after not in kind_words:
            continue  # part of a longer name: "Bab Amr", "Aleppo University"
        if start and lowers[start - 1] in w.name_prefixes and texts[start - 1][:1].isupper():
            continue  # the end of a longer name: "Beit Naima"
        prefer = "town" if before in w.town or after in ("city", "town") else "governorate"
        name = phrases.get(written.lower(), written)
        if after in w.governorate:
            prefer = "governorate"
        place = _resolve(name, prefer)
        if place is None:
            continue
        if place.precision == "country" and (
            after in _POSSESSIVE or _describes_source(lowers, start, w)
        ):
            continue  # "Syria's civil war", "a network of activists inside Syria"
        found.append(PlaceMention(start, end, _around(place, start, end, lowers, w), written))
    return _learned(found, texts, lowers, text, starts, w)


_NAME_LINKS = frozenset({"al", "el", "-", "ad", "as", "ash", "az", "ar", "an", "at"})
_MAX_NAME_TOKENS = 6  # a learned name is short; bounds the scan on hostile text
_MAX_NAMES = 8  # learned names sharing a first word (bounds the look-up per token)


def _learned(
    found: list[PlaceMention],
    texts: list[str],
    lowers: list[str],
    text: str,
    starts: list[int],
    w: _Words,
) -> list[PlaceMention]:
    """Places the gazetteer lacks, learned from an explicit cue and applied to every mention
    of the same name in the article: "the village of Tell Qasr in Hama province", "the Hama
    village of Tell Qasr", "the town of Tell Qasr, south of Damascus" make "Tell Qasr" a
    town of that governorate."""
    taken = bytearray(len(texts))
    for m in found:
        taken[m.start : m.end] = b"\x01" * (m.end - m.start)
    by_start = {m.start: m for m in found}
    by_end = {m.end: m for m in found}
    learned: dict[str, dict[tuple[str, ...], Place]] = {}  # first token -> name -> place
    for i in range(1, len(texts) - 2):
        if lowers[i] not in w.town or lowers[i + 1] != "of" or taken[i + 2]:
            continue
        start = end = i + 2
        limit = min(len(texts), start + _MAX_NAME_TOKENS)
        while (
            end < limit
            and not taken[end]
            and (texts[end][:1].isupper() or (lowers[end] in _NAME_LINKS and end > start))
        ):
            end += 1
        while end > start and lowers[end - 1] in _NAME_LINKS:
            end -= 1
        if end == start:
            continue
        code = _cue_governorate(by_start, by_end, lowers, i, end, w)
        names = learned.setdefault(texts[start], {})
        if code is not None and len(names) < _MAX_NAMES:
            place = Place(text[starts[start] : starts[end - 1] + len(texts[end - 1])], code,
                          None, None, "town")  # fmt: skip
            names.setdefault(tuple(texts[start:end]), place)
    if not any(learned.values()):
        return found
    for i, token in enumerate(texts):
        if taken[i] or token not in learned:
            continue
        for name, place in learned[token].items():
            end = i + len(name)
            if tuple(texts[i:end]) == name and not any(taken[i:end]):
                written = text[starts[i] : starts[end - 1] + len(texts[end - 1])]
                found.append(PlaceMention(i, end, place, written))
                taken[i:end] = b"\x01" * (end - i)
                break
    found.sort()
    return found


def _cue_governorate(
    by_start: dict[int, PlaceMention],
    by_end: dict[int, PlaceMention],
    lowers: list[str],
    cue: int,
    end: int,
    w: _Words,
) -> str | None:
    """The governorate an explicit cue gives a name: a container right before the town word
    ("the Hama village of"), else a locator just after the name ("in Hama province", ",
    south of Damascus")."""
    before = by_end.get(cue) or (by_end.get(cue - 1) if lowers[cue - 1] in w.governorate else None)
    if before is not None and before.place.governorate is not None:
        return before.place.governorate
    for j in range(end, min(end + 6, len(lowers))):
        m = by_start.get(j)
        if m is not None:
            between = lowers[end:j]
            cued = any(t in w.locator_cues for t in between)
            if cued and all(t in w.locator for t in between) and m.place.governorate:
                return m.place.governorate
            return None
    return None


def _describes_source(lowers: list[str], start: int, w: _Words) -> bool:
    """A country-wide phrase that describes a source: "a network of activists across Syria",
    "activists operating inside Syria"."""
    return any(t in w.descriptors for t in lowers[max(0, start - 3) : start])


def _around(place: Place, start: int, end: int, lowers: list[str], w: _Words) -> Place:
    """The governorate around a city-governorate when the text says the place is around it:
    "near Damascus", "south-west of the capital", "the Damascus suburb of", "Damascus province"."""
    code = place.governorate
    if code not in w.surroundings or place.precision == "country":
        return place
    following = lowers[end : end + 3]
    possessive = bool(following) and following[0] in _POSSESSIVE  # "Damascus' eastern suburb"
    following = following[1:] if possessive else following[:1]
    near = any(t in w.around_after for t in following) or _around_before(lowers, start, w)
    return governorate_place(w.surroundings[code]) if near else place


def _around_before(lowers: list[str], start: int, w: _Words) -> bool:
    """An `around_before` word reached from the name over `around_glue` words only: "near the
    capital", "south-west of Damascus", "on the outskirts of Damascus"; not "outside a police
    station in Damascus"."""
    for i in range(start - 1, max(-1, start - 1 - w.around_reach), -1):
        if lowers[i] in w.around_before:
            return True
        if lowers[i] not in w.around_glue:
            return False
    return False


class Placer:
    """Chooses the place of each claim of one document (see the module doc)."""

    def __init__(self, doc: Doc, mentions: list[PlaceMention]):
        self.lowers = token_lowers(doc)
        self.mentions = mentions
        # breaks[i] = clause breaks among tokens [0, i): a span's count is one subtraction
        is_break = (w in _CLAUSE_BREAKS for w in self.lowers)
        self.breaks = list(itertools.accumulate(is_break, initial=0))
        nouns = _words().anaphors
        lowers = self.lowers
        self.anaphors = [
            i
            for i in range(1, len(lowers) - 1)
            if lowers[i] in nouns and lowers[i - 1] == "the" and lowers[i + 1] != "of"
        ]
        self._sentence: tuple[int, int, tuple] | None = None
        self._codes: list[str | None] | None = None  # governorates the article names, in order
        self._groups: list[list[PlaceMention]] = []
        self._ends: list[int] = []  # where each group ends (sorted: groups do not overlap)

    def candidates(
        self, start: int, end: int, exclude: Sequence[tuple[int, int]]
    ) -> list[list[PlaceMention]]:
        """The groups of candidate names of the sentence [start, end), outside the `exclude`
        spans (speakers); computed once per sentence."""
        key = (start, end, tuple(exclude))
        if self._sentence != key:
            mentions = within(self.mentions, start, end)
            if exclude:
                mentions = [m for m in mentions if not _inside(m, exclude)]
            mentions = _drop_locators(_drop_containers(mentions, self.lowers), self.lowers)
            self._groups = _groups(mentions, self.lowers)
            self._ends = [g[-1].end for g in self._groups]
            self._sentence = key
        return self._groups

    def first(self, sentence: tuple[int, int], exclude: Sequence[tuple[int, int]]) -> Where | None:
        """The first group of names of a sentence that makes no claim (what a next sentence
        of the paragraph may continue)."""
        groups = self.candidates(*sentence, exclude)
        return _where(groups[0]) if groups else None

    def in_region(self, region: tuple[str, ...]) -> Where | None:
        """The first governorate of a region ("northern Syria") that the article names, if
        any: the report's lead names the region, the body the place ("Hassakeh")."""
        if self._codes is None:
            self._codes = list(dict.fromkeys(m.place.governorate for m in self.mentions))
        for code in self._codes:
            if code in region:
                return Where.of(PlaceMention(0, 0, governorate_place(code), GOVERNORATES[code]))
        return None

    def refers_back(self, start: int, end: int) -> bool:
        """Whether tokens [start, end) point back to a place named before: "in the city",
        "the town", "the area" (not "the city of X")."""
        i = bisect.bisect_left(self.anaphors, start)
        return i < len(self.anaphors) and self.anaphors[i] < end

    def choose(
        self,
        sentence: tuple[int, int],
        claim: tuple[int, int],
        exclude: Sequence[tuple[int, int]] = (),
        avoid: Sequence[tuple[int, int]] = (),
        peers: Sequence[tuple[int, int]] = (),
        reach: float | None = None,
    ) -> Where | None:
        """Where the claim at tokens `claim` happened: the cheapest of the nearest groups before
        and after it in its sentence. Groups holding a name inside `avoid` (its sub-counts'
        places: "including 12 in Daraa") are skipped; `peers` are the counts of the sentence
        (sorted), which own the names that follow them in their clause. With `reach`, a group
        costing more is too far to be the claim's."""
        groups = self.candidates(*sentence, exclude)
        if not groups:
            return None
        i = bisect.bisect_right(self._ends, claim[0])  # groups[:i] end at or before the claim
        options = []
        j = i - 1
        while j >= 0 and _holds(groups[j], avoid):
            j -= 1
        if j >= 0:
            options.append(groups[j])
        k = i
        while k < len(groups) and _holds(groups[k], avoid):
            k += 1
        if k < len(groups):
            options.append(groups[k])
        if not options:
            return None
        cost, best = min((self._cost(g, claim, peers), g) for g in options)
        return None if reach is not None and cost > reach else _where(best)

    def _cost(
        self, group: list[PlaceMention], claim: tuple[int, int], counts: Sequence[tuple[int, int]]
    ) -> float:
        """Tokens between the claim and the group, plus the clause breaks among them, plus a
        half token for a group before the claim (ties go to "killed in X"), plus a penalty
        when another count owns the group: the last count before it, in the same clause."""
        start, end = claim
        if group[0].start < end and group[-1].end > start:
            return 0
        before = group[-1].end <= start
        lo, hi = (group[-1].end, start) if before else (end, group[0].start)
        cost = max(hi - lo, 0) + _CLAUSE_PENALTY * (self.breaks[hi] - self.breaks[lo])
        cost += 0.5 if before else 0.0
        first = group[0].start
        p = bisect.bisect_right(counts, (first, first)) - 1
        if p >= 0:
            owner = counts[p]
            clear = owner[1] <= first and self.breaks[first] == self.breaks[owner[1]]
            if clear and owner != claim:
                cost += _OWNED_PENALTY
        return cost


def _holds(group: list[PlaceMention], spans: Sequence[tuple[int, int]]) -> bool:
    return bool(spans) and any(_inside(m, spans) for m in group)


def _groups(mentions: list[PlaceMention], lowers: list[str]) -> list[list[PlaceMention]]:
    """Runs of names joined only by list glue: "Aleppo, Idlib, Damascus countryside and Homs"."""
    glue = _words().glue
    groups: list[list[PlaceMention]] = []
    for m in mentions:
        if groups and all(w in glue for w in lowers[groups[-1][-1].end : m.start]):
            groups[-1].append(m)
        else:
            groups.append([m])
    return groups


def _where(group: list[PlaceMention]) -> Where:
    named = [m for m in group if not m.region]
    if not named:
        return Where.of(group[0])
    group = named
    codes: list[str] = []
    for m in group:
        code = m.place.governorate
        if code is not None and code not in codes:
            codes.append(code)
    if len(codes) > 1:
        return Where(None, None, tuple(codes), None, None, "governorate")
    best = min(group, key=lambda m: _PRECISION_RANK.get(m.place.precision, 3))
    return Where.of(best)


def _drop_containers(mentions: list[PlaceMention], lowers: list[str]) -> list[PlaceMention]:
    """In "the Damascus suburb of Douma", "the Idlib province town of Saraqeb", "Syria's
    southern province of Daraa" or "Idlib's Jisr al-Shughour" the first name only locates the
    second: it is no candidate of its own, whichever is nearer."""
    if len(mentions) < 2:
        return mentions
    w = _words()
    kind_words = (w.town | w.governorate | w.glue) - _LIST_WORDS
    kept = []
    for m, following in itertools.pairwise(mentions):
        between = lowers[m.end : following.start]
        possessive = bool(between) and between[0] in _POSSESSIVE  # "Idlib's Jisr al-Shughour"
        of = len(between) >= 2 and between[-1] == "of"
        words = between[int(possessive) : len(between) - int(of)]
        if not ((of or possessive) and all(t in kind_words for t in words)):
            kept.append(m)
    kept.append(mentions[-1])
    return kept


def _drop_locators(mentions: list[PlaceMention], lowers: list[str]) -> list[PlaceMention]:
    """In "Daraya, south-west of Damascus", "Salma in Jabal Akrad" or "Jdaidet al-Fadl, to the
    south-west of the capital" the second name only locates the first."""
    if len(mentions) < 2:
        return mentions
    w = _words()
    kept = [mentions[0]]
    for previous, m in itertools.pairwise(mentions):
        between = lowers[previous.end : m.start]
        locates = (
            previous.place.precision == "town"
            and any(t in w.locator_cues for t in between)
            and all(t in w.locator or t.isdigit() for t in between)  # "10 km south of"
        )
        if not locates:
            kept.append(m)
    return kept


def _inside(mention: PlaceMention, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether the mention lies in one of the spans (a loop: `any` over a generator costs
    more than the test on the few spans of a claim)."""
    for a, b in spans:  # noqa: SIM110
        if a <= mention.start and mention.end <= b:
            return True
    return False
