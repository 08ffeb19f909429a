"""The forms the outside set showed the guard missing (issue 19): a family's surname in the
plural, a word name with a sibling's age, NHS numbers in groups, a date of birth with no
name, case numbers in other words, a child described by where they live, an adult
relative's age, a baby born early, a name with its age in the next sentence, a family's
mobile "ringing the office"; and the false alarms that round showed. The development set
(tests/data/guard_forms_set.jsonl) holds the forms together; the examples here are other
sentences of the same forms, so a fix that fitted the set's sentences alone would fail."""

from __future__ import annotations

import pytest

from app.guard.detection import check_text
from tests.support.guard_set import FORMS_SET_PATH, labelled_set, score

RECALL_TARGET = 0.95
FALSE_ALARM_TARGET = 0.05


def kinds(text: str) -> set[str]:
    return {finding.kind for finding in check_text(text)}


def test_the_forms_set_meets_the_targets() -> None:
    result = score(labelled_set(FORMS_SET_PATH), lambda text: bool(check_text(text)))
    assert result.identifying >= 80 and result.ordinary >= 55
    assert result.recall >= RECALL_TARGET, [s.text for s in result.misses]
    assert result.false_alarm_rate <= FALSE_ALARM_TARGET, [s.text for s in result.alarms]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("We finally got the Kowalczyks into a two-bed last week.", "family_surname"),
        ("Mr Brennan and his three are staying with his sister.", "family_surname"),
        ("Willow and her baby sister are 6 and 2 and sleep in one bed.", "first_name_with_age"),
        ("the number on the red book is 834 110 2296", "nhs_number"),
        ("need to check a DOB please - 07/08/2013 - boy, new to the area", "date_of_birth"),
        ("mosaik 7720915 for the twins has the wrong school", "case_record_number"),
        ("case no 4418820 - the mum's address is wrong on the file", "case_record_number"),
        ("the boy in the bungalow at the top of Mill Street is 9 and alone a lot", "home_area"),
        ("grandma, 71, has the children most weekends", "first_name_with_age"),
        ("her boyfriend (33) is not allowed contact", "first_name_with_age"),
        ("the baby was born at 30 weeks and mum is 16", "baby_age"),
        ("Still worried about Kacper. He will be 16 in May and has nowhere to go.", "child_age"),
        ("mum keeps texting the office from 07888 120 334 late at night", "phone_number"),
        ("Bobbi-Jo, as she likes to be called, 13, is refusing school.", "name_introduced"),
        ("the youngest goes by the name Kai, he's scared of dad", "name_introduced"),
        ("Theo (in nursery) has had three injuries this term", "first_name_with_age"),
        ("dad is 24 and his baby's 5 weeks, both at his mum's", "baby_age"),
    ],
)
def test_each_form_is_found_in_new_words(text: str, kind: str) -> None:
    """Flagged; the kind is the form's own unless a longer overlapping passage (the general
    rule's) was kept instead."""
    found = kinds(text)
    assert found, text
    assert kind in found or found <= {"name_with_event", "first_name_with_age"}


@pytest.mark.parametrize(
    "text",
    [
        "Foster carer coffee morning, 8 Feb, 10-11.30am, in the family hub.",
        "Supervision on Oct 21, 2pm, room 4.",
        "Ours is 9 weeks long and mine is 12.",
        "Brother-in-law arrangements are covered in the kinship care guidance.",
        "reg 36 of the Care Planning Regulations covers short breaks for 14 days.",
        "It was a godsend and a blessing that the placement held.",
        "Keeping up with the Joneses is not a safeguarding concern.",
        "Meeting ID 845 221 9034, passcode 1234, for the panel.",
        "Job ref 7720915 for the family support worker post closes Friday.",
        "The family hub on Cross Street runs a stay and play for toddlers.",
        "Babies born before 28 weeks need specialist follow-up, the report says.",
        "Call the office on 0113 222 3344 to book the training room.",
        "The EDT manager's mobile is 07700 900 461 if the office is closed.",
        "Thanks to Amira for the session. It will be 5 on Monday for the next cohort.",
        "Sue (reception) has the keys to the contact room.",
        "Premature babies born at 32 weeks or earlier are eligible for the clinic.",
        "The hospital switchboard is 113 243 3144.",
        "My nan, 92, still sends me a birthday card.",
        "Babies aged between 6 and 12 months need a health review.",
    ],
)
def test_near_misses_stay_clean(text: str) -> None:
    assert check_text(text) == []
