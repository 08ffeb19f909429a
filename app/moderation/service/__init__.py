"""Reports and the moderation queue: members report content, moderators handle the reports.

Any member may report a thread, post, resource or event they can see. A member has at most
one open report about the same thing. Handling a report (dismiss, hide, warn the author,
suspend them, remove a spam account, edit out identifying details) closes every open report
about the same content, because the decision is about the content, and is refused on a
report that is already closed. Restoring hidden content is the one action allowed after
that: it undoes a hide. Content is hidden through its own domain service, which writes
the search outbox row in the same transaction, so hidden content leaves search at once.

Every action leaves an audit entry named ``report_<outcome>``; the content services add
their own (``post_hidden``, ``resource_hidden`` ...). Services flush; the request commits.

One module per moderation action (dismissal, hiding, restoration, warning, suspension,
spam removal, editing out, reviewing what the anonymisation guard let through or held),
beside reporting, the queue and what a report is about; this
package re-exports their public names.
"""

from app.moderation.service._common import MESSAGE_MAX_LENGTH, NOTE_MAX_LENGTH
from app.moderation.service.dismissal import dismiss
from app.moderation.service.editing_out import edit_out_details
from app.moderation.service.guard_review import (
    GuardQueue,
    clear_held_resource,
    guard_queue,
    review_override,
)
from app.moderation.service.hiding import hide
from app.moderation.service.member_warnings import my_warnings
from app.moderation.service.report_queue import (
    QUEUE_STATUSES,
    Queue,
    ReportDetail,
    queue,
    report_detail,
)
from app.moderation.service.reporting import report_content
from app.moderation.service.restoration import restore
from app.moderation.service.spam_removal import SpamRemoval, remove_spam_account
from app.moderation.service.suspension import suspend_author
from app.moderation.service.targets import Target, reportable
from app.moderation.service.warning import warn_author

__all__ = [
    "MESSAGE_MAX_LENGTH",
    "NOTE_MAX_LENGTH",
    "QUEUE_STATUSES",
    "GuardQueue",
    "Queue",
    "ReportDetail",
    "SpamRemoval",
    "Target",
    "clear_held_resource",
    "dismiss",
    "edit_out_details",
    "guard_queue",
    "hide",
    "my_warnings",
    "queue",
    "remove_spam_account",
    "report_content",
    "report_detail",
    "reportable",
    "restore",
    "review_override",
    "suspend_author",
    "warn_author",
]
