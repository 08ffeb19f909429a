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
    _AGE_AFTER_FIRST_NAME,
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
    _FAMILY_ROLE,
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


_NHS_LABEL = re.compile(r"\bNHS[ \t]*(?:no\.?|number|num|#)?[ \t]*:?[ \t]*$", re.IGNORECASE)


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


def _lower_case_name_with_age_ok(match: re.Match[str]) -> bool:
    """A lower-case first name with an age; with a year group ("jack in yr 3") the context
    is strong enough for names that are also words."""
    if match.group("name"):
        return is_lower_case_first_name(match.group("name"))
    word = match.group("name2")
    return word.lower() not in _NOT_A_LOWER_CASE_SURNAME and is_first_name(word.capitalize())


def _lower_case_first_name_ok(match: re.Match[str]) -> bool:
    return is_lower_case_first_name(match.group("name")) and not _professional_before(match)


# Plurals that are peoples, groups or things, not a family ("the Americans", "the Greens").
_NOT_A_FAMILY_PLURAL = re.compile(r"(?:ians|ans|ese|ists|ics|ings|ers['’]|ites)$")


def _family_plural_ok(match: re.Match[str]) -> bool:
    plural = match.group("plural")
    return plural[:-1] not in _NOT_A_SURNAME and not _NOT_A_FAMILY_PLURAL.search(plural)


def _home_address_ok(match: re.Match[str]) -> bool:
    return not _in_public_place(match)


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
    _pattern("first_name_with_age", rf"{_FIRST_NAME}{_AGE_AFTER_FIRST_NAME}", _first_name_ok),
    _pattern(
        "first_name_with_age",
        rf"\b{_AGE_NUMBER}[ \t\-]*(?:year|yr|month)s?[ \t\-]*old,?[ \t]+{_FIRST_NAME}",
        _first_name_ok,
    ),
    _pattern(
        "first_name_with_age",
        rf"\b{_FAMILY_ROLE}\b[ \t]*[,(]?[ \t]*(?:is[ \t]+)?{_FIRST_NAME}[ \t]*[,(]?[ \t]*"
        rf"(?:aged?[ \t]+|is[ \t]+)?\d{{1,2}}\b{_NOT_AN_AGE_AFTER}",
        _first_name_ok,
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
        rf"|name[ \t]+of|name[ \t]+is|known[ \t]+to[ \t]+us[ \t]+as|goes[ \t]+by)"
        rf"[ \t]+(?:actually[ \t]+|just[ \t]+)?{_FIRST_NAME}",
        _first_name_ok,
    ),
    _pattern(
        "name_introduced",
        rf"\b(?:eldest|youngest|oldest|middle|little|baby|teenage|older|younger|big|twin)?[ \t]*"
        rf"(?:boy|girl|son|daughter|lad|grandson|granddaughter|nephew|niece|stepson|stepdaughter"
        rf"|brother|sister|half-brother|half-sister|stepbrother|stepsister)\b,?[ \t]+{_FIRST_NAME}"
        rf"(?=[ \t]*[,;)]|[ \t]+(?:is|was|has|who|and|answered|said|told|disclosed|lives)\b)",
        _first_name_ok,
    ),
    _pattern(
        "initials_with_age",
        rf"(?<![\w.])(?P<initials>[A-Z]\.?[ \t]?[A-Z]\.?)(?![\w])"
        rf"(?:[ \t]*\([ \t]*(?:aged?[ \t]*)?{_AGE_NUMBER}{_AGE_TAIL}[ \t]*\)"
        rf"|,[ \t]*(?:aged?[ \t]+)?{_AGE_NUMBER}{_AGE_TAIL}\b{_NOT_AN_AGE_AFTER}"
        rf"|[ \t]+aged?[ \t]+{_AGE_NUMBER}\b)",
        _initials_ok,
    ),
    _pattern(
        "initials_with_age",
        r"\b(?i:young[ \t]+person|child|YP|baby|infant|sibling)[ \t]+"
        r"(?P<initials>[A-Z]\.?[ \t]?[A-Z]\.?)(?![\w])",
        _initials_ok,
    ),
    _pattern(
        "initials_with_age",
        r"\b(?i:young[ \t]+person|child|YP|baby|infant|sibling)[ \t]+(?P<initials>[A-Z])\.?"
        rf"(?:[ \t]*\([ \t]*(?:aged?[ \t]*)?{_AGE_NUMBER}{_AGE_TAIL}[ \t]*\)"
        rf"|,?[ \t]+aged?[ \t]+{_AGE_NUMBER}\b)",
    ),
    _pattern(
        "child_age",
        rf"\b(?:s?he|they)(?:['’]s|['’]re|[ \t]+is|[ \t]+was|[ \t]+are)[ \t]+(?:only[ \t]+"
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
        r"(?:weeks?|wks?|months?|mths?|days?)\b(?![ \t]+(?:later|after|before|ago))",
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
        _household_nearby,
    ),
    _pattern(
        "family_surname",
        r"\b[Tt]he[ \t]+(?P<surname>(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)[ \t]+"
        r"(?:family|families|children|kids|siblings|brothers|sisters|twins|boys|girls"
        r"|household|baby|youngsters)\b(?![ \t]+(?:hub|centre|center|court|services?|support"
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
        r"\b(?i:the)[ \t]+(?:eldest|youngest|oldest|middle)(?:[ \t]+(?:one|child))?,[ \t]+"
        rf"{_FIRST_NAME}(?=[ \t]*[,;)]|[ \t]+(?:is|was|has|who|and|said|told|disclosed|lives)\b)",
        _first_name_ok,
    ),
    _pattern(
        "name_introduced",
        r"\b(?:called|named|name[ \t]+is|call(?:ed)?[ \t]+(?:him|her))[ \t]+"
        r"(?P<name>[a-z]{3,}(?:-[a-z]+)?)\b",
        _lower_case_first_name_ok,
    ),
    _pattern(
        "first_name_with_age",
        rf"{_FIRST_NAME}[ \t]+(?:(?:is[ \t]+)?in[ \t]+)?(?i:year|yr|y)[ \t]?\d{{1,2}}\b"
        r"(?![ \t]+(?:team|staff|teachers?|class|pupils|cohort|parents|leads?|group)\b)",
        _first_name_ok,
    ),
    _pattern(
        "first_name_with_age",
        r"(?<![\w'’.\-@/])(?P<name>[a-z]{3,}(?:-[a-z]+)?)"
        r"(?:[ \t]+(?:is|was)|['’]s|,?[ \t]+who(?:['’]s|[ \t]+is))?[ \t]+"
        rf"{_AGE_QUALIFIER}{_CHILD_AGE}(?:[ \t]*(?:years?|yrs?|y/?o))?\b{_NOT_AN_AGE_AFTER}"
        r"(?![ \t]+(?:of|out|in|on|at|points?|minutes?|percent|pence|x)\b)"
        r"|(?<![\w'’.\-@/])(?P<name2>[a-z]{3,}(?:-[a-z]+)?)[ \t]+"
        r"(?:(?:is[ \t]+)?in[ \t]+)?(?:year|yr|y)[ \t]?\d{1,2}\b",
        _lower_case_name_with_age_ok,
    ),
    _pattern(
        "first_name_with_age",
        rf"{_FIRST_NAME}[ \t]+(?:and|&)[ \t]+(?P<other>[A-Z][a-z]+)[ \t]+(?:are|were)[ \t]+"
        rf"(?:(?:both|only|just|now)[ \t]+)?{_CHILD_AGE}(?:[ \t]*(?:years?|yrs?))?\b"
        rf"{_NOT_AN_AGE_AFTER}(?![ \t]+(?:of|out|in|on|at|points?|minutes?)\b)",
        lambda match: _first_name_ok(match) and is_first_name(match.group("other")),
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
        "family_surname",
        r"\bMr\.?[ \t]+(?:and|&)[ \t]+Mrs\.?[ \t]+(?P<surname>[A-Z][a-z'’\-]+)\b",
        _surname_ok,
    ),
    _pattern(
        "family_surname",
        r"\b[Tt]he[ \t]+(?P<plural>(?:Mc|Mac|O['’])?[A-Z][a-z]+s)[ \t]+(?:have|had|are|were"
        r"|moved|live|lived|say|said|refused|won['’]t|didn['’]t|kids|children)\b",
        _family_plural_ok,
    ),
)

# Findings that hold an uploaded document for a moderator on their own (issue 19): a
# document is judged as a whole, and only these identify someone beyond doubt.
STRONG_KINDS = frozenset({"nhs_number", "ni_number", "date_of_birth", "name_with_age"})
