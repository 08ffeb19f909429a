"""Applying the guard before a save: findings stop the save with PassagesFound unless the
author chose to post anyway, which the caller records on the content and in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.guard.detection import check_text


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

    def __init__(self, findings: list[GuardFinding]) -> None:
        super().__init__(f"{len(findings)} passage(s) may identify a child or family")
        self.findings = findings


def guard_findings(*, body: str, title: str | None = None) -> list[GuardFinding]:
    texts = {"title": title or "", "body": body}
    return [
        GuardFinding(name, f.kind, f.label, f.start, f.end, f.text)
        for name, text in texts.items()
        for f in check_text(text)
    ]


def apply_guard(*, body: str, title: str | None, post_anyway: bool) -> list[dict[str, Any]] | None:
    """The findings to record on the content when the author posts anyway; raises
    PassagesFound when there are findings and they have not chosen to."""
    findings = guard_findings(body=body, title=title)
    if not findings:
        return None
    if not post_anyway:
        raise PassagesFound(findings)
    return [{"field": f.field, "kind": f.kind, "text": f.text} for f in findings]


def record_override(
    db: Session,
    *,
    actor: audit.Person,
    subject_label: str,
    override: list[dict[str, Any]] | None,
) -> None:
    """The audit entry for posting anyway (nothing when the guard found nothing)."""
    if override is None:
        return
    audit.record(
        db,
        actor=actor,
        action="guard_overridden",
        subject=None,
        subject_label=subject_label,
        reason="Posted anyway after the anonymisation guard found passages.",
        after={"kinds": ", ".join(sorted({item["kind"] for item in override}))},
    )
