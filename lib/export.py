"""Static exports: PNG/SVG of any figure via kaleido, and CSV of exactly what a filter shows.

Why a long-lived kaleido server: a fresh headless browser per image costs ~2.5 s, a started
sync server ~0.2 s. It is started once per process, without MathJax (which kaleido would
otherwise load from the internet). kaleido drives a Chromium installed on the machine; when
there is none, `image_export_problem()` says so in words a page can show.
"""

from __future__ import annotations

import threading

import pandas as pd
import plotly.graph_objects as go

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
    height: int = IMAGE_SIZE["height"],
    scale: float = IMAGE_SIZE["scale"],
) -> bytes:
    """Render `fig` as PNG or SVG bytes with plotly.py's bundled plotly.js.

    Raises ExportUnavailableError with an explanation when no Chromium exists.
    """
    if fmt not in ("png", "svg"):
        raise ValueError(f"image format must be png or svg, not {fmt!r}")
    problem = image_export_problem()
    if problem:
        raise ExportUnavailableError(f"Cannot export images: {problem}")
    import kaleido

    opts = {"format": fmt, "width": width, "height": height, "scale": scale}
    with _LOCK:
        _ensure_server()
        return kaleido.calc_fig_sync(fig.to_dict(), opts=opts)


def frame_csv(frame: pd.DataFrame) -> bytes:
    """UTF-8 CSV (with BOM, so spreadsheet programs read Arabic names right) of a frame."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object:
            out[col] = out[col].map(lambda v: ";".join(v) if isinstance(v, list) else v)
    return out.to_csv(index=False).encode("utf-8-sig")
