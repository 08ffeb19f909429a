"""The anonymisation guard on its own: what each pattern catches, what it lets through, and
how often it speaks up on real published practice writing."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from app.guard.detection import PATTERNS, check_document, check_text, highlight
from tests.support.guard_set import (
    BLIND_SET_PATH,
    EIGHTH_OUTSIDE_SET_PATH,
    ELEVENTH_OUTSIDE_SET_PATH,
    FIFTH_OUTSIDE_SET_PATH,
    FOURTH_OUTSIDE_SET_PATH,
    FRESH_SET_PATH,
    NINTH_OUTSIDE_SET_PATH,
    OUTSIDE_SET_PATH,
    SECOND_OUTSIDE_SET_PATH,
    SEVENTH_OUTSIDE_SET_PATH,
    SIXTH_OUTSIDE_SET_PATH,
    TENTH_OUTSIDE_SET_PATH,
    THIRD_OUTSIDE_SET_PATH,
    UNSEEN_SET_PATH,
    corpus_sentences,
    labelled_set,
    score,
)

CORPUS = Path(__file__).resolve().parents[1] / "demo" / "corpus"  # copies of ../shared/corpus


def found(text: str) -> list[tuple[str, str]]:
    return [(finding.kind, finding.text) for finding in check_text(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NHS number 943 476 5919.", [("nhs_number", "943 476 5919")]),
        ("NHS no. 9434765919", [("nhs_number", "9434765919")]),
        ("ref 943-476-5919", [("nhs_number", "943-476-5919")]),
        ("Jayden Smith (4) was seen at school.", [("name_with_age", "Jayden Smith (4)")]),
        (
            "We met Jayden Smith, aged 4, and his sister",
            [("name_with_age", "Jayden Smith, aged 4")],
        ),
        ("Ellie-May O'Neill, 7 years old", [("name_with_age", "Ellie-May O'Neill, 7 years old")]),
        ("a 4-year-old Tyler Brown", [("name_with_age", "4-year-old Tyler Brown")]),
        ("Tyler Brown (born 12/03/2018)", [("name_with_age", "Tyler Brown (born 12/03/2018)")]),
        ("The Jayden Smith (4) case", [("name_with_age", "Jayden Smith (4)")]),
        ("DOB 03/02/2019", [("date_of_birth", "DOB 03/02/2019")]),
        ("d.o.b.: 3.2.19", [("date_of_birth", "d.o.b.: 3.2.19")]),
        ("date of birth 3rd February 2019", [("date_of_birth", "date of birth 3rd February 2019")]),
        ("She was born on 14 March 2017.", [("date_of_birth", "born on 14 March 2017")]),
        ("lives at LS6 2QT now", [("postcode", "LS6 2QT")]),
        ("postcode ls6 2qt", [("postcode", "ls6 2qt")]),
        ("SW1A 1AA", [("postcode", "SW1A 1AA")]),
        ("Ring 0113 247 8888 today", [("phone_number", "0113 247 8888")]),
        ("mobile 07700 900123", [("phone_number", "07700 900123")]),
        ("+44 (0)113 496 0000", [("phone_number", "+44 (0)113 496 0000")]),
        ("write to mum.smith@example.com", [("email_address", "mum.smith@example.com")]),
        ("Freya (12) and her brother", [("first_name_with_age", "Freya (12)")]),
        (
            "Oscar 7 and Isla 5 at contact",
            [("first_name_with_age", "Oscar 7"), ("first_name_with_age", "Isla 5")],
        ),
        ("Harvey turns 16 next week", [("first_name_with_age", "Harvey turns 16")]),
        ("Poppy, she's ten, told me", [("first_name_with_age", "Poppy, she's ten")]),
        ("a girl called Maisie", [("name_introduced", "called Maisie")]),
        ("in Year 4 at Oakwood Juniors", [("school_and_year", "Year 4 at Oakwood")]),
        ("they live on the Bell Lane estate", [("home_area", "live on the Bell Lane")]),
        ("he's from the flats by the ring road", [("home_area", "the flats by the ring")]),
        ("JT (14) was missing", [("initials_with_age", "JT (14)")]),
        ("young person K.M., 14", [("initials_with_age", "young person K.M.")]),
        ("The baby is 3 weeks old", [("baby_age", "baby is 3 weeks")]),
        ("Twins (10 months)", [("baby_age", "Twins (10 months")]),
        ("the Kowalski children", [("family_surname", "the Kowalski children")]),
        ("Jade (mum, 19)", [("first_name_with_age", "Jade (mum, 19)")]),
        ("Mosaic ID 7654321", [("case_record_number", "Mosaic ID 7654321")]),
        ("LCS ref 1234567", [("case_record_number", "LCS ref 1234567")]),
        ("Ryan disclosed to his teacher", [("name_with_event", "Ryan disclosed")]),
        ("a lad like Brandon - 14, excluded", [("first_name_with_age", "Brandon - 14")]),
        ("My 13 year old, Declan, is", [("first_name_with_age", "13 year old, Declan")]),
        ("the eldest boy, Tyson, answered", [("name_introduced", "eldest boy, Tyson")]),
        ("Child R.T. (aged 6) was seen", [("initials_with_age", "R.T. (aged 6)")]),
        ("Mosaic case 7712093 needs", [("case_record_number", "Mosaic case 7712093")]),
        ("they moved to 14 Harehills Lane last year", [("street_address", "14 Harehills Lane")]),
        ("Flat 3, 22 Beeston Road", [("street_address", "Flat 3, 22 Beeston Road")]),
        ("NI number AB 12 34 56 C", [("ni_number", "AB 12 34 56 C")]),
        ("any advice - tia is 14 and", [("first_name_with_age", "tia is 14")]),
        ("cla review for amelia 11 tomorrow", [("first_name_with_age", "amelia 11")]),
        ("re ellie marshall, 10, school", [("name_with_age", "ellie marshall, 10")]),
        ("says jack in yr 3 came in", [("first_name_with_age", "jack in yr 3")]),
        ("Macy yr 5 has no coat", [("first_name_with_age", "Macy yr 5")]),
        ("Riley - 10yrs - presenting", [("first_name_with_age", "Riley - 10yrs")]),
        ("Logan 13 arrested again", [("first_name_with_age", "Logan 13")]),
        ("a kid like Dexter? 9 yrs old", [("name_with_event", "Dexter")]),
        ("Twins Lily and Rose are 5", [("first_name_with_age", "Lily and Rose are 5")]),
        ("a lad called jordan who", [("name_introduced", "called jordan")]),
        ("we'll call him Reece", [("name_introduced", "call him Reece")]),
        ("The youngest, Archie, has", [("name_introduced", "youngest, Archie")]),
        ("older brother Jayden has", [("name_introduced", "older brother Jayden")]),
        ("Isabelle has been placed with", [("name_with_event", "Isabelle has been placed")]),
        ("Grace told the school nurse", [("name_with_event", "Grace told the school")]),
        ("at Parklands primary, year 2", [("school_and_year", "Parklands primary, year 2")]),
        (
            "they're in the high rise on Kirkstall road",
            [("home_area", "the high rise on Kirkstall")],
        ),
        ("moved into a house on Elm Street", [("home_area", "moved into a house on Elm Street")]),
        ("the 9mth old was left", [("baby_age", "9mth old")]),
        ("Mr and Mrs Nowak have asked", [("family_surname", "Mr and Mrs Nowak")]),
        ("the Whitakers have moved again", [("family_surname", "the Whitakers have")]),
        ("LL ID 556677", [("case_record_number", "LL ID 556677")]),
        ("the case (ICS 9981276)", [("case_record_number", "ICS 9981276")]),
        ("nhs no 485 777 3456", [("nhs_number", "485 777 3456")]),
        ("NHS number 943 476 5918", [("nhs_number", "943 476 5918")]),
        ("family at flat 12, Denton House", [("street_address", "flat 12, Denton House")]),
        # forms the blind set (tests/data/guard_blind_set.jsonl) showed were missed
        ("shes only 13", [("child_age", "shes only 13")]),
        ("Mariana 15yrs has been", [("first_name_with_age", "Mariana 15yrs")]),
        ("Gavin, the dad (52), insists", [("first_name_with_age", "Gavin, the dad (52)")]),
        ("grace is 6 n keeps", [("first_name_with_age", "grace is 6")]),
        ("The baby, Nevaeh, is back", [("name_introduced", "baby, Nevaeh")]),
        ("the little one (known as Lulu)", [("name_introduced", "known as Lulu")]),
        ("A girl I support, Oluwaseun, asked", [("name_introduced", "girl I support, Oluwaseun")]),
        ("Grandad Sullivan has the boys", [("name_introduced", "Grandad Sullivan")]),
        ("The boy from Westfield Primary has", [("child_school", "from Westfield Primary")]),
        (
            "Mercy, who attends Riverside High, said",
            [("child_school", "Mercy, who attends Riverside High")],
        ),
        ("Kieran, on the Lansdowne estate, is", [("home_area", "Kieran, on the Lansdowne estate")]),
        (
            "The two boys in Hamilton House, 5th floor, are alone",
            [("home_area", "Hamilton House, 5th floor")],
        ),
        ("our 14yo on Carlton Street", [("home_area", "14yo on Carlton Street")]),
        ("Khadija, year 12 at the sixth form", [("first_name_with_age", "Khadija, year 12")]),
        ("Worked with LW, who is 13, over", [("initials_with_age", "LW, who is 13")]),
        ("C.H. - 17 - on remand", [("initials_with_age", "C.H. - 17")]),
        ("KB in foster placement since", [("initials_with_age", "KB in foster")]),
        (
            "M (8) and her brother J (5)",
            [("initials_with_age", "M (8)"), ("initials_with_age", "J (5)")],
        ),
        ("Our YP 'T', 15, has", [("initials_with_age", "'T', 15")]),
        ("Kai, born 3 weeks ago, is", [("baby_age", "born 3 weeks ago")]),
        ("Harper, 11 months, has", [("baby_age", ", 11 months,")]),
        ("All four Ward children were", [("family_surname", "All four Ward children")]),
        ("Mrs Hussain says her husband hides them", [("family_surname", "Mrs Hussain")]),
        ("Visited the Connors again", [("family_surname", "Visited the Connors")]),
        ("look up mosaic 2283341", [("case_record_number", "mosaic 2283341")]),
        ("Ref: MOS-0099812, referral came in", [("case_record_number", "Ref: MOS-0099812")]),
        ("His NHS no. is 4857773456.", [("nhs_number", "4857773456")]),
        ("Penalty notice issued, UPN K823402106017.", [("pupil_number", "K823402106017")]),
        ("pupil number: A123456789013 on the census", [("pupil_number", "A123456789013")]),
        ("School census: K823402106017 left in May.", [("pupil_number", "K823402106017")]),
        # a family's mobile, even with a service named later in the sentence
        ("dads number is 07911123456, he keeps ringing duty", [("phone_number", "07911123456")]),
        (
            "we have a 13 yr old girl on the lincoln green estate",
            [("home_area", "on the lincoln green estate")],
        ),
        ("the kids at 14 belgrave road are alone", [("home_area", "at 14 belgrave road")]),
        ("NI number is QQ 12 34 56 C", [("ni_number", "NI number is QQ 12 34 56 C")]),
    ],
)
def test_catches(text: str, expected: list[tuple[str, str]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ref 943 476 5918.",  # the same digits with a wrong check digit, not called NHS
        "9434765918",
        "1111111111",  # passes the arithmetic but is no NHS number
        "IT ticket A123456789013 raised for the laptop.",  # a wrong check letter, no label
        # A one-letter label is how reviews and case studies anonymise a child (issue 19);
        # with an age outside a review, it is a child's initial (tests/test_guard_forms2.py).
        "In the review, Child R (aged 6) was seen",
        "Leeds City Council",
        "the Children Act 1989",
        "Section 47 of the Children Act 1989 (s.47)",
        "Working Together to Safeguard Children (2023)",
        "Leeds City Council, 15 local authorities",
        "Each social worker has around 18 children",
        "In June 2019 the review was published",
        "The meeting is on 03/02/2027 at 10am",
        "Barnsley Metropolitan Borough Council (2021)",
        "Social Work England (SWE)",
        "LS6",  # an area, not an address
        "ls62qt",
        "caseloads of 12 to 15",
        "ring 999 in an emergency",
        "£2,500,000 budget for 2024/25",
        "Festival of Social Work 2021",
        "Serious Case Review (2008)",
        "Dr Sarah Jones (University of Leeds) will present on 14 March 2027.",
        "Leeds City Council, Merrion House, 110 Merrion Centre, Leeds LS2 8BB.",
        "Duty team: 0113 222 4403 (Monday to Friday, 9am to 5pm).",
        "Children aged 10 to 15 make up 39% of children in care.",
        "Barnardo's runs the Leeds Bell Lane family hub.",
        "The Johnson family hub in Wakefield opens next month.",
        "Babies under 12 months account for one in ten of all care proceedings.",
        "Under s.20 parents must consent and can remove the child at any time.",
        "Our Mosaic upgrade goes live in March.",
        "Email the partnership at enquiries@partnership.example.org",
        "mark.ivory@tcsw.org.uk",
        "St Mary's Academy, Year 6 team, ran a workshop for parents.",
        "Call the Bradford Children's Initial Contact Point on 01274 435600.",
        "Early help hub phone 01484 414 960, Mon-Fri",
        "Around 60% of babies in proceedings are under 1 week old at issue",
        "under section 47 we have 15 days",
        "a level 3 diploma in childcare",
        "see page 12 of the guidance",
        "the children in year 6 are doing sats",
        "the team is 14 strong now",
        "the Americans are 5 years ahead on this",
        "the Councils have agreed the budget",
        "the cohort in yr 9 attended well",
        "a flat 3% rise in referrals",
        "we call him the duty manager",
        "the Jordan report is worth reading",
        # ordinary writing near the forms added for the blind set
        "victoria climbie was 8 when she died and we still quote that review",
        "Claire at Westfield Primary, the DSL, was very helpful.",
        "Meeting on the 5th floor of Riverside House at 2pm.",
        "Mrs Smith, the head, said the children were fine.",
        "Ms Jones said her team had lost children to the system.",
        "Plan B (2) is in the appendix.",
        "Job ref: CS12345 for the senior practitioner post.",
        "Dad Matters is a great charity.",
        "We visited the Lakes for the team away day.",
        "Year 6 pupils at Westfield Primary did a play.",
        "front door number is 0161 770 7777 if anyone needs it",
        "our hope is 5 new carers by March",
        "the EDT mobile is 07700 900456 if the carers need it",  # a service's mobile
        "what to write in their file one day",
    ],
)
def test_lets_through(text: str) -> None:
    assert found(text) == []


def test_overlapping_passages_are_reported_once() -> None:
    findings = check_text("Jayden Smith (DOB 03/02/2019) lives at LS6 2QT")
    assert [finding.kind for finding in findings] == ["name_with_age", "postcode"]
    assert findings[0].text == "Jayden Smith (DOB 03/02/2019)"


def test_highlight_splits_lines_and_marks_findings() -> None:
    text = "Seen today.\nJayden Smith (4) at LS6 2QT."
    lines = highlight(text, check_text(text))
    assert [[(s.text, s.finding is not None) for s in line] for line in lines] == [
        [("Seen today.", False)],
        [("Jayden Smith (4)", True), (" at ", False), ("LS6 2QT", True), (".", False)],
    ]


def test_every_pattern_is_documented() -> None:
    documented = (
        Path(__file__).resolve().parents[1] / "docs" / "anonymisation-guard.md"
    ).read_text()
    for pattern in PATTERNS:
        assert f"`{pattern.kind}`" in documented, pattern.kind


def test_false_positives_on_published_practice_writing() -> None:
    """The corpus holds no child's details, so every finding is a false positive for our
    purpose. Before issue 19 it found the magazine's two published staff e-mail addresses
    (at tcsw.org.uk, a public body's domain: a professional contact now). A new pattern that
    starts firing on ordinary writing fails here."""
    findings = {
        path.name: found(path.read_text(encoding="utf-8", errors="replace"))
        for path in sorted(CORPUS.glob("*.txt"))
    }
    assert findings == {name: [] for name in findings}
    assert len(findings) == 5


RECALL_TARGET = 0.95
FALSE_ALARM_TARGET = 0.05


@pytest.mark.parametrize("split", ["tune", "heldout", "fresh", "fresh2", "fresh3"])
def test_the_labelled_set_meets_the_targets(split: str) -> None:
    """Issue 19: at least 95% of identifying texts caught, at most 5% of ordinary
    professional ones flagged, on each part of the set (scripts/benchmark_guard.py lists
    the misses)."""
    samples = [sample for sample in labelled_set() if sample.split == split]
    result = score(samples, lambda text: bool(check_text(text)))
    assert result.identifying >= 40 and result.ordinary >= 40
    assert result.recall >= RECALL_TARGET, [s.text for s in result.misses]
    assert result.false_alarm_rate <= FALSE_ALARM_TARGET, [s.text for s in result.alarms]


def test_the_blind_set_meets_the_targets() -> None:
    """The blind set (tests/data/guard_blind_set.jsonl), written before its author read the
    detector: 78.2% caught and 1.1% false alarms when first measured, before any change."""
    samples = labelled_set(BLIND_SET_PATH)
    result = score(samples, lambda text: bool(check_text(text)))
    assert result.identifying >= 150 and result.ordinary >= 150
    assert result.recall >= RECALL_TARGET, [s.text for s in result.misses]
    assert result.false_alarm_rate <= FALSE_ALARM_TARGET, [s.text for s in result.alarms]


def test_the_fresh_set_meets_the_targets() -> None:
    """The fresh set (tests/data/guard_fresh_set.jsonl), written and committed before its
    author read the guard's code: 76.1% caught and 1.5% false alarms when first measured."""
    samples = labelled_set(FRESH_SET_PATH)
    result = score(samples, lambda text: bool(check_text(text)))
    assert result.identifying >= 120 and result.ordinary >= 120
    assert result.recall >= RECALL_TARGET, [s.text for s in result.misses]
    assert result.false_alarm_rate <= FALSE_ALARM_TARGET, [s.text for s in result.alarms]


def test_the_spent_unseen_set_meets_the_targets() -> None:
    """The held-out set written by someone who had not read the guard (85.5% caught, 0.6%
    false alarms when measured blind). It is spent as a blind measure: its misses were read
    for the forms they showed, so this guards against regressions only."""
    samples = labelled_set(UNSEEN_SET_PATH)
    result = score(samples, lambda text: bool(check_text(text)))
    assert result.identifying >= 150 and result.ordinary >= 150
    assert result.recall >= RECALL_TARGET, [s.text for s in result.misses]
    assert result.false_alarm_rate <= FALSE_ALARM_TARGET, [s.text for s in result.alarms]


def test_the_labelled_set_covers_every_form_the_issue_names() -> None:
    samples = labelled_set()
    identifying = [s for s in samples if s.identifying]
    ordinary = [s for s in samples if not s.identifying]
    assert len(identifying) >= 150 and len(ordinary) >= 150
    forms = {s.form for s in identifying}
    assert {
        "first_age",
        "name_prose",
        "school",
        "place",
        "initials",
        "baby",
        "surname",
        "adult_role",
        "record",
        "full_name",
        "dob",
        "ids",
        "contact",
    } <= forms
    assert {"speaker", "address", "research", "stats", "law", "practice", "event"} <= {
        s.form for s in ordinary
    }


def test_practice_sentences_raise_few_false_alarms() -> None:
    result = score(corpus_sentences(), lambda text: bool(check_text(text)))
    assert result.ordinary > 500
    assert result.false_alarm_rate <= FALSE_ALARM_TARGET, [s.text for s in result.alarms]


PLANTED = (
    "Child's DOB 03/02/2019.",
    "NHS number 943 476 5919.",
    "Jayden Smith (4) was seen at school.",
    "She lives at 14 Harehills Lane, LS9 6ND.",
)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda path: path.stem)
def test_a_document_is_held_only_for_strong_identifiers(path: Path) -> None:
    """Issue 19, per document: no practice text is held; the same text with one planted
    strong identifier is; a weaker finding is a notice, not a hold."""
    paper = path.read_text(encoding="utf-8", errors="replace")
    assert not check_document(paper).held
    weak_check = check_document(paper + "\nOne of my young people, Freya (12), is doing well.")
    assert not weak_check.held
    assert "first_name_with_age" in {f.kind for f in weak_check.weak}
    middle = len(paper) // 2
    for planted in PLANTED:
        held = check_document(paper[:middle] + "\n" + planted + "\n" + paper[middle:])
        assert held.held, planted


@dataclass(frozen=True)
class OutsideSet:
    """A set written by someone who had read neither the guard nor its sets, measured
    once, blind, before and after the round that followed it (docs/anonymisation-guard.md).
    Each is spent as a blind measure once its misses are read; this holds the guard at the
    figure it then reached, so it cannot fall back."""

    path: Path
    identifying: int
    ordinary: int
    recall_floor: float


OUTSIDE_SETS = {
    # 84.3% / 2.8% blind before its round, 90.5% / 2.3% after; 99.5% / 0% once read.
    "first": OutsideSet(OUTSIDE_SET_PATH, 200, 200, 0.95),
    # 83.8% / 2.4% blind before the forms round, 86.3% / 1.6% after; 97.4% once read.
    "second": OutsideSet(SECOND_OUTSIDE_SET_PATH, 230, 240, 0.97),
    # 78.2% / 2.0% blind before the second forms round, 86.7% / 0.3% after; 100% once read.
    "third": OutsideSet(THIRD_OUTSIDE_SET_PATH, 290, 290, 1.00),
    # 85.4% / 1.4% blind before the third forms round, 89.9% / 1.4% after; 100% once the
    # learned reading was trained on it (it chose the threshold while held out: 99.0% / 2.5%).
    "fourth": OutsideSet(FOURTH_OUTSIDE_SET_PATH, 280, 270, 0.98),
    # 75.2% / 3.7% blind with the rules alone, 97.6% / 5.0% blind with the learned reading;
    # 100% / 3.7% once trained on.
    "fifth": OutsideSet(FIFTH_OUTSIDE_SET_PATH, 160, 160, 0.98),
    # 66.0% / 4.4% blind with the rules alone, 94.4% / 4.4% blind with the learned reading;
    # 100% once trained on.
    "sixth": OutsideSet(SIXTH_OUTSIDE_SET_PATH, 160, 160, 0.98),
    # 60.5% / 4.2% blind with the rules alone, 97.0% / 4.8% blind with the learned reading
    # (with its letting go of weak findings in plainly ordinary writing); 100% once trained on.
    "seventh": OutsideSet(SEVENTH_OUTSIDE_SET_PATH, 165, 165, 0.98),
    # 67.5% / 5.0% blind with the rules alone, 94.6% / 3.1% blind with the learned reading.
    "eighth": OutsideSet(EIGHTH_OUTSIDE_SET_PATH, 165, 160, 0.98),
    # 64.2% / 5.7% blind with the rules alone, 92.6% / 2.5% blind with the learned reading.
    "ninth": OutsideSet(NINTH_OUTSIDE_SET_PATH, 160, 155, 0.98),
    # The learned reading as shipped was never trained on the last two; blind, once each:
    # 72.1% / 1.2% with the rules alone, 98.8% / 1.2% with the learned reading.
    "tenth": OutsideSet(TENTH_OUTSIDE_SET_PATH, 165, 160, 0.98),
    # 67.3% / 4.9% with the rules alone, 96.4% / 2.5% with the learned reading.
    "eleventh": OutsideSet(ELEVENTH_OUTSIDE_SET_PATH, 165, 160, 0.96),
}


@pytest.mark.parametrize("name", list(OUTSIDE_SETS))
def test_each_outside_set_stays_where_it_was_measured(name: str) -> None:
    outside = OUTSIDE_SETS[name]
    result = score(labelled_set(outside.path), lambda text: bool(check_text(text)))
    assert result.identifying >= outside.identifying and result.ordinary >= outside.ordinary
    assert result.recall >= outside.recall_floor, [s.text for s in result.misses]
    assert result.false_alarm_rate <= FALSE_ALARM_TARGET, [s.text for s in result.alarms]
