"""Organisations: the partner authorities, and universities and others that admins add."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.errors import InvalidInput, NotFound
from app.members.models import Member, Organisation, OrganisationKind
from app.members.reference_data import slugify
from app.policy import check_admin_only_permission
from app.reference_data import forget_reference_data

DOMAIN_PATTERN = re.compile(r"^(?=.{3,253}$)([a-z0-9-]+\.)+[a-z]{2,63}$")


def parse_domains(raw: str | list[str]) -> list[str]:
    items = raw if isinstance(raw, list) else re.split(r"[,;\n]+", raw)
    domains = sorted({item.strip().lower().lstrip("@") for item in items if item.strip()})
    bad = [domain for domain in domains if not DOMAIN_PATTERN.match(domain)]
    if bad:
        raise InvalidInput({"email_domains": f"Not an e-mail domain: {', '.join(bad)}"})
    return domains


def list_organisations(db: Session) -> list[Organisation]:
    return list(db.execute(select(Organisation).order_by(Organisation.name)).scalars())


def create_organisation(
    db: Session,
    *,
    actor: Member,
    name: str,
    kind: str,
    email_domains: str | list[str],
    is_partner: bool,
) -> Organisation:
    check_admin_only_permission(actor)
    cleaned = name.strip()
    errors: dict[str, str] = {}
    if not cleaned or len(cleaned) > 200:
        errors["name"] = "Give a name of up to 200 characters."
    elif db.execute(select(Organisation.id).where(Organisation.name == cleaned)).first():
        errors["name"] = f"There is already an organisation called {cleaned}."
    try:
        organisation_kind = OrganisationKind(kind)
    except ValueError:
        errors["kind"] = "Choose local authority, university or other."
    try:
        domains = parse_domains(email_domains)
    except InvalidInput as error:
        errors.update(error.errors)
    if errors:
        raise InvalidInput(errors)
    organisation = Organisation(
        name=cleaned,
        slug=slugify(cleaned),
        kind=organisation_kind,
        is_partner=is_partner,
        email_domains=domains,
    )
    db.add(organisation)
    db.flush()
    forget_reference_data(db)
    audit.record(
        db,
        actor=actor,
        action="organisation_created",
        subject=None,
        subject_label=cleaned,
        after={
            "name": cleaned,
            "kind": organisation_kind.value,
            "partner": is_partner,
            "email_domains": ", ".join(domains),
        },
    )
    return organisation


def update_organisation(
    db: Session,
    *,
    actor: Member,
    organisation_id: str,
    email_domains: str | list[str],
    is_partner: bool,
) -> Organisation:
    check_admin_only_permission(actor)
    organisation = db.get(Organisation, organisation_id)
    if organisation is None:
        raise NotFound("There is no such organisation.")
    domains = parse_domains(email_domains)
    before = {
        "partner": organisation.is_partner,
        "email_domains": ", ".join(organisation.email_domains or []),
    }
    organisation.email_domains = domains
    organisation.is_partner = is_partner
    db.flush()
    forget_reference_data(db)
    audit.record(
        db,
        actor=actor,
        action="organisation_changed",
        subject=None,
        subject_label=organisation.name,
        before=before,
        after={"partner": is_partner, "email_domains": ", ".join(domains)},
    )
    return organisation
