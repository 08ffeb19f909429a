"""What members can be told about, and how each kind reaches them by default.

In-app notifications are always recorded; the delivery preference decides only e-mail:
``immediate`` (one e-mail as soon as the worker runs), ``digest`` (gathered into the
member's daily or weekly digest) or ``off``. The urgent kinds default to immediate,
everything else to the digest (docs/notifications.md).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class NotificationKind(enum.StrEnum):
    NEW_THREAD = "new_thread"
    REPLY = "reply"
    MENTION = "mention"
    ANSWER_ACCEPTED = "answer_accepted"
    REACTION = "reaction"
    BOOKING_CHANGED = "booking_changed"
    WAITLIST_PROMOTED = "waitlist_promoted"
    EVENT_CHANGED = "event_changed"
    EVENT_CANCELLED = "event_cancelled"
    EVENT_REMINDER = "event_reminder"
    GROUP_INVITATION = "group_invitation"
    GROUP_DECISION = "group_decision"
    MEMBERSHIP_DECISION = "membership_decision"
    OPPORTUNITY_MATCH = "opportunity_match"
    GUARD_NOTICE = "guard_notice"
    CPD_REFLECTION_REQUEST = "cpd_reflection_request"
    CPD_REFLECTION_ANSWER = "cpd_reflection_answer"
    CPD_REMINDER = "cpd_reminder"
    APPLICATION_WAITING = "application_waiting"
    WARNING_GIVEN = "warning_given"


class Delivery(enum.StrEnum):
    OFF = "off"
    DIGEST = "digest"
    IMMEDIATE = "immediate"


class DigestFrequency(enum.StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


@dataclass(frozen=True)
class KindInfo:
    label: str
    """Completes "E-mail me about …"."""
    default: Delivery


KINDS: dict[NotificationKind, KindInfo] = {
    NotificationKind.NEW_THREAD: KindInfo("new threads in categories I follow", Delivery.DIGEST),
    NotificationKind.REPLY: KindInfo("replies in threads I follow", Delivery.DIGEST),
    NotificationKind.MENTION: KindInfo("mentions of me (@name)", Delivery.DIGEST),
    NotificationKind.ANSWER_ACCEPTED: KindInfo(
        "my replies accepted as the answer", Delivery.DIGEST
    ),
    NotificationKind.REACTION: KindInfo("reactions to my posts (helpful, thanks)", Delivery.DIGEST),
    NotificationKind.BOOKING_CHANGED: KindInfo(
        "my bookings (booked, waitlisted, cancelled)", Delivery.DIGEST
    ),
    NotificationKind.WAITLIST_PROMOTED: KindInfo(
        "a place for me coming up from the waitlist", Delivery.IMMEDIATE
    ),
    NotificationKind.EVENT_CHANGED: KindInfo(
        "changes to the time or place of events I booked", Delivery.IMMEDIATE
    ),
    NotificationKind.EVENT_CANCELLED: KindInfo(
        "events I booked being cancelled", Delivery.IMMEDIATE
    ),
    NotificationKind.EVENT_REMINDER: KindInfo(
        "reminders before events I booked", Delivery.IMMEDIATE
    ),
    NotificationKind.GROUP_INVITATION: KindInfo("invitations to groups", Delivery.DIGEST),
    NotificationKind.GROUP_DECISION: KindInfo(
        "decisions on my requests to join groups", Delivery.DIGEST
    ),
    NotificationKind.MEMBERSHIP_DECISION: KindInfo(
        "decisions about my membership of the portal", Delivery.IMMEDIATE
    ),
    NotificationKind.OPPORTUNITY_MATCH: KindInfo(
        "new opportunities matching my alerts", Delivery.DIGEST
    ),
    NotificationKind.GUARD_NOTICE: KindInfo(
        "items saved anyway after the anonymisation guard, and files it holds (moderators)",
        Delivery.IMMEDIATE,
    ),
    NotificationKind.CPD_REFLECTION_REQUEST: KindInfo(
        "colleagues asking me to reflect on their CPD", Delivery.IMMEDIATE
    ),
    NotificationKind.CPD_REFLECTION_ANSWER: KindInfo(
        "colleagues' answers to my CPD reflection requests", Delivery.DIGEST
    ),
    NotificationKind.CPD_REMINDER: KindInfo(
        "reminders to complete my CPD record for the year", Delivery.IMMEDIATE
    ),
    # batched: many applications in a day make one digest, not one e-mail each
    NotificationKind.APPLICATION_WAITING: KindInfo(
        "applications waiting for approval (admins)", Delivery.DIGEST
    ),
    NotificationKind.WARNING_GIVEN: KindInfo(
        "warnings from moderators about what I wrote", Delivery.IMMEDIATE
    ),
}

DIGEST_UNSUBSCRIBE_KIND = "digest"
"""The kind an unsubscribe link in a digest names: it turns the digest off."""
