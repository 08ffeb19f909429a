"""The guard's general rule (app/guard/people.py) part by part: person candidates in any
case, the child and family cues near them, and the professional cues that cancel them.
Pure functions, no services needed."""

from __future__ import annotations

import pytest

from app.guard.detection import check_text
from app.guard.people import find_people
from app.guard.people_candidates import candidates as _candidates
from app.guard.people_cues import Token
from app.guard.people_words import TOKEN
from tests.support.guard_set import ROOT, labelled_set, score


def tokens_of(text: str) -> list[Token]:
    return [Token(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(text)]


def candidate_words(text: str) -> list[tuple[str, str]]:
    tokens = tokens_of(text)
    return [(c.kind, text[tokens[c.index].start : tokens[c.last].end]) for c in _candidates(tokens)]


def rule(text: str) -> list[tuple[str, str, str]]:
    return [(f.kind, f.reason, text[f.start : f.end]) for f in find_people(text)]


# --- candidates -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("saw Amira today", ("name", "Amira")),
        ("saw amira today", ("name", "amira")),  # any case
        ("saw AMIRA today", None),  # shouting capitals are not read as a name
        ("lily-mae was there", ("name", "lily-mae")),  # hyphenated
        ("ewa's mum rang", ("name", "ewa's")),  # apostrophe form
        ("mrs akhtar rang", ("surname", "mrs akhtar")),  # titled surname, lower case
        ("the nowak kids", ("surname", "nowak kids")),
        ("the Osei children", ("surname", "Osei children")),
        ("seen JK today", ("initials", "JK")),
        ("the lad they call 'Tiny' is", ("nickname", "'Tiny'")),
        ("precious is here", ("word_name", "precious")),  # a name that is also a word
    ],
)
def test_candidates(text: str, expected: tuple[str, str] | None) -> None:
    words = candidate_words(text)
    if expected is None:
        assert all(kind not in {"name", "word_name"} for kind, _ in words)
    else:
        assert expected in words


@pytest.mark.parametrize(
    "text",
    [
        "the neediest families",  # an English word, not a surname
        "the younger children",
        "the Polish children",
        "our CIN and LAC figures",  # acronyms, not initials
        "the long road",  # a gazetteer name that is an everyday word
    ],
)
def test_not_candidates(text: str) -> None:
    kinds = [kind for kind, _ in candidate_words(text)]
    assert not {"surname", "initials", "name"} & set(kinds)


# --- cues -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason", "passage"),
    [
        ("went round to see szymon, 12, again", "a first name next to an age", "szymon, 12"),
        ("little dawid (aged 4) was alone", "a first name next to an age", "dawid (aged 4)"),
        ("ngozi aged nine keeps asking", "a first name next to an age", "ngozi aged nine"),
        ("patryk turning 16 next month", "a first name next to an age", "patryk turning 16"),
        ("rashid 14yo excluded", "a first name next to an age", "rashid 14yo"),
        # A lower-case name the gazetteer does not know, with an age that says it is one.
        ("saw babajide (12yrs) today", "a first name next to an age", "babajide (12yrs)"),
        ("Zofia (year 8) struggles", "a first name next to a school year", "Zofia (year 8)"),
        ("halima (y6) off school", "a first name next to a school year", "halima (y6)"),
        (
            "olamide at Oakfield academy is on part time",
            "a child's name next to a named school",
            "olamide at Oakfield academy",
        ),
        (
            "saw adebayo on Mill Street with older lads",
            "a name next to where a family lives (street, estate, flats)",
            "adebayo on Mill Street",
        ),
        (
            "nikola has been in residential since june",
            "a first name next to a placement",
            "nikola has been in residential",
        ),
        (
            "the eldest is marek and he is the one who disclosed",
            "a first name next to a safeguarding event",
            "marek and he is the one who disclosed",
        ),
        (
            "stepmum kelly (29) stops contact",
            "a relative's name next to their role and age",
            "kelly (29)",
        ),
        ("the Lewandowski children were seen", "a family's surname", "Lewandowski children"),
        ("the obrien family have been evicted", "a family's surname", "obrien family"),
        ("my yp goes by Bex now", "a child's name introduced in the text", "goes by Bex"),
        ("KB disclosed on monday", "initials next to an age or placement", "KB disclosed"),
        ("'Spider' went missing", "a nickname next to an age", "'Spider' went missing"),
        ("mr mensah says his daughter is scared", "a family's surname", "mr mensah"),
    ],
)
def test_a_candidate_with_a_cue_is_found_with_its_reason(
    text: str, reason: str, passage: str
) -> None:
    assert any(r == reason and p == passage for _kind, r, p in rule(text)), rule(text)


@pytest.mark.parametrize(
    "text",
    [
        "amira will be at the meeting",  # a name with no cue
        "Around 1 in 5 children in care move school",  # a capitalised word and a number
        "Tickets with Ruth Kelly cost £15",  # a sum, not an age
        "Signs of Safety training, 3 days, 12-14 November",
        "Lucian joined us 14 years ago",
        "how the private family time works",  # lower case before "family" needs more
        "a club night called Kiss My Disco",  # a title, not a name
        "what counts as 'fair' when child protection practice is appraised",  # scare quotes
        "20% of the DLA caseload",  # an acronym with a weak event word
        "the youth club, aged 11, meets on fridays",  # a group noun, not a name
        "we saw the data (12) on page 4",  # a bare number in brackets is not enough
    ],
)
def test_no_cue_no_finding(text: str) -> None:
    assert rule(text) == []


# --- cancelling cues ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Grace Lee, team manager, aged 45 this year",  # a professional's role next to the name
        "Dr Amira Yusuf (2021) on kinship placements",  # a title and a citation
        "Sophie from the fostering team can help with placements",
        "Claire at Westfield Primary, the DSL, was very helpful.",
        "The Johnson family hub opens next month",  # an organisation after the surname
        "Child B, aged 14, was the subject of the review",  # an anonymised label
        "Arthur Labinjo-Hughes, aged 6, was murdered in 2020",  # a public case review
        "Royal Courts of Justice, Strand, London WC2A 2LL",  # a public building
        "the forced marriage unit is on 020 7008 0151",  # an organisation's line
    ],
)
def test_professional_and_public_cues_cancel(text: str) -> None:
    assert check_text(text) == []


def test_two_initials_after_child_still_count() -> None:
    """Only a one-letter label is an anonymised label; "Child J.S." may be real initials."""
    assert check_text("Child J.S., 10, has made a further allegation.")


def test_each_finding_says_why() -> None:
    findings = check_text("Spent the day with esther, 15, who has been sofa surfing.")
    assert [(f.kind, f.label, f.text) for f in findings] == [
        ("first_name_with_age", "a first name next to an age", "esther, 15")
    ]


def test_the_development_set_does_not_regress() -> None:
    """tests/data/guard_dev_set.jsonl, written before the rule: 33.3% caught and 6.7% false
    alarms with the old patterns, 93.5% and 0% with the rule, 97.8% and 0% once names that
    are words, surnames and the sentence window were added (the fresh set's round), so it
    now meets the targets."""
    samples = labelled_set(ROOT / "tests" / "data" / "guard_dev_set.jsonl")
    result = score(samples, lambda text: bool(check_text(text)))
    assert result.identifying >= 90 and result.ordinary >= 90
    assert result.recall >= 0.95, [s.text for s in result.misses]
    assert result.false_alarm_rate <= 0.05, [s.text for s in result.alarms]


# --- the fresh set's forms (issue 19, generalising) -----------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mum jade brennan is 19", ("full", "jade brennan")),  # a listed surname after
        ("Tomasz Wisniewski was seen", ("full", "Tomasz Wisniewski")),
        ("the mcdonagh family moved", ("surname", "mcdonagh family")),  # listed: not weak
        ("R, 7, came in", ("letter", "R")),
        ("kid goes by spider now", ("nickname_word", "spider")),
    ],
)
def test_fresh_candidates(text: str, expected: tuple[str, str]) -> None:
    assert expected in candidate_words(text)


@pytest.mark.parametrize(
    ("text", "reason", "passage"),
    [
        # lower-case names that are words, when the grammar says person
        ("grace is 6 and walks to school alone", "a first name next to an age", "grace is 6"),
        ("hope (8) and her brother", "a first name next to an age", "hope (8)"),
        ("ruby 13 has been excluded again", "a first name next to an age", "ruby 13"),
        ("the little one, daisy, is 3", "a first name next to an age", "daisy, is 3"),
        ("yp called amber disclosed", "a child's name introduced in the text", "called amber"),
        (
            "my lad jordan got arrested",
            "a first name next to a safeguarding event",
            "jordan got arrested",
        ),
        (
            "blessing told her teacher she is scared of her uncle",
            "a first name in the same sentence as a child's age, school year or event",
            "blessing told her teacher she is scared of her uncle",
        ),
        (
            "precious from the seacroft estate was seen",
            "a name next to where a family lives (street, estate, flats)",
            "precious from the seacroft estate",
        ),
        # names the lists lack, with an age in a person's grammar
        ("Yusra 15 refuses to eat", "a first name next to an age", "Yusra 15"),
        ("giorgi 17 arrived in a lorry", "a first name next to an age", "giorgi 17"),
        ("tyreese, 16 yrs, picked up", "a first name next to an age", "tyreese, 16 yrs"),
        ("R, 7, came into school", "initials next to an age or placement", "R, 7"),
        ("we've got a lad, mo, 14, exploited", "a first name next to an age", "mo, 14"),
        (
            "the baby, nevaeh, who has a rash",
            "a child's name introduced in the text",
            "baby, nevaeh",
        ),
        # surnames from the gazetteer and full names
        ("the mcdonagh family have 9 kids", "a family's surname", "mcdonagh family"),
        ("both murphy boys were picked up by police", "a family's surname", "murphy boys"),
        ("the doherty lot are known at the duty desk", "a family's surname", "doherty lot"),
        ("the nowaks are back with a new baby", "a family's surname", "nowaks"),
        (
            "amira is on my caseload",
            "a first name next to a safeguarding event",
            "amira is on my caseload",
        ),
        ("mrs mensah rang duty crying", "a family's surname", "mrs mensah rang"),
        (
            "tomasz wisniewski 15 not in school",
            "a full name next to an age",
            "tomasz wisniewski 15",
        ),
        # a name and a child's context far apart in one sentence
        (
            "i spoke to jessica on the phone and eventually she said she is only 13",
            "a first name in the same sentence as a child's age, school year or event",
            "jessica on the phone and eventually she said she is only 13",
        ),
        ("theo's only 5 weeks but", "a first name next to an age", "theo's only 5 weeks"),
    ],
)
def test_fresh_forms_are_found_with_their_reason(text: str, reason: str, passage: str) -> None:
    assert any(r == reason and p == passage for _kind, r, p in rule(text)), rule(text)


@pytest.mark.parametrize(
    "text",
    [
        "hope this helps, the 14 year olds group is full",
        "will do, ill bring it up at team meeting on thursday",
        "grace period for the annual review is 14 days",
        "hope is 5 new foster carers sign up",  # a count, not an age
        "summer is 6 weeks long and referrals always drop",
        "mark is 5 minutes late",
        "we meet at Ashgrove House, 3rd floor, room 4",
        "sarah said the 14 year olds group is full",  # a group's age
        "lucy from the virtual school said pupil premium plus is £2,570 per child",
        "josh's research on missing episodes found 1 in 4 were aged 14 or 15",
        "my colleague kerry-ann said her son is in year 10 and loving it",
        "my own daughter is 14 and I see how hard it is to be a teenager now",
        "The average age of an adopted child is 3 years 2 months.",
        "Section 17 says a child in need is one who",
        "her brother, however, is 12",
        "the youth club on the lincoln green estate has reopened, open to 11-19 year olds",
        "the family hub on the seacroft estate opens monday",
        "Donald Forrester's research on motivational interviewing (2008) changed my visits",
        "Professor Jane Barlow will be keynote at the infant mental health day on 12 June",
        "children's minister Tim Loughton said reviews will protect surviving siblings",
        "EDT mobile for the manager on call is 07700 900456",
        "emma from CAMHS said the wait for a 14 year old is 6 months",
        "strat 2 is tomorrow at 10 in the MASH room",  # a word no list knows, a count
        "Liquidlogic 3 has a new chronology screen",  # a version, not an age
        "hannah is covering my caseload while i'm on leave",  # the writer's caseload
        "the results are in and the sessions were full",  # plurals that are not surnames
        "had supervision with mike, we talked about a girl who was placed last week",
        "[vb](vbscript:msgbox(1))",  # code: a word no list knows before "(1)"
        "her daughter was moved to a named school",  # "named" as an adjective
        "went to a great talk by Helen, she's been a foster carer for 20 years",
        "sarah's session on exploitation showed how a 14 year old gets groomed online",
        "our practice lead amanda says every child who goes missing needs an interview",
    ],
)
def test_fresh_ordinary_writing_is_let_through(text: str) -> None:
    assert check_text(text) == [], [(f.kind, f.text) for f in check_text(text)]
