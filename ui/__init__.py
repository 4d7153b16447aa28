"""Rendering glue shared by every page: data loading, sidebar filters in the URL, charts, downloads.

No business logic here: filtering, series, comparison and figures come from lib/. What lives
here is Streamlit state: caching, widgets, the query string and download buttons.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from lib import charts, explorer, export, periods
from lib.claims import CLAIM_TYPES, EVENT_TYPES, PERPETRATORS, SOURCE_KINDS, VICTIMS
from lib.corrected import with_notes
from lib.filters import ClaimFilter
from lib.geography import GOVERNORATES
from lib.links import referenced_claims
from lib.series import CodedClaims
from lib.store import ClaimStore, ensure_seeded, open_store
from lib.victims import victims_label
from ui.errors import escape

# URL key -> session_state key of the sidebar widget that edits it.
WIDGETS = {
    "province": "f_province",
    "source": "f_source",
    "kind": "f_kind",
    "type": "f_type",
    "event": "f_event",
    "victims": "f_victims",
    "perpetrator": "f_perpetrator",
}
DATES = "f_dates"
AUTO_DATES = "f_dates_auto"  # the span the date widget was given automatically, else None
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
    with store().session() as one:  # one wait for a busy file, not two
        return with_notes(one.claims(), one.corrections())


@st.cache_resource(show_spinner=False, ttl=300, max_entries=2)
def _articles(path: str | None, version: tuple[str, ...]) -> pd.DataFrame:
    return store().articles()


def load_claims() -> pd.DataFrame:
    """Every accepted claim with corrections applied, and a `correction` note saying what a
    reviewer changed and why (null when nothing was)."""
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


@st.cache_data(show_spinner=False, ttl=300, max_entries=4)
def _source_styles(path: str | None, version: tuple[str, ...]) -> dict[str, tuple[str, str]]:
    return charts.source_styles(_claims(path, version)["source"].dropna())


def source_styles() -> dict[str, tuple[str, str]]:
    """Each source's colour and symbol from the whole store: the same under every filter."""
    return _source_styles(os.environ.get("SYRIA_CLAIMS_DB"), _version())


@st.cache_data(show_spinner=False, max_entries=64)
def _map_view(_claims: pd.DataFrame, token: str, metric: str, source: str | None):
    return charts.map_view(_claims, metric, source, source_styles())


@st.cache_data(show_spinner=False, max_entries=64)
def _timeline_view(_claims: pd.DataFrame, token: str, level: str | None, events: bool, period: str):
    flt = current_filter()
    return charts.timeline_view(
        _claims, level, events, source_styles(), flt.governorates, period, (flt.start, flt.end)
    )


@st.cache_data(show_spinner=False, max_entries=64)
def _comparison_view(_view: CodedClaims, token: str, limit: int | None):
    return charts.comparison_view(_view, limit)


@st.cache_data(show_spinner=False, max_entries=64)
def _view_rows(
    _claims: pd.DataFrame, token: str, view: str, metric: str, source: str | None, level: str | None
) -> pd.DataFrame:
    governorates = current_filter().governorates
    return export.view_rows(view, _claims, metric, source, level, load_articles(), governorates)


def view_rows(
    view: str,
    claims: pd.DataFrame,
    metric: str = "best",
    source: str | None = None,
    level: str | None = None,
) -> pd.DataFrame:
    """`export.view_rows` (what a view's CSV holds, with article title, outlet and URL) of the
    filtered claims, cached per data version and filter."""
    return _view_rows(claims, _view_token(), view, metric, source, level)


def map_view(
    claims: pd.DataFrame, metric: str, source: str | None, period: periods.Period | None = None
):
    """`charts.map_view` of the filtered claims (of one `period`, when the map shows one, which
    its title then names), cached per data version, filter and period."""
    fig, values = _map_view(claims, f"{_view_token()}|{period}", metric, source)
    if period is not None:
        fig.update_layout(title_text=f"{fig.layout.title.text}, {period.title}")
    return fig, values


def timeline_view(
    claims: pd.DataFrame, level: str | None, events: bool = True, period: str = "day"
):
    """`charts.timeline_view` of the filtered claims, cached per data version and filter; the
    x axis spans the filter's dates."""
    return _timeline_view(claims, _view_token(), level, events, period)


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
        (WIDGETS["victims"], url.victims),
        (WIDGETS["perpetrator"], url.perpetrators),
    ):
        st.session_state.setdefault(state_key, sorted(values))
    start = url.start or span[0]
    end = url.end or max(span[1], start)
    if DATES not in st.session_state:
        st.session_state[DATES] = (start, end)
        # Dates from a link are the user's choice; otherwise they follow the data.
        st.session_state[AUTO_DATES] = None if url.start or url.end else span


def _follow_data(span: tuple[dt.date, dt.date]) -> None:
    """Widen the date filter to new data (an upload, an ingest) unless the user chose dates.

    The widget holds the span it was given automatically until the user moves it; while it
    does, a change of the data's span moves it too, so new articles are never hidden.
    """
    auto = st.session_state.get(AUTO_DATES)
    if auto is None or tuple(st.session_state[DATES]) != tuple(auto):
        return
    if tuple(auto) != span:
        st.session_state[DATES] = span
        st.session_state[AUTO_DATES] = span


def show_all_dates() -> None:
    """Callback: drop the date bounds, back to the data's whole span (and following it)."""
    st.session_state.pop(DATES, None)
    for key in ("start", "end"):
        st.query_params.pop(key, None)


def _hidden_by_dates(flt: ClaimFilter) -> int:
    """How many claims the other filters keep but the dates leave out."""
    if flt.start is None and flt.end is None:
        return 0
    coded = _coded_store(os.environ.get("SYRIA_CLAIMS_DB"), _version())
    undated = dataclasses.replace(flt, start=None, end=None)
    return int(undated.view(coded).selected.sum() - flt.view(coded).selected.sum())


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
    _follow_data(span)
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
        st.multiselect(
            "Victims of death tolls",
            VICTIMS,
            format_func=victims_label,
            key=WIDGETS["victims"],
            placeholder="Civilians, security forces, rebels, all",
            help="Restricts death tolls only; events and statements record no victims.",
        )
        st.multiselect(
            "Alleged perpetrators",
            PERPETRATORS,
            format_func=_humanise,
            key=WIDGETS["perpetrator"],
            placeholder="Anyone (as each source tells it)",
            help="Who did the killing according to the claim's own source; narrows death "
            "tolls and events. Unknown: the source names no one.",
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
    flt = ClaimFilter.from_query_params(params)
    if hidden := _hidden_by_dates(flt):
        st.sidebar.warning(
            f"{hidden:,} claim(s) fall outside these dates.", icon=":material/date_range:"
        )
        st.sidebar.button("Show all dates", on_click=show_all_dates, key="widen-dates")
    return flt


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
    remember_clicked_claims(chart_key)
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
    fig = charts.stamp(fig, charts.filter_caption(current_filter()))  # saved images say it too
    st.plotly_chart(fig, key=key, config=charts.image_config(name, fmt), **kwargs)
    image_buttons(fig, name, key)


def image_buttons(fig: go.Figure, name: str, key: str) -> None:
    """PNG and SVG rendered on the server by kaleido on click; an explanation without Chromium.

    `fig` should be stamped with the filter (`show_chart` does it)."""
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
    **{key: st.column_config.Column(label) for key, label in charts.COLUMN_LABELS.items()},
    "date": st.column_config.TextColumn("Date", width="small"),
    "source": st.column_config.TextColumn("Source", width="medium"),
    "claim": st.column_config.TextColumn(
        "Claim", width="medium", help="✎: corrected by a reviewer"
    ),
    "correction": st.column_config.TextColumn(
        "Correction", help="what a reviewer changed, and why"
    ),
    "place": st.column_config.TextColumn("Place", width="small"),
    "sentence": st.column_config.TextColumn("Sentence", width="large"),
    "url": st.column_config.TextColumn("URL"),  # text: an article's URL is untrusted
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
    st.subheader(escape(shown["question"].iloc[0]) if len(shown) else "No answer in this cell")
    notes = load_claims().set_index("claim_id")["correction"].dropna()
    for answer in shown.to_dict("records"):
        value = answer["display"] if isinstance(answer["display"], str) else answer["position"]
        st.markdown(f"**{escape_markdown(answer['source'])}**: {escape_markdown(str(value))}")
        for cid in str(answer["claim_ids"]).split(","):
            if cid in notes.index:
                st.caption(escape(notes[cid]))
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
        explorer_link(answer["claim_ids"].split(","))


escape_markdown = escape


def filtered_articles(articles: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """The articles with a claim under the sidebar filter (all of them when nothing is
    filtered, or when the page runs outside dashboard.py and has no filter)."""
    flt = st.session_state.get("claim_filter")
    if flt is None or flt.is_empty:
        return articles
    kept = set(flt.apply(claims)["article_id"])
    return articles[articles["article_id"].isin(kept)]


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
    return f"{article_title(article)} · {outlet} · {day}" if with_title else f"{outlet} · {day}"


def article_title(article) -> str:
    """An article's title, else its file name, else "(untitled)": titles are optional."""
    for field in ("title", "path"):
        value = article.get(field)
        if isinstance(value, str) and value.strip():
            return value
    return "(untitled)"


PERIOD_UNITS = {"all": "Whole filter", "week": "By week", "month": "By month"}


def url_widget(
    param: str,
    key: str,
    options: list[str] | tuple[str, ...] | None,
    default: str | None,
    draw: Callable[[], str | None],
) -> str | None:
    """A page widget (`draw` makes it with `key`) that follows and writes the URL key `param`
    (e.g. `q`, `sort`, `period`), so a shared link shows the same view.

    The URL's value goes into the widget only when the URL changed since this function last
    wrote it (a pasted link), never over what the user just picked. `options` None means free
    text; a value outside `options` is ignored; the default is left out of the URL.
    """
    seen = f"{key}_url_seen"
    wanted = st.query_params.get(param)
    pasted = wanted is not None and wanted != st.session_state.get(seen)
    if pasted and (options is None or wanted in options):
        st.session_state[key] = wanted
    if options and st.session_state.get(key) not in options:
        st.session_state[key] = default or options[0]
    value = draw()
    if value is None or value == default:
        st.query_params.pop(param, None)
    elif st.query_params.get(param) != value:
        st.query_params[param] = value
    st.session_state[seen] = st.query_params.get(param)
    return value


def map_period(claims: pd.DataFrame) -> tuple[pd.DataFrame, periods.Period | None]:
    """Map over time: the whole filter, or one week or month picked on a slider.

    Both choices live in the URL (`every=week&period=2012-W14`), so a link shows the same
    frame. Returns the claims of the chosen period and the period (None: the whole filter).
    """
    unit = url_widget(
        "every",
        "map_every",
        list(PERIOD_UNITS),
        "all",
        lambda: (
            st.segmented_control(
                "Period shown", list(PERIOD_UNITS), format_func=PERIOD_UNITS.get, key="map_every"
            )
            or "all"
        ),
    )
    found = periods.periods(claims, unit) if unit != "all" else []
    if len(found) < 2:  # a slider needs two stops; one period is the whole filter
        st.query_params.pop("period", None)
        return claims, None
    titles = {p.label: p.title for p in found}
    label = url_widget(
        "period",
        "map_period",
        list(titles),
        None,
        lambda: st.select_slider(
            f"Move through the {len(found)} {unit}s of the filter",
            list(titles),
            format_func=titles.get,
            key="map_period",
        ),
    )
    period = periods.find_period(found, label)
    return period.apply(claims), period


def explorer_link(claim_ids: list[str], label: str = "See it in the claims explorer") -> None:
    """A link to the claims explorer showing these claims (a shareable `?claim=` URL)."""
    if claim_ids:
        st.page_link(
            "pages/claims.py",
            label=label,
            icon=":material/table_rows:",
            query_params={"claim": ",".join(claim_ids)},
        )


def remember_clicked_claims(chart_key: str) -> None:
    """on_select callback: keep the claims of the clicked points, which a click that filters
    the page (a marker selects its governorate) would otherwise clear with the selection."""
    points = st.session_state[chart_key].selection.get("points", [])
    st.session_state[f"{chart_key}_claims"] = referenced_claims(points)


def selected_claims_link(chart_key: str) -> None:
    """Under a chart: a link to the claims behind the clicked points, or how to get one."""
    ids = st.session_state.get(f"{chart_key}_claims")
    if ids:
        explorer_link(ids, f"Open the {len(ids)} clicked claim(s) in the claims explorer")
    else:
        st.caption("Click a point or marker to open its claims in the claims explorer.")


@st.cache_resource(show_spinner=False, max_entries=2)
def _explorer_table(path: str | None, version: tuple[str, ...]) -> pd.DataFrame:
    """The explorer's rows for every stored claim, built once per data version (read only)."""
    return explorer.explorer_table(_claims(path, version), _articles(path, version))


def explorer_rows(linked: tuple[str, ...] = ()) -> pd.DataFrame:
    """The explorer's rows of the current filter (or of the `linked` claims, whatever the
    filter): a mask over rows built once per data version, so a filter change costs a mask."""
    path = os.environ.get("SYRIA_CLAIMS_DB")
    table = _explorer_table(path, _version())
    claims = load_claims()
    keep = claims["claim_id"].isin(linked) if linked else current_filter().mask(claims)
    return table[keep.to_numpy(dtype=bool)]
