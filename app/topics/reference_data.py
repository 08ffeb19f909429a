"""The topics every installation starts with; admins may add more later."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.members.reference_data import slugify
from app.reference_data import forget_reference_data
from app.topics.models import Topic

STARTING_TOPICS = (
    "Child protection",
    "Neglect",
    "Looked-after children",
    "Care leavers",
    "Transitional safeguarding",
    "Child exploitation",
    "Domestic abuse",
    "Poverty",
    "Adoption and permanence",
    "Court work",
    "Disabled children",
    "Mental health",
    "Supervision and reflective practice",
    "Workforce resilience",
    "Newly qualified and ASYE",
    "Anti-racist practice",
    "Early help",
    "Fostering",
    "Youth justice",
    "Parental substance misuse",
)


def ensure_topics(db: Session) -> int:
    existing = set(db.execute(select(Topic.name)).scalars())
    missing = [name for name in STARTING_TOPICS if name not in existing]
    db.add_all(Topic(name=name, slug=slugify(name)) for name in missing)
    db.flush()
    if missing:
        forget_reference_data(db)
    return len(missing)
