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
