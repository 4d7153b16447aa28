"""Plotly figures for the dashboard and the exports, built from analytics frames.

Why one module: the page, the modebar download, the server-side PNG/SVG and the CLI export
must all show the same figure. Everything here draws offline: the map is a MapLibre trace on
the tile-less "white-bg" style with marker-only (no text) layers, so no tile, style or font is
ever requested. Colours: Okabe-Ito, then Paul Tol's muted scheme (19 in all); each source
also gets its own marker symbol so colour is never the only cue. A source keeps its colour on
every page, filter and export: colours go to the store's sources by their number of claims,
not to the sources a filter happens to keep, and the tail beyond 19 shares "other sources".
"""

from __future__ import annotations

import html
import itertools
import math
import textwrap
from collections import Counter
from collections.abc import Iterable

import pandas as pd
import plotly.colors as pcolors
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from lib import comparison, series
from lib.corrected import MARK
from lib.geography import GOVERNORATES, boundaries_geojson
from lib.links import claim_ref

# Okabe & Ito (2008) without its yellow (hard to read on white), then Paul Tol's muted scheme.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000",
           "#332288", "#88CCEE", "#44AA99", "#117733", "#999933", "#DDCC77", "#CC6677",
           "#882255", "#AA4499", "#661100", "#6699CC", "#B2182B")  # fmt: skip
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")
OTHER_COLOUR = "#8A94A6"
OTHER_SOURCES = "other sources"
MARKER_EDGE = "#1F2933"  # a dark ring under each map marker keeps it visible on any fill
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


def legend_name(source: object) -> str:
    """A source name as a plotly legend entry: escaped, since plotly renders tags in names."""
    return html.escape(str(source), quote=False)


def source_styles(sources: Iterable[str]) -> dict[str, tuple[str, str]]:
    """Colour and marker symbol per source: the most frequent sources get distinct colours.

    Pass the source of every claim in the store (repeats count), not the filtered ones, so a
    source keeps its colour when filters change: sources are ranked by claims, then by name,
    and those beyond the palette share OTHER_COLOUR (see `legend_entry`).
    """
    counts = Counter(str(s) for s in sources)
    ranked = sorted(counts, key=lambda s: (-counts[s], s))
    return {
        s: (PALETTE[i], SYMBOLS[i % len(SYMBOLS)]) if i < len(PALETTE) else (OTHER_COLOUR, "circle")
        for i, s in enumerate(ranked)
    }


def legend_entry(source: object, styles: dict[str, tuple[str, str]]) -> tuple[str, str, str]:
    """(colour, symbol, escaped legend name) of a source; the tail is "other sources"."""
    colour, symbol = styles.get(str(source), (OTHER_COLOUR, "circle"))
    return colour, symbol, OTHER_SOURCES if colour == OTHER_COLOUR else legend_name(source)


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
    event), `date`, `sentence`, `governorate` and optionally `claim_id` (a clicked marker then
    links to its claim, `lib.links`). `names`: ISO code -> display name.
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
                zmax=max(1, math.ceil(shown["value"].max())),
                marker={"line": {"color": "white", "width": 1}, "opacity": 0.9},
                colorbar={
                    "title": {"text": metric_label},
                    "thickness": 14,
                    "len": 0.6,
                    **integer_ticks(shown["value"].max()),
                },
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
    _town_marker_traces(fig, marker_points(markers, styles))
    _layout(
        fig,
        title,
        f"{metric_label}. Markers: claims placed in a town, by source (larger: several claims; "
        "sources at one town are set side by side).",
        height=560,
    )
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


def integer_ticks(top: float) -> dict:
    """Colour bar ticks at whole numbers (1, 2 or 5 x 10^k apart): counts of people or claims
    are never fractional, even when a map has one value and plotly would tick 0.2, 0.4 ..."""
    top = max(1, math.ceil(top))
    step = next(
        m * 10**k for k in range(len(str(top)) + 1) for m in (1, 2, 5) if top / (m * 10**k) <= 5
    )
    return {"tickmode": "array", "tickvals": list(range(0, top + 1, step)), "tickformat": ",d"}


MARKER_SPREAD = 0.22  # degrees between the markers of several sources at one town (~10 px)
MAX_LISTED = 8  # claims listed in one marker's tooltip


def marker_points(markers: pd.DataFrame, styles: dict[str, tuple[str, str]]) -> pd.DataFrame:
    """One map marker per town and source, from `town_markers` rows.

    Several claims of a source at a town are one larger marker whose tooltip lists them all
    (up to MAX_LISTED, then how many more); several sources at one town are set on a small
    circle around it, so none hides another. Columns: lat, lon, legend, colour, size,
    n_claims, hover (escaped HTML), claim_ids (comma-separated: the explorer's link), governorate.
    """
    cols = ["lat", "lon", "legend", "colour", "size", "n_claims", "hover", "claim_ids",
            "governorate"]  # fmt: skip
    if markers.empty:
        return pd.DataFrame(columns=cols)
    out = []
    for (lat, lon), at_town in markers.groupby(["lat", "lon"], sort=True):
        sources = sorted(at_town["source"].astype(str).unique())
        for j, source in enumerate(sources):
            claims = at_town[at_town["source"].astype(str) == source]
            angle = 2 * math.pi * j / len(sources)
            radius = MARKER_SPREAD if len(sources) > 1 else 0.0
            colour, _, legend = legend_entry(source, styles)
            out.append(
                {
                    "lat": lat + radius * math.sin(angle),
                    "lon": lon + radius * math.cos(angle),
                    "legend": legend,
                    "colour": colour,
                    "size": 11 + 3 * min(len(claims) - 1, 4),
                    "n_claims": len(claims),
                    "hover": _marker_hover(claims, source),
                    "claim_ids": ",".join(claims.get("claim_id", pd.Series()).astype(str)),
                    "governorate": _text(claims["governorate"].iloc[0]),
                }
            )
    return pd.DataFrame(out, columns=cols)


def _marker_hover(claims: pd.DataFrame, source: str) -> str:
    """Tooltip of one marker: place, source, then each claim (date, what, sentence if one)."""
    place = wrap(claims["place"].iloc[0])
    n = len(claims)
    head = f"<b>{place}</b> · {wrap(source)}" + (f" · {n} claims" if n > 1 else "")
    lines = []
    for r in claims.head(MAX_LISTED).to_dict("records"):
        lines.append(f"{wrap(r['date'])}: {wrap(r['label'])}")
        if isinstance(r.get("correction"), str):
            lines.append(f"<i>{wrap(r['correction'])}</i>")
    if n > MAX_LISTED:
        lines.append(f"… and {n - MAX_LISTED} more (Articles page)")
    if n == 1:
        lines.append(f"<i>{wrap(claims['sentence'].iloc[0])}</i>")
    return "<br>".join([head, *lines])


def _town_marker_traces(fig: go.Figure, points: pd.DataFrame) -> None:
    """Dark rings, then one trace per legend entry: markers stay visible on any colour."""
    if points.empty:
        return
    fig.add_trace(
        go.Scattermap(
            lat=points["lat"],
            lon=points["lon"],
            mode="markers",
            marker={"size": points["size"] + 4, "color": MARKER_EDGE},
            hoverinfo="skip",
            showlegend=False,
            name="marker edges",
        )
    )
    for legend, group in points.groupby("legend", sort=True):
        fig.add_trace(
            go.Scattermap(
                lat=group["lat"],
                lon=group["lon"],
                mode="markers",
                marker={"size": group["size"], "color": group["colour"].iloc[0]},
                name=legend,
                showlegend=True,
                # The last field is the governorate: clicking a town filters to it.
                customdata=[
                    [h, claim_ref(c), g]
                    for h, c, g in zip(
                        group["hover"], group["claim_ids"], group["governorate"], strict=True
                    )
                ],
                hovertemplate="%{customdata[0]}<extra></extra>",
            )
        )


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
    """What one claim says, in a few words ("at least 20 deaths", "shelling", a topic), with
    the correction mark when a reviewer changed it."""
    what = _claim_what(row)
    return f"{what} {MARK}" if isinstance(row.get("correction"), str) else what


def _claim_what(row: dict) -> str:
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
    """Claims placed in a town (with coordinates), ready for `province_map` markers.

    A claim known only to its governorate is not a point: its coordinates are the
    governorate's centroid (Homs: in the desert), so it colours the governorate instead.
    """
    located = claims["lat"].notna() & claims["lon"].notna()
    if "geo_precision" in claims:
        located &= claims["geo_precision"].eq("town").fillna(False).astype(bool)
    rows = claims[located]
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
            "correction": [r.get("correction") for r in records],
            "claim_id": [r["claim_id"] for r in records],
        }
    )


def claim_day(row: dict) -> str:
    """The day a claim is about (a running total: the day it is "as of"), else its report date."""
    day = row["date_end"] if row.get("cumulative") else row["date_start"]
    return _day(day, row["published"])


def compact(fig: go.Figure, title: str, height: int = 420) -> go.Figure:
    """The overview's smaller version of `fig` (changed in place, as `stamp`: a copy of the
    map costs more than the rest of the page): a short title, the legend below, no subtitle
    or subplot titles, and a map zoomed out to fit half a page."""
    small = fig
    small.update_layout(height=height, title_text=title, title_subtitle_text="", margin={"t": 50})
    small.update_layout(legend={"orientation": "h", "x": 0, "yanchor": "top"})
    if small.layout.map.zoom is not None:
        small.update_layout(map_zoom=SYRIA_ZOOM - 0.9, legend_y=0)
    else:  # below the tick labels (a date axis writes the year on a second line), with room
        # for it in the bottom margin, so that `stamp` writes under the legend, not over it
        small.update_layout(legend_y=-0.2, margin_b=90)
    small.layout.annotations = [a for a in small.layout.annotations if a.text == MAP_CREDIT]
    return small


DATA_CREDIT = (
    "Claims extracted from news articles; each number is one source's claim, never added "
    "across sources. Boundaries: Natural Earth. Places: GeoNames (CC BY 4.0)."
)


def filter_caption(flt) -> str:
    """The filter in words, for a stamped image: governorates, period, sources and the rest.

    `flt` is a lib.filters.ClaimFilter (duck-typed: charts stays below filters)."""
    names = sorted(GOVERNORATES.get(g, g) for g in flt.governorates)
    period = (
        f"{flt.start or 'first claim'} to {flt.end or 'last claim'}"
        if flt.start or flt.end
        else "all dates"
    )
    parts = [
        f"Governorates: {', '.join(names) if names else 'all'}",
        f"Period: {period}",
        f"Sources: {', '.join(sorted(flt.sources)) if flt.sources else 'all'}",
    ]
    for label, values in (
        ("Kinds", flt.source_kinds),
        ("Claim types", flt.claim_types),
        ("Events", flt.event_types),
    ):
        if values:
            parts.append(f"{label}: {', '.join(humanise(v) for v in sorted(values))}")
    return " · ".join(parts)


def stamp(fig: go.Figure, caption: str) -> go.Figure:
    """`fig` with the filter and the data credit written under it, so a saved PNG or SVG says
    what it shows and where the data come from (the map keeps its own credit). Changes `fig`
    in place (copying a map's boundaries costs more than the rest of a rerun) and returns it."""
    out = fig
    bottom = (out.layout.margin.b or 40) + 46
    out.update_layout(margin={"b": bottom})
    lines = [wrap(caption, 160), wrap(DATA_CREDIT, 160)]
    out.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0,
        y=0,
        yshift=-bottom + 4,
        xanchor="left",
        yanchor="bottom",
        showarrow=False,
        align="left",
        font={"size": 10, "color": "#52606D"},
        name="stamp",
    )
    return out


def vector_map(fig: go.Figure) -> go.Figure:
    """The province map redrawn with plain SVG shapes (lon/lat on hidden axes), for SVG export.

    kaleido renders a MapLibre map as one raster image, so an "SVG" of it is a PNG in a
    wrapper. Here each governorate is a filled polygon coloured as on the map, each marker a
    scatter point, and the colour bar a hidden scatter's scale: every element stays vector.
    """
    out = go.Figure(layout=fig.layout)
    out.layout.map = None
    shapes = {f["id"]: f["geometry"] for f in boundaries_geojson()["features"]}
    for trace in fig.data:
        if trace.type == "choroplethmap":
            _vector_choropleth(out, trace, shapes)
        elif trace.type == "scattermap":
            out.add_trace(
                go.Scatter(
                    x=trace.lon, y=trace.lat, mode="markers", name=trace.name,
                    marker={"size": trace.marker.size, "color": trace.marker.color},
                    showlegend=trace.showlegend, hoverinfo="skip",
                )
            )  # fmt: skip
    lat = math.radians(SYRIA_CENTER["lat"])
    out.update_xaxes(visible=False, constrain="domain")
    out.update_yaxes(visible=False, scaleanchor="x", scaleratio=1 / math.cos(lat))
    out.update_layout(plot_bgcolor="white")
    return out


def _vector_choropleth(out: go.Figure, trace, shapes: dict) -> None:
    """One filled polygon per governorate of a choropleth trace, plus its colour bar."""
    z = list(trace.z)
    top = trace.zmax if trace.zmax is not None else max([*z, 1])
    scale = [list(step) for step in trace.colorscale]
    for code, value in zip(trace.locations, z, strict=True):
        colour = _colour_at(scale, 0.0 if not top else value / top)
        for ring in _rings(shapes.get(code)):
            out.add_trace(
                go.Scatter(
                    x=[p[0] for p in ring], y=[p[1] for p in ring], fill="toself",
                    fillcolor=colour, line={"color": "white", "width": 1}, mode="lines",
                    showlegend=False, hoverinfo="skip",
                )
            )  # fmt: skip
    if trace.showscale is not False and trace.colorbar.title.text:
        out.add_trace(
            go.Scatter(
                x=[None], y=[None], mode="markers", showlegend=False, hoverinfo="skip",
                marker={"color": [0, top], "cmin": 0, "cmax": top, "colorscale": scale,
                        "showscale": True, "colorbar": trace.colorbar.to_plotly_json()},
            )
        )  # fmt: skip


def _colour_at(scale: list, at: float) -> str:
    """The colour a plotly colour scale gives at `at` (0..1), as "rgb(r,g,b)"."""
    at = min(max(at, 0.0), 1.0)
    for (a, low), (b, high) in itertools.pairwise(scale):
        if a <= at <= b:
            t = 0.0 if b == a else (at - a) / (b - a)
            mixed = (lo + (hi - lo) * t for lo, hi in zip(_rgb(low), _rgb(high), strict=True))
            return "rgb({},{},{})".format(*(round(v) for v in mixed))
    return scale[-1][1]


def _rgb(colour: str) -> tuple[float, float, float]:
    return pcolors.hex_to_rgb(colour) if colour.startswith("#") else pcolors.unlabel_rgb(colour)


def _rings(geometry: dict | None) -> list[list]:
    """Outer rings of a GeoJSON Polygon or MultiPolygon (holes are not drawn)."""
    if not geometry:
        return []
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [polygon[0] for polygon in polygons]


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


def _daily_points(
    fig: go.Figure,
    daily: pd.DataFrame,
    styles: dict,
    row: int = 1,
    shown_legends: set | None = None,
) -> None:
    """One marker trace per source, bounds as error bars, sources side by side on a day.

    Each source is nudged a fraction of the visible span left or right of its day, so two
    sources on one day stand next to each other instead of on top (and are never stacked).
    `shown_legends` is shared by the panels of one figure: each source is in the legend once.
    """
    sources = sorted(daily["source"].unique())
    days = pd.to_datetime(daily["date"])
    span = max(days.max() - days.min(), pd.Timedelta(days=7)) if len(days) else pd.Timedelta(0)
    step = span * 0.012
    shown_legends = set() if shown_legends is None else shown_legends
    for i, source in enumerate(sources):
        group = daily[daily["source"] == source]
        colour, symbol, legend = legend_entry(source, styles)
        bars, bounds = _error_bars(group)
        place = list(map(_place_precision, group["place"], group["level"]))
        day_text = pd.to_datetime(group["date"]).dt.strftime("%Y-%m-%d")
        fig.add_trace(
            go.Scatter(
                x=pd.to_datetime(group["date"]) + step * (i - (len(sources) - 1) / 2),
                y=group["best"].astype("float64"),
                mode="markers",
                name=legend,
                legendgroup=legend,
                showlegend=legend not in shown_legends,
                marker={
                    "color": colour,
                    "symbol": symbol,
                    "size": 11,
                    "line": {"width": 1, "color": "white"},
                },
                error_y={**bars, "color": colour},
                customdata=list(
                    zip(place, bounds, day_text, group["claim_ids"].map(claim_ref), strict=True)
                ),
                hovertemplate=(
                    f"<b>{wrap(source)}</b><br>%{{customdata[2]}} · %{{customdata[0]}}<br>"
                    "best %{y:,} deaths (range %{customdata[1]})<extra></extra>"
                ),
            ),
            row=row,
            col=1,
        )
        shown_legends.add(legend)


# A series level as the location precision a reader knows (the claims' geo_precision).
LEVEL_PRECISION = {
    "national": "country",
    "multi_governorate": "several governorates",
    "governorate": "governorate",
    "town": "town",
    "unlocated": "place not given",
}


def _place_precision(place: object, level: str) -> str:
    """A hover's place with how precisely it is known: "Taftanaz (town)", "Syria (country)"."""
    name = _text(place, "Syria" if level == "national" else "")
    precision = LEVEL_PRECISION.get(level, level)
    return wrap(f"{name} ({precision})" if name else precision)


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
                        map(_place_precision, group["place"], group["level"]),
                        group["sources"].map(wrap),
                        group["n_claims"],
                        group["claim_ids"].map(claim_ref),
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


PANEL_HEIGHT = 150  # px per governorate in small multiples
PERIOD_WORDS = {"day": "per day", "week": "per week", "month": "per month"}


def default_period(dates: pd.Series) -> str:
    """Days for a few months of daily counts, weeks up to two years, months beyond: a
    readable number of points whatever the span (`dates`: `daily_deaths` dates)."""
    days = pd.to_datetime(dates).dropna()
    length = (days.max() - days.min()).days if len(days) else 0
    return "day" if length <= 92 else "week" if length <= 730 else "month"


def _facets(daily: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """(panel title, rows): one panel per governorate for governorate and town rows (small
    multiples read at any scale; one block of 14 provinces does not), else one panel."""
    if daily.empty or not daily["level"].isin(("governorate", "town")).all():
        return [("", daily)]
    return [
        (GOVERNORATES.get(code, code), group)
        for code, group in daily.groupby("governorate", sort=True)
    ]


def timeline_figure(
    daily: pd.DataFrame,
    events: pd.DataFrame | None,
    styles: dict,
    level_label: str,
    period: str = "day",
    span: tuple[object, object] | None = None,
) -> go.Figure:
    """Deaths by source (side by side, never summed) per day, week or month, over an event
    strip if `events`; governorate and town counts as one panel per governorate, with shared
    axes. `span`: the filter's first and last day, which the x axis covers.

    `daily`: `series.daily_deaths` rows of one level (`series.by_period` for weeks/months);
    `events`: `series.event_counts` rows, or None for the deaths alone (the overview).
    """
    facets = _facets(daily)
    strip = 0 if events is None else 40 + 26 * events["event_type"].nunique()
    panel = 360 if len(facets) == 1 else PANEL_HEIGHT
    heights = [panel] * len(facets) + ([strip] if strip else [])
    titles = [title for title, _ in facets]
    if strip:
        titles.append("Events reported per day (marker size: number of claims)")
    fig = make_subplots(
        rows=len(heights),
        cols=1,
        shared_xaxes=True,
        row_heights=[h / sum(heights) for h in heights],
        vertical_spacing=min(0.1, 0.3 / len(heights)),
        subplot_titles=titles if any(titles) else None,
    )
    shown: set[str] = set()
    for row, (_, rows) in enumerate(facets, start=1):
        _daily_points(fig, rows, styles, row, shown)
    if strip:
        _event_markers(fig, events, row=len(heights))
        fig.update_yaxes(dtick=1, row=len(heights), col=1)  # label every event type
    per = PERIOD_WORDS.get(period, "per day")
    _layout(
        fig,
        f"Deaths reported {per}, by source ({level_label})",
        "Deaths (people). One marker per source and place; a bar spans the source's lower "
        "and upper bound. Sources are never added together"
        + ("; a source's days are added within a week or month." if period != "day" else "."),
        height=(420 if events is None else 200) + sum(heights),
    )
    fig.update_layout(hovermode="closest", showlegend=True)  # a legend even for one source
    top = max([float(v) for v in daily["best"].dropna()] + [1.0]) if len(daily) else 1.0
    for row in range(1, len(facets) + 1):  # shared y: panels compare at a glance
        fig.update_yaxes(rangemode="tozero", range=[0, top * 1.15], row=row, col=1)
    fig.update_yaxes(title_text="Deaths", row=1, col=1)
    days = daily["date"] if events is None else pd.concat([daily["date"], events["date"]])
    bounds = [d for d in (span or ()) if d is not None]
    if bounds:
        days = pd.concat([pd.Series(pd.to_datetime(bounds)), pd.to_datetime(days)])
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
        colour, symbol, legend = legend_entry(source, styles)
        bars, bounds = _error_bars(group)
        fig.add_trace(
            go.Scatter(
                x=group["as_of_text"],
                y=group["best"].astype("float64"),
                mode="markers",
                name=legend,
                legendgroup=legend,
                showlegend=legend not in {t.name for t in fig.data},
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


def humanise(value: object) -> str:
    """A coded value as words ("state_media" -> "state media"); null -> ""."""
    return "" if value is None or pd.isna(value) else str(value).replace("_", " ")


# Readable headers for claims_table columns (the CSV keeps the keys; docs/codebook.md).
COLUMN_LABELS = {
    "date": "Date", "source": "Source", "source_kind": "Kind of source", "claim": "Claim",
    "correction": "Correction", "place": "Place", "governorate": "Governorate",
    "geo_precision": "Located to", "sentence": "Sentence", "claim_type": "Claim type",
    "qualifier": "Qualifier", "deaths": "Deaths", "deaths_low": "Lowest", "deaths_high": "Highest",
    "victims": "Victims", "cumulative": "Running total", "event_type": "Event",
    "topic": "Topic", "date_precision": "Date precision", "published": "Published",
    "title": "Article", "outlet": "Outlet", "url": "URL", "lat": "Latitude", "lon": "Longitude",
    "corrected": "Corrected", "article_id": "Article id", "claim_id": "Claim id",
}  # fmt: skip


def claims_table(claims: pd.DataFrame, articles: pd.DataFrame | None = None) -> pd.DataFrame:
    """The claims as a reader sees them (and as CSV exports them): who, what, where, when, why.

    Coded values are in words, counts stay integers (Int64, never 6.0), a corrected claim's
    note sits next to its value; with `articles`, each row names its article, outlet and URL.
    """
    records = claims.to_dict("records")
    words = {c: [humanise(v) for v in claims[c]] for c in
             ("source_kind", "qualifier", "victims", "event_type", "geo_precision",
              "date_precision", "topic", "place")}  # fmt: skip
    table = pd.DataFrame(
        {
            "date": [claim_day(r) for r in records],
            "source": claims["source"].to_numpy(),
            "source_kind": words["source_kind"],
            "claim": [claim_what(r) for r in records],
            "correction": [_text(r.get("correction")) for r in records],
            "place": [_text(r["place"]) for r in records],
            "governorate": [
                GOVERNORATES.get(g, "") if isinstance(g, str) else "" for g in claims["governorate"]
            ],
            "geo_precision": words["geo_precision"],
            "sentence": claims["sentence"].to_numpy(),
            "claim_type": [humanise(v) for v in claims["claim_type"]],
            "qualifier": words["qualifier"],
            **{
                c: claims[c].astype("Int64").to_numpy()
                for c in ("deaths", "deaths_low", "deaths_high")
            },
            "victims": words["victims"],
            "cumulative": claims["cumulative"].to_numpy(),
            "event_type": words["event_type"],
            "perpetrator": [humanise(v) for v in claims["perpetrator"]],
            "perpetrator_text": claims["perpetrator_text"].to_numpy(),
            "topic": words["topic"],
            "date_precision": words["date_precision"],
            "published": [_day(r["published"], None) for r in records],
            "lat": claims["lat"].to_numpy(),
            "lon": claims["lon"].to_numpy(),
            "corrected": claims["corrected"].to_numpy(),
            "article_id": claims["article_id"].to_numpy(),
            "claim_id": claims["claim_id"].to_numpy(),
        }
    )
    for c in ("deaths", "deaths_low", "deaths_high"):
        table[c] = table[c].astype("Int64")
    if articles is not None:
        info = articles.set_index("article_id")[["title", "outlet", "url"]]
        found = info.reindex(table["article_id"].to_numpy()).reset_index(drop=True)
        at = table.columns.get_loc("published") + 1
        for offset, column in enumerate(("title", "outlet", "url")):
            table.insert(at + offset, column, found[column].fillna("").astype(str).to_numpy())
    return table


def map_view(
    claims: pd.DataFrame,
    metric: str = "best",
    source: str | None = None,
    styles: dict[str, tuple[str, str]] | None = None,
) -> tuple[go.Figure, pd.DataFrame]:
    """The province map for a filtered claim frame, and the per-governorate values it shows.

    `styles`: `source_styles` of the whole store, so colours do not follow the filter."""
    styles = styles or source_styles(claims["source"].dropna())
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


def implied_level(levels: list[str], governorates: Iterable[str] = ()) -> str | None:
    """The level a filter asks for: with governorates chosen, their own tolls (governorate,
    else town) rather than a nationwide or several-province count that merely names them;
    otherwise the most aggregated level present."""
    wanted = ("governorate", "town") if set(governorates) else ()
    return next((lvl for lvl in wanted if lvl in levels), levels[0] if levels else None)


def timeline_view(
    claims: pd.DataFrame,
    level: str | None = None,
    events: bool = True,
    styles: dict[str, tuple[str, str]] | None = None,
    governorates: Iterable[str] = (),
    period: str = "day",
    span: tuple[object, object] | None = None,
) -> tuple[go.Figure, go.Figure, pd.DataFrame]:
    """Deaths at one level (default: the one `governorates` imply) per day, week or month,
    the totals panel, and the rows drawn. `span`: the filter's dates, which the axis covers."""
    styles = styles or source_styles(claims["source"].dropna())
    daily = series.daily_deaths(claims)
    levels = timeline_levels(daily)
    level = level if level in levels else (implied_level(levels, governorates) or "national")
    rows = series.by_period(daily[daily["level"] == level], period)
    strip = series.event_counts(claims) if events else None
    fig = timeline_figure(rows, strip, styles, LEVEL_LABELS[level], period, span)
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
