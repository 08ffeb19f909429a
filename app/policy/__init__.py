"""Who may see and do what: the one place every page, list, API route, file download,
feed, e-mail and search filter asks.

Rules are functions named ``check_<verb>_<object>_permission`` that raise NotFound when
the member may not even know the object exists (404 before 403) and Forbidden when they
may see it but not act. Beside each rule for a list sits the SQL filter that applies the
same rule. One submodule per domain; import from ``app.policy``.
"""

from app.policy.content import (
    may_see_group_content,
    member_group_ids,
    search_access_filter,
    visible_to_member_filter,
)
from app.policy.discussions import (
    check_accept_answer_permission,
    check_delete_post_permission,
    check_edit_post_permission,
    check_manage_categories_permission,
    check_moderate_discussions_permission,
    check_react_permission,
    check_reply_permission,
    check_start_thread_permission,
    check_view_category_permission,
    check_view_post_history_permission,
    check_view_thread_permission,
    listed_threads_filter,
    may_see_post_body,
    visible_categories_filter,
    visible_threads_filter,
)
from app.policy.events import (
    check_manage_event_permission,
    check_moderate_event_permission,
    check_view_event_permission,
    listed_events_filter,
    may_see_joining_link,
)
from app.policy.groups import (
    check_change_group_roles_permission,
    check_manage_group_permission,
    check_see_inside_group_permission,
    check_view_group_permission,
    listed_groups_filter,
    may_see_inside_group,
)
from app.policy.members import (
    ADMIN_ONLY_ACTIONS,
    check_admin_only_permission,
    check_moderate_member_permission,
    check_use_admin_area_permission,
    check_view_profile_permission,
    listed_in_directory,
    may_see_profile_field,
    profile_field_visible_filter,
)
from app.policy.moderation import (
    check_act_on_report_permission,
    check_dismiss_report_permission,
    check_use_moderation_queue_permission,
    check_view_report_permission,
    moderated_group_ids,
    visible_reports_filter,
)
from app.policy.resources import (
    check_change_resource_permission,
    check_moderate_resource_permission,
    check_restore_resource_permission,
    check_view_resource_permission,
    listed_resources_filter,
)

__all__ = [
    "ADMIN_ONLY_ACTIONS",
    "check_accept_answer_permission",
    "check_act_on_report_permission",
    "check_admin_only_permission",
    "check_change_group_roles_permission",
    "check_change_resource_permission",
    "check_delete_post_permission",
    "check_dismiss_report_permission",
    "check_edit_post_permission",
    "check_manage_categories_permission",
    "check_manage_event_permission",
    "check_manage_group_permission",
    "check_moderate_discussions_permission",
    "check_moderate_event_permission",
    "check_moderate_member_permission",
    "check_moderate_resource_permission",
    "check_react_permission",
    "check_reply_permission",
    "check_restore_resource_permission",
    "check_see_inside_group_permission",
    "check_start_thread_permission",
    "check_use_admin_area_permission",
    "check_use_moderation_queue_permission",
    "check_view_category_permission",
    "check_view_event_permission",
    "check_view_group_permission",
    "check_view_post_history_permission",
    "check_view_profile_permission",
    "check_view_report_permission",
    "check_view_resource_permission",
    "check_view_thread_permission",
    "listed_events_filter",
    "listed_groups_filter",
    "listed_in_directory",
    "listed_resources_filter",
    "listed_threads_filter",
    "may_see_group_content",
    "may_see_inside_group",
    "may_see_joining_link",
    "may_see_post_body",
    "may_see_profile_field",
    "member_group_ids",
    "moderated_group_ids",
    "profile_field_visible_filter",
    "search_access_filter",
    "visible_categories_filter",
    "visible_reports_filter",
    "visible_threads_filter",
    "visible_to_member_filter",
]
