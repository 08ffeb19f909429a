"""The indexes the keyset-paged lists read in order (app/keyset.py; migration 0021).

Each list's sort keys, the id last, in the order the list sorts them, so PostgreSQL walks
the index from the cursor and stops after a page, whichever page it is. They live here,
beside each other, rather than in each model, so the set can be read against the lists
(docs/decisions.md, "Keyset pagination"). Importing this module (app/models.py does)
attaches them to their tables.
"""

from __future__ import annotations

from sqlalchemy import Index, func, text

from app.audit.models import AuditEntry
from app.discussions.models import Thread
from app.events.models import Event
from app.members.models import Member
from app.moderation.models import Report
from app.notifications.models import Notification
from app.opportunities.models import Opportunity
from app.resources.models import Resource

LIST_INDEXES = (
    # discussions: all threads, newest activity first; a category's, pinned first
    Index("ix_keyset_thread_activity", Thread.last_post_at, Thread.id),
    # each category's listed threads: counted (up to 1,000) and latest activity, index only
    Index(
        "ix_keyset_thread_listed",
        Thread.category_id,
        Thread.last_post_at,
        postgresql_where=Thread.deleted_at.is_(None),
        sqlite_where=Thread.deleted_at.is_(None),
    ),
    Index(
        "ix_keyset_thread_category",
        Thread.category_id,
        Thread.is_pinned,
        Thread.last_post_at,
        Thread.id,
    ),
    # resources: newest, most downloaded, by title
    Index("ix_keyset_resource_newest", Resource.created_at, Resource.id),
    Index(
        "ix_keyset_resource_downloads", Resource.download_count, Resource.created_at, Resource.id
    ),
    Index("ix_keyset_resource_title", func.lower(Resource.title), Resource.id),
    # events: upcoming soonest first, past latest first
    Index("ix_keyset_event_starts", Event.starts_at, Event.id),
    Index("ix_keyset_event_unfinished", Event.ends_at, Event.starts_at),
    # the directory by name; the admin list pending first, then by name
    Index("ix_keyset_member_name", Member.display_name, Member.id),
    Index(
        "ix_keyset_member_admin",
        # written as PostgreSQL reflects it, so the migration check can compare it
        text("(status <> 'pending')"),
        Member.display_name,
        Member.id,
    ),
    # the admin list's count of members waiting for approval
    Index("ix_member_status", Member.status),
    # a member's notifications, newest first
    Index(
        "ix_keyset_notification_member",
        Notification.member_id,
        Notification.updated_at,
        Notification.id,
    ),
    Index("ix_keyset_audit_entry", AuditEntry.created_at, AuditEntry.id),
    # the moderation queue: open reports oldest first, the others newest first
    Index("ix_keyset_report_status", Report.status, Report.created_at, Report.id),
    Index("ix_keyset_report_created", Report.created_at, Report.id),
    # opportunities: closing soonest, newest
    Index("ix_keyset_opportunity_closing", Opportunity.closes_at, Opportunity.id),
    Index("ix_keyset_opportunity_newest", Opportunity.created_at, Opportunity.id),
)
