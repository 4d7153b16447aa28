"""Shared fixtures: the hand-checked seed claims (tests/fixtures/seed_claims.jsonl)."""

import json
from pathlib import Path

import pandas as pd
import pytest

from lib.claims import coerce_claims, validate_claims

FIXTURES = Path(__file__).parent / "fixtures"
SEEDS = Path(__file__).parent.parent / "seeds"


def load_claims_jsonl(path: Path) -> pd.DataFrame:
    """A validated claim frame from a JSON-lines file of claim records."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return validate_claims(coerce_claims(json.loads(line) for line in lines if line.strip()))


@pytest.fixture
def seed_claims() -> pd.DataFrame:
    """The 27 hand-checked claims of the two seed articles (9 death tolls, 9 events, 9 statements).

    Built from the acceptance table of issue 3; spans index the seed files' full text.
    A fresh frame per test, so tests may modify it.
    """
    return load_claims_jsonl(FIXTURES / "seed_claims.jsonl")


@pytest.fixture(scope="session")
def seed_claims_readonly() -> pd.DataFrame:
    """The seed claims loaded once per session, for hypothesis tests: do not modify."""
    return load_claims_jsonl(FIXTURES / "seed_claims.jsonl")


_DEFAULTS = {
    "article_id": "a1",
    "claim_type": "death_toll",
    "victims": "all",
    "source": "LCC",
    "source_kind": "opposition_monitor",
    "geo_precision": "governorate",
    "date_start": "2012-04-04",
    "date_precision": "day",
    "published": "2012-04-04",
    "sentence": "A sentence.",
    "char_start": 0,
    "char_end": 1,
}


@pytest.fixture(scope="session")
def make_claims():
    """Build a valid claim frame from short records: unspecified fields get plain defaults.

    claim_id defaults to c0, c1, ...; date_end to date_start; for tolls, deaths_low/high follow
    the qualifier like the extractor does (exact: both, at_least/more_than: low, up_to: high).
    """

    def build(*records: dict) -> pd.DataFrame:
        rows = []
        for i, record in enumerate(records):
            row = {"claim_id": f"c{i}", **_DEFAULTS, **record}
            row.setdefault("date_end", row["date_start"])
            if row["claim_type"] == "death_toll":
                row.setdefault("qualifier", "exact")
            deaths, qualifier = row.get("deaths"), row.get("qualifier")
            if deaths is not None:
                if qualifier in ("exact", "at_least", "more_than"):
                    row.setdefault("deaths_low", deaths)
                if qualifier in ("exact", "up_to"):
                    row.setdefault("deaths_high", deaths)
            rows.append(row)
        return validate_claims(coerce_claims(rows))

    return build
