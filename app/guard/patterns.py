"""The guard's patterns: each finds one way practitioners identify a child or family, and is
narrowed by the words around it so that professionals and public places pass.

The rule of thumb (issue 19): a name next to "presented", "wrote", "Dr", a council or a
university is a professional; a name next to an age, a school year, "mum", "placed" or
"disclosed" is a child or family. docs/anonymisation-guard.md explains each kind in
practitioners' words; tests/test_anonymisation.py has examples of each, and
tests/data/guard_set.jsonl is the labelled set that measures them together.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from app.guard.names import is_first_name, is_lower_case_first_name
from app.guard.vocabulary import (
    _AGE_AFTER_NAME,
    _AGE_BEFORE_NAME,
    _AGE_NUMBER,
    _AGE_QUALIFIER,
    _AGE_TAIL,
    _CASE_SYSTEM,
    _CASE_SYSTEM_NAME,
    _CHILD_AGE,
    _DATE,
    _DATE_AFTER_NAME,
    _FIRST_NAME,
    _INITIALS_NOT,
    _NAME,
    _NOT_A_LOWER_CASE_SURNAME,
    _NOT_A_SURNAME,
    _NOT_AN_AGE_AFTER,
    _NUMBER_WORD,
    _PERSON_NEARBY,
    _PROFESSIONAL_BEFORE,
    _PUBLIC_PLACE,
    _SCHOOL_WORD,
    _STREET_SUFFIX,
    NOT_A_NAME,
    PROFESSIONAL_ROLE,
)

# --- checks on a match ----------------------------------------------------------------------


def _nhs_checksum_ok(digits: str) -> bool:
    """NHS numbers end in a Modulus 11 check digit (weights 10 to 2)."""
    if len(digits) != 10 or len(set(digits)) == 1:
        return False
    weights = range(10, 1, -1)
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], weights, strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


_NHS_LABEL = re.compile(
    r"\bNHS(?:[ \t]*(?:no\.?|number|num|#))?[ \t]*(?::|is|was)?[ \t]*$", re.IGNORECASE
)


def _labelled_nhs(match: re.Match[str]) -> bool:
    """Ten digits written as an NHS number, even with a wrong check digit (a typo still
    identifies the child to anyone who can look it up)."""
    return bool(_NHS_LABEL.search(match.string[max(0, match.start() - 20) : match.start()]))


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _sentence_around(match: re.Match[str], before: int = 120, after: int = 80) -> tuple[str, str]:
    """The text of the same sentence (or line) before and after the match, within limits."""
    text = match.string
    head = text[max(0, match.start() - before) : match.start()]
    head = re.split(r"[.!?]\s+(?=[A-Z])|\n", head)[-1]
    tail = text[match.end() : match.end() + after]
    tail = re.split(r"[.!?](?:\s|$)|\n", tail)[0]
    return head, tail


def _in_public_place(match: re.Match[str]) -> bool:
    head, tail = _sentence_around(match)
    return bool(_PUBLIC_PLACE.search(head) or _PUBLIC_PLACE.search(tail[:40]))


def _phone_ok(match: re.Match[str]) -> bool:
    """A home or mobile number (01, 02, 07), not a duty team's, a council's or a helpline's
    (03 and 08 numbers are for organisations)."""
    digits = _digits(match.group(0).replace("(0)", ""))
    if digits.startswith("44"):
        valid = len(digits) in (11, 12) and digits[2] in "127"
    else:
        valid = len(digits) in (10, 11) and digits[1] in "127"
    return valid and not _in_public_place(match)


def _postcode_ok(match: re.Match[str]) -> bool:
    """Capitals, or lower case with the usual space ("ls6 2qt" yes, "ls62qt" no), and not an
    office's or a venue's."""
    text = match.group(0)
    return (text.isupper() or " " in text) and not _in_public_place(match)


_PUBLIC_MAILBOX = re.compile(
    r"^(?:enquiries|enquiry|info|admin|duty|mash|referrals?|office|team|contact|hello|events?"
    r"|training|cpd|lado|safeguarding|help|support|bookings?|press|media|editor|communications)"
    r"[\w.\-]*@|@(?:[\w\-]+\.)*(?:gov\.uk|ac\.uk|nhs\.uk|nhs\.net|org\.uk|sch\.uk|police\.uk"
    r"|gov\.wales|gov\.scot|org)$",
    re.IGNORECASE,
)


def _email_ok(match: re.Match[str]) -> bool:
    """A private address; a public body's or a team mailbox is a professional contact."""
    return not _PUBLIC_MAILBOX.search(match.group(0))


def _name_ok(name: str) -> bool:
    words = re.split(r"[ \t]+", name.strip())
    return len(words) >= 2 and not any(word in NOT_A_NAME for word in words)


def _professional_before(match: re.Match[str], group: str = "name") -> bool:
    start = match.start(group)
    return bool(_PROFESSIONAL_BEFORE.search(match.string[max(0, start - 40) : start]))


def _first_name_ok(match: re.Match[str]) -> bool:
    return is_first_name(match.group("name")) and not _professional_before(match)


def _initials_ok(match: re.Match[str]) -> bool:
    letters = re.sub(r"[^A-Z]", "", match.group("initials"))
    return letters not in _INITIALS_NOT


def _person_nearby(match: re.Match[str]) -> bool:
    head, tail = _sentence_around(match)
    return bool(_PERSON_NEARBY.search(head) or _PERSON_NEARBY.search(tail))


def _surname_ok(match: re.Match[str]) -> bool:
    return match.group("surname") not in _NOT_A_SURNAME


def _not_a_range(match: re.Match[str]) -> bool:
    """ "Babies under 12 months" is a group, not a baby."""
    before = match.string[max(0, match.start() - 12) : match.start()]
    return not re.search(
        r"\b(?:under|over|below|above|than|to|and|between)\b", before + match.group(0)
    )


def _record_number_ok(match: re.Match[str]) -> bool:
    number = match.group("number") or match.group("bare")
    digits = _digits(number)
    is_a_year = re.fullmatch(r"(?:19|20)\d\d", number) is not None
    return len(digits) >= 5 and not is_a_year


def _household_nearby(match: re.Match[str]) -> bool:
    """A person next to the place, or a household moving or living there (not an office)."""
    if _person_nearby(match):
        return True
    lives = re.match(r"(?i:live|lives|living|lived|moved|staying|stays)\b", match.group(0))
    return lives is not None and not _in_public_place(match)


def _lower_case_first_name_ok(match: re.Match[str]) -> bool:
    return is_lower_case_first_name(match.group("name")) and not _professional_before(match)


# Plurals that are peoples, groups or things, not a family ("the Americans", "the Greens").
_NOT_A_FAMILY_PLURAL = re.compile(
    r"(?:ians|ans|ese|ists|ics|ings|ers['’]|ites)$"
    r"|^(?:Lakes|Dales|Midlands|Highlands|Downs|Moors|Commons|Lords|Greens|Blues|Reds|Wolves)$"
)


def _family_plural_ok(match: re.Match[str]) -> bool:
    groups = match.groupdict()
    plural = groups.get("plural") or groups["plural2"]
    return plural[:-1] not in _NOT_A_SURNAME and not _NOT_A_FAMILY_PLURAL.search(plural)


def _home_address_ok(match: re.Match[str]) -> bool:
    return not _in_public_place(match)


def _first_name_just_before(match: re.Match[str]) -> bool:
    """A first name in the few words before the match ("Stefan from the flats ...")."""
    head, _tail = _sentence_around(match, before=30)
    return any(is_first_name(word) for word in re.findall(r"[A-Z][a-z]+", head))


def _child_at_home_area(match: re.Match[str]) -> bool:
    return _household_nearby(match) or _first_name_just_before(match)


def _not_professional_after(match: re.Match[str]) -> bool:
    """No role in the first words after the match ("..., the DSL", "(head)", "as a TA")."""
    tail = match.string[match.end() : match.end() + 30]
    return not re.match(
        rf"[ \t,(\-–]*(?:(?:is|was|as|the|a|an|our|their)[ \t]+)*{PROFESSIONAL_ROLE.pattern}",
        tail,
        re.IGNORECASE,
    )


_CHILD_BEFORE_SCHOOL = re.compile(
    r"(?:\b(?:boy|girl|lad|child|kid|pupil|son|daughter|YP|yp|young[ \t]+person)"
    r"|(?<![\w'’.\-])(?P<name>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?:['’]s[ \t]+(?:son|daughter|boy"
    r"|girl|brother|sister))?)(?:,?[ \t]+who)?,?[ \t]+$"
)


def _child_at_school_ok(match: re.Match[str]) -> bool:
    """A child (a first name, "the boy", "her daughter") just before a named school, and no
    professional role just after it ("Claire at Westfield Primary, the DSL")."""
    before = match.string[max(0, match.start() - 40) : match.start()]
    child = _CHILD_BEFORE_SCHOOL.search(before)
    if child is None:
        return False
    name = child.group("name")
    if name and (not is_first_name(name) or _PROFESSIONAL_BEFORE.search(before[: child.start()])):
        return False
    return _not_professional_after(match)


# Words before a lone capital letter that make it a label, not a child ("Plan B (2)").
_LABEL_WORDS = """option type plan part section schedule appendix annex table figure step grade
    level
    class group stage key box form tier category vitamin hepatitis route zone block room
    unit ward bay wing floor"""
_LETTER_LABELS = frozenset(_LABEL_WORDS.split())


def _single_initial_ok(match: re.Match[str]) -> bool:
    if match.group("initials") in ("I", "A") and match.start() == 0:
        return False
    before = match.string[max(0, match.start() - 20) : match.start()]
    words = re.findall(r"[\w'’]+", before)
    if not words or re.search(r"[.,;:!?(]\s*$", before):
        return match.group("initials") != "I"
    previous = words[-1]
    return previous.islower() and previous not in _LETTER_LABELS


_VALID_NI_NUMBER = re.compile(
    r"(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z][ \t]?\d{2}[ \t]?\d{2}"
    r"[ \t]?\d{2}[ \t]?[A-D]"
)


def _labelled_ni_ok(match: re.Match[str]) -> bool:
    """A number written as a National Insurance number even with letters HMRC never issues
    ("QQ 12 34 56 C", a typo still identifies); a valid one is found without its label."""
    return _VALID_NI_NUMBER.fullmatch(match.group("number")) is None


_RECORD_CONTEXT = re.compile(
    r"\b(?:referral|case|strategy|CP|CIN|child|family|mum|dad|chronology|assessment"
    r"|plan|conference|sibling|placement)\b",
    re.IGNORECASE,
)
_NOT_A_RECORD_BEFORE = re.compile(
    r"\b(?:ISBN|URN|Ofsted|invoice|order|PO|booking|ticket|job|vacancy|post|role|course"
    r"|training|event)\b",
    re.IGNORECASE,
)


def _labelled_record_ok(match: re.Match[str]) -> bool:
    """ "Ref: MOS-0099812" with a referral or a case in the sentence; a job's, a booking's or
    a course's reference is not a case record."""
    head, tail = _sentence_around(match)
    return bool(_RECORD_CONTEXT.search(head + " " + tail)) and not _NOT_A_RECORD_BEFORE.search(
        head[-30:] + " " + match.group(0)
    )


# --- the patterns ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    kind: str
    label: str
    regex: re.Pattern[str]
    accept: Callable[[re.Match[str]], bool] = lambda _match: True


LABELS = {
    "nhs_number": "an NHS number",
    "ni_number": "a National Insurance number",
    "date_of_birth": "a date of birth",
    "name_with_age": "a full name next to an age or date of birth",
    "first_name_with_age": "a first name next to an age",
    "initials_with_age": "initials next to an age or placement",
    "name_introduced": "a child's or relative's name introduced in the text",
    "name_with_event": "a first name next to a disclosure, placement or exclusion",
    "child_age": "a child's exact age",
    "baby_age": "a baby's age in weeks or months",
    "school_and_year": "a child's school and year group",
    "child_school": "a child at a named school",
    "home_area": "where a family lives (estate, flats, street)",
    "family_surname": "a family's surname",
    "case_record_number": "a case-record number",
    "email_address": "a private e-mail address",
    "phone_number": "a private phone number",
    "postcode": "a home postcode",
    "street_address": "a home address",
}

_CHILD_EVENT = (
    r"(?:disclosed|was[ \t]+placed|placed[ \t]+(?:with|in|at)|(?:was|has[ \t]+been|been)"
    r"[ \t]+(?:excluded|placed|removed|taken[ \t]+into|arrested|missing|found|brought[ \t]+in"
    r"|admitted|groomed|exploited|trafficked|abused|remanded)|went[ \t]+missing"
    r"|ran[ \t]+away|absconded|told[ \t]+(?:the[ \t]+|her[ \t]+|his[ \t]+|a[ \t]+)?(?:school"
    r"|teacher|nurse|police|GP|DSL|mentor|learning[ \t]+mentor|carers?|foster|staff|social)"
    r"|self-harms|self-harmed|(?:is|was)[ \t]+(?:on[ \t]+a[ \t]+CP"
    r"|looked[ \t]+after|in[ \t]+care|subject[ \t]+to))"
)


def _pattern(
    kind: str, regex: str, accept: Callable[[re.Match[str]], bool] | None = None, flags: int = 0
) -> Pattern:
    compiled = re.compile(regex, flags)
    if accept is None:
        return Pattern(kind, LABELS[kind], compiled)
    return Pattern(kind, LABELS[kind], compiled, accept)


PATTERNS: tuple[Pattern, ...] = (
    _pattern(
        "nhs_number",
        r"(?<![\d\w])\d{3}[ \-]?\d{3}[ \-]?\d{4}(?![\d\w])",
        lambda match: _nhs_checksum_ok(_digits(match.group(0))) or _labelled_nhs(match),
    ),
    _pattern(
        "ni_number",
        r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
        r"[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[A-D]\b",
    ),
    _pattern(
        "date_of_birth",
        rf"\b(?:D\.?O\.?B\.?|date[ \t]+of[ \t]+birth|born(?:[ \t]+on)?|birthday(?:[ \t]+is)?)"
        rf"[ \t]*(?::|-|–|is|was|on)?[ \t]*{_DATE}",
        flags=re.IGNORECASE,
    ),
    _pattern(
        "name_with_age",
        rf"(?<![\w’'])(?P<name>{_NAME})(?:{_AGE_AFTER_NAME}|{_DATE_AFTER_NAME})",
        lambda match: _name_ok(match.group("name")),
    ),
    _pattern(
        "name_with_age",
        rf"{_AGE_BEFORE_NAME}(?P<name>{_NAME})",
        lambda match: match.group("name")[:1].isupper() and _name_ok(match.group("name")),
        flags=re.IGNORECASE,
    ),
    _pattern(
        "name_with_event",
        rf"{_FIRST_NAME}(?:[ \t]+(?:has|had|then|also|recently|just|finally))?[ \t]+"
        rf"{_CHILD_EVENT}",
        _first_name_ok,
    ),
    _pattern(
        "name_introduced",
        rf"\b(?:called|named|call(?:ed|s)?[ \t]+(?:him|her|them)"
        rf"|name[ \t]+of|name[ \t]+is|known[ \t]+(?:to[ \t]+us[ \t]+)?as|goes[ \t]+by)"
        rf"[ \t]+(?:actually[ \t]+|just[ \t]+)?{_FIRST_NAME}",
        _first_name_ok,
    ),
    _pattern(
        "initials_with_age",
        rf"(?<![\w.])(?P<initials>[A-Z]\.?[ \t]?[A-Z]\.?)(?![\w])"
        rf"(?:[ \t]*\([ \t]*(?:aged?[ \t]*)?{_AGE_NUMBER}{_AGE_TAIL}[ \t]*\)"
        rf"|,[ \t]*(?:aged?[ \t]+)?{_AGE_NUMBER}{_AGE_TAIL}\b{_NOT_AN_AGE_AFTER}"
        rf"|[ \t]+aged?[ \t]+{_AGE_NUMBER}\b"
        rf"|,?[ \t]+who(?:['’]s|[ \t]+is|[ \t]+was)[ \t]+{_AGE_QUALIFIER}{_AGE_NUMBER}\b"
        rf"{_NOT_AN_AGE_AFTER}"
        rf"|[ \t]+{_CHILD_AGE}[ \t]*(?:yrs?|y/?o|years?[ \t\-]*old)\b"
        rf"|[ \t]*[-–—][ \t]*{_CHILD_AGE}\b(?:[ \t]*(?:yrs?|y/?o|years?))?{_NOT_AN_AGE_AFTER}"
        rf"(?![ \t]*[-–][ \t]*\d)"
        rf"|[ \t]+(?:(?:is|was|has[ \t]+been|now|currently)[ \t]+)?(?:placed[ \t]+(?:in|with|at)"
        rf"|moved[ \t]+(?:to|into)|remanded[ \t]+(?:to|in)|missing[ \t]+from|in|into"
        rf"|back[ \t]+in)[ \t]+(?:(?:a|an|new|her|his|their)[ \t]+)*(?:foster|resi\b"
        rf"|residential|kinship|secure|semi-independent|supported[ \t]+lodgings|care\b"
        rf"|placement|custody|YOI|children['’]s[ \t]+home))",
        _initials_ok,
    ),
    _pattern(
        "initials_with_age",
        r"\b(?i:young[ \t]+person|child|YP|baby|infant|sibling)[ \t]+"
        r"(?P<initials>[A-Z]\.?[ \t]?[A-Z]\.?)(?![\w])",
        _initials_ok,
    ),
    _pattern(
        "child_age",
        rf"\b(?:s?he|they)(?:['’]?s|['’]re|[ \t]+is|[ \t]+was|[ \t]+are)[ \t]+(?:only[ \t]+"
        rf"|just[ \t]+|now[ \t]+|nearly[ \t]+|almost[ \t]+|still[ \t]+)?{_CHILD_AGE}"
        rf"(?:[ \t]*(?:years?|yrs?)(?:[ \t]*old)?)?\b{_NOT_AN_AGE_AFTER}"
        r"(?![ \t]+(?:of|out|in|on|at|points?|minutes?)\b)"
        rf"|\b(?:turns|turned)[ \t]+{_CHILD_AGE}\b{_NOT_AN_AGE_AFTER}"
        rf"|\bthe[ \t]+(?:boy|girl|child|lad|baby|young[ \t]+person)[ \t]+(?:is|was)[ \t]+"
        rf"{_AGE_QUALIFIER}{_CHILD_AGE}\b{_NOT_AN_AGE_AFTER}"
        rf"|\bwas[ \t]+{_CHILD_AGE}[ \t]+when\b",
        flags=re.IGNORECASE,
    ),
    _pattern(
        "baby_age",
        rf"\b(?:\d{{1,2}}|{_NUMBER_WORD})[ \t\-]*(?:weeks?|wks?|months?|mths?|mnths?|days?)"
        r"[ \t\-]+old\b"
        r"|\([ \t]*\d{1,2}[ \t]*(?:weeks?|wks?|months?|mths?|days?)(?:[ \t]*old)?[ \t]*\)"
        r"|\b(?:baby|babies|infant|newborn|twins|son|daughter|youngest)\b[^.!?\n]{0,25}?"
        r"\b(?:is[ \t]+|just[ \t]+|aged[ \t]+|of[ \t]+|at[ \t]+)?\d{1,2}[ \t]*"
        r"(?:weeks?|wks?|months?|mths?|days?)\b(?![ \t]+(?:later|after|before|ago))"
        rf"|\bborn[ \t]+(?:just[ \t]+|only[ \t]+)?(?:\d{{1,2}}|{_NUMBER_WORD}|a)[ \t]+"
        r"(?:days?|weeks?|wks?|months?)[ \t]+ago\b"
        r"|,[ \t]*\d{1,2}[ \t]*(?:weeks?|wks?|months?|mths?)(?:[ \t]*old)?[ \t]*,",
        _not_a_range,
        flags=re.IGNORECASE,
    ),
    _pattern(
        "school_and_year",
        r"(?i:\b(?:Year|Yr|Y)[ \t]?\d{1,2}\b|\breception\b|\bnursery\b)(?:[ \t]+[a-z]+){0,2}?"
        r"[ \t]+(?:at|from)[ \t]+(?:the[ \t]+)?[A-Z][\w'’]+"
        rf"|(?:[A-Z][\w'’]+[ \t]+){{1,4}}{_SCHOOL_WORD}(?:[ \t]+School)?,?[ \t]+"
        r"(?:in[ \t]+)?(?i:year|yr|y)[ \t]?\d{1,2}\b"
        r"(?![ \t]+(?:team|staff|teachers?|class|pupils|cohort|parents|leads?|group)\b)",
        lambda match: (
            not re.search(
                r"\b(?:pupils|children|students|cohort|parents|group|assembly)\b"
                rf"|{PROFESSIONAL_ROLE.pattern}",
                match.group(0),
                re.IGNORECASE,
            )
        ),
    ),
    _pattern(
        "home_area",
        r"\b(?:on|from|in|off|near|at)[ \t]+the[ \t]+(?:[A-Z][\w'’]+[ \t]+){1,3}estate\b"
        r"|\b(?:the|a)[ \t]+(?:flats?|block[ \t]+of[ \t]+flats|tower[ \t]+block|high-?rise"
        r"|high[ \t]rise|tower|maisonettes?|caravan|bedsit"
        r"|end[ \t]+terrace|B&B|hostel)[ \t]+(?:by|behind|next[ \t]+to|near|opposite|on|off"
        r"|above|below|beside|at)[ \t]+(?:the[ \t]+)?[\w&'’\-]+"
        r"|\b(?i:live|lives|living|lived|moved|staying|stays)\b(?:[ \t]+[\w'’]+){0,5}?[ \t]+"
        r"(?:on|in|at|of|off|into)[ \t]+(?:the[ \t]+)?"
        rf"(?:[A-Z][\w'’]+[ \t]+){{1,3}}{_STREET_SUFFIX}\b",
        _child_at_home_area,
    ),
    _pattern(
        "family_surname",
        r"\b(?:[Tt]he|[Aa]ll|[Bb]oth)(?:[ \t]+(?:two|three|four|five|six|seven|eight|\d))?[ \t]+"
        r"(?P<surname>(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)[ \t]+"
        r"(?:family|families|children|kids|siblings|brothers|sisters|twins|boys|girls"
        r"|household|baby|youngsters|clan|grandchildren|grandkids)\b"
        r"(?![ \t]+(?:hub|centre|center|court|services?|support"
        r"|group|network|project|programme|team|trust|partnership|review|law|fund|charity))"
        r"|\b[Tt]he[ \t]+(?P<plural>[A-Z][a-z]+s)['’][ \t]+(?:youngest|eldest|oldest|children"
        r"|kids|baby|son|daughter|boy|girl|twins)\b"
        r"|\b(?:Mrs|Mr|Ms|Miss)\.?[ \t]+[A-Z][a-z'’\-]+['’]s[ \t]+(?:[a-z]+[ \t]+)?(?:children"
        r"|kids|son|daughter|baby|boys|girls|twins|eldest|youngest|grandson|granddaughter"
        r"|grandchildren|grandkids|nephew|niece|stepson|stepdaughter)\b",
        lambda match: match.group("surname") is None or _surname_ok(match),
    ),
    _pattern(
        "case_record_number",
        rf"\b{_CASE_SYSTEM}\b(?:['’]s)?(?:[ \t]+[A-Za-z]+){{0,2}}?[ \t]+(?:ID|Id|id|no\.?|No\.?"
        r"|number|ref(?:erence)?\.?|num)(?:[ \t]+[a-z]+){0,5}?(?:[ \t]+(?:is|was))?[ \t]*[:#]?"
        r"[ \t]*(?P<number>[A-Z]{0,4}[\-/]?\d[\d\-/]{3,}\d)\b"
        rf"|\b{_CASE_SYSTEM_NAME}(?:[ \t]+[a-z]+){{0,2}}[ \t]*[:#]?[ \t]*(?P<bare>\d{{5,10}})\b",
        _record_number_ok,
    ),
    _pattern(
        "email_address",
        r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}",
        _email_ok,
    ),
    _pattern(
        "phone_number",
        r"(?<![\w+])(?:\+44[ \t]?(?:\(0\)[ \t]?)?|\(?0)\d{2,4}\)?(?:[ \t\-]?\d){6,8}(?![\d\w])",
        _phone_ok,
    ),
    _pattern(
        "postcode",
        r"\b(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
        r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])[ \t]?[0-9][ABD-HJLNP-UW-Z]{2}\b",
        _postcode_ok,
        flags=re.IGNORECASE,
    ),
    _pattern(
        "street_address",
        r"\b(?:(?:Flat|Apartment|Apt|Unit)[ \t]+\d{1,4}[A-Za-z]?,?[ \t]+)?"
        r"\d{1,4}[A-Za-z]?(?:[ \t]*[-–][ \t]*\d{1,4})?,?[ \t]+"
        rf"(?:[A-Z][a-z'’]+[ \t]+){{1,3}}{_STREET_SUFFIX}\b\.?",
        _home_address_ok,
    ),
    _pattern(
        "street_address",
        r"\b(?i:flat|apartment|apt)[ \t]+\d{1,4}[A-Za-z]?,?[ \t]+(?:[A-Z][\w'’]+[ \t]+){0,2}"
        r"[A-Z][\w'’]+",
    ),
    _pattern(
        "name_introduced",
        r"\b(?:called|named|name[ \t]+is|call(?:ed)?[ \t]+(?:him|her))[ \t]+"
        r"(?P<name>[a-z]{3,}(?:-[a-z]+)?)\b",
        _lower_case_first_name_ok,
    ),
    _pattern(
        "name_with_age",
        r"(?<![\w'’.\-@/])(?P<name>[a-z]{3,})[ \t]+(?P<surname>[a-z]{3,}(?:-[a-z]+)?)"
        rf"(?:,[ \t]*(?:aged?[ \t]+)?{_CHILD_AGE}(?:[ \t]*(?:years?|yrs?|y/?o))?\b"
        rf"{_NOT_AN_AGE_AFTER}|[ \t]*\([ \t]*(?:aged?[ \t]*)?{_CHILD_AGE}\b[^)]{{0,12}}\))",
        lambda match: (
            is_lower_case_first_name(match.group("name"))
            and match.group("surname") not in _NOT_A_LOWER_CASE_SURNAME
        ),
    ),
    _pattern(
        "name_introduced",
        r"\b(?:boy|girl|lad|young[ \t]+(?:person|man|woman)|YP|yp|child|teen(?:ager)?)[ \t]+"
        r"(?:I|we)[ \t]+(?:support|supervise|know|look[ \t]+after|have|work[ \t]+with"
        r"|(?:am|['’]m|are|['’]re)[ \t]+working[ \t]+with),?[ \t]+"
        rf"{_FIRST_NAME}",
        _first_name_ok,
    ),
    _pattern(
        "child_school",
        r"\b(?:at|from|attends|goes[ \t]+to)[ \t]+(?:the[ \t]+)?(?:[A-Z][\w'’]+[ \t]+){1,3}"
        rf"{_SCHOOL_WORD}\b",
        _child_at_school_ok,
    ),
    _pattern(
        "home_area",
        r"\b(?:\d{1,2}(?:st|nd|rd|th)|top|ground|first|second|third|fourth|fifth|bottom)"
        r"[ \t]+(?:floor|flat)[ \t]+(?:of|at|in)[ \t]+(?:the[ \t]+)?(?:[A-Z][\w'’]+[ \t]+){1,2}"
        r"(?:House|Court|Towers?|Heights|Point|Mansions|Flats|Buildings)\b"
        r"|(?:[A-Z][\w'’]+[ \t]+){1,2}(?:House|Court|Towers?|Heights|Point|Mansions|Flats"
        r"|Buildings)(?:,[ \t]*|[ \t]+)(?:\d{1,2}(?:st|nd|rd|th)|top|ground)[ \t]+floor\b",
        _person_nearby,
    ),
    _pattern(
        "home_area",
        rf"(?<![\d\-–])\b{_CHILD_AGE}[ \t\-]*(?:yo|y/o|yrs?[ \t\-]*old|years?[ \t\-]*old)s?\b"
        r"(?:[ \t]+(?:boy|girl|lad|son|daughter))?[ \t]+(?:on|in|at|from|off)[ \t]+"
        r"(?:the[ \t]+)?(?:[A-Z][\w'’]+[ \t]+){1,3}"
        rf"(?:{_STREET_SUFFIX}|[Ee]state|Flats|{_SCHOOL_WORD})\b",
        lambda match: not _in_public_place(match) or _person_nearby(match),
    ),
    _pattern(
        "initials_with_age",
        r"(?<![\w.'’])(?P<initials>[A-Z])\.?[ \t]*\([ \t]*(?:aged?[ \t]*)?"
        rf"{_CHILD_AGE}{_AGE_TAIL}[ \t]*\)",
        _single_initial_ok,
    ),
    _pattern(
        "case_record_number",
        r"\b(?i:ref(?:erence)?|ID)\.?(?:[ \t]*(?i:no\.?|number))?[ \t]*[:#]?[ \t]*"
        r"(?P<number>[A-Z]{2,4}[\-/]?\d{5,10})\b",
        _labelled_record_ok,
    ),
    _pattern(
        "ni_number",
        r"\b(?:N\.?I\.?|[Nn]ational[ \t]+[Ii]nsurance)(?:[ \t]*(?i:no\.?|number|num|#))?[ \t]*"
        r"(?::|is|was)?[ \t]*(?P<number>[A-Za-z]{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?"
        r"[A-Da-d])\b",
        _labelled_ni_ok,
    ),
    _pattern(
        "family_surname",
        r"\b[Tt]he[ \t]+(?P<plural>(?:Mc|Mac|O['’])?[A-Z][a-z]+s)[ \t]+(?:have|had|are|were"
        r"|moved|live|lived|say|said|refused|won['’]t|didn['’]t|kids|children)\b"
        r"|\b(?:[Vv]isit(?:ed|ing)?|[Ss]aw|[Ss]een?|[Ss]eeing|[Mm]et|[Mm]eet(?:ing)?|[Pp]honed"
        r"|[Rr]ang|[Rr]inging)[ \t]+the[ \t]+(?P<plural2>(?:Mc|Mac|O['’])?[A-Z][a-z]+s)\b",
        _family_plural_ok,
    ),
)

# Findings that hold an uploaded document for a moderator on their own (issue 19): a
# document is judged as a whole, and only these identify someone beyond doubt.
STRONG_KINDS = frozenset({"nhs_number", "ni_number", "date_of_birth", "name_with_age"})
