"""Who says what: each source's answer to the same question, side by side, disputes first."""

import streamlit as st

import ui
from lib import charts

SHOWN = {"100 most disputed": 100, "500 most disputed": 500, "2,000 most disputed": 2000,
         "all": None}  # fmt: skip

st.title("Who says what")
st.caption(
    "One row per question (a count for one day and place, a running total, or a topic). "
    "Red rows: the answers cannot all be true. Amber: the numbers differ. "
    "Select a cell to read the sentence behind it."
)
if not ui.store_view().selected.any():
    ui.nothing_found("claims")
    st.stop()

shown = st.session_state.get("questions_shown", next(iter(SHOWN)))
questions, answers, matrix, total = ui.comparison_view(SHOWN[shown])
if questions.empty:
    ui.nothing_found("questions")
    st.stop()
if total > next(iter(SHOWN.values())):
    st.selectbox("Questions shown", list(SHOWN), key="questions_shown")
    st.caption(f"Showing {len(questions):,} of {total:,} questions, most disputed first.")

event = st.dataframe(
    charts.style_comparison(matrix.drop(columns=["question_id"]).fillna("")),
    hide_index=True,
    width="stretch",
    on_select="rerun",
    selection_mode=["single-cell", "single-row"],
    key="comparison",
    column_config={
        "question": st.column_config.TextColumn("Question", pinned=True),
        "n_sources": st.column_config.NumberColumn("Sources"),
        "disagreement": st.column_config.TextColumn("Disagreement"),
        "answers": st.column_config.TextColumn("Side by side", width="large"),
    },
)
ui.show_answers(event.selection, matrix, answers)
ui.csv_button(answers, "syria-who-says-what", key="comparison-csv")
with st.expander("Export the table as an image"):
    table_image = charts.stamp(
        charts.comparison_figure(matrix), charts.filter_caption(ui.current_filter())
    )
    ui.image_buttons(table_image, "syria-who-says-what", "comparison-img")
