"""Articles: each article's text with the claims found in it highlighted, and the list of them."""

import streamlit as st

import ui
from lib import charts, highlight

claims = ui.view_claims()
articles = ui.articles_with_claims(claims)
st.title("Articles")
if articles.empty:
    ui.nothing_found("articles with claims")
    st.stop()

article = ui.pick_article(articles)
st.subheader(ui.escape(ui.article_title(article)))
st.caption(ui.escape(ui.article_byline(article, with_title=False)))
# The filter picks articles; an article's text shows all its claims, not the filtered ones.
everything = ui.load_claims()
mine = everything[everything["article_id"] == article["article_id"]]
focus = ui.focused_claim(mine)
st.markdown(highlight.legend_html(), unsafe_allow_html=True)
st.html(highlight.highlight_html(article["text"], highlight.spans_from_claims(mine), focus))

st.subheader(f"What was found: {len(mine)} claims")
in_filter = int((claims["article_id"] == article["article_id"]).sum())
if in_filter < len(mine):
    st.caption(f"{in_filter} of them match the current filters; all are highlighted and listed.")
table = charts.claims_table(mine).sort_values(["claim_type", "date"])
ui.claims_dataframe(table, key="article-claims")
ui.csv_button(table, f"article-{article['article_id']}-claims", key="article-csv")
