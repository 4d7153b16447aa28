"""Synthetic claim frames for benchmarks: valid claims with realistic mixes, built vectorised.

Shapes that matter for analytics cost are imitated: many sources, most tolls dated to a day,
some ranges and undated claims, running totals, town/governorate/nationwide/multi-province
places, duplicates across articles, statement topics. Values are random, not real.

    python -m benchmarks.synthetic 1000000 /tmp/claims.parquet
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from lib.claims import (
    CLAIM_TYPES,
    EVENT_TYPES,
    GOVERNORATE_CODES,
    PERPETRATORS,
    QUALIFIERS,
    SCHEMA,
    SOURCE_KINDS,
    VICTIMS,
)

FIRST_DAY = np.datetime64("2011-03-15", "D")
N_DAYS = 1380  # to the end of 2014
N_SOURCES = 300
N_TOWNS = 400
N_TOPICS = 100


def _strings(choices: list[str], codes: np.ndarray, valid: np.ndarray | None = None) -> pd.Series:
    """A "string" column from category codes; rows where `valid` is False are null."""
    values = np.asarray(choices, dtype=object)[codes]
    if valid is not None:
        values[~valid] = None
    return pd.Series(values, dtype="string")


def _ints(values: np.ndarray, valid: np.ndarray) -> pd.Series:
    """An Int64 column, null where `valid` is False."""
    return pd.Series(values, dtype="Int64").where(valid)


def synthetic_claims(n: int, seed: int = 0) -> pd.DataFrame:
    """`n` valid claims (lib.claims schema) from a seeded generator."""
    rng = np.random.default_rng(seed)
    ctype = rng.choice(len(CLAIM_TYPES), n, p=[0.6, 0.25, 0.15])
    is_toll, is_event, is_statement = (ctype == i for i in range(3))

    qual = rng.choice(len(QUALIFIERS), n, p=[0.35, 0.3, 0.1, 0.1, 0.05, 0.1])
    qual_name = np.asarray(QUALIFIERS)[qual]
    count = np.minimum(rng.geometric(0.05, n), 5000)
    cumulative = is_toll & (rng.random(n) < 0.05)
    count = np.where(cumulative, count * 200, count)
    exact_like = np.isin(qual_name, ["exact", "about", "at_least", "more_than", "up_to"])
    deaths = _ints(count, is_toll & exact_like)
    low = _ints(count, is_toll & np.isin(qual_name, ["exact", "at_least", "more_than", "vague"]))
    high = _ints(
        np.where(qual_name == "vague", count * 4 + 10, count),
        is_toll & np.isin(qual_name, ["exact", "up_to", "vague"]),
    )

    level = rng.choice(5, n, p=[0.2, 0.03, 0.45, 0.3, 0.02])  # national multi gov town none
    town = rng.integers(0, N_TOWNS, n)
    town_gov = rng.integers(0, len(GOVERNORATE_CODES), N_TOWNS)[town]
    gov = np.where(level == 3, town_gov, rng.integers(0, len(GOVERNORATE_CODES), n))
    has_gov = (level == 2) | (level == 3)
    multi_rows = np.flatnonzero(level == 1)
    governorates = pd.Series([None] * n, dtype="object")
    governorates.iloc[multi_rows] = [
        sorted(rng.choice(GOVERNORATE_CODES, rng.integers(2, 5), replace=False)) for _ in multi_rows
    ]
    place_names = [f"Town {i}" for i in range(N_TOWNS)]
    place = _strings(place_names, town, level == 3)
    place = place.mask(level == 0, "Syria")

    day = rng.integers(0, N_DAYS, n)
    precision = rng.choice(5, n, p=[0.6, 0.25, 0.08, 0.03, 0.04])  # day inferred range month none
    span = np.select([precision == 2, precision == 3], [rng.integers(1, 8, n), 30], 0)
    start = FIRST_DAY + day
    start = np.where(cumulative, FIRST_DAY, start)
    end = FIRST_DAY + day + np.where(cumulative, 0, span)
    dated = (precision != 4) | cumulative
    prec_names = np.asarray(["day", "day_inferred", "range", "month", "unknown"], dtype=object)
    date_precision = np.where(cumulative, "range", prec_names[precision])
    to_dt = lambda a: pd.Series(a.astype("datetime64[s]")).where(dated)  # noqa: E731

    # Who killed: half the tolls and events name no one. A generator of its own, so the other
    # columns stay what they were before the claim model had a perpetrator.
    weights = np.where(np.asarray(PERPETRATORS) == "unknown", 0.5, 0.5 / (len(PERPETRATORS) - 1))
    blamed = np.random.default_rng([seed, 15]).choice(len(PERPETRATORS), n, p=weights)

    n_sentences = 5000
    sentences = [
        f"Synthetic sentence {i} said at least {i % 97} people were killed."
        for i in range(n_sentences)
    ]
    char_start = rng.integers(0, 5000, n)
    frame = pd.DataFrame(
        {
            "claim_id": pd.Series(np.char.mod("%016x", np.arange(n)), dtype="string"),
            "article_id": pd.Series(np.char.mod("a%015x", np.arange(n) // 12), dtype="string"),
            "claim_type": _strings(list(CLAIM_TYPES), ctype),
            "deaths": deaths,
            "deaths_low": low,
            "deaths_high": high,
            "qualifier": _strings(list(QUALIFIERS), qual, is_toll),
            "victims": _strings(
                list(VICTIMS), rng.choice(5, n, p=[0.6, 0.2, 0.12, 0.05, 0.03]), is_toll
            ),
            "part_of": pd.Series([None] * n, dtype="string"),
            "source": _strings(
                [f"Source {i}" for i in range(N_SOURCES)], rng.zipf(1.5, n) % N_SOURCES
            ),
            "source_kind": None,
            "source_text": pd.Series([None] * n, dtype="string"),
            "place": place,
            "governorate": _strings(list(GOVERNORATE_CODES), gov, has_gov),
            "governorates": governorates,
            "lat": np.nan,
            "lon": np.nan,
            "geo_precision": _strings(
                ["country", "governorate", "governorate", "town", "unknown"], level
            ),
            "date_start": to_dt(start),
            "date_end": to_dt(end),
            "date_precision": pd.Series(date_precision, dtype="string"),
            "published": pd.Series((end + rng.integers(0, 3, n)).astype("datetime64[s]")),
            "cumulative": cumulative,
            "event_type": _strings(
                list(EVENT_TYPES), rng.integers(0, len(EVENT_TYPES), n), is_event
            ),
            "perpetrator": _strings(list(PERPETRATORS), blamed, is_toll | is_event),
            "perpetrator_text": _strings(
                [f"agent {i}" for i in range(len(PERPETRATORS))],
                blamed,
                (is_toll | is_event) & (blamed != PERPETRATORS.index("unknown")),
            ),
            "topic": _strings(
                [f"topic {i}" for i in range(N_TOPICS)],
                rng.integers(0, N_TOPICS, n),
                is_statement | (is_event & (rng.random(n) < 0.1)),
            ),
            "position": _strings(
                [f"position {i}" for i in range(20)], rng.integers(0, 20, n), is_statement
            ),
            "sentence": _strings(sentences, rng.integers(0, n_sentences, n)),
            "sentence_start": pd.array(char_start, dtype="Int64"),
            "char_start": pd.array(char_start + 5, dtype="Int64"),
            "char_end": pd.array(char_start + 30, dtype="Int64"),
            "confidence": rng.random(n),
            "extractor_version": pd.Series(["synthetic"] * n, dtype="string"),
            "corrected": False,
            "notes": pd.Series([None] * n, dtype="string"),
        }
    )
    kinds = np.asarray(SOURCE_KINDS, dtype=object)[np.arange(N_SOURCES) % len(SOURCE_KINDS)]
    source_number = frame["source"].str.slice(7).astype("int64").to_numpy()
    frame["source_kind"] = pd.Series(kinds[source_number], dtype="string")
    return frame.astype({c: t for c, t in SCHEMA.items() if not t.startswith("datetime")})


if __name__ == "__main__":
    size, out = int(sys.argv[1]), sys.argv[2]
    synthetic_claims(size).to_parquet(out)
    print(f"wrote {size} claims to {out}")
