"""Exports: real PNG/SVG files from kaleido, CSV of exactly the filtered rows, a clear error
without Chromium, and the `python -m lib.export` command line."""

from __future__ import annotations

import io
import re
import struct
from pathlib import Path

import pandas as pd
import pytest

from lib import charts, export
from lib.filters import ClaimFilter
from tests.fixture_store import fixture_claims, make_fixture_store

ROOT = Path(__file__).resolve().parent.parent
HAS_CHROMIUM = export.find_chromium() is not None
needs_chromium = pytest.mark.skipif(not HAS_CHROMIUM, reason="no Chrome/Chromium for kaleido")


@pytest.fixture(scope="module")
def claims() -> pd.DataFrame:
    return fixture_claims()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@needs_chromium
@pytest.mark.slow
@pytest.mark.parametrize("view", export.VIEWS)
def test_figures_export_as_real_png_and_svg(view, claims):
    fig = export.view_figure(view, claims)
    png = export.figure_bytes(fig, "png", width=600, height=400, scale=2)
    assert png_size(png) == (1200, 800)
    assert len(png) > 10_000  # a drawn chart, not a blank canvas
    svg = export.figure_bytes(fig, "svg", width=600, height=400, scale=1).decode()
    assert svg.startswith("<svg") and 'width="600"' in svg and 'height="400"' in svg
    assert not re.findall(r'(?:href|src)="https?://', svg)  # nothing linked from outside
    title = fig.layout.title.text.split(",")[0]
    assert title.split()[0] in svg  # the title is drawn as text


@needs_chromium
@pytest.mark.slow
def test_map_svg_has_the_natural_earth_credit_and_the_legend(claims):
    svg = export.figure_bytes(export.view_figure("map", claims), "svg").decode()
    assert "Made with Natural Earth" in svg
    assert "activist in Binnish" in svg  # town marker legend names the source
    assert "<image" not in svg  # vector shapes, not a raster map inside an SVG
    assert svg.count('class="js-fill"') >= 14  # one filled polygon per governorate at least


def test_the_cli_stamps_its_image_with_the_filter_and_credit(tmp_path, monkeypatch):
    monkeypatch.setenv("SYRIA_CLAIMS_DB", make_fixture_store(tmp_path / "claims.duckdb"))
    out = tmp_path / "idlib.svg"
    assert export.main(["map", "--out", str(out), "--province", "SY-ID"]) == 0
    svg = out.read_text()
    assert "Governorates: Idlib" in svg and "never added across sources" in svg


def test_without_chromium_export_explains_how_to_enable_it(monkeypatch, claims, tmp_path, capsys):
    monkeypatch.setattr(export, "find_chromium", lambda: None)
    problem = export.image_export_problem()
    assert "apt-get install chromium" in problem and "BROWSER_PATH" in problem
    with pytest.raises(export.ExportUnavailableError, match="Cannot export images"):
        export.figure_bytes(export.view_figure("timeline", claims), "png")
    monkeypatch.setenv("SYRIA_CLAIMS_DB", str(tmp_path / "unused.duckdb"))
    monkeypatch.setattr("lib.store.ensure_seeded", lambda store: None)
    assert export.main(["map", "--out", str(tmp_path / "m.png")]) == 2
    assert "apt-get install chromium" in capsys.readouterr().err
    assert not (tmp_path / "m.png").exists()


def test_bad_output_suffix_is_refused(tmp_path, capsys):
    assert export.main(["map", "--out", str(tmp_path / "m.jpg")]) == 2
    assert ".png, .svg or .csv" in capsys.readouterr().err


def test_view_rows_are_the_filtered_claims_with_sources_and_sentences(claims):
    idlib = ClaimFilter(governorates={"SY-ID"}).apply(claims)
    rows = export.view_rows("map", idlib)
    # What the map draws for Idlib: LCC's 6 and the activist's 20 in Taftanaz (value 20);
    # SANA's 16 over six provinces is not drawn on any governorate, so it is not in the CSV.
    assert sorted(rows["source"]) == ["Local Coordination Committees of Syria",
                                      "activist in Binnish"]  # fmt: skip
    assert rows["value on map"].tolist() == [20, 20]
    assert rows["sentence"].str.len().min() > 20
    events = export.view_rows("map", idlib, metric="events")
    assert events["place"].tolist() == ["Taftanaz"]  # the multi-province event is not drawn
    answers = export.view_rows("comparison", idlib)
    assert {"source", "sentence", "display", "question"} <= set(answers.columns)


def test_csv_is_utf8_with_bom_and_lists_joined():
    frame = pd.DataFrame({"source": ["Lavrov, Sergei"], "governorates": [["SY-ID", "SY-HM"]]})
    data = export.frame_csv(frame)
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert (
        back.loc[0, "source"] == "Lavrov, Sergei" and back.loc[0, "governorates"] == "SY-ID;SY-HM"
    )


def test_cli_csv_follows_the_url_filters(tmp_path, monkeypatch, claims):
    db = make_fixture_store(tmp_path / "claims.duckdb")
    monkeypatch.setenv("SYRIA_CLAIMS_DB", db)
    out = tmp_path / "timeline.csv"
    assert (
        export.main(
            [
                "timeline",
                "--out",
                str(out),
                "--province",
                "SY-ID",
                "--source",
                "activist in Binnish",
            ]
        )
        == 0
    )
    rows = pd.read_csv(out, encoding="utf-8-sig")
    assert rows["source"].tolist() == ["activist in Binnish"]
    assert rows["claim"].tolist() == ["at least 20 deaths"]
    assert "Taftanaz" in rows.loc[0, "sentence"]


def test_image_config_names_the_file_and_fixes_the_size():
    config = charts.image_config("syria-map", "svg")
    options = config["toImageButtonOptions"]
    assert options == {
        "format": "svg",
        "filename": "syria-map",
        "width": 1200,
        "height": 800,
        "scale": 2,
    }


def test_map_csv_holds_the_drawn_values_with_article_and_location(claims, tmp_path):
    store_articles = pd.DataFrame(
        {"article_id": claims["article_id"].unique(), "title": "T", "outlet": "O",
         "url": "https://example.invalid/a"}
    )  # fmt: skip
    rows = export.view_rows("map", claims, articles=store_articles)
    # The map colours Idlib (20) and Homs (SANA's 0); nationwide tolls and totals are not drawn.
    assert sorted(set(zip(rows["governorate"], rows["value on map"], strict=True))) == [
        ("Homs", 0),
        ("Idlib", 20),
    ]
    assert not rows["cumulative"].any()
    assert {"title", "outlet", "url", "date_precision", "geo_precision", "lat", "lon"} <= set(rows)
    text = export.frame_csv(rows).decode("utf-8-sig")
    assert ",6," in text and ",6.0," not in text  # counts stay integers


def test_timeline_csv_holds_only_the_drawn_level(claims):
    rows = export.view_rows("timeline", claims, level="governorate")
    tolls = rows[(rows["claim_type"] == "death toll") & ~rows["cumulative"].astype(bool)]
    assert sorted(tolls["place"]) == ["Homs", "Idlib"]  # not the nationwide 54 and 74
    assert set(rows.loc[rows["cumulative"].astype(bool), "place"]) == {"Syria"}  # totals panel
