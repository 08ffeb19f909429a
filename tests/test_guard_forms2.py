"""The forms the second outside set showed the guard missing (issue 19, the second forms
round): a family made recognisable with no name, a child's age at a named setting, a label
with an age, family court case numbers, a date of birth near its label, a home address with
its postcode and a hotel room, "presented at the GP", surnames on a street, labelled NI
numbers, a nickname with an age, a year group a sentence after a name; and the false alarms
it showed. The development set (tests/data/guard_forms2_set.jsonl) holds the forms
together; the examples here are other sentences of the same forms, so a fix that fitted the
set's sentences alone would fail."""

from __future__ import annotations

import pytest

from app.guard.detection import check_text
from tests.support.guard_set import FORMS2_SET_PATH, labelled_set, score

RECALL_TARGET = 0.95
FALSE_ALARM_TARGET = 0.05


def kinds(text: str) -> set[str]:
    return {finding.kind for finding in check_text(text)}


def test_the_second_forms_set_meets_the_targets() -> None:
    result = score(labelled_set(FORMS2_SET_PATH), lambda text: bool(check_text(text)))
    assert result.identifying >= 85 and result.ordinary >= 80
    assert result.recall >= RECALL_TARGET, [s.text for s in result.misses]
    assert result.false_alarm_rate <= FALSE_ALARM_TARGET, [s.text for s in result.alarms]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("the only Turkish family in Mirfield, their boy is 10 and picked on", "family_surname"),
        ("Lithuanian family who run the barbers on King Street, their son (13)", "family_surname"),
        ("the deaf family on the Ings estate, their little girl is 5", "family_surname"),
        ("16yo placed at Ferndale Lodge in Huddersfield is being exploited", "home_area"),
        ("a 14 year old girl at the Grand Hotel in Scarborough with mum", "home_area"),
        ("the boys at the bottom of Fern Close are never in school", "home_area"),
        ("YP K, 15, is sleeping at his cousin's", "initials_with_age"),
        ("child B (age 8) came to school with a bruise on his cheek", "initials_with_age"),
        ("guardian on WF23P00912 has asked for a s7 report", "case_record_number"),
        ("DOB please? I've got 02/02/2017 but mum says otherwise", "date_of_birth"),
        ("the baby was born on Valentine's Day 2024 and is on a plan", "date_of_birth"),
        ("letter to nan at 23 Ash Grove, Dewsbury WF12 8AB, she has the kids", "street_address"),
        ("mum is in room 4 at the Riverside Inn, Hull with the baby", "street_address"),
        ("Aisha (7) presented at A&E with a burn", "name_with_event"),
        ("the Wilsons on Park Road, kids are never in school", "family_surname"),
        ("national insurance number jk 11 22 33 a, care leaver", "ni_number"),
        ("Smudge, 15, has been missing since Tuesday.", "first_name_with_age"),
        ("Bex, year 10, disclosed self-harm to her tutor.", "first_name_with_age"),
        ("Lewis is not coping. He's in Y8 now and refusing school.", "child_age"),
    ],
)
def test_each_form_is_found_in_new_words(text: str, kind: str) -> None:
    """Flagged; the kind is the form's own unless a longer overlapping passage (the general
    rule's) was kept instead."""
    found = kinds(text)
    assert found, text
    assert kind in found or found <= {"name_with_event", "first_name_with_age", "child_age"}


@pytest.mark.parametrize(
    "text",
    [
        "Tues 7th, 10-11am, case audit training in room 2.",
        "Sun 4th, 10-4, family fun day at the park.",
        "The Leeds children's services budget was cut by 5%.",
        "Out of hours for Kirklees: 01484 414 933.",
        "Front door number for Hull is 01482 448 879, professionals only.",
        "Autumn placements for first years are confirmed.",
        "Summer holidays start on 22 July.",
        "Eritrean families in Bristol are often housed in hotels.",
        "Somali families on the estate have set up a homework club.",
        "A Muslim family in the documentary on Channel 4, their daughter is 14.",
        "The only family hub in Goole closes at 5pm.",
        "The refuge in Doncaster has 12 rooms for women and children.",
        "Young people aged 16 at the Rosehill hostel get a key worker.",
        "Training at the Grand Hotel, Scarborough, room 4, 9-5.",
        "Child C (age 9) in the case study lived with his nan.",
        "Order ref LS23C00417 has shipped.",
        "Refer via the portal - DOB required, e.g. 01/01/2015.",
        "The hub at 2 Station Road, Goole DN14 5AA runs a baby clinic.",
        "Ben presented at the school governors' meeting.",
        "The Beatles on Abbey Road is a famous album cover.",
        "Chapter 3, 14 pages long.",
        "Calderdale (12) and Kirklees (15) had the most placements.",
        "I met the new IRO. She's 30 years in the job.",
        "Sarah from the fostering team said she's in Y2 of her PhD.",
    ],
)
def test_near_misses_stay_clean(text: str) -> None:
    assert check_text(text) == []
