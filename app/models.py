"""Every model, imported once so that Alembic and the metadata see the whole schema."""

from app.audit.models import AuditEntry
from app.cpd.models import CpdDismissal, CpdEntry, CpdReflection, ResourceUse
from app.discussions.models import (
    Category,
    CategoryFollow,
    DiscussionVisit,
    Post,
    PostAttachment,
    PostRevision,
    Reaction,
    Thread,
    ThreadFollow,
    ThreadRead,
)
from app.drafts.models import Draft
from app.events.models import Booking, CalendarFeed, Event
from app.groups.models import Group, GroupMembership, JoinRequest
from app.guard.models import GuardOverride
from app.list_indexes import LIST_INDEXES
from app.members.models import AdminInvitation, ApiToken, Member, MemberIdentity, Organisation
from app.moderation.models import MemberWarning, Report
from app.notifications.models import DigestSchedule, Notification, NotificationPreference, SentEmail
from app.opportunities.models import ApplyClick, Opportunity
from app.outbox.models import OutboxMessage, WorkerHeartbeat
from app.page_cache.models import PageGeneration
from app.privacy.models import ClosureRequest, DataExport, Erasure, RetentionRun
from app.resources.models import FileVersion, Resource, ResourceFile
from app.search.models import SearchSynonym
from app.security.models import SignInAttempt, WebSession
from app.topics.models import Topic
from app.uploads.models import StagedUpload

__all__ = [
    "LIST_INDEXES",
    "AdminInvitation",
    "ApiToken",
    "ApplyClick",
    "AuditEntry",
    "Booking",
    "CalendarFeed",
    "Category",
    "CategoryFollow",
    "ClosureRequest",
    "CpdDismissal",
    "CpdEntry",
    "CpdReflection",
    "DataExport",
    "DigestSchedule",
    "DiscussionVisit",
    "Draft",
    "Erasure",
    "Event",
    "FileVersion",
    "Group",
    "GroupMembership",
    "GuardOverride",
    "JoinRequest",
    "Member",
    "MemberIdentity",
    "MemberWarning",
    "Notification",
    "NotificationPreference",
    "Opportunity",
    "Organisation",
    "OutboxMessage",
    "PageGeneration",
    "Post",
    "PostAttachment",
    "PostRevision",
    "Reaction",
    "Report",
    "Resource",
    "ResourceFile",
    "ResourceUse",
    "RetentionRun",
    "SearchSynonym",
    "SentEmail",
    "SignInAttempt",
    "StagedUpload",
    "Thread",
    "ThreadFollow",
    "ThreadRead",
    "Topic",
    "WebSession",
    "WorkerHeartbeat",
]
