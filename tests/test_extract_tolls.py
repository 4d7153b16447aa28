"""Tolls: which numbers count the dead, who the dead were, what is never a toll, and time
linear in the text. Sentences written for these tests in the ways wire copy reports deaths."""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from lib.articles import Article
from lib.claims import article_id_for
from lib.extract.pipeline import claim_records
from lib.extract.text import MAX_SENTENCE_TOKENS, parse
from tests.growth import assert_linear
from tests.test_extract_rules import only_toll, tolls

DEV = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "dev"


def counted(text: str) -> list[tuple[int, str, str]]:
    """(deaths, qualifier, victims) of the tolls the scorer counts (no `part_of`)."""
    found = tolls(text)
    whole = found[found["part_of"].isna() & found["deaths"].notna()]
    return [(int(r.deaths), r.qualifier, r.victims) for r in whole.itertuples()]


# -- tolls the cue words claim -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "deaths", "victims"),
    [
        ("Gunmen stormed a village, slaughtering some 30 farmers, state TV said.", 30, "civilians"),
        ("Rockets caused the martyrdom of 5 citizens in Homs, SANA said.", 5, "civilians"),
        ("The bombing resulted in the death of 41 people, the ministry said.", 41, "all"),
        ("A blast in Hama claimed 17 lives and left over 30 wounded.", 17, "all"),
        ("The war has claimed lives of more than 90,000 people since 2011.", 90000, "all"),
        ("Soldiers shot dead nine protesters at a checkpoint, activists said.", 9, "civilians"),
        ("Residents said they estimated 70 dead after the raid on the town.", 70, "all"),
        ("The Observatory put the death toll in Idlib at 33 on Monday.", 33, "all"),
        ("The group had put the toll at around 8,000 dead by then.", 8000, "all"),
        ("At least 40 detainees were tortured to death in prison, the council said.", 40, "all"),
        ("Three more residents succumbed to their wounds on Friday.", 3, "civilians"),
    ],
)
def test_death_cues_before_and_after_the_number(text, deaths, victims):
    toll = only_toll(text)
    assert (toll.deaths, toll.victims) == (deaths, victims)


def test_a_toll_noun_far_from_its_number():
    text = (
        "The toll from several car bombings near the main mosque in the town of Nawa in "
        "southern Daraa rose to at least 19 people, the monitor said."
    )
    toll = only_toll(text)
    assert (toll.deaths, toll.qualifier) == (19, "at_least")


def test_a_change_of_toll_keeps_the_new_one():
    assert counted("The death toll rose from 14 to 22 overnight, the group said.") == [
        (22, "exact", "all")
    ]


@pytest.mark.parametrize(
    ("text", "deaths"),
    [
        ("Twenty-three soldiers were killed near Idlib, the army said.", 23),
        ("Two hundred and twelve people have died in the siege, doctors said.", 212),
        ("The raid killed forty-one villagers, residents said.", 41),
    ],
)
def test_numbers_written_as_words(text, deaths):
    assert only_toll(text).deaths == deaths


def test_a_range_is_its_lower_end_with_the_upper_kept():
    toll = only_toll("Between 60 and 75 bodies were pulled from the rubble, medics said.")
    assert (toll.deaths, toll.deaths_low, toll.deaths_high) == (60, 60, 75)
    assert toll.qualifier == "at_least"  # no qualifier word, and not an exact count


# -- asides, ellipsis, lists, breakdowns -------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "At least 31 people, including nine children and four women from one family, "
            "were killed in the shelling, the monitor said.",
            [(31, "at_least", "all")],
        ),
        (
            "Nearly 12 of these men -- all soldiers -- died in the ambush, the group said.",
            [(12, "about", "security_forces")],
        ),
        (
            "Kurdish fighters killed 22 Islamic State (IS) militants near the town.",
            [(22, "exact", "rebels")],
        ),
        (
            "Eight rebels died in the clashes, activists said, as were five soldiers.",
            [(8, "exact", "rebels"), (5, "exact", "security_forces")],
        ),
        (
            "Residents said 14 people were killed in Douma, three in Harasta and one in Arbin.",
            [(14, "exact", "all"), (3, "exact", "all"), (1, "exact", "all")],
        ),
        (
            "The group said nine people died in Daraa, four each in Hama and Idlib.",
            [(9, "exact", "all"), (4, "exact", "all")],
        ),
        (
            "Many had died; six children and two women, a doctor said, among others.",
            [(6, "exact", "civilians"), (2, "exact", "civilians")],
        ),
        (
            "There were 40 soldiers among the 90 killed, the rest were civilians.",
            [(40, "exact", "security_forces"), (90, "exact", "all")],
        ),
    ],
)
def test_counts_across_asides_lists_and_ellipsis(text, expected):
    assert counted(text) == expected


def test_sub_counts_in_the_same_sentence_stay_part_of():
    found = tolls("At least 50 people were killed, including 12 children, activists said.")
    total = found[found["deaths"] == 50].iloc[0]
    sub = found[found["deaths"] == 12].iloc[0]
    assert sub.part_of == total.claim_id and sub.victims == "civilians"


@pytest.mark.parametrize(
    ("breakdown", "deaths", "victims"),
    [
        ("At least 30 of those killed were pro-government fighters.", 30, "security_forces"),
        ("Eleven of the dead were believed to be civilians.", 11, "civilians"),
        ("The dead included 14 rebels.", 14, "rebels"),
    ],
)
def test_a_breakdown_in_its_own_sentence_is_a_toll(breakdown, deaths, victims):
    found = tolls(f"The monitor said 70 people died in Aleppo on Sunday. {breakdown}")
    row = found[found["deaths"] == deaths].iloc[0]
    assert pd.isna(row.part_of) and row.victims == victims


def test_a_qualifier_reaches_over_a_list_of_counts():
    assert counted("At least 12 rebels and 7 soldiers were killed in Hama, the group said.") == [
        (12, "at_least", "rebels"),
        (7, "at_least", "security_forces"),
    ]


# -- victims -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "victims"),
    [
        ("Twenty security officers were killed in an ambush.", "security_forces"),
        ("At least 16 pro-government fighters died in the assault.", "security_forces"),
        ("Shelling killed 13 pro-regime militiamen near Latakia.", "security_forces"),
        ("Troops killed 25 militants in the mountains, state TV said.", "rebels"),
        ("The army killed 40 terrorists in Idlib countryside, SANA said.", "rebels"),
        ("Mortar shells killed seven citizens in Damascus, SANA said.", "civilians"),
        ("Troops shot dead five army deserters in Rastan, activists said.", "rebels"),
        ("Six civilians and law-enforcement members were martyred in a blast.", "all"),
        ("Turkish jets killed 18 Kurdish militants in the north, the army said.", "unknown"),
        ("The civilian death toll from the air raids rose to 61, the group said.", "civilians"),
        ("A man said his three brothers had been killed by a sniper.", "civilians"),
    ],
)
def test_victims_from_the_words_for_them(text, victims):
    assert only_toll(text).victims == victims


def test_a_count_without_a_noun_takes_the_victims_of_the_toll_before_it():
    found = counted("Sixty soldiers were killed on Monday, and another 14 were executed later.")
    assert found == [(60, "exact", "security_forces"), (14, "exact", "security_forces")]
    whole = counted("There were 25 rebels among the 80 executed, the group said.")
    assert whole == [(25, "exact", "rebels"), (80, "exact", "all")]  # the whole is not theirs


# -- never tolls -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Shells hit the Turkish town of Kilis, killing at least three people, officials said.",
        "Two Syrians were killed in Lebanon when their car was hit, police said.",
        "The imam, who had seven children, was among those killed.",
        "The rebel commander has four sons, his aide said.",
        "Warplanes carried out 40 air strikes on the town, killing dozens.",
        "The army fired 300 mortar shells and launched 12 raids in Homs, activists said.",
        "Thirty people were wounded and 12 arrested in Banias, residents said.",
        "More than 500 refugees crossed into Jordan on Tuesday.",
        "Aid workers saved 25 lives after the quake, the Red Crescent said.",
        "One of the victims was a doctor, the group said.",
        "The talks lasted 14 hours in Geneva, diplomats said.",
    ],
)
def test_not_deaths_in_syria(text):
    assert counted(text) == []


def test_a_singular_victim_inside_a_sub_count_is_no_toll_of_one():
    assert counted("Activists said 15 people, including a nurse and 6 rebels, were killed.") == [
        (15, "exact", "all")
    ]


# -- the development corpus: no toll missed, no trap taken ---------------------------------------
@pytest.mark.skipif(not DEV.exists(), reason="no ../shared/corpus/dev")
def test_dev_corpus_misses_no_toll_and_takes_no_trap():
    from lib.evaluate import score

    report = score(DEV)
    assert report.miss_categories.get("toll missed", 0) == 0, report.miss_categories
    assert report.traps_taken == []
    gold = [json.loads(line) for line in (DEV / "gold.jsonl").open(encoding="utf-8")]
    wanted = {(g["file"], g["deaths"]) for g in gold}
    strays = [e for e in report.extras if (e["file"], e["deaths"]) not in wanted]
    assert strays == []  # every number claimed as deaths is one the annotators counted


# -- linear time (issue 13) --------------------------------------------------------------------
def _run(text: str) -> list:
    article = Article(article_id_for(text), None, text, date(2012, 5, 16), None, None, "t", 0)
    return claim_records(article)


_TEXT = (
    "killed people in Homs at least soldiers wounded and including children said the toll "
    "rose to of those Monday Aleppo activists , 12 -- ( ) ; dead among"
)
_WORDS = _TEXT.split(" ")


def _random_words(n: int) -> str:
    rng = random.Random(13)
    return " ".join(rng.choice(_WORDS) for _ in range(n))


# (pattern, words): sized so that the smaller run takes a tenth of a second or more (on a
# loaded 2-core machine, shorter runs are at the mercy of the scheduler)
@pytest.mark.parametrize(
    ("make", "size"),
    [
        pytest.param(lambda n: " ".join(str(i % 97) for i in range(n)), 6000, id="digits"),
        pytest.param(_random_words, 8000, id="random words, no sentence end"),
        pytest.param(
            lambda n: " ".join(f"{i % 90 + 2} people were killed and" for i in range(n // 5)),
            4000,
            id="tolls, no sentence end",
        ),
        pytest.param(
            lambda n: (
                "At least 500 people were killed"
                + "".join(f", including {i % 50 + 2} children and" for i in range(n // 5))
            ),
            16000,
            id="sub-counts",
        ),
        pytest.param(
            lambda n: " ".join("-- all civilians -- ( IS ) , including" for _ in range(n // 9)),
            16000,
            id="asides",
        ),
    ],
)
@pytest.mark.slow
def test_time_is_linear_in_the_text(make, size):
    assert_linear(_run, make, size)


def test_over_long_sentences_are_cut_at_a_clause_break():
    text = " ".join(["word"] * 250 + [","] + ["word"] * 400)
    lengths = [len(s) for s in parse(text).sents]
    assert max(lengths) <= MAX_SENTENCE_TOKENS
    assert lengths[0] == 251  # cut after the comma, not in the middle of the words
    normal = "Five people were killed in Homs. " * 3
    assert [len(s) for s in parse(normal).sents] == [7, 7, 7]
