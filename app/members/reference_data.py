"""Organisations every installation has: the 15 partner local authorities."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.members.models import Organisation, OrganisationKind

PARTNER_LOCAL_AUTHORITIES = (
    "Barnsley Council",
    "Bradford Council",
    "Calderdale Council",
    "City of York Council",
    "Doncaster Children's Services Trust",
    "East Riding of Yorkshire Council",
    "Hull City Council",
    "Kirklees Council",
    "Leeds City Council",
    "North East Lincolnshire Council",
    "North Lincolnshire Council",
    "North Yorkshire Council",
    "Rotherham Council",
    "Sheffield City Council",
    "Wakefield Council",
)


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower().replace("'", "")).strip("-")


def ensure_partner_organisations(db: Session) -> int:
    """Create any missing partner authority; returns how many were created."""
    existing = set(db.execute(select(Organisation.name)).scalars())
    created = 0
    for name in PARTNER_LOCAL_AUTHORITIES:
        if name not in existing:
            db.add(
                Organisation(
                    name=name,
                    slug=slugify(name),
                    kind=OrganisationKind.LOCAL_AUTHORITY,
                    is_partner=True,
                )
            )
            created += 1
    db.flush()
    return created
