"""Categories in the JSON API: list, add and change (admins), follow."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.discussions import service
from app.discussions.api._common import category_out
from app.discussions.schemas import CategoryOut, CategoryWrite
from app.web.deps import CurrentMember, DbSession

router = APIRouter(prefix="/api/v1/discussions", tags=["discussions"])


@router.get("/categories", response_model=list[CategoryOut], summary="Categories you may see")
def list_categories(db: DbSession, member: CurrentMember) -> list[CategoryOut]:
    return [
        category_out(listing.category, count=listing.thread_count, following=listing.following)
        for listing in service.list_categories(db, viewer=member)
    ]


@router.post(
    "/categories", response_model=CategoryOut, status_code=201, summary="Add a category (admins)"
)
def create_category(db: DbSession, member: CurrentMember, body: CategoryWrite) -> CategoryOut:
    return category_out(service.create_category(db, actor=member, data=body))


@router.put(
    "/categories/{category_id}", response_model=CategoryOut, summary="Change a category (admins)"
)
def update_category(
    db: DbSession, member: CurrentMember, category_id: str, body: CategoryWrite
) -> CategoryOut:
    return category_out(
        service.update_category(db, actor=member, category_id=category_id, data=body)
    )


@router.put(
    "/categories/{category_id}/follow",
    status_code=204,
    response_class=Response,
    summary="Follow a category",
)
def follow_category(db: DbSession, member: CurrentMember, category_id: str) -> Response:
    service.follow_category(db, actor=member, category_id=category_id, follow=True)
    return Response(status_code=204)


@router.delete(
    "/categories/{category_id}/follow",
    status_code=204,
    response_class=Response,
    summary="Stop following a category",
)
def unfollow_category(db: DbSession, member: CurrentMember, category_id: str) -> Response:
    service.follow_category(db, actor=member, category_id=category_id, follow=False)
    return Response(status_code=204)
