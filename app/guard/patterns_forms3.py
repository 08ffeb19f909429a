"""The third outside set's missing forms (issue 19, the third forms round), each read as a
form, never as a sentence:

- a first name in one sentence and, in the next one or two, the same child's age or school
  year with no name ("Visited Ellie today. Year 5, and ...", "Poor Lewis. At 9 he's ...");
- a child made recognisable by a story and a place, no name ("the kid who scored the
  hat-trick for Rotherham U12s", "the lad from Castleford on the news who ...");
- a jigsaw with no name: a parent's trade or disability, a named town and a child;
- a child by age at a named street, flats, nursery or unit, however far apart in the sentence;
- court numbers after "case" or an order, "case ref YH-CIN-20931", a list of case numbers;
- single slips: "River (8)", "JJ (10m)", "dad is 19", "Batley WF17", a birthday with a
  year, "Ollie-pop as the carers call him";
- and, the other way, a service's own mailbox is not a private e-mail address.

Each check keeps the professional and the public clean: a name followed by a role, an
adult's or a campaign's story, a trade or a setting with no child, events and jobs at a
place, ages of groups.
"""

from __future__ import annotations

import re

from app.guard.names import english_words, is_first_name
from app.guard.pattern_checks import initials_ok, sentence_around
from app.guard.patterns_forms2 import _VENUE_OR_NEWS, _one_childs_age
from app.guard.vocabulary import _CHILD_AGE, _NOT_AN_AGE_AFTER, _STREET_SUFFIX, NOT_A_NAME

_AGE = r"(?:1[0-8]|[0-9])"
_SENTENCE_END = re.compile(r"[.!?](?:\s+|$)|\n")


def _sentence(match: re.Match[str]) -> str:
    head, tail = sentence_around(match, before=200, after=200)
    return f"{head}{match.group(0)}{tail}"


# Words that make an age or a year group general rather than one child's.
_GROUP = re.compile(
    r"\b(?i:children|kids|pupils|students|young[ \t]+people|teenagers|(?:most|many|all|every"
    r"|any|each)[ \t]+(?:of[ \t]+them|child\w*|kids?|pupils?|girls|boys|young)|a[ \t]+child"
    r"|a[ \t]+young[ \t]+person|babies|cohort|class|group|they[ \t]+can|you)\b"
)

# --- a name in one sentence, the age or school year in the next ------------------------------

AGE_SENTENCE_NEXT = (
    r"(?:(?<=[.!?][ \t])|(?<=[.!?][ \t]{2})|(?<=\n))(?:"
    rf"(?P<year>(?:Year|Yr|Y)[ \t]?(?:1[0-3]|[1-9]))(?=[ \t]*(?:,|now\b|and\b|[-–—]|$))"
    rf"|(?:At|For[ \t]+a|Aged?|Still[ \t]+only|Only|Just)[ \t]+{_CHILD_AGE}\b"
    r"(?:[ \t\-]*(?:years?|yrs?|yo|y/o)(?:[ \t\-]*old)?)?)"
    rf"{_NOT_AN_AGE_AFTER}"
)
_PRONOUN = re.compile(r"\b(?i:s?he|s?he['’]s|his|her|him)\b")
_ROLE_AFTER_NAME = re.compile(
    r"^(?:['’]s)?[ \t]*(?:,[ \t]*|[ \t]+)(?:(?:the|our|a|an|their|from|at|of|who['’]s)[ \t]+)"
    r"(?:[\w'’&\-]+[ \t]+){0,3}?(?i:DSL|SENCO|head\w*|deputy|teachers?|nurse|mentor|manager"
    r"|lead|worker|TA|officer|counsellor|tutor|coach|volunteer|GP|IRO|paediatrician|doctor"
    r"|social[ \t]+worker|team|service|YOT|police|health[ \t]+visitor|HV|practitioner"
    r"|consultant|psychologist|therapist|chair|solicitor|guardian|CAFCASS|council)\b"
)
_TITLE_BEFORE = re.compile(r"\b(?:Dr|Prof|Professor|Cllr|Councillor|DC|PC|DS|Judge)\.?[ \t]+$")


def _named_child_in(text: str) -> bool:
    """A first name that is not a professional's (no title before it, no role after it)."""
    for word in re.finditer(r"(?<![\w'’])[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b", text):
        name = word.group(0)
        if name in NOT_A_NAME or not is_first_name(name):
            continue
        if _TITLE_BEFORE.search(text[max(0, word.start() - 15) : word.start()]):
            continue
        if _ROLE_AFTER_NAME.match(text[word.end() : word.end() + 60]):
            continue
        return True
    return False


def age_in_the_next_sentence(match: re.Match[str]) -> bool:
    """ "Poor Lewis. At 9 years old he's ...", "Visited Ellie at school today. Year 5, and
    ...": an age or a year group opening a sentence about one child (a pronoun, or a year
    group on its own) after a sentence or two that names a child. "At 14 most children" and
    a name followed by a role ("Dr Shah", "Kate from the fostering team") stay clean."""
    text = match.string
    end = _SENTENCE_END.search(text, match.end())
    sentence = text[match.start() : end.start() if end else len(text)]
    if _GROUP.search(sentence):
        return False
    if not (match.group("year") or _PRONOUN.search(sentence) or sentence.startswith("Still")):
        return False
    before = text[max(0, match.start() - 300) : match.start()]
    starts = [m.end() for m in _SENTENCE_END.finditer(before)]
    # The one or two sentences before this one.
    window = before[starts[-3] if len(starts) >= 3 else 0 :]
    return _named_child_in(window)


STILL_ONLY_AGE = (
    r"\b(?i:s?he|they)(?:['’]?s|['’]re|[ \t]+is|[ \t]+are)[ \t]+(?i:still[ \t]+only|still"
    rf"[ \t]+just|only[ \t]+just)[ \t]+{_AGE}\b{_NOT_AN_AGE_AFTER}"
    r"(?![ \t]+(?:of|out|in|on|at|points?|minutes?|months?|weeks?|days?)\b)"
)

# --- a child made recognisable by a story and a place ------------------------------------------

STORY_CHILD = (
    r"(?:\b(?:[Tt]he|[Tt]hat|[Tt]his|[Oo]ur|[Aa])[ \t]+(?:[\w'’\-]+[ \t]+){0,2}?"
    r"|(?:^|(?<=[.!?][ \t])|(?<=\n))(?i:young[ \t]+|teenage[ \t]+)?(?=[Cc]are[ \t]+leaver))"
    r"(?:kid|lad|girl|boy|teen(?:ager)?|teenage[ \t]+[a-z]+|young[ \t]+carer|care[ \t]+leaver"
    rf"|{_AGE}[ \t\-]*(?:yo|y/o|yrs?[ \t\-]*old|years?[ \t\-]*old))\b(?![ \t\-]*(?:s\b|olds))"
    r"(?P<story>[^.!?\n]{0,120}?)\b(?P<verb>won|wins|scored|raised|rescued|saved|walked|ran"
    r"|swam|cycled|climbed|got[ \t]+a[ \t]+first|graduated|was[ \t]+on[ \t]+(?:the[ \t]+)?"
    r"(?:news|telly|TV|radio|Look[ \t]+North|Calendar)|on[ \t]+the[ \t]+news|in[ \t]+the[ \t]+"
    r"paper|in[ \t]+the[ \t]+(?:[A-Z][\w'’]+[ \t]+){1,3}(?:Post|Chronicle|Mail|Echo|News|Gazette"
    r"|Times|Herald|Examiner|Express|Star|Telegraph|Argus|Observer|Journal|Advertiser|Press"
    r"|Courier|Live))\b"
)
_STORY_PLACE = re.compile(
    r"\b(?:in|from|at|for|on|near|outside|of)[ \t]+(?:the[ \t]+)?[A-Z][a-z]{2,}"
    r"|\b[A-Z][a-z]+[ \t]+(?:U\d{1,2}s?|Uni\b|University|College|club)"
)


_FICTION = re.compile(
    r"\b(?i:film|movie|novel|book|story[ \t]+of|drama|soap|character|documentary|play|fiction"
    r"|case[ \t]+study|scenario|vignette)\b"
)


def a_child_known_from_a_story(match: re.Match[str]) -> bool:
    """ "the 9yo from Thirsk whose bake sale raised £3k", "the girl who won the county boxing
    title at the Halifax club": one child (a child word, never a plural), a story told of
    them, a place. A professional's or a campaign's story has no child word before it."""
    sentence = _sentence(match)
    if re.search(r"\b(?i:any|every|each|no)[ \t]+$", match.string[: match.start()]):
        return False
    if _FICTION.search(sentence):
        return False
    return _STORY_PLACE.search(sentence) is not None


# --- a jigsaw with no name: a parent's trade or disability, a town, a child ---------------------

_TRADE = (
    r"hairdresser|barber|paramedic|firefighter|fireman|postman|postwoman|postie|vicar|priest"
    r"|imam|rabbi|GP|dentist|pharmacist|vet|nurse|midwife|teacher|TA|caretaker|headteacher"
    r"|taxi[ \t]+driver|bus[ \t]+driver|lorry[ \t]+driver|butcher|baker|fishmonger|farmer"
    r"|publican|landlord|landlady|shopkeeper|police[ \t]+officer|PCSO|builder|plumber"
    r"|electrician|mechanic|cleaner|solicitor|councillor|chef|milkman|window[ \t]+cleaner"
    r"|lollipop[ \t]+(?:man|lady)|footballer|soldier"
)
_DISABILITY = (
    r"blind|deaf|wheelchair[ \t]+user|in[ \t]+(?:a|the)[ \t]+wheelchair|amputee"
    r"|partially[ \t]+sighted"
)
JIGSAW = (
    rf"\b(?:(?P<disabled>{_DISABILITY})[ \t]+(?:mum|mam|dad|mother|father|parent|user)?\b"
    rf"|(?:[Tt]he|[Aa]|[Tt]hat|only|['’]s[ \t]+a|is[ \t]+a|is[ \t]+the)[ \t]+(?:local[ \t]+)?"
    rf"(?:only[ \t]+)?(?P<trade>{_TRADE})"
    r"|(?:[Tt]he|[Aa]|only)[ \t]+(?P<origin>[A-Z][a-z]+(?:an|ish|ese|i|ic))[ \t]+(?=(?:mum|mam"
    r"|dad|mother|father|single[ \t]+(?:mum|dad)|grandmother|nan)\b))"
    r"(?![ \t]*(?:s\b|surgery|practice|service|team))\b"
)
_CHILD_BEFORE = re.compile(
    r"\b(?i:lad|girl|boy|kid|child|son|daughter|yp|teenager)\b[^.!?\n]{0,8}$"
)
_NAMED_SCHOOL = re.compile(
    r"\b(?:at|from)[ \t]+(?:[A-Z][\w'’]+[ \t]+){1,3}(?i:school|primary|academy|college|high)\b"
)
_PARENT = re.compile(r"\b(?i:mum|mam|dad|mother|father|parent|wife|husband)\b")
_RELATION_TO_CHILD = re.compile(
    r"\b(?i:whose|with[ \t]+(?:a|an|her|his|their|two|three)|and[ \t]+(?:her|his|their)"
    r"|(?:her|his|their)[ \t]+(?:son|daughter|boy|girl|kids?|child|\d))\b"
)
_TOWN = re.compile(
    r"\b(?:in|from|at|outside|near|of|on[ \t]+the[ \t]+edge[ \t]+of)[ \t]+(?:the[ \t]+)?"
    r"(?:village[ \t]+(?:outside|near)[ \t]+)?[A-Z][a-z]{2,}"
)
_UNDER_FIVES = re.compile(r"\b(?:two|three|four|\d)[ \t]+under[ \t]+[1-9]s?\b", re.IGNORECASE)


def a_jigsaw_family(match: re.Match[str]) -> bool:
    """ "the hairdresser in Hornsea whose 6yo", "the blind mum in the village outside
    Pocklington with a 3 year old", "wheelchair user, 16, the only one at Settle College":
    who the parent (or the child) is, a named town, and one child's age. A trade or a
    setting with no child ("the hairdresser in Hornsea offers free cuts") is public."""
    sentence = _sentence(match)
    if _VENUE_OR_NEWS.search(sentence) or not _TOWN.search(sentence):
        return False
    before = match.string[max(0, match.start() - 30) : match.start()]
    if match.group("disabled") and _CHILD_BEFORE.search(before):
        return _NAMED_SCHOOL.search(sentence) is not None or _one_childs_age(sentence)
    if not (_one_childs_age(sentence) or _UNDER_FIVES.search(sentence)):
        return False
    after = match.string[match.end() : match.end() + 12]
    if match.group("disabled") and re.match(rf"[ \t]*,[ \t]*{_AGE}[ \t]*,", after):
        return True  # the child is the one described
    near = match.string[max(0, match.start() - 30) : match.end() + 30]
    rest = sentence[sentence.find(match.group(0)) :]
    return bool(_PARENT.search(near) or _RELATION_TO_CHILD.search(rest))


# --- a child by age at a named street, flats, nursery or unit ---------------------------------

NAMED_PLACE = (
    r"\b(?:on|in|at|from|off|near|behind|around)[ \t]+(?:the[ \t]+)?"
    r"(?:(?:[A-Z][\w'’\-]+[ \t]+){1,3}(?:(?:[a-z]+[ \t]+)?(?i:short[ \t]+breaks?|residential"
    r"|respite|assessment|secure)[ \t]+(?:unit|home|centre)|(?i:nursery|pre-?school|playgroup"
    rf"|flats)|{_STREET_SUFFIX}|View)|Foyer(?:[ \t]+in[ \t]+[A-Z][a-z]+)?)\b"
)
_PUBLIC_AT_PLACE = re.compile(
    r"\b(?i:centre|center|surgery|clinic|office|hub|library|church|hall|club|fun[ \t]+day"
    r"|demolished|closed|closing|welcome|group|service)\b"
)


_EVENT_OR_JOB = re.compile(_VENUE_OR_NEWS.pattern.replace("|staff", ""))


def a_child_at_a_named_place(match: re.Match[str]) -> bool:
    """ "the 15yo lad who hangs around the chippy on Beck Lane", "The 4 year old at Little
    Acorns nursery who's got the bruising", "girl aged 12 at Oakwood residential unit": one
    child's age anywhere in the sentence of a named place. Events, jobs and a provider's news
    at the place ("Little Acorns nursery is recruiting") stay clean."""
    sentence = _sentence(match)
    if _EVENT_OR_JOB.search(sentence) or _PUBLIC_AT_PLACE.search(sentence):
        return False
    return _one_childs_age(sentence)


_DWELLING3 = r"(?i:back-to-back|end[ \t]+terrace|terrace|semi|bungalow|maisonette|bedsit)"
LITTLE_ONES_AT_HOME = (
    r"\b(?i:the[ \t]+(?:two|three|four|\d)[ \t]+(?:little[ \t]+ones|kids|children|boys|girls)"
    r"|little[ \t]+ones)\b[^.!?\n]{0,30}?\b(?:in|at)[ \t]+the[ \t]+"
    rf"{_DWELLING3}[ \t]+(?:on|off|at|in)[ \t]+(?:[A-Z][\w'’]+[ \t]+){{1,3}}"
    rf"(?:{_STREET_SUFFIX}|View)\b"
)

# --- court and case numbers --------------------------------------------------------------------

_COURT_BEFORE = re.compile(
    r"\b(?i:case|court|hearing|proceedings|FC|FPR|order[ \t]+on|(?:care|supervision|placement"
    r"|interim|protection|arrangements|residence|emergency|SGO|guardianship)[ \t]+order)\b"
)


def a_court_number(match: re.Match[str]) -> bool:
    """A court case number right after "case", or in the sentence of a care or supervision
    order ("The interim care order for the 9 year old (case YO24C00318)")."""
    head, _tail = sentence_around(match)
    return _COURT_BEFORE.search(head[-60:]) is not None


CHILD_CASE_REF = (
    r"\b(?:[A-Z]{1,4}[\-/])?(?:CIN|CPP?|LAC|CLA|CIC|LAAC|CHILD|YP|CiN)[\-/](?:\d{2,4}[\-/])?"
    r"\d{3,8}\b"
)
_NOT_A_CASE_REF = re.compile(
    r"\b(?i:job|vacancy|invoice|order|course|module|ticket|booking|training|PO)\b"
)


def a_childs_case_ref(match: re.Match[str]) -> bool:
    head, _tail = sentence_around(match)
    return _NOT_A_CASE_REF.search(head[-40:]) is None


CASE_NUMBER_LIST = (
    r"\b(?:(?P<system>Mosaic|LL|LCS|ICS|EHM|CareFirst|Eclipse|Liquidlogic|Azeus|Paris)"
    r"|(?i:references|refs|case[ \t]+numbers|IDs))\b[^.!?\n]{0,60}?"
    r"(?<!\d)\d{6,8}(?:[ \t]*(?:,|and|&)[ \t]*\d{6,8})+\b"
)
_FAMILY_OR_REFERRAL = re.compile(
    r"\b(?i:siblings?|brothers?|sisters?|twins|children|kids|family|referrals?|child|boys?"
    r"|girls?|baby|mum|dad)\b"
)


def a_list_of_case_numbers(match: re.Match[str]) -> bool:
    return bool(match.group("system")) or bool(_FAMILY_OR_REFERRAL.search(_sentence(match)))


# --- single slips ------------------------------------------------------------------------------

_NOT_A_PERSON_WORD = frozenset(
    {
        *"page chapter item room step level section table figure question group class team",
        *"ward bed unit appendix box line session week day month year module criteria stage",
        *"phase part point option plan tier band grade key note rule standard lesson slide",
    }
)
WORD_NAME_WITH_AGE = (
    r"(?:^|(?<=[.!?][ \t])|(?<=\n)|(?<=[,;:][ \t])|(?<=\band[ \t])|(?<=\bwith[ \t]))"
    rf"(?P<name>[A-Z][a-z]{{2,}})[ \t]*\([ \t]*{_AGE}[ \t]*\)(?=[ \t]+[a-z])"
)


# "Reading (12) had the most placements": a count by place, not a child's age.
_TALLY_WORDS = re.compile(
    r"\b(?i:most|more|fewer|less|total|cases|referrals|placements|figures|per[ \t]+cent"
    r"|quarter|average|rate)\b|%"
)


def a_word_name_with_age(match: re.Match[str]) -> bool:
    """ "River (8) has been home educated": an everyday word used as a name, with a child's
    age in brackets and a verb after. Counts by place and numbered things are not people."""
    name = match.group("name")
    low = name.lower()
    if low in _NOT_A_PERSON_WORD or name in NOT_A_NAME or low not in english_words():
        return False
    if _TALLY_WORDS.search(_sentence(match)):
        return False
    return not re.match(r"[ \t]+(?:and|&|,)[ \t]*[A-Z][a-z]+[ \t]*\(", match.string[match.end() :])


INITIALS_WITH_MONTHS = (
    r"(?<![\w.])(?P<initials>[A-Z]\.?[ \t]?[A-Z]?\.?)[ \t]*\([ \t]*\d{1,2}[ \t]*"
    r"(?:m|mths?|mnths?|months?|w|wks?|weeks?|/12|/52)[ \t]*\)"
)


def initials_with_months(match: re.Match[str]) -> bool:
    return initials_ok(match)


BARE_NHS = r"(?<![\d\w])\d{10}(?![\d\w])"


def nhs_number_in_sentence(match: re.Match[str]) -> bool:
    head, tail = sentence_around(match, before=160, after=160)
    return re.search(r"\bNHS[ \t]*(?:no\.?|number|num|#)", head + tail, re.IGNORECASE) is not None


PARENT_WITH_AGE = (
    r"(?<![\w'’])(?i:mum|mam|mom|dad|mother|father|stepmum|stepdad|step-dad|step-mum)"
    r"(?:[ \t]+(?:is|was)[ \t]+(?:only[ \t]+|just[ \t]+|now[ \t]+|still[ \t]+)?|[ \t]*\([ \t]*"
    r"|[ \t]*,[ \t]*|[ \t]+aged?[ \t]+)(?P<age>1[3-9]|[2-9]\d)\b"
    r"(?![ \t]*(?:%|minutes?|mins?|hours?|miles?|times|weeks?|months?|[:.,/\-–]\d|to[ \t]+\d"
    r"|or[ \t]+\d|years?[ \t]+(?:in|of|ago|qualified|experience|service)))"
)


def a_parent_with_age(match: re.Match[str]) -> bool:
    before = match.string[max(0, match.start() - 6) : match.start()]
    return re.search(r"\b(?i:my|our)[ \t]+$", before) is None


PART_POSTCODE_ADDRESS = (
    r"\b\d{1,4}[A-Za-z]?,?[ \t]+(?:[A-Z][a-z'’]+[ \t]+){1,3}"
    rf"(?:{_STREET_SUFFIX}|View),?[ \t]+(?:[A-Z][a-z'’\-]+[ \t]+){{0,2}}[A-Z][a-z'’\-]+,?[ \t]+"
    r"[A-Z]{1,2}\d{1,2}[A-Z]?\b(?![ \t]?\d[A-Z]{2})"
)
_PUBLIC_BUILDING_BEFORE = re.compile(
    r"\b(?i:office|offices|hub|centre|center|council|hall|hotel|venue|library|school|academy"
    r"|college|building|unit|clinic|surgery|hospital|station|church|HQ|court|base|depot"
    r"|team)\b[^.!?\n]{0,25}$"
)


def a_home_with_part_postcode(match: re.Match[str]) -> bool:
    before = match.string[max(0, match.start() - 40) : match.start()]
    return _PUBLIC_BUILDING_BEFORE.search(before) is None


BIRTHDAY_WITH_YEAR = (
    r"\b(?i:(?:her|his|their|the[ \t]+(?:baby|child|boy|girl|lad)['’]s|(?:yp|child|baby)['’]s)"
    r"[ \t]+birthday(?:['’]s|[ \t]+is|[ \t]+was)?)[ \t]+(?:(?i:on)[ \t]+)?(?:the[ \t]+)?"
    r"\d{1,2}(?:st|nd|rd|th)?(?:[ \t]+of)?[ \t]+"
    r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*,?[ \t]+(?:19[89]\d|20[0-2]\d)\b"
)

NICKNAME_CARERS_CALL = (
    r"(?<![\w'’])(?P<name>[A-Z][a-z]+(?:-[a-z]+)+)[ \t]+as[ \t]+(?:the|his|her|their|everyone"
    r"|staff|we|mum|dad|nan)(?:[ \t]+[a-z]+)?[ \t]+(?:call|calls|called)[ \t]+(?:him|her|them)\b"
)

# --- a service's own mailbox -------------------------------------------------------------------

_SERVICE_MAILBOX = re.compile(
    r"^(?:adoption|adopt|fostering|foster|mash|front\.?door|frontdoor|leaving\.?care|virtual"
    r"\.?school|lscb|lscp|scp|edt|cin|childrens?\.?services?|csc|social\.?care|early\.?help"
    r"|family\.?hubs?|fis|sendiass|yot|yjs|iro|admissions|kinship|sgo|youth|careleavers?)"
    r"[\w.\-]*@"
    r"|@(?:[\w\-]+\.)*[\w\-]*(?:council|trust|cst|gov|nhs|police|borough|cc|mbc|dc)\b",
    re.IGNORECASE,
)
_SERVICE_BEFORE = re.compile(
    r"\b(?i:service|team|hub|MASH|front[ \t]+door|board|school|unit|partnership|panel)['’]?s?"
    r"[ \t]*(?::|email|e-mail)?[^.!?\n]{0,30}$"
)
_PRIVATE_BEFORE = re.compile(
    r"\b(?i:mum|mam|dad|nan|carer|her|his|their|family|parent|uncle|aunt|partner)['’]?s?\b"
    r"[^.!?\n]{0,25}$"
)


def a_service_mailbox(match: re.Match[str]) -> bool:
    """ "adoption@dcst.example.co.uk", "email duty@... after the Adoption service": a
    service's own address. One after "mum's email" or "his" is private whatever its name."""
    before = match.string[max(0, match.start() - 60) : match.start()]
    if _PRIVATE_BEFORE.search(before):
        return False
    return bool(_SERVICE_MAILBOX.search(match.group(0)) or _SERVICE_BEFORE.search(before))


# --- "the Smiths on Grange Road", whoever else they are ----------------------------------------

_MUSIC_OR_SCREEN = re.compile(
    r"\b(?i:album|song|band|gig|record(?:ed|ing)?|single|tour|cover|played|playing|concert|film"
    r"|episode|series|sitcom|show|famous|Beatles)\b"
)


def a_plural_on_a_street(match: re.Match[str]) -> bool:
    """ "the Smiths on Grange Road (not those Smiths ...)": a plural placed on a street is a
    household even when it is a band's name; the band on its album cover is not."""
    return _MUSIC_OR_SCREEN.search(_sentence(match)) is None


# --- a birthday that is an organisation's -----------------------------------------------------

_ORGANISATIONS_BIRTHDAY = re.compile(
    r"\b(?i:scheme|service|charity|organisation|organization|team|hub|project|group|club"
    r"|council|trust|centre|school|network|partnership)['’]s[ \t]+$"
)


def a_persons_birthday(match: re.Match[str]) -> bool:
    before = match.string[max(0, match.start() - 30) : match.start()]
    return _ORGANISATIONS_BIRTHDAY.search(before) is None


# --- "there's just one Chinese family in Withernsea" ----------------------------------------

ONE_FAMILY = r"\b(?i:just|only)[ \t]+one[ \t]+(?:[\w'’\-]+[ \t]+){1,3}?family\b"


def the_one_family(match: re.Match[str]) -> bool:
    """ "just one Chinese family in Withernsea ... their 11yo": "just one" is "the only"."""
    sentence = _sentence(match)
    rest = sentence[sentence.find(match.group(0)) :]
    if _VENUE_OR_NEWS.search(sentence) or not _TOWN.search(rest):
        return False
    return _one_childs_age(sentence) or bool(
        re.search(r"\b(?i:their|her|his)[ \t]+(?:son|daughter|boy|girl|kids?|child)", rest)
    )
