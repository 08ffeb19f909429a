"""Every model, imported once so that Alembic and the metadata see the whole schema."""

from app.members.models import AdminInvitation, ApiToken, Member, MemberIdentity, Organisation
from app.moderation.models import AuditEntry
from app.outbox.models import OutboxMessage
from app.resources.models import FileVersion, Resource, ResourceFile
from app.security.models import SignInAttempt, WebSession
from app.topics.models import Topic

__all__ = [
    "AdminInvitation",
    "ApiToken",
    "AuditEntry",
    "FileVersion",
    "Member",
    "MemberIdentity",
    "Organisation",
    "OutboxMessage",
    "Resource",
    "ResourceFile",
    "SignInAttempt",
    "Topic",
    "WebSession",
]
