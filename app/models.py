"""Every model, imported once so that Alembic and the metadata see the whole schema."""

from app.members.models import Member, MemberIdentity, Organisation
from app.outbox.models import OutboxMessage
from app.security.models import SignInAttempt, WebSession

__all__ = [
    "Member",
    "MemberIdentity",
    "Organisation",
    "OutboxMessage",
    "SignInAttempt",
    "WebSession",
]
