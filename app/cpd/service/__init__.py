"""Rules for members' CPD records: entries (entries.py), suggestions from what they did
on the portal (suggestions.py), peer reflection (reflections.py), the year's progress and
reminders (progress.py), exports (export.py) and the organisers' counts (counts.py)."""

from app.cpd.service.counts import event_cpd_count
from app.cpd.service.entries import (
    GUARDED_FIELDS,
    EntryView,
    create_entry,
    delete_entry,
    entries_of_year,
    load_own_entry,
    update_entry,
    view_of,
)
from app.cpd.service.export import export_csv, export_docx
from app.cpd.service.progress import YearProgress, progress_of, send_due_reminders
from app.cpd.service.reflections import (
    Invitation,
    add_note,
    get_invitation,
    invite_peer,
    open_invitations,
    refuse,
    withdraw_invitation,
)
from app.cpd.service.suggestions import (
    Suggestion,
    dismiss,
    parse_item,
    record_resource_use,
    suggestion_for_item,
    suggestions_for,
)

__all__ = [
    "GUARDED_FIELDS",
    "EntryView",
    "Invitation",
    "Suggestion",
    "YearProgress",
    "add_note",
    "create_entry",
    "delete_entry",
    "dismiss",
    "entries_of_year",
    "event_cpd_count",
    "export_csv",
    "export_docx",
    "get_invitation",
    "invite_peer",
    "load_own_entry",
    "open_invitations",
    "parse_item",
    "progress_of",
    "record_resource_use",
    "refuse",
    "send_due_reminders",
    "suggestion_for_item",
    "suggestions_for",
    "update_entry",
    "view_of",
    "withdraw_invitation",
]
