"""Statements: attributed positions ("Lavrov: Russia's arms sales are legal") with a topic.

The topic is the first row of `rules/statements.json` whose keywords occur in the sentence
outside the speaker's name, so the comparison page can line up who says what on one question.
The position is the reported clause itself (the words after "said that", or the quote before
", X said"), never a paraphrase.
"""

from __future__ import annotations

import functools

from spacy.lang.lex_attrs import is_punct
from spacy.matcher import PhraseMatcher
from spacy.tokens import Span

from lib.extract.matching import Hit, phrase_matcher
from lib.extract.rules import load_rules
from lib.extract.sources import Attribution
from lib.extract.text import doc_text, token_lowers, token_offsets, token_texts

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


@functools.cache
def _topic_names() -> dict[str, str]:
    """Matcher label (rank in the table) -> topic name."""
    topics = load_rules("statements")["topics"]
    return {str(rank): name for rank, (name, _) in enumerate(topics)}


@functools.cache
def _position_rules() -> tuple[int, frozenset[str]]:
    """(max_position_chars, before_that words) of `rules/statements.json`."""
    rules = load_rules("statements")
    return rules["max_position_chars"], frozenset(rules["before_that"])


def topic_of(hits: list[Hit], exclude: tuple[int, int]) -> str | None:
    """The topic of the first keyword outside the speaker span (what is said first is what
    the statement is about: "would not withdraw ... until they laid down their weapons")."""
    low, high = exclude
    for hit in hits:
        if hit.end <= low or hit.start >= high:
            return _topic_names()[hit.label]
    return None


def _trailing(sent: Span, attribution: Attribution, texts: list[str]) -> bool:
    """True when the speaker follows the words ('"...," he said Wednesday', "..., said X")."""
    if attribution.start > attribution.verb:
        return True
    if attribution.start <= sent.start + 1:
        return False
    alpha = 0
    for word in texts[attribution.verb + 1 : sent.end]:
        if word.isalpha():  # spaCy's `is_alpha`
            alpha += 1
            if alpha >= _TRAILING_WORDS:
                return False
    return True


def position_span(
    sent: Span, attribution: Attribution, others: list[Attribution]
) -> tuple[int, int]:
    """Character span (absolute) of what `attribution`'s speaker says in `sent`: the clause
    after the verb ("said that ..."), or the words before a trailing speaker (`others`, all
    attributions of the sentence, bound it).

    Tokens are read from the per-document text/lower lists; spaCy's `is_title`/`is_punct`
    flags are `str.istitle()` and `spacy.lang.lex_attrs.is_punct` of the token text."""
    doc = sent.doc
    texts, lowers = token_texts(doc), token_lowers(doc)
    text = doc_text(doc)
    idx, _ = token_offsets(doc)  # `Token.idx` of every token
    sent_start, sent_end = sent.start, sent.end
    sent_start_char = idx[sent_start]
    sent_end_char = idx[sent_end - 1] + len(texts[sent_end - 1])  # `Span.end_char`
    limit, skippable = _position_rules()
    if _trailing(sent, attribution, texts):
        first = min(
            (min(a.start, a.verb) for a in others if min(a.start, a.verb) > sent_start),
            default=attribution.start,
        )
        start, end = sent_start_char, idx[first]
    else:
        after = attribution.verb + 1
        that = next(
            (i for i in range(after, min(after + _THAT_WINDOW, sent_end)) if lowers[i] == "that"),
            None,
        )
        if that is not None and not all(
            lowers[i] in skippable or texts[i].istitle() or is_punct(texts[i])
            for i in range(after, that)
        ):
            that = None  # "said the veto was an error and that ...": the clause starts earlier
        if that is not None:
            after = that + 1
        while after < sent_end and lowers[after] in _LEAD_WORDS:
            after += 1  # "said on Saturday he was ..."
        start = idx[after] if after < sent_end else sent_end_char
        end = sent_end_char
        tail = text[sent_start_char:sent_end_char].lower().rfind(", according to")
        if tail > 0 and sent_start_char + tail > start:
            end = sent_start_char + tail
        following = [min(a.start, a.verb) for a in others if min(a.start, a.verb) > after]
        if following:  # "..., while the opposition says ...": the next speaker's words are theirs
            cut = min(following)
            while cut > after and lowers[cut - 1] in _JOINERS:
                cut -= 1
            end = min(end, idx[cut])
    while start < end and text[start] in _STRIP:
        start += 1
    while end > start and text[end - 1] in _STRIP:
        end -= 1
    if end - start > limit:
        cut = text.rfind(" ", start, start + limit)
        end = cut if cut > start else start + limit
    return start, end
