"""Text hygiene and sentences: the units every claim points back into.

The loader has already stripped HTML. Scraped copy still repeats lines (the lead paragraph
twice, a photo caption above the headline) and carries page furniture ("Click to Expand",
"More Coverage"). Those are dropped here so they never become claims; the headline is kept
and flagged. Offsets always index the article text unchanged.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
import spacy
from spacy.attrs import IDX, LENGTH
from spacy.language import Language
from spacy.tokens import Doc, Span

from lib.extract.rules import load_rules

# A line shorter than this is a heading or a list item, not a hard-wrapped paragraph.
_WRAP_WIDTH = 60
_NEWLINE = re.compile("\n")


@dataclass(frozen=True)
class Sentence:
    """One kept sentence: its tokens, exact character offsets and where it sits."""

    span: Span
    start: int  # character offset in the article text
    end: int
    text: str
    paragraph: int
    headline: bool


def doc_text(doc: Doc) -> str:
    """The document's text, built once (`Doc.text` joins every token on each access)."""
    if "text" not in doc.user_data:
        doc.user_data["text"] = doc.text
    return doc.user_data["text"]


def token_texts(doc: Doc) -> list[str]:
    """Every token's text, sliced once per document from its text (a `doc[i]` lookup builds
    a Token object each time, which the rules would otherwise do a hundred thousand times)."""
    if "token_texts" not in doc.user_data:
        text = doc_text(doc)
        starts = doc.to_array(IDX).tolist()
        lengths = doc.to_array(LENGTH).tolist()
        pairs = zip(starts, lengths, strict=True)
        doc.user_data["token_texts"] = [text[s : s + n] for s, n in pairs]
    return doc.user_data["token_texts"]


def token_lowers(doc: Doc) -> list[str]:
    """Every token's lower-case text (spaCy's `lower_`), once per document."""
    if "token_lowers" not in doc.user_data:
        doc.user_data["token_lowers"] = [t.lower() for t in token_texts(doc)]
    return doc.user_data["token_lowers"]


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after a blank line, or after a line break that ends a short or
    punctuated line (wire copy puts one paragraph per line; hard-wrapped text does not)."""
    ends = load_rules("text")["sentence_end"]
    text = doc_text(doc)
    for i in _tokens_with_newlines(doc, text):
        token = doc[i]
        line_start = text.rfind("\n", 0, token.idx) + 1
        line = text[line_start : token.idx + len(token.text)].strip()
        blank = token.text.count("\n") + token.whitespace_.count("\n") > 1
        if blank or len(line) < _WRAP_WIDTH or (line and line[-1] in ends):
            doc[i + 1].is_sent_start = True
    return doc


def _tokens_with_newlines(doc: Doc, text: str) -> list[int]:
    """Indices of the tokens (but the last) whose text or trailing space holds a line break,
    found from the text's line breaks: visiting every token in Python costs more."""
    starts = doc.to_array(IDX)
    breaks = [m.start() for m in _NEWLINE.finditer(text)]
    found = np.unique(np.searchsorted(starts, breaks, side="right") - 1)
    return [int(i) for i in found if 0 <= i < len(doc) - 1]


@functools.cache
def get_nlp() -> Language:
    """The one spaCy pipeline (blank English, built once): line breaks + sentencizer."""
    nlp = spacy.blank("en")
    nlp.add_pipe("line_breaks")
    nlp.add_pipe("sentencizer")
    return nlp


@functools.cache
def pattern_nlp() -> Language:
    """A tokenizer-only twin of `get_nlp()` sharing its vocabulary, for phrase tables. The
    thousands of table phrases would otherwise fill the document tokenizer's cache, whose hash
    table never shrinks: every later document's lookups (and cache flushes) would then walk a
    table sized for the phrase tables, which made tokenizing ~1.5x slower."""
    return spacy.blank("en", vocab=get_nlp().vocab)


def parse(text: str) -> Doc:
    """The pipeline over `text`, with the text kept on the doc (`Doc.text` would rebuild it
    from every token; spaCy guarantees the two are equal)."""
    nlp = get_nlp()
    doc = nlp.make_doc(text)
    doc.user_data["text"] = text
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc


@functools.cache
def _furniture_res() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The furniture patterns as (anchored at the line start, anywhere in the line): one
    alternation of both kinds would try every "^..." branch at every position of a long line."""
    patterns = load_rules("text")["furniture_patterns"]

    def compiled(group: list[str]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{p})" for p in group) or r"(?!)", re.IGNORECASE)

    anchored = compiled([p.removeprefix("^") for p in patterns if p.startswith("^")])
    floating = compiled([p for p in patterns if not p.startswith("^")])
    return anchored, floating


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def _is_furniture(line: str) -> bool:
    """Captions, menu items and credits: short lines with no sentence-final punctuation,
    or lines matching a furniture pattern."""
    rules = load_rules("text")
    stripped = line.strip()
    anchored, floating = _furniture_res()
    if anchored.match(stripped) or floating.search(stripped):
        return True
    words = len(stripped.split())
    return words <= rules["max_furniture_words"] and stripped[-1:] not in rules["sentence_end"]


def _line_is_furniture(text: str, start: int, end: int, known: dict[int, bool]) -> bool:
    """Whether the line holding text[start:end] is furniture, judged once per line."""
    line_start = text.rfind("\n", 0, start) + 1
    if line_start not in known:
        line_end = text.find("\n", end)
        line_end = len(text) if line_end < 0 else line_end
        known[line_start] = _is_furniture(text[line_start:line_end])
    return known[line_start]


def sentences(doc: Doc, body_start: int) -> list[Sentence]:
    """Kept sentences in order: furniture lines and repeated sentences/lines dropped.

    Text before `body_start` is the headline (kept, flagged). A repeated sentence keeps its
    first occurrence, so a caption repeated as the first body line stays the headline.
    """
    text = doc_text(doc)
    seen: set[str] = set()
    kept: list[Sentence] = []
    paragraph = 0
    previous_end = 0
    furniture: dict[int, bool] = {}  # by line start: a paragraph's sentences share its line
    for sent in doc.sents:
        raw = sent.text
        start = sent.start_char + (len(raw) - len(raw.lstrip()))
        end = sent.end_char - (len(raw) - len(raw.rstrip()))
        if start >= end:
            continue
        if "\n" in text[previous_end:start]:
            paragraph += 1
        previous_end = end
        headline = start < body_start
        key = _normalise(text[start:end])
        if key in seen or (not headline and _line_is_furniture(text, start, end, furniture)):
            continue
        seen.add(key)
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is None:
            continue
        kept.append(Sentence(span, start, end, text[start:end], paragraph, headline))
    return kept
