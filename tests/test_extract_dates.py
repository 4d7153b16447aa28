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
from tests.growth import assert_linear
from tests.test_extract_rules import WEDNESDAY, day, only_toll, tolls

CONFLICT_START = date(2011, 3, 15)
SATURDAY = date(2012, 5, 19)


def _period(toll) -> tuple[date | None, date | None, bool]:
    return day(toll.date_start), day(toll.date_end), bool(toll.cumulative)


# -- running totals: from the start they name to the report ----------------------------------
@pytest.mark.parametrize(
    ("sentence", "start"),
    [
        # N months back that reach the uprising's first weeks count from its start
        ("Activists say more than 9,000 people have been killed in the past 14 months.",
         CONFLICT_START),
        ("The group put the toll of the air campaign in the past month at 250.", date(2012, 4, 16)),
        ("At least 500 people have died since the army's assault on the city began in "
         "mid-April, the group said.", date(2012, 4, 15)),
        ("Air strikes have killed more than 300 fighters since they began a month ago, the "
         "group said.", date(2012, 4, 16)),
        ("Shelling has killed at least 4,000 people since the summer, the group said.",
         date(2011, 6, 1)),
        ("At least 900 people have been killed in Aleppo so far this year, the group said.",
         date(2012, 1, 1)),
        ("The revolt, in which more than 9,000 people have died, goes on.", CONFLICT_START),
        ("Opposition groups say 11,000 people were killed from the start of the uprising.",
         CONFLICT_START),
        ("Opposition groups say 9,000 people have been killed in Syria’s civil war.",
         CONFLICT_START),
    ],
)  # fmt: skip
def test_running_totals_count_from_the_start_they_name(sentence, start):
    assert _period(only_toll(sentence)) == (start, WEDNESDAY, True)


def test_a_month_total_is_that_month():
    expected = (date(2012, 4, 1), date(2012, 4, 30), True)
    worst = "April was the deadliest month of the conflict, with 1,500 people killed, they said."
    assert _period(only_toll(worst)) == expected
    during = "Barrel bombs killed at least 40 civilians during the month of April, activists said."
    assert _period(only_toll(during)) == expected


def test_an_explicit_range_runs_between_its_dates():
    toll = only_toll(
        "Researchers listed 12,345 people killed between March 15, 2011 and April 30, 2012."
    )
    assert _period(toll) == (CONFLICT_START, date(2012, 4, 30), True)


def test_the_first_years_of_the_conflict_end_that_long_after_its_start():
    text = "The earlier report counted 60,000 deaths in the first two years of the conflict."
    toll = only_toll(text, published=date(2014, 8, 23))
    assert _period(toll) == (CONFLICT_START, date(2013, 3, 15), True)


@pytest.mark.parametrize(
    "sentence",
    [
        "The United Nations says more than 10,000 people have been killed.",
        "According to the United Nations, more than 10,000 people have died in the violence.",
    ],
)
def test_a_count_too_large_for_one_day_is_the_conflicts_running_total(sentence):
    assert _period(only_toll(sentence)) == (CONFLICT_START, WEDNESDAY, True)


def test_a_running_totals_as_of_date_is_when_its_source_spoke():
    toll = only_toll("The United Nations said on Monday that more than 10,000 people have died.")
    assert _period(toll) == (CONFLICT_START, date(2012, 5, 14), True)


@pytest.mark.parametrize(
    ("sentence", "start"),
    [
        ("In the last nine days, at least 217 people have been killed in the town, they said.",
         date(2012, 5, 7)),
        ("At least 120 people have been killed in the town this week, AFP reported.",
         date(2012, 5, 14)),
        ("Since Friday, 80 people have died in the town, the minister said.", date(2012, 5, 11)),
    ],
)  # fmt: skip
def test_one_event_over_a_few_days_is_a_span_not_a_running_total(sentence, start):
    assert _period(only_toll(sentence)) == (start, WEDNESDAY, False)


def test_a_short_span_ends_on_the_day_its_source_spoke():
    toll = only_toll(
        "Militants have executed 700 people in the last two weeks, a monitoring group said on "
        "Saturday."
    )
    assert _period(toll) == (date(2012, 4, 28), date(2012, 5, 12), False)


# -- running totals carried to the sentences that continue them ------------------------------
def test_counts_worded_as_part_of_a_running_total_continue_it_across_paragraphs():
    found = tolls(
        "Air strikes have killed 500 militants since they began a month ago, the group said.\n\n"
        "The bombing campaign has killed 553 people in all, the group said.\n\n"
        "In addition, 32 civilians have also been killed, the group said.\n\n"
        "Twenty people were killed in Homs, activists said."
    )
    periods = {int(t.deaths): _period(t) for t in found.itertuples()}
    running = (date(2012, 4, 16), WEDNESDAY, True)
    assert periods == {500: running, 553: running, 32: running, 20: (WEDNESDAY, WEDNESDAY, False)}


def test_a_count_with_its_own_day_does_not_continue_a_running_total():
    found = tolls(
        "More than 9,000 people have been killed since the uprising began, the UN says.\n\n"
        "On Monday, 20 people have been killed in Homs, activists said."
    )
    assert _period(found[found.deaths == 20].iloc[0]) == (date(2012, 5, 14),) * 2 + (False,)


# -- the deaths' day, not the report's ------------------------------------------------------
def test_a_speech_time_is_not_the_deaths_day_when_they_have_their_own():
    toll = only_toll("The Observatory said on Monday that 30 people were killed in Homs on Sunday.")
    assert _period(toll) == (date(2012, 5, 13), date(2012, 5, 13), False)


def test_a_speech_time_alone_still_dates_the_count():
    toll = only_toll("Activists said on Monday that 30 people were killed in Homs.")
    assert day(toll.date_start) == date(2012, 5, 14)


@pytest.mark.parametrize(
    ("published", "expected"),
    [
        (SATURDAY, date(2012, 5, 11)),
        (WEDNESDAY, date(2012, 5, 11)),
        (date(2012, 5, 21), date(2012, 5, 18)),
    ],
)
def test_last_friday_is_the_friday_of_the_week_before(published, expected):
    toll = only_toll("Last Friday, at least 44 people died in Homs.", published=published)
    assert day(toll.date_start) == expected


def test_late_in_a_month_is_its_last_ten_days():
    toll = only_toll("A massacre in late April in the village left over 100 dead.")
    assert _period(toll) == (date(2012, 4, 21), date(2012, 4, 30), False)
    assert toll.date_precision == "month"


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
    assert_linear(_times_and_nearest, make_input, 3000)


def test_part_of_a_month_start_takes_the_day_the_article_names():
    found = tolls(
        "At least 554 people have died since the assault on the town began in mid-April, "
        "the group said.\n\nThe assault began on Apr. 16."
    )
    assert _period(found.iloc[0]) == (date(2012, 4, 16), WEDNESDAY, True)
    alone = only_toll("At least 554 people have died since mid-April, the group said.")
    assert _period(alone) == (date(2012, 4, 15), WEDNESDAY, True)


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("The United Nations on Tuesday raised its toll for the unrest to more than 9,000.",
         (CONFLICT_START, date(2012, 5, 15), True)),
        ("More than 20,000 people were killed in 2011, the group said.",
         (CONFLICT_START, date(2011, 12, 31), True)),
        ("More than 3,000 people were killed in April, the group said.",
         (date(2012, 4, 1), date(2012, 4, 30), True)),
        # before this war: one event, not a running total
        ("The 1982 Hama massacre killed 10,000 people.",
         (date(1982, 1, 1), date(1982, 12, 31), False)),
    ],
)  # fmt: skip
def test_a_count_too_large_for_one_day_totals_the_period_its_sentence_names(sentence, expected):
    assert _period(only_toll(sentence)) == expected


@pytest.mark.parametrize("published", [date(1, 1, 5), date(9999, 12, 30)])
@pytest.mark.parametrize(
    "phrase",
    [
        "in the past 5000 years",
        "since they began 99999999 days ago",
        "the first 9999 years of the conflict",
        "since the summer",
        "last Friday",
        "during the month of December",
        "since mid-May, it said on Monday",
    ],
)
def test_a_period_off_the_calendar_is_no_time_not_a_crash(phrase, published):
    doc = parse(f"At least 20 people were killed {phrase}. The assault began on May 16.")
    for mention in find_times(doc[:], published):
        assert mention.when.start is None or mention.when.start <= mention.when.end


def test_a_datelines_date_is_the_reports_not_the_deaths():
    toll = only_toll(
        "DAMASCUS, May 16 (Xinhua) -- At least 16 gunmen were killed in clashes with troops in "
        "Idlib province on Monday, SANA said."
    )
    assert day(toll.date_start) == date(2012, 5, 14)


def test_a_possessive_time_after_a_speech_verb_is_the_deaths_day():
    toll = only_toll("Activists say yesterday's shelling left over 100 people dead in Homs.")
    assert day(toll.date_start) == date(2012, 5, 15)


def test_a_time_several_clauses_away_belongs_to_another_clause():
    toll = only_toll(
        "As many as 16 people have been killed across the country, activists said, a few "
        "hours after troops, backed by tanks, stormed a village in the north on Monday."
    )
    assert day(toll.date_start) == WEDNESDAY


def test_a_new_paragraph_naming_its_own_place_is_a_new_event_not_the_running_total():
    found = tolls(
        "More than 9,000 people have died in the uprising, according to the UN.\n\n"
        "In Aleppo, at least 20 people have been killed in shelling, activists said."
    )
    assert _period(found[found.deaths == 20].iloc[0]) == (WEDNESDAY, WEDNESDAY, False)
