"""One article -> a valid claim frame: the components of `lib.extract` wired together.

Matchers run once over the whole document; each kept sentence then yields its death tolls,
events and statements, each completed with who says it, where and when. What a sentence does
not say is taken from the sentence it continues (the previous one in the same paragraph:
"There was material damage but no casualties." after "SANA said ... in Homs on Wednesday"),
then from the speaker (an activist in Binnish is in Binnish), then from the article (its
outlet, its publication date, flagged `day_inferred`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pandas as pd
import pyarrow as pa

from lib.claims import claims_batch, claims_from_records, make_claim_id
from lib.extract.dates import (
    TimeMention,
    When,
    continues_running_total,
    find_times,
    inferred,
    nearest_time,
    running_total,
)
from lib.extract.events import event_matcher, find_events
from lib.extract.matching import Hit, find, within
from lib.extract.numbers import find_numbers
from lib.extract.perpetrators import perpetrator_fields
from lib.extract.places import (
    NATIONWIDE,
    UNKNOWN,
    PlaceMention,
    Placer,
    Where,
    find_places,
    place_matcher,
)
from lib.extract.rules import load_rules
from lib.extract.sources import (
    Attribution,
    Speaker,
    SpeakerMemory,
    alias_matchers,
    dateline_credit,
    find_attributions,
    in_quotation,
    nearest,
    verb_matcher,
)
from lib.extract.statements import position_span, topic_matcher, topic_of
from lib.extract.text import Sentence, parse, sentences, token_offsets
from lib.extract.tolls import EARLIER, Toll, find_tolls, toll_matcher
from lib.geography import resolve_place

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from lib.articles import Article


def _version() -> str:
    """ "rules-<digest of the extractor's code and rule tables>": any change to a rule makes a
    new version, so stored claims show which rules produced them and when to re-extract."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha1()
    for path in sorted([*package.glob("*.py"), *package.glob("rules/*.json")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return f"rules-{digest.hexdigest()[:10]}"


EXTRACTOR_VERSION = _version()
_CONTROL_EVENTS = ("takeover", "withdrawal")
_DATELINE_LINES = 4  # sentences that may hold the dateline (headline lines included)
_SUB_PLACE = 3  # tokens after a sub-count that hold its own place: "12 in Daraa"
_CONFLICT_START = date.fromisoformat(load_rules("dates")["conflict_start"])
_TOTAL_REACH = 8  # tokens: how far a running total since the uprising looks for its place


@dataclass(frozen=True)
class _Hits:
    """Every matcher's hits over one document, computed once."""

    tolls: list[Hit]
    aliases: list[Hit]
    verbs: list[Hit]
    generic: list[Hit]
    places: list[PlaceMention]
    events: list[Hit]
    topics: list[Hit]


@dataclass
class _Carry:
    """What the current paragraph has established so far."""

    paragraph: int = -1
    attribution: Attribution | None = None
    where: Where | None = None
    when: When | None = None
    cumulative_count: int | None = None
    toll: bool = False


class _Frame(NamedTuple):
    """The event the article is talking about: where and when the last toll that named its
    own place happened. Later claims that name no place share it, unless they name another
    day (another event)."""

    where: Where
    when: When


def _same_time(event: When, claim: When) -> bool:
    """Whether a claim may belong to the event: it names no day of its own, or days that
    overlap the event's."""
    if claim.precision in ("day_inferred", "unknown") or event.precision == "day_inferred":
        return True
    if None in (event.start, event.end, claim.start, claim.end):
        return True
    return claim.start <= event.end and event.start <= claim.end


class _Claimed(NamedTuple):
    """Who says a claim, where and when (a named tuple: one is built per claim)."""

    source: Attribution | None  # None: the outlet's own assertion
    where: Where
    when: When
    notes: tuple[str, ...] = ()


def _hits(doc: Doc, body_start: int) -> _Hits:
    lower, exact = alias_matchers()
    aliases = sorted(find(lower, doc, longest=False) + find(exact, doc, longest=False))
    verbs = find(verb_matcher(), doc)
    return _Hits(
        tolls=find(toll_matcher(), doc),
        aliases=aliases,
        verbs=[h for h in verbs if h.label != "generic"],
        generic=[h for h in verbs if h.label == "generic"],
        places=find_places(doc, find(place_matcher(), doc), aliases, body_start),
        events=find(event_matcher(), doc),
        topics=find(topic_matcher(), doc),
    )


class _ArticleExtractor:
    """Claims of one article; state (speakers, paragraph context) lives here."""

    def __init__(self, article: Article):
        if article.published is None:
            raise ValueError(f"{article.path or article.article_id}: no publication date")
        self.article = article
        self.published: date = article.published
        self.doc = parse(article.text)
        self.hits = _hits(self.doc, article.body_start)
        self.placer = Placer(self.doc, self.hits.places)
        self.frame: _Frame | None = None
        self.last_place: Where | None = None  # what "the city", "the town" point back to
        # the start and place of the last running total that named its place ("since the
        # assault on Kobane began"): what its breakdowns in later sentences are about
        self.total_place: tuple[date, Where] | None = None
        self.sentences = sentences(self.doc, article.body_start)
        self.outlet = Speaker(article.outlet or "reporter", "reporter", False)
        memory = SpeakerMemory()
        self.attributions = [self._attributions(s, memory) for s in self.sentences]
        self.char_starts, self.char_lengths = token_offsets(self.doc)
        self.records: list[dict[str, Any]] = []
        self._time_cache: dict[int, list[TimeMention]] = {}
        self._last_toll: dict[str, Any] | None = None
        self._running: tuple[int, When] | None = None  # sentence and time of the last running total

    def _times(self, index: int) -> list[TimeMention]:
        """Time expressions of a sentence (computed once: every claim in it asks)."""
        if index not in self._time_cache:
            self._time_cache[index] = find_times(self.sentences[index].span, self.published)
        return self._time_cache[index]

    def _attributions(self, sentence: Sentence, memory: SpeakerMemory) -> list[Attribution]:
        span = sentence.span
        h = self.hits
        return find_attributions(
            span,
            within(h.verbs, span.start, span.end),
            within(h.aliases, span.start, span.end),
            within(h.generic, span.start, span.end),
            memory,
        )

    # -- context ------------------------------------------------------------------------
    def _inherited_source(self, index: int, carry: _Carry) -> tuple[Attribution | None, str]:
        """Who says a claim its sentence credits to no one: the speaker of the sentence it
        continues (the previous one in its paragraph), of the quotation it is part of, of the
        toll the previous paragraph reported (a report goes on paragraph after paragraph; a
        paragraph with no toll in between ends it), the agency of the dateline, else for an
        unattributed lead the speaker the next paragraph names first."""
        sentence = self.sentences[index]
        if sentence.headline:
            return None, ""
        if carry.attribution is not None:
            return carry.attribution, "source from the previous sentence"
        if sentence.text.lstrip()[:1] in ('"', "“") or in_quotation(self.doc, sentence.start):
            for later, atts in zip(
                self.sentences[index + 1 :], self.attributions[index + 1 :], strict=False
            ):
                if later.paragraph != sentence.paragraph:
                    break
                if atts:
                    return atts[-1], "speaker of the quotation"
        last = self._last_toll
        if (
            last is not None
            and last["source_text"] is not None
            and last["source_kind"] != "reporter"
            and index > 0
            and last["sentence_start"] >= self._paragraph_start(index - 1)
            and self.sentences[index - 1].paragraph >= sentence.paragraph - 1
        ):
            speaker = Speaker(last["source"], last["source_kind"], False)
            return Attribution(
                speaker, -1, -1, -1, last["source_text"]
            ), "source from the previous paragraph's report"
        dateline = self._dateline()
        if dateline is not None:
            return dateline, "source from the dateline"
        lead = self._lead_source(index)
        return (
            (lead, "source from the paragraph after the lead") if lead is not None else (None, "")
        )

    def _paragraph_start(self, index: int) -> int:
        """Character start of the paragraph of sentence `index` (looked back over at most a
        few sentences: the report must be in the paragraph just before)."""
        sentence = self.sentences[index]
        start = sentence.start
        for earlier in self.sentences[max(0, index - 4) : index][::-1]:
            if earlier.paragraph != sentence.paragraph:
                break
            start = earlier.start
        return start

    def _lead_source(self, index: int) -> Attribution | None:
        """An unattributed lead paragraph is credited by the first sentence after it
        ("At least four people were killed ..." / "Police officials said ...")."""
        if not hasattr(self, "_lead_credit"):
            self._lead_credit = self._find_lead_credit()
        paragraph, credit = self._lead_credit
        return credit if self.sentences[index].paragraph == paragraph else None

    def _find_lead_credit(self) -> tuple[int, Attribution | None]:
        """(the lead's paragraph, the speaker crediting it), found once."""
        body = next((i for i, s in enumerate(self.sentences) if not s.headline), None)
        if body is None:
            return -1, None
        paragraph = self.sentences[body].paragraph
        after, tolls = body, False
        while after < len(self.sentences) and self.sentences[after].paragraph == paragraph:
            if self.attributions[after]:
                return paragraph, None
            span = self.sentences[after].span
            tolls = tolls or bool(within(self.hits.tolls, span.start, span.end))
            after += 1
        if not tolls:
            return paragraph, None  # a lead with no deaths: an overview in the outlet's voice
        if after == len(self.sentences) or not self.attributions[after]:
            return paragraph, None
        first = self.attributions[after][0]
        return paragraph, (first if first.speaker.kind != "reporter" else None)

    def _dateline(self) -> Attribution | None:
        """The agency the dateline credits (in one of the first body lines: a subheading may
        come first), found once."""
        if not hasattr(self, "_dateline_credit"):
            body = [s for s in self.sentences[:_DATELINE_LINES] if not s.headline]
            credits = (
                dateline_credit(s.span, within(self.hits.aliases, s.span.start, s.span.end))
                for s in body
            )
            self._dateline_credit = next((c for c in credits if c is not None), None)
        return self._dateline_credit

    def _resolve(
        self,
        index: int,
        start: int,
        end: int,
        carry: _Carry,
        kind: str,
        count: int | None = None,
        avoid: tuple[tuple[int, int], ...] = (),
        peers: tuple[tuple[int, int], ...] = (),
    ) -> _Claimed:
        """Source, place and time of the claim at tokens [start, end) of sentence `index`;
        places inside `avoid` (the sub-counts of a toll: "including 12 in Daraa") are not its,
        and `peers` (the sentence's other counts) own the places that follow them."""
        atts = self.attributions[index]
        notes: list[str] = []
        source = nearest(atts, start, end, self.doc)
        if source is None:
            source, note = self._inherited_source(index, carry)
            notes += [note] if note else []
        times = self._times(index)
        when = self._when(index, nearest_time(times, start, end, self.doc), carry, kind, count)
        span = self.sentences[index].span
        speakers = [(a.start, a.end) for a in atts]
        since_uprising = when.cumulative and when.start == _CONFLICT_START
        reach = _TOTAL_REACH if since_uprising else None  # not a place of another clause
        sentence = (span.start, span.end)
        where = self.placer.choose(sentence, (start, end), speakers, avoid, peers, reach)
        if where is None:
            where, note = self._fallback_place(index, source, carry, kind, when)
            notes += [note] if note else []
        elif where.region:  # "northern Syria": the event's place if it lies there
            context, note = self._context_place(carry, when)
            if context is not None and context.governorate in where.region:
                where = context
                notes.append(note)
            elif (named := self.placer.in_region(where.region)) is not None:
                where = named
                notes.append("the article's one governorate in that region")
        elif kind != "statement" and when.cumulative:
            self.total_place = (when.start, where)  # breakdowns of this total share its place
        elif kind != "statement":
            # a place of its own: the event the article now talks about (a toll of the whole
            # country ends the event frame)
            if where.located:
                self.frame = _Frame(where, when)
                self.last_place = where
            elif kind == "death_toll":
                self.frame = None
        if carry.when is not None and when is carry.when:
            notes.append("date from the paragraph")
        return _Claimed(source, where, when, tuple(notes))

    def _fallback_place(
        self, index: int, source: Attribution | None, carry: _Carry, kind: str, when: When
    ) -> tuple[Where, str]:
        """A claim whose sentence names no place: the speaker's own place ("an activist in
        Binnish"); for tolls and events, the last place named when the sentence points back
        ("in the city"); a running total that names no place is the country's, unless it breaks
        down a total from the same start that named one; else
        the place of the sentence it continues in the paragraph, else the place of the event
        the article is about (the event frame). Statements are about the whole country."""
        speaker_place = source.speaker.place if source is not None else None
        if speaker_place:
            place = resolve_place(speaker_place)
            if place is not None:
                mention = PlaceMention(0, 0, place, speaker_place)
                return Where.of(mention), "place of the speaker"
        if kind == "statement":
            return NATIONWIDE, ""
        span = self.sentences[index].span
        if self.placer.refers_back(span.start, span.end) and self.last_place is not None:
            return self.last_place, "the place the sentence points back to"
        if when.cumulative:  # a running total is not the last event's: only its own place
            total = self.total_place
            if total is not None and total[0] == when.start and total[1].located:
                return total[1], "place of the running total it breaks down"
            return NATIONWIDE, "running total with no place of its own"
        context, note = self._context_place(carry, when)
        return (context, note) if context is not None else (UNKNOWN, "")

    def _context_place(self, carry: _Carry, when: When) -> tuple[Where | None, str]:
        """The place of the sentence the claim continues in its paragraph, else the place of
        the event the article is about, unless the claim names another day."""
        if carry.where is not None:
            return carry.where, "place from the previous sentence"
        frame = self.frame
        if frame is not None and _same_time(frame.when, when):
            return frame.where, "place of the event"
        return None, ""

    def _when(
        self, index: int, mention: TimeMention | None, carry: _Carry, kind: str, count: int | None
    ) -> When:
        """The claim's own time (a count too large for one day: the conflict's running total),
        else the paragraph's (a cumulative one only for a count at least half the cumulative
        total it follows, or worded as part of it: "have also been killed"), else the report
        date, inferred."""
        if kind == "death_toll":
            total = running_total(mention, self.published, count)
            if total is not None:
                return total
        if mention is not None:
            when = mention.when
        else:
            worded = kind == "death_toll" and continues_running_total(self.sentences[index].span)
            when = self._carried_when(index, carry, kind, count, worded)
        if kind == "death_toll" and when.cumulative and not self.sentences[index].headline:
            self._running = (index, when)
        return when

    def _carried_when(
        self, index: int, carry: _Carry, kind: str, count: int | None, worded: bool
    ) -> When:
        """The paragraph's time; in a new paragraph, a count worded as part of a running total
        and naming no place of its own (which would make it a new event: "In Aleppo, 20 people
        have been killed") takes the article's latest running total, a few sentences back
        (wire copy makes each sentence a paragraph: "The bombing campaign has killed 553
        people" after "500 militants since they began a month ago")."""
        carried = carry.when
        if carried is None:
            reach = load_rules("dates")["running_total_reach_sentences"]
            recent = self._running is not None and index - self._running[0] <= reach
            span = self.sentences[index].span
            named = within(self.hits.places, span.start, span.end)
            local = any(m.place.precision != "country" for m in named)
            if worded and recent and not local:
                return self._running[1]
            return inferred(self.published)
        if carried.cumulative:
            comparable = kind == "death_toll" and count is not None and carry.cumulative_count
            large = comparable and count * 2 >= carry.cumulative_count
            if not (large or worded):
                return inferred(self.published)
        return carried

    # -- claims ---------------------------------------------------------------------------
    def _record(
        self, kind: str, sentence: Sentence, start: int, end: int, claimed: _Claimed, **fields: Any
    ) -> dict[str, Any]:
        char_start = self.char_starts[start]
        char_end = self.char_starts[end - 1] + self.char_lengths[end - 1]
        cumulative, event = claimed.when.cumulative, fields.get("event_type")
        blame = perpetrator_fields(
            self.doc, self.sentences, sentence, start, end, cumulative, event
        )
        return self._record_chars(kind, sentence, char_start, char_end, claimed, **blame, **fields)

    def _record_chars(
        self,
        kind: str,
        sentence: Sentence,
        char_start: int,
        char_end: int,
        claimed: _Claimed,
        **fields: Any,
    ) -> dict[str, Any]:
        source = claimed.source
        speaker = source.speaker if source is not None else self.outlet
        where, when = claimed.where, claimed.when
        confidence = (
            0.5
            + _attribution_weight(source, claimed.notes)
            + 0.15 * (when.precision == "day")
            + 0.15 * (where.precision in ("town", "governorate"))
        )
        record = {
            "claim_id": make_claim_id(self.article.article_id, char_start, char_end, kind),
            "article_id": self.article.article_id,
            "claim_type": kind,
            "source": speaker.name,
            "source_kind": speaker.kind,
            "source_text": source.text if source is not None else None,
            "place": where.place,
            "governorate": where.governorate,
            "governorates": list(where.governorates) if where.governorates else None,
            "lat": where.lat,
            "lon": where.lon,
            "geo_precision": where.precision,
            "date_start": when.start,
            "date_end": when.end,
            "date_precision": when.precision,
            "published": self.published,
            "cumulative": when.cumulative,
            "sentence": sentence.text,
            "sentence_start": sentence.start,
            "char_start": char_start,
            "char_end": char_end,
            "confidence": round(min(confidence, 1.0), 2),
            "extractor_version": EXTRACTOR_VERSION,
            "notes": "; ".join(claimed.notes) or None,
        }
        record.update(fields)
        self.records.append(record)
        return record

    def _tolls(self, index: int, carry: _Carry) -> list[dict[str, Any]]:
        sentence = self.sentences[index]
        span = sentence.span
        hits = within(self.hits.tolls, span.start, span.end)
        tolls = find_tolls(span, find_numbers(span), hits, carry.toll)
        counts = tuple(sorted((t.start, t.end) for t in tolls))
        made: list[dict[str, Any]] = []
        for position, toll in enumerate(tolls):
            count = toll.deaths if toll.deaths is not None else toll.low
            subs = tuple((t.start, t.end + _SUB_PLACE) for t in tolls if t.parent == position)
            claimed = self._resolve(
                index, toll.start, toll.end, carry, "death_toll", count, subs, counts
            )
            fields = _toll_fields(toll)
            parent = made[toll.parent] if toll.parent is not None and toll.parent >= 0 else None
            if toll.parent == EARLIER:
                parent = self._earlier_toll(index)
                if parent is None and not toll.standalone:
                    continue  # "including 20 women" with no toll to be part of
            if toll.elliptic:
                claimed = claimed._replace(
                    notes=(*claimed.notes, "count continues a toll before it")
                )
            if parent is not None:
                fields["part_of"] = parent["claim_id"]
                claimed = claimed._replace(notes=(*claimed.notes, "part of a larger toll"))
            record = self._record("death_toll", sentence, toll.start, toll.end, claimed, **fields)
            made.append(record)
            if toll.parent is None:
                self._last_toll = record
        return made

    def _earlier_toll(self, index: int) -> dict[str, Any] | None:
        """The last toll of the two previous sentences, which a sub-count may belong to."""
        recent = {s.start for s in self.sentences[max(0, index - 2) : index]}
        last = self._last_toll
        return last if last is not None and last["sentence_start"] in recent else None

    def _events(self, index: int, carry: _Carry) -> list[dict[str, Any]]:
        sentence = self.sentences[index]
        span = sentence.span
        made = []
        for event in find_events(span, within(self.hits.events, span.start, span.end)):
            claimed = self._resolve(index, event.start, event.end, carry, "event")
            fields: dict[str, Any] = {"event_type": event.event_type}
            source = claimed.source
            town = claimed.where.precision == "town" and claimed.where.text
            if event.event_type in _CONTROL_EVENTS and source is not None and town:
                start, end = position_span(span, source, self.attributions[index])
                fields["topic"] = f"control of {claimed.where.text}"
                fields["position"] = self.article.text[start:end]
            made.append(self._record("event", sentence, event.start, event.end, claimed, **fields))
        return made

    def _statements(
        self,
        index: int,
        tolls: list[dict[str, Any]],
        events: list[dict[str, Any]],
        last_topic: tuple[int, str] | None,
    ):
        sentence = self.sentences[index]
        span = sentence.span
        atts = self.attributions[index]
        spoken = {r["source"] for r in tolls + events}
        topic_hits = within(self.hits.topics, span.start, span.end)
        seen: set[str] = set()
        made = []
        reach = load_rules("statements")["carry_sentences"]
        for att in atts:
            name = att.speaker.name
            if att.speaker.kind == "reporter" or name in seen or name in spoken:
                continue
            topic = topic_of(topic_hits, (att.start, att.end))
            carried = topic is None and last_topic is not None and index - last_topic[0] <= reach
            if topic is None and not carried:
                continue
            seen.add(name)
            start, end = position_span(span, att, atts)
            if end <= start:
                continue
            claimed = self._resolve(index, att.start, att.end, _Carry(), "statement")
            claimed = claimed._replace(source=att)
            made.append(
                self._record_chars(
                    "statement",
                    sentence,
                    start,
                    end,
                    claimed,
                    topic=topic or last_topic[1],
                    position=self.article.text[start:end],
                )
            )
        return made

    def run(self) -> list[dict[str, Any]]:
        carry = _Carry()
        last_topic: tuple[int, str] | None = None
        for index, sentence in enumerate(self.sentences):
            if sentence.paragraph != carry.paragraph:
                carry = _Carry(paragraph=sentence.paragraph)
            tolls = self._tolls(index, carry)
            events = self._events(index, carry)
            statements = self._statements(index, tolls, events, last_topic)
            # only a statement with its own keyword is carried on
            span = sentence.span
            if statements and topic_of(within(self.hits.topics, span.start, span.end), (0, 0)):
                last_topic = (index, statements[-1]["topic"])
            self._advance(carry, index, tolls + events)
        return _dedupe(self.records, self.article.body_start)

    def _advance(self, carry: _Carry, index: int, made: list[dict[str, Any]]) -> None:
        if self.attributions[index]:
            carry.attribution = self.attributions[index][-1]
        times = self._times(index)
        dated = [r for r in made if r["date_precision"] != "day_inferred"]
        if dated:
            last = dated[-1]
            carry.when = When(last["date_start"], last["date_end"], last["date_precision"],
                              last["cumulative"])  # fmt: skip
        elif times:
            carry.when = times[-1].when
        placed = [r for r in made if r["geo_precision"] != "unknown"]
        if placed:
            last = placed[-1]
            carry.where = Where(
                last["place"],
                last["governorate"],
                tuple(last["governorates"]) if last["governorates"] else None,
                last["lat"],
                last["lon"],
                last["geo_precision"],
            )
        elif not made:
            span = self.sentences[index].span
            speakers = [(a.start, a.end) for a in self.attributions[index]]
            carry.where = self.placer.first((span.start, span.end), speakers) or carry.where
        for record in made:
            if record["claim_type"] == "death_toll":
                carry.toll = True
                if record["cumulative"]:
                    count = record.get("deaths") or record.get("deaths_low") or 0
                    carry.cumulative_count = max(carry.cumulative_count or 0, count)


def _attribution_weight(source: Attribution | None, notes: tuple[str, ...]) -> float:
    """An explicit "X said" counts more than an inherited or pronoun speaker ("he said")."""
    if source is None:
        return 0.0
    inherited = any(n.startswith(("source from", "speaker of")) for n in notes)
    pronoun = source.text.lower() in load_rules("sources")["pronouns"]
    return 0.1 if inherited or pronoun else 0.2


def _toll_fields(toll: Toll) -> dict[str, Any]:
    return {
        "deaths": toll.deaths,
        "deaths_low": toll.low,
        "deaths_high": toll.high,
        "qualifier": toll.qualifier,
        "victims": toll.victims,
    }


def _dedupe(records: list[dict[str, Any]], body_start: int) -> list[dict[str, Any]]:
    """One claim per id; one event per type, source, place and day; headline tolls the body repeats
    are dropped (a headline restates the lead)."""
    body_counts = {
        (r["deaths"], r["deaths_low"])
        for r in records
        if r["claim_type"] == "death_toll" and r["sentence_start"] >= body_start
    }
    seen_ids: set[str] = set()
    seen_events: set[tuple] = set()
    kept = []
    for r in records:
        if r["claim_id"] in seen_ids:
            continue
        if r["claim_type"] == "event":
            key = (
                r["event_type"],
                r["source"],
                r["place"],
                str(r["governorates"]),
                r["date_start"],
                r["date_end"],
            )
            if key in seen_events:
                continue
            seen_events.add(key)
        headline = r["sentence_start"] < body_start and r["claim_type"] == "death_toll"
        if headline and (r["deaths"], r["deaths_low"]) in body_counts:
            continue
        seen_ids.add(r["claim_id"])
        kept.append(r)
    return kept


def claim_records(article: Article) -> list[dict[str, Any]]:
    """The claims of one article as plain records (claim-model field names)."""
    return _ArticleExtractor(article).run()


def extract_article(article: Article) -> pd.DataFrame:
    """Every death toll, event and attributed statement of an article as a valid claim frame."""
    return claims_from_records(claim_records(article))


def extract_batch(article: Article) -> pa.RecordBatch:
    """The claims of an article as a checked Arrow batch: what the store writes. Lighter than
    `extract_article`'s frame (no pandas objects), and `lib.claims.claims_frame` frames many."""
    return claims_batch(claim_records(article))


def extract_articles(articles: Iterable[Article]) -> pd.DataFrame:
    """The claims of many articles in one valid frame (built and checked once)."""
    return claims_from_records(record for article in articles for record in claim_records(article))
