"""The extractor's fast paths answer exactly as the plain ways they replace.

Speed work replaced spaCy's stock sentencizer with a vectorised one, and lets the time
patterns search only near a month, weekday or year name (or where their opening phrase
occurs) instead of at every position. Each is pinned here to the plain way on arbitrary and
wire-like text, so a rule edit that breaks the equivalence fails a test, not a user.
"""

from __future__ import annotations

import functools

import spacy
from hypothesis import given, settings
from hypothesis import strategies as st

from lib.extract.dates import _anchored_matches, _anchors, _patterns
from lib.extract.text import parse

# Words the time patterns and the sentencizer care about, with punctuation and digits.
_WORDS = (
    "on Tuesday late Friday's night since mid-March 4 May May 4, 2012 in 2011 the 2010 "
    "yesterday overnight last week this weekend since the uprising began in the past 3 days "
    "March 2011 more than a year ago . ! ? ... ; , -- \" ' ( ) Aleppo killed 12 Jan. jan "
    "THURSDAY since the start of the revolt\n \n\n until Sunday coming Monday early 1999"
)
WORDS = _WORDS.split(" ")
wire_text = st.lists(st.sampled_from(WORDS), max_size=80).map(" ".join)
any_text = st.text(max_size=300)
ascii_text = st.one_of(wire_text, st.text(st.characters(max_codepoint=127), max_size=300))


@functools.cache
def _stock_nlp() -> spacy.Language:
    """spaCy's own components: line breaks, then the stock sentencizer."""
    nlp = spacy.blank("en")
    nlp.add_pipe("line_breaks")  # registered by lib.extract.text
    nlp.add_pipe("sentencizer")
    return nlp


def _stock_starts(text: str) -> list[bool]:
    return [bool(t.is_sent_start) for t in _stock_nlp()(text)]


@settings(max_examples=150, deadline=None)
@given(st.one_of(wire_text, any_text))
def test_sentence_starts_equal_spacys_sentencizer(text):
    assert [bool(t.is_sent_start) for t in parse(text)] == _stock_starts(text)


def test_sentence_starts_on_wire_copy():
    text = (
        'Syria: 12 killed\n\nAt least 12 people died in Homs on Tuesday. "We fled!" he said...'
        " (Reuters) -- More shelling? Yes.\nA short line\nhard-wrapped lines of a long "
        "paragraph that goes on\nand on."
    )
    assert [bool(t.is_sent_start) for t in parse(text)] == _stock_starts(text)


@settings(max_examples=300, deadline=None)
@given(ascii_text)
def test_time_patterns_searched_near_names_find_what_finditer_finds(text):
    patterns = _patterns()
    lower = text.lower()
    for kind, anchor in _anchors().items():
        expected = [m.span() for m in patterns[kind].finditer(text)]
        assert [m.span() for m in _anchored_matches(patterns[kind], anchor, text, lower)] == (
            expected
        ), kind


def test_fast_time_search_covers_the_common_kinds():
    """The fast path exists for the kinds wire copy uses most (a rule edit that made a kind's
    words unsuitable would silently fall back to the slow search)."""
    assert {"weekday", "date", "month", "year"} <= set(_anchors())
    assert {"conflict", "same_day", "last_week"} <= set(_anchors())
