"""The forms the third outside set showed the guard missing (issue 19, the third forms
round): a name in one sentence and the age or school year in the next, a child known from a
story and a place, a jigsaw of a parent's trade or disability with a town and a child, a
child by age at a named street, flats, nursery or unit, court and case references, single
slips ("River (8)", "JJ (10m)", "dad is 19", a part postcode, a birthday with its year, a
nickname the carers use), a plural surname on a street; and a service's own mailbox, which
is not private. The development set (tests/data/guard_forms3_set.jsonl) holds the forms
together; the examples here are other sentences of the same forms, in no set, so a fix that
fitted the set's sentences alone would fail."""

from __future__ import annotations

import pytest

from app.guard.detection import check_text
from tests.support.guard_set import FORMS3_SET_PATH, labelled_set, score

RECALL_TARGET = 0.95
FALSE_ALARM_TARGET = 0.05


def test_the_third_forms_set_meets_the_targets() -> None:
    result = score(labelled_set(FORMS3_SET_PATH), lambda text: bool(check_text(text)))
    assert result.identifying >= 60 and result.ordinary >= 80
    assert result.recall >= RECALL_TARGET, [s.text for s in result.misses]
    assert result.false_alarm_rate <= FALSE_ALARM_TARGET, [s.text for s in result.alarms]


@pytest.mark.parametrize(
    "text",
    [
        # a name, then the age or school year in the next sentence
        "Picked up Skylar from contact. Year 4, and she cried the whole way home.",
        "Poor Callum. At 10 years old he's the one getting his brothers to school.",
        "Went to see Amelia again. She wasn't in. Still only 15 and staying out all night.",
        "So Rhys has run off again. That's twice this week and he's still only 11.",
        # a child known from a story and a place
        "the lad who scored the winner for Halifax Town U13s is being exploited by older boys",
        "the 8yo from Selby whose cake stall raised £500 is now on a CP plan",
        "the girl from Whitby on the news who saved her sister is living with her nan",
        # a jigsaw: a parent's trade or disability, a town, a child
        "the barber in Brighouse whose 10 year old keeps turning up with bruises",
        "the deaf dad in the village outside Thirsk with a 4 year old at home",
        "the Polish mum and her 7-year-old staying with friends in Ossett",
        # a child by age at a named place
        "the 14yo who sleeps in the bus shelter on Holly Lane most nights",
        "The 2 year old at Busy Bees nursery with the mark on his face",
        "boy aged 13 at Elm Lodge respite unit punched a worker, staff called police",
        # court and case references
        "The care order for the 5 year old (case LE25C00991) is reviewed in June",
        "case ref SK-LAC-55012, the carers want to adopt",
        "The Mosaic references for the twins are 880121 and 880122.",
        # single slips
        "Rain (7) has not been seen at school since half term",
        "MB (9m) - missed immunisations, mum not engaging",
        "the NHS number we have for the 3yo is 1234567890, can someone check",
        "mum is 16 and living with her own mum",
        "home address 22 Fell View, Keighley BD21 - police aware",
        "his birthday's the 14th of May 2011 and he wants a party at his dad's",
        "Tilly-mint as her carers call her, 4, is settling in well",
        # a plural surname on a street
        "the Coopers on Well Lane are not letting us in",
    ],
)
def test_each_form_is_found_in_new_words(text: str) -> None:
    assert check_text(text), text


@pytest.mark.parametrize(
    "text",
    [
        "Spoke to Dr Ahmed. At 13 most children are still at the concrete stage.",
        "Met Gemma from the YOT. Year 10 pupils will get a knife crime session.",
        "Thanks to Paul, our practice lead. At 16 young people can register with a GP alone.",
        "The social worker from Hull who won the award is speaking at the conference.",
        "The charity's sponsored walk in Whitby raised £2k for the children's ward.",
        "The barber in Brighouse offers free haircuts to care leavers.",
        "Deaf parents in Thirsk can ask for an interpreter at conferences.",
        "Busy Bees nursery is recruiting a room leader.",
        "Elm Lodge respite unit was rated outstanding by Ofsted.",
        "The community fun day on Holly Lane is on Saturday, 10-4.",
        "Course code LE25C00991 starts in September.",
        "Job ref SK-CSC-55012 closes on Friday.",
        "Ticket 880121 for the training is confirmed.",
        "Rain (7mm) fell overnight, so the outdoor session moved indoors.",
        "Hull (14) had more referrals than Leeds.",
        "The boy who won the lottery in the film set in Leeds was played by a local actor.",
        "Dad is 16 years in the fire service.",
        "The NHS number is a 10 digit number on the red book.",
        "The project's birthday is 3 May 2011, when it first opened.",
        "Coffee-time as the carers call it, 11am, is in the lounge.",
        "The Beatles on Abbey Road is the album on the staff room wall.",
        "Fostering enquiries: fostering@calder-trust.example.co.uk, or ring 01422 393 000.",
        "Send referrals to the MASH email, mash@wakefield.example.org.uk.",
        "The virtual school's email is virtualschool@hull.example.com for PEP questions.",
    ],
)
def test_near_misses_stay_clean(text: str) -> None:
    assert check_text(text) == [], [(f.kind, f.text) for f in check_text(text)]


def test_a_private_address_after_a_parent_is_still_private() -> None:
    found = check_text("mum's email is fostering.fan77@example.com, she wants a call back")
    assert [f.kind for f in found] == ["email_address"]
