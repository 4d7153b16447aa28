"""Extraction: turn a news article into sourced claims with evidence spans (see
docs/extraction.md). `extract_article(article)` returns a valid `lib.claims` frame."""

from lib.extract.pipeline import EXTRACTOR_VERSION, extract_article, extract_articles

__all__ = ["EXTRACTOR_VERSION", "extract_article", "extract_articles"]
