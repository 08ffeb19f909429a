from __future__ import annotations

from fastapi import APIRouter

from app.members.schemas import MemberSelf
from app.web.deps import CurrentMember

router = APIRouter(prefix="/api/v1", tags=["members"])


@router.get("/me", response_model=MemberSelf, summary="The signed-in member")
def read_me(member: CurrentMember) -> MemberSelf:
    return MemberSelf.model_validate(member)
