"""Overview: what the data covers and what the current filter shows, at a glance."""

import streamlit as st

import ui
from lib import charts

claims = ui.view_claims()
everything = ui.load_claims()
articles = ui.load_articles()

st.title("Syria conflict claims")
st.caption(
    "Every figure is a claim a named source made in a news article. Sources disagree: their "
    "numbers are shown side by side and never added together."
)
published = articles["published"].dropna()
cols = st.columns([1, 1, 1, 1.5])
shown_articles = claims["article_id"].nunique()
cols[0].metric("Articles with claims shown", f"{shown_articles} of {len(articles)}")
cols[1].metric("Claims shown", f"{len(claims)} of {len(everything)}")
cols[2].metric("Sources shown", claims["source"].nunique())
if len(published):
    first, last = published.min(), published.max()
    span = f"{first:%b}–{last:%b %Y}" if first.year == last.year else f"{first:%Y}–{last:%Y}"
    cols[3].metric("Articles published", span)

if claims.empty:
    ui.nothing_found("claims")
    st.stop()

st.subheader("Death tolls by source")
headlines = charts.source_headlines(claims)
if headlines.empty:
    st.info("No death tolls match the current filters.")
else:
    st.dataframe(headlines, hide_index=True, width="stretch")
    others = claims["source"].nunique() - len(headlines)
    st.caption(f"{others} other sources report only events or statements in this view.")

left, right = st.columns(2)
with left:
    fig, _ = ui.map_view(claims, "best", None)
    ui.show_chart(
        charts.compact(fig, "Deaths per governorate (best value)"),
        "syria-map-overview",
        key="overview-map",
        on_select=lambda: ui.select_province("overview-map"),
    )
with right:
    daily_fig, _, rows = ui.timeline_view(claims, None, events=False)
    level = charts.LEVEL_LABELS[rows["level"].iloc[0]] if len(rows) else "none dated to a day"
    ui.show_chart(
        charts.compact(daily_fig, f"Deaths per day, by source ({level})"),
        "syria-timeline-overview",
        key="overview-timeline",
    )

st.subheader("Latest claims and the sentences they come from")
table = charts.claims_table(claims, articles).sort_values(["published", "date"], ascending=False)
ui.claims_dataframe(table, key="overview-claims")
ui.csv_button(table, "syria-claims", key="overview-csv")
