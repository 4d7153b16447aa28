"""What a reader is told about a corrected claim, wherever its value is shown.

The store applies corrections and sets `corrected`; the pages must also say what changed and
why (table cell, tooltip, who-says-what answer, article highlight). One note per claim, built
here from the active corrections log, so every view words it the same way.
"""

from __future__ import annotations

import pandas as pd

MARK = "✎"


def correction_notes(log: pd.DataFrame) -> dict[str, str]:
    """claim_id -> "✎ deaths 54 → 55: the article says 55 (A. Reviewer)", active entries
    only, in log order (several corrections of one claim are joined with "; ")."""
    active = log[(log["status"] == "active").fillna(False).astype(bool)]
    notes: dict[str, list[str]] = {}
    for row in active.to_dict("records"):
        if row["kind"] == "reject":
            continue  # rejected claims are not shown
        change = f"{row['field']} {_text(row['old_value'])} → {_text(row['new_value'])}"
        notes.setdefault(str(row["claim_id"]), []).append(
            f"{change}: {_text(row['reason'])} ({_text(row['author'])})"
        )
    return {cid: f"{MARK} corrected: " + "; ".join(lines) for cid, lines in notes.items()}


def with_notes(claims: pd.DataFrame, log: pd.DataFrame) -> pd.DataFrame:
    """The claim frame with a `correction` column (the note, or null when uncorrected)."""
    notes = correction_notes(log)
    return claims.assign(correction=claims["claim_id"].map(notes).astype("string"))


def _text(value: object) -> str:
    return "none" if value is None or pd.isna(value) else str(value)
