"""Statements: attributed positions ("Lavrov: Russia's arms sales are legal") with a topic.

The topic is the first row of `rules/statements.json` whose keywords occur in the sentence
outside the speaker's name, so the comparison page can line up who says what on one question.
The position is the reported clause itself (the words after "said that", or the quote before
", X said"), never a paraphrase.
"""

from __future__ import annotations

import functools

from spacy.matcher import PhraseMatcher
from spacy.tokens import Span

from lib.extract.matching import Hit, phrase_matcher
from lib.extract.rules import load_rules
from lib.extract.sources import Attribution
from lib.extract.text import doc_text

_TRAILING_WORDS = 3
_THAT_WINDOW = 10  # "told U.N.-Arab League envoy Kofi Annan on Monday that ..."
_LEAD_WORDS = frozenset(
    {
        "on",
        "late",
        "early",
        "yesterday",
        "today",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        ",",
    }
)
_JOINERS = frozenset({",", ";", "while", "but", "and", "whereas", "as", "the", "a", "an"})
_STRIP = " \t\n,;:.\"'“”‘’"


@functools.cache
def topic_matcher() -> PhraseMatcher:
    """Topic keywords; the label is the topic's rank in the table."""
    topics = load_rules("statements")["topics"]
    return phrase_matcher({str(rank): words for rank, (_, words) in enumerate(topics)})


def topic_of(hits: list[Hit], exclude: tuple[int, int]) -> str | None:
    """The topic of the first keyword outside the speaker span (what is said first is what
    the statement is about: "would not withdraw ... until they laid down their weapons")."""
    topics = load_rules("statements")["topics"]
    outside = [h for h in hits if h.end <= exclude[0] or h.start >= exclude[1]]
    return topics[int(outside[0].label)][0] if outside else None


def _trailing(sent: Span, attribution: Attribution) -> bool:
    """True when the speaker follows the words ('"...," he said Wednesday', "..., said X")."""
    doc = sent.doc
    if attribution.start > attribution.verb:
        return True
    rest = [t for t in doc[attribution.verb + 1 : sent.end] if t.is_alpha]
    return len(rest) < _TRAILING_WORDS and attribution.start > sent.start + 1


def position_span(
    sent: Span, attribution: Attribution, others: list[Attribution]
) -> tuple[int, int]:
    """Character span (absolute) of what `attribution`'s speaker says in `sent`: the clause
    after the verb ("said that ..."), or the words before a trailing speaker (`others`, all
    attributions of the sentence, bound it)."""
    doc = sent.doc
    limit = load_rules("statements")["max_position_chars"]
    if _trailing(sent, attribution):
        first = min(
            (min(a.start, a.verb) for a in others if min(a.start, a.verb) > sent.start),
            default=attribution.start,
        )
        start, end = sent.start_char, doc[first].idx
    else:
        after = attribution.verb + 1
        that = next(
            (
                i
                for i in range(after, min(after + _THAT_WINDOW, sent.end))
                if doc[i].lower_ == "that"
            ),
            None,
        )
        skippable = frozenset(load_rules("statements")["before_that"])
        if that is not None and not all(
            t.lower_ in skippable or t.is_title or t.is_punct for t in doc[after:that]
        ):
            that = None  # "said the veto was an error and that ...": the clause starts earlier
        if that is not None:
            after = that + 1
        while after < sent.end and doc[after].lower_ in _LEAD_WORDS:
            after += 1  # "said on Saturday he was ..."
        start = doc[after].idx if after < sent.end else sent.end_char
        end = sent.end_char
        tail = sent.text.lower().rfind(", according to")
        if tail > 0 and sent.start_char + tail > start:
            end = sent.start_char + tail
        following = [min(a.start, a.verb) for a in others if min(a.start, a.verb) > after]
        if following:  # "..., while the opposition says ...": the next speaker's words are theirs
            cut = min(following)
            while cut > after and doc[cut - 1].lower_ in _JOINERS:
                cut -= 1
            end = min(end, doc[cut].idx)
    text = doc_text(doc)
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    if end - start > limit:
        cut = text.rfind(" ", start, start + limit)
        end = cut if cut > start else start + limit
    return start, end
