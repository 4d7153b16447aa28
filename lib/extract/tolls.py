"""Death tolls: which numbers in a sentence count dead people, and who the dead were.

A number is a toll only when a death cue claims it: after it ("54 people were KILLED", "six
DEAD") with nothing but a noun phrase (and asides: ", including 7 children,", "-- all
civilians --") between, or before it ("KILLING 12", "the death TOLL rose to 30"). Wounded,
arrested, displaced... claim the numbers next to them instead. Sub-counts ("including 10
children") point at their toll; a breakdown in a sentence of its own ("The dead included 283
women", "80 of those killed were soldiers") is a toll; "no casualties" is a toll of zero; a
bare count continues the toll being talked about ("the LCC has documented more than 11,000";
"two died in Homs, one in Hama"; "..., as were 12 soldiers"). Deaths placed abroad ("the
Turkish town of X, killing five") are not Syria's and are dropped.

Every look-up is by index or bisection over the sentence's cue hits, and every scan is
bounded by a window: the work per number is constant, so a sentence costs linear time.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
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
_TOLL_WINDOW = 18  # "the toll in several air strikes on the town of X in Y rose to 20"
_ASIDE_MAX = 14  # tokens an aside may hold: ", including 7 children and 3 women,"
_PREDICATE_WINDOW = 6  # "80 of those killed were (believed to be) civilians"
_ABROAD_BEFORE = 5  # "the Turkish town of Akcakale, killing five": tokens between
EARLIER = -1  # parent of a sub-count whose toll is in an earlier sentence
_CLAUSE_BREAKS = frozenset({";", ":", "but", "while", "whereas", "although", "--", "—", "–"})
_BARE_FOLLOWERS = frozenset({",", ".", ";", "and", ")", "--", "since", "in", "so", "by", "each"})
_NOUN_BREAKS = frozenset({"and", "or", "in", "including", "among", "when", "as", "after"})
_DASHES = frozenset({"--", "—", "–"})
_ASIDE_OPENERS = frozenset({"including", "among"})
_ELABORATION = frozenset({";", ":"})  # "Civilians had died; four children and four women"
_ELLIPSIS = frozenset({("as", "were"), ("as", "was"), ("as", "did"), ("so", "were"),
                       ("as", "have"), ("as", "had")})  # fmt: skip
_LIST_JOINS = frozenset({"and", ","})
_INHERIT_AFTER = frozenset({"and", ",", "another"})  # "..., and another 26 were executed"
_SHARED_QUALIFIERS = frozenset({"at_least", "more_than", "about", "up_to"})
# Words between a number and its verb that name no victims ("80 have died", "26 were executed").
_NO_NOUN = frozenset({"have", "has", "had", "were", "was", "are", "is", "been", "also", "more",
                      "reportedly", "already", "all", "now", "others", "other"})  # fmt: skip
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
    standalone: bool = False  # a breakdown that says it counts dead ("of the dead, 20")


@functools.cache
def toll_matcher() -> PhraseMatcher:
    """Cue phrases: after/before a number, not-death, zero, sub-count markers, victim nouns,
    toll nouns (some naming their victims: "the civilian death toll"), places abroad."""
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
        "abroad": rules["abroad"],
    }
    for kind, nouns in rules["toll_nouns_of"].items():
        table[f"toll:{kind}"] = nouns
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


class _Marker(NamedTuple):
    """A sub-count marker claiming a number: "sub" | "sub_dead", and where the marker ends."""

    kind: str
    end: int


class _After(NamedTuple):
    """A death cue after a number, where the number's own noun phrase stops (before an aside
    or a coordinated number), and a dash aside ("-- all civilians --") on the way, if any."""

    cue: Hit
    noun_stop: int
    dash_aside: tuple[int, int] | None


class _Cues:
    """One sentence's `toll_matcher` hits sorted by what asks for them, with the document's
    token lists and the sentence's token range: built once per sentence, not per number."""

    __slots__ = (
        "abroad",
        "after_at",
        "before_ends",
        "befores",
        "first",
        "first_cue",
        "lowers",
        "not_death_ends",
        "not_death_starts",
        "stop",
        "sub_after_at",
        "sub_before_at",
        "subs",
        "texts",
        "toll_ends",
        "tolls",
        "victim_kinds",
        "victim_starts",
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
        victim_starts: list[int] = []  # the victim nouns' starts and kinds, in order
        victim_kinds: list[str] = []
        sub_before_at: dict[int, str] = {}  # end -> "sub" | "sub_dead"
        sub_after_at: dict[int, _Marker] = {}  # start -> marker
        tolls: list[Hit] = []
        befores: list[Hit] = []
        zeros: list[Hit] = []
        abroad: list[Hit] = []
        for hit in hits:
            label = hit[2]
            if label == "after":
                after_at[hit[0]] = hit
            elif label == "not_death":
                not_death_starts.add(hit[0])
                not_death_ends.add(hit[1])
            elif label.startswith("victim:"):
                victim_starts.append(hit[0])
                victim_kinds.append(label[7:])
            elif label == "before":
                befores.append(hit)
            elif label.startswith("toll"):
                tolls.append(hit)
            elif label == "zero":
                zeros.append(hit)
            elif label == "abroad":
                abroad.append(hit)
            elif label in _SUB_BEFORE:
                sub_before_at[hit[1]] = "sub_dead" if label == "sub_dead_before" else "sub"
            elif label in _SUB_AFTER:
                kind = "sub_dead" if label == "sub_dead_after" else "sub"
                sub_after_at[hit[0]] = _Marker(kind, hit[1])
        self.after_at = after_at
        self.not_death_starts = not_death_starts
        self.not_death_ends = not_death_ends
        self.victim_starts = victim_starts
        self.victim_kinds = victim_kinds
        self.sub_before_at = sub_before_at
        self.sub_after_at = sub_after_at
        self.subs = bool(sub_before_at or sub_after_at)
        # hits kept longest-first do not overlap: sorted by start, their ends are sorted too
        self.tolls = tolls
        self.toll_ends = [h.end for h in tolls]
        self.befores = befores
        self.before_ends = [h.end for h in befores]
        self.zeros = zeros
        self.abroad = abroad
        # where the sentence's first death cue of any kind starts
        self.first_cue = min(
            [*after_at, *(h.start for h in befores[:1]), *(h.start for h in tolls[:1]), self.stop]
        )

    def victims_in(self, start: int, end: int) -> str:
        """Who the victim nouns in tokens [start, end) are: the first one's kind; "all" when
        the text does not say, or names victims of two kinds ("civilians and police")."""
        lo = bisect_left(self.victim_starts, start)
        hi = bisect_left(self.victim_starts, end, lo)
        if lo == hi:
            return "all"
        first = self.victim_kinds[lo]
        if first != "all" and any(k not in (first, "all") for k in self.victim_kinds[lo + 1 : hi]):
            return "all"
        return first

    def names_victims(self, start: int, end: int) -> bool:
        """Whether tokens [start, end) hold any word but auxiliaries ("80 have died")."""
        return any(self.lowers[i] not in _NO_NOUN for i in range(start, end))

    def noun_end(self, start: int) -> int:
        """End of the noun phrase right after a number: up to punctuation or a conjunction
        ("16 Islamic State (IS) militants", "six law-enforcement members")."""
        texts, lowers = self.texts, self.lowers
        end = start
        limit = min(start + _VICTIM_WINDOW + 2, self.stop)
        while end < limit:
            text = texts[end]
            if text == "(":
                close = self._closing(end, (")",), 4)
                if close is None:
                    break
                end = close + 1
                continue
            if (
                not (text.isalpha() or text in _QUOTES or text == "-")
                or lowers[end] in _NOUN_BREAKS
            ):
                break
            end += 1
        return end

    def _closing(self, i: int, closers: tuple[str, ...], reach: int) -> int | None:
        """The index of the first of `closers` within `reach` tokens after i, in the sentence."""
        texts = self.texts
        for j in range(i + 1, min(i + 1 + reach, self.stop)):
            if texts[j] in closers:
                return j
        return None

    def aside_end(self, i: int) -> int | None:
        """Where an aside opening at token i ends (the token after it): ", including 7
        children and 3 women,", "-- all civilians --", "(IS)". None when none opens there."""
        text = self.texts[i]
        if text in _DASHES:
            close = self._closing(i, tuple(_DASHES), _ASIDE_MAX)
        elif text == "," and i + 1 < self.stop and self.lowers[i + 1] in _ASIDE_OPENERS:
            close = self._closing(i + 1, (",",), _ASIDE_MAX)
        elif text == "(":
            close = self._closing(i, (")",), _ASIDE_MAX)
        else:
            return None
        return None if close is None else close + 1

    def sub_marker(self, n: NumberMention) -> _Marker | None:
        """ "including 10 children", "20 of them", "five children from the same family" ->
        "sub"; "of the dead, 20", "the dead included 10 soldiers", "80 of those killed" ->
        "sub_dead"; else None."""
        kind = self.sub_before_at.get(n.start)
        if kind is not None:
            return _Marker(kind, n.start)
        texts = self.texts
        if n.start > self.first and self.lowers[n.start - 1] == "and":
            for j in range(n.start - 2, max(self.first, n.start - _VICTIM_WINDOW - 2), -1):
                if not texts[j].isalpha():
                    break
                kind = self.sub_before_at.get(j)  # "including a doctor and 10 rebels"
                if kind is not None:
                    return _Marker(kind, n.start)
        marker = self.sub_after_at.get(n.end)
        if marker is None and n.end < self.stop and self.texts[n.end].isalpha():
            marker = self.sub_after_at.get(n.end + 1)  # a noun between: "20 civilians of ..."
        return marker

    def toll_noun_before(self, n: NumberMention, numbers: set[int]) -> Hit | None:
        """ "the death toll from Wednesday's bombings in Aleppo rose to 28", "put the toll at
        around 45,000": the last toll noun before the number, a link word or nothing between
        the two, no other number or clause break."""
        k = bisect_right(self.toll_ends, n.start)
        if k == 0:
            return None
        hit = self.tolls[k - 1]
        if n.start - hit.end > _TOLL_WINDOW:
            return None
        lowers = self.lowers
        if hit.end < n.start and lowers[n.start - 1] not in _word_sets()[3]:
            return None
        change = lowers[n.start - 1] == "to"  # "rose from 20 to 30": 20 was the old toll
        for i in range(hit.end, n.start):
            if (i in numbers and not (change and lowers[i - 1] == "from")) or (
                lowers[i] in _CLAUSE_BREAKS
            ):
                return None
        return hit

    def cue_before(self, n: NumberMention, numbers: set[int]) -> Hit | None:
        toll = self.toll_noun_before(n, numbers)
        if toll is not None:
            return toll
        k = bisect_right(self.before_ends, n.start)
        if k == 0:
            return None
        hit = self.befores[k - 1]
        fillers = _word_sets()[0]
        lowers = self.lowers
        gap = range(hit.end, n.start)
        if len(gap) <= _BEFORE_GAP and all(lowers[i] in fillers and i not in numbers for i in gap):
            return hit
        return None

    def cue_after(self, end: int, numbers: dict[int, int]) -> _After | None:
        """A death cue after the noun phrase of a number ending at `end` ("54 people have
        been KILLED"), across asides; a number coordinated with the next one shares its cue
        ("40 soldiers and 15 rebels DIED"); "100 fighters among the 700 EXECUTED" takes the
        cue of the toll it is part of. `numbers` maps the live numbers' starts to ends."""
        after_at = self.after_at
        if not after_at:
            return None  # no death cue after anything in the sentence
        speech = _word_sets()[2]
        lowers, stop = self.lowers, self.stop
        not_death = self.not_death_starts
        noun_stop: int | None = None
        dash_aside: tuple[int, int] | None = None
        i, seen = end, 0
        while i < stop and seen < _AFTER_WINDOW:
            aside = self.aside_end(i)
            if aside is not None:
                if self.texts[i] in _DASHES and dash_aside is None:
                    dash_aside = (i + 1, aside - 1)
                noun_stop = i if noun_stop is None else noun_stop
                i = aside
                continue
            word = lowers[i]
            coordinated = i in numbers and lowers[i - 1] in _LIST_JOINS
            if (i in numbers and not coordinated) or word in _CLAUSE_BREAKS or word in speech:
                return None
            if coordinated and noun_stop is None:
                noun_stop = i - 1
            if i in not_death:
                return None
            cue = after_at.get(i)
            if cue is not None:
                index = cue.end
                if index in numbers or (
                    index + 1 < len(lowers) and lowers[index] == "or" and index + 1 in not_death
                ):
                    return None  # "killed 5 and ...", "killed or wounded"
                return _After(cue, i if noun_stop is None else noun_stop, dash_aside)
            whole = i + 2  # "100 fighters among the 700 executed": the cue of the 700
            if word == "among" and whole in numbers and lowers[i + 1] in ("the", "those"):
                found = self.cue_after(numbers[whole], numbers)
                return None if found is None else found._replace(noun_stop=i)
            i += 1
            seen += 1
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
        "killed six rebels and four soldiers", "eight in Damascus, six each in Homs"."""
        lowers = self.lowers
        follower = lowers[n.end] if n.end < self.stop else "."
        if coordinated and n.start > self.first and lowers[n.start - 1] in _LIST_JOINS:
            if follower in _BARE_FOLLOWERS:
                return True
            at = bisect_left(self.victim_starts, n.end)
            return at < len(self.victim_starts) and self.victim_starts[at] == n.end
        if follower not in _BARE_FOLLOWERS:
            return False
        return not _word_sets()[1].isdisjoint(lowers[max(self.first, n.start - 3) : n.start])

    def elaborates(self, n: NumberMention) -> bool:
        """ "Civilians had died; four children and four women": a count opening the clause
        after a semicolon or colon, when the clause before says people died (and gave no
        count: then the count is a breakdown, not a toll)."""
        return (
            n.start > self.first
            and self.lowers[n.start - 1] in _ELABORATION
            and self.first_cue < n.start
            and not self.after_not_death(n)
        )

    def ellipsis(self, n: NumberMention) -> bool:
        """ "16 rebels were killed, ..., as were 12 regular soldiers": the verb left out."""
        lowers = self.lowers
        return n.start - 2 >= self.first and (lowers[n.start - 2], lowers[n.start - 1]) in _ELLIPSIS

    def abroad_near(self, toll: Toll) -> bool:
        """Deaths placed outside Syria: a foreign place right before the toll's clause ("the
        Turkish town of Akcakale, killing five") or right after its cue ("killed in Turkey")."""
        texts = self.texts
        for hit in self.abroad:
            after = texts[toll.end : hit.start]
            if 0 <= hit.start - toll.end <= 2 and all(t.isalpha() for t in after):
                return True  # "killed in Turkey", "killed five people in Turkey"
            if hit.end <= toll.start and toll.start - hit.end <= _ABROAD_BEFORE:
                between = texts[hit.end : toll.start]
                if all(t[:1].isupper() or t in (",", "of", "-") for t in between):
                    return True
        return False

    def predicate_victims(self, start: int) -> str:
        """Who a breakdown says the dead were, after its marker: "80 of those killed WERE
        PRO-GOVERNMENT FIGHTERS", "10 of those killed were believed to be CIVILIANS"."""
        return self.victims_in(start, min(start + _PREDICATE_WINDOW, self.stop))

    def singular_tolls(self, sent: Span, numbers: dict[int, int]) -> list[Toll]:
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
            if i in self.sub_before_at:
                continue  # "15 people, including a doctor and 10 rebels": a sub-count
            j = i + 1
            while j < stop and (lowers[j] in modifiers or texts[j].isdigit()):
                j += 1  # "an 11-year-old girl", "a young army officer"
            if j >= stop or lowers[j] not in singular:
                continue
            noun = j
            after = self.cue_after(noun + 1, numbers)
            if after is not None:
                victims = self.victims_in(i + 1, noun + 1)
                found.append(Toll(i, after.cue.end, 1, 1, 1, "exact", victims))
        return found


@functools.cache
def _singular() -> tuple[frozenset[str], frozenset[str]]:
    rules = load_rules("tolls")
    return frozenset(rules["singular_victims"]), frozenset(rules["singular_modifiers"])


def _shared_qualifier(
    cues: _Cues, previous: NumberMention | None, n: NumberMention
) -> NumberMention:
    """ "At least 19 fighters and 10 Kurds were killed": a qualifier reaches over a list of
    counts joined by "and" within one noun phrase, so 10 is "at least" too."""
    if previous is None or n.qualifier != "exact" or previous.qualifier not in _SHARED_QUALIFIERS:
        return n
    lowers, texts = cues.lowers, cues.texts
    join = n.start - 1
    if lowers[join] != "and" or not 0 < join - previous.end <= _VICTIM_WINDOW + 2:
        return n
    for i in range(previous.end, join):
        if not (texts[i].isalpha() or texts[i] == "-") or i in cues.after_at:
            return n
        if i in cues.not_death_starts:
            return n
    low, high = (n.value, None) if previous.qualifier in ("at_least", "more_than") else (None, None)
    if previous.qualifier == "up_to":
        low, high = None, n.value
    return n._replace(qualifier=previous.qualifier, low=low, high=high)


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
    subs: dict[int, _Marker] = {}  # number start -> its marker
    if cues.subs:  # without a sub-count marker, nothing is a sub-count
        for previous, n in zip([None, *live], live, strict=False):
            marker = cues.sub_marker(n)
            listed = previous is not None and previous.start in subs
            if (
                listed
                and lowers[n.start - 1] in _LIST_JOINS
                and (n.start - previous.end <= _VICTIM_WINDOW)
            ):
                marker = marker or subs[previous.start]  # "including 49 children and 34 women"
            if marker is not None:
                subs[n.start] = marker
    main = [n for n in live if n.start not in subs] if subs else live
    tolls: list[Toll] = []
    not_death_ends = cues.not_death_ends
    ends = {m.start: m.end for m in main}  # the numbers a cue must not reach across
    previous: NumberMention | None = None
    for n in main:
        n, previous = _shared_qualifier(cues, previous, n), n
        if n.start in not_death_ends:
            continue  # "wounded 20"
        toll = _claimed(cues, n, ends, tolls, toll_in_context)
        if toll is not None:
            tolls.append(toll)
    for hit in cues.zeros:
        tolls.append(Toll(hit.start, hit.end, 0, 0, 0, "exact", "all"))
    tolls.extend(cues.singular_tolls(sent, ends))
    tolls.sort(key=_start)
    tolls.extend(_sub_counts(cues, live, subs, tolls))
    return _at_home(cues, tolls)


def _claimed(
    cues: _Cues,
    n: NumberMention,
    numbers: dict[int, int],
    tolls: list[Toll],
    toll_in_context: bool,
) -> Toll | None:
    """The toll a number is, if a cue claims it (before it, after it, or by continuing the
    toll before it); `tolls` are the sentence's tolls so far."""
    lowers = cues.lowers
    before = cues.cue_before(n, numbers)
    if before is not None:
        victims = cues.victims_in(n.end, cues.noun_end(n.end))
        if victims == "all" and before.label.startswith("toll:"):
            victims = before.label[5:]  # "the civilian death toll rose to 254"
        return Toll(before.start, n.end, n.value, n.low, n.high, n.qualifier, victims)
    after = cues.cue_after(n.end, numbers)
    if after is not None:
        cue = after.cue
        victims = cues.victims_in(n.end, after.noun_stop)
        stop = cues.stop
        if victims == "all" and after.dash_aside is not None:  # "15 of them -- all civilians --"
            victims = cues.victims_in(*after.dash_aside)
        if victims == "all" and cue.end < stop and lowers[cue.end] in ("from", "among"):
            # "9 martyrs from the army"
            victims = cues.victims_in(cue.end, cue.end + _VICTIM_WINDOW)
        joined = lowers[n.start - 1] in _INHERIT_AFTER
        if victims == "all" and tolls and joined and not cues.names_victims(n.end, after.noun_stop):
            victims = tolls[-1].victims  # "40 officers were killed, and 80 have died since"
        return Toll(n.start, cue.end, n.value, n.low, n.high, n.qualifier, victims)
    if cues.after_not_death(n):
        return None
    victims = cues.victims_in(n.end, cues.noun_end(n.end))
    if not tolls and cues.elaborates(n):  # "Civilians had died; four children and ..."
        return Toll(n.start, n.end, n.value, n.low, n.high, n.qualifier, victims)
    if tolls and cues.ellipsis(n):  # "..., as were 12 soldiers"
        return Toll(n.start, n.end, n.value, n.low, n.high, n.qualifier, victims, elliptic=True)
    context = toll_in_context or bool(tolls) or bool(cues.after_at)
    coordinated = bool(tolls) and tolls[-1].end >= n.start - _AFTER_WINDOW
    if context and cues.bare_count(n, coordinated):
        if victims == "all" and coordinated:
            victims = tolls[-1].victims
        return Toll(n.start, n.end, n.value, n.low, n.high, n.qualifier, victims, elliptic=True)
    return None


def _sub_counts(
    cues: _Cues, live: list[NumberMention], subs: dict[int, _Marker], tolls: list[Toll]
) -> list[Toll]:
    """The sentence's sub-counts, each pointing at the last toll before it; with none in the
    sentence, a count that says it is of the dead ("The dead included 283 women", "80 of
    those killed were soldiers") is a toll of its own: a breakdown stated in a sentence of
    its own is news. Others point at a toll of an earlier sentence (`EARLIER`)."""
    found: list[Toll] = []
    starts = [t.start for t in tolls]
    for n in (m for m in live if m.start in subs):
        marker = subs[n.start]
        k = bisect_left(starts, n.start)  # tolls are sorted; the last one starting before n
        parent = k - 1 if k else None
        victims = cues.victims_in(n.end, cues.noun_end(n.end))
        dead = marker.kind == "sub_dead"
        if victims == "all" and dead:
            victims = cues.predicate_victims(marker.end)
        if parent is None:
            parent = None if dead else EARLIER
        found.append(
            Toll(n.start, n.end, n.value, n.low, n.high, n.qualifier, victims, parent,
                 standalone=dead)
        )  # fmt: skip
    return found


def _at_home(cues: _Cues, tolls: list[Toll]) -> list[Toll]:
    """The tolls without those placed abroad (and their sub-counts), parents renumbered."""
    if not cues.abroad:
        return tolls
    dropped = {i for i, t in enumerate(tolls) if t.parent is None and cues.abroad_near(t)}
    if not dropped:
        return tolls
    kept: list[Toll] = []
    index: dict[int, int] = {}
    for i, toll in enumerate(tolls):
        if i in dropped or (toll.parent is not None and toll.parent in dropped):
            continue
        if toll.parent is not None and toll.parent >= 0:
            toll = toll._replace(parent=index[toll.parent])
        index[i] = len(kept)
        kept.append(toll)
    return kept


_start = itemgetter(0)  # a toll's start
