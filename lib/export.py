"""Static exports: PNG/SVG of any figure via kaleido, and CSV of exactly what a filter shows.

Why a long-lived kaleido server: a fresh headless browser per image costs ~2.5 s, a started
sync server ~0.2 s. It is started once per process, without MathJax (which kaleido would
otherwise load from the internet). kaleido drives a Chromium installed on the machine; when
there is none, `image_export_problem()` says so in words a page can show.
"""

from __future__ import annotations

import argparse
import io
import sys
import threading
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from lib import charts, series
from lib.csv_safety import safe_csv_bytes
from lib.geography import GOVERNORATES

MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "csv": "text/csv",
    "parquet": "application/vnd.apache.parquet",
}
CLAIM_FORMATS = ("csv", "parquet")
IMAGE_SIZE = {"width": 1200, "height": 800, "scale": 2}
_LOCK = threading.Lock()
_started = False


class ExportUnavailableError(RuntimeError):
    """Image export is impossible on this machine (no Chromium for kaleido)."""


def find_chromium() -> str | None:
    """The browser kaleido would use: $BROWSER_PATH or a Chrome/Chromium on the PATH."""
    from choreographer.browsers.chromium import Chromium

    return Chromium.find_browser(skip_local=False)


def image_export_problem() -> str | None:
    """Why server-side image export cannot work here, or None when it can."""
    if find_chromium() is None:
        return (
            "no Chrome or Chromium was found for kaleido. Install one (on Debian: "
            "`apt-get install chromium`) or set BROWSER_PATH to its executable."
        )
    return None


def _ensure_server() -> None:
    global _started
    if not _started:
        import kaleido

        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        _started = True


def figure_bytes(
    fig: go.Figure,
    fmt: str,
    width: int = IMAGE_SIZE["width"],
    height: int | None = None,
    scale: float = IMAGE_SIZE["scale"],
) -> bytes:
    """Render `fig` as PNG or SVG bytes with plotly.py's bundled plotly.js.

    `height` defaults to the standard 800 px, except for a table, which keeps the height it
    was laid out with so that no row is cut. Raises ExportUnavailableError with an
    explanation when no Chromium exists.
    """
    if fmt not in ("png", "svg"):
        raise ValueError(f"image format must be png or svg, not {fmt!r}")
    problem = image_export_problem()
    if problem:
        raise ExportUnavailableError(f"Cannot export images: {problem}")
    import kaleido

    if height is None:
        is_table = bool(fig.data) and fig.data[0].type == "table"
        height = int(fig.layout.height) if is_table else IMAGE_SIZE["height"]
    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    if fmt == "svg" and any(t.type == "choroplethmap" for t in fig.data):
        fig = charts.vector_map(fig)  # MapLibre would be a raster image inside the SVG
    with _LOCK:
        _ensure_server()
        return kaleido.calc_fig_sync(fig.to_dict(), opts=opts)


def frame_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV of a frame, safe to open in a spreadsheet (lib.csv_safety)."""
    return safe_csv_bytes(frame)


VIEWS = ("map", "timeline", "comparison")


def claims_bytes(claims: pd.DataFrame, articles: pd.DataFrame, fmt: str) -> bytes:
    """The full export of `claims` (every field, with its article; docs/codebook.md) as CSV
    or Parquet. Parquet keeps the types: nullable integers, dates, province lists."""
    from lib.explorer import full_table

    table = full_table(claims, articles)
    if fmt == "csv":
        return frame_csv(table)
    if fmt == "parquet":
        buffer = io.BytesIO()
        table.to_parquet(buffer, index=False)
        return buffer.getvalue()
    raise ValueError(f"claims export format must be one of {CLAIM_FORMATS}, not {fmt!r}")


def view_figure(
    view: str,
    claims: pd.DataFrame,
    metric: str = "best",
    level: str | None = None,
    styles: dict[str, tuple[str, str]] | None = None,
    governorates: Iterable[str] = (),
):
    """The figure a page shows for `view` on already filtered claims."""
    if view == "map":
        return charts.map_view(claims, metric, styles=styles)[0]
    if view == "timeline":
        return charts.timeline_view(claims, level, True, styles, governorates)[0]
    return charts.comparison_figure(charts.comparison_view(claims)[2])


def view_rows(
    view: str,
    claims: pd.DataFrame,
    metric: str = "best",
    source: str | None = None,
    level: str | None = None,
    articles: pd.DataFrame | None = None,
    governorates: Iterable[str] = (),
) -> pd.DataFrame:
    """The claims behind exactly what a view draws, with their sources and sentences: what
    its CSV holds. Map: the claims behind each coloured governorate (with the value drawn,
    `value on map`) and behind each town marker; timeline: the drawn level's tolls and the
    events; comparison: every answer. `articles` adds title, outlet and URL."""
    if view == "comparison":
        return charts.comparison_view(claims)[1]
    if view == "map":
        ids, drawn = _map_claim_ids(claims, metric, source)
    else:
        ids, drawn = _timeline_claim_ids(claims, level, governorates), None
    table = charts.claims_table(claims[claims["claim_id"].isin(ids)], articles)
    if drawn is not None:
        value = table["governorate"].map(drawn).astype("Int64")
        table.insert(table.columns.get_loc("claim") + 1, "value on map", value)
    return table.reset_index(drop=True)


def _ids(joined: pd.Series) -> set[str]:
    """Claim ids from a column of comma-joined lists (series rows' `claim_ids`)."""
    return {cid for ids in joined.dropna() for cid in str(ids).split(",") if cid}


def _map_claim_ids(
    claims: pd.DataFrame, metric: str, source: str | None
) -> tuple[set[str], dict[str, int]]:
    """Claims behind the map's coloured governorates and town markers, and the value drawn per
    governorate name."""
    shown = claims if source is None else claims[claims["source"] == source]
    if metric == "events":
        rows = series.event_counts(shown)
        values = charts.event_map_values(rows)
    else:
        rows = series.daily_deaths(shown)
        rows = rows[rows["level"].isin(("governorate", "town"))]
        values = charts.death_map_values(rows, metric)
    rows = rows[rows["governorate"].notna()]
    kind = "event" if metric == "events" else "death_toll"
    markers = charts.town_markers(shown[shown["claim_type"] == kind])
    ids = _ids(rows["claim_ids"]) | set(markers.get("claim_id", ()))
    drawn = {
        GOVERNORATES.get(code, code): int(value)
        for code, value in zip(values["governorate"], values["value"], strict=True)
        if pd.notna(value)
    }
    return ids, drawn


def _timeline_claim_ids(
    claims: pd.DataFrame, level: str | None, governorates: Iterable[str]
) -> set[str]:
    """Claims behind the timeline's drawn level, its events and its running totals."""
    daily = series.daily_deaths(claims)
    levels = charts.timeline_levels(daily)
    level = level if level in levels else charts.implied_level(levels, governorates)
    drawn = daily[daily["level"] == level]["claim_ids"]
    return (
        _ids(drawn)
        | _ids(series.event_counts(claims)["claim_ids"])
        | _ids(series.cumulative_totals(claims)["claim_ids"])
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lib.export",
        description="Export a dashboard view as PNG, SVG or CSV, or every claim of the filter "
        "(`claims`, see docs/codebook.md) as CSV or Parquet, with the dashboard's URL filters.",
    )
    parser.add_argument("view", choices=(*VIEWS, "claims"))
    parser.add_argument(
        "--out",
        type=Path,
        help="FILE.png, FILE.svg or FILE.csv; for claims FILE.csv or FILE.parquet "
        "(default: claims.FORMAT)",
    )
    parser.add_argument(
        "--format", choices=CLAIM_FORMATS, help="claims only (default: from --out, else csv)"
    )
    parser.add_argument(
        "--metric",
        default="best",
        choices=list(charts.METRICS),
        help="map colouring (default: best)",
    )
    parser.add_argument("--level", help="timeline level, e.g. national, governorate, town")
    for key, help_text in (
        ("province", "governorate ISO code, e.g. SY-ID (repeatable)"),
        ("start", "first day, YYYY-MM-DD"),
        ("end", "last day, YYYY-MM-DD"),
        ("source", "source name (repeatable)"),
        ("kind", "source kind, e.g. activist (repeatable)"),
        ("type", "claim type: death_toll, event, statement (repeatable)"),
        ("event", "event type, e.g. shelling (repeatable)"),
        ("victims", "victims of death tolls: civilians, security_forces, rebels, all (repeatable)"),
        ("perpetrator", "alleged perpetrator, e.g. government, unknown (repeatable)"),
    ):
        parser.add_argument(f"--{key}", action="append", default=[], help=help_text)
    return parser


def _output(args: argparse.Namespace) -> tuple[Path, str, str | None]:
    """The file to write, its format, and what is wrong with the arguments (None if nothing)."""
    if args.view != "claims":
        if args.out is None or args.format:
            return Path(), "", f"{args.view}: give --out FILE.png, FILE.svg or FILE.csv"
        fmt = args.out.suffix.lower().lstrip(".")
        ok = fmt in ("png", "svg", "csv")
        return args.out, fmt, None if ok else f"--out must end in .png, .svg or .csv: {args.out}"
    fmt = args.format or (args.out.suffix.lower().lstrip(".") if args.out else "csv")
    out = args.out or Path(f"claims.{fmt}")
    if fmt not in CLAIM_FORMATS or out.suffix.lower() != f".{fmt}":
        return out, fmt, f"claims: --out must end in .csv or .parquet, as --format says: {out}"
    return out, fmt, None


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; returns the exit status (2 for bad arguments or no Chromium)."""
    args = _parser().parse_args(argv)
    out, fmt, problem = _output(args)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    from lib.filters import QUERY_KEYS, ClaimFilter
    from lib.store import ensure_seeded, open_store

    flt = ClaimFilter.from_query_params({k: getattr(args, k) for k in QUERY_KEYS})
    store = open_store()
    ensure_seeded(store)
    everything = store.claims()
    claims = flt.apply(everything)
    if args.view == "claims":
        data = claims_bytes(claims, store.articles(), fmt)
    elif fmt == "csv":
        rows = view_rows(
            args.view, claims, args.metric, None, args.level, store.articles(), flt.governorates
        )
        data = frame_csv(rows)
    else:
        styles = charts.source_styles(everything["source"].dropna())  # the pages' colours
        fig = view_figure(args.view, claims, args.metric, args.level, styles, flt.governorates)
        try:
            data = figure_bytes(charts.stamp(fig, charts.filter_caption(flt)), fmt)
        except ExportUnavailableError as err:
            print(err, file=sys.stderr)
            return 2
    out.write_bytes(data)
    print(f"wrote {out} ({len(data):,} bytes, {len(claims)} claims after filtering)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
