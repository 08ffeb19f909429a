"""Rules about members: who a signed-in identity is, who is admitted, and what admins and
moderators may change. Every change an admin or moderator makes leaves one audit entry.

Admission at sign-in (admission.py), admin and moderator actions (admin_actions.py) and
the admin area's lists (admin_lists.py); this package re-exports their public names.
"""

from app.members.service.admin_actions import (
    REASON_MAX_LENGTH,
    STATUS_FIELDS,
    approve,
    change_organisation,
    change_role,
    grant_admin,
    holder_identities,
    link_identity,
    mark_left,
    reinstate,
    reject,
    set_flag,
    suspend,
)
from app.members.service.admin_lists import (
    AdminMemberDetail,
    MemberFilter,
    admin_member_detail,
    list_members,
    organisations,
    pending_count,
)
from app.members.service.admission import HANDLE_TRIES, Admission, admit_identity

__all__ = [
    "HANDLE_TRIES",
    "REASON_MAX_LENGTH",
    "STATUS_FIELDS",
    "AdminMemberDetail",
    "Admission",
    "MemberFilter",
    "admin_member_detail",
    "admit_identity",
    "approve",
    "change_organisation",
    "change_role",
    "grant_admin",
    "holder_identities",
    "link_identity",
    "list_members",
    "mark_left",
    "organisations",
    "pending_count",
    "reinstate",
    "reject",
    "set_flag",
    "suspend",
]
