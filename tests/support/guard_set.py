"""The guard's labelled evaluation set (tests/data/guard_set.jsonl) and how it is scored.

Each line is one short text written in the way practitioners write: ``identifying`` says
whether it could identify a child or family, ``form`` names the way it does so (or, for
ordinary texts, what kind of professional writing it is), and ``split`` is ``tune``,
``heldout``, ``fresh``, ``fresh2`` or ``fresh3``. The held-out third of each class was
written together with the rest, before the detector was tuned, and its misses were not
looked at while tuning; but the same person wrote the set and the patterns, so it is not
blind. The ``fresh`` and ``fresh2`` parts were each written after the detector of their
day, in other phrasings, and measured once before any change they prompted (the figures
of those first measurements are in docs/anonymisation-guard.md). ``fresh3`` (96
identifying, 96 ordinary) was written before its detector was looked at, in the messier
way busy practitioners write (lower-case names, text-speak, "yp", "cla", "dob", case
systems, professionals and family members in one sentence), and committed before any
tuning.

tests/data/guard_blind_set.jsonl (split ``blind``: 188 identifying, 187 ordinary) is a
separate set in the same format, written and committed before its writer opened the
detector, this set or its tests, and measured before any tuning; the first figures are in
docs/anonymisation-guard.md. tests/data/guard_unseen_set.jsonl (split ``unseen``) was
written by someone who had not read the guard and measured once, blind; it is now spent.
tests/data/guard_fresh_set.jsonl (split ``fresh``: 142 identifying, 134 ordinary) was
written and committed before the round that followed it read the guard's code, in the
voice of busy practitioners, and measured blind first. tests/data/guard_forms_set.jsonl
(split ``forms``: 91 identifying, 60 ordinary) is a development set for the forms the outside
set showed missing, written before the code that reads them, with near-misses beside them
(event times, offices, regulations, idioms); it is not blind.
tests/data/guard_outside_set2.jsonl (split ``outside2``: 234 identifying, 245 ordinary) is a
second outside set, written by someone who had read neither the guard nor any set, measured
once blind; it is now spent. tests/data/guard_forms2_set.jsonl (split ``forms2``: 90
identifying, 89 ordinary) is the development set for the forms that set showed missing,
written before the code that reads them; it is not blind. tests/data/guard_outside_set3.jsonl
(split ``outside3``: 293 identifying, 297 ordinary) is the third outside set, written the same
way with four more ways of writing (a family recognisable with no name, a named children's
home, court numbers, a child known from a story), measured once blind; it is now spent.
tests/data/guard_forms3_set.jsonl (split ``forms3``: 67 identifying, 82 ordinary) is the
development set for the forms that set showed missing, written before the code that reads
them; it is not blind. tests/data/guard_outside_set4.jsonl (split ``outside4``: 288
identifying, 280 ordinary) is the fourth outside set, written the same way in other
practitioners' voices, measured once blind; it is now spent.
tests/data/guard_outside_set5.jsonl to guard_outside_set9.jsonl (splits ``outside5`` to
``outside9``: 165 / 161, 162 / 160, 167 / 166, 166 / 160 and 162 / 158 identifying /
ordinary) were written the
same way and each measured once blind, with the rules alone and with the learned reading
(app/guard/learned.py) as it stood, before being learned from; they are now spent.
tests/data/guard_outside_set10.jsonl and guard_outside_set11.jsonl (``outside10``: 165 /
164; ``outside11``: 165 / 162) were measured once each, blind, with the learned reading as
shipped, which has not learned from them (scripts/train_guard_model.py will, when next
run).
tests/data/guard_training_*.jsonl (splits ``trainA`` onwards) were written for the learned
reading to learn from, each by a writer who read neither the guard nor any set, in other
members' voices, with many near misses beside the identifying texts;
scripts/train_guard_model.py holds each out in turn to estimate how it reads writing it
has not seen. The practice texts in demo/corpus, split into sentences,
are added as further ordinary texts."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SET_PATH = ROOT / "tests" / "data" / "guard_set.jsonl"
BLIND_SET_PATH = ROOT / "tests" / "data" / "guard_blind_set.jsonl"
UNSEEN_SET_PATH = ROOT / "tests" / "data" / "guard_unseen_set.jsonl"
OUTSIDE_SET_PATH = ROOT / "tests" / "data" / "guard_outside_set.jsonl"
FRESH_SET_PATH = ROOT / "tests" / "data" / "guard_fresh_set.jsonl"
FORMS_SET_PATH = ROOT / "tests" / "data" / "guard_forms_set.jsonl"
FORMS2_SET_PATH = ROOT / "tests" / "data" / "guard_forms2_set.jsonl"
SECOND_OUTSIDE_SET_PATH = ROOT / "tests" / "data" / "guard_outside_set2.jsonl"
THIRD_OUTSIDE_SET_PATH = ROOT / "tests" / "data" / "guard_outside_set3.jsonl"
FOURTH_OUTSIDE_SET_PATH = ROOT / "tests" / "data" / "guard_outside_set4.jsonl"
FIFTH_OUTSIDE_SET_PATH = ROOT / "tests" / "data" / "guard_outside_set5.jsonl"
SIXTH_OUTSIDE_SET_PATH = ROOT / "tests" / "data" / "guard_outside_set6.jsonl"
SEVENTH_OUTSIDE_SET_PATH = ROOT / "tests" / "data" / "guard_outside_set7.jsonl"
EIGHTH_OUTSIDE_SET_PATH = ROOT / "tests" / "data" / "guard_outside_set8.jsonl"
NINTH_OUTSIDE_SET_PATH = ROOT / "tests" / "data" / "guard_outside_set9.jsonl"
TENTH_OUTSIDE_SET_PATH = ROOT / "tests" / "data" / "guard_outside_set10.jsonl"
ELEVENTH_OUTSIDE_SET_PATH = ROOT / "tests" / "data" / "guard_outside_set11.jsonl"
FORMS3_SET_PATH = ROOT / "tests" / "data" / "guard_forms3_set.jsonl"
CORPUS = ROOT / "demo" / "corpus"


@dataclass(frozen=True)
class Sample:
    text: str
    identifying: bool
    form: str
    split: str


@dataclass(frozen=True)
class Score:
    caught: int
    identifying: int
    false_alarms: int
    ordinary: int
    misses: list[Sample]
    alarms: list[Sample]

    @property
    def recall(self) -> float:
        return self.caught / self.identifying if self.identifying else 1.0

    @property
    def false_alarm_rate(self) -> float:
        return self.false_alarms / self.ordinary if self.ordinary else 0.0


def labelled_set(path: Path = SET_PATH) -> list[Sample]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [Sample(**json.loads(line)) for line in lines if line.strip()]


def corpus_sentences() -> list[Sample]:
    """The practice texts as sentences: a paragraph is split after ., ! or ? followed by a
    space; lines broken by the PDF layout are joined first."""
    samples: list[Sample] = []
    for path in sorted(CORPUS.glob("*.txt")):
        text = path.read_text(encoding="utf-8", errors="replace")
        for paragraph in re.split(r"\n\s*\n", text):
            joined = re.sub(r"\s+", " ", paragraph).strip()
            for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z\"“‘(])", joined):
                if len(sentence) >= 20:
                    samples.append(Sample(sentence, False, f"corpus:{path.stem}", "corpus"))
    return samples


def score(samples: list[Sample], flags: Callable[[str], bool]) -> Score:
    misses = [s for s in samples if s.identifying and not flags(s.text)]
    alarms = [s for s in samples if not s.identifying and flags(s.text)]
    identifying = sum(1 for s in samples if s.identifying)
    return Score(
        caught=identifying - len(misses),
        identifying=identifying,
        false_alarms=len(alarms),
        ordinary=len(samples) - identifying,
        misses=misses,
        alarms=alarms,
    )
