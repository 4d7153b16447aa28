"""Add one article with hand-made claims to a fixture store: the page tests' way of putting
new, hostile or late data in front of the dashboard without the extractor."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from lib.articles import Article
from lib.claims import make_claim_id
from lib.store import open_store
from tests.fixture_store import fixture_claims

SEED_000 = "86036668c76eadc4"  # CNN, 2012-04-04: 18 claims


def add_article(
    db: str | Path,
    article_id: str,
    *,
    title: str | None,
    outlet: str | None,
    published: dt.date,
    text: str,
    claims: pd.DataFrame,
) -> None:
    """Store `text` as a new article whose claims are `claims` (any article's rows: the article
    id and claim ids are rewritten, so the spans must fit `text`)."""
    claims = claims.assign(article_id=article_id).reset_index(drop=True)
    claims["claim_id"] = [
        make_claim_id(article_id, r.char_start, r.char_end, r.claim_type)
        for r in claims.itertuples()
    ]
    article = Article(article_id, title, text, published, outlet, None, None, 0)
    report = open_store(db).ingest([article], extract=lambda _: claims, version="fixture")
    if report.failed:
        raise RuntimeError(f"test article refused: {report.failed}")


def seed_claims(article_id: str = SEED_000, claim_type: str | None = None) -> pd.DataFrame:
    """The hand-checked claims of one seed article, optionally of one type."""
    claims = fixture_claims()
    claims = claims[claims["article_id"] == article_id]
    return claims if claim_type is None else claims[claims["claim_type"] == claim_type]
