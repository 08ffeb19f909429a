"""Checks on a pattern's match (app/guard/patterns.py): the words around it that make it a
child or family (an age, a household) or a professional or public place (a council office,
a duty line, a citation), and the check digits of NHS and National Insurance numbers."""

from __future__ import annotations

import re

from app.guard.names import english_words, is_first_name, is_lower_case_first_name, is_surname
from app.guard.vocabulary import (
    _INITIALS_NOT,
    _NOT_A_SURNAME,
    _PERSON_NEARBY,
    _PROFESSIONAL_BEFORE,
    _PUBLIC_PLACE,
    NOT_A_NAME,
    PROFESSIONAL_ROLE,
)


def nhs_checksum_ok(digits: str) -> bool:
    """NHS numbers end in a Modulus 11 check digit (weights 10 to 2)."""
    if len(digits) != 10 or len(set(digits)) == 1:
        return False
    weights = range(10, 1, -1)
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], weights, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


# The 23 letters a unique pupil number's check letter and a temporary UPN's last character
# are drawn from (the Department for Education's UPN specification: no I, O or S).
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_check_ok(upn: str) -> bool:
    """A unique pupil number's first character is a check letter: characters 2 to 13
    (digits, a temporary UPN's last character a letter worth its place in UPN_LETTERS),
    each times its position, summed, modulo 23, is that letter's place in UPN_LETTERS."""
    if len(upn) != 13 or upn[0] not in UPN_LETTERS or len(set(upn[1:12])) == 1:
        return False
    values = [int(c) if c.isdigit() else UPN_LETTERS.find(c) for c in upn[1:]]
    if -1 in values:
        return False
    total = sum(value * position for position, value in enumerate(values, start=2))
    return UPN_LETTERS[total % 23] == upn[0]


UPN_LABEL = re.compile(
    r"\b(?:UPN|unique[ \t]+pupil[ \t]+(?:number|no\.?)|pupil[ \t]+(?:number|no\.?))"
    r"[ \t]*(?::|is|was)?[ \t]*$",
    re.IGNORECASE,
)


def pupil_number_ok(match: re.Match[str]) -> bool:
    """A unique pupil number with a good check letter, or any of that shape written as one
    ("UPN K823402106017")."""
    before = match.string[max(0, match.start() - 30) : match.start()]
    return upn_check_ok(match.group(0).upper()) or bool(UPN_LABEL.search(before))


NHS_LABEL = re.compile(
    r"\bNHS(?:[ \t]*(?:no\.?|number|num|#))?[ \t]*(?::|is|was)?[ \t]*$", re.IGNORECASE
)


def labelled_nhs(match: re.Match[str]) -> bool:
    """Ten digits written as an NHS number, even with a wrong check digit (a typo still
    identifies the child to anyone who can look it up)."""
    return bool(NHS_LABEL.search(match.string[max(0, match.start() - 20) : match.start()]))


def digits_of(text: str) -> str:
    return re.sub(r"\D", "", text)


def sentence_around(match: re.Match[str], before: int = 120, after: int = 80) -> tuple[str, str]:
    """The text of the same sentence (or line) before and after the match, within limits."""
    text = match.string
    head = text[max(0, match.start() - before) : match.start()]
    head = re.split(r"[.!?]\s+(?=[A-Z])|\n", head)[-1]
    tail = text[match.end() : match.end() + after]
    tail = re.split(r"[.!?](?:\s|$)|\n", tail)[0]
    return head, tail


def in_public_place(match: re.Match[str]) -> bool:
    head, tail = sentence_around(match)
    return bool(_PUBLIC_PLACE.search(head) or _PUBLIC_PLACE.search(tail[:40]))


def phone_ok(match: re.Match[str]) -> bool:
    """A home or mobile number (01, 02, 07), not a duty team's, a council's or a helpline's
    (03 and 08 numbers are for organisations)."""
    digits = digits_of(match.group(0).replace("(0)", ""))
    if digits.startswith("44"):
        valid = len(digits) in (11, 12) and digits[2] in "127"
    else:
        valid = len(digits) in (10, 11) and digits[1] in "127"
    if not valid:
        return False
    mobile = digits.startswith(("07", "447"))
    if mobile:
        return not mobile_of_a_service(match)
    if in_public_place(match):
        return False
    head, tail = sentence_around(match)
    service = _SERVICE_LANDLINE.search(f"{head} {tail}") is not None
    return not service or _FAMILY_PHONE.search(head) is not None


# A council's out-of-hours or front-door line: "EDT for York is 01904 ...", unless the words
# just before the number make it a relative's ("mum's landline is 01904 ...").
_SERVICE_LANDLINE = re.compile(
    r"\b(?:EDT|OOH|out[ \t-]+of[ \t-]+hours|emergency[ \t]+duty|front[ \t]+door"
    r"|for[ \t]+professionals|professionals?[ \t]+(?:line|only)|children['’]s[ \t]+services)\b",
    re.IGNORECASE,
)


# A relative's or a young person's own phone: "mum's mobile", "dads new number", "yp's phone".
_FAMILY_PHONE = re.compile(
    r"\b(?:mum|mom|dad|nan|gran|grandma|grandad|aunt|auntie|uncle|yp|carer|parent|sister"
    r"|brother|girlfriend|boyfriend|partner)s?(?:['’]s)?\b[^.\n]{0,25}$",
    re.IGNORECASE,
)


_SERVICE_MOBILE = re.compile(
    r"\b(?:EDT|on[ \t-]call|manager|out[ \t]of[ \t]hours|OOH|emergency|social[ \t]worker)\b",
    re.IGNORECASE,
)


# A relative or a carer calling a service: "Dad keeps ringing the office from 07...".
_FAMILY_CALLING = re.compile(
    r"\b(?:mum|mom|mam|dad|nan|nana|gran|grandma|grandmother|grandad|grandfather|aunt|auntie"
    r"|uncle|yp|carer|parent|family|sister|brother|girlfriend|boyfriend|partner)s?(?:['’]s)?\b"
    r"[^.\n]{0,50}\b(?:rang|rung|ring|rings|ringing|call|called|calling|calls|phoned|phoning"
    r"|phones|texted|texting|texts|contacted|contacting)\b",
    re.IGNORECASE,
)


def mobile_of_a_service(match: re.Match[str]) -> bool:
    """A mobile number is a service's only when the words right by it say so ("EDT mobile
    07...", "07... (duty manager)"); "dads number is 07..., he keeps ringing duty" and "mum
    keeps calling the office from 07..." are the family's."""
    head, tail = sentence_around(match)
    if _FAMILY_PHONE.search(head[-40:]) or _FAMILY_CALLING.search(head[-90:]):
        return False
    near = head[-40:]
    return bool(
        _PUBLIC_PLACE.search(near)
        or _SERVICE_MOBILE.search(near)
        or _PUBLIC_PLACE.search(tail[:15])
    )


def postcode_ok(match: re.Match[str]) -> bool:
    """Capitals, or lower case with the usual space ("ls6 2qt" yes, "ls62qt" no), and not an
    office's or a venue's."""
    text = match.group(0)
    return (text.isupper() or " " in text) and not in_public_place(match)


PUBLIC_MAILBOX = re.compile(
    r"^(?:enquiries|enquiry|info|admin|duty|mash|referrals?|office|team|contact|hello|events?"
    r"|training|cpd|lado|safeguarding|help|support|bookings?|press|media|editor|communications)"
    r"[\w.\-]*@|@(?:[\w\-]+\.)*(?:gov\.uk|ac\.uk|nhs\.uk|nhs\.net|org\.uk|sch\.uk|police\.uk"
    r"|gov\.wales|gov\.scot|org)$",
    re.IGNORECASE,
)


def email_ok(match: re.Match[str]) -> bool:
    """A private address; a public body's or a team mailbox is a professional contact."""
    return not PUBLIC_MAILBOX.search(match.group(0))


def name_ok(name: str) -> bool:
    words = re.split(r"[ \t]+", name.strip())
    return len(words) >= 2 and not any(word in NOT_A_NAME for word in words)


def professional_before(match: re.Match[str], group: str = "name") -> bool:
    start = match.start(group)
    return bool(_PROFESSIONAL_BEFORE.search(match.string[max(0, start - 40) : start]))


def first_name_ok(match: re.Match[str]) -> bool:
    return is_first_name(match.group("name")) and not professional_before(match)


def initials_ok(match: re.Match[str]) -> bool:
    letters = re.sub(r"[^A-Z]", "", match.group("initials"))
    return letters not in _INITIALS_NOT


def person_nearby(match: re.Match[str]) -> bool:
    head, tail = sentence_around(match)
    return bool(_PERSON_NEARBY.search(head) or _PERSON_NEARBY.search(tail))


def surname_ok(match: re.Match[str]) -> bool:
    return match.group("surname") not in _NOT_A_SURNAME


def not_a_range(match: re.Match[str]) -> bool:
    """ "Babies under 12 months", "6 and 12 months", "born at 32 weeks or earlier" are a group,
    not a baby ("mum is 17 and her baby's 7 weeks" is one)."""
    before = match.string[max(0, match.start() - 12) : match.start()]
    around = before + match.group(0)
    after = match.string[match.end() : match.end() + 20]
    return not (
        re.match(
            r"[ \t]+(?:or|and)[ \t]+(?:earlier|less|under|below|more|over|younger|older)", after
        )
        or re.search(
            r"\b(?:under|over|below|above|than|to|between|before|after|within|until)\b", around
        )
        or re.search(r"\d[ \t]*(?:and|or)[ \t]+(?:\d|$)|\band[ \t]*$", around)
    )


def record_number_ok(match: re.Match[str]) -> bool:
    number = match.group("number") or match.group("bare")
    digits = digits_of(number)
    is_a_year = re.fullmatch(r"(?:19|20)\d\d", number) is not None
    return len(digits) >= 5 and not is_a_year


def household_nearby(match: re.Match[str]) -> bool:
    """A person next to the place, or a household moving or living there (not an office)."""
    if person_nearby(match):
        return True
    lives = re.match(r"(?i:live|lives|living|lived|moved|staying|stays)\b", match.group(0))
    return lives is not None and not in_public_place(match)


def lower_case_first_name_ok(match: re.Match[str]) -> bool:
    return is_lower_case_first_name(match.group("name")) and not professional_before(match)


# Plurals that are peoples, groups or things, not a family ("the Americans", "the Greens").
NOT_A_FAMILY_PLURAL = re.compile(
    r"(?:ians|ans|ese|ists|ics|ings|ers['’]|ites)$"
    r"|^(?:Lakes|Dales|Midlands|Highlands|Downs|Moors|Commons|Lords|Greens|Blues|Reds|Wolves)$"
)


def family_plural_ok(match: re.Match[str]) -> bool:
    """ "the Whitakers have moved", not "the Beatles were on" (an everyday plural whose
    singular is no listed surname)."""
    groups = match.groupdict()
    plural = groups.get("plural") or groups["plural2"]
    if plural.lower() in english_words() and not is_surname(plural[:-1]):
        return False
    return plural[:-1] not in _NOT_A_SURNAME and not NOT_A_FAMILY_PLURAL.search(plural)


def home_address_ok(match: re.Match[str]) -> bool:
    return not in_public_place(match)


def first_name_just_before(match: re.Match[str]) -> bool:
    """A first name in the few words before the match ("Stefan from the flats ...")."""
    head, _tail = sentence_around(match, before=30)
    return any(is_first_name(word) for word in re.findall(r"[A-Z][a-z]+", head))


def child_at_home_area(match: re.Match[str]) -> bool:
    return household_nearby(match) or first_name_just_before(match)


def not_professional_after(match: re.Match[str]) -> bool:
    """No role in the first words after the match ("..., the DSL", "(head)", "as a TA")."""
    tail = match.string[match.end() : match.end() + 30]
    return not re.match(
        rf"[ \t,(\-–]*(?:(?:is|was|as|the|a|an|our|their)[ \t]+)*{PROFESSIONAL_ROLE.pattern}",
        tail,
        re.IGNORECASE,
    )


CHILD_BEFORE_SCHOOL = re.compile(
    r"(?:\b(?:boy|girl|lad|child|kid|pupil|son|daughter|YP|yp|young[ \t]+person)"
    r"|(?<![\w'’.\-])(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?:['’]s[ \t]+(?:son|daughter|boy"
    r"|girl|brother|sister))?)(?:,?[ \t]+who)?,?[ \t]+$"
)


def child_at_school_ok(match: re.Match[str]) -> bool:
    """A child (a first name, "the boy", "her daughter") just before a named school, and no
    professional role just after it ("Claire at Westfield Primary, the DSL")."""
    before = match.string[max(0, match.start() - 40) : match.start()]
    child = CHILD_BEFORE_SCHOOL.search(before)
    if child is None:
        return False
    name = child.group("name")
    if name and (not is_first_name(name) or _PROFESSIONAL_BEFORE.search(before[: child.start()])):
        return False
    return not_professional_after(match)


# Words before a lone capital letter that make it a label, not a child ("Plan B (2)").
LABEL_WORDS = """option type plan part section schedule appendix annex table figure step grade
    level
    class group stage key box form tier category vitamin hepatitis route zone block room
    unit ward bay wing floor"""


LETTER_LABELS = frozenset(LABEL_WORDS.split())


def single_initial_ok(match: re.Match[str]) -> bool:
    if match.group("initials") in ("I", "A") and match.start() == 0:
        return False
    before = match.string[max(0, match.start() - 20) : match.start()]
    words = re.findall(r"[\w'’]+", before)
    if not words or re.search(r"[.,;:!?(]\s*$", before):
        return match.group("initials") != "I"
    previous = words[-1]
    return previous.islower() and previous not in LETTER_LABELS


VALID_NI_NUMBER = re.compile(
    r"(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][ \t]?\d{2}[ \t]?\d{2}"
    r"[ \t]?\d{2}[ \t]?[A-D]"
)


def labelled_ni_ok(match: re.Match[str]) -> bool:
    """A number written as a National Insurance number even with letters HMRC never issues
    ("QQ 12 34 56 C", a typo still identifies); a valid one is found without its label."""
    return VALID_NI_NUMBER.fullmatch(match.group("number")) is None


RECORD_CONTEXT = re.compile(
    r"\b(?:referral|case|strategy|CP|CIN|child|family|mum|dad|chronology|assessment"
    r"|plan|conference|sibling|placement)\b",
    re.IGNORECASE,
)


NOT_A_RECORD_BEFORE = re.compile(
    r"\b(?:ISBN|URN|Ofsted|invoice|order|PO|booking|ticket|job|vacancy|post|role|course"
    r"|training|event)\b",
    re.IGNORECASE,
)


def labelled_record_ok(match: re.Match[str]) -> bool:
    """ "Ref: MOS-0099812" with a referral or a case in the sentence; a job's, a booking's or
    a course's reference is not a case record."""
    head, tail = sentence_around(match)
    return bool(RECORD_CONTEXT.search(head + " " + tail)) and not NOT_A_RECORD_BEFORE.search(
        head[-30:] + " " + match.group(0)
    )


# A particular child or household in the sentence: "a 13 yr old girl", "the kids", "my yp",
# "aged 9", "14yo"; not a range ("11-19 year olds") nor a service ("the family hub").
_CHILD_IN_SENTENCE = re.compile(
    r"\b(?:(?:a|the|my|our|this|her|his|two|three|four|five|\d)[ \t]+"
    r"(?:\d{1,2}[ \t-]*(?:yrs?|years?|y)[ \t-]*old[ \t]+)?"
    r"(?:girl|boy|lad|yp|child|kid|kids|baby|toddler|teen|mum|dad|children|siblings|family"
    r"(?![ \t]+(?:hub|centre|center|support|services?|group|court|network)))\b"
    r"|(?<![-–\d])\d{1,2}[ \t-]*(?:yrs?|years?)[ \t-]*old(?!s)\b|(?<![-–\d])\d{1,2}[ \t]?y/?o\b"
    r"|\baged[ \t]+\d{1,2}\b(?![ \t]*(?:-|–|to|and)))",
    re.IGNORECASE,
)


def child_in_sentence(match: re.Match[str]) -> bool:
    """A lower-case estate or address with a particular child or household in its sentence
    ("a 13 yr old girl on the lincoln green estate"), not an office, a venue or a service."""
    head, tail = sentence_around(match)
    child = _CHILD_IN_SENTENCE.search(head) or _CHILD_IN_SENTENCE.search(tail)
    return child is not None and not in_public_place(match)
