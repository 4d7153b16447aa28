"""Dates: running totals, the deaths' day against the report's, and linear time.

Sentences here are written for these tests (patterns of English news reporting), never taken
from the corpus.
"""

from __future__ import annotations

import random
from datetime import date

import pytest

from lib.extract.dates import find_times, nearest_time
from lib.extract.text import parse
from tests.growth import MAX_RATIO, growth_ratio

_DOCS: dict[str, object] = {}


def _times_and_nearest(text: str) -> None:
    """find_times over one long sentence, then the nearest time of every 7th token."""
    doc = _DOCS.get(text)
    if doc is None:
        doc = _DOCS[text] = parse(text)
    for key in ("time_index", "comma_counts"):
        doc.user_data.pop(key, None)  # time the index too, not only its cached form
    mentions = find_times(doc[:], date(2012, 4, 4))
    for i in range(0, len(doc), 7):
        nearest_time(mentions, i, i + 1, doc)


_WORDS = [
    "on",
    "Monday",
    "killed",
    "5",
    "since",
    "the",
    "uprising",
    "began",
    "March",
    "4",
    ",",
    "yesterday",
    "last",
    "week",
    "the",
]


def _random_words(count: int) -> str:
    """`6 * count` words drawn from time words, numbers and commas (seeded)."""
    rng = random.Random(count)
    return " ".join(rng.choice(_WORDS) for _ in range(6 * count))


@pytest.mark.parametrize(
    "make_input",
    [
        pytest.param(lambda n: "on Monday, 5 killed, " * n, id="weekday-names"),
        pytest.param(lambda n: "Friday " * n, id="bare-weekdays"),
        pytest.param(lambda n: "March 4 May June 2012 " * n, id="months"),
        pytest.param(lambda n: "since the uprising began since March " * n, id="since"),
        pytest.param(
            lambda n: "yesterday last week in the past 3 days this week Jan. 6 the 1982 " * n,
            id="mixed",
        ),
        pytest.param(_random_words, id="random"),
    ],
)
def test_time_finding_is_linear_in_a_sentence_without_end(make_input):
    # The best of three ratios: other jobs on a shared machine can slow one large run, but a
    # quadratic step doubles the ratio every time (about 4x at this size).
    ratios = []
    for _ in range(3):
        ratios.append(growth_ratio(_times_and_nearest, make_input, 3000))
        if ratios[-1] <= MAX_RATIO:
            return
    pytest.fail(f"doubling the input took {min(ratios):.2f}x the time (> {MAX_RATIO}x)")
