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
from collections.abc import Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

# Okabe & Ito (2008), yellow last: it is hard to read on white.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "hexagon")
# Single-hue sequential scale: ordered by lightness, readable without hue discrimination.
SEQUENTIAL = [[0.0, "#FDD0A2"], [0.5, "#F16913"], [1.0, "#7F2704"]]
NO_DATA_COLOUR = "#E5E8EC"
MAP_CREDIT = "Made with Natural Earth. Places: GeoNames (CC BY 4.0)."
SYRIA_CENTER = {"lat": 34.85, "lon": 38.9}
SYRIA_ZOOM = 5.6
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
    return "<br>".join(html.escape(line) for line in textwrap.wrap(str(text), width)) or ""


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
    event), `date` and `sentence`. `names`: ISO code -> display name.
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
        colour, symbol = styles.get(source, (PALETTE[0], "circle"))
        fig.add_trace(
            go.Scattermap(
                lat=group["lat"],
                lon=group["lon"],
                mode="markers",
                marker={"size": 13, "color": colour},
                name=str(source),
                showlegend=True,
                customdata=[
                    [wrap(p), wrap(lbl), wrap(d), wrap(s), wrap(source)]
                    for p, lbl, d, s in zip(
                        group["place"], group["label"], group["date"], group["sentence"],
                        strict=True,
                    )  # fmt: skip
                ],
                hovertemplate=(
                    "<b>%{customdata[0]}</b> · %{customdata[2]}<br>%{customdata[1]}"
                    "<br>Source: %{customdata[4]}<br><i>%{customdata[3]}</i><extra></extra>"
                ),
            )
        )
    _layout(fig, title, f"{metric_label} · click a governorate to filter", height=560)
    fig.update_layout(
        map={"style": "white-bg", "center": SYRIA_CENTER, "zoom": SYRIA_ZOOM},
        legend={"x": 0.01, "y": 0.02, "bgcolor": "rgba(255,255,255,0.8)"},
        annotations=[
            {
                "text": MAP_CREDIT,
                "xref": "paper",
                "yref": "paper",
                "x": 1,
                "y": -0.05,
                "xanchor": "right",
                "showarrow": False,
                "font": {"size": 10, "color": "#52606D"},
            }
        ],
    )
    return fig
