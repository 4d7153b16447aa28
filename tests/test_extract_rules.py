"""One test per extraction rule, on sentences written for these tests in wire-copy style."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from lib.articles import Article
from lib.claims import article_id_for, check_claims
from lib.extract import extract_article

WEDNESDAY = date(2012, 5, 16)


def claims(text: str, published: date = WEDNESDAY, outlet: str | None = "Reuters",
           title: str | None = None) -> pd.DataFrame:  # fmt: skip
    """Extract from `text` (optionally under a headline line) and check the frame is valid."""
    full = f"{title}\n\n{text}" if title else text
    body_start = len(title) + 1 if title else 0
    article = Article(article_id_for(full), title, full, published, outlet, None, "t", body_start)
    frame = extract_article(article)
    assert check_claims(frame) == []
    for row in frame.itertuples():
        assert full[row.sentence_start : row.sentence_start + len(row.sentence)] == row.sentence
    return frame


def tolls(text: str, **kwargs) -> pd.DataFrame:
    frame = claims(text, **kwargs)
    return frame[frame["claim_type"] == "death_toll"].reset_index(drop=True)


def only_toll(text: str, **kwargs) -> pd.Series:
    found = tolls(text, **kwargs)
    assert len(found) == 1, found[["deaths", "sentence"]]
    return found.iloc[0]


def day(value) -> date | None:
    return None if pd.isna(value) else pd.Timestamp(value).date()


# -- numbers and qualifiers -------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "deaths", "qualifier", "low", "high"),
    [
        ("Shelling killed 1,240 people in Homs, activists said.", 1240, "exact", 1240, 1240),
        ("Twenty-three soldiers died in the ambush, the army said.", 23, "exact", 23, 23),
        ("At least seven people were killed in Hama, residents said.", 7, "at_least", 7, None),
        (
            "More than 300 civilians have died in Idlib, the group said.",
            300,
            "more_than",
            300,
            None,
        ),
        ("Over 40 people were killed in Douma, activists said.", 40, "more_than", 40, None),
        ("Nearly 60 people were killed in Aleppo, activists said.", 60, "about", None, None),
        ("As many as 90 people were killed in Daraa, activists said.", 90, "up_to", None, 90),
        ("A dozen people were killed in Rastan, activists said.", 12, "about", None, None),
    ],
)
def test_counts_and_qualifiers(text, deaths, qualifier, low, high):
    toll = only_toll(text)
    assert (toll.deaths, toll.qualifier) == (deaths, qualifier)
    assert (None if pd.isna(toll.deaths_low) else toll.deaths_low) == low
    assert (None if pd.isna(toll.deaths_high) else toll.deaths_high) == high


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("Dozens of people were killed in Homs on Tuesday, activists said.", 24, 99),
        ("Hundreds of civilians have been killed in Aleppo, the group said.", 200, 999),
        ("Tens of thousands of people have died in the uprising, the U.N. said.", 20000, 99999),
    ],
)
def test_vague_counts_keep_deaths_null_with_an_interval(text, low, high):
    toll = only_toll(text)
    assert toll.qualifier == "vague" and pd.isna(toll.deaths)
    assert (toll.deaths_low, toll.deaths_high) == (low, high)


# -- deaths only when deaths are claimed ----------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "Security forces wounded 30 protesters in Deraa, residents said.",
        "Police arrested 200 people in Banias on Friday, activists said.",
        "At least 5,000 refugees have fled to Turkey, the U.N. said.",
        "A 12-year-old boy was shot in the leg in Homs, his father said.",
        "Annan's six-point plan calls for a ceasefire and the release of detainees.",
        "The Assad family has ruled Syria for more than four decades.",
        "The uprising began in March 2011 with protests in Deraa.",
        "The protests erupted more than a year ago, activists said.",
        "Troops surrounded the town 14 months ago, residents said.",
        "The army sent 30 tanks and 12 armoured vehicles into Rastan, activists said.",
        "The opposition has three options, the council said.",
        "Fighting lasted five days, a rebel commander said.",
        "Ahmed Saleh, 34, was arrested at a checkpoint, his brother said.",
        "The 15 men, aged between 18 and 40, were released on Monday.",
        "It is one where people are dying, the envoy said.",
        # more than a count column holds, or than any count of people: an amount, a typo
        "Officials said 120000000000000000000000 people were killed, the garbled feed read.",
        pytest.param(f"A wire said {'9' * 400}.5 people were killed in Homs.", id="400 digits"),
        "Between 20 and 90,000,000,000 people were killed there, the page claimed.",
    ],
)
def test_traps_are_not_death_tolls(text):
    assert tolls(text).empty


def test_no_casualties_is_a_claim_of_zero_deaths():
    toll = only_toll(
        "A bomb exploded near a bakery in Aleppo. There were no casualties, SANA said."
    )
    assert (toll.deaths, toll.qualifier, toll.source) == (0, "exact", "SANA")


def test_wounded_and_killed_in_one_sentence_keeps_only_the_dead():
    toll = only_toll("The blast killed nine people and wounded 40 in Damascus, state TV said.")
    assert toll.deaths == 9


def test_death_toll_noun_far_from_its_number():
    toll = only_toll("The death toll from Monday's car bomb in Aleppo has risen to 31, SANA said.")
    assert (toll.deaths, toll.governorate) == (31, "SY-HL")


# -- sub-counts and victims ------------------------------------------------------------------
def test_sub_counts_point_at_their_toll():
    found = tolls(
        "Government shelling killed 41 people in Homs, including 11 children and six women, "
        "the Observatory said."
    )
    parent = found[found["deaths"] == 41].iloc[0]
    subs = found[found["part_of"].notna()]
    assert set(subs["deaths"]) == {11, 6}
    assert (subs["part_of"] == parent.claim_id).all()
    assert set(subs["victims"]) == {"civilians"}
    assert pd.isna(parent.part_of)


def test_same_family_sub_count():
    found = tolls(
        "Troops killed 25 people in Houla, 12 of them from the same family, activists said."
    )
    sub = found[found["deaths"] == 12].iloc[0]
    assert sub.part_of == found[found["deaths"] == 25].iloc[0].claim_id


@pytest.mark.parametrize(
    ("text", "victims"),
    [
        ("Rebels killed 14 soldiers near Idlib, the Observatory said.", "security_forces"),
        ("Eight policemen were killed in Deir ez-Zor, SANA said.", "security_forces"),
        ("Twelve civilians died in the shelling of Hama, activists said.", "civilians"),
        ("The army said it had killed 20 gunmen in Rastan.", "rebels"),
        ("Thirty people were killed in Homs, activists said.", "all"),
    ],
)
def test_victims(text, victims):
    assert only_toll(text).victims == victims


# -- who says it -------------------------------------------------------------------------------
def test_alias_becomes_canonical_source_with_kind_and_text_as_written():
    toll = only_toll(
        "Nineteen people were killed in Idlib, the Britain-based Syrian Observatory for Human "
        "Rights said."
    )
    assert toll.source == "Syrian Observatory for Human Rights"
    assert toll.source_kind == "opposition_monitor"
    assert toll.source_text == "the Britain-based Syrian Observatory for Human Rights"


def test_according_to_and_inverted_said():
    first = only_toll("Fourteen soldiers were killed in Daraa, according to state television.")
    assert (first.source, first.source_kind) == ("Syrian state television", "state_media")
    second = only_toll("Eleven people died in Homs on Sunday, said Omar Hamza of the LCC.")
    assert second.source == "Local Coordination Committees of Syria"  # he speaks for it


def test_pronoun_resolves_to_the_last_named_speaker():
    frame = claims(
        'U.N. envoy Kofi Annan met Assad in Damascus. "The killing must stop," Annan said. '
        "He said 30 people had been killed in Homs since Friday."
    )
    toll = frame[frame["claim_type"] == "death_toll"].iloc[0]
    assert (toll.source, toll.source_kind) == ("Kofi Annan", "un_international")


def test_unnamed_speaker_with_a_place_and_the_place_of_the_claim():
    toll = only_toll("A resident in Rastan said 16 people were killed in Talbiseh.")
    assert toll.source == "resident in Rastan" and toll.source_kind == "activist"
    assert toll.place == "Talbiseh" and toll.governorate == "SY-HI"  # as written


def test_unattributed_claims_belong_to_the_outlet():
    toll = only_toll("Six people were killed in Homs.", outlet="AFP")
    assert (toll.source, toll.source_kind) == ("AFP", "reporter") and pd.isna(toll.source_text)
    anonymous = only_toll("Six people were killed in Homs.", outlet=None)
    assert anonymous.source == "reporter"


def test_a_sentence_continues_the_source_of_the_previous_one():
    found = tolls("SANA said a bomb hit a bus in Aleppo on Tuesday. Four passengers were killed.")
    toll = found.iloc[0]
    assert (toll.source, toll.governorate, day(toll.date_start)) == (
        "SANA",
        "SY-HL",
        date(2012, 5, 15),
    )


# -- where -------------------------------------------------------------------------------------
def test_nationwide_has_no_governorate():
    toll = only_toll("At least 35 people were killed across the country, activists said.")
    assert (toll.geo_precision, toll.place) == ("country", "Syria") and pd.isna(toll.governorate)


def test_several_governorates_are_listed_never_split():
    toll = only_toll("SANA said 11 soldiers were killed in Homs, Hama and Deir ez-Zor.")
    assert toll.deaths == 11 and pd.isna(toll.governorate)
    assert list(toll.governorates) == ["SY-HI", "SY-HM", "SY-DY"]


@pytest.mark.parametrize(
    ("text", "place", "governorate"),
    [
        (
            "Troops killed 12 people in the Damascus suburb of Douma, activists said.",
            "Douma",
            "SY-RD",
        ),
        (
            "Nine people died when shells hit the Idlib province town of Saraqeb.",
            "Saraqeb",
            "SY-ID",
        ),
    ],
)
def test_a_container_name_only_locates_the_place_it_contains(text, place, governorate):
    toll = only_toll(text)
    assert (toll.place, toll.governorate, toll.geo_precision) == (place, governorate, "town")


def test_town_resolves_to_its_governorate():
    toll = only_toll("Five people were killed in the town of Saraqeb, activists said.")
    assert (toll.governorate, toll.geo_precision) == ("SY-ID", "town")


# -- when --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("phrase", "start", "end", "precision"),
    [
        ("on Wednesday", date(2012, 5, 16), date(2012, 5, 16), "day"),
        ("on Monday", date(2012, 5, 14), date(2012, 5, 14), "day"),
        ("on Thursday", date(2012, 5, 10), date(2012, 5, 10), "day"),
        ("yesterday", date(2012, 5, 15), date(2012, 5, 15), "day"),
        ("overnight", date(2012, 5, 16), date(2012, 5, 16), "day"),
        ("last week", date(2012, 5, 7), date(2012, 5, 13), "range"),
        ("on May 2", date(2012, 5, 2), date(2012, 5, 2), "day"),
        ("on December 30", date(2011, 12, 30), date(2011, 12, 30), "day"),
    ],
)
def test_time_expressions_against_the_publication_date(phrase, start, end, precision):
    toll = only_toll(f"Nine people were killed in Hama {phrase}, activists said.")
    assert (day(toll.date_start), day(toll.date_end), toll.date_precision) == (
        start,
        end,
        precision,
    )
    assert not toll.cumulative


@pytest.mark.parametrize(
    "phrase", ["since the uprising began", "since March 2011", "since the start of the revolt"]
)
def test_totals_since_the_start_are_cumulative(phrase):
    toll = only_toll(f"More than 10,000 people have been killed {phrase}, the U.N. says.")
    assert toll.cumulative and toll.date_precision == "range"
    assert (day(toll.date_start), day(toll.date_end)) == (date(2011, 3, 15), WEDNESDAY)


def test_a_second_total_after_a_dated_conflict_start_is_cumulative_too():
    found = tolls(
        "Rights groups say more than 8,000 people have died since the revolt erupted in "
        "March 2011, while officials say 1,500 soldiers and police have been killed."
    )
    assert sorted(found.deaths.tolist()) == [1500, 8000]
    assert found.cumulative.all()
    assert {day(d) for d in found.date_start} == {date(2011, 3, 15)}


def test_no_time_expression_is_the_report_date_flagged_inferred():
    toll = only_toll("Four people were killed in Homs, activists said.")
    assert (day(toll.date_start), toll.date_precision) == (WEDNESDAY, "day_inferred")


# -- events ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "event_type"),
    [
        ("Army tanks shelled the Bab Amr district of Homs on Monday, activists said.", "shelling"),
        ("Warplanes carried out air strikes on Maarat al-Numan, residents said.", "air_strike"),
        ("Rebels clashed with troops in Aleppo overnight, the Observatory said.", "clashes"),
        ("Security forces raided homes in Douma and arrested dozens of men.", "raid"),
        ("Rebels captured a military checkpoint near Saraqeb, activists said.", "takeover"),
        ("Rebels withdrew from Qusair after a week of fighting, a commander said.", "withdrawal"),
        ("Thousands of mourners attended a funeral in Deraa, activists said.", "funeral"),
        ("A car bomb exploded outside a security building in Damascus.", "bombing"),
        ("Gunmen torched a police station in Hama, SANA said.", "arson"),
    ],
)
def test_event_types(text, event_type):
    frame = claims(text)
    assert event_type in set(frame.loc[frame["claim_type"] == "event", "event_type"])


def test_promises_and_plans_are_not_events():
    frame = claims("The government promised to withdraw its troops and would stop troop movement.")
    assert frame[frame["claim_type"] == "event"].empty


def test_control_events_reported_by_a_side_carry_a_topic():
    frame = claims("State television said troops had recaptured the town of Qusair on Wednesday.")
    event = frame[frame["event_type"] == "takeover"].iloc[0]
    assert event.topic == "control of Qusair" and event.governorate == "SY-HI"
    assert "recaptured" in event.position


# -- statements --------------------------------------------------------------------------------
def test_statement_topic_and_position_are_the_speakers_words():
    frame = claims(
        "British Foreign Secretary William Hague said on Tuesday that Syria was on the edge of "
        "civil war."
    )
    said = frame[frame["claim_type"] == "statement"].iloc[0]
    assert (said.source, said.source_kind, said.topic) == (
        "William Hague", "foreign_government", "is it a civil war"
    )  # fmt: skip
    assert said.position == "Syria was on the edge of civil war"
    assert day(said.date_start) == date(2012, 5, 15)


def test_quoted_statement_with_trailing_speaker():
    frame = claims(
        '"We are not sending weapons to anyone in Syria," the Russian foreign ministry said.'
    )
    said = frame[frame["claim_type"] == "statement"].iloc[0]
    assert said.topic == "arms to Syria" and said.source_kind == "foreign_government"
    assert said.position == "We are not sending weapons to anyone in Syria"


def test_unattributed_text_makes_no_statement():
    frame = claims("The arms embargo has not stopped deliveries of weapons to Syria.")
    assert frame[frame["claim_type"] == "statement"].empty


# -- text hygiene ------------------------------------------------------------------------------
def test_repeated_lines_and_furniture_are_dropped_and_the_headline_kept():
    body = (
        "Seven people were killed in Hama on Monday, activists said.\n\n"
        "Seven people were killed in Hama on Monday, activists said.\n\n"
        "Related Coverage\n\nClick to expand the map\n\n"
        "Troops shelled Rastan, residents said."
    )
    frame = claims(body, title="Seven killed in Hama as troops shell Rastan")
    assert len(frame[frame["claim_type"] == "death_toll"]) == 1  # repeat and headline deduped
    assert not frame["sentence"].str.contains("Related|Click").any()
    assert "shelling" in set(frame["event_type"].dropna())


def test_claim_ids_are_stable_across_runs():
    text = "At least 12 people were killed in Idlib on Tuesday, the LCC said."
    assert list(claims(text)["claim_id"]) == list(claims(text)["claim_id"])


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("Between 20 and 30 people were killed in Hama, activists said.", 20, 30),
        ("The fighting has killed 5,000-6,000 people, the group said.", 5000, 6000),
    ],
)
def test_ranges_are_intervals(text, low, high):
    # the corpus rule: "between 40 and 50" -> deaths 40 (the number as written), deaths_high 50
    toll = only_toll(text)
    assert (toll.qualifier, toll.deaths_low, toll.deaths_high) == ("at_least", low, high)
    assert toll.deaths == low


@pytest.mark.parametrize(
    ("phrase", "start"),
    # "in the past 10 days" counts back ten days from the report (the corpus convention)
    [("Since Friday,", date(2012, 5, 11)), ("In the past 10 days,", date(2012, 5, 6))],
)
def test_spans_up_to_the_report_date(phrase, start):
    toll = only_toll(f"{phrase} at least 80 people have been killed in Homs, activists said.")
    assert (day(toll.date_start), day(toll.date_end)) == (start, WEDNESDAY)
    assert toll.date_precision == "range" and not toll.cumulative


def test_a_sub_count_keeps_its_own_place_and_the_toll_does_not_take_it():
    found = tolls("A total of 37 people were killed, including 12 in Daraa, activists said.")
    total, sub = found.iloc[0], found.iloc[1]
    assert total.deaths == 37 and pd.isna(total.governorate)
    assert (sub.deaths, sub.governorate, sub.part_of) == (12, "SY-DR", total.claim_id)


def test_inverted_attribution_past_descriptors_and_organisation_of_a_name():
    first = only_toll(
        "Eleven people died in Hama, according to the London-based Syrian Observatory."
    )
    assert (first.source, first.source_kind) == (
        "Syrian Observatory for Human Rights", "opposition_monitor"
    )  # fmt: skip
    second = only_toll(
        "Nine civilians were killed in Douma, said Ahmad Karimi, a spokesman of the LCC."
    )
    assert (second.source, second.source_kind) == (
        "Local Coordination Committees of Syria", "opposition_monitor"
    )  # fmt: skip


def test_headline_toll_with_a_verb_in_the_present():
    title = "Syria's death toll tops 100 as troops storm Rastan"
    toll = only_toll("Troops entered Rastan on Monday, activists said.", title=title)
    assert (toll.deaths, toll.victims, toll.sentence) == (100, "all", title)


def test_victims_behind_quotation_marks():
    assert only_toll('The army said it had killed 30 "terrorists" in Idlib.').victims == "rebels"


def test_killed_or_wounded_is_not_a_death_toll():
    assert tolls("Troops killed or wounded 30 people in Homs, activists said.").empty


@pytest.mark.parametrize(
    "text",
    ["U.N. observers were deployed in Homs on Monday.", "France withdrew its ambassador."],
)
def test_triggers_about_something_else_are_not_events(text):
    assert claims(text)["event_type"].dropna().empty


def test_sub_counts_of_the_previous_sentence_and_standalone_dead():
    found = tolls(
        "The Observatory said 63 people died across Syria on Monday. Of the dead, 20 were "
        "civilians. The dead included 10 soldiers and four army defectors."
    )
    # the corpus rule: a breakdown stated in a sentence of its own is a claim of its own
    assert list(found["deaths"]) == [63, 20, 10, 4] and found["part_of"].isna().all()
    assert list(found["victims"]) == ["all", "civilians", "security_forces", "rebels"]
    alone = tolls("The dead included 10 soldiers and four army defectors, activists said.")
    assert list(alone["deaths"]) == [10, 4] and alone["part_of"].isna().all()
    assert list(alone["victims"]) == ["security_forces", "rebels"]


def test_a_sub_count_marker_without_a_toll_is_not_a_toll():
    assert tolls("Protesters including 20 women marched in Hama on Friday.").empty


@pytest.mark.parametrize(
    ("text", "victims"),
    [
        ("A policeman was killed by a roadside bomb in Deraa, SANA said.", "security_forces"),
        ("An 11-year-old girl was shot dead by a sniper in Homs, activists said.", "civilians"),
    ],
)
def test_a_single_victim_is_a_toll_of_one(text, victims):
    toll = only_toll(text)
    assert (toll.deaths, toll.qualifier, toll.victims) == (1, "exact", victims)


def test_a_single_speaker_is_not_a_toll():
    assert tolls("An activist in Homs said the army was shelling the city.").empty


def test_a_participle_keeps_the_speaker_of_its_sentence():
    frame = claims(
        "In Beijing, Foreign Minister Yang Jiechi defended China's veto, saying sanctions "
        "would only deepen the crisis."
    )
    said = frame[frame["claim_type"] == "statement"]
    assert set(said["source"]) == {"Yang Jiechi"}
    assert said.iloc[0].topic == "UN resolution"  # the veto comes first


def test_without_a_headline_the_first_sentence_is_body():
    found = tolls("At least 20 people were killed in Hama. Activists said 20 people were killed.")
    assert len(found) == 2


@pytest.mark.parametrize(
    ("phrase", "start", "end", "precision", "cumulative"),
    [
        ("in 2011", date(2011, 1, 1), date(2011, 12, 31), "year", False),
        ("since 2011", date(2011, 3, 15), WEDNESDAY, "range", True),
        ("last year", date(2011, 1, 1), date(2011, 12, 31), "year", False),
    ],
)
def test_years(phrase, start, end, precision, cumulative):
    # a count small enough for one event: 5,000 in a year would be a running total
    toll = only_toll(f"More than 50 people were killed {phrase}, the group said.")
    assert (day(toll.date_start), day(toll.date_end)) == (start, end)
    assert (toll.date_precision, bool(toll.cumulative)) == (precision, cumulative)


def test_a_number_of_is_vague():
    toll = only_toll("Troops killed a number of gunmen in Idlib, SANA said.")
    assert (toll.qualifier, toll.deaths_low, toll.deaths_high, toll.victims) == (
        "vague", 2, 20, "rebels"
    )  # fmt: skip


def test_a_gazetteer_name_inside_a_longer_name_is_not_a_place():
    # "Bab" (al-Bab, Aleppo) inside "Bab Amr": the Homs district (curated gazetteer), not al-Bab
    toll = only_toll("Nine people were killed in Bab Amr on Monday, activists said.")
    assert (toll.place, toll.governorate) == ("Bab Amr", "SY-HI")
    toll = only_toll("Nine people were killed near Aleppo University, activists said.")
    assert pd.isna(toll.governorate) and toll.geo_precision == "unknown"


def test_killed_or_arrested_is_not_a_death_toll():
    assert tolls("Hundreds of people were killed or arrested in Homs, activists said.").empty


def test_a_historical_toll_keeps_its_year():
    toll = only_toll("The 1982 Hama massacre killed thousands, rights groups say.")
    assert (day(toll.date_start), toll.date_precision) == (date(1982, 1, 1), "year")


def test_explicit_attribution_is_more_confident_than_a_pronoun():
    frame = tolls(
        'Annan met Assad on Monday. "It must stop," Annan said. He said 30 people died in Homs. '
        "Kofi Annan said 30 people died in Homs."
    )
    pronoun, named = frame.iloc[0], frame.iloc[1]
    assert (pronoun.source, named.source) == ("Kofi Annan", "Kofi Annan")
    assert pronoun.confidence < named.confidence


def test_appositive_name_is_the_speaker_with_the_kind_of_its_title():
    frame = claims(
        'The U.S. ambassador to the U.N., Susan Rice, said she was "disgusted" by the veto.'
    )
    said = frame[frame["claim_type"] == "statement"].iloc[0]
    assert (said.source, said.source_kind, said.topic) == (
        "Susan Rice", "foreign_government", "UN resolution"
    )  # fmt: skip


def test_position_starts_after_that_only_when_that_opens_the_clause():
    frame = claims(
        "British Foreign Secretary William Hague told reporters on Monday that Syria faced "
        "civil war. Hague said the veto was an error and that Assad must go."
    )
    said = frame[frame["claim_type"] == "statement"]
    assert list(said["position"]) == [
        "Syria faced civil war",
        "the veto was an error and that Assad must go",
    ]
