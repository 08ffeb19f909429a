"""keyset pagination: the indexes the long lists read in order

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 21:00:00

Each paged list's sort keys, the id last, as app/list_indexes.py declares them, so a
page after a cursor is an index range scan whichever page it is.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES: list[tuple[str, str, list[str | sa.TextClause]]] = [
    ("ix_keyset_thread_activity", "discussion_thread", ["last_post_at", "id"]),
    (
        "ix_keyset_thread_category",
        "discussion_thread",
        ["category_id", "is_pinned", "last_post_at", "id"],
    ),
    ("ix_keyset_resource_newest", "resource", ["created_at", "id"]),
    ("ix_keyset_resource_downloads", "resource", ["download_count", "created_at", "id"]),
    ("ix_keyset_resource_title", "resource", [sa.text("lower(title)"), "id"]),
    ("ix_keyset_event_starts", "event", ["starts_at", "id"]),
    ("ix_keyset_event_unfinished", "event", ["ends_at", "starts_at"]),
    ("ix_keyset_member_name", "member", ["display_name", "id"]),
    (
        "ix_keyset_member_admin",
        "member",
        [sa.text("(status <> 'pending')"), "display_name", "id"],
    ),
    ("ix_member_status", "member", ["status"]),
    ("ix_keyset_notification_member", "notification", ["member_id", "updated_at", "id"]),
    ("ix_keyset_audit_entry", "audit_entry", ["created_at", "id"]),
    ("ix_keyset_report_status", "moderation_report", ["status", "created_at", "id"]),
    ("ix_keyset_report_created", "moderation_report", ["created_at", "id"]),
    ("ix_keyset_opportunity_closing", "opportunity", ["closes_at", "id"]),
    ("ix_keyset_opportunity_newest", "opportunity", ["created_at", "id"]),
]


LISTED_THREADS = sa.text("deleted_at IS NULL")


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)
    op.create_index(
        "ix_keyset_thread_listed",
        "discussion_thread",
        ["category_id", "last_post_at"],
        unique=False,
        postgresql_where=LISTED_THREADS,
        sqlite_where=LISTED_THREADS,
    )


def downgrade() -> None:
    op.drop_index("ix_keyset_thread_listed", table_name="discussion_thread")
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
