"""Load the rule tables in `rules/` once: rules are data, so they can change without code."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

RULES_DIR = Path(__file__).resolve().parent / "rules"


@functools.cache
def load_rules(name: str) -> dict[str, Any]:
    """The parsed `rules/<name>.json` table (cached: every component reads it per document)."""
    with open(RULES_DIR / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)
