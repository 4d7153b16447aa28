"""Entry point: `streamlit run dashboard.py`. Navigation with stable URL paths and shared filters.

The sidebar filters are drawn here, before the page runs, so every page sees the same filter
and it survives switching pages; pages read it from `st.session_state["claim_filter"]`.
"""

from pathlib import Path

import streamlit as st

import ui
from ui.errors import store_guard

st.set_page_config(
    page_title="Syria conflict claims",
    page_icon=str(Path(__file__).parent / "static" / "favicon.png"),
    layout="wide",
    initial_sidebar_state="expanded",
)

pages = [
    st.Page(
        "pages/overview.py",
        title="Overview",
        icon=":material/dashboard:",
        url_path="",
        default=True,
    ),
    st.Page("pages/map.py", title="Province map", icon=":material/map:", url_path="map"),
    st.Page("pages/timeline.py", title="Timeline", icon=":material/timeline:", url_path="timeline"),
    st.Page(
        "pages/who-says-what.py",
        title="Who says what",
        icon=":material/forum:",
        url_path="who-says-what",
    ),
    st.Page(
        "pages/claims.py", title="Claims explorer", icon=":material/table_rows:", url_path="claims"
    ),
    st.Page("pages/articles.py", title="Articles", icon=":material/article:", url_path="articles"),
    st.Page(
        "pages/review.py", title="Review claims", icon=":material/rate_review:", url_path="review"
    ),
]

page = st.navigation(pages)
with store_guard():
    st.session_state["claim_filter"] = ui.sidebar_filter()
    page.run()
