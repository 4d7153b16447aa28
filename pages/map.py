"""Province map: deaths or events per governorate, town markers, click a governorate to filter."""

import streamlit as st

import ui
from lib import charts

BUTTONS = {"best": "Best", "low": "Lowest", "high": "Highest", "events": "Events"}

claims = ui.view_claims()
st.title("Province map")
if claims.empty:
    ui.nothing_found("claims")  # the empty map still shows below: the country, no values

left, right = st.columns([3, 2])
metric = (
    left.segmented_control(
        "Colour governorates by deaths (best value, lowest or highest claim) or events",
        list(charts.METRICS),
        format_func=BUTTONS.get,
        key="map_metric",
        default="best",
    )
    or "best"
)
sources = ["All sources", *sorted(claims["source"].dropna().unique())]
choice = right.selectbox("Whose numbers", sources, key="map_source")
source = None if choice == "All sources" else choice

claims, period = ui.map_period(claims)
fig, values = ui.map_view(claims, metric, source, period)
ui.show_chart(fig, "syria-map", key="map", on_select=lambda: ui.select_province("map"))
ui.selected_claims_link("map")
st.caption(
    "Click a governorate to filter every page to it. Grey: no claim for this filter. "
    "Best: the largest best value any one source gives; "
    "lowest/highest: the smallest lower and largest upper bound claimed. Only claims dated to "
    "a day and placed in one governorate are coloured; nationwide and multi-province counts "
    "are in the timeline and Who says what."
)
if values.empty:
    st.info(f"No {charts.METRICS[metric].lower()} placed in a governorate for this filter.")
else:
    st.subheader("Values on the map")
    st.dataframe(ui.governorate_table(values), hide_index=True, width="stretch")
csv_rows = ui.view_rows("map", claims, metric, source)
ui.csv_button(csv_rows, "syria-map-claims", key="map-csv")
