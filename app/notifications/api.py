"""Notifications and e-mail preferences as JSON, for the signed-in member or a token."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.notifications import service
from app.notifications.rendering import NotificationItem
from app.notifications.schemas import (
    MarkedOut,
    NotificationId,
    NotificationOut,
    NotificationPageOut,
    PreferencesIn,
    PreferencesOut,
)
from app.web.deps import CurrentMember, DbSession
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_page_fields

router = APIRouter(prefix="/api/v1/notifications", tags=["notifications"])


def _out(item: NotificationItem) -> NotificationOut:
    return NotificationOut(
        id=item.id,
        kind=item.kind,
        text=item.text,
        url=item.url,
        excerpt=item.excerpt,
        created_at=item.created_at,
        updated_at=item.updated_at,
        read=item.read,
    )


@router.get("", response_model=NotificationPageOut, summary="Your notifications, newest first")
def list_notifications(
    db: DbSession,
    member: CurrentMember,
    cursor: ListCursor,
    unread: Annotated[bool, Query()] = False,
) -> NotificationPageOut:
    listing = service.list_notifications(
        db, viewer=member, cursor=cursor, limit=PAGE_SIZE, unread_only=unread
    )
    return NotificationPageOut(
        **cursor_page_fields(listing.page, listing.total, PAGE_SIZE),
        unread=listing.unread,
        notifications=[_out(item) for item in listing.items],
    )


@router.post("/read-all", response_model=MarkedOut, summary="Mark all your notifications read")
def read_all(db: DbSession, member: CurrentMember) -> MarkedOut:
    marked = service.mark_all_read(db, viewer=member)
    return MarkedOut(marked=marked, unread=0)


@router.post("/{notification_id}/read", response_model=MarkedOut, summary="Mark one read")
def read_one(db: DbSession, member: CurrentMember, notification_id: NotificationId) -> MarkedOut:
    service.mark_read(db, viewer=member, notification_id=notification_id)
    return MarkedOut(marked=1, unread=service.unread_count(db, member))


def _preferences_out(chosen: service.Preferences) -> PreferencesOut:
    return PreferencesOut(
        deliveries={kind: delivery.value for kind, delivery in chosen.deliveries.items()},
        digest_frequency=chosen.digest_frequency.value,
    )


@router.get("/preferences", response_model=PreferencesOut, summary="Your e-mail preferences")
def get_preferences(db: DbSession, member: CurrentMember) -> PreferencesOut:
    return _preferences_out(service.preferences(db, member=member))


@router.put("/preferences", response_model=PreferencesOut, summary="Change e-mail preferences")
def put_preferences(db: DbSession, member: CurrentMember, body: PreferencesIn) -> PreferencesOut:
    return _preferences_out(
        service.save_preferences(
            db, member=member, deliveries=body.deliveries(), digest_frequency=body.digest_frequency
        )
    )
