"""Review page (/review): add articles, preview their claims, correct claims with a reason.

Render only: parsing, extraction, validation and storage are lib/ingest, lib/store and
lib/corrections. Run through dashboard.py's st.navigation (no set_page_config here).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from lib.articles import SUFFIXES, Article
from lib.claims import (
    DATE_PRECISIONS,
    EVENT_TYPES,
    GOVERNORATE_CODES,
    PERPETRATORS,
    QUALIFIERS,
    SOURCE_KINDS,
    VICTIMS,
)
from lib.corrections import (
    EDITOR_CONTEXT,
    EDITOR_FIELDS,
    REJECTED,
    Applied,
    CorrectionError,
    StaleEditError,
    diff_edits,
    review_table,
)
from lib.ingest import MAX_UPLOAD_MB, read_upload
from lib.store import ClaimStore, ensure_seeded, open_store
from lib.timed_extract import Extracted, extract_uploads
from ui import article_title, filtered_articles
from ui.errors import escape, store_guard

EARLIEST_PUBLISHED = dt.date(2011, 1, 1)  # the uprising began in March 2011
PREVIEW_COLUMNS = ["claim_type", "sentence", "deaths", "qualifier", "source", "place",
                   "governorate", "date_start", "date_end"]  # fmt: skip
_words = {"format_func": lambda v: str(v).replace("_", " ")}  # stored codes, shown as words


def _count(label: str):
    return st.column_config.NumberColumn(label, min_value=0, step=1, format="%d")


EDITOR_CONFIG = {
    "claim_id": st.column_config.TextColumn("claim", width="small"),
    "changed": st.column_config.TextColumn("corrected", help="fields a reviewer changed"),
    "claim_type": st.column_config.TextColumn("claim type"),
    "sentence": st.column_config.TextColumn(width="medium", help="the evidence; hover to read"),
    "qualifier": st.column_config.SelectboxColumn(options=QUALIFIERS, **_words),
    "deaths": _count("deaths"),
    "deaths_low": _count("lowest"),
    "deaths_high": _count("highest"),
    "victims": st.column_config.SelectboxColumn(options=VICTIMS, **_words),
    "source_kind": st.column_config.SelectboxColumn(
        "kind of source", options=SOURCE_KINDS, **_words
    ),
    "governorate": st.column_config.SelectboxColumn(options=GOVERNORATE_CODES),
    "date_start": st.column_config.DateColumn("from", format="YYYY-MM-DD"),
    "date_end": st.column_config.DateColumn("to", format="YYYY-MM-DD"),
    "date_precision": st.column_config.SelectboxColumn(
        "date precision", options=DATE_PRECISIONS, **_words
    ),
    "event_type": st.column_config.SelectboxColumn("event", options=EVENT_TYPES, **_words),
    "perpetrator": st.column_config.SelectboxColumn(
        "alleged perpetrator", options=PERPETRATORS, **_words
    ),
    REJECTED: st.column_config.CheckboxColumn("reject", help="not a real claim"),
}


def _refresh() -> None:
    """Other pages cache the claims: drop the caches and redraw after a write."""
    st.cache_data.clear()
    st.session_state["review_round"] = st.session_state.get("review_round", 0) + 1
    st.rerun()


def _day(published: object) -> str:
    return "date unknown" if pd.isna(published) else f"{published:%Y-%m-%d}"


def _extracted(articles: list[Article]) -> Extracted:
    """The upload's claims from the time-limited worker, once per set of files (a rerun of
    the page must not extract, or wait out a stalled article, again)."""
    ids = tuple(a.article_id for a in articles)
    done = st.session_state.get("review_extracted")
    if done is None or done[0] != ids:
        with st.spinner("Finding claims…"):
            done = st.session_state["review_extracted"] = (ids, extract_uploads(articles))
    return done[1]


def upload_section(store: ClaimStore) -> None:
    st.subheader("Add articles")
    files = st.file_uploader(
        f"Article files ({', '.join(SUFFIXES)}; up to {MAX_UPLOAD_MB} MB each)",
        type=[s.lstrip(".") for s in SUFFIXES],
        accept_multiple_files=True,
        max_upload_size=MAX_UPLOAD_MB,
        key=f"upload-{st.session_state.get('review_round', 0)}",
    )
    if not files:
        return
    uploads = [read_upload(f.name, f.getvalue()) for f in files]
    if any(u.needs_date for u in uploads):
        published = st.date_input(
            "Publication date for the files that carry none",
            value=None,
            min_value=EARLIEST_PUBLISHED,  # Streamlit's default refuses dates over 10 years old
            max_value=dt.date.today(),
            format="YYYY-MM-DD",
            key="upload-published",
        )
        if published is None:
            st.info("Some files have no publication date: pick one above to continue.")
            return
        uploads = [read_upload(f.name, f.getvalue(), published) for f in files]
    errors = [e for u in uploads for e in u.errors]
    for error in errors:
        st.error(f"**{escape(error.name)}**: {escape(error.reason)}")
    if errors:
        st.warning("Nothing will be saved until every file reads cleanly.")
        return
    extracted = _extracted([a for u in uploads for a in u.articles])
    for error in extracted.refused:
        st.error(f"**{escape(error.name)}**: {escape(error.reason)}")
    articles, claims = extracted.articles, extracted.claims
    st.caption(f"Preview: {len(articles)} article(s), {len(claims)} claim(s) found.")
    st.dataframe(claims[PREVIEW_COLUMNS], hide_index=True)
    if articles and st.button(
        f"Save {len(articles)} article(s)", type="primary", key="save-upload"
    ):
        report = extracted.save(store)
        if report.failed:
            st.error(
                "Nothing was saved: "
                + "; ".join(f"{escape(e.name)}: {escape(e.reason)}" for e in report.failed)
            )
            return
        st.session_state["review_message"] = (
            f"Saved: {report.new} new, {report.unchanged} already stored."
        )
        _refresh()


def _opened_table(
    applied: Applied, log: pd.DataFrame, article_id: str, editor_key: str
) -> pd.DataFrame:
    """The editor's table: the current claims, except while the reviewer has unsaved edits,
    when it stays what they started from (a save is checked against those values)."""
    pending = (st.session_state.get(editor_key) or {}).get("edited_rows")
    opened = st.session_state.get("review_opened")
    if not pending or opened is None or opened[0] != editor_key:
        opened = st.session_state["review_opened"] = (
            editor_key,
            review_table(applied, log, article_id),
        )
    return opened[1]


def edit_section(store: ClaimStore) -> None:
    st.subheader("Correct claims")
    applied = store.applied()
    log = store.corrections()
    articles = store.articles()
    shown = filtered_articles(articles, applied.frame)
    if len(shown) < len(articles):
        st.caption(
            f"{len(shown)} of {len(articles)} articles have claims under the sidebar filters; "
            "**Reset filters** lists them all."
        )
    labels = {
        row["article_id"]: f"{_day(row['published'])} · {article_title(row)}"
        for row in shown.to_dict("records")
    }
    # Keyed, so the chosen article stays chosen after a save reruns the page.
    article_id = st.selectbox("Article", list(labels), format_func=labels.get, key="review_article")
    if article_id is None:
        st.info("No articles stored yet.")
        return
    editor_key = f"editor-{article_id}-{st.session_state.get('review_round', 0)}"
    table = _opened_table(applied, log, article_id, editor_key)
    edited = st.data_editor(
        table,
        column_config=EDITOR_CONFIG,
        disabled=[*EDITOR_CONTEXT, "changed"],
        hide_index=True,
        key=editor_key,
    )
    edits = diff_edits(table, edited, [*EDITOR_FIELDS, REJECTED])
    with st.form("save-corrections", border=False):
        st.caption(f"{len(edits)} changed cell(s). Every correction needs a reason and an author.")
        round_ = st.session_state.get("review_round", 0)  # a save starts a fresh, empty form
        reason = st.text_input(
            "Reason", placeholder="e.g. the article says 55, not 54", key=f"reason-{round_}"
        )
        author = st.text_input("Author", key=f"author-{round_}")
        if st.form_submit_button("Save corrections", disabled=not edits):
            try:
                ids = store.apply_edits(edits, reason, author)
            except StaleEditError as exc:  # show the current values in a fresh editor
                st.session_state["review_error"] = f"Not saved: {exc}"
                _refresh()
            except (CorrectionError, ValueError) as exc:
                st.error(f"Not saved: {escape(exc)}")
            else:
                st.session_state["review_message"] = f"Saved {len(ids)} correction(s)."
                _refresh()

    st.subheader("History")
    sentences = dict(zip(table["claim_id"], table["sentence"], strict=True))
    claim_id = st.selectbox(
        "Claim", list(sentences), format_func=lambda c: f"{c} · {sentences[c][:80]}"
    )
    if claim_id:
        history = store.history(claim_id)
        if history.empty:
            st.caption("No corrections for this claim.")
        else:
            st.dataframe(history.drop(columns=["claim_id", "article_id"]), hide_index=True)


def reextract_section(store: ClaimStore) -> None:
    stale = store.stale_count()
    if not stale:
        return
    st.subheader("Extractor updated")
    st.info(
        f"{stale} article(s) were extracted by another extractor version. Re-extracting "
        "replaces their machine claims; corrections are kept and re-applied by claim."
    )
    if st.button(f"Re-extract {stale} article(s)", key="reextract"):
        with st.spinner("Re-extracting…"):
            report = store.reextract()
        st.session_state["review_message"] = report.summary()
        _refresh()


def queue_section(store: ClaimStore) -> None:
    queue = store.review_queue()
    if queue.empty:
        return
    st.subheader("Needs review")
    st.warning(
        f"{len(queue)} correction(s) no longer apply: their claim was not re-extracted or "
        "has changed. They are kept; re-enter them on the current claims if still right."
    )
    st.dataframe(queue, hide_index=True)


st.title("Review claims")
st.caption(
    "Upload articles, check what the extractor found, and correct it. Corrections are kept "
    "by claim and re-applied when the extractor improves; every change is logged."
)
if message := st.session_state.pop("review_message", None):
    st.success(message)
if problem := st.session_state.pop("review_error", None):
    st.error(escape(problem))
with store_guard():  # a busy or damaged store: a clear message, not a traceback
    claim_store = open_store()
    with claim_store.session():  # one wait for a busy file per block, not one per read
        ensure_seeded(claim_store)
    upload_section(claim_store)  # extraction runs outside any session: it can be slow
    reextract_section(claim_store)
    with claim_store.session():
        edit_section(claim_store)
        queue_section(claim_store)
