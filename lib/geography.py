"""Syria's geography: the 14 governorates, their news spellings, boundaries and GeoNames places.

News spells one place many ways (Deir Ezzor, Deir al-Zor, Dayr az Zawr; al-Haffeh, Al Haffah).
Every name is reduced to a loose transliteration key (accents, Arabic articles, doubled letters
and -ah/-eh endings folded) and looked up exactly, then fuzzily with rapidfuzz. Data files live
in `data/geo/` (see `docs/geography.md`); they are read once, lazily, and cached.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
from rapidfuzz import fuzz, process

if TYPE_CHECKING:
    import geopandas

GEO_DIR = Path(__file__).resolve().parent.parent / "data" / "geo"
BOUNDARIES_PATH = GEO_DIR / "syria_governorates.geojson"
PLACES_PATH = GEO_DIR / "syria_places.csv"
ALIASES_PATH = GEO_DIR / "governorate_aliases.csv"
STOPLIST_PATH = GEO_DIR / "place_stoplist.txt"
WAR_PLACES_PATH = GEO_DIR / "war_places.csv"

GOVERNORATES: dict[str, str] = {
    "SY-DI": "Damascus",
    "SY-DR": "Daraa",
    "SY-DY": "Deir ez-Zor",
    "SY-HA": "Al-Hasakah",
    "SY-HI": "Homs",
    "SY-HL": "Aleppo",
    "SY-HM": "Hama",
    "SY-ID": "Idlib",
    "SY-LA": "Latakia",
    "SY-QU": "Quneitra",
    "SY-RA": "Ar-Raqqah",
    "SY-RD": "Rif Dimashq",
    "SY-SU": "As-Suwayda",
    "SY-TA": "Tartus",
}
COUNTRY_NAMES = frozenset({"syria", "syrian arab republic"})

# Fuzzy matching: WRatio score floor, and guards because WRatio scores a short string found
# inside a longer one highly ("hama" in "hamadiyah").
FUZZY_CUTOFF = 90
FUZZY_MIN_KEY_LEN = 5
FUZZY_MAX_LEN_RATIO = 1.3
FUZZY_MIN_EDIT_SCORE = 80
# A point this far (degrees, ~5 km) outside every coarse polygon still gets the nearest one.
NEAREST_MAX_DEGREES = 0.05

_ARTICLES = frozenset(
    {"al", "el", "il", "ul", "ar", "er", "as", "es", "ad", "ed", "az", "ez", "an", "en", "at",
     "et", "ash", "esh", "ath", "eth", "adh", "edh", "dh"}
)  # fmt: skip
_APOSTROPHES = re.compile(r"['`´‘’ʿʾʼˈ]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
# Words around a name that say what kind of place it is (matched on folded text).
_GOV_WORDS = re.compile(r"^(?:the )?(?:province|governorate) of | (?:province|governorate)$")
_AREA_WORDS = re.compile(r"^(?:the )?(?:countryside|suburbs|outskirts|region) of |"
                         r" (?:countryside|suburbs|outskirts|region|area|district)$")  # fmt: skip
_TOWN_WORDS = re.compile(r"^(?:the )?(?:city|town|village) of | (?:city|town|village)$")


@dataclass(frozen=True)
class Place:
    """A resolved place name: where a claim happened, and how precisely we know it."""

    name: str
    governorate: str | None
    lat: float | None
    lon: float | None
    precision: str  # "town" | "governorate" | "country"


@functools.lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower-case ASCII words: accents dropped, apostrophes removed, punctuation -> spaces."""
    if text.isascii():  # most names: nothing to decompose
        ascii_text = text
    else:
        decomposed = unicodedata.normalize("NFKD", text)
        ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    ascii_text = _APOSTROPHES.sub("", ascii_text.lower())
    return " ".join(_NON_ALNUM.sub(" ", ascii_text).split())


_DOUBLED = re.compile(r"(.)\1+")
_TA_MARBUTA = re.compile(r"(?:[ae]h|e)$")


def _loose_token(token: str) -> str:
    token = _DOUBLED.sub(r"\1", token)  # Lattakia ~ Latakia, Hassakeh ~ Hasakeh
    token = token.replace("ou", "u").replace("ee", "i")  # French/English vowels: Zour, Mayadeen
    if len(token) >= 4:
        token = _TA_MARBUTA.sub("a", token)  # ta marbuta: Haffah ~ Haffeh ~ Haffe
    return token


@functools.lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """Loose transliteration key: equal keys are spellings of the same name.

    A leading "the" and Arabic articles (al-, el-, ar-, as-, ...) are dropped unless they are
    the last word.
    """
    tokens = fold(text).split()
    if len(tokens) > 1 and tokens[0] == "the":
        tokens = tokens[1:]
    kept = [t for i, t in enumerate(tokens) if t not in _ARTICLES or i == len(tokens) - 1]
    return " ".join(_loose_token(t) for t in kept)


def _best_fuzzy(key: str, choices: list[str]) -> str | None:
    """The closest choice by WRatio, or None when the key is short, lengths differ too much,
    or the plain edit similarity is low (WRatio also scores reordered or repeated words:
    "homs homs homs" against "homs old city")."""
    if len(key) < FUZZY_MIN_KEY_LEN or not choices:
        return None
    for match, _score, _ in process.extract(
        key, choices, scorer=fuzz.WRatio, score_cutoff=FUZZY_CUTOFF, limit=5
    ):
        ratio = max(len(match), len(key)) / min(len(match), len(key))
        if ratio <= FUZZY_MAX_LEN_RATIO and fuzz.ratio(key, match) >= FUZZY_MIN_EDIT_SCORE:
            return match
    return None


@functools.cache
def _alias_index() -> dict[str, str]:
    """name key -> ISO code, from the alias table and the display names."""
    aliases = pd.read_csv(ALIASES_PATH, dtype=str)
    index = {name_key(a): c for c, a in zip(aliases["code"], aliases["alias"], strict=True)}
    index.update({name_key(name): code for code, name in GOVERNORATES.items()})
    return index


@functools.cache
def places() -> pd.DataFrame:
    """The GeoNames gazetteer rows (one per place) with their point-in-polygon governorate."""
    frame = pd.read_csv(
        PLACES_PATH,
        dtype={"admin1code": str, "alternatenames": str, "governorate": str},
        keep_default_na=False,
    )
    return frame.sort_values("population", ascending=False, kind="stable").reset_index(drop=True)


def _is_code(form: str) -> bool:
    """Airport-style codes in GeoNames alternate names (DAM, ALP): not names used in news."""
    return form.isupper() and len(form) <= 4


@functools.cache
def war_places() -> pd.DataFrame:
    """The curated table of places the war made known (suburbs, districts, villages): name,
    `|`-separated alternates, governorate always, lat/lon only where sure, kind."""
    frame = pd.read_csv(WAR_PLACES_PATH, dtype=str, keep_default_na=False)
    unknown = sorted(set(frame["governorate"]) - set(GOVERNORATES))
    if unknown:
        raise ValueError(f"{WAR_PLACES_PATH}: unknown governorate codes {unknown}")
    return frame


def _coordinate(value: str) -> float | None:
    return float(value) if value else None


def _geonames_entries() -> list[tuple[Place, list[str]]]:
    """(place, every spelling) per GeoNames row, by population."""
    frame = places()
    entries = []
    for name, ascii_name, alternates, lat, lon, code in zip(
        frame["name"],
        frame["asciiname"],
        frame["alternatenames"],
        frame["lat"],
        frame["lon"],
        frame["governorate"],
        strict=True,
    ):
        forms = [name, ascii_name, *(a for a in alternates.split("|") if a)]
        place = Place(ascii_name, code, float(lat), float(lon), "town")
        entries.append((place, [f for f in forms if not _is_code(f)]))
    return entries


@functools.cache
def _gazetteer() -> list[tuple[Place, list[str]]]:
    """(place, every spelling) per gazetteer entry, in the order that wins a shared name key.

    A curated war place that GeoNames already has (a spelling of it names a GeoNames place in
    the same governorate) adds its spellings to the GeoNames place, whose point is kept; the
    others are new places. Curated entries come first, so a curated name beats a GeoNames
    place of the same name elsewhere; then the GeoNames rows by population.
    """
    geonames = _geonames_entries()
    by_key: dict[str, int] = {}
    for i, (_, forms) in enumerate(geonames):
        for form in forms:
            by_key.setdefault(name_key(form), i)
    first: list[tuple[Place, list[str]]] = []
    merged: set[int] = set()
    war = war_places()
    for name, alternates, code, lat, lon in zip(
        war["name"], war["alternates"], war["governorate"], war["lat"], war["lon"], strict=True
    ):
        forms = [name, *(a for a in alternates.split("|") if a)]
        same = [by_key[k] for f in forms if (k := name_key(f)) in by_key]
        same = [i for i in same if geonames[i][0].governorate == code]
        if same:
            place, known = geonames[same[0]]
            merged.add(same[0])
            first.append((place, known + forms))
        else:
            first.append((Place(name, code, _coordinate(lat), _coordinate(lon), "town"), forms))
    return first + [entry for i, entry in enumerate(geonames) if i not in merged]


@functools.cache
def _place_index() -> dict[str, Place]:
    """name key -> gazetteer place; the first entry of `_gazetteer()` wins a shared key."""
    index: dict[str, Place] = {}
    for place, forms in _gazetteer():
        for form in forms:
            index.setdefault(name_key(form), place)
    index.pop("", None)
    return index


@functools.cache
def _place_keys() -> list[str]:
    """The gazetteer's name keys, the choices of a fuzzy match (built once)."""
    return list(_place_index())


def _governorate_exact(folded: str) -> str | None:
    """ISO code for an exact alias key, as is or without the words around it ("province",
    "countryside"): "Damascus countryside" is an alias of Rif Dimashq, "Idlib countryside" not."""
    index = _alias_index()
    for form in (folded, _GOV_WORDS.sub("", folded), _AREA_WORDS.sub("", folded)):
        if (code := index.get(name_key(form))) is not None:
            return code
    return None


def governorate_code(name: str) -> str | None:
    """ISO 3166-2 code of a governorate from any news spelling, or None.

    Case, accents, punctuation and Arabic articles do not matter; "province"/"governorate"
    and "countryside"/"suburbs" around the name are ignored ("Idleb province", "the governorate
    of Deir el-Zour", "Hama countryside").
    Exact alias keys first, then a guarded fuzzy match.
    """
    folded = fold(name)
    code = _governorate_exact(folded)
    if code is None:
        index = _alias_index()
        stripped = _AREA_WORDS.sub("", _GOV_WORDS.sub("", folded))
        match = _best_fuzzy(name_key(stripped), list(index))
        code = index[match] if match else None
    return code


def governorate_name(code: str) -> str:
    """English display name of an ISO code; KeyError for unknown codes."""
    return GOVERNORATES[code]


@functools.cache
def _governorate_points() -> dict[str, tuple[float, float]]:
    """ISO code -> (lat, lon) of a point inside the polygon, to place governorate-level claims."""
    import shapely

    points = {}
    for feature in boundaries_geojson()["features"]:
        point = shapely.geometry.shape(feature["geometry"]).representative_point()
        points[feature["id"]] = (round(point.y, 4), round(point.x, 4))
    return points


def governorate_place(code: str) -> Place:
    """The governorate of an ISO code as a place (its point lies inside the polygon)."""
    lat, lon = _governorate_points()[code]
    return Place(GOVERNORATES[code], code, lat, lon, "governorate")


def _town_place(name: str, fuzzy: bool) -> Place | None:
    index = _place_index()
    key = name_key(name)
    place = index.get(key)
    if place is None and fuzzy:
        match = _best_fuzzy(key, _place_keys())
        place = index[match] if match else None
    return place


@functools.lru_cache(maxsize=65536)
def resolve_place(name: str, prefer: str = "governorate") -> Place | None:
    """Resolve a place name to a town, a governorate or the whole country.

    A name that is both ("Idlib", "Homs") is the governorate unless `prefer="town"` or the
    text says so ("city of Idlib", "Homs city"); "Idlib province" is always the governorate,
    and "Idlib countryside"/"Homs suburbs" prefer it. Exact matches (governorates, then towns,
    in the preferred order) beat fuzzy ones, so a town is never fuzzily mistaken for a
    governorate with a similar name.
    """
    if prefer not in ("governorate", "town"):
        raise ValueError(f"prefer must be 'governorate' or 'town', not {prefer!r}")
    folded = fold(name).removeprefix("the ")
    if folded in COUNTRY_NAMES:
        return Place("Syria", None, None, None, "country")
    aliases = _alias_index()
    code = aliases.get(name_key(folded))  # whole phrase first: "Damascus countryside" is SY-RD
    if code is None:
        for words, kind in ((_GOV_WORDS, "governorate"), (_AREA_WORDS, "governorate"),
                            (_TOWN_WORDS, "town")):  # fmt: skip
            if words.search(folded):
                folded, prefer = words.sub("", folded), kind
                break
        code = aliases.get(name_key(folded))
    if prefer == "town":
        town = _town_place(folded, fuzzy=False) or _town_place(folded, fuzzy=True)
        code = code or governorate_code(folded)
        return town or (governorate_place(code) if code else None)
    if code is None:
        town = _town_place(folded, fuzzy=False)
        if town is not None:
            return town
        code = governorate_code(folded)
    if code is not None:
        return governorate_place(code)
    return _town_place(folded, fuzzy=True)


def governorate_of_point(lat: float, lon: float) -> str | None:
    """ISO code of the governorate containing a point; the nearest one within ~5 km of the
    coarse boundaries (border towns fall just outside); None elsewhere."""
    import shapely

    frame = boundaries()
    point = shapely.Point(lon, lat)
    inside = frame.loc[frame.contains(point), "code"]
    if len(inside):
        return str(inside.iloc[0])
    distances = shapely.distance(frame.geometry.values, point)  # degrees: only a threshold
    nearest = int(distances.argmin())
    return str(frame["code"].iloc[nearest]) if distances[nearest] <= NEAREST_MAX_DEGREES else None


@functools.cache
def _stoplist() -> frozenset[str]:
    lines = STOPLIST_PATH.read_text(encoding="utf-8").splitlines()
    return frozenset(ln.strip().lower() for ln in lines if ln.strip() and not ln.startswith("#"))


def _article_variants(form: str) -> list[str]:
    """'Al Haffah' -> al-haffah, el-haffah, haffah ...: how news writes the Arabic article."""
    words = form.split(" ", 1)
    if len(words) == 2 and fold(words[0]) in _ARTICLES:
        rest = words[1]
        return [form, rest] + [f"{a}{sep}{rest}" for a in ("al", "el") for sep in ("-", " ")]
    return [form]


def _ending_variants(form: str) -> list[str]:
    """Ta marbuta spellings: Haffah, Haffeh, Haffa."""
    for ending in ("ah", "eh"):
        if form.endswith(ending) and len(form) > 4:
            stem = form[: -len(ending)]
            return [form, stem + "ah", stem + "eh", stem + "a"]
    return [form]


def _folds_cleanly(form: str) -> bool:
    """False when folding loses letters with no ASCII base ("Dəməşq" would give "d m sq")."""
    letters = sum(c.isalnum() for c in form)
    return len(fold(form).replace(" ", "")) == letters


@functools.cache
def place_phrases() -> dict[str, str]:
    """Lower-cased surface form -> canonical name, for a spaCy PhraseMatcher.

    Canonical names resolve back through `resolve_place`: governorate display names for
    governorate spellings, GeoNames ASCII names for towns, "Syria" for the country. Forms in
    the stoplist (English words such as "tell") and forms shorter than 3 letters are left out.
    """
    phrases: dict[str, str] = {}
    stop = _stoplist()

    def add(form: str, canonical: str) -> None:
        if fold(form) in stop:
            return
        for variant in _article_variants(form.lower()):
            for surface in _ending_variants(variant):
                if len(surface) >= 3 and surface not in stop and fold(surface) not in stop:
                    phrases.setdefault(surface, canonical)

    aliases = pd.read_csv(ALIASES_PATH, dtype=str)
    for code, alias in zip(aliases["code"], aliases["alias"], strict=True):
        add(alias, GOVERNORATES[code])
    for name in GOVERNORATES.values():
        add(name, name)
    add("Syria", "Syria")
    for place, forms in _gazetteer():
        for form in forms:
            add(form, place.name)
            if _folds_cleanly(form):
                add(fold(form), place.name)
    return phrases


@functools.cache
def boundaries() -> geopandas.GeoDataFrame:
    """The 14 governorate polygons (EPSG:4326), columns code, name, geometry."""
    import geopandas

    frame = geopandas.read_file(BOUNDARIES_PATH)
    return frame[["code", "name", "geometry"]]


@functools.cache
def boundaries_geojson() -> dict:
    """The governorates as a GeoJSON FeatureCollection, feature id = ISO code (for plotly)."""
    return json.loads(BOUNDARIES_PATH.read_text(encoding="utf-8"))
