"""Static exports: PNG/SVG of any figure via kaleido, and CSV of exactly what a filter shows.

Why a long-lived kaleido server: a fresh headless browser per image costs ~2.5 s, a started
sync server ~0.2 s. It is started once per process, without MathJax (which kaleido would
otherwise load from the internet). kaleido drives a Chromium installed on the machine; when
there is none, `image_export_problem()` says so in words a page can show.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from lib import charts
from lib.csv_safety import safe_csv_bytes

MIME = {"png": "image/png", "svg": "image/svg+xml", "csv": "text/csv"}
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
    fig = go.Figure(fig).update_xaxes(rangeslider_visible=False)  # interactive only
    with _LOCK:
        _ensure_server()
        return kaleido.calc_fig_sync(fig.to_dict(), opts=opts)


def frame_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV of a frame, safe to open in a spreadsheet (lib.csv_safety)."""
    return safe_csv_bytes(frame)


VIEWS = ("map", "timeline", "comparison")


def view_figure(view: str, claims: pd.DataFrame, metric: str = "best", level: str | None = None):
    """The figure a page shows for `view` on already filtered claims."""
    if view == "map":
        return charts.map_view(claims, metric)[0]
    if view == "timeline":
        return charts.timeline_view(claims, level)[0]
    return charts.comparison_figure(charts.comparison_view(claims)[2])


def view_rows(
    view: str, claims: pd.DataFrame, metric: str = "best", source: str | None = None
) -> pd.DataFrame:
    """The rows behind a view, with sources and sentences: what its CSV download holds."""
    if view == "comparison":
        return charts.comparison_view(claims)[1]
    if view == "map":
        types = ("event",) if metric == "events" else ("death_toll",)
    else:
        types = ("death_toll", "event")
    shown = claims[claims["claim_type"].isin(types)]
    if source is not None:
        shown = shown[shown["source"] == source]
    return charts.claims_table(shown)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m lib.export",
        description="Export a dashboard view as PNG, SVG or CSV, with the dashboard's URL filters.",
    )
    parser.add_argument("view", choices=VIEWS)
    parser.add_argument("--out", required=True, type=Path, help="FILE.png, FILE.svg or FILE.csv")
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
    ):
        parser.add_argument(f"--{key}", action="append", default=[], help=help_text)
    return parser


def main(argv: list[str] | None = None) -> int:
    """CLI entry point; returns the exit status (2 for bad arguments or no Chromium)."""
    args = _parser().parse_args(argv)
    fmt = args.out.suffix.lower().lstrip(".")
    if fmt not in ("png", "svg", "csv"):
        print(f"--out must end in .png, .svg or .csv, not {args.out.name!r}", file=sys.stderr)
        return 2
    from lib.filters import QUERY_KEYS, ClaimFilter
    from lib.store import ensure_seeded, open_store

    flt = ClaimFilter.from_query_params({k: getattr(args, k) for k in QUERY_KEYS})
    store = open_store()
    ensure_seeded(store)
    claims = flt.apply(store.claims())
    if fmt == "csv":
        data = frame_csv(view_rows(args.view, claims, args.metric))
    else:
        try:
            data = figure_bytes(view_figure(args.view, claims, args.metric, args.level), fmt)
        except ExportUnavailableError as err:
            print(err, file=sys.stderr)
            return 2
    args.out.write_bytes(data)
    print(f"wrote {args.out} ({len(data):,} bytes, {len(claims)} claims after filtering)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
