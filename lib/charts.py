"""Plotly figures for the dashboard and the exports, built from analytics frames.

Why one module: the page, the modebar download, the server-side PNG/SVG and the CLI export
must all show the same figure. Everything here draws offline: the map is a MapLibre trace on
the tile-less "white-bg" style with marker-only (no text) layers, so no tile, style or font is
ever requested. Colours are the Okabe-Ito palette (safe for the common colour-vision
deficiencies), and each source also gets its own marker symbol so colour is never the only cue.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib import comparison, series
from lib.geography import GOVERNORATES, boundaries_geojson

# Okabe & Ito (2008), yellow last: it is hard to read on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")
# Single-hue sequential scale: ordered by lightness, readable without hue discrimination.
SEQUENTIAL = [[0.0, "#FDD0A2"], [0.5, "#F16913"], [1.0, "#7F2704"]]
NO_DATA_COLOUR = "#E5E8EC"
MAP_CREDIT = "Made with Natural Earth.<br>Places: GeoNames (CC BY 4.0)."
SYRIA_CENTER = {"lat": 34.85, "lon": 38.9}
SYRIA_ZOOM = 5.45
FONT = {"family": "Arial, Helvetica, sans-serif", "size": 13, "color": "#1F2933"}

QUALIFIER_WORDS = {
    "exact": "",
    "at_least": "at least ",
    "more_than": "more than ",
    "about": "about ",
    "up_to": "up to ",
}


def count_phrase(qualifier: object, deaths: object, low: object = None, high: object = None) -> str:
    """A death count the way the source qualified it: "at least 54", "24-99 (vague)"."""

    def num(value: object) -> str:
        return f"{int(value):,}"

    if deaths is not None and not pd.isna(deaths):
        return f"{QUALIFIER_WORDS.get(str(qualifier), '')}{num(deaths)}"
    has_low = low is not None and not pd.isna(low)
    has_high = high is not None and not pd.isna(high)
    if has_low and has_high:
        return f"{num(low)}-{num(high)} (vague)"
    if has_low:
        return f"at least {num(low)}"
    return "unknown number"


def wrap(text: object, width: int = 70) -> str:
    """Escape untrusted text for a plotly label and wrap it with <br> so tooltips stay narrow."""
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    lines = textwrap.wrap(str(text), width)
    return "<br>".join(html.escape(line, quote=False) for line in lines)


def source_styles(sources: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Colour and marker symbol per source, stable for a given list of all known sources.

    Pass every source in the data (not just the filtered ones) so a source keeps its colour
    when filters change.
    """
    ordered = sorted({str(s) for s in sources})
    return {
        s: (PALETTE[i % len(PALETTE)], SYMBOLS[(i // len(PALETTE)) % len(SYMBOLS)])
        for i, s in enumerate(ordered)
    }


def image_config(
    filename: str, fmt: str = "png", width: int = 1200, height: int = 800, scale: int = 2
) -> dict:
    """Plotly config for st.plotly_chart: the modebar camera saves `fmt` with a file name and size.

    plotly.js has one image button, so the format is a parameter the page lets the user pick.
    """
    return {
        "displaylogo": False,
        "toImageButtonOptions": {
            "format": fmt,
            "filename": filename,
            "width": width,
            "height": height,
            "scale": scale,
        },
    }


def _layout(fig: go.Figure, title: str, subtitle: str | None = None, height: int = 520) -> None:
    """Shared look: a title that states what is shown, a subtitle for units and caveats."""
    fig.update_layout(
        title={"text": title, "subtitle": {"text": subtitle or ""}, "x": 0.01, "xanchor": "left"},
        font=FONT,
        height=height,
        margin={"l": 10, "r": 10, "t": 80, "b": 40},
        paper_bgcolor="white",
        plot_bgcolor="white",
        hoverlabel={"align": "left", "bgcolor": "white", "font": {"size": 12}},
        legend={"title": {"text": "Source"}},
    )


def province_map(
    values: pd.DataFrame,
    markers: pd.DataFrame,
    geojson: dict,
    names: dict[str, str],
    title: str,
    metric_label: str,
    styles: dict[str, tuple[str, str]] | None = None,
) -> go.Figure:
    """Choropleth of the 14 governorates plus town markers, drawn without tiles.

    `values`: one row per governorate with columns `governorate` (ISO code), `value` and
    `detail` (plain-text lines for the tooltip: who says what). Governorates missing from
    `values` are drawn grey ("no claims"), so the country's shape is always there.
    `markers`: town-level claims with `lat`, `lon`, `place`, `source`, `label` (number or
    event), `date`, `sentence` and `governorate`. `names`: ISO code -> display name.
    """
    styles = styles or source_styles(markers.get("source", pd.Series(dtype=str)))
    codes = list(names)
    fig = go.Figure()
    fig.add_trace(
        go.Choroplethmap(
            geojson=geojson,
            locations=codes,
            z=[0] * len(codes),
            colorscale=[[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]],
            showscale=False,
            marker={"line": {"color": "white", "width": 1}},
            text=[names[c] for c in codes],
            hovertemplate="<b>%{text}</b><br>no claims for this filter<extra></extra>",
            name="no claims",
            showlegend=False,
        )
    )
    shown = values[values["value"].notna()] if len(values) else values
    if len(shown):
        fig.add_trace(
            go.Choroplethmap(
                geojson=geojson,
                locations=shown["governorate"].tolist(),
                z=shown["value"].astype(float).tolist(),
                colorscale=SEQUENTIAL,
                zmin=0,
                marker={"line": {"color": "white", "width": 1}, "opacity": 0.9},
                colorbar={"title": {"text": metric_label}, "thickness": 14, "len": 0.6},
                customdata=[
                    [names.get(c, c), wrap(d, 60)]
                    for c, d in zip(shown["governorate"], shown["detail"], strict=True)
                ],
                hovertemplate=(
                    "<b>%{customdata[0]}</b><br>"
                    + html.escape(metric_label)
                    + ": %{z:,}<br>%{customdata[1]}<extra></extra>"
                ),
                name=metric_label,
                showlegend=False,
            )
        )
    for source, group in markers.groupby("source", sort=True) if len(markers) else []:
        colour, _ = styles.get(source, (PALETTE[0], "circle"))
        fig.add_trace(
            go.Scattermap(
                lat=group["lat"],
                lon=group["lon"],
                mode="markers",
                marker={"size": 13, "color": colour},
                name=str(source),
                showlegend=True,
                # The last field is the governorate: clicking a town filters to it.
                customdata=[
                    [wrap(p), wrap(lbl), wrap(d), wrap(s), wrap(source), _text(g)]
                    for p, lbl, d, s, g in zip(
                        group["place"],
                        group["label"],
                        group["date"],
                        group["sentence"],
                        group["governorate"],
                        strict=True,
                    )
                ],
                hovertemplate=(
                    "<b>%{customdata[0]}</b> · %{customdata[2]}<br>%{customdata[1]}"
                    "<br>Source: %{customdata[4]}<br><i>%{customdata[3]}</i><extra></extra>"
                ),
            )
        )
    _layout(fig, title, f"{metric_label}. Markers: place-level claims by source.", height=560)
    fig.update_layout(
        map={"style": "white-bg", "center": SYRIA_CENTER, "zoom": SYRIA_ZOOM},
        legend={"orientation": "h", "x": 0, "y": 0, "yanchor": "top"},
        margin={"l": 10, "r": 10, "t": 80, "b": 50},
        annotations=[
            {
                "text": MAP_CREDIT,
                "xref": "paper",
                "yref": "paper",
                "x": 1,
                "y": 0.01,
                "xanchor": "right",
                "yanchor": "bottom",
                "showarrow": False,
                "align": "right",
                "font": {"size": 10, "color": "#52606D"},
            }
        ],
    )
    return fig


def _range_text(low: float, best: float, high: float, unbounded: bool) -> str:
    """An aggregated count as text: "6", "≥ 20", "24–99 (best 50)"."""
    if unbounded:
        return f"≥ {int(low):,}" if low == best else f"≥ {int(low):,} (best {int(best):,})"
    if low == high:
        return f"{int(best):,}"
    return f"{int(low):,}–{int(high):,} (best {int(best):,})"


def source_totals(daily: pd.DataFrame) -> pd.DataFrame:
    """Each source's deaths per governorate over the period, from `series.daily_deaths` rows.

    Within one source and day: victims groups and restatements of one place are not added
    (max), distinct towns are added, and a governorate-level count and its towns' sum are not
    added either (max). Days are then added up per source. Sources are never added together.
    Columns: governorate, source, low, best, high (bounded value or best), unbounded (bool).
    """
    cols = ["governorate", "source", "low", "best", "high", "unbounded"]
    rows = daily[daily["level"].isin(("governorate", "town")) & daily["governorate"].notna()]
    if rows.empty:
        return pd.DataFrame(columns=cols)
    rows = rows.assign(
        unbounded=rows["high"].isna(),
        high=rows["high"].fillna(rows["best"]),
        place=rows["place"].fillna(rows["governorate"]),
    )
    rows = rows.astype({"low": "float64", "best": "float64", "high": "float64"})
    day_keys = ["date", "governorate", "source", "level"]
    per_place = rows.groupby([*day_keys, "place"], dropna=False).agg(
        low=("low", "max"),
        best=("best", "max"),
        high=("high", "max"),
        unbounded=("unbounded", "any"),
    )
    per_level = per_place.groupby(day_keys, dropna=False).agg(
        low=("low", "sum"),
        best=("best", "sum"),
        high=("high", "sum"),
        unbounded=("unbounded", "any"),
    )
    per_day = per_level.groupby(["date", "governorate", "source"]).agg(
        low=("low", "max"),
        best=("best", "max"),
        high=("high", "max"),
        unbounded=("unbounded", "any"),
    )
    totals = per_day.groupby(["governorate", "source"]).agg(
        low=("low", "sum"),
        best=("best", "sum"),
        high=("high", "sum"),
        unbounded=("unbounded", "any"),
    )
    return totals.reset_index()[cols]


def death_map_values(daily: pd.DataFrame, metric: str, source: str | None = None) -> pd.DataFrame:
    """Map values per governorate: one source's total, or across sources without adding them.

    Across sources, `low` is the smallest lower bound any source gives, `best` the largest best
    value and `high` the largest upper bound: the map shows the spread of what is claimed.
    Columns: governorate, value, detail (each source's figure, for the tooltip).
    """
    totals = source_totals(daily)
    if source is not None:
        totals = totals[totals["source"] == source]
    if totals.empty:
        return pd.DataFrame(columns=["governorate", "value", "detail"])
    how = {"low": "min", "best": "max", "high": "max"}[metric]
    out = []
    for code, group in totals.groupby("governorate", sort=True):
        detail = "; ".join(
            f"{r.source}: {_range_text(r.low, r.best, r.high, r.unbounded)}"
            for r in group.sort_values("best", ascending=False).itertuples()
        )
        out.append({"governorate": code, "value": group[metric].agg(how), "detail": detail})
    return pd.DataFrame(out)


def event_map_values(events: pd.DataFrame) -> pd.DataFrame:
    """Event claims per governorate from `series.event_counts` rows, with types and sources."""
    rows = events[events["governorate"].notna()]
    out = []
    for code, group in rows.groupby("governorate", sort=True):
        types = group.groupby("event_type")["n_claims"].sum().sort_values(ascending=False)
        sources = sorted({s for joined in group["sources"] for s in str(joined).split("; ") if s})
        detail = ", ".join(f"{t.replace('_', ' ')} {n}" for t, n in types.items())
        detail += "; reported by " + ", ".join(sources)
        out.append({"governorate": code, "value": int(group["n_claims"].sum()), "detail": detail})
    return pd.DataFrame(out, columns=["governorate", "value", "detail"])


def claim_what(row: dict) -> str:
    """What one claim says, in a few words: "at least 20 deaths", "shelling", a topic."""
    if row["claim_type"] == "death_toll":
        count = count_phrase(row["qualifier"], row["deaths"], row["deaths_low"], row["deaths_high"])
        if row.get("cumulative"):
            return f"{count} deaths since {_day(row['date_start'], None) or 'an unknown date'}"
        return f"{count} deaths"
    if row["claim_type"] == "event":
        return str(row.get("event_type") or "event").replace("_", " ")
    topic = row.get("topic")
    return f"statement on {topic}" if isinstance(topic, str) else "statement"


def town_markers(claims: pd.DataFrame) -> pd.DataFrame:
    """Place-level claims with coordinates, ready for `province_map` markers."""
    rows = claims[claims["lat"].notna() & claims["lon"].notna()]
    records = rows.to_dict("records")
    return pd.DataFrame(
        {
            "lat": [r["lat"] for r in records],
            "lon": [r["lon"] for r in records],
            "place": [r["place"] for r in records],
            "source": [r["source"] for r in records],
            "label": [claim_what(r) for r in records],
            "date": [claim_day(r) for r in records],
            "sentence": [r["sentence"] for r in records],
            "governorate": [r["governorate"] for r in records],
        }
    )


def claim_day(row: dict) -> str:
    """The day a claim is about (a running total: the day it is "as of"), else its report date."""
    day = row["date_end"] if row.get("cumulative") else row["date_start"]
    return _day(day, row["published"])


def compact(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    """A smaller copy for the overview: a short title, the legend below, no subtitle, range
    slider or subplot titles, and a map zoomed out to fit half a page."""
    small = go.Figure(fig)
    small.update_layout(height=height, title_text=title, title_subtitle_text="", margin={"t": 50})
    small.update_layout(legend={"orientation": "h", "x": 0, "y": -0.08, "yanchor": "top"})
    if small.layout.map.zoom is not None:
        small.update_layout(map_zoom=SYRIA_ZOOM - 0.9, legend_y=0)
    small.update_xaxes(rangeslider_visible=False)
    small.layout.annotations = [a for a in small.layout.annotations if a.text == MAP_CREDIT]
    return small


def _text(value: object, default: str = "") -> str:
    """A nullable text cell as a string (pd.NA and None become `default`)."""
    return default if value is None or pd.isna(value) else str(value)


def _day(value: object, fallback: object) -> str:
    day = value if value is not None and not pd.isna(value) else fallback
    return pd.Timestamp(day).date().isoformat() if day is not None and not pd.isna(day) else ""


def _error_bars(frame: pd.DataFrame) -> tuple[dict, list[str]]:
    """Error bars from low to high around best; unbounded highs get no upper bar."""
    best = frame["best"].astype("float64")
    low = frame["low"].astype("float64").fillna(best)
    high = frame["high"].astype("float64")
    bounds = [
        f"≥ {int(lo):,}, no upper bound" if pd.isna(hi) else f"{int(lo):,}–{int(hi):,}"
        for lo, hi in zip(low, high, strict=True)
    ]
    bars = {
        "type": "data",
        "symmetric": False,
        "array": (high - best).fillna(0).clip(lower=0).tolist(),
        "arrayminus": (best - low).clip(lower=0).tolist(),
        "thickness": 1.5,
        "width": 4,
    }
    return bars, bounds


def _daily_points(fig: go.Figure, daily: pd.DataFrame, styles: dict) -> None:
    """One marker trace per source, bounds as error bars, sources side by side on a day.

    Each source is nudged a fraction of the visible span left or right of its day, so two
    sources on one day stand next to each other instead of on top (and are never stacked).
    """
    sources = sorted(daily["source"].unique())
    days = pd.to_datetime(daily["date"])
    span = max(days.max() - days.min(), pd.Timedelta(days=7)) if len(days) else pd.Timedelta(0)
    step = span * 0.012
    for i, source in enumerate(sources):
        group = daily[daily["source"] == source]
        colour, symbol = styles.get(source, (PALETTE[0], "circle"))
        bars, bounds = _error_bars(group)
        place = group["place"].fillna("Syria (nationwide)").map(wrap)
        day_text = pd.to_datetime(group["date"]).dt.strftime("%Y-%m-%d")
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(group["date"]) + step * (i - (len(sources) - 1) / 2),
                y=group["best"].astype("float64"),
                mode="markers",
                name=str(source),
                legendgroup=str(source),
                marker={
                    "color": colour,
                    "symbol": symbol,
                    "size": 11,
                    "line": {"width": 1, "color": "white"},
                },
                error_y={**bars, "color": colour},
                customdata=list(zip(place, bounds, day_text, strict=True)),
                hovertemplate=(
                    f"<b>{wrap(source)}</b><br>%{{customdata[2]}} · %{{customdata[0]}}<br>"
                    "best %{y:,} deaths (range %{customdata[1]})<extra></extra>"
                ),
            ),
            row=1,
            col=1,
        )


def _event_markers(fig: go.Figure, events: pd.DataFrame, row: int) -> None:
    """One marker row per event type; marker size grows with the number of claims."""
    for event_type, group in events.groupby("event_type", sort=True):
        label = str(event_type).replace("_", " ")
        fig.add_trace(
            go.Scatter(
                x=group["date"],
                y=[label] * len(group),
                mode="markers",
                marker={
                    "size": 8 + 4 * group["n_claims"].astype(float),
                    "color": "#52606D",
                    "symbol": "diamond-tall",
                    "opacity": 0.8,
                },
                showlegend=False,
                customdata=list(
                    zip(
                        group["place"].fillna("Syria").map(wrap),
                        group["sources"].map(wrap),
                        group["n_claims"],
                        strict=True,
                    )
                ),
                hovertemplate=(
                    f"<b>{wrap(label)}</b> · %{{x|%Y-%m-%d}}<br>%{{customdata[0]}}"
                    "<br>%{customdata[2]} claim(s) by %{customdata[1]}<extra></extra>"
                ),
            ),
            row=row,
            col=1,
        )


def timeline_figure(
    daily: pd.DataFrame, events: pd.DataFrame | None, styles: dict, level_label: str
) -> go.Figure:
    """Daily deaths by source (side by side, never summed), over an event strip if `events`.

    `daily`: `series.daily_deaths` rows of one level; `events`: `series.event_counts` rows,
    or None for the deaths alone (the overview's small chart).
    """
    if events is None:
        fig = make_subplots(rows=1, cols=1)
    else:
        strip = 40 + 26 * events["event_type"].nunique()  # one readable row per event type
        fig = make_subplots(
            rows=2,
            cols=1,
            shared_xaxes=True,
            row_heights=[360 / (360 + strip), strip / (360 + strip)],
            vertical_spacing=0.1,
            subplot_titles=("", "Events reported per day (marker size: number of claims)"),
        )
        _event_markers(fig, events, row=2)
        fig.update_xaxes(rangeslider={"visible": True, "thickness": 0.06}, row=2, col=1)
    _daily_points(fig, daily, styles)
    _layout(
        fig,
        f"Deaths reported per day, by source ({level_label})",
        "Deaths (people). One marker per source and place; a bar spans the source's lower "
        "and upper bound. Sources are never added together.",
        height=420 if events is None else 560 + 26 * events["event_type"].nunique(),
    )
    fig.update_layout(hovermode="closest")
    fig.update_yaxes(title_text="Deaths", rangemode="tozero", row=1, col=1)
    if events is not None:
        fig.update_yaxes(dtick=1, row=2, col=1)  # label every event type
    days = daily["date"] if events is None else pd.concat([daily["date"], events["date"]])
    fig.update_xaxes(type="date", showgrid=True, gridcolor="#EEF1F4", range=_day_range(days))
    return fig


def _day_range(days: pd.Series) -> list[str] | None:
    """An x range at least a week wide, so one or two days do not stretch to hours."""
    days = pd.to_datetime(days).dropna()
    if days.empty:
        return None
    start, end = days.min(), days.max()
    pad = max(pd.Timedelta(days=3), (end - start) * 0.05)
    return [(start - pad).isoformat(), (end + pad).isoformat()]


def cumulative_figure(totals: pd.DataFrame, styles: dict) -> go.Figure:
    """Reported running totals as their own panel: each point is one source's stated total."""
    fig = go.Figure()
    totals = totals.assign(
        since_text=totals["since"].dt.strftime("%Y-%m-%d").fillna("?"),
        as_of_text=totals["as_of"].dt.strftime("%Y-%m-%d"),
    )
    for source, group in totals.groupby("source", sort=True):
        colour, symbol = styles.get(source, (PALETTE[0], "circle"))
        bars, bounds = _error_bars(group)
        fig.add_trace(
            go.Scatter(
                x=group["as_of_text"],
                y=group["best"].astype("float64"),
                mode="markers",
                name=str(source),
                marker={"color": colour, "symbol": symbol, "size": 12},
                error_y={**bars, "color": colour},
                customdata=list(zip(group["since_text"], bounds, strict=True)),
                hovertemplate=(
                    f"<b>{wrap(source)}</b><br>as of %{{x}}, since "
                    "%{customdata[0]}<br>%{y:,} deaths (range %{customdata[1]})"
                    "<extra></extra>"
                ),
            )
        )
    _layout(
        fig,
        "Running totals as reported (deaths since the start of the conflict)",
        "Each point is one source's stated total on its report date; never added to the "
        "daily counts.",
        height=420,
    )
    fig.update_layout(scattermode="group", scattergap=0.5)
    fig.update_yaxes(title_text="Deaths (total)", rangemode="tozero", tickformat=",")
    fig.update_xaxes(type="category", categoryorder="category ascending", title_text="As of")
    return fig


def comparison_matrix(questions: pd.DataFrame, answers: pd.DataFrame) -> pd.DataFrame:
    """Questions x sources: each cell is the source's answer (number or position) as displayed.

    The first columns say what the question is, how much sources disagree and, in `answers`,
    every source's answer on one line so a dispute reads at a glance however many sources.
    """
    cell = answers.assign(
        text=answers["display"].where(answers["display"].notna(), answers["position"])
    )
    cell["text"] = cell["text"].fillna(cell["event_type"].str.replace("_", " "))
    matrix = cell.pivot_table(
        index="question_id",
        columns="source",
        values="text",
        aggfunc=lambda s: " / ".join(dict.fromkeys(str(v) for v in s if pd.notna(v))),
        sort=False,
    )
    busiest = (
        cell.groupby("source")["question_id"].nunique().sort_values(ascending=False, kind="stable")
    )
    matrix = matrix[[s for s in busiest.index if s in matrix.columns]]
    head = questions.set_index("question_id")[["question", "n_sources"]].copy()
    head["disagreement"] = [disagreement_label(q) for q in questions.to_dict("records")]
    short = cell["text"].map(lambda t: textwrap.shorten(str(t), 40, placeholder="…"))
    head["answers"] = (cell["source"] + ": " + short).groupby(cell["question_id"]).agg(" · ".join)
    return head.join(matrix, suffixes=("", " (source)")).reset_index()


def disagreement_label(question: dict) -> str:
    """How a question's answers relate, in words a reader can scan."""
    if question["n_sources"] < 2:
        return "one source"
    if question["contradiction"]:
        return "contradiction"
    ratio = question.get("ratio")
    if ratio is not None and not pd.isna(ratio) and ratio > 1:
        return f"differ ×{ratio:.1f}"
    return "agree"


DISAGREEMENT_COLOURS = {"contradiction": "#F4C7C3", "differ": "#FCE8B2"}


def disagreement_colour(label: str) -> str | None:
    """Background for a disagreement label (light red: contradiction, amber: spread)."""
    return next((c for k, c in DISAGREEMENT_COLOURS.items() if label.startswith(k)), None)


def style_comparison(matrix: pd.DataFrame) -> pd.io.formats.style.Styler:
    """Colour whole rows by disagreement so disputed questions stand out in st.dataframe."""

    def row_style(row: pd.Series) -> list[str]:
        colour = disagreement_colour(str(row["disagreement"]))
        return [f"background-color: {colour}" if colour else ""] * len(row)

    return matrix.style.apply(row_style, axis=1)


def comparison_figure(matrix: pd.DataFrame) -> go.Figure:
    """The who-says-what matrix as a table figure, for PNG/SVG export."""
    names = {
        "question": "Question",
        "n_sources": "Sources",
        "disagreement": "Disagreement",
        "answers": "What each source says",
    }
    shown = matrix[list(names)].fillna("").rename(columns=names)
    fills = [disagreement_colour(str(v)) or "white" for v in shown["Disagreement"]]
    widths = {names["answers"]: 90, names["question"]: 30}
    cells = [[wrap(v, widths.get(c, 14)) for v in shown[c]] for c in shown.columns]
    row_lines = [max(1 + str(v).count("<br>") for v in row) for row in zip(*cells, strict=True)]
    fig = go.Figure(
        go.Table(
            columnwidth=[2.2, 0.7, 1.1, 5],
            header={
                "values": [f"<b>{wrap(c, 30)}</b>" for c in shown.columns],
                "fill_color": "#E4E7EB",
                "align": "left",
            },
            cells={
                "values": cells,
                "height": 26,
                "fill_color": [fills] * len(shown.columns),
                "align": "left",
            },
        )
    )
    _layout(
        fig,
        "Who says what: each source's answer per question",
        "Red: answers cannot all be true. Amber: sources' numbers differ.",
        height=160 + sum(max(26, 20 * lines + 8) for lines in row_lines),
    )
    return fig


METRICS = {
    "best": "Deaths, best value",
    "low": "Deaths, lowest claim",
    "high": "Deaths, highest claim",
    "events": "Event claims",
}
LEVEL_LABELS = {
    "national": "nationwide",
    "multi_governorate": "over several governorates",
    "governorate": "per governorate",
    "town": "per town",
    "unlocated": "place not given",
}


def claims_table(claims: pd.DataFrame) -> pd.DataFrame:
    """The claims as a reader sees them (and as CSV exports them): who, what, where, when, why."""
    records = claims.to_dict("records")
    return pd.DataFrame(
        {
            "date": [claim_day(r) for r in records],
            "source": claims["source"].to_numpy(),
            "source_kind": claims["source_kind"].to_numpy(),
            "claim": [claim_what(r) for r in records],
            "place": claims["place"].to_numpy(),
            "governorate": [
                GOVERNORATES.get(g, "") if isinstance(g, str) else "" for g in claims["governorate"]
            ],
            "sentence": claims["sentence"].to_numpy(),
            "claim_type": claims["claim_type"].to_numpy(),
            "qualifier": claims["qualifier"].to_numpy(),
            "deaths": claims["deaths"].to_numpy(),
            "deaths_low": claims["deaths_low"].to_numpy(),
            "deaths_high": claims["deaths_high"].to_numpy(),
            "victims": claims["victims"].to_numpy(),
            "cumulative": claims["cumulative"].to_numpy(),
            "event_type": claims["event_type"].to_numpy(),
            "perpetrator": claims["perpetrator"].to_numpy(),
            "perpetrator_text": claims["perpetrator_text"].to_numpy(),
            "topic": claims["topic"].to_numpy(),
            "published": [_day(r["published"], None) for r in records],
            "corrected": claims["corrected"].to_numpy(),
            "article_id": claims["article_id"].to_numpy(),
            "claim_id": claims["claim_id"].to_numpy(),
        }
    )


def map_view(
    claims: pd.DataFrame, metric: str = "best", source: str | None = None
) -> tuple[go.Figure, pd.DataFrame]:
    """The province map for a filtered claim frame, and the per-governorate values it shows."""
    styles = source_styles(claims["source"].dropna())
    if metric == "events":
        values = event_map_values(
            series.event_counts(claims if source is None else claims[claims["source"] == source])
        )
    else:
        values = death_map_values(series.daily_deaths(claims), metric, source)
    shown = claims[claims["claim_type"] == ("event" if metric == "events" else "death_toll")]
    shown = shown if source is None else shown[shown["source"] == source]
    who = f"according to {source}" if source else "spread across sources"
    fig = province_map(
        values,
        town_markers(shown),
        boundaries_geojson(),
        GOVERNORATES,
        f"{METRICS[metric]} per governorate, {who}",
        METRICS[metric],
        styles,
    )
    return fig, values


def timeline_levels(daily: pd.DataFrame) -> list[str]:
    """Levels present in a daily series, most aggregated first."""
    present = set(daily["level"])
    return [lvl for lvl in series.LEVELS if lvl in present]


def timeline_view(
    claims: pd.DataFrame, level: str | None = None, events: bool = True
) -> tuple[go.Figure, go.Figure, pd.DataFrame]:
    """Daily figure at one level (default: the most aggregated present), totals panel, and rows."""
    styles = source_styles(claims["source"].dropna())
    daily = series.daily_deaths(claims)
    levels = timeline_levels(daily)
    level = level if level in levels else (levels[0] if levels else "national")
    rows = daily[daily["level"] == level]
    strip = series.event_counts(claims) if events else None
    fig = timeline_figure(rows, strip, styles, LEVEL_LABELS[level])
    return fig, cumulative_figure(series.cumulative_totals(claims), styles), rows


def comparison_view(
    claims: series.Claims, limit: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, int]:
    """Who says what for filtered claims (a frame or a coded store view): the `limit` most
    disputed questions, their answers, questions x sources, and how many questions there are."""
    result = comparison.compare(claims, limit=limit)
    matrix = comparison_matrix(result.questions, result.answers)
    return result.questions, result.answers, matrix, result.total_questions


def source_headlines(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per source that reports deaths: its kind and every toll it gives, largest first.

    Tolls are listed, not added: a source's "54 nationwide" and "6 in Idlib" overlap.
    """
    tolls = claims[claims["claim_type"] == "death_toll"]
    rows = []
    for source, group in tolls.groupby("source", sort=True):
        group = group.sort_values(["cumulative", "deaths_low"], ascending=[True, False])
        listed = [
            f"{claim_what(r)} ({_text(r['place'], 'place not given')}, {claim_day(r)})"
            for r in group.to_dict("records")
        ]
        rows.append(
            {
                "source": source,
                "kind": str(group["source_kind"].iloc[0]).replace("_", " "),
                "death tolls reported": "; ".join(listed),
            }
        )
    return pd.DataFrame(rows, columns=["source", "kind", "death tolls reported"])
