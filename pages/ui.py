"""Rendering glue shared by every page: data loading, sidebar filters in the URL, charts, downloads.

No business logic here: filtering, series, comparison and figures come from lib/. What lives
here is Streamlit state: caching, widgets, the query string and download buttons.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import charts, export
from lib.claims import CLAIM_TYPES, EVENT_TYPES, SOURCE_KINDS
from lib.filters import ClaimFilter
from lib.geography import GOVERNORATES
from lib.series import CodedClaims
from lib.store import ClaimStore, ensure_seeded, open_store

# URL key -> session_state key of the sidebar widget that edits it.
WIDGETS = {
    "province": "f_province",
    "source": "f_source",
    "kind": "f_kind",
    "type": "f_type",
    "event": "f_event",
}
DATES = "f_dates"
IMAGE_FORMAT = "f_image_format"
URL_KEYS = (*WIDGETS, "start", "end")


@st.cache_resource(show_spinner=False)
def _store(path: str | None) -> ClaimStore:
    """One store per database path, seeded on first use so a fresh install shows the seeds."""
    store = open_store(path)
    ensure_seeded(store)
    return store


def store() -> ClaimStore:
    """The store named by $SYRIA_CLAIMS_DB (read per call, so tests can point elsewhere)."""
    return _store(os.environ.get("SYRIA_CLAIMS_DB"))


@st.cache_data(show_spinner=False, ttl=2)
def _fingerprint(path: str | None) -> tuple[str, ...]:
    return store().fingerprint()


def _version() -> tuple[str, ...]:
    """The store's fingerprint: an ingest, a re-extraction or a review changes it.

    Asked of the database at most every 2 s (a query costs ~40 ms), not on every rerun.
    """
    return _fingerprint(os.environ.get("SYRIA_CLAIMS_DB"))


# One frame per data version shared by every session (cache_resource): st.cache_data would
# hand each rerun of each session its own unpickled copy of every claim and article text.
# Callers never modify these frames (pandas copy-on-write keeps derived frames apart).
@st.cache_resource(show_spinner=False, ttl=300, max_entries=2)
def _claims(path: str | None, version: tuple[str, ...]) -> pd.DataFrame:
    return store().claims()


@st.cache_resource(show_spinner=False, ttl=300, max_entries=2)
def _articles(path: str | None, version: tuple[str, ...]) -> pd.DataFrame:
    return store().articles()


def load_claims() -> pd.DataFrame:
    """Every accepted claim with corrections applied."""
    return _claims(os.environ.get("SYRIA_CLAIMS_DB"), _version())


def load_articles() -> pd.DataFrame:
    """Every stored article (id, title, text, published, outlet, url, path)."""
    return _articles(os.environ.get("SYRIA_CLAIMS_DB"), _version())


def current_filter() -> ClaimFilter:
    """The filter the sidebar (drawn by dashboard.py before the page) describes."""
    if "claim_filter" not in st.session_state:
        _rerun_through_entry_point()
    return st.session_state["claim_filter"]


def _rerun_through_entry_point() -> None:
    """Run the page again through dashboard.py when Streamlit ran it on its own.

    Streamlit treats a `pages/` folder as a legacy multipage app until `st.navigation` is first
    called in the process: the first visitor of a deep link (/map) after a start-up gets the
    page script alone, without the sidebar filters. Leave that mode and rerun.
    """
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def view_claims() -> pd.DataFrame:
    """The claims the current filter keeps."""
    return current_filter().apply(load_claims())


@st.cache_resource(show_spinner=False, max_entries=2)
def _coded_store(path: str | None, version: tuple[str, ...]) -> CodedClaims:
    """Every claim of one store version, coded once and shared by all sessions and pages."""
    return CodedClaims(_claims(path, version))


def store_view() -> CodedClaims:
    """The current filter's view of the coded store, for lib.series and lib.comparison.

    Gives the same frames as `view_claims()` would, but narrows the shared coded store
    instead of copying rows and coding them again on every rerun (docs/analytics.md).
    """
    coded = _coded_store(os.environ.get("SYRIA_CLAIMS_DB"), _version())
    return current_filter().view(coded)


def data_token() -> str:
    """Which data the views show: the database path and its fingerprint (an ingest, a
    re-extraction or a review changes it), so a cached view never outlives its data."""
    return "|".join((os.environ.get("SYRIA_CLAIMS_DB") or "", *_version()))


def _view_token() -> str:
    return f"{data_token()}|{filter_key(current_filter())}"


@st.cache_data(show_spinner=False, max_entries=64)
def _map_view(_claims: pd.DataFrame, token: str, metric: str, source: str | None):
    return charts.map_view(_claims, metric, source)


@st.cache_data(show_spinner=False, max_entries=64)
def _timeline_view(_claims: pd.DataFrame, token: str, level: str | None, events: bool):
    return charts.timeline_view(_claims, level, events)


@st.cache_data(show_spinner=False, max_entries=64)
def _comparison_view(_view: CodedClaims, token: str, limit: int | None):
    return charts.comparison_view(_view, limit)


def map_view(claims: pd.DataFrame, metric: str, source: str | None):
    """`charts.map_view` of the filtered claims, cached per data version and filter."""
    return _map_view(claims, _view_token(), metric, source)


def timeline_view(claims: pd.DataFrame, level: str | None, events: bool = True):
    """`charts.timeline_view` of the filtered claims, cached per data version and filter."""
    return _timeline_view(claims, _view_token(), level, events)


def comparison_view(limit: int | None):
    """Who says what for the current filter (the `limit` most disputed questions, answers,
    questions x sources, number of questions), from the coded store view, cached per data
    version, filter and limit."""
    return _comparison_view(store_view(), _view_token(), limit)


def _data_span(claims: pd.DataFrame) -> tuple[dt.date, dt.date]:
    """First and last day any claim is about or was published on."""
    days = pd.concat([claims["date_start"], claims["date_end"], claims["published"]]).dropna()
    if days.empty:
        today = dt.date.today()
        return today, today
    return days.min().date(), days.max().date()


def _init_from_url(span: tuple[dt.date, dt.date]) -> None:
    """Seed the sidebar widgets from the query string once per session (a shared link).

    The URL is parsed by ClaimFilter, which drops invalid values and normalises codes
    ("sy-id" -> "SY-ID"), so the widgets only ever hold valid options.
    """
    url = ClaimFilter.from_query_params({k: st.query_params.get_all(k) for k in URL_KEYS})
    for state_key, values in (
        (WIDGETS["province"], url.governorates),
        (WIDGETS["source"], url.sources),
        (WIDGETS["kind"], url.source_kinds),
        (WIDGETS["type"], url.claim_types),
        (WIDGETS["event"], url.event_types),
    ):
        st.session_state.setdefault(state_key, sorted(values))
    start = url.start or span[0]
    end = url.end or max(span[1], start)
    st.session_state.setdefault(DATES, (start, end))


def reset_filters() -> None:
    """Callback of the reset button: clear the widgets and the filter part of the URL."""
    for key in (*WIDGETS.values(), DATES):
        st.session_state.pop(key, None)
    for key in URL_KEYS:
        st.query_params.pop(key, None)


def _write_url(params: dict[str, list[str]]) -> None:
    """Mirror the filter into the query string, leaving page-specific keys alone."""
    for key in URL_KEYS:
        values = params.get(key, [])
        if values and st.query_params.get_all(key) != values:
            st.query_params[key] = values
        elif not values and key in st.query_params:
            del st.query_params[key]


def sidebar_filter() -> ClaimFilter:
    """Draw the shared sidebar filters and return the filter they describe (also put in the URL)."""
    claims = load_claims()
    span = _data_span(claims)
    _init_from_url(span)
    sources = sorted(set(claims["source"].dropna()) | set(st.session_state[WIDGETS["source"]]))
    start, end = st.session_state[DATES] if len(st.session_state[DATES]) == 2 else span
    with st.sidebar:
        st.header("Filters")
        st.date_input(
            "Dates the claims are about",
            key=DATES,
            min_value=min(span[0], start),
            max_value=max(span[1], end),
            help="A claim is kept when the period it is about overlaps these dates.",
        )
        st.multiselect(
            "Governorates",
            options=list(GOVERNORATES),
            format_func=lambda code: GOVERNORATES.get(code, code),
            key=WIDGETS["province"],
            placeholder="All 14 governorates",
        )
        st.multiselect("Sources", sources, key=WIDGETS["source"], placeholder="All sources")
        st.multiselect(
            "Kinds of source",
            SOURCE_KINDS,
            format_func=_humanise,
            key=WIDGETS["kind"],
            placeholder="All kinds",
        )
        st.multiselect(
            "Claim types",
            CLAIM_TYPES,
            format_func=_humanise,
            key=WIDGETS["type"],
            placeholder="Death tolls, events and statements",
        )
        st.multiselect(
            "Event types",
            EVENT_TYPES,
            format_func=_humanise,
            key=WIDGETS["event"],
            placeholder="All event types",
        )
        st.button("Reset filters", on_click=reset_filters, icon=":material/restart_alt:")
        st.caption("The address bar keeps these filters: copy the link to share this view.")
        st.radio(
            "Camera button (chart toolbar) saves",
            ("png", "svg"),
            format_func=str.upper,
            key=IMAGE_FORMAT,
            horizontal=True,
        )
    params = {k: list(st.session_state[w]) for k, w in WIDGETS.items()}
    dates = st.session_state[DATES]
    if len(dates) == 2 and tuple(dates) != span:
        params["start"], params["end"] = [dates[0].isoformat()], [dates[1].isoformat()]
    _write_url(params)
    return ClaimFilter.from_query_params(params)


def _humanise(value: str) -> str:
    return value.replace("_", " ").capitalize()


def filter_key(flt: ClaimFilter) -> tuple:
    """A hashable, order-independent cache key for a filter."""
    return tuple(sorted((k, tuple(sorted(v))) for k, v in _as_lists(flt).items()))


def _as_lists(flt: ClaimFilter) -> dict[str, list[str]]:
    return {
        k: [v] if isinstance(v, str) else list(v) for k, v in flt.to_query_params().items() if v
    }


def link_params(flt: ClaimFilter, **extra: str) -> str:
    """Query string that reproduces the current filter plus page keys, for in-app links."""
    pairs = [(k, v) for k, vs in _as_lists(flt).items() for v in vs] + list(extra.items())
    return urlencode(pairs)


def select_province(chart_key: str) -> None:
    """on_select callback of the maps: a clicked governorate becomes the province filter."""
    selection = st.session_state[chart_key].selection
    codes = sorted(
        code
        for code in {_clicked_governorate(p) for p in selection.get("points", [])}
        if code in GOVERNORATES
    )
    if codes:
        st.session_state[WIDGETS["province"]] = codes


def _clicked_governorate(point: dict) -> str | None:
    """A governorate's code from a clicked map shape, or from a town marker's last field."""
    return point.get("location") or (point.get("customdata") or [None])[-1]


def show_chart(
    fig: go.Figure,
    name: str,
    key: str,
    on_select: Callable[[], None] | None = None,
) -> None:
    """A chart with its modebar export configured and server-side PNG/SVG buttons below it."""
    fmt = st.session_state.get(IMAGE_FORMAT, "png")
    kwargs = {"on_select": on_select, "selection_mode": "points"} if on_select else {}
    st.plotly_chart(fig, key=key, config=charts.image_config(name, fmt), **kwargs)
    image_buttons(fig, name, key)


def image_buttons(fig: go.Figure, name: str, key: str) -> None:
    """PNG and SVG rendered on the server by kaleido on click; an explanation without Chromium."""
    problem = export.image_export_problem()
    if problem:
        st.caption(f"Server-side image export is off: {problem} The chart toolbar's camera works.")
        return
    cols = st.columns(2, width=360)
    for col, fmt in zip(cols, ("png", "svg"), strict=True):
        col.download_button(
            f"{fmt.upper()} image",
            data=lambda f=fmt: export.figure_bytes(fig, f),
            file_name=f"{name}.{fmt}",
            mime=export.MIME[fmt],
            key=f"{key}-{fmt}",
            on_click="ignore",
            icon=":material/download:",
        )


def csv_button(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV of exactly the rows on screen, with sources and sentences."""
    st.download_button(
        f"CSV of these {len(frame)} rows",
        data=export.frame_csv(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=key,
        on_click="ignore",
        icon=":material/table:",
    )


def nothing_found(what: str) -> None:
    """Say plainly that the filter leaves nothing, and how to get data back."""
    st.info(f"No {what} match the current filters. Widen the dates or press **Reset filters**.")


CLAIM_COLUMNS = {
    "date": st.column_config.TextColumn("Date", width="small"),
    "source": st.column_config.TextColumn("Source", width="medium"),
    "claim": st.column_config.TextColumn("Claim", width="medium"),
    "place": st.column_config.TextColumn("Place", width="small"),
    "sentence": st.column_config.TextColumn("Sentence", width="large"),
    "source_kind": st.column_config.TextColumn("Kind of source"),
    "governorate": st.column_config.TextColumn("Governorate"),
}


def claims_dataframe(table: pd.DataFrame, key: str) -> None:
    """The claims table with the readable columns first; the rest scroll to the right."""
    st.dataframe(table, hide_index=True, width="stretch", column_config=CLAIM_COLUMNS, key=key)


def governorate_table(values: pd.DataFrame) -> pd.DataFrame:
    """Map values with governorate names, largest first."""
    out = values.assign(governorate=values["governorate"].map(lambda c: GOVERNORATES.get(c, c)))
    out = out.rename(columns={"value": "value on map", "detail": "each source says"})
    return out.sort_values("value on map", ascending=False)


def show_answers(selection, matrix: pd.DataFrame, answers: pd.DataFrame) -> None:
    """The sentences behind a selected who-says-what row or cell, each linking to its article."""
    cells = selection.get("cells", [])
    rows = selection.get("rows", [])
    if cells:
        row, column = cells[0]
    elif rows:
        row, column = rows[0], None
    else:
        st.caption("Showing the first question. Select a row or a cell to see another.")
        row, column = 0, None
    question_id = matrix.iloc[int(row)]["question_id"]
    shown = answers[answers["question_id"] == question_id]
    if column in set(shown["source"]):
        shown = shown[shown["source"] == column]
    st.subheader(str(shown["question"].iloc[0]) if len(shown) else "No answer in this cell")
    for answer in shown.to_dict("records"):
        value = answer["display"] if isinstance(answer["display"], str) else answer["position"]
        st.markdown(f"**{escape_markdown(answer['source'])}**: {escape_markdown(str(value))}")
        st.markdown(f"> {escape_markdown(answer['sentence'])}")
        st.page_link(
            "pages/articles.py",
            label="Read it in the article",
            icon=":material/article:",
            query_params={
                "article": answer["article_id"],
                "claim": answer["claim_ids"].split(",")[0],
            },
        )


def escape_markdown(text: object) -> str:
    """Untrusted text shown through st.markdown: no markup, links or HTML."""
    return "".join("\\" + ch if ch in "\\`*_{}[]()#+-.!|<>~$" else ch for ch in str(text))


def articles_with_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Stored articles that have at least one claim under the current filter, newest first."""
    articles = load_articles()
    kept = articles[articles["article_id"].isin(set(claims["article_id"]))]
    return kept.sort_values("published", ascending=False)


def pick_article(articles: pd.DataFrame) -> pd.Series:
    """Article selector that follows ?article= (a link from Who says what) and writes it back."""
    ids = articles["article_id"].tolist()
    wanted = st.query_params.get("article")
    if wanted in ids and wanted != st.session_state.get("article_seen"):
        st.session_state["article_pick"] = wanted
    st.session_state["article_seen"] = wanted
    if st.session_state.get("article_pick") not in ids:
        st.session_state["article_pick"] = ids[0]
    labels = dict(zip(ids, (article_byline(a) for a in articles.to_dict("records")), strict=True))
    picked = st.selectbox("Article", ids, format_func=labels.get, key="article_pick")
    if st.query_params.get("article") != picked:
        st.query_params["article"] = picked
        st.session_state["article_seen"] = picked
    return articles.set_index("article_id", drop=False).loc[picked]


def focused_claim(claims: pd.DataFrame) -> str | None:
    """The claim named by ?claim= (a Who-says-what link), announced above the text; else None."""
    wanted = st.query_params.get("claim")
    chosen = claims[claims["claim_id"] == wanted]
    if chosen.empty:
        return None
    row = chosen.iloc[0].to_dict()
    st.info(
        f"**{escape_markdown(row['source'])}**: {escape_markdown(charts.claim_what(row))}. "
        "It is outlined in the text below.",
        icon=":material/format_quote:",
    )
    return str(wanted)


def article_byline(article, with_title: bool = True) -> str:
    """Title, outlet and publication date of an article, for a selector or caption."""
    published = article["published"]
    day = f"{published:%d %b %Y}" if not pd.isna(published) else "date unknown"
    outlet = article["outlet"] if isinstance(article["outlet"], str) else "outlet unknown"
    title = article["title"] if isinstance(article["title"], str) else "(untitled)"
    return f"{title} · {outlet} · {day}" if with_title else f"{outlet} · {day}"
