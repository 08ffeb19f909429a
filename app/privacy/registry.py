"""Every domain's personal data, put together (as app/worker.py puts the worker's tasks
together). A domain that starts keeping members' data adds its ``PERSONAL_DATA`` here; the
export then carries its files and erasure runs its ``erase``. Tables it does not list are
still checked by tests/test_privacy.py, which scans every text column of the schema."""

from __future__ import annotations

from app.cpd.privacy import PERSONAL_DATA as CPD
from app.discussions.privacy import PERSONAL_DATA as DISCUSSIONS
from app.drafts.privacy import PERSONAL_DATA as DRAFTS
from app.events.privacy import PERSONAL_DATA as EVENTS
from app.groups.privacy import PERSONAL_DATA as GROUPS
from app.members.privacy import PERSONAL_DATA as MEMBERS
from app.moderation.privacy import PERSONAL_DATA as MODERATION
from app.notifications.privacy import PERSONAL_DATA as NOTIFICATIONS
from app.opportunities.privacy import PERSONAL_DATA as OPPORTUNITIES
from app.privacy.audit_trail import PERSONAL_DATA as AUDIT
from app.privacy.kinds import PersonalData
from app.resources.privacy import PERSONAL_DATA as RESOURCES
from app.security.privacy import PERSONAL_DATA as SECURITY

PERSONAL_DATA: tuple[PersonalData, ...] = (
    MEMBERS,
    SECURITY,
    GROUPS,
    DISCUSSIONS,
    EVENTS,
    RESOURCES,
    MODERATION,
    NOTIFICATIONS,
    OPPORTUNITIES,
    CPD,
    DRAFTS,
    AUDIT,
)


def export_file_names() -> list[str]:
    names = [file.name for part in PERSONAL_DATA for file in part.files]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise ValueError(f"export files named twice: {duplicates}")
    return names
