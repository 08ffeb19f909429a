"""What a form shown again after the guard stopped a save needs (the findings, each field's
text with its findings highlighted, the kinds found, the reasons to choose from), and what
an API answer lists; templates/guard/panel.html renders the former."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from app.guard.detection import Finding, highlight
from app.guard.models import REASON_LABELS
from app.guard.service import GuardFinding, PassagesFound

PROBLEM_DETAIL = (
    "The text may identify a child or family; nothing was saved. Edit it, or send it again "
    'with "post_anyway": true and a "guard_reason".'
)
REASON_MISSING_DETAIL = 'To post anyway, say why: send a "guard_reason" from the list.'


def guard_form_context(
    findings: list[GuardFinding],
    texts: dict[str, str],
    *,
    reason_missing: bool = False,
    chosen_reason: str = "",
) -> dict[str, Any]:
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
        "guard_reasons": [(reason.value, label) for reason, label in REASON_LABELS.items()],
        "guard_reason_error": "Choose why you are posting anyway" if reason_missing else "",
        "guard_reason_chosen": chosen_reason,
    }


def context_of_refusal(
    found: PassagesFound, texts: dict[str, str], chosen_reason: str = ""
) -> dict[str, Any]:
    return guard_form_context(
        found.findings, texts, reason_missing=found.reason_missing, chosen_reason=chosen_reason
    )


def findings_out(findings: list[GuardFinding]) -> list[dict[str, Any]]:
    """The findings as the API's 409 problem lists them: field, kind, label ("a first name
    next to an age"), the passage and where it is."""
    return [asdict(finding) for finding in findings]


def problem_fields(found: PassagesFound) -> tuple[int, str, dict[str, Any]]:
    """Status, detail and extra members of the API's answer to a refused save."""
    extra: dict[str, Any] = {
        "findings": findings_out(found.findings),
        "guard_reasons": [reason.value for reason in REASON_LABELS],
    }
    if found.reason_missing:
        return 422, REASON_MISSING_DETAIL, extra
    return 409, PROBLEM_DETAIL, extra


def refusal_status(found: PassagesFound) -> int:
    """A form shown again: 409 for the findings, 422 when "post anyway" lacked a reason."""
    return 422 if found.reason_missing else 409


def form_refusal_context(
    refusal: PassagesFound | None, values: Mapping[str, Any], fields: dict[str, str]
) -> dict[str, Any]:
    """The template context of a form shown again after a refused save: ``fields`` maps
    each guarded field name to how the panel names it ("description")."""
    if refusal is None:
        return {}
    texts = {name: str(values.get(name) or "").strip() for name in fields}
    return {
        "guard_fields": fields,
        **context_of_refusal(refusal, texts, str(values.get("guard_reason") or "")),
    }
