"""Claims explorer: every claim of the filter in one searchable, sortable table, each row
linked to its sentence in the article and to the article's original URL; a breakdown by
victims; the full export of the filtered claims (docs/codebook.md)."""

import streamlit as st

import ui
from lib import explorer, export, victims
from lib.links import claim_ids_param

COLUMNS = {
    **ui.CLAIM_COLUMNS,
    "precision": st.column_config.TextColumn(
        "Precision", help="How precisely the place is known: town, governorate or country."
    ),
    "victims": st.column_config.TextColumn("Victims", width="small"),
    "in article": st.column_config.LinkColumn(
        "In article", display_text="Read the sentence", help="The sentence outlined in its article."
    ),
    "original": st.column_config.LinkColumn(
        "Original", display_text="Original article", help="Where the article was published."
    ),
    "article": st.column_config.TextColumn("Article", width="medium"),
}

FORMAT_NAMES = {"csv": "CSV", "parquet": "Parquet"}
# Rows drawn in the browser: 40,000 claims with their sentences are ~20 MB to send and draw;
# search and sort reach the others, the CSV buttons hold them all.
SHOWN_ROWS = 2000


def _drop_link() -> None:
    """Callback: leave the linked claims and show the whole filter again."""
    st.query_params.pop("claim", None)


st.title("Claims explorer")
linked = claim_ids_param(st.query_params.get("claim"))
if linked:
    stored = ui.load_claims()
    claims = stored[stored["claim_id"].isin(linked)]
    st.info(
        f"Showing the {len(claims)} claim(s) a link points to, whatever the sidebar filter.",
        icon=":material/link:",
    )
    st.button("Show every claim of the filter", on_click=_drop_link, icon=":material/close:")
else:
    claims = ui.view_claims()
if claims.empty and linked:
    st.warning("The linked claims are not in the store any more (a re-extraction replaced them).")
    st.stop()
if claims.empty:
    ui.nothing_found("claims")
    st.stop()

st.subheader("Death tolls by victims")
breakdown = victims.victims_breakdown(claims)
if breakdown.empty:
    st.caption("No death toll in this view.")
else:
    st.dataframe(breakdown, hide_index=True, width="stretch", key="victims-table")
    st.caption(
        "How many tolls each group has and the largest single claim. Deaths are not added: "
        "sources and places overlap. Filter by victims in the sidebar."
    )

st.subheader("Every claim")
left, right = st.columns([3, 1])
with left:
    text = ui.url_widget(
        "q",
        "claims_q",
        None,
        "",
        lambda: st.text_input(
            "Search sentences, places and sources",
            key="claims_q",
            placeholder="e.g. Homs shelling, or a source's name",
        ),
    )
with right:
    sort = ui.url_widget(
        "sort",
        "claims_sort",
        list(explorer.SORTS),
        "newest",
        lambda: st.selectbox(
            "Sort by", list(explorer.SORTS), format_func=str.capitalize, key="claims_sort"
        ),
    )
rows = ui.explorer_rows(tuple(linked))
table = explorer.sort_table(rows[explorer.search(rows, text or "")], sort)
shown = table.head(SHOWN_ROWS)
more = f", the first {SHOWN_ROWS:,} shown" if len(table) > len(shown) else ""
st.caption(
    f"{len(table):,} of {len(claims):,} claims{more}. **Sort by** orders every match, a click "
    "on a column header the rows shown; each row links to its sentence in the article and to "
    "the original article."
)
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    column_config=COLUMNS,
    column_order=[*explorer.FRONT, *(c for c in table.columns if c not in explorer.FRONT)],
    key="explorer",
)
st.download_button(
    f"CSV of the {len(table):,} claims found",
    data=lambda: export.frame_csv(table),
    file_name="syria-claims-search.csv",
    mime="text/csv",
    key="explorer-csv",
    on_click="ignore",
    icon=":material/table:",
)
st.markdown(
    "**Every claim of the filter, with every field** (each column is explained in the "
    "project's `docs/codebook.md`)"
)
whole = claims if not linked else ui.view_claims()
cols = st.columns(2, width=420)
for col, fmt in zip(cols, export.CLAIM_FORMATS, strict=True):
    col.download_button(
        f"All {len(whole):,} claims ({FORMAT_NAMES[fmt]})",
        data=lambda f=fmt: export.claims_bytes(whole, ui.load_articles(), f),
        file_name=f"syria-claims.{fmt}",
        mime=export.MIME[fmt],
        key=f"explorer-full-{fmt}",
        on_click="ignore",
        icon=":material/download:",
    )
