"""Demo groups for ``portal seed --demo``: the secret regional principal social worker group
with its own threads, paper and meeting, and three open networks."""

from __future__ import annotations

import io
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import LONDON, utcnow
from app.discussions.schemas import ThreadCreate
from app.discussions.service import start_thread
from app.events.schemas import EventData
from app.events.service import create_event
from app.groups.models import Group, GroupMembership, GroupRole
from app.groups.service import create_group
from app.members.models import Member, MemberIdentity
from app.resources.documents import pdf_from_paragraphs
from app.resources.schemas import ResourceData
from app.resources.service import Upload, create_resource
from app.resources.storage import FileStorage

PSW_GROUP = "Regional principal social worker group"
DEMO_GROUPS = (
    (
        PSW_GROUP,
        "secret",
        "The principal social workers of the 15 councils: practice "
        "standards, workforce data and the regional agenda. Members only, by invitation.",
        "amara.okafor",
        ("tom.hargreaves", "nadia.khan"),
    ),
    (
        "Newly qualified social workers",
        "open",
        "Peer support through the ASYE year: questions, reading and meet-ups.",
        "chloe.barker",
        ("priya.shah",),
    ),
    (
        "Practice educators",
        "open",
        "Practice educators and placement supervisors sharing what works for students.",
        "gareth.evans",
        ("dr.helen.moss",),
    ),
    (
        "Research network",
        "open",
        "Academics and practitioners turning research into "
        "practice, and practice questions into research.",
        "dr.helen.moss",
        ("priya.shah", "amara.okafor"),
    ),
)


def _person(db: Session, settings: Settings, subject: str) -> Member:
    return db.execute(
        select(Member)
        .join(MemberIdentity, MemberIdentity.member_id == Member.id)
        .where(MemberIdentity.issuer == settings.dev_oidc_issuer, MemberIdentity.subject == subject)
    ).scalar_one()


def seed_groups(db: Session, *, settings: Settings, storage: FileStorage) -> int:
    """Idempotent by group name; returns how many groups were created."""
    existing = set(db.execute(select(Group.name)).scalars())
    created = 0
    for name, kind, description, owner, members in DEMO_GROUPS:
        if name in existing:
            continue
        owner_member = _person(db, settings, owner)
        group = create_group(db, actor=owner_member, name=name, description=description, kind=kind)
        for subject in members:
            db.add(
                GroupMembership(
                    group_id=group.id,
                    member_id=_person(db, settings, subject).id,
                    role=GroupRole.MEMBER,
                )
            )
        db.flush()
        created += 1
        if name == PSW_GROUP:
            _psw_content(db, settings=settings, storage=storage, group=group, owner=owner_member)
    return created


def _psw_content(
    db: Session, *, settings: Settings, storage: FileStorage, group: Group, owner: Member
) -> None:
    tom = _person(db, settings, "tom.hargreaves")
    for author, title, body in (
        (
            owner,
            "Caseload data for the regional workforce report",
            "Please send your authority's caseload averages by team type before the next "
            "meeting. We will present the regional picture to the directors.",
        ),
        (
            tom,
            "Draft: principles for agency worker inductions",
            "A first draft of shared induction principles for agency social workers. Comments "
            "welcome before we take it to the workforce board.",
        ),
    ):
        assert group.category_id is not None
        start_thread(
            db,
            actor=author,
            data=ThreadCreate(category_id=group.category_id, title=title, body=body),
        )
    create_resource(
        db,
        storage=storage,
        actor=owner,
        data=ResourceData(
            title="Regional workforce report: draft for principal social workers",
            summary="The draft regional workforce report, for comment within the group.",
            type="briefing",
            topics=["workforce-resilience"],
            group_id=group.id,
        ),
        uploads=[
            Upload(
                "workforce-report-draft.pdf",
                io.BytesIO(
                    pdf_from_paragraphs(
                        "Regional workforce report (draft)",
                        [
                            "Caseloads, vacancies and agency use across the 15 councils.",
                            "Draft for principal social workers only; not for circulation.",
                        ],
                    )
                ),
            )
        ],
        max_bytes=settings.max_upload_bytes,
    )
    meeting_day = (utcnow() + timedelta(days=21)).astimezone(LONDON).date()
    create_event(
        db,
        actor=owner,
        data=EventData(
            title="Principal social workers' quarterly meeting",
            description="Agenda: the workforce report, practice standards, the regional plan.",
            type="meeting",
            start_date=meeting_day,
            start_time="14:00",
            end_time="16:00",
            online=True,
            joining_link="https://meet.example.org/psw-quarterly",
            capacity=20,
            group_id=group.id,
        ),
    )
