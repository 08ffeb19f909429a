"""The second outside set's missing forms (issue 19, the second forms round), each read as a
form, never as a sentence:

- a family made recognisable with no name: who they are (a nationality, a faith, a trade,
  deafness, "the only ... family") with where (a town, a site, a street) and a child;
- a child by age at a named setting (a children's home, a unit, a Lodge, a hostel, a refuge,
  a B&B or hotel), or "the kids at the top of <X> Close";
- "child R, 7", "YP J (15)": an anonymising label with an age is a child's initial;
- a family court case number ("LS23C00417": court, year, case type, serial);
- a date of birth a few words after its label ("DOB? I have 18/06/2016"), "born on
  Christmas Day 2017";
- a home address with its town and postcode and a parent or child in the sentence, even
  after "invite" or "send"; a hotel or B&B room used as emergency housing ("room 12,
  Lakeside Hotel");
- "Amira (4) presented at the GP": a name presented at a health or education place;
- "the Smiths on Brook Lane": a plural surname placed on a street, whatever else it is;
- an NI number after its label, in any case and with any letters;
- an unknown one-word nickname opening a sentence with an age or a school year;
- "He's in Y9 now" or "she's 13" after a sentence that names someone.

Each check still lets through the public and the plural: a venue, training or an event at a
setting, statistics about families, a course's or an invoice's code.
"""

from __future__ import annotations

import re

from app.guard.names import NOT_NAMES, english_words, is_first_name, is_surname
from app.guard.pattern_checks import sentence_around
from app.guard.vocabulary import _MONTH, _STREET_SUFFIX, NOT_A_NAME


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_AGE = r"(?:1[0-8]|[0-9])"
_YEAR_GROUP = r"(?:[Yy](?:ea)?r?[ \t]*(?:1[0-3]|[1-9])|[Yy]ear[ \t]+(?:1[0-3]|[1-9]))"
# A particular child's age or school year anywhere in a sentence.
_ONE_CHILDS_AGE = re.compile(
    rf"(?<![\d£$.,:/\-–])\b{_AGE}[ \t\-]*(?:yo|y/o|yrs?|years?|yr)(?:[ \t\-]*old)?\b"
    rf"(?![ \t]*(?:olds|in|of|ago|qualified|experience|to[ \t]+\d|-[ \t]*\d))"
    rf"|\([ \t]*(?:aged?[ \t]*)?{_AGE}[ \t]*\)|\b(?:aged?|is|are|now)[ \t]+{_AGE}\b"
    rf"(?![ \t]*(?:%|to[ \t]+\d|-\d|weeks|months|miles|hours|mins|minutes|beds|places))"
    rf"|,[ \t]*{_AGE}(?:[ \t]+and[ \t]+{_AGE})?[ \t]*,|\b{_AGE}yo\b|\bin[ \t]+{_YEAR_GROUP}\b"
    r"|\b(?:under|over)-1[0-8]\b",
)
_CHILD_WORD = re.compile(
    r"\b(?:eldest|youngest|oldest|middle[ \t]+(?:child|boy|girl|one|son|daughter)|twins"
    r"|(?:their|her|his)[ \t]+(?:son|daughter|boy|girl|kids?|children|child|baby|lad)"
    r"|son|daughter|boy|girl|lad|kids?|child)\b",
    re.IGNORECASE,
)
_PLACE = re.compile(
    rf"\b(?:in|at|on|from|near|off|outside|of)[ \t]+(?:the[ \t]+)?[A-Z][\w'’]+"
    rf"|\b(?:site|estate|church|mosque|temple|gurdwara|synagogue|{_STREET_SUFFIX})\b"
)
# An event, a job or a provider's news at a setting: the setting is a venue, not a home.
_VENUE_OR_NEWS = re.compile(
    r"\b(?i:training|event|hosting|hosts?|fundraiser|celebration|conference|meeting[ \t]+room"
    r"|away[ \t]?day|recruiting|vacanc(?:y|ies)|deputy|manager|rated|Ofsted|inspect\w*|beds"
    r"|takes|open(?:s|ing)?|provider|staff|workshop|course|forum|session|booked|booking)\b"
)


def _sentence(match: re.Match[str]) -> str:
    head, tail = sentence_around(match, before=160, after=160)
    return f"{head}{match.group(0)}{tail}"


# --- a family recognisable with no name -------------------------------------------------------

_GENERIC_FAMILY = _words(
    """foster birth adoptive host extended wider whole same other new next first second third
    kinship nuclear blended local average typical right wrong young large big each every
    entire family's child's own previous former current"""
)
SINGULAR_FAMILY = (
    r"(?:\b(?P<det>[Tt]he|[Oo]nly|[Tt]hat|[Tt]his)[ \t]+(?:only[ \t]+)?|(?:^|(?<=[.!?]\s)|(?<=\n)))"
    r"(?P<who>(?:[\w'’\-]+[ \t]+){0,3}?)family\b"
    r"(?![ \t]*(?:['’]s[ \t]+)?(?:hubs?|centres?|centers?|court|services?|support|group|network"
    r"|project|programme|team|trust|partnership|law|fund|charity|worker|time|home|members?"
    r"|meeting|plan|assessment|liaison|nurse|practitioner|room|days?|approach|business)\b)"
)


def family_made_recognisable(match: re.Match[str]) -> bool:
    """ "The only Eritrean family in Thornbury, the eldest is 16", "the family who run the car
    wash in Ossett, their 15yo": one family by who they are, where, and a child. "the family"
    alone needs a clause that describes it ("who run", "with the takeaway")."""
    who = match.group("who").split()
    if who and who[0].lower() in {"a", "an", "any", "every", "each", "no", "one"}:
        return False  # "a Muslim family in the documentary": any family, not one we know
    descriptive = [word for word in who if word.lower() not in _GENERIC_FAMILY]
    after = match.string[match.end() : match.end() + 40]
    described = re.match(
        r"[ \t]+(?:who|that|with|running|from|at)\b(?![ \t]+(?:the[ \t]+)?(?:social|support"
        r"|team|worker|service|court|council|school|hub|centre))",
        after,
    )
    det = (match.group("det") or "").lower()
    if not descriptive and det != "only" and not (det and described):
        return False
    sentence = _sentence(match)
    if _VENUE_OR_NEWS.search(sentence):
        return False
    child = _CHILD_WORD.search(sentence) or _one_childs_age(sentence)
    rest = sentence[sentence.find(match.group(0)) :]
    return bool(child and (_PLACE.search(rest) or _lower_case_town(rest)))


def _lower_case_town(text: str) -> bool:
    """ "in batley": a lower-case word after "in" or "at" that is no everyday word."""
    return any(
        word.group(1) not in english_words()
        for word in re.finditer(r"\b(?:in|at|from|near)[ \t]+([a-z]{4,})\b", text)
    )


# --- a child by age at a named setting --------------------------------------------------------

_SETTING = (
    r"(?i:children['’]?s[ \t]+home|residential[ \t]+(?:unit|home|placement)|semi-?[ \t]?indep\w*"
    r"(?:[ \t]+(?:placement|unit|provision|flat))?|supported[ \t]+(?:accommodation|housing)"
    r"|hostel|refuge|B&B|bed[ \t]+and[ \t]+breakfast|hotel|travelodge|premier[ \t]+inn)"
    r"|Lodge|Inn|House"
)
NAMED_SETTING = (
    r"\b(?:at|in|to|from)[ \t]+(?:the[ \t]+)?(?:(?:[A-Z][\w'’\-]+|women['’]s)[ \t]+){0,3}"
    rf"(?:{_SETTING})\b"
    rf"|\b(?i:at|from)[ \t]+the[ \t]+(?i:top|bottom|end|far[ \t]+end)[ \t]+of[ \t]+"
    rf"(?:[A-Z][\w'’]+[ \t]+){{1,2}}{_STREET_SUFFIX}\b"
)


def child_at_named_setting(match: re.Match[str]) -> bool:
    """ "the 14 year old placed at Meadowbank children's home", "two boys, 12 and 9, at the
    Kingsway B&B": a child's age in the sentence of a setting named by its own name or its
    town, with no event, job or provider's news. "Lodge", "Inn" and "House" need a name before
    them, and "House" a residential word after it (else it is an office); "the top of Larch
    Close" needs a child."""
    text = match.group(0)
    after = match.string[match.end() : match.end() + 40]
    if re.search(r"(?:Lodge|Inn|House)$", text) and not re.search(
        r"[A-Z][\w'’\-]+[ \t]+(?:Lodge|Inn|House)$", text
    ):
        return False
    if text.endswith("House") and not re.match(r"[ \t]+(?i:residential|children)", after):
        return False
    named = re.search(r"(?:at|in|to|from)[ \t]+(?:the[ \t]+)?(?:[A-Z]|women)", text) or re.search(
        r"(?i:travelodge|premier[ \t]+inn)$", text
    )
    top_of = re.search(r"(?i:top|bottom|end)[ \t]+of", text) is not None
    if not (named or top_of or re.match(r"[ \t]+(?:in|at|on)[ \t]+[A-Z]", after)):
        return False
    sentence = _sentence(match)
    if _VENUE_OR_NEWS.search(sentence):
        return False
    if top_of:
        return bool(_CHILD_WORD.search(sentence) or re.search(r"(?i)\b(?:girls|boys)\b", sentence))
    return _one_childs_age(sentence)


def _one_childs_age(sentence: str) -> bool:
    """An age in the sentence that is one child's, not a group's ("young people aged 16")."""
    for age in _ONE_CHILDS_AGE.finditer(sentence):
        before = sentence[max(0, age.start() - 20) : age.start()]
        if not re.search(
            r"\b(?i:people|children|kids|pupils|those|residents|students)[ \t]*$", before
        ):
            return True
    return False


# --- "child R, 7", "YP J (15)" ----------------------------------------------------------------

LABEL_WITH_AGE = (
    r"\b(?i:child|yp|young[ \t]+person)[ \t]+(?P<letter>[A-Z])\b(?![.\w])"
    rf"(?:[ \t]*,[ \t]*(?:(?i:aged?)[ \t]+)?{_AGE}\b|[ \t]*\([ \t]*(?:(?i:aged?)[ \t]*)?{_AGE}"
    rf"[ \t]*\)|[ \t]+(?i:aged?)[ \t]+{_AGE}\b)(?![ \t]*(?:%|[:.]\d))"
)
# A review, a case study, a training scenario or a question about one: the label anonymises.
TEACHING = re.compile(
    r"\b(?i:review|reviews|case[ \t]+study|scenario|vignette|exercise|training|inquiry|SCR"
    r"|CSPR|LCSPR|published|how[ \t]+would[ \t]+you|what[ \t]+would[ \t]+you|hypothetical)\b"
)


def label_with_age(match: re.Match[str]) -> bool:
    return TEACHING.search(match.string) is None


# --- family court case numbers ----------------------------------------------------------------

COURT_CASE_NUMBER = r"\b[A-Z]{2}\d{2}[A-Z]\d{5}\b"
_NOT_A_COURT_CASE = re.compile(
    r"\b(?i:invoice|order|PO|booking|book|ticket|job|vacancy|course|module|code|session|event"
    r"|training|product|item|part|model|serial|ISBN|licence|registration)\b"
)


def court_case_number(match: re.Match[str]) -> bool:
    head, _tail = sentence_around(match)
    return _NOT_A_COURT_CASE.search(head[-40:]) is None


# --- a date of birth near its label; "born on Christmas Day 2017" ------------------------------

DOB_NEARBY = (
    r"\b(?i:d\.?o\.?b|date[ \t]+of[ \t]+birth|birth[ \t]?date)\b"
    r"(?P<between>[^\d\n]{1,50}?)"
    r"(?<![\d\w])\d{1,2}[/.\-]\d{1,2}[/.\-](?:(?:19|20)\d{2}|\d{2})(?![\d\w/])"
)


def dob_nearby(match: re.Match[str]) -> bool:
    """A full date a few words after "DOB", even across a question mark ("DOB? I have
    18/06/2016"); a deadline, a change of form or a rule's start date is not a birth."""
    between = match.group("between")
    return not re.search(
        r"\b(?i:after|before|from|since|until|till|by|deadline|changed?|changes|format|field"
        r"|entered|policy|guidance|rules?|form|from|effective|starting|introduced|e\.g|eg"
        r"|example|instance|such[ \t]+as)\b",
        between,
    )


_FEAST = (
    r"(?:Christmas|Boxing|New[ \t]+Year['’]?s|Valentine['’]?s|St[ \t]+\w+['’]?s|Mother['’]?s"
    r"|Father['’]?s|Bonfire)[ \t]+(?:Day|Eve|Night)|Halloween|Easter(?:[ \t]+(?:Sunday|Day))?"
)
BORN_ON_DAY = (
    rf"\bborn[ \t]+on[ \t]+(?:(?i:{_FEAST})|(?:the[ \t]+)?\d{{1,2}}(?:st|nd|rd|th)?(?:[ \t]+of)?"
    rf"[ \t]+{_MONTH}|{_MONTH}[ \t]+\d{{1,2}}(?:st|nd|rd|th)?),?[ \t]+(?:in[ \t]+)?"
    r"(?:19[6-9]\d|20[0-2]\d)\b"
)


def one_birth(match: re.Match[str]) -> bool:
    before = match.string[max(0, match.start() - 25) : match.start()]
    return re.search(r"\b(?i:babies|children|those|anyone|all|pupils)\b", before) is None


# --- a hotel or B&B room as emergency housing ---------------------------------------------------

HOTEL_ROOM = (
    r"\b(?i:room)[ \t]+\d{1,3}[A-Za-z]?,?[ \t]+(?:(?i:at|in)[ \t]+)?(?:the[ \t]+)?"
    r"(?:[A-Z][\w'’]+[ \t]+){0,3}(?:Hotel|Inn|B&B|Travelodge|Guest[ \t]?[Hh]ouse|Hostel|Lodge)\b"
)
_HOUSEHOLD = re.compile(
    r"\b(?i:mum|dad|mam|kids?|child|children|baby|family|son|daughter|boys?|girls?"
    r"|emergency[ \t]+(?:housing|accommodation)|placed[ \t]+by[ \t]+housing|homeless\w*)\b"
)


def housed_in_a_room(match: re.Match[str]) -> bool:
    sentence = _sentence(match)
    return _HOUSEHOLD.search(sentence) is not None and not _VENUE_OR_NEWS.search(sentence)


# --- "Amira (4) presented at the GP" ------------------------------------------------------------

PRESENTED_AT = (
    r"(?<![\w'’])(?:(?i:baby)[ \t]+)?(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)"
    rf"(?P<age>[ \t]*\([ \t]*{_AGE}[ \t]*(?:[a-z]+[ \t]*)?\)|[ \t]*,[ \t]*{_AGE}[ \t]*,)?"
    r"[ \t]+(?:has[ \t]+|had[ \t]+)?(?:re-?)?presented[ \t]+(?:at|to|in)[ \t]+(?:the[ \t]+)?"
    r"(?:[\w'’&\-]+[ \t]+){0,2}?(?P<place>GP|A&E|A[ \t]and[ \t]E|ED|hospital|surgery|clinic"
    r"|walk-in|urgent[ \t]+care|minor[ \t]+injuries|school|nursery|college|pharmacy|dentist"
    r"|health[ \t]+visitor|paediatric\w*|children['’]s[ \t]+ward|ward)\b"
    r"(?![ \t]+(?:governors|board|conference|meeting|forum|network|staff|team|training"
    r"|event|assembly|leaders|council|grand))"
)


def a_child_presented(match: re.Match[str]) -> bool:
    """A name "presented at" a health or education place is a child brought there; a speaker
    presents at a conference, a meeting or a forum."""
    name = match.group("name")
    if name in NOT_A_NAME or name.lower() in {"she", "he", "they", "mum", "dad", "who"}:
        return False
    before = match.string[max(0, match.start() - 25) : match.start()]
    if re.search(r"\b(?i:Dr|Prof|thanks[ \t]+to|our|colleague)\.?[ \t]*$", before):
        return False
    return bool(match.group("age")) or is_first_name(name) or name.lower() not in english_words()


# --- "the Smiths on Brook Lane" -----------------------------------------------------------------

SURNAMES_ON_A_STREET = (
    r"\b[Tt]he[ \t]+(?P<plural>(?:Mc|Mac|O['’])?[A-Z][a-z]{2,}s)[ \t]+(?:on|in|at|off|from)"
    r"[ \t]+(?:the[ \t]+)?(?:(?:flats|top|end|bottom)[ \t]+(?:on|of)[ \t]+)?"
    rf"(?:[A-Z][\w'’]+[ \t]+){{1,3}}(?:{_STREET_SUFFIX}|[Ee]state|Flats)\b"
    r"|\b[Tt]he[ \t]+(?P<plural2>(?:Mc|Mac|O['’])?[A-Z][a-z]{2,}s)[ \t]+(?:and|&)[ \t]+their"
    r"[ \t]+(?:kids|children|son|daughter|baby|boys|girls|twins|eldest|youngest)\b"
)
_NOT_A_HOUSEHOLD_PLURAL = _words(
    """Mondays Tuesdays Wednesdays Thursdays Fridays Saturdays Sundays Tories Americans Brits
    Police Courts Councils Services Schools Parents Carers Students"""
)


def surnames_on_a_street(match: re.Match[str]) -> bool:
    """A listed surname, or any plural with a child or a parent in the sentence ("the Browns
    on Mill Lane, the twins are scared"): a band's name on its own street is not a family."""
    plural = match.group("plural") or match.group("plural2")
    if plural in _NOT_A_HOUSEHOLD_PLURAL or plural[:-1] in NOT_A_NAME:
        return False
    if match.group("plural2") or is_surname(plural[:-1]):
        return True
    # The household may come after "again..." or a dash: the rest of the line, not the sentence.
    line = match.string[match.start() : match.end() + 120].split("\n")[0]
    return bool(_HOUSEHOLD.search(line) or _CHILD_WORD.search(line))


# --- an NI number after its label ---------------------------------------------------------------

NI_LABELLED = (
    r"\b(?i:n\.?i\.?[ \t]*(?:no\.?|number|num|#)|nino|national[ \t]+insurance"
    r"(?:[ \t]*(?:no\.?|number|num|#))?)(?:[ \t]+(?:is|was|for|of|=))?(?:[ \t]+[a-z'’]+){0,4}?"
    r"[ \t]*[:\-]?[ \t]*(?P<number>[A-Za-z]{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[A-Da-d])\b"
)

# --- an unknown nickname opening a sentence, with an age or a school year ----------------------

NICKNAME_AT_START = (
    r"(?:^|(?<=[.!?]\s)|(?<=\n))(?P<name>[A-Z][a-z]{2,}(?:-[A-Z][a-z]+)?)"
    rf"(?:[ \t]*,[ \t]*(?:{_YEAR_GROUP}|{_AGE})[ \t]*,|[ \t]*\([ \t]*{_AGE}[ \t]*\)"
    rf"(?=[ \t]+[a-z])|[ \t]*,[ \t]*{_YEAR_GROUP}\b(?=[ \t]*[,;\-–]|[ \t]+[a-z]))"
)


# "Calderdale (12) and Kirklees (15)", "Huddersfield, 10, Halifax, 8": counts by place.
_TALLY = re.compile(
    r"[ \t]*(?:and|&|,)?[ \t]*[A-Z][a-z]+(?:[ \t]*\([ \t]*\d+[ \t]*\)|,[ \t]*\d+\b)"
)


def unknown_nickname(match: re.Match[str]) -> bool:
    """ "Chazza, year 11, told his mentor": a one-word name with no everyday reading ("Agenda,
    item 11" and "Section 20, 14 days" are words; months and days are dates)."""
    name = match.group("name")
    low = name.lower()
    if name in NOT_A_NAME or name in NOT_NAMES or low in english_words():
        return False
    if re.fullmatch(_MONTH, name) or _TALLY.match(match.string, match.end()):
        return False
    return low[:3] not in {"mon", "tue", "wed", "thu", "fri", "sat", "sun"} or len(low) > 5


# --- "Conor keeps fighting. He's in Y9 now." ----------------------------------------------------

PRONOUN_AGE_NEXT = (
    r"\b(?:[Ss]?[Hh]e['’]s|[Ss]?[Hh]e[ \t]+is)[ \t]+(?:only[ \t]+|just[ \t]+|now[ \t]+)?"
    rf"(?:in[ \t]+{_YEAR_GROUP}\b(?![ \t]+of\b)|(?P<age>{_AGE})\b"
    r"(?![ \t]*(?:%|years?[ \t]+(?:qualified|in|of|experience)|weeks|months|mins|minutes|hours"
    r"|miles|times|[:.,/\-–]\d|to[ \t]+\d|or[ \t]+\d)))"
)

_CAPITALISED = re.compile(r"(?<![\w'’])[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")


def named_just_before(match: re.Match[str]) -> bool:
    """A first name in this sentence or the one before it (within 200 characters)."""
    before = match.string[max(0, match.start() - 200) : match.start()]
    return any(
        is_first_name(name.group(0)) and name.group(0) not in NOT_A_NAME
        for name in _CAPITALISED.finditer(before)
    )


# --- a home address with its postcode, whatever the sentence asks -------------------------------

ADDRESS_WITH_POSTCODE = (
    r"\b\d{1,4}[A-Za-z]?,?[ \t]+(?:[A-Z][a-z'’]+[ \t]+){1,3}"
    rf"{_STREET_SUFFIX},?[ \t]+(?:[A-Z][a-z'’\-]+[ \t]+){{0,2}}[A-Z][a-z'’\-]+,?[ \t]+"
    r"[A-Z]{1,2}\d[A-Z\d]?[ \t]?\d[A-Z]{2}\b"
)
_PUBLIC_BUILDING_BEFORE = re.compile(
    r"\b(?i:office|offices|hub|centre|center|house|council|hall|hotel|venue|library|school"
    r"|academy|college|building|unit|clinic|surgery|hospital|station|church|room|reception"
    r"|HQ|headquarters|court|base|depot|team)\b[^.!?\n]{0,25}$"
)


def a_home_address(match: re.Match[str]) -> bool:
    """ "send the CP conference invite to 88 Beech Road, Scunthorpe DN16 1XA, mum won't use
    email": a house number, road, town and postcode with a parent or child in the sentence is
    a home, even after "invite" or "send"; an office, a hub or a council building named just
    before it is public."""
    before = match.string[max(0, match.start() - 40) : match.start()]
    if _PUBLIC_BUILDING_BEFORE.search(before):
        return False
    return _HOUSEHOLD.search(_sentence(match)) is not None
