"""Article text with claim spans highlighted, as safe HTML.

Article text is untrusted (scraped pages, uploads): every character of it is escaped before
any markup is added, so a `<script>` in an article is shown, never run. Claim spans may
overlap (a toll inside a statement); the text is cut at every span boundary and each piece is
marked with the claims covering it, so nothing is dropped and no tags interleave.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from lib.charts import count_phrase

# Stronger evidence types win the colour when spans overlap.
_PRIORITY = ("death_toll", "event", "statement")
CLAIM_COLOURS = {"death_toll": "#F0B27A", "event": "#AED6F1", "statement": "#D7BDE2"}
CLAIM_LABELS = {"death_toll": "death toll", "event": "event", "statement": "statement"}


@dataclass(frozen=True)
class Span:
    """One claim's evidence span in the article text, with what a tooltip should say."""

    start: int
    end: int
    claim_type: str
    claim_id: str
    label: str


def _piece_markup(piece: str, covering: list[Span], anchored: set[str], focus: str | None) -> str:
    """Wrap one escaped piece of text in a <mark> naming every claim that covers it."""
    text = html.escape(piece)
    if not covering:
        return text
    main = min(covering, key=lambda s: _PRIORITY.index(s.claim_type))
    title = html.escape(" | ".join(s.label for s in covering), quote=True)
    anchors = ""
    for span in covering:
        if span.claim_id not in anchored:
            anchored.add(span.claim_id)
            anchors += f'<a id="claim-{html.escape(span.claim_id, quote=True)}"></a>'
    colour = CLAIM_COLOURS.get(main.claim_type, "#EEEEEE")
    focused = any(s.claim_id == focus for s in covering)
    outline = ";outline:2px solid #1F2933" if focused else ""
    classes = f"claim claim-{html.escape(main.claim_type, quote=True)}" + (
        " claim-focus" if focused else ""
    )
    return (
        f'{anchors}<mark class="{classes}" '
        f'style="background:{colour};padding:0 1px;border-radius:2px{outline}" title="{title}">'
        f"{text}</mark>"
    )


def highlight_html(text: str, spans: Iterable[Span], focus: str | None = None) -> str:
    """The whole text, escaped, with each claim span wrapped in a titled <mark>.

    `focus` (a claim id, e.g. from a Who-says-what link) gets an outline.

    Spans outside the text or empty after clipping are ignored rather than raising: a stale
    offset must not hide the article. Newlines are kept by `white-space: pre-wrap`.
    """
    n = len(text)
    valid = []
    for s in spans:
        start, end = max(0, int(s.start)), min(n, int(s.end))
        if start < end:
            valid.append(Span(start, end, s.claim_type, s.claim_id, s.label))
    cuts = sorted({0, n, *(s.start for s in valid), *(s.end for s in valid)})
    anchored: set[str] = set()
    parts = []
    for a, b in itertools.pairwise(cuts):
        covering = [s for s in valid if s.start <= a and b <= s.end]
        parts.append(_piece_markup(text[a:b], covering, anchored, focus))
    body = "".join(parts)
    return f'<div class="article-text" style="white-space:pre-wrap;line-height:1.6">{body}</div>'


def legend_html() -> str:
    """A one-line key to the highlight colours."""
    items = [
        f'<mark style="background:{CLAIM_COLOURS[t]};padding:0 4px">{CLAIM_LABELS[t]}</mark>'
        for t in _PRIORITY
    ]
    return "Highlighted: " + " ".join(items)


def claim_label(row: dict) -> str:
    """Tooltip text for one claim: what kind, the number or event, and who says it."""
    kind = CLAIM_LABELS.get(row.get("claim_type"), str(row.get("claim_type")))
    if row.get("claim_type") == "death_toll":
        what = count_phrase(
            row.get("qualifier"), row.get("deaths"), row.get("deaths_low"), row.get("deaths_high")
        )
    elif row.get("claim_type") == "event":
        what = str(row.get("event_type") or "event").replace("_", " ")
    else:
        what = str(row.get("topic") or "")
    label = f"{kind}: {what} ({row.get('source')})"
    note = row.get("correction")
    return f"{label} {note}" if isinstance(note, str) else label


def spans_from_claims(claims: pd.DataFrame) -> list[Span]:
    """One Span per claim of an article's claim frame."""
    return [
        Span(
            int(r["char_start"]),
            int(r["char_end"]),
            str(r["claim_type"]),
            str(r["claim_id"]),
            claim_label(r),
        )
        for r in claims.to_dict("records")
        if pd.notna(r["char_start"]) and pd.notna(r["char_end"])
    ]
