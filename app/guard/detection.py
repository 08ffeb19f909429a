"""The anonymisation guard's detection: passages in member-written text that may identify a
child or family.

Social work standards forbid identifying the people we support, even indirectly. The guard
helps without blocking: it finds passages that look identifying, the author sees them
highlighted and chooses to edit or to post anyway. It errs towards finding too much, but
each pattern is narrowed so that ordinary practice writing ("Leeds City Council", "the
Children Act 1989", "18 children", "June 2019") passes, and professionals and public
places (a speaker, a council office, a duty team's number) are not people we support.
docs/anonymisation-guard.md lists what it looks for; keep it and PATTERNS in step.

Names are found by the general rule in people.py (a possible person, a child's or family's
context a few words away, no professional's role next to it); fixed formats and the
phrasings that need no name are in patterns.py; descriptions of a particular child told
with no form at all are read by the learned model in learned.py, which also lets a weak
rule finding go in a short text it reads as plainly ordinary. Pure functions, no database:
check_text() is unit-tested on its own (tests/test_anonymisation.py,
tests/test_guard_learned.py) and measured on labelled sets (scripts/benchmark_guard.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from app.guard.learned import KIND as DESCRIBED_KIND
from app.guard.learned import LABEL as DESCRIBED_LABEL
from app.guard.learned import Reading, Weights, model, read
from app.guard.patterns import LABELS as PATTERN_LABELS
from app.guard.patterns import PATTERNS, STRONG_KINDS
from app.guard.patterns_forms2 import LABEL_WITH_AGE, TEACHING
from app.guard.people import find_people
from app.guard.vocabulary import PUBLIC_CASE

__all__ = [
    "LABELS",
    "PATTERNS",
    "STRONG_KINDS",
    "Finding",
    "Segment",
    "check_by_rules",
    "check_text",
]


LABELS = {**PATTERN_LABELS, DESCRIBED_KIND: DESCRIBED_LABEL}


@dataclass(frozen=True)
class Finding:
    kind: str
    label: str
    start: int
    end: int
    text: str

    @property
    def strong(self) -> bool:
        """Identifies someone beyond doubt on its own (see check_document)."""
        return self.kind in STRONG_KINDS


@dataclass(frozen=True)
class Segment:
    """A run of text, marked when it is (part of) a finding; for highlighting."""

    text: str
    finding: Finding | None = None


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


def _rule_findings(text: str) -> Iterator[Finding]:
    """The general rule's findings (people.py): a person next to a child's or family's
    context, each with its plain reason."""
    for found in find_people(text):
        yield Finding(
            kind=found.kind,
            label=found.reason,
            start=found.start,
            end=found.end,
            text=text[found.start : found.end],
        )


# "Child B", "Sibling C", "Young person D": the one-letter labels that case reviews, case
# studies and training use for anonymised children (two initials, "Child J.S.", still count).
_ANONYMISED_LABEL = re.compile(
    r"\b(?i:child|baby|sibling|case|young[ \t]+person|mother|father|adult)[ \t]+[A-HJ-Z]\b(?![.\w])"
)


# Kinds a label does not anonymise: a case number or a contact identifies whoever is named.
_NOT_NAMES_OR_AGES = frozenset(
    {"case_record_number", "email_address", "phone_number", "postcode", "street_address"}
)


def _sentence_of(text: str, finding: Finding) -> str:
    start = max(text.rfind(mark, 0, finding.start) for mark in ".!?\n") + 1
    ends = [i for i in (text.find(mark, finding.end) for mark in ".!?\n") if i != -1]
    return text[start : min(ends, default=len(text))]


def _an_anonymised_label(text: str, finding: Finding) -> bool:
    """ "Child B, aged 14, was the subject of the review": a one-letter label is how reviews
    and case studies anonymise a child, not a child's initials; its sentence is let through
    for ages and names (strong identifiers still count). A label with an age outside a
    review, a case study or a scenario ("child R, 7, placed with her aunt") is a child's
    initial, as practitioners write about the children they work with."""
    if finding.strong or finding.kind in _NOT_NAMES_OR_AGES:
        return False
    sentence = _sentence_of(text, finding)
    if _ANONYMISED_LABEL.search(sentence) is None:
        return False
    return re.search(LABEL_WITH_AGE, sentence) is None or TEACHING.search(text) is not None


def _about_a_public_case(text: str, finding: Finding) -> bool:
    """The finding's sentence names a child whose case was published in a national review
    ("Victoria Climbié was 8 when she died"): training material, not a child we support. Strong
    identifiers (an NHS number, a date of birth) are never waved through this way."""
    if finding.strong:
        return PUBLIC_CASE.search(finding.text) is not None
    start = max(text.rfind(mark, 0, finding.start) for mark in ".!?\n") + 1
    ends = [i for i in (text.find(mark, finding.end) for mark in ".!?\n") if i != -1]
    return PUBLIC_CASE.search(text, start, min(ends, default=len(text))) is not None


def check_by_rules(text: str) -> list[Finding]:
    """The rules' passages of ``text`` that may identify someone, in order, none overlapping
    (of two overlapping passages the longer is kept)."""
    found = [*_all_matches(text), *_rule_findings(text)]
    candidates = sorted(found, key=lambda f: (f.start, -(f.end - f.start)))
    candidates = [
        f
        for f in candidates
        if not _about_a_public_case(text, f) and not _an_anonymised_label(text, f)
    ]
    kept: list[Finding] = []
    for finding in candidates:
        if kept and finding.start < kept[-1].end:
            if finding.end - finding.start > kept[-1].end - kept[-1].start:
                kept[-1] = finding
            continue
        kept.append(finding)
    return kept


# Kinds the learned reading never lets go: identifiers whatever the words around them say,
# and a family's surname, which names a family outright ("the Kowalczyks").
_ALWAYS_KEPT = STRONG_KINDS | _NOT_NAMES_OR_AGES | {"family_surname"}


def _read_as_ordinary(finding: Finding, readings: list[Reading], reading: Weights) -> bool:
    """A weak rule finding (a name near a word, a place near a child word) in a short text
    the learned reading finds plainly ordinary as a whole ("the Mercy Suite at St Luke's is
    booked for the DSL forum", "a spaniel called Marley"): let go. Only a text read whole,
    as the model was trained and measured: in a long one, a window's ordinary neighbours
    would outweigh the one sentence about a child. Measured on texts held out of its
    training (docs/anonymisation-guard.md)."""
    if finding.kind in _ALWAYS_KEPT or len(readings) != 1 or not readings[0].whole:
        return False
    return readings[0].probability < reading.ordinary_below


def check_text(text: str, reading: Weights | None = None) -> list[Finding]:
    """The passages of ``text`` that may identify someone, in order, none overlapping: the
    rules' findings, each with its precise reason, less weak ones in plainly ordinary
    writing, and the learned reading's passages (learned.py) where no rule found anything.
    ``reading`` is the trained model (a model being trained, when scripts/train_guard_model.py
    measures one on texts it held out)."""
    reading = reading or model()
    readings = read(text, reading)
    found = [f for f in check_by_rules(text) if not _read_as_ordinary(f, readings, reading)]
    for described in readings:
        if described.probability < reading.threshold:
            continue
        if any(f.start < described.end and described.start < f.end for f in found):
            continue
        found.append(
            Finding(
                kind=DESCRIBED_KIND,
                label=DESCRIBED_LABEL,
                start=described.start,
                end=described.end,
                text=text[described.start : described.end],
            )
        )
    return sorted(found, key=lambda f: f.start)


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


@dataclass(frozen=True)
class DocumentCheck:
    """An uploaded file judged as a whole: strong findings hold it for a moderator; weaker
    ones are listed to the uploader as a notice (a per-sentence rule would hold every long
    paper, since any long text has a few sentences that look like a child's details)."""

    strong: list[Finding]
    weak: list[Finding]

    @property
    def held(self) -> bool:
        return bool(self.strong)


def _home_address_with_postcode(findings: list[Finding]) -> set[int]:
    """Indexes of street addresses followed, within a line, by a postcode: a home address."""
    indexes = set()
    for index, finding in enumerate(findings):
        if finding.kind != "street_address":
            continue
        for later in findings[index + 1 : index + 3]:
            if later.kind == "postcode" and later.start - finding.end <= 40:
                indexes.update({index, findings.index(later)})
    return indexes


def check_document(text: str) -> DocumentCheck:
    findings = check_text(text)
    addresses = _home_address_with_postcode(findings)
    strong = [f for i, f in enumerate(findings) if f.strong or i in addresses]
    weak = [f for i, f in enumerate(findings) if not (f.strong or i in addresses)]
    return DocumentCheck(strong=strong, weak=weak)
