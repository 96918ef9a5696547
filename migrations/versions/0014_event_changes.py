"""community events remember what their texts said: community_event.sequence

Revision ID: 0014_event_changes
Revises: 0013_housing
Create Date: 2026-12-07 09:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0014_event_changes"
down_revision = "0013_housing"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("community_event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("sequence", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("community_event", schema=None) as batch_op:
        batch_op.drop_column("sequence")
