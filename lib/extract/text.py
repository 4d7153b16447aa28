"""Text hygiene and sentences: the units every claim points back into.

The loader has already stripped HTML. Scraped copy still repeats lines (the lead paragraph
twice, a photo caption above the headline) and carries page furniture ("Click to Expand",
"More Coverage"). Those are dropped here so they never become claims; the headline is kept
and flagged. Offsets always index the article text unchanged.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
from typing import NamedTuple

import numpy as np
import spacy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Sentencizer
from spacy.tokens import Doc, Span

from lib.extract.rules import load_rules

# A line shorter than this is a heading or a list item, not a hard-wrapped paragraph.
_WRAP_WIDTH = 60
# A "sentence" longer than this many tokens is cut (see `_cut_long`). No news sentence comes
# near it (the longest in the development corpus has 81 tokens); text with no sentence end
# (a table, a list, an upload of digits) would otherwise be one sentence, and the rules that
# compare every word of a sentence with every other would grow with its square or cube. 300
# is also more tokens than 300 characters can make, so texts that short are never cut.
MAX_SENTENCE_TOKENS = 300
_NEWLINE = re.compile("\n")


class Sentence(NamedTuple):
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
        starts, lengths = token_offsets(doc)
        pairs = zip(starts, lengths, strict=True)
        doc.user_data["token_texts"] = [text[s : s + n] for s, n in pairs]
    return doc.user_data["token_texts"]


def token_offsets(doc: Doc) -> tuple[list[int], list[int]]:
    """Every token's character offset and length (`Token.idx`, `len(Token)`), read once per
    document."""
    if "token_offsets" not in doc.user_data:
        columns = _offset_array(doc).T.tolist()
        doc.user_data["token_offsets"] = (columns[0], columns[1])
    return doc.user_data["token_offsets"]


def _offset_array(doc: Doc) -> np.ndarray:
    """`token_offsets` as a (tokens, 2) array."""
    if "token_offset_array" not in doc.user_data:
        doc.user_data["token_offset_array"] = doc.to_array([IDX, LENGTH])
    return doc.user_data["token_offset_array"]


def token_lowers(doc: Doc) -> list[str]:
    """Every token's lower-case text (spaCy's `lower_`), once per document."""
    if "token_lowers" not in doc.user_data:
        doc.user_data["token_lowers"] = list(map(str.lower, token_texts(doc)))
    return doc.user_data["token_lowers"]


@Language.component("line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """Start a sentence after a blank line, or after a line break that ends a short or
    punctuated line (wire copy puts one paragraph per line; hard-wrapped text does not)."""
    marked = _line_break_starts(doc)
    if marked:
        sent_starts = doc.to_array(SENT_START)
        sent_starts[marked] = 1
        doc.from_array([SENT_START], sent_starts)
    return doc


def _line_break_starts(doc: Doc) -> list[int]:
    """The tokens `line_breaks` marks as sentence starts."""
    ends = _sentence_end()
    text = doc_text(doc)
    starts, _ = token_offsets(doc)
    texts = token_texts(doc)
    marked = []
    for i in _tokens_with_newlines(doc, text):
        idx, token = starts[i], texts[i]
        token_end = idx + len(token)
        line_start = text.rfind("\n", 0, idx) + 1
        line = text[line_start:token_end].strip()
        space = text[token_end : starts[i + 1]]  # the token's `whitespace_`
        blank = token.count("\n") + space.count("\n") > 1
        if blank or len(line) < _WRAP_WIDTH or (line and line[-1] in ends):
            marked.append(i + 1)
    return marked


@functools.cache
def _sentence_end() -> frozenset[str]:
    return frozenset(load_rules("text")["sentence_end"])


def _tokens_with_newlines(doc: Doc, text: str) -> list[int]:
    """Indices of the tokens (but the last) whose text or trailing space holds a line break,
    found from the text's line breaks: visiting every token in Python costs more."""
    starts, _ = token_offsets(doc)
    last = len(starts) - 1
    found = {bisect.bisect_right(starts, m.start()) - 1 for m in _NEWLINE.finditer(text)}
    return sorted(i for i in found if 0 <= i < last)


_PUNCT_CHARS = frozenset(Sentencizer.default_punct_chars)
assert all(len(c) == 1 for c in _PUNCT_CHARS)


@Language.component("punct_sentences")
def punct_sentences(doc: Doc) -> Doc:
    """spaCy's rule-based `sentencizer` (default punctuation, no overwriting), from the text:
    a sentence starts at the first token after a sentence punctuation token that is neither
    such a token nor punctuation. Tokens already marked (by `line_breaks`) keep their mark;
    the others get 1 or -1. The stock component visits every token as a Python `Token`."""
    if len(doc) == 0:
        return doc
    current = doc.to_array(SENT_START).view(np.int64)
    sent_starts = np.where(current != 0, current, np.where(_punct_guesses(doc), 1, -1))
    doc.from_array([SENT_START], sent_starts.view(np.uint64))
    return doc


def _punct_guesses(doc: Doc) -> np.ndarray:
    """Where `punct_sentences` would start a sentence on a document with no marks."""
    length = len(doc)
    texts = token_texts(doc)
    single = np.flatnonzero(_offset_array(doc)[:, 1] == 1).tolist()
    punct = {i for i in single if texts[i] in _PUNCT_CHARS}  # all are one character long
    guessed = np.zeros(length, dtype=bool)
    guessed[0] = True
    for i in punct:
        i += 1
        while i < length and (i in punct or doc[i].is_punct):
            i += 1
        if i < length:
            guessed[i] = True
    return guessed


@functools.cache
def get_nlp() -> Language:
    """The one spaCy pipeline (blank English, built once): line breaks + sentencizer."""
    nlp = spacy.blank("en")
    nlp.add_pipe("line_breaks")
    nlp.add_pipe("punct_sentences", name="sentencizer")  # spaCy's sentencizer, vectorised
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
    pipeline = nlp.pipeline
    if [component for _, component in pipeline] == _COMPONENTS and len(doc):
        # `line_breaks` then `punct_sentences`, with one read and one write of the marks
        current = doc.to_array(SENT_START).view(np.int64)
        current[_line_break_starts(doc)] = 1
        sent_starts = np.where(current != 0, current, np.where(_punct_guesses(doc), 1, -1))
        _cut_long(sent_starts, token_lowers(doc))
        doc.from_array([SENT_START], sent_starts.view(np.uint64))
        return doc
    for _, component in pipeline:
        doc = component(doc)
    if len(doc) > MAX_SENTENCE_TOKENS:
        sent_starts = doc.to_array(SENT_START).view(np.int64).copy()
        if _cut_long(sent_starts, token_lowers(doc)):
            doc.from_array([SENT_START], sent_starts.view(np.uint64))
    return doc


# Where an over-long sentence may be cut: after a clause break, or before a conjunction.
_CUT_AFTER = frozenset({";", ":", ",", "--", "—", "–"})
_CUT_BEFORE = frozenset({"and", "but", "while", "as", "when", "after"})


def _cut_long(sent_starts: np.ndarray, lowers: list[str], limit: int = MAX_SENTENCE_TOKENS) -> int:
    """Mark extra sentence starts (1) in `sent_starts` so that no sentence has more than
    `limit` tokens; returns how many were marked. A cut goes at the last clause break or
    conjunction in the second half of the window (the pieces stay readable clauses), else
    at the limit. Each token is looked at a bounded number of times: linear."""
    length = len(sent_starts)
    if length <= limit:
        return 0
    starts = [*np.flatnonzero(sent_starts == 1).tolist(), length]
    if starts[0] != 0:
        starts.insert(0, 0)
    marked = 0
    for first, stop in itertools.pairwise(starts):
        while stop - first > limit:
            cut = first + limit
            for i in range(first + limit - 1, first + limit // 2, -1):
                if lowers[i] in _CUT_BEFORE:
                    cut = i
                    break
                if lowers[i] in _CUT_AFTER:
                    cut = i + 1
                    break
            sent_starts[cut] = 1
            marked += 1
            first = cut
    return marked


_COMPONENTS = [line_breaks, punct_sentences]


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
    anchored, floating, max_words, max_split, ends = _furniture_rules()
    stripped = line.strip()
    if anchored.match(stripped) or floating.search(stripped):
        return True
    # the last character first: most lines are paragraphs that end a sentence
    return stripped[-1:] not in ends and len(stripped.split(None, max_split)) <= max_words


@functools.cache
def _furniture_rules() -> tuple[re.Pattern[str], re.Pattern[str], float, int, str]:
    """The (anchored, floating) furniture patterns; max_furniture_words; the most splits
    worth making to count a line's words (-1: all); the sentence_end characters (a string:
    an empty line's last character "" is "in" it)."""
    rules = load_rules("text")
    max_words = rules["max_furniture_words"]
    # more than max_words words split max_words times leave max_words + 1 pieces
    max_split = max_words if isinstance(max_words, int) and max_words >= 0 else -1
    anchored, floating = _furniture_res()
    return anchored, floating, max_words, max_split, rules["sentence_end"]


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
    starts, _ = token_offsets(doc)
    for sent_start, sent_end in _sentence_chars(doc):
        raw = text[sent_start:sent_end]  # the sentence's `Span.text`
        start = sent_start + (len(raw) - len(raw.lstrip()))
        end = sent_end - (len(raw) - len(raw.rstrip()))
        if start >= end:
            continue
        if text.find("\n", previous_end, start) >= 0:
            paragraph += 1
        previous_end = end
        headline = start < body_start
        sentence = raw.strip()  # text[start:end]
        key = sentence.lower()
        if not key.isprintable() or "  " in key or key[0] == " " or key[-1] == " ":
            # `_normalise`: with no whitespace but single spaces between words (a space is
            # the only printable whitespace character), it would change nothing
            key = " ".join(key.split())
        if key in seen or (not headline and _line_is_furniture(text, start, end, furniture)):
            continue
        seen.add(key)
        # `doc.char_span(start, end, alignment_mode="expand")`: start and end - 1 are no
        # whitespace, so they fall in the text of a token
        first = _bisect_right(starts, start) - 1
        span = Span(doc, first, _bisect_right(starts, end - 1, first))
        kept.append(_as_sentence((span, start, end, sentence, paragraph, headline)))
    return kept


_bisect_right = bisect.bisect_right
_as_sentence = functools.partial(tuple.__new__, Sentence)  # `Sentence(...)`, built in C


def _sentence_chars(doc: Doc) -> list[tuple[int, int]]:
    """(start_char, end_char) of each of `doc.sents`, from the sentence starts (a `Span`
    per sentence and its `.text`, which joins every token, cost more than the rest)."""
    length = len(doc)
    if length == 0:
        return []
    values = doc.to_array(SENT_START)[1:]
    # `doc.has_annotation("SENT_START")`, which visits every token in a generator
    if not (length == 1 or "sents" in doc.user_hooks or values.any()):
        return [(s.start_char, s.end_char) for s in doc.sents]  # raises like `doc.sents`
    starts, lengths = token_offsets(doc)
    breaks = np.flatnonzero(values == 1).tolist()  # token i + 1 starts a sentence
    firsts = [0, *(i + 1 for i in breaks)]
    lasts = [*breaks, length - 1]
    return [(starts[f], starts[t] + lengths[t]) for f, t in zip(firsts, lasts, strict=True)]
