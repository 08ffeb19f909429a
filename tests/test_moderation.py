"""Reports and the moderation queue, against the real services, database and Meilisearch:
report → hide → gone from search, every queue action and its audit entry, the refusals
(reporting twice, acting on a handled report, unknown or invisible content), group
moderators seeing only their group's reports, and 404 on the queue for everyone else."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.discussions.models import Post, PostRevision, Thread
from app.events.models import Event
from app.groups.models import GroupRole
from app.members.models import Member, MemberStatus
from app.moderation.models import MemberWarning, Report, ReportStatus
from app.resources.models import Resource, ResourceStatus
from app.search.engine import SearchEngine
from tests.support.database import count_rows, see_committed
from tests.support.portal import (
    MakeMember,
    add_event,
    add_group,
    add_reply,
    add_resource,
    add_thread,
    api,
    audit_actions,
    form,
    report,
    run_worker,
    search_urls,
)

# --- the story from the issue ----------------------------------------------------------------


def test_report_then_hide_takes_the_resource_out_of_search_at_once(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any, engine: SearchEngine
) -> None:
    author, reader = make("Dan Author"), make("Rita Reader")
    moderator = make("Mo Derator", is_moderator=True)
    resource_id = add_resource(app, author.id, "Chronologies that help")
    run_worker(app)
    rita = browser_of(reader)
    assert search_urls(rita, "chronologies") == [f"/resources/{resource_id}"]

    # the member reports it through the page's form
    page = rita.get(f"/moderation/report?kind=resource&id={resource_id}")
    assert page.status_code == 200 and "Chronologies that help" in page.text
    sent = form(
        rita,
        "/moderation/report",
        kind="resource",
        id=resource_id,
        reason="identifying",
        note="Names a family.",
    )
    assert sent.status_code == 303 and sent.headers["location"] == f"/resources/{resource_id}"

    mo = browser_of(moderator)
    queue = mo.get("/moderation/reports")
    assert queue.status_code == 200 and "Chronologies that help" in queue.text
    report_id = api(mo, "GET", "/api/v1/moderation/reports").json()["reports"][0]["id"]

    hidden = form(mo, f"/moderation/reports/{report_id}/hide", reason="Identifies a family.")
    assert hidden.status_code == 303

    # the outbox row committed with the hide: one worker pass and search no longer has it
    run_worker(app)
    assert search_urls(rita, "chronologies") == []
    see_committed(db)
    resource = db.get_one(Resource, resource_id)
    assert resource.status == ResourceStatus.HIDDEN
    assert resource.status_reason == "Identifies a family."
    assert rita.get(f"/resources/{resource_id}").status_code == 404
    assert db.get_one(Report, report_id).outcome == "hidden"
    assert {"resource_hidden", "report_hidden"} <= set(audit_actions(db))

    # restore brings it back, to the page and to search
    assert form(mo, f"/moderation/reports/{report_id}/restore").status_code == 303
    run_worker(app)
    assert search_urls(rita, "chronologies") == [f"/resources/{resource_id}"]
    assert "report_restored" in audit_actions(db)


def test_hiding_a_reported_post_shows_the_reason_and_drops_it_from_search(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any, engine: SearchEngine
) -> None:
    author, reader = make("Dan Author"), make("Rita Reader")
    admin = make("Amara Admin", is_admin=True)
    thread_id, _opening = add_thread(app, author.id, "Supervision", "How often do you meet?")
    post_id = add_reply(app, author.id, thread_id, "Buy cheap sunglasses at example")
    run_worker(app)
    rita = browser_of(reader)
    assert f"/discussions/p/{post_id}" in search_urls(rita, "sunglasses")

    assert report(rita, "post", post_id, "spam").status_code == 201
    amara = browser_of(admin)
    report_id = api(amara, "GET", "/api/v1/moderation/reports").json()["reports"][0]["id"]
    hidden = api(amara, "POST", f"/api/v1/moderation/reports/{report_id}/hide", {"reason": "Spam."})
    assert hidden.status_code == 200 and hidden.json()["status"] == "actioned"

    run_worker(app)
    assert search_urls(rita, "sunglasses") == []
    assert "A moderator hid this post: Spam." in rita.get(f"/discussions/t/{thread_id}").text


# --- the other actions -----------------------------------------------------------------------


def test_dismiss_closes_every_open_report_about_the_same_content(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    author, one, two = make("Dan Author"), make("Rita Reader"), make("Sam Second")
    moderator = make("Mo Derator", is_moderator=True)
    resource_id = add_resource(app, author.id, "A fine guide")
    first = report(browser_of(one), "resource", resource_id, "misinformation").json()["id"]
    second = report(browser_of(two), "resource", resource_id, "offensive").json()["id"]

    mo = browser_of(moderator)
    assert form(mo, f"/moderation/reports/{first}/dismiss", reason="It is fine.").status_code == 303

    see_committed(db)
    statuses = {r.id: r.status for r in db.execute(select(Report)).scalars()}
    assert statuses == {first: ReportStatus.DISMISSED, second: ReportStatus.DISMISSED}
    assert db.get_one(Resource, resource_id).status == ResourceStatus.PUBLISHED
    assert audit_actions(db) == ["report_dismissed"]
    assert "No reports are waiting" in mo.get("/moderation/reports").text


def test_warning_is_recorded_and_shown_to_the_author_only(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    author, reader = make("Dan Author"), make("Rita Reader")
    moderator = make("Mo Derator", is_moderator=True)
    event_id = add_event(app, author.id, "Free crypto webinar")
    rita = browser_of(reader)
    report_id = report(rita, "event", event_id, "spam").json()["id"]

    mo = browser_of(moderator)
    empty = form(mo, f"/moderation/reports/{report_id}/warn", message=" ")
    assert empty.status_code == 422 and "Write the warning" in empty.text
    warned = form(mo, f"/moderation/reports/{report_id}/warn", message="Please keep to practice.")
    assert warned.status_code == 303

    see_committed(db)
    warning = db.execute(select(MemberWarning)).scalar_one()
    assert warning.member_id == author.id and warning.message == "Please keep to practice."
    assert "Please keep to practice." in browser_of(author).get("/moderation/warnings").text
    assert "Please keep to practice." not in rita.get("/moderation/warnings").text
    assert "report_warned" in audit_actions(db)


def test_suspending_the_author_uses_the_members_service(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    author, reader = make("Dan Author"), make("Rita Reader")
    moderator = make("Mo Derator", is_moderator=True)
    thread_id, _ = add_thread(app, author.id, "Rude thread", "Something offensive.")
    report_id = report(browser_of(reader), "thread", thread_id, "offensive").json()["id"]

    mo = browser_of(moderator)
    no_reason = form(mo, f"/moderation/reports/{report_id}/suspend", reason="")
    assert no_reason.status_code == 422 and "Give a reason for the suspension" in no_reason.text
    done = form(mo, f"/moderation/reports/{report_id}/suspend", reason="Repeated abuse.")
    assert done.status_code == 303

    see_committed(db)
    assert db.get_one(Member, author.id).status == MemberStatus.SUSPENDED
    assert {"suspended", "report_suspended"} <= set(audit_actions(db))


def test_removing_a_spam_account_hides_everything_it_posted_and_suspends_it(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any, engine: SearchEngine
) -> None:
    spammer, reader = make("Spam Account"), make("Rita Reader")
    admin = make("Amara Admin", is_admin=True)
    thread_id, _ = add_thread(app, spammer.id, "Cheap watches", "Buy watches.")
    other_thread, _ = add_thread(app, reader.id, "Genuine question", "About supervision.")
    reply_id = add_reply(app, spammer.id, other_thread, "More cheap watches here")
    resource_id = add_resource(app, spammer.id, "Cheap watches catalogue")
    event_id = add_event(app, spammer.id, "Cheap watches fair")
    run_worker(app)
    rita = browser_of(reader)
    assert len(search_urls(rita, "watches")) >= 3
    report_id = report(rita, "resource", resource_id, "spam").json()["id"]
    second = report(rita, "thread", thread_id, "spam").json()["id"]

    amara = browser_of(admin)
    removed = api(
        amara,
        "POST",
        f"/api/v1/moderation/reports/{report_id}/remove-spam-account",
        {"reason": "Spam account."},
    )
    assert removed.status_code == 200, removed.text
    assert removed.json() | {"report": None} == {
        "report": None,
        "threads": 1,
        "posts": 1,
        "resources": 1,
        "events": 1,
        "suspended": True,
    }

    run_worker(app)
    assert search_urls(rita, "watches") == []
    see_committed(db)
    assert db.get_one(Thread, thread_id).deleted_at is not None
    assert db.get_one(Thread, other_thread).deleted_at is None
    assert db.get_one(Post, reply_id).hidden_reason == "Spam account."
    assert db.get_one(Resource, resource_id).status == ResourceStatus.HIDDEN
    assert db.get_one(Event, event_id).hidden_reason == "Spam account."
    assert db.get_one(Member, spammer.id).status == MemberStatus.SUSPENDED
    assert db.get_one(Report, second).outcome == "spam_removed"
    assert rita.get(f"/events/{event_id}").status_code == 404
    assert "Cheap watches fair" not in rita.get("/events").text
    assert {"thread_deleted", "post_hidden", "resource_hidden", "event_hidden", "suspended"} <= set(
        audit_actions(db)
    )


def test_editing_out_identifying_details_keeps_the_revision_and_tells_the_author(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    author, reader = make("Dan Author"), make("Rita Reader")
    moderator = make("Mo Derator", is_moderator=True)
    thread_id, _ = add_thread(app, author.id, "Home visits", "How do you plan them?")
    post_id = add_reply(app, author.id, thread_id, "I visited the family on Tuesday.")
    report_id = report(browser_of(reader), "post", post_id, "identifying").json()["id"]

    mo = browser_of(moderator)
    still = form(
        mo,
        f"/moderation/reports/{report_id}/edit",
        body="I visited Jayden Smith (4) at LS6 2QT.",
        note="Removed a name.",
    )
    assert still.status_code == 422 and "may still identify someone" in still.text
    edited = form(
        mo,
        f"/moderation/reports/{report_id}/edit",
        body="I visited a family on Tuesday.",
        note="I removed a detail that could identify the family.",
    )
    assert edited.status_code == 303

    see_committed(db)
    post = db.get_one(Post, post_id)
    assert post.body_markdown == "I visited a family on Tuesday."
    revision = db.execute(select(PostRevision).where(PostRevision.post_id == post_id)).scalar_one()
    assert revision.body_markdown == "I visited the family on Tuesday."
    assert db.execute(select(MemberWarning.message)).scalar_one().startswith("I removed a detail")
    assert {"post_edited_by_moderator", "report_edited"} <= set(audit_actions(db))


# --- bad input: a clear message, nothing changed ---------------------------------------------


def test_reporting_the_same_thing_twice_while_open_is_refused(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    author, reader = make("Dan Author"), make("Rita Reader")
    resource_id = add_resource(app, author.id, "A guide")
    rita = browser_of(reader)
    assert report(rita, "resource", resource_id).status_code == 201

    again = report(rita, "resource", resource_id, "offensive")
    assert again.status_code == 409
    assert "already reported this" in again.json()["detail"]
    page = form(rita, "/moderation/report", kind="resource", id=resource_id, reason="spam")
    assert page.status_code == 409 and "already reported this" in page.text
    assert count_rows(db, Report) == 1


def test_report_form_needs_a_reason_and_a_note_for_something_else(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    author, reader = make("Dan Author"), make("Rita Reader")
    resource_id = add_resource(app, author.id, "A guide")
    rita = browser_of(reader)
    no_reason = form(rita, "/moderation/report", kind="resource", id=resource_id)
    assert no_reason.status_code == 422 and "Choose why you are reporting this" in no_reason.text
    other = report(rita, "resource", resource_id, "other")
    assert other.status_code == 422 and "note" in other.json()["errors"]
    assert count_rows(db, Report) == 0


def test_acting_on_an_already_handled_report_is_refused(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    author, reader = make("Dan Author"), make("Rita Reader")
    moderator = make("Mo Derator", is_moderator=True)
    resource_id = add_resource(app, author.id, "A guide")
    report_id = report(browser_of(reader), "resource", resource_id).json()["id"]
    mo = browser_of(moderator)
    assert api(mo, "POST", f"/api/v1/moderation/reports/{report_id}/dismiss", {}).status_code == 200

    refused = api(mo, "POST", f"/api/v1/moderation/reports/{report_id}/hide", {"reason": "x"})
    assert refused.status_code == 409
    assert "already handled" in refused.json()["detail"]
    page = form(mo, f"/moderation/reports/{report_id}/warn", message="Careful.")
    assert page.status_code == 409 and "already handled" in page.text
    see_committed(db)
    assert db.get_one(Resource, resource_id).status == ResourceStatus.PUBLISHED
    assert count_rows(db, MemberWarning) == 0
    assert audit_actions(db) == ["report_dismissed"]


def test_unknown_content_and_content_the_member_may_not_see_are_not_found(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    author, reader = make("Dan Author"), make("Rita Reader")
    group_id = add_group(app, "Principal social workers", {author.id: GroupRole.OWNER})
    private_resource = add_resource(app, author.id, "PSW minutes", group_id=group_id)
    rita = browser_of(reader)

    assert report(rita, "resource", "no-such-id").status_code == 404
    assert report(rita, "thread", "no-such-id").status_code == 404
    assert report(rita, "post", "no-such-id").status_code == 404
    assert report(rita, "event", "no-such-id").status_code == 404
    assert report(rita, "poll", "no-such-id").status_code == 404
    assert report(rita, "resource", private_resource).status_code == 404
    assert rita.get(f"/moderation/report?kind=resource&id={private_resource}").status_code == 404
    assert count_rows(db, Report) == 0


# --- who sees the queue ----------------------------------------------------------------------


def test_members_who_do_not_moderate_get_404_on_the_queue(
    app: FastAPI, make: MakeMember, browser_of: Any
) -> None:
    author, reader = make("Dan Author"), make("Rita Reader")
    resource_id = add_resource(app, author.id, "A guide")
    rita = browser_of(reader)
    report_id = report(rita, "resource", resource_id).json()["id"]

    assert rita.get("/moderation/reports").status_code == 404
    assert rita.get(f"/moderation/reports/{report_id}").status_code == 404
    assert rita.get("/api/v1/moderation/reports").status_code == 404
    assert form(rita, f"/moderation/reports/{report_id}/dismiss").status_code == 404
    assert api(rita, "POST", f"/api/v1/moderation/reports/{report_id}/dismiss", {}).status_code == (
        404
    )


def test_group_moderators_see_and_dismiss_only_their_groups_reports(
    app: FastAPI, db: Session, make: MakeMember, browser_of: Any
) -> None:
    author, reader = make("Dan Author"), make("Rita Reader")
    lead, other_lead = make("Gwen Lead"), make("Otto Other")
    group_id = add_group(
        app,
        "Principal social workers",
        {
            author.id: GroupRole.MEMBER,
            reader.id: GroupRole.MEMBER,
            lead.id: GroupRole.MODERATOR,
        },
    )
    add_group(app, "Academics", {other_lead.id: GroupRole.OWNER})
    in_group = add_resource(app, author.id, "PSW minutes", group_id=group_id)
    everyone = add_resource(app, author.id, "Public guide")
    rita = browser_of(reader)
    group_report = report(rita, "resource", in_group).json()["id"]
    public_report = report(rita, "resource", everyone).json()["id"]

    gwen = browser_of(lead)
    listed = api(gwen, "GET", "/api/v1/moderation/reports").json()
    assert [r["id"] for r in listed["reports"]] == [group_report]
    assert "PSW minutes" in gwen.get("/moderation/reports").text
    assert gwen.get(f"/moderation/reports/{public_report}").status_code == 404

    # a group moderator dismisses, but hiding stays with the portal's moderators
    refused = form(gwen, f"/moderation/reports/{group_report}/hide", reason="Private.")
    assert refused.status_code == 403 and "Only the portal" in refused.text
    assert form(gwen, f"/moderation/reports/{group_report}/dismiss").status_code == 303

    otto = browser_of(other_lead)
    assert api(otto, "GET", "/api/v1/moderation/reports?status=all").json()["reports"] == []
    assert otto.get(f"/moderation/reports/{group_report}").status_code == 404
    see_committed(db)
    assert db.get_one(Report, group_report).status == ReportStatus.DISMISSED
    assert db.get_one(Report, public_report).status == ReportStatus.OPEN


def test_report_links_appear_on_posts_resources_and_events(
    app: FastAPI, make: MakeMember, browser_of: Any
) -> None:
    author, reader = make("Dan Author"), make("Rita Reader")
    thread_id, opening = add_thread(app, author.id, "Supervision", "How often?")
    resource_id = add_resource(app, author.id, "A guide")
    event_id = add_event(app, author.id, "A workshop")
    rita = browser_of(reader)
    assert (
        f"/moderation/report?kind=post&amp;id={opening}"
        in rita.get(f"/discussions/t/{thread_id}").text
    )
    assert (
        f"/moderation/report?kind=resource&amp;id={resource_id}"
        in rita.get(f"/resources/{resource_id}").text
    )
    assert (
        f"/moderation/report?kind=event&amp;id={event_id}" in rita.get(f"/events/{event_id}").text
    )
