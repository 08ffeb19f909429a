"""Rules about discussions: starting threads, replying, editing, reactions, accepted answers,
following, read markers and moderation. Services flush; the request commits.

Who may see and do what is asked of app.policy; every list filters with its SQL twin.
Before a thread or post is saved its text goes through the anonymisation guard
(app/guard): findings stop the save with PassagesFound unless the author chose
to post anyway, which is recorded on the post and in the audit log.

One module per concern; this package re-exports the public names, so
`from app.discussions import service` and `service.start_thread(...)` keep working.
"""

from app.discussions.service.answers import accept_answer
from app.discussions.service.attachments import (
    MAX_ATTACHMENTS_PER_POST,
    Attaching,
    AttachmentDownload,
    AttachmentUpload,
    attachments_of_post,
    download_attachment,
    drop_unclaimed_uploads,
    release_attachment,
    upload_attachment,
)
from app.discussions.service.categories import (
    CategoryListing,
    all_topics,
    category_choices,
    create_category,
    get_category,
    list_categories,
    manageable_categories,
    update_category,
)
from app.discussions.service.following import follow_category, follow_thread
from app.discussions.service.kept_attachments import KeptAttaching, KeptChoice, kept_files
from app.discussions.service.lists import (
    VISIT_GAP,
    Overview,
    ThreadBrowse,
    ThreadListing,
    ThreadView,
    browse_threads,
    list_threads,
    overview,
    recent_activity,
    record_visit,
)
from app.discussions.service.moderation import (
    AuthorRemoval,
    hide_post,
    lock_thread,
    move_thread,
    pin_thread,
    remove_everything_by,
    restore_post,
    restore_thread,
    unlock_thread,
)
from app.discussions.service.reactions import react
from app.discussions.service.reading import (
    POSTS_PER_PAGE,
    PostView,
    ThreadPage,
    first_unread,
    locate_post,
    page_count,
    post_for_edit,
    thread_for_reply,
    thread_page,
)
from app.discussions.service.writing import (
    PostHistory,
    Preview,
    delete_post,
    edit_post,
    post_history,
    post_to_delete,
    preview,
    quote,
    reply,
    start_thread,
)
from app.guard.service import GuardFinding, PassagesFound, guard_findings

__all__ = [
    "MAX_ATTACHMENTS_PER_POST",
    "POSTS_PER_PAGE",
    "VISIT_GAP",
    "Attaching",
    "AttachmentDownload",
    "AttachmentUpload",
    "AuthorRemoval",
    "CategoryListing",
    "GuardFinding",
    "KeptAttaching",
    "KeptChoice",
    "Overview",
    "PassagesFound",
    "PostHistory",
    "PostView",
    "Preview",
    "ThreadBrowse",
    "ThreadListing",
    "ThreadPage",
    "ThreadView",
    "accept_answer",
    "all_topics",
    "attachments_of_post",
    "browse_threads",
    "category_choices",
    "create_category",
    "delete_post",
    "download_attachment",
    "drop_unclaimed_uploads",
    "edit_post",
    "first_unread",
    "follow_category",
    "follow_thread",
    "get_category",
    "guard_findings",
    "hide_post",
    "kept_files",
    "list_categories",
    "list_threads",
    "locate_post",
    "lock_thread",
    "manageable_categories",
    "move_thread",
    "overview",
    "page_count",
    "pin_thread",
    "post_for_edit",
    "post_history",
    "post_to_delete",
    "preview",
    "quote",
    "react",
    "recent_activity",
    "record_visit",
    "release_attachment",
    "remove_everything_by",
    "reply",
    "restore_post",
    "restore_thread",
    "start_thread",
    "thread_for_reply",
    "thread_page",
    "unlock_thread",
    "update_category",
    "upload_attachment",
]
