"""Applying the guard before a save. Every surface where members write for others calls
check_before_saving() with the texts it is about to store: findings stop the save with
PassagesFound, unless the author chose to post anyway with a reason from GuardReason's
short list; the caller then stores the item and calls record_override(), which puts it in
the moderation queue (a GuardOverride row) and the audit log, and queues OVERRIDE_TOPIC so
that the worker tells the moderators (app/moderation/worker_tasks.py: the guard is ground
floor and announces nothing itself)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.db import new_id
from app.guard.detection import check_text
from app.guard.models import GuardOverride, GuardReason
from app.outbox.service import enqueue

OVERRIDE_TOPIC = "guard.override_recorded"


@dataclass(frozen=True)
class GuardFinding:
    field: str
    kind: str
    label: str
    start: int
    end: int
    text: str


class PassagesFound(Exception):
    """Nothing was saved: the guard found passages that may identify someone, and the
    author has not (yet) chosen to post anyway."""

    def __init__(self, findings: list[GuardFinding], *, reason_missing: bool = False) -> None:
        super().__init__(f"{len(findings)} passage(s) may identify a child or family")
        self.findings = findings
        self.reason_missing = reason_missing


@dataclass(frozen=True)
class Override:
    """The author's choice to save despite the findings, and why."""

    reason: GuardReason
    findings: list[GuardFinding]

    def as_record(self) -> list[dict[str, Any]]:
        return [
            {"field": f.field, "kind": f.kind, "label": f.label, "text": f.text}
            for f in self.findings
        ]


@dataclass(frozen=True)
class GuardSubject:
    """What was saved anyway, as the moderation queue shows it."""

    type: str
    id: str
    label: str
    url: str
    group_id: str | None = None


REASON_NEEDED = "Choose why you are posting anyway."


def findings_in(texts: Mapping[str, str | None]) -> list[GuardFinding]:
    """The guard's findings in each named text ("title", "summary", ...), field by field."""
    return [
        GuardFinding(name, f.kind, f.label, f.start, f.end, f.text)
        for name, text in texts.items()
        if text
        for f in check_text(text)
    ]


def parse_reason(reason: str | GuardReason | None) -> GuardReason | None:
    if reason is None:
        return None
    try:
        return GuardReason(reason.strip())
    except ValueError:
        return None


def check_before_saving(
    texts: Mapping[str, str | None], *, post_anyway: bool, reason: str | GuardReason | None
) -> Override | None:
    """None when the guard finds nothing; the override to record when the author posts
    anyway with a reason; raises PassagesFound otherwise (``reason_missing`` when they
    chose to post anyway without a reason from the list)."""
    findings = findings_in(texts)
    if not findings:
        return None
    if not post_anyway:
        raise PassagesFound(findings)
    chosen = parse_reason(reason)
    if chosen is None:
        raise PassagesFound(findings, reason_missing=True)
    return Override(chosen, findings)


def record_override(
    db: Session, *, actor: audit.Person, subject: GuardSubject, override: Override | None
) -> None:
    """Queue a posted-anyway item for a moderator and write the audit entry (the kinds
    found, never the passages). Nothing when the guard found nothing."""
    if override is None:
        return
    override_id = new_id()
    db.add(
        GuardOverride(
            id=override_id,
            author_id=actor.id,
            subject_type=subject.type,
            subject_id=subject.id,
            subject_label=subject.label[:200],
            subject_url=subject.url,
            group_id=subject.group_id,
            reason=override.reason,
            findings=override.as_record(),
        )
    )
    audit.record(
        db,
        actor=actor,
        action="guard_overridden",
        subject=None,
        subject_label=subject.label,
        reason=f"Posted anyway after the anonymisation guard found passages: "
        f"{override.reason.label}.",
        after={"kinds": ", ".join(sorted({f.kind for f in override.findings}))},
    )
    enqueue(db, topic=OVERRIDE_TOPIC, payload={"override_id": override_id})
    db.flush()


# The discussions' names for the same steps (a post has a title and a body).


def guard_findings(*, body: str, title: str | None = None) -> list[GuardFinding]:
    return findings_in({"title": title or "", "body": body})


def apply_guard(
    *, body: str, title: str | None, post_anyway: bool, reason: str | GuardReason | None = None
) -> Override | None:
    return check_before_saving(
        {"title": title or "", "body": body}, post_anyway=post_anyway, reason=reason
    )
