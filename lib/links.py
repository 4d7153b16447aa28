"""Links from any chart point or answer to the claims behind it, in the claims explorer.

A chart point that stands for claims carries their ids in its customdata as one text field
`claim_ref(ids)` ("claims:ID,ID"), wherever the field sits: a page finds them in a clicked
point with `referenced_claims` and links to `/claims?claim=ID,ID` (`explorer_query`), which
anyone can share.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

PREFIX = "claims:"


def claim_ref(claim_ids: object) -> str:
    """The customdata field naming a point's claims (comma-separated ids)."""
    return f"{PREFIX}{claim_ids}" if isinstance(claim_ids, str) and claim_ids else ""


def referenced_claims(points: Iterable[Mapping[str, Any]]) -> list[str]:
    """The claim ids named by selected chart points, in order, each once."""
    found: dict[str, None] = {}
    for point in points:
        for value in point.get("customdata") or []:
            if isinstance(value, str) and value.startswith(PREFIX):
                found.update(dict.fromkeys(i for i in value[len(PREFIX) :].split(",") if i))
    return list(found)


def article_link(article_id: str, claim_id: str) -> str:
    """Relative link to a claim's sentence, outlined in its article on the Articles page.

    It carries no filter: the article and the claim are found whatever filter the opening
    tab has, so the link can be shared as it is.
    """
    return f"articles?article={article_id}&claim={claim_id}"


def claim_ids_param(value: object) -> list[str]:
    """The ids of a `claim=` URL value (comma-separated; anything else is ignored)."""
    if not isinstance(value, str):
        return []
    return [part.strip() for part in value.split(",") if part.strip().isalnum()]
