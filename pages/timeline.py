"""Timeline: daily deaths by source with bounds, event markers, and reported running totals."""

import streamlit as st

import ui
from lib import charts, series

claims = ui.view_claims()
st.title("Timeline")
if claims.empty:
    ui.nothing_found("claims")
    st.stop()

view = ui.store_view()
daily = series.daily_deaths(view)
levels = charts.timeline_levels(daily)
level = st.segmented_control(
    "Death counts given",
    levels,
    format_func=charts.LEVEL_LABELS.get,
    key="timeline_level",
    default=charts.implied_level(levels, ui.current_filter().governorates),
)
period = (
    st.segmented_control(
        "Deaths per",
        list(charts.PERIOD_WORDS),
        format_func=str.capitalize,
        key="timeline_period",
        default=charts.default_period(daily["date"]),
    )
    or "day"
)
daily_fig, totals_fig, rows = ui.timeline_view(claims, level, period=period)
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

csv_rows = ui.view_rows("timeline", claims, level=level)
ui.csv_button(csv_rows, "syria-timeline-claims", key="timeline-csv")
