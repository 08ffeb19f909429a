"""More of the ways practitioners identify a family without the forms patterns.py reads
(issue 19, the outside set's misses), each written as a form, not as a sentence:

- a family by its surname in the plural ("the Nowaks", "the Hendersons") or a parent with
  "her three" ("Mrs O'Driscoll and her three");
- a child with a name that is a word and a sibling's age ("Sky and her little brother are
  12 and 5");
- an NHS number written in three groups (3-3-4) with or without its label nearby;
- a date of birth asked about with no name ("dob for me: 28-02-2014", "b. 3/7/19");
- a case-system number misspelt ("moasic", "mosiac") or in other words ("case no.",
  "ref ...", "eclipse record for person ...") near a child or a family;
- a child described by where they live, with no name ("the blue door house at the end of
  Railway Terrace", "supported lodgings on Harehills Lane", "the caravan site off the
  bypass");
- an adult relative's age ("nan, 58", "mum's partner (27)", "stepdad is 31");
- a baby born early ("born at 29 weeks", "prem at 28 weeks");
- a name, then "she will be 19 in the spring" a sentence or a few clauses later.

The words around each match still let professionals and public places pass (an office, a
venue, a meeting's ID, a job's reference).
"""

from __future__ import annotations

import re

from app.guard.names import is_first_name, is_surname
from app.guard.pattern_checks import in_public_place, sentence_around
from app.guard.vocabulary import _DATE, _STREET_SUFFIX, NOT_A_NAME

# A particular child or household anywhere in the sentence.
_HOUSEHOLD = re.compile(
    r"\b(?:kids?|child|children|boys?|girls?|lads?|yp|young[ \t]+(?:person|people)"
    r"|teen(?:ager)?s?|baby|babies|toddler|family|siblings?|mum|dad|mam|grandad|grandma"
    r"|nan|sons?|daughters?|eldest|youngest|\d{1,2}[ \t-]*(?:yrs?|years?)[ \t-]*old"
    r"|aged[ \t]+\d{1,2}|is[ \t]+\d{1,2}\b)",
    re.IGNORECASE,
)


def _sentence(match: re.Match[str]) -> str:
    head, tail = sentence_around(match)
    return f"{head}{match.group(0)}{tail}"


# --- a family's surname in the plural ---------------------------------------------------------

# "keeping up with the Joneses", bands and parties: plurals that are not a family.
_NOT_A_FAMILY_BEFORE = re.compile(r"(?i:up[ \t]+with|like|than|vote|voted|voting|for)[ \t]+$")
_NOT_A_FAMILY_AFTER = re.compile(
    r"[ \t]+(?i:foundation|trust|charity|fund|centre|center|hub|band|album|song|concert"
    r"|tour|gig|show|film|party|team|club|model|report|review|act|case)\b"
    r"|[ \t]+(?:is|was|has|does)\b"  # "The Simpsons is": a title, not a household
)


def family_plural(match: re.Match[str]) -> bool:
    """ "the Nowaks", "the Gallaghers", "the Begums": the singular (without -s or -es) is a
    listed surname, and the words around it are not an idiom, a band's or a party's."""
    plural = match.group("plural")
    singulars = [plural[:-1]]
    if plural.endswith("es"):
        singulars.append(plural[:-2])
    if not any(is_surname(word) for word in singulars):
        return False
    text = match.string
    before = text[max(0, match.start() - 20) : match.start()]
    after = text[match.end() : match.end() + 20]
    return not (_NOT_A_FAMILY_BEFORE.search(before) or _NOT_A_FAMILY_AFTER.match(after))


FAMILY_PLURAL = r"\b[Tt]he[ \t]+(?P<plural>(?:Mc|Mac|O['’])?[A-Z][a-z]{2,}s)(?![\w'’-])"

PARENT_AND_HER_CHILDREN = (
    r"\b(?:Mrs|Mr|Ms|Miss)\.?[ \t]+(?:Mc|Mac|O['’])?[A-Z][\w'’\-]+[ \t]+and[ \t]+(?:her|his)"
    r"[ \t]+(?:\d|two|three|four|five|six|seven|eight|kids|children|boys|girls|twins|lot"
    r"|little[ \t]+ones|youngest|eldest|son|daughter)\b"
)

# --- a word name with a sibling's age ---------------------------------------------------------

NAME_AND_SIBLING_AGES = (
    r"\b(?P<name>[A-Z][a-z]+|[a-z]{3,})[ \t]+and[ \t]+(?:her|his|their)[ \t]+"
    r"(?:(?:little|baby|big|older|younger|twin|half|step)[ \t-]*)?"
    r"(?:brothers?|sisters?|twin|siblings?|cousins?|bro|sis)[ \t]+(?:are|were)[ \t]+"
    r"(?:only[ \t]+|just[ \t]+|now[ \t]+)?(?:1[0-8]|[0-9])\b(?![ \t]*(?:%|minutes|mins|miles))"
)

_NOT_A_CHILD_BEFORE_AND = frozenset({"she", "he", "they", "mum", "dad", "nan", "it", "this"})


def a_child_and_sibling(match: re.Match[str]) -> bool:
    return match.group("name").lower() not in _NOT_A_CHILD_BEFORE_AND


# --- NHS numbers in three groups --------------------------------------------------------------

NHS_GROUPED = r"(?<![\d\w+])[1-9]\d{2}(?P<sep>[ \-])\d{3}(?P=sep)\d{4}(?![\d\w])"

_NOT_AN_NHS_NUMBER = re.compile(
    r"\b(?i:meeting|zoom|teams|webinar|passcode|pin|isbn|issn|charity|company|tel|phone"
    r"|telephone|mobile|fax|call|ring|text|sort[ \t]+code|account|invoice|order|ticket"
    r"|booking|job|vacancy|course|conference|dial|dial-in|ref|reference|switchboard|helpline"
    r"|line|extension|ext)\b"
)


_HEALTH_OR_CHILD = re.compile(
    r"\b(?:NHS|GP|hospital|health|HV|midwife|midwifery|red[ \t]+book|registered|discharge"
    r"|A&E|clinic|spine|paediatric\w*|baby|child|children|kids?|boy|girl|yp|mum|dad|son"
    r"|daughter|youngest|eldest|sibling|twins?)\b",
    re.IGNORECASE,
)


def grouped_nhs_number(match: re.Match[str]) -> bool:
    """Ten digits in 3-3-4 groups is how an NHS number is written: with its check digit it is
    found anywhere (patterns.py); without, with health or a child in the sentence. A meeting's
    ID, a phone or a reference named just before is not one (phone numbers start with 0)."""
    head, tail = sentence_around(match)
    if _NOT_AN_NHS_NUMBER.search(head[-40:]):
        return False
    return _HEALTH_OR_CHILD.search(f"{head} {tail}") is not None


# --- a date of birth with no name -------------------------------------------------------------

DATE_OF_BIRTH_ASKED = (
    r"\b(?i:d\.?o\.?b\.?|date[ \t]+of[ \t]+birth|birth[ \t]?date)(?![\w])"
    r"(?:[ \t]+(?!\d)[\w'’]+){0,4}?[ \t]*(?:[:\-–]|is|was|as|of)?[ \t]*"
    rf"{_DATE}"
    r"|(?<![\w.])b\.[ \t]*\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})\b"
)

# --- case-system numbers misspelt or in other words -------------------------------------------

_MISSPELT_SYSTEM = (
    r"(?i:mo[sz]?[aei]{1,2}[sz]?[aei]{0,2}[ck]|mosaic|eclipse|care[ \t]?first|lcs|ics)"
)
CASE_NUMBER_OTHER_WORDS = (
    rf"\b(?P<system>{_MISSPELT_SYSTEM}|LL|(?i:case|ref(?:erence)?|file|person|client|record))"
    r"\b\.?(?:[ \t]+(?!\d)[\w.'’]+){0,4}?[ \t]*[:#]?[ \t]*(?P<number>\d{6,10})\b"
)

_RECORD_CONTEXT = re.compile(
    r"\b(?:referral|case|strategy|s47|s17|CP|CIN|LAC|CLA|child|children|kids?|family|mum|dad"
    r"|baby|boy|girl|sibling|eldest|youngest|yp|chronology|assessment|plan|address|safeguarding"
    r"|placement|carers?)\b",
    re.IGNORECASE,
)
_NOT_A_RECORD = re.compile(
    r"\b(?:ISBN|URN|Ofsted|invoice|order|PO|booking|ticket|job|vacancy|post|role|course"
    r"|training|event|charity|company|meeting|room|page)\b",
    re.IGNORECASE,
)


def case_number_nearby_child(match: re.Match[str]) -> bool:
    """Six or more digits after a case system's name (misspelt too) are a case record; after a
    plain "case", "ref" or "person", only with a child, a family or a referral in the
    sentence and no job's, course's or invoice's word before it."""
    head, tail = sentence_around(match)
    if _NOT_A_RECORD.search(head[-30:] + " " + match.group(0)):
        return False
    if re.fullmatch(r"(?:19|20)\d\d", match.group("number")):
        return False
    system = match.group("system").lower()
    if system not in {"case", "ref", "reference", "file", "person", "client", "record"}:
        return True
    return bool(_RECORD_CONTEXT.search(head + " " + match.group(0) + " " + tail))


# --- a child described by where they live -----------------------------------------------------

_DWELLING = (
    r"(?i:supported[ \t]+lodgings|caravan[ \t]+site|(?:static[ \t]+)?caravan"
    r"|travellers['’]?[ \t]+site|traveller[ \t]+site|hostel|house|flats?|bungalow"
    r"|end[ \t]+terrace|maisonette|bedsit|B&B|refuge|squat)"
)
_ROAD_OR_LANDMARK = (
    rf"(?:(?:[A-Z][\w'’]+[ \t]+){{1,3}}{_STREET_SUFFIX}\b"
    r"|(?i:by-?pass|ring[ \t]+road|retail[ \t]+park|industrial[ \t]+estate|motorway"
    r"|roundabout|canal|railway|level[ \t]+crossing)\b|[AM]\d{1,4}\b)"
)
CHILD_DWELLING = (
    rf"\b{_DWELLING}\b(?:[ \t]+[\w'’&\-]+){{0,7}}?[ \t]+"
    r"(?i:on|off|at|in|by|near|behind|opposite|along|beside)[ \t]+(?:the[ \t]+)?"
    r"(?:(?i:end|top|bottom|corner|back|far[ \t]+end)[ \t]+of[ \t]+(?:the[ \t]+)?)?"
    rf"{_ROAD_OR_LANDMARK}"
)

_VENUE = re.compile(
    r"\b(?i:venue|camp|event|events|hosts?|hosting|runs|open[ \t]+to|meets|meeting|forum"
    r"|drop-?in|session|conference|training|office|offices|providers?|based)\b"
)


def child_at_dwelling(match: re.Match[str]) -> bool:
    """A house, a hostel, lodgings or a caravan site named by its road, with a particular child
    or household in the sentence; not a venue, an office or a service's address."""
    sentence = _sentence(match)
    if in_public_place(match) or _VENUE.search(sentence):
        return False
    return _HOUSEHOLD.search(sentence) is not None


# --- an adult relative's age ------------------------------------------------------------------

_ADULT_ROLE = (
    r"(?:nan|nana|nanna|nanny|gran|granny|grandma|grandmother|grandad|granddad|grandpa"
    r"|grandfather|step-?dad|step-?mum|stepfather|stepmother|aunt|auntie|aunty|uncle)"
)
_PARTNER = r"(?:partner|boyfriend|girlfriend|bf|gf|fiance|fiancee|husband|wife)"
ADULT_RELATIVE_AGE = (
    rf"\b(?:(?:(?:mum|mam|mom|dad|her|his|their|nan|gran)(?:['’]?s)?[ \t]+(?:new[ \t]+)?)?"
    rf"{_ADULT_ROLE}|(?:mum|mam|mom|dad|her|his|their)(?:['’]?s)?[ \t]+(?:new[ \t]+)?"
    rf"{_PARTNER})"
    r"(?:[ \t]*,[ \t]*|[ \t]*\([ \t]*|[ \t]+(?:is|was)[ \t]+(?:only[ \t]+|now[ \t]+|just[ \t]+)?"
    r"|[ \t]+aged?[ \t]+|,?[ \t]+who(?:['’]s|[ \t]+is)[ \t]+(?:only[ \t]+|now[ \t]+)?)"
    r"(?P<age>1[4-9]|[2-9]\d)\b(?![ \t]*(?:%|minutes?|mins?|hours?|miles?|years?[ \t]+(?:in|of|ago)"
    r"|[:.,/\-–]\d|to[ \t]+\d|or[ \t]+\d))"
)
ADULT_RELATIVE_AGE_FLAGS = re.IGNORECASE


def not_the_writers_own(match: re.Match[str]) -> bool:
    """ "nan, 61," is a family's; "my nan, 92, still sends me a card" is the writer's own."""
    before = match.string[max(0, match.start() - 6) : match.start()]
    return re.search(r"\b(?i:my|our)[ \t]+$", before) is None


# --- a baby born early ------------------------------------------------------------------------

BORN_EARLY = (
    r"\b(?:born|prem|premmie|premie|premature|prematurely|delivered|baby[ \t]+(?:came|arrived))"
    r"(?:[ \t]+(?!at\b)[\w'’]+){0,3}?[ \t]+at[ \t]+(?:just[ \t]+|only[ \t]+)?"
    r"(?:2[2-9]|3[0-6])(?:[ \t]*\+[ \t]*\d)?[ \t]*(?:weeks?|wks?|w)\b"
    r"(?![ \t]+(?:or|and)[ \t]+(?:earlier|less|under|below|before|fewer|more))"
)


def one_baby_born_early(match: re.Match[str]) -> bool:
    """ "born at 29 weeks" is a baby's; "babies born at 32 weeks" are a group."""
    before = match.string[max(0, match.start() - 25) : match.start()]
    return re.search(r"\b(?i:babies|infants|children|those|any|all)\b", before) is None


# --- a name introduced after it ("Tilly-Boo, as she likes to be called, 7") -------------------

NAME_AS_THEY_LIKE = (
    r"(?<![\w'’.\-])(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)?),?[ \t]+as[ \t]+(?:s?he|they)[ \t]+"
    r"(?:likes?|prefers?|wants?|asks?|insists?|loves?)[ \t]+(?:to[ \t]+be[ \t]+|us[ \t]+to[ \t]+)?"
    r"(?:called|known|call[ \t]+(?:her|him|them))\b"
)


def a_name_introduced(match: re.Match[str]) -> bool:
    return match.group("name").split("-")[0] not in NOT_A_NAME


# --- a name, then the age a sentence or a few clauses later -----------------------------------

AGE_TO_COME = (
    r"\b(?:(?P<pronoun>s?he|they)[ \t]+will|(?:s?he|they)['’]ll|will)[ \t]+be[ \t]+"
    r"(?:only[ \t]+|just[ \t]+)?(?P<age>1\d|2[0-5]|[1-9])[ \t]+"
    r"(?:in|next|on|this|soon|when|at|by|before)\b(?![ \t]+(?:total|number|size|all)\b)"
)

_CAPITALISED = re.compile(r"(?<![\w'’])[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")


def age_to_come(match: re.Match[str]) -> bool:
    """ "she will be 16 in June" is a child's age; "will be 19 in the spring" a care leaver's
    when a first name comes a clause or a sentence before it."""
    age = int(match.group("age"))
    if match.group("pronoun") and age <= 18:
        return True
    before = match.string[max(0, match.start() - 250) : match.start()]
    if re.search(r"\b(?i:it|that|this|there|which|what|everything|all)[ \t]+$", before):
        return False  # "it will be 5 on Monday"
    return any(is_first_name(name.group(0)) for name in _CAPITALISED.finditer(before))
