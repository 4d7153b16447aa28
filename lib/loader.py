"""Loader: article files -> (articles frame, claims frame, errors), with nothing lost silently.

The dashboard reads the store (`lib/store.py`); this is the store-less path used by
`python -m lib.extract`, tests and scripts that want frames straight from files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd
import pyarrow as pa

from lib.articles import Article, LoadError, articles_frame, read_articles
from lib.claims import claims_frame, empty_claims

Extractor = Callable[[Article], pa.RecordBatch | pd.DataFrame]


@dataclass
class LoadResult:
    """What a load produced: every article read, every claim found, every failure named."""

    articles: pd.DataFrame
    claims: pd.DataFrame
    errors: list[LoadError] = field(default_factory=list)


def extract_all(
    articles: Iterable[Article], extract: Extractor | None = None
) -> tuple[pd.DataFrame, list[LoadError]]:
    """Run the extractor on each article; an article that makes it fail is reported, not fatal.
    The real extractor's Arrow batches become one frame at the end (a frame per article
    costs far more); an injected extractor may return frames."""
    if extract is None:
        from lib.extract import extract_batch as extract
    results, errors = [], []
    for article in articles:
        try:
            results.append(extract(article))
        except Exception as exc:  # one bad article must not stop the others
            name = article.path or article.article_id
            errors.append(LoadError(name, f"extraction failed: {type(exc).__name__}: {exc}"))
    if all(isinstance(r, pa.RecordBatch) for r in results):
        return claims_frame(results), errors
    frames = [f for f in results if len(f)]
    return (pd.concat(frames, ignore_index=True) if frames else empty_claims()), errors


def load(
    paths: Iterable[str | Path],
    published: date | None = None,
    extract: Extractor | None = None,
) -> LoadResult:
    """Read articles from files/folders and extract their claims."""
    articles, errors = read_articles(paths, published=published)
    claims, extract_errors = extract_all(articles, extract)
    return LoadResult(articles_frame(articles), claims, [*errors, *extract_errors])
