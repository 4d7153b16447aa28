"""A claim store holding exactly the hand-checked seed claims, for dashboard and export tests.

The fixture file plays the extractor, so the numbers the tests expect are counted by hand
from tests/fixtures/seed_claims.jsonl and do not move when the real extractor improves.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from lib.articles import read_articles
from lib.claims import coerce_claims
from lib.store import open_store

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "seed_claims.jsonl"


def fixture_claims() -> pd.DataFrame:
    """The 27 seed claims as a claim frame."""
    lines = FIXTURE.read_text(encoding="utf-8").splitlines()
    return coerce_claims(json.loads(line) for line in lines if line.strip())


def make_fixture_store(path: str | Path, claims: pd.DataFrame | None = None) -> str:
    """Ingest the two seed articles into a store at `path` with the fixture (or `claims`)
    as their claims."""
    claims = fixture_claims() if claims is None else claims

    def extract(article) -> pd.DataFrame:
        return claims[claims["article_id"] == article.article_id].reset_index(drop=True)

    articles, errors = read_articles([ROOT / "seeds"])
    if errors:
        raise RuntimeError(f"seed articles failed to load: {errors}")
    result = open_store(path).ingest(articles, extract=extract, version="fixture")
    if result.failed:
        raise RuntimeError(f"fixture claims were refused: {result.failed}")
    return str(path)
