"""The claims explorer and the full export: every claim of a filter with its article.

`explorer_table` is what the /claims page shows: one row per claim, readable columns first,
with a link to its sentence in the article (the Articles page outlines `?claim=`) and to the
article's original URL. `search` narrows it by free text, `sort_table` orders it.
`full_table` is the full export (`python -m lib.export claims`): every field of the claim
model plus the article's title, outlet and URL; docs/codebook.md documents each column.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lib.charts import claims_table
from lib.claims import SCHEMA
from lib.links import article_link
from lib.victims import victims_label

# Sort name (URL `sort=`) -> (columns, ascending), applied to `explorer_table`'s frame.
SORTS: dict[str, tuple[list[str], list[bool]]] = {
    "newest": (["date", "source"], [False, True]),
    "oldest": (["date", "source"], [True, True]),
    "largest toll": (["lowest count", "date"], [False, False]),
    "source": (["source", "date"], [True, False]),
    "place": (["place", "date"], [True, False]),
}
# The explorer's readable columns, in order; the model's fields follow them.
FRONT = ["date", "source", "claim", "place", "precision", "governorate", "victims", "in article",
         "original", "sentence", "article"]  # fmt: skip
SEARCHED = ("sentence", "place", "source", "source_text")
ARTICLE_COLUMNS = {"title": "article_title", "outlet": "outlet", "url": "url"}


def search(claims: pd.DataFrame, text: str) -> np.ndarray:
    """Bool mask of claims (or `explorer_table` rows) whose sentence, place or source (as named
    or as written) contains every word of `text`.

    Case-insensitive, words in any order; an empty text keeps every claim.
    """
    words = text.casefold().split()
    keep = np.ones(len(claims), dtype=bool)
    if not words:
        return keep
    haystack = claims[SEARCHED[0]].fillna("").astype(str)
    for column in SEARCHED[1:]:
        haystack = haystack + "\n" + claims[column].fillna("").astype(str)
    haystack = haystack.str.casefold()
    for word in words:
        keep &= haystack.str.contains(word, regex=False).to_numpy(dtype=bool)
    return keep


def explorer_table(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """One row per claim as the explorer shows it, in the claims' order (index reset).

    Columns: date, source,
    claim, place, precision, governorate, victims, in article (link), original (the article's
    URL, or "" when none was stored), sentence, article, then the model's fields.
    """
    table = claims_table(claims).rename(columns={"geo_precision": "precision"})
    table = table.reset_index(drop=True)
    info = articles.set_index("article_id").reindex(table["article_id"])
    bylines = [
        " · ".join(str(v) for v in (title, outlet) if isinstance(v, str))
        for title, outlet in zip(info["title"], info["outlet"], strict=True)
    ]
    table["victims"] = [victims_label(v) for v in claims["victims"]]
    table["in article"] = list(map(article_link, table["article_id"], table["claim_id"]))
    table["original"] = info["url"].fillna("").to_numpy(dtype=object)  # "": no URL stored
    table["article"] = bylines
    table["lowest count"] = claims["deaths_low"].to_numpy()
    table["date_precision"] = claims["date_precision"].to_numpy()
    table["source_text"] = claims["source_text"].to_numpy()
    return table[[*FRONT, *(c for c in table.columns if c not in FRONT)]]


def sort_table(table: pd.DataFrame, how: str) -> pd.DataFrame:
    """`explorer_table` rows in one of `SORTS`' orders (unknown names: newest first)."""
    columns, ascending = SORTS.get(how, SORTS["newest"])
    return table.sort_values(columns, ascending=ascending, na_position="last", kind="stable")


def full_table(claims: pd.DataFrame, articles: pd.DataFrame) -> pd.DataFrame:
    """Every claim with every field of the claim model, then its article's title, outlet and
    URL: the full export. Dates are calendar dates, counts stay integers (nullable)."""
    out = claims[list(SCHEMA)].reset_index(drop=True)
    info = articles.set_index("article_id").reindex(out["article_id"])
    for column, name in ARTICLE_COLUMNS.items():
        out[name] = pd.array(info[column].to_numpy(), dtype="string")
    for column in ("date_start", "date_end", "published"):
        out[column] = pd.to_datetime(out[column]).dt.date.astype("object")
    return out
