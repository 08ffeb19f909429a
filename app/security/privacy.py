"""Sign-in history: a member's sessions (when they signed in, were last seen, and how the
session ended). Sessions go with the member's row; the ID tokens kept for sign-out are
never exported (they are the provider's, and a credential)."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.privacy.kinds import ErasureContext, ExportFile, PersonalData, Row, columns_of
from app.security.models import WebSession


def session_rows(db: Session, member_id: str) -> Iterator[Row]:
    for session in db.execute(
        select(WebSession)
        .where(WebSession.member_id == member_id)
        .order_by(WebSession.created_at)
        .execution_options(yield_per=500)
    ).scalars():
        yield columns_of(
            session, "provider_name", "created_at", "last_seen_at", "expires_at", "revoked_at"
        )


def erase(db: Session, context: ErasureContext) -> None:
    """Deleting the rows ends every session at once: the next request finds none."""
    db.execute(delete(WebSession).where(WebSession.member_id == context.member_id))


PERSONAL_DATA = PersonalData(
    domain="security",
    files=(
        ExportFile(
            "sign_in_history.json",
            "Your sign-ins: each session's start, last activity, expiry and sign-out, and the "
            "identity provider used.",
            session_rows,
        ),
    ),
    erase=erase,
)
