"""Store problems as a page shows them: what file, what is wrong, what to do; never a traceback.

A busy store (another process holds it past the timeout) and an unreadable one (corrupted or
truncated) stop every page, so dashboard.py runs each page inside `store_guard()`. The store
code only reads a damaged file, never writes it, so the page can say the file is untouched.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb
import streamlit as st

from lib.store import DEFAULT_DB, ENV_VAR, StoreBusyError


def store_path() -> str:
    """The file the dashboard reads: $SYRIA_CLAIMS_DB, else data/claims.duckdb."""
    return os.environ.get(ENV_VAR) or str(DEFAULT_DB)


def damaged_store_message(path: str, exc: BaseException) -> str:
    """Markdown for a store file DuckDB cannot read (file, reason, remedy)."""
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return (
        f"**The claim store cannot be read.**\n\n"
        f"File: `{path}`\n\n"
        f"What is wrong: {escape(reason)}. The file looks corrupted or truncated (a disk "
        "error, a copy that did not finish, or another program writing to it).\n\n"
        "The dashboard did not change the file. What to do: restore a snapshot into a new "
        "file (`python -m lib.ingest --db NEW_FILE --import SNAPSHOT_DIR`) and point "
        "`SYRIA_CLAIMS_DB` at it, or move the damaged file aside and restart to begin again "
        "from the seed articles."
    )


def busy_store_message(exc: StoreBusyError) -> str:
    """Markdown for a store another process holds (an ingest): wait and reload."""
    return (
        "**The claim store is busy.** Another process (an ingest or a re-extraction?) holds "
        "it. Nothing was lost: reload this page when it has finished.\n\n"
        f"Details: {escape(str(exc))}"
    )


_INLINE = frozenset("\\`*_[]<>~$|#")  # emphasis, code, links, images, HTML, maths, tables
_LINE_START = re.compile(r"^(\s*\d*)([-+=.)])", re.MULTILINE)  # lists, setext headings


def escape(text: object) -> str:
    """Untrusted text shown through Markdown: no markup, links, images or HTML, with the
    text itself unchanged on screen (only characters that could start markup are escaped)."""
    inline = "".join("\\" + ch if ch in _INLINE else ch for ch in str(text))
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), inline)


@contextmanager
def store_guard() -> Iterator[None]:
    """Run a page; a busy or unreadable store becomes a clear message instead of a traceback."""
    try:
        yield
    except StoreBusyError as exc:
        st.error(busy_store_message(exc), icon=":material/hourglass_top:")
    except duckdb.Error as exc:
        st.error(damaged_store_message(store_path(), exc), icon=":material/report:")
