"""Group pages: the list, a group's page, joining, requests, invitations and roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from app.errors import Forbidden, InvalidAction, InvalidInput
from app.groups import service
from app.groups.listing import page_groups
from app.groups.models import GroupKind, GroupRole
from app.guard.forms import form_refusal_context, refusal_status
from app.guard.service import PassagesFound
from app.members.profiles import DirectoryFilter, list_directory
from app.web.confirmation import Confirmation, Confirmed, confirmation_page, is_confirmed
from app.web.deps import CurrentMember, DbSession
from app.web.flash import flash
from app.web.pagination import PAGE_SIZE, ListCursor, cursor_pager
from app.web.templating import render

router = APIRouter(prefix="/groups", tags=["groups"])
Text = Annotated[str, Form()]


@router.get("", summary="Groups you can see and join")
def list_groups(
    request: Request, db: DbSession, member: CurrentMember, cursor: ListCursor
) -> Response:
    listings, page = page_groups(db, viewer=member, cursor=cursor, limit=PAGE_SIZE)
    return render(
        request,
        "groups/list.html",
        {
            "listings": listings,
            "pager": cursor_pager(page, {}),
            "kinds": list(GroupKind),
            "errors": {},
            "form": {},
        },
    )


GUARDED_FIELDS = {"name": "name", "description": "description"}


@router.post("", summary="Start a group (you become its owner)")
def create_group(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    name: Text = "",
    description: Text = "",
    kind: Text = "open",
    post_anyway: Text = "",
    guard_reason: Text = "",
) -> Response:
    values = {"name": name, "description": description, "kind": kind}

    def again(status_code: int, **context: Any) -> Response:
        listings, page = page_groups(db, viewer=member, cursor=None, limit=PAGE_SIZE)
        return render(
            request,
            "groups/list.html",
            {
                "listings": listings,
                "pager": cursor_pager(page, {}),
                "kinds": list(GroupKind),
                "errors": {},
                "form": values,
                **context,
            },
            status_code=status_code,
        )

    try:
        group = service.create_group(
            db,
            actor=member,
            name=name,
            description=description,
            kind=kind,
            post_anyway=post_anyway == "1",
            guard_reason=guard_reason or None,
        )
    except InvalidInput as error:
        return again(422, errors=error.errors)
    except PassagesFound as found:
        return again(
            refusal_status(found),
            **form_refusal_context(found, {**values, "guard_reason": guard_reason}, GUARDED_FIELDS),
        )
    response = RedirectResponse(f"/groups/{group.slug}", status_code=303)
    flash(request, response, f"{group.name} is started; you are its owner.")
    return response


ROLE_PHRASES = {
    GroupRole.OWNER: "an owner",
    GroupRole.MODERATOR: "a moderator",
    GroupRole.MEMBER: "a member",
}
"""How the page names the viewer's own role ("You are an owner of this group")."""
ROLE_NOTES = {
    GroupRole.OWNER: " (owner)",
    GroupRole.MODERATOR: " (moderator)",
    GroupRole.MEMBER: "",
}
"""What the members list shows after a name."""


def _page(
    request: Request,
    db: DbSession,
    member: Any,
    slug: str,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    page = service.group_page(db, viewer=member, slug=slug)
    candidates: list[Any] = []
    if page.may_manage:
        candidates, _total, _page = list_directory(
            db, viewer=member, directory_filter=DirectoryFilter(), cursor=None, limit=200
        )
        inside = {m.member_id for m in page.members}
        candidates = [c for c in candidates if c.id not in inside]
    return render(
        request,
        "groups/detail.html",
        {
            "page": page,
            "roles": list(GroupRole),
            "role_phrases": ROLE_PHRASES,
            "role_notes": ROLE_NOTES,
            "candidates": candidates,
            "error": error,
        },
        status_code=status_code,
    )


@router.get("/{slug}", summary="A group: what it is, and inside it for its members")
def read_group(request: Request, db: DbSession, member: CurrentMember, slug: str) -> Response:
    return _page(request, db, member, slug)


def _act(
    request: Request,
    db: DbSession,
    member: Any,
    slug: str,
    action: Callable[[], object],
    done: str,
    after: str | None = None,
    confirm: str | None = None,
) -> Response:
    """Run the action and go back to the group; ``confirm``: instead, ask whether to remove
    that member (the refusals are the same either way)."""
    try:
        if confirm is not None:
            group, person = service.member_to_remove(db, actor=member, slug=slug, member_id=confirm)
            return confirmation_page(
                request,
                Confirmation(
                    question=f"Remove {person.display_name} from {group.name}?",
                    consequence="They will no longer see the group's private threads, "
                    "resources and events. You can invite them again later.",
                    action=f"/groups/{slug}/members/{confirm}/remove",
                    confirm_label=f"Yes, remove {person.display_name}",
                    back_href=f"/groups/{slug}",
                ),
            )
        action()
    except (InvalidAction, InvalidInput, Forbidden) as error:
        message = (
            "; ".join(error.errors.values()) if isinstance(error, InvalidInput) else str(error)
        )
        status = 403 if isinstance(error, Forbidden) else 409
        return _page(request, db, member, slug, error=message, status_code=status)
    response = RedirectResponse(after or f"/groups/{slug}", status_code=303)
    if done:
        flash(request, response, done)
    return response


@router.post("/{slug}/join", summary="Join an open group, or ask to join a private one")
def join(
    request: Request, db: DbSession, member: CurrentMember, slug: str, message: Text = ""
) -> Response:
    outcome: dict[str, str] = {}

    def act() -> None:
        outcome["result"] = service.join(db, actor=member, slug=slug, message=message)

    response = _act(request, db, member, slug, act, "")
    if outcome.get("result"):
        flash(
            request,
            response,
            "You have joined the group."
            if outcome["result"] == "joined"
            else "Your request is sent; the group's owners will decide.",
        )
    return response


@router.post("/{slug}/leave", summary="Leave a group")
def leave(request: Request, db: DbSession, member: CurrentMember, slug: str) -> Response:
    return _act(
        request,
        db,
        member,
        slug,
        lambda: service.leave(db, actor=member, slug=slug),
        "You have left the group.",
        after="/groups",
    )


@router.post("/{slug}/requests/{request_id}", summary="Approve or refuse a request to join")
def decide(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    slug: str,
    request_id: str,
    decision: Text = "",
    message: Text = "",
) -> Response:
    return _act(
        request,
        db,
        member,
        slug,
        lambda: service.decide_request(
            db,
            actor=member,
            slug=slug,
            request_id=request_id,
            approve=decision == "approve",
            message=message,
        ),
        "The request is approved." if decision == "approve" else "The request is refused.",
    )


@router.post("/{slug}/invitations", summary="Invite a member from the directory")
def invite(
    request: Request, db: DbSession, member: CurrentMember, slug: str, member_id: Text = ""
) -> Response:
    return _act(
        request,
        db,
        member,
        slug,
        lambda: service.invite(db, actor=member, slug=slug, member_id=member_id),
        "The invitation is sent.",
    )


@router.post("/{slug}/invitation", summary="Accept or decline your invitation")
def answer(
    request: Request, db: DbSession, member: CurrentMember, slug: str, answer: Text = ""
) -> Response:
    accept = answer == "accept"
    return _act(
        request,
        db,
        member,
        slug,
        lambda: service.answer_invitation(db, actor=member, slug=slug, accept=accept),
        "Welcome to the group." if accept else "You declined the invitation.",
        after=None if accept else "/groups",
    )


@router.post("/{slug}/members/{member_id}/remove", summary="Remove someone from the group")
def remove(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    slug: str,
    member_id: str,
    confirmed: Confirmed = None,
) -> Response:
    if not is_confirmed(confirmed):
        return _act(request, db, member, slug, lambda: None, "", confirm=member_id)
    return _act(
        request,
        db,
        member,
        slug,
        lambda: service.remove_member(db, actor=member, slug=slug, member_id=member_id),
        "They are no longer in the group.",
    )


@router.post("/{slug}/members/{member_id}/role", summary="Change someone's role in the group")
def change_role(
    request: Request,
    db: DbSession,
    member: CurrentMember,
    slug: str,
    member_id: str,
    role: Text = "",
) -> Response:
    return _act(
        request,
        db,
        member,
        slug,
        lambda: service.change_role(db, actor=member, slug=slug, member_id=member_id, role=role),
        "The role is changed.",
    )
