"""organisation admins: members an admin names to approve applicants from their own
organisation, who are told when one waits

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 20:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain ALTER TABLE, not batch mode: SQLite's batch copy of the member table would drop
    # the expression index of 0021 (ix_keyset_member_admin), which it cannot reflect.
    op.add_column(
        "member",
        sa.Column("is_organisation_admin", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    op.drop_column("member", "is_organisation_admin")
