"""Timeline: daily deaths by source with bounds, event markers, and reported running totals."""

import streamlit as st

from lib import charts, export, series
from pages import ui

claims = ui.view_claims()
st.title("Timeline")
if claims.empty:
    ui.nothing_found("claims")
    st.stop()

view = ui.store_view()
levels = charts.timeline_levels(series.daily_deaths(view))
level = st.segmented_control(
    "Death counts given",
    levels,
    format_func=charts.LEVEL_LABELS.get,
    key="timeline_level",
    default=levels[0] if levels else None,
)
daily_fig, totals_fig, rows = ui.timeline_view(claims, level)
if rows.empty:
    st.info("No death toll dated to a single day matches the current filters.")
ui.show_chart(
    daily_fig,
    "syria-deaths-per-day",
    key="timeline",
    on_select=lambda: ui.remember_clicked_claims("timeline"),
)
ui.selected_claims_link("timeline")

totals = series.cumulative_totals(view)
if totals.empty:
    st.info('No running totals ("since March 2011") match the current filters.')
else:
    ui.show_chart(totals_fig, "syria-running-totals", key="totals")

undated = series.undated_deaths(view)
if len(undated):
    st.subheader("Death tolls not dated to a single day")
    st.dataframe(undated, hide_index=True, width="stretch")

ui.csv_button(export.view_rows("timeline", claims), "syria-timeline-claims", key="timeline-csv")
