"""A realistic demo library for ``portal seed --demo``, with real PDF and DOCX files made
from the practice texts in demo/corpus/ (published texts) and demo/library/ (guides,
briefings and research summaries written for the demo, one file per resource covering the
commonest areas of children's social work), uploaded through the same service as any file.

A demo/library/ file is a header of ``name: value`` lines (title, summary, type, topics by
name, audience, year, authors, abstract, owner, format), a line ``---``, then paragraphs
separated by blank lines."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import PROJECT_ROOT, Settings
from app.members.models import Member, MemberIdentity
from app.members.reference_data import slugify
from app.resources.documents import docx_from_paragraphs, pdf_from_paragraphs
from app.resources.models import Resource
from app.resources.schemas import ResourceData
from app.resources.service import Upload, create_resource
from app.resources.storage import FileStorage

CORPUS = PROJECT_ROOT / "demo" / "corpus"
LIBRARY = PROJECT_ROOT / "demo" / "library"


@dataclass(frozen=True)
class DemoResource:
    owner_subject: str
    source: str | None
    file_format: str | None
    data: dict[str, object]
    paragraphs: tuple[str, ...] = ()


DEMO_RESOURCES = (
    DemoResource(
        "amara.okafor",
        "social-work-champions-ten-years.txt",
        "pdf",
        {
            "title": "We are the social work champions: ten years of the regional programme",
            "summary": "How the partnership built its website, jobs page and members' portal, "
            "and what ten years of workforce work achieved across the 15 councils.",
            "type": "case_study",
            "topics": ["workforce-resilience", "supervision-and-reflective-practice"],
            "audience": "Principal social workers and workforce leads",
            "publication_year": 2021,
        },
    ),
    DemoResource(
        "gareth.evans",
        "team-manager-interview.txt",
        "docx",
        {
            "title": "A team manager on multi-agency information sharing",
            "summary": "An interview about the campaign and about sharing information with "
            "health, police and schools without losing sight of the child.",
            "type": "briefing",
            "topics": ["child-protection", "supervision-and-reflective-practice"],
            "audience": "Team managers",
            "publication_year": 2022,
        },
    ),
    DemoResource(
        "tom.hargreaves",
        "campaign-first-six-months.txt",
        "pdf",
        {
            "title": "The recruitment campaign's first six months",
            "summary": "Caseload figures by sub-region and what the campaign changed for "
            "recruitment and retention.",
            "type": "briefing",
            "topics": ["workforce-resilience"],
            "publication_year": 2022,
        },
    ),
    DemoResource(
        "priya.shah",
        "social-work-matters-magazine.txt",
        "pdf",
        {
            "title": "Social Work Matters: the members' magazine",
            "summary": "Policy, practice, regulation, CPD and research news for children's "
            "social workers in the region.",
            "type": "practice_guide",
            "topics": ["newly-qualified-and-asye", "court-work", "child-protection"],
            "audience": "All members",
            "publication_year": 2023,
        },
    ),
    DemoResource(
        "dr.helen.moss",
        "childrens-social-work-blog.txt",
        "docx",
        {
            "title": "Reviews, recruitment and the 'Baby P effect': a reading of the sector blog",
            "summary": "What a decade of sector commentary says about serious case reviews, "
            "recruitment and children's services ratings.",
            "type": "research_paper",
            "topics": ["child-protection", "workforce-resilience"],
            "authors": "Moss, H.",
            "publication_year": 2024,
            "abstract": "A thematic reading of published posts on reviews, recruitment and "
            "inspection ratings, asking what they mean for practice and for retention.",
            "doi": "10.5555/demo.2024.001",
        },
    ),
    DemoResource(
        "priya.shah",
        None,
        None,
        {
            "title": "Children Act 1989",
            "summary": "The Act itself, on legislation.gov.uk: sections 17, 20, 31 and 47 "
            "come up most in practice questions.",
            "type": "link",
            "topics": ["court-work", "child-protection"],
            "external_url": "https://www.legislation.gov.uk/ukpga/1989/41/contents",
        },
    ),
)


def library_resource(path: Path) -> DemoResource:
    """One resource of demo/library/ (format in the module docstring)."""
    header, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
    fields = dict(
        (name.strip(), value.strip())
        for name, _, value in (line.partition(":") for line in header.splitlines())
    )
    data: dict[str, object] = {
        "title": fields["title"],
        "summary": fields["summary"],
        "type": fields["type"],
        "topics": [slugify(name) for name in fields.get("topics", "").split(",") if name.strip()],
    }
    for name, key in (("audience", "audience"), ("authors", "authors"), ("abstract", "abstract")):
        if fields.get(name):
            data[key] = fields[name]
    if fields.get("year"):
        data["publication_year"] = int(fields["year"])
    paragraphs = tuple(" ".join(block.split()) for block in body.split("\n\n") if block.strip())
    return DemoResource(
        fields["owner"], path.name, fields.get("format", "pdf"), data, paragraphs=paragraphs
    )


def demo_library() -> tuple[DemoResource, ...]:
    """Every demo resource: the published texts, then the written library."""
    return DEMO_RESOURCES + tuple(library_resource(path) for path in sorted(LIBRARY.glob("*.txt")))


def _paragraphs(source: str) -> list[str]:
    text = (CORPUS / source).read_text(encoding="utf-8")
    return [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]


def seed_resources(db: Session, *, storage: FileStorage, settings: Settings) -> int:
    """Idempotent by title; returns how many resources were added."""
    existing = set(db.execute(select(Resource.title)).scalars())
    added = 0
    for demo in demo_library():
        if demo.data["title"] in existing:
            continue
        owner = db.execute(
            select(Member)
            .join(MemberIdentity, MemberIdentity.member_id == Member.id)
            .where(
                MemberIdentity.issuer == settings.dev_oidc_issuer,
                MemberIdentity.subject == demo.owner_subject,
            )
        ).scalar_one()
        uploads = []
        if demo.source and demo.file_format:
            paragraphs = list(demo.paragraphs) or _paragraphs(demo.source)
            stem = demo.source.removesuffix(".txt")
            content = (
                pdf_from_paragraphs(str(demo.data["title"]), paragraphs)
                if demo.file_format == "pdf"
                else docx_from_paragraphs(paragraphs)
            )
            uploads.append(Upload(f"{stem}.{demo.file_format}", io.BytesIO(content)))
        create_resource(
            db,
            storage=storage,
            actor=owner,
            data=ResourceData.model_validate(demo.data),
            uploads=uploads,
            max_bytes=settings.max_upload_bytes,
        )
        added += 1
    return added
