"""Extraction: turn a news article into sourced claims with evidence spans (see
docs/extraction.md). `extract_article(article)` returns a valid `lib.claims` frame and
`extract_batch(article)` the same claims as a checked Arrow batch (what the store writes)."""

from lib.extract.pipeline import EXTRACTOR_VERSION, extract_article, extract_articles, extract_batch

__all__ = ["EXTRACTOR_VERSION", "extract_article", "extract_articles", "extract_batch"]
