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

from app.guard import patterns_forms as forms
from app.guard import patterns_forms2 as forms2
from app.guard import patterns_forms3 as forms3
from app.guard.names import is_lower_case_first_name
from app.guard.pattern_checks import (
    child_at_home_area,
    child_at_school_ok,
    child_in_sentence,
    digits_of,
    email_ok,
    family_plural_ok,
    first_name_ok,
    home_address_ok,
    in_public_place,
    initials_ok,
    labelled_nhs,
    labelled_ni_ok,
    labelled_record_ok,
    lower_case_first_name_ok,
    name_ok,
    nhs_checksum_ok,
    not_a_range,
    person_nearby,
    phone_ok,
    postcode_ok,
    pupil_number_ok,
    record_number_ok,
    single_initial_ok,
    surname_ok,
)
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
    _NAME,
    _NOT_A_LOWER_CASE_SURNAME,
    _NOT_AN_AGE_AFTER,
    _NUMBER_WORD,
    _SCHOOL_WORD,
    _STREET_SUFFIX,
    PROFESSIONAL_ROLE,
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
    "pupil_number": "a unique pupil number (UPN)",
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
        lambda match: nhs_checksum_ok(digits_of(match.group(0))) or labelled_nhs(match),
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
        forms3.a_persons_birthday,
        flags=re.IGNORECASE,
    ),
    _pattern(
        "name_with_age",
        rf"(?<![\w’'])(?P<name>{_NAME})(?:{_AGE_AFTER_NAME}|{_DATE_AFTER_NAME})",
        lambda match: name_ok(match.group("name")),
    ),
    _pattern(
        "name_with_age",
        rf"{_AGE_BEFORE_NAME}(?P<name>{_NAME})",
        lambda match: match.group("name")[:1].isupper() and name_ok(match.group("name")),
        flags=re.IGNORECASE,
    ),
    _pattern(
        "name_with_event",
        rf"{_FIRST_NAME}(?:[ \t]+(?:has|had|then|also|recently|just|finally))?[ \t]+"
        rf"{_CHILD_EVENT}",
        first_name_ok,
    ),
    _pattern(
        "name_introduced",
        rf"\b(?:called|named|call(?:ed|s)?[ \t]+(?:him|her|them)"
        rf"|name[ \t]+of|name[ \t]+is|known[ \t]+(?:to[ \t]+us[ \t]+)?as|goes[ \t]+by"
        rf"|by[ \t]+the[ \t]+name(?:[ \t]+of)?)"
        rf"[ \t]+(?:actually[ \t]+|just[ \t]+)?{_FIRST_NAME}",
        first_name_ok,
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
        initials_ok,
    ),
    _pattern(
        "initials_with_age",
        r"\b(?i:young[ \t]+person|child|YP|baby|infant|sibling)[ \t]+"
        r"(?P<initials>[A-Z]\.?[ \t]?[A-Z]\.?)(?![\w])",
        initials_ok,
    ),
    _pattern(
        "child_age",
        rf"\b(?:s?he|they)(?:['’]?s|['’]re|[ \t]+is|[ \t]+was|[ \t]+are)[ \t]+(?:only[ \t]+"
        rf"|just[ \t]+|now[ \t]+|nearly[ \t]+|almost[ \t]+|still[ \t]+)?{_CHILD_AGE}"
        rf"(?:[ \t]*(?:years?|yrs?)(?:[ \t]*old)?)?\b{_NOT_AN_AGE_AFTER}"
        r"(?![ \t]+(?:of|out|in|on|at|points?|minutes?)\b)"
        r"(?![ \t]+(?:months?|weeks?|days?|years?)[ \t]+into\b)"
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
        not_a_range,
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
        child_at_home_area,
    ),
    _pattern(
        "home_area",
        r"\b(?:on|from|in|off|near|at)[ \t]+the[ \t]+(?:[a-z][\w'’]+[ \t]+){1,3}estate\b"
        r"|\b(?:at|on|in|to|from)[ \t]+\d{1,3}[a-z]?[ \t]+(?:[a-z][a-z'’]{2,}[ \t]+){1,2}"
        r"(?:road|rd|street|st|lane|avenue|close|drive|crescent|grove|terrace|gardens|walk"
        r"|way|court|place|rise|view|mews)\b",
        child_in_sentence,
    ),
    _pattern(
        "family_surname",
        r"\b(?:[Tt]he|[Aa]ll|[Bb]oth)(?:[ \t]+(?:two|three|four|five|six|seven|eight|\d))?[ \t]+"
        r"(?P<surname>(?:Mc|Mac|O['’])?[A-Z][a-z]+(?:-[A-Z][a-z]+)?)[ \t]+"
        r"(?:family|families|children|kids|siblings|brothers|sisters|twins|boys|girls"
        r"|household|baby|youngsters|clan|grandchildren|grandkids)\b"
        r"(?![ \t]+(?:hub|centre|center|court|services?|support"
        r"|group|network|project|programme|team|trust|partnership|review|law|fund|charity)"
        r"|['’]s?[ \t]+(?i:trust|services?|social|partnership|safeguarding|board|commissioner"
        r"|department|directorate|centre|hub)\b)"
        r"|\b[Tt]he[ \t]+(?P<plural>[A-Z][a-z]+s)['’][ \t]+(?:youngest|eldest|oldest|children"
        r"|kids|baby|son|daughter|boy|girl|twins)\b"
        r"|\b(?:Mrs|Mr|Ms|Miss)\.?[ \t]+[A-Z][a-z'’\-]+['’]s[ \t]+(?:[a-z]+[ \t]+)?(?:children"
        r"|kids|son|daughter|baby|boys|girls|twins|eldest|youngest|grandson|granddaughter"
        r"|grandchildren|grandkids|nephew|niece|stepson|stepdaughter)\b",
        lambda match: match.group("surname") is None or surname_ok(match),
    ),
    _pattern(
        "case_record_number",
        rf"\b{_CASE_SYSTEM}\b(?:['’]s)?(?:[ \t]+[A-Za-z]+){{0,2}}?[ \t]+(?:ID|Id|id|no\.?|No\.?"
        r"|number|ref(?:erence)?\.?|num)(?:[ \t]+[a-z]+){0,5}?(?:[ \t]+(?:is|was))?[ \t]*[:#]?"
        r"[ \t]*(?P<number>[A-Z]{0,4}[\-/]?\d[\d\-/]{3,}\d)\b"
        rf"|\b{_CASE_SYSTEM_NAME}(?:[ \t]+[a-z]+){{0,2}}[ \t]*[:#]?[ \t]*(?P<bare>\d{{5,10}})\b",
        record_number_ok,
    ),
    _pattern(
        "email_address",
        r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*"
        r"\.[A-Za-z]{2,}",
        lambda match: email_ok(match) and not forms3.a_service_mailbox(match),
    ),
    _pattern(
        "phone_number",
        r"(?<![\w+])(?:\+44[ \t]?(?:\(0\)[ \t]?)?|\(?0)\d{2,4}\)?(?:[ \t\-]?\d){6,8}(?![\d\w])",
        phone_ok,
    ),
    _pattern(
        "postcode",
        r"\b(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
        r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])[ \t]?[0-9][ABD-HJLNP-UW-Z]{2}\b",
        postcode_ok,
        flags=re.IGNORECASE,
    ),
    _pattern(
        "street_address",
        r"\b(?:(?:Flat|Apartment|Apt|Unit)[ \t]+\d{1,4}[A-Za-z]?,?[ \t]+)?"
        r"\d{1,4}[A-Za-z]?(?:[ \t]*[-–][ \t]*\d{1,4})?,?[ \t]+"
        rf"(?:[A-Z][a-z'’]+[ \t]+){{1,3}}{_STREET_SUFFIX}\b\.?",
        home_address_ok,
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
        lower_case_first_name_ok,
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
        first_name_ok,
    ),
    _pattern(
        "child_school",
        r"\b(?:at|from|attends|goes[ \t]+to)[ \t]+(?:the[ \t]+)?(?:[A-Z][\w'’]+[ \t]+){1,3}"
        rf"{_SCHOOL_WORD}\b",
        child_at_school_ok,
    ),
    _pattern(
        "home_area",
        r"\b(?:\d{1,2}(?:st|nd|rd|th)|top|ground|first|second|third|fourth|fifth|bottom)"
        r"[ \t]+(?:floor|flat)[ \t]+(?:of|at|in)[ \t]+(?:the[ \t]+)?(?:[A-Z][\w'’]+[ \t]+){1,2}"
        r"(?:House|Court|Towers?|Heights|Point|Mansions|Flats|Buildings)\b"
        r"|(?:[A-Z][\w'’]+[ \t]+){1,2}(?:House|Court|Towers?|Heights|Point|Mansions|Flats"
        r"|Buildings)(?:,[ \t]*|[ \t]+)(?:\d{1,2}(?:st|nd|rd|th)|top|ground)[ \t]+floor\b",
        person_nearby,
    ),
    _pattern(
        "home_area",
        rf"(?<![\d\-–])\b{_CHILD_AGE}[ \t\-]*(?:yo|y/o|yrs?[ \t\-]*old|years?[ \t\-]*old)s?\b"
        r"(?:[ \t]+(?:boy|girl|lad|son|daughter))?[ \t]+(?:on|in|at|from|off)[ \t]+"
        r"(?:the[ \t]+)?(?:[A-Z][\w'’]+[ \t]+){1,3}"
        rf"(?:{_STREET_SUFFIX}|[Ee]state|Flats|{_SCHOOL_WORD})\b",
        lambda match: not in_public_place(match) or person_nearby(match),
    ),
    _pattern(
        "initials_with_age",
        r"(?<![\w.'’])(?P<initials>[A-Z])\.?[ \t]*\([ \t]*(?:aged?[ \t]*)?"
        rf"{_CHILD_AGE}{_AGE_TAIL}[ \t]*\)",
        single_initial_ok,
    ),
    _pattern(
        "case_record_number",
        r"\b(?i:ref(?:erence)?|ID)\.?(?:[ \t]*(?i:no\.?|number))?[ \t]*[:#]?[ \t]*"
        r"(?P<number>[A-Z]{2,4}[\-/]?\d{5,10})\b",
        labelled_record_ok,
    ),
    _pattern(
        "ni_number",
        r"\b(?:N\.?I\.?|[Nn]ational[ \t]+[Ii]nsurance)(?:[ \t]*(?i:no\.?|number|num|#))?[ \t]*"
        r"(?::|is|was)?[ \t]*(?P<number>[A-Za-z]{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?"
        r"[A-Da-d])\b",
        labelled_ni_ok,
    ),
    _pattern(
        "family_surname",
        r"\b[Tt]he[ \t]+(?P<plural>(?:Mc|Mac|O['’])?[A-Z][a-z]+s)[ \t]+(?:have|had|are|were"
        r"|moved|live|lived|say|said|refused|won['’]t|didn['’]t|kids|children)\b"
        r"|\b(?:[Vv]isit(?:ed|ing)?|[Ss]aw|[Ss]een?|[Ss]eeing|[Mm]et|[Mm]eet(?:ing)?|[Pp]honed"
        r"|[Rr]ang|[Rr]inging)[ \t]+the[ \t]+(?P<plural2>(?:Mc|Mac|O['’])?[A-Z][a-z]+s)\b",
        family_plural_ok,
    ),
)

# The forms the outside set showed missing (patterns_forms.py says what each one reads).
PATTERNS += (
    _pattern("family_surname", forms.FAMILY_PLURAL, forms.family_plural),
    _pattern("family_surname", forms.PARENT_AND_HER_CHILDREN),
    _pattern("first_name_with_age", forms.NAME_AND_SIBLING_AGES, forms.a_child_and_sibling),
    _pattern("nhs_number", forms.NHS_GROUPED, forms.grouped_nhs_number),
    _pattern("date_of_birth", forms.DATE_OF_BIRTH_ASKED),
    _pattern("case_record_number", forms.CASE_NUMBER_OTHER_WORDS, forms.case_number_nearby_child),
    _pattern("home_area", forms.CHILD_DWELLING, forms.child_at_dwelling),
    _pattern(
        "first_name_with_age",
        forms.ADULT_RELATIVE_AGE,
        forms.not_the_writers_own,
        flags=forms.ADULT_RELATIVE_AGE_FLAGS,
    ),
    _pattern("baby_age", forms.BORN_EARLY, forms.one_baby_born_early, flags=re.IGNORECASE),
    _pattern("name_introduced", forms.NAME_AS_THEY_LIKE, forms.a_name_introduced),
    _pattern("child_age", forms.AGE_TO_COME, forms.age_to_come, flags=re.IGNORECASE),
)

# The forms the second outside set showed missing (patterns_forms2.py).
PATTERNS += (
    _pattern("family_surname", forms2.SINGULAR_FAMILY, forms2.family_made_recognisable),
    _pattern("home_area", forms2.NAMED_SETTING, forms2.child_at_named_setting),
    _pattern("initials_with_age", forms2.LABEL_WITH_AGE, forms2.label_with_age),
    _pattern(
        "case_record_number",
        forms2.COURT_CASE_NUMBER,
        lambda match: forms2.court_case_number(match) or forms3.a_court_number(match),
    ),
    _pattern("date_of_birth", forms2.DOB_NEARBY, forms2.dob_nearby),
    _pattern("date_of_birth", forms2.BORN_ON_DAY, forms2.one_birth),
    _pattern("street_address", forms2.HOTEL_ROOM, forms2.housed_in_a_room),
    _pattern("street_address", forms2.ADDRESS_WITH_POSTCODE, forms2.a_home_address),
    _pattern("name_with_event", forms2.PRESENTED_AT, forms2.a_child_presented),
    _pattern(
        "family_surname",
        forms2.SURNAMES_ON_A_STREET,
        lambda match: forms2.surnames_on_a_street(match) or forms3.a_plural_on_a_street(match),
    ),
    _pattern("ni_number", forms2.NI_LABELLED, labelled_ni_ok),
    _pattern("first_name_with_age", forms2.NICKNAME_AT_START, forms2.unknown_nickname),
    _pattern("child_age", forms2.PRONOUN_AGE_NEXT, forms2.named_just_before),
)

# The forms the third outside set showed missing (patterns_forms3.py).
PATTERNS += (
    _pattern("child_age", forms3.AGE_SENTENCE_NEXT, forms3.age_in_the_next_sentence),
    _pattern("child_age", forms3.STILL_ONLY_AGE),
    _pattern("home_area", forms3.STORY_CHILD, forms3.a_child_known_from_a_story),
    _pattern("family_surname", forms3.JIGSAW, forms3.a_jigsaw_family),
    _pattern("home_area", forms3.NAMED_PLACE, forms3.a_child_at_a_named_place),
    _pattern("home_area", forms3.LITTLE_ONES_AT_HOME),
    _pattern("case_record_number", forms3.CHILD_CASE_REF, forms3.a_childs_case_ref),
    _pattern("case_record_number", forms3.CASE_NUMBER_LIST, forms3.a_list_of_case_numbers),
    _pattern("first_name_with_age", forms3.WORD_NAME_WITH_AGE, forms3.a_word_name_with_age),
    _pattern("initials_with_age", forms3.INITIALS_WITH_MONTHS, forms3.initials_with_months),
    _pattern("nhs_number", forms3.BARE_NHS, forms3.nhs_number_in_sentence),
    _pattern("first_name_with_age", forms3.PARENT_WITH_AGE, forms3.a_parent_with_age),
    _pattern("street_address", forms3.PART_POSTCODE_ADDRESS, forms3.a_home_with_part_postcode),
    _pattern("date_of_birth", forms3.BIRTHDAY_WITH_YEAR),
    _pattern("name_introduced", forms3.NICKNAME_CARERS_CALL),
    _pattern("family_surname", forms3.ONE_FAMILY, forms3.the_one_family),
)

# A unique pupil number: a letter and 12 characters, nationally unique to one child.
PATTERNS += (
    _pattern(
        "pupil_number",
        r"(?<![\w\-/])[A-Za-z]\d{11}[0-9A-Za-z](?![\w\-/])",
        pupil_number_ok,
    ),
)

# Findings that hold an uploaded document for a moderator on their own (issue 19): a
# document is judged as a whole, and only these identify someone beyond doubt.
STRONG_KINDS = frozenset(
    {"nhs_number", "ni_number", "pupil_number", "date_of_birth", "name_with_age"}
)
