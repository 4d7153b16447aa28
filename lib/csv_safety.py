"""CSV cells that a spreadsheet will not run as formulas (OWASP's "CSV injection" rule).

Why: every CSV the dashboard writes carries text from outside (sentences, source and place
names, a reviewer's notes, reason and author). Excel, LibreOffice and Google Sheets run a cell
that starts with = + - @ (or a tab or carriage return before one) as a formula, which can
fetch URLs or run commands. OWASP's rule: put a single quote before such a cell, so it is
shown as the text it is. A cell that starts with a quote is quoted too, which makes the rule
exactly reversible (`restore_cell`) for files the dashboard reads back (snapshots).

Numbers stay numbers: only text cells are touched (a negative count is never text here).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise_cell(value: Any) -> Any:
    """`value` with a leading quote when a spreadsheet would read it as a formula."""
    if isinstance(value, str) and value.startswith((*TRIGGERS, QUOTE)):
        return QUOTE + value
    return value


def restore_cell(value: Any) -> Any:
    """The cell `neutralise_cell` was given (its inverse), for CSVs read back."""
    if (
        isinstance(value, str)
        and value.startswith(QUOTE)
        and value[1:2].startswith((*TRIGGERS, QUOTE))
    ):
        return value[1:]
    return value


def _text_columns(frame: pd.DataFrame) -> list[str]:
    return [
        c
        for c in frame.columns
        if frame[c].dtype == object or isinstance(frame[c].dtype, pd.StringDtype)
    ]


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` whose text cells (and column names) are safe to open in a spreadsheet."""
    out = frame.copy()
    for col in _text_columns(out):
        out[col] = out[col].map(neutralise_cell, na_action="ignore")
    return out.rename(columns=neutralise_cell)


def restore_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A CSV read back as text, with the quotes `neutralise_frame` added taken off again."""
    out = frame.rename(columns=restore_cell)
    for col in _text_columns(out):
        out[col] = out[col].map(restore_cell, na_action="ignore")
    return out


def safe_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheets read Arabic names right), lists joined by ";" and
    every text cell neutralised: the one function a page or CLI calls to offer a CSV."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: ";".join(v) if isinstance(v, list) else v)
    # CRLF rows (RFC 4180): a cell holding a lone carriage return is then quoted, not a row break.
    return neutralise_frame(out).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")
