"""The anonymisation guard's detection: passages in member-written text that may identify a
child or family.

Social work standards forbid identifying the people we support, even indirectly. The guard
helps without blocking: it finds passages that look identifying, the author sees them
highlighted and chooses to edit or to post anyway. It errs towards finding too much, but
each pattern is narrowed so that ordinary practice writing ("Leeds City Council", "the
Children Act 1989", "18 children", "June 2019") passes. docs/discussions.md lists the
patterns with examples; keep that list and PATTERNS below in step.

Pure functions, no database: check_text() is unit-tested on its own (tests/test_anonymisation.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    kind: str
    label: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Segment:
    """A run of text, marked when it is (part of) a finding; for highlighting."""

    text: str
    finding: Finding | None = None


# --- building blocks ------------------------------------------------------------------------

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
# A whole calendar date: 03/02/2019, 3.2.19, 3-2-2019, 3rd February 2019, February 3, 2019.
_DATE = (
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"
    rf"|\d{{1,2}}(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?{_MONTH}\.?,?[ \t]+\d{{4}}"
    rf"|{_MONTH}\.?[ \t]+\d{{1,2}}(?:st|nd|rd|th)?,?[ \t]+\d{{4}})"
)
_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen)"
)
_AGE_NUMBER = rf"(?:\d{{1,2}}|{_NUMBER_WORD})"
_NAME_WORD = r"[A-Z](?:[a-z]+(?:[A-Z][a-z]+)?|['’][A-Z][a-z]+)(?:[-'’][A-Z]?[a-z]+)?"
_NAME = rf"{_NAME_WORD}[ \t]+{_NAME_WORD}"
# What follows a name and makes it "a name next to an age or date".
_AGE_AFTER_NAME = (
    rf"(?:[ \t]*\([ \t]*(?:aged?[ \t]*)?{_AGE_NUMBER}(?:[ \t]*(?:years?|yrs?|months?)"
    rf"(?:[ \t]*old)?)?[ \t]*\)"
    rf"|,?[ \t]+aged?[ \t]+{_AGE_NUMBER}\b"
    rf"|,?[ \t]+{_AGE_NUMBER}[ \t\-]*(?:years?|yrs?|months?)[ \t\-]*old\b"
    r"|,[ \t]*\d{1,2}[ \t]*,(?!\d))"
)
_DATE_AFTER_NAME = (
    rf"(?:[ \t]*\([ \t]*(?:born[ \t]+|b\.[ \t]*|DOB:?[ \t]*)?{_DATE}[ \t]*\)"
    rf"|,?[ \t]+(?:born(?:[ \t]+on)?|b\.|DOB:?)[ \t]*{_DATE})"
)
_AGE_BEFORE_NAME = rf"\b{_AGE_NUMBER}[ \t\-]+(?:year|month)[ \t\-]+old[ \t]+"

# Capitalised words that make a "full name" an organisation, a law or a document instead.
_NOT_A_NAME_WORDS = """
    The A An In On At Of For And Or But To By From With This That These Those Our Your
    Their His Her Its We They He She It Mr Mrs Ms Miss Dr Prof Professor Sir Dame Lord Lady
    Council City County Borough District Metropolitan Act Acts Bill Law Regulations Rules
    Section Schedule Article Part Chapter Paragraph Appendix Table Figure Page Report Review
    Inquiry Serious Case University College School Academy Trust Foundation Service
    Services Team Board Partnership Authority Authorities Department Ministry Office Court
    Courts Tribunal Police Health Hospital Clinic Centre Center Unit Group Network Forum
    Ofsted Government Parliament House Children Childrens Children’s Children's Social Work
    Care Safeguarding Family Families Practice Standards Framework Guidance Policy Strategy
    Conference Week Day Month Year Annual Quarter Award Awards Programme Project Campaign
    Matters Magazine News Blog Issue Edition Volume Yorkshire Humber England Wales Scotland
    Ireland Britain British English National Regional Local North South East West Northern
    Southern Eastern Western Street Road Lane Avenue January February March April May June
    July August September October November December Monday Tuesday Wednesday Thursday
    Friday Saturday Sunday Christmas Easter Covid Level Stage Key Grade Year Plan Order
    Orders Assessment Protection Plan Conference Panel Committee Summit Institute
"""
NOT_A_NAME = frozenset(_NOT_A_NAME_WORDS.split())

_STREET_SUFFIX = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Close|Drive|Dr|Crescent|Cres|Grove|Terrace"
    r"|Place|Pl|Way|Court|Ct|Gardens|Gdns|Walk|Row|Mews|Square|Sq|Rise|Hill|Green|Parade"
    r"|Vale|Fold|Croft|Mount|Approach|Boulevard|Wynd|Garth|Chase|Meadows?)"
)

# --- the patterns ----------------------------------------------------------------------------


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


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def _phone_ok(text: str) -> bool:
    digits = _digits(text.replace("(0)", ""))
    if digits.startswith("44"):
        return len(digits) in (11, 12) and digits[2] in "12378"
    return len(digits) in (10, 11) and digits[1] in "12378"


def _postcode_ok(text: str) -> bool:
    """Capitals, or lower case with the usual space: "ls6 2qt" yes, "ls62qt" no."""
    return text.isupper() or " " in text


def _name_ok(name: str) -> bool:
    words = re.split(r"[ \t]+", name.strip())
    return len(words) >= 2 and not any(word in NOT_A_NAME for word in words)


@dataclass(frozen=True)
class Pattern:
    kind: str
    label: str
    regex: re.Pattern[str]
    accept: Callable[[re.Match[str]], bool] = lambda _match: True
    group: str | int = 0


PATTERNS: tuple[Pattern, ...] = (
    Pattern(
        "nhs_number",
        "NHS number",
        re.compile(r"(?<![\d\w])\d{3}[ \-]?\d{3}[ \-]?\d{4}(?![\d\w])"),
        accept=lambda match: _nhs_checksum_ok(_digits(match.group(0))),
    ),
    Pattern(
        "ni_number",
        "National Insurance number",
        re.compile(
            r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
            r"[ \t]?\d{2}[ \t]?\d{2}[ \t]?\d{2}[ \t]?[A-D]\b"
        ),
    ),
    Pattern(
        "date_of_birth",
        "Date of birth",
        re.compile(
            rf"\b(?:D\.?O\.?B\.?|date[ \t]+of[ \t]+birth|born(?:[ \t]+on)?|birthday)"
            rf"[ \t]*(?::|-|–|is|was|on)?[ \t]*{_DATE}",
            re.IGNORECASE,
        ),
    ),
    Pattern(
        "name_with_age",
        "Full name next to an age or date",
        re.compile(rf"(?<![\w’'])(?P<name>{_NAME})(?:{_AGE_AFTER_NAME}|{_DATE_AFTER_NAME})"),
        accept=lambda match: _name_ok(match.group("name")),
    ),
    Pattern(
        "name_with_age",
        "Full name next to an age or date",
        re.compile(rf"{_AGE_BEFORE_NAME}(?P<name>{_NAME})", re.IGNORECASE),
        accept=lambda match: match.group("name")[:1].isupper() and _name_ok(match.group("name")),
    ),
    Pattern(
        "email_address",
        "E-mail address",
        re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}"),
    ),
    Pattern(
        "phone_number",
        "Phone number",
        re.compile(
            r"(?<![\w+])(?:\+44[ \t]?(?:\(0\)[ \t]?)?|\(?0)\d{2,4}\)?(?:[ \t\-]?\d){6,8}(?![\d\w])"
        ),
        accept=lambda match: _phone_ok(match.group(0)),
    ),
    Pattern(
        "postcode",
        "Postcode",
        re.compile(
            r"\b(?:[A-PR-UWYZ][0-9]{1,2}|[A-PR-UWYZ][A-HK-Y][0-9]{1,2}|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
            r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])[ \t]?[0-9][ABD-HJLNP-UW-Z]{2}\b",
            re.IGNORECASE,
        ),
        accept=lambda match: _postcode_ok(match.group(0)),
    ),
    Pattern(
        "street_address",
        "Street address",
        re.compile(
            r"\b(?:(?:Flat|Apartment|Apt|Unit)[ \t]+\d{1,4}[A-Za-z]?,?[ \t]+)?"
            r"\d{1,4}[A-Za-z]?(?:[ \t]*[-–][ \t]*\d{1,4})?,?[ \t]+"
            rf"(?:[A-Z][a-z'’]+[ \t]+){{1,3}}{_STREET_SUFFIX}\b\.?"
        ),
    ),
)


def _all_matches(text: str) -> Iterator[Finding]:
    """Every accepted match of every pattern. A rejected match is retried one character
    later, so "The Jayden Smith (4)" still finds "Jayden Smith (4)"."""
    for pattern in PATTERNS:
        position = 0
        while (match := pattern.regex.search(text, position)) is not None:
            if pattern.accept(match):
                yield Finding(
                    kind=pattern.kind,
                    label=pattern.label,
                    start=match.start(),
                    end=match.end(),
                    text=match.group(0),
                )
                position = max(match.end(), match.start() + 1)
            else:
                position = match.start() + 1


def check_text(text: str) -> list[Finding]:
    """The passages of ``text`` that may identify someone, in order, none overlapping (of two
    overlapping passages the longer is kept)."""
    candidates = sorted(_all_matches(text), key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for finding in candidates:
        if kept and finding.start < kept[-1].end:
            if finding.end - finding.start > kept[-1].end - kept[-1].start:
                kept[-1] = finding
            continue
        kept.append(finding)
    return kept


def highlight(text: str, findings: list[Finding]) -> list[list[Segment]]:
    """``text`` as lines of segments, the findings marked: templates escape each segment and
    wrap the marked ones in <mark>, so no member-written text is ever trusted as HTML."""
    segments: list[Segment] = []
    position = 0
    for finding in findings:
        if finding.start > position:
            segments.append(Segment(text[position : finding.start]))
        segments.append(Segment(text[finding.start : finding.end], finding))
        position = finding.end
    if position < len(text):
        segments.append(Segment(text[position:]))
    lines: list[list[Segment]] = [[]]
    for segment in segments:
        parts = segment.text.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append([])
            if part:
                lines[-1].append(Segment(part, segment.finding))
    return lines
