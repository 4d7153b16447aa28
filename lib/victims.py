"""Who died, as the sources say: a breakdown of death tolls by victims group.

The extractor records each toll's `victims` (civilians, security forces, rebels, "all" when
the sentence does not say, "unknown"). This module lists, per group, how many tolls were
claimed, by how many sources, and the largest single claim with who made it. Death counts are
never added up: two sources' tolls, or a nationwide and a town toll, overlap.
"""

from __future__ import annotations

import pandas as pd

from lib.charts import claim_day, count_phrase

# Stored value -> words a reader understands; also the order groups are listed in.
VICTIM_LABELS = {
    "civilians": "Civilians",
    "security_forces": "Security forces",
    "rebels": "Rebels",
    "all": "Not specified (all victims)",
    "unknown": "Unknown",
}
BREAKDOWN_COLUMNS = ["victims", "death tolls", "sources", "largest claim", "claimed by", "on"]


def victims_label(value: object) -> str:
    """A victims value in words; a missing value (events, statements) is an empty string."""
    return VICTIM_LABELS.get(str(value), str(value)) if isinstance(value, str) else ""


def victims_breakdown(claims: pd.DataFrame) -> pd.DataFrame:
    """One row per victims group that has death tolls in `claims`, in `VICTIM_LABELS` order.

    Columns: victims (label), death tolls (number of toll claims), sources (how many name a
    toll for the group), largest claim (as qualified, by its lower bound), claimed by (its
    source), on (the day it is about). Counts of claims add up; deaths are never summed.
    """
    tolls = claims[(claims["claim_type"] == "death_toll") & claims["victims"].notna()]
    rows = []
    for value, label in VICTIM_LABELS.items():
        group = tolls[tolls["victims"] == value]
        if group.empty:
            continue
        lows = group["deaths_low"].astype("float64").fillna(-1.0)
        top = group.loc[lows.idxmax()].to_dict()
        rows.append(
            {
                "victims": label,
                "death tolls": len(group),
                "sources": group["source"].nunique(),
                "largest claim": count_phrase(
                    top["qualifier"], top["deaths"], top["deaths_low"], top["deaths_high"]
                ),
                "claimed by": top["source"],
                "on": claim_day(top),
            }
        )
    return pd.DataFrame(rows, columns=BREAKDOWN_COLUMNS)
