"""The extractor never raises on arbitrary text, always returns a valid frame, and its time
grows roughly linearly with the length of the text."""

from __future__ import annotations

import time
from datetime import date

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from lib.articles import Article
from lib.claims import article_id_for, check_claims
from lib.extract import extract_article

WIRE_TEXT = (
    "At least 12 people were killed in Homs on Tuesday , the Observatory said . "
    'including five children " he said \n\n dozens of soldiers since the uprising began '
    "no casualties across the country according to SANA 1,200 twenty-five Aleppo Idlib "
    "last week more than a year ago six-point plan ( LCC ) - ' wounded arrested"
)
WIRE_WORDS = WIRE_TEXT.split(" ")


def _article(text: str, published: date = date(2012, 4, 4)) -> Article:
    return Article(article_id_for(text), None, text, published, None, None, "fuzz", 0)


def _check(text: str) -> None:
    frame = extract_article(_article(text))
    assert check_claims(frame) == []
    for row in frame.itertuples():
        assert text[row.sentence_start : row.sentence_start + len(row.sentence)] == row.sentence


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
# Letters that match a time word only case-insensitively (long s, Kelvin sign, dotted I)
# once made the weekday lookup raise.
@example("Five people were killed on Tueſday, activists said.")
@example("SANA said 3 soldiers died on WEDNESDAY and on ſaturday.")
@example("The army shelled the town on FrİDAY.")
@example(f"At least {'9' * 30} people were killed, and {'9' * 400}.5 died.")  # beyond int64, inf
def test_never_raises_on_arbitrary_text(text):
    _check(text)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WIRE_WORDS), max_size=120).map(" ".join))
def test_never_raises_on_wire_like_word_salad(text):
    _check(text)


def _seconds(text: str) -> float:
    article = _article(text)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        extract_article(article)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.slow
def test_time_grows_roughly_linearly():
    paragraph = (
        "At least 23 people were killed in Homs on Friday, the Syrian Observatory for Human "
        "Rights said, including four children. Troops shelled Rastan and rebels withdrew from "
        'Qusair, activists said. "The killing must stop," Annan said on Thursday.\n\n'
    )
    one = "".join(paragraph.replace("23", str(20 + i)) for i in range(25))
    eight = "".join(paragraph.replace("23", str(20 + i)) for i in range(200))
    extract_article(_article(one))  # warm caches
    ratio = _seconds(eight) / _seconds(one)
    assert ratio < 16, f"8x the text took {ratio:.1f}x the time"
