"""What a form shown again after the guard stopped a save needs: the findings, each field's
text with its findings highlighted, and the kinds found."""

from __future__ import annotations

from typing import Any

from app.guard.detection import Finding, highlight
from app.guard.service import GuardFinding


def guard_form_context(findings: list[GuardFinding], texts: dict[str, str]) -> dict[str, Any]:
    """``texts`` maps each field name ("title", "body") to the text the guard checked."""
    by_field: dict[str, list[Finding]] = {}
    for item in findings:
        by_field.setdefault(item.field, []).append(
            Finding(item.kind, item.label, item.start, item.end, item.text)
        )
    return {
        "findings": findings,
        "highlighted": {name: highlight(texts[name], items) for name, items in by_field.items()},
        "finding_labels": sorted({item.label for item in findings}),
    }
