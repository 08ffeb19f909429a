"""A year's record as the regulator's online form asks for it (title, date, type, what was
learned, its impact on practice, peer reflection), as a Word document and as CSV, ready to
paste. Recorded entries only, in date order; drafts are not CPD yet."""

from __future__ import annotations

import csv
import io

from docx import Document

from app.audit.csv import csv_safe
from app.cpd import clock
from app.cpd.models import CpdStatus
from app.cpd.service.entries import EntryView

CSV_HEADER = ("Title", "Date", "Type", "Learning", "Impact", "Peer reflection")


def _recorded(views: list[EntryView]) -> list[EntryView]:
    return [v for v in views if v.entry.status == CpdStatus.RECORDED]


def peer_reflection_text(view: EntryView) -> str:
    return " ".join(
        f"Discussed with {r.peer.display_name} on {clock.london_today(r.answered_at):%-d %B %Y}: "
        f"{r.note}"
        for r in view.discussed
        if r.answered_at is not None
    )


def _type_text(view: EntryView) -> str:
    hours = view.entry.hours
    return view.entry.kind.label + (f" ({hours:g} hours)" if hours else "")


def export_csv(views: list[EntryView]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for view in _recorded(views):
        entry = view.entry
        writer.writerow(
            [
                csv_safe(entry.title),
                entry.happened_on.strftime("%d/%m/%Y"),
                _type_text(view),
                csv_safe(entry.learning),
                csv_safe(entry.impact),
                csv_safe(peer_reflection_text(view)),
            ]
        )
    return "\ufeff" + buffer.getvalue()


def export_docx(views: list[EntryView], *, year: clock.RegistrationYear, member_name: str) -> bytes:
    document = Document()
    document.add_heading(f"CPD record {year.label}", level=0)
    document.add_paragraph(f"{member_name}, registration year {year.span}.")
    recorded = _recorded(views)
    if not recorded:
        document.add_paragraph("No CPD recorded in this year.")
    for view in recorded:
        entry = view.entry
        document.add_heading(entry.title, level=1)
        for label, text in (
            ("Date", entry.happened_on.strftime("%-d %B %Y")),
            ("Type", _type_text(view)),
            ("What I learned", entry.learning),
            ("How it changes my practice", entry.impact),
            ("Peer reflection", peer_reflection_text(view) or "None recorded."),
        ):
            paragraph = document.add_paragraph()
            paragraph.add_run(f"{label}: ").bold = True
            paragraph.add_run(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
